"""A Federal Register outage longer than the fixed look-back loses no rule (issue 10, item 3).

The served document is the sample rule of cli/exportwatch_cli/samples/documents.json (86 FR 71557,
https://www.federalregister.gov/d/2021-27406), re-dated into the outage; the server answers the
API's `conditions[publication_date][gte]` as the Federal Register does.
"""

from __future__ import annotations

import json
import os
import urllib.parse
from datetime import UTC, date, datetime, timedelta
from http.server import BaseHTTPRequestHandler
from importlib import resources
from typing import Any

from exportwatch.aws import clients
from exportwatch.aws.store import Store
from exportwatch.models import FeedState
from exportwatch.sources.poll import MAX_LOOKBACK_DAYS, look_back_from
from exportwatch_cli.demo import local_stack
from exportwatch_cli.local import Route

SAMPLE = json.loads((resources.files("exportwatch_cli") / "samples" / "documents.json").read_text(encoding="utf-8"))


def documents_since(published: date) -> Any:
    """The documents route: the rule, if published on or after the day asked for."""
    rule = {**SAMPLE["results"][0], "publication_date": published.isoformat()}

    def route(request: BaseHTTPRequestHandler) -> Route:
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(request.path).query)
        since = date.fromisoformat(query["conditions[publication_date][gte]"][0])
        results = [rule] if published >= since else []
        return Route(json.dumps({"count": len(results), "results": results}).encode(), "application/json")

    return route


def test_rules_published_during_an_outage_longer_than_the_look_back_are_fetched_and_alerted() -> None:
    today = datetime.now(UTC)
    published = (today - timedelta(days=7)).date()
    routes = {
        "/api/v1/documents.json": documents_since(published),
        "/api/v1/public-inspection-documents/current.json": Route(b'{"count": 0, "results": []}', "application/json"),
    }
    # Given the last successful poll of the documents 10 days ago (3-day look-back, 5-day age limit),
    # and a rule published 7 days ago, during the outage
    with local_stack(routes, extra_env={"LOOKBACK_DAYS": "3", "MAX_ITEM_AGE_DAYS": "5"}) as stack:
        store = Store(clients.dynamodb(), os.environ["TABLE_NAME"])
        last = (today - timedelta(days=10)).isoformat(timespec="seconds")
        store.put_feed_state(FeedState("federal_register:documents", failures=40, last_success=last))
        # When the Federal Register is polled again
        result = stack.handlers["poll_federal_register"].lambda_handler({}, stack.context)
        for event in stack.reader.events():
            stack.handlers["notify"].lambda_handler(event, stack.context)
        inbox = stack.inbox()["compliance-team"]
    # Then the rule is fetched, stored and alerted
    assert result["stored"] == 1 and result["stale"] == 0
    assert [m["story_id"] for m in inbox] == result["stories_created"]


def test_the_look_back_widens_to_the_last_success_and_no_further_than_its_bound() -> None:
    now = datetime(2026, 3, 1, 12, tzinfo=UTC)
    assert look_back_from(FeedState("d"), now, 3) == date(2026, 2, 26)
    assert look_back_from(FeedState("d", last_success="2026-02-28T10:00:00+00:00"), now, 3) == date(2026, 2, 26)
    assert look_back_from(FeedState("d", last_success="2026-02-10T10:00:00+00:00"), now, 3) == date(2026, 2, 9)
    far = look_back_from(FeedState("d", last_success="2025-01-01T00:00:00+00:00"), now, 3)
    assert far == (now - timedelta(days=MAX_LOOKBACK_DAYS)).date()
