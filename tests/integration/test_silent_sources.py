"""Silent sources tell operations once, and once again when they deliver (issue 13, "Silent sources").

On moto and a loopback HTTP server, through the real poll handlers: the operations topic is created as the
template declares it, an SQS queue subscribed to it shows what operators would read. A source's history (its
last new item days ago, its usual rhythm) is written into its feed state, as months of polling would leave it.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from importlib import resources
from typing import Any

import boto3
import pytest

from exportwatch import aws
from exportwatch.aws import clients
from exportwatch.aws.store import Store
from exportwatch.models import FeedState
from exportwatch_cli.demo import LocalStack, local_stack
from exportwatch_cli.local import Route, create_topic, drain, load_template
from tests.helpers import ROOT

DAY = 24 * 60
NO_DOCUMENTS = Route(b'{"count": 0, "description": "none"}', "application/json")
NOTHING_ON_INSPECTION = Route(b'{"count": 0, "results": []}', "application/json")
SAMPLE_RULE = json.loads((resources.files("exportwatch_cli") / "samples" / "documents.json").read_text())


def _feed(*titles: str) -> Route:
    entries = "".join(
        f"<item><title>{t}</title><link>https://news.example/{i}</link><guid>https://news.example/{i}</guid></item>"
        for i, t in enumerate(titles)
    )
    body = f"<rss version='2.0'><channel><title>Trade news</title>{entries}</channel></rss>"
    return Route(body.encode(), "application/rss+xml")


@pytest.fixture
def routes() -> dict[str, Any]:
    return {
        "/feeds/news.xml": _feed("Port volumes rise in March"),
        "/api/v1/documents.json": NO_DOCUMENTS,
        "/api/v1/public-inspection-documents/current.json": NOTHING_ON_INSPECTION,
    }


@pytest.fixture
def stack(routes: dict[str, Any]) -> Iterator[tuple[LocalStack, Any]]:
    """The local stack with an operations topic (OPS_TOPIC_ARN) and a queue reading it."""
    with local_stack(routes) as running:
        sns, sqs = boto3.client("sns"), boto3.client("sqs")
        topic = create_topic(sns, load_template(ROOT / "template.yaml"), "exportwatch-test-ops", "OpsTopic")
        queue = sqs.create_queue(QueueName="operators")["QueueUrl"]
        arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn)  # not raw: the envelope keeps the subject
        os.environ["OPS_TOPIC_ARN"] = topic
        aws.clear_caches()  # the handlers read the settings again
        try:
            yield running, lambda: drain(sqs, queue)
        finally:
            os.environ.pop("OPS_TOPIC_ARN", None)


def _age(store: Store, name: str, *, days: float, intervals: tuple[int, ...] = ()) -> None:
    """Make the source's last new item ``days`` old, with the rhythm it showed before."""
    state = store.feed_state(name)
    last = (datetime.now(UTC) - timedelta(days=days)).isoformat(timespec="seconds")
    store.put_feed_state(FeedState(**{**_fields(state), "last_new": last, "intervals": intervals}))


def _fields(state: FeedState) -> dict[str, Any]:
    return {name: getattr(state, name) for name in FeedState.__slots__}


def test_a_feed_silent_far_past_its_rhythm_tells_operations_once_and_once_when_it_delivers(stack, routes) -> None:
    running, ops_inbox = stack
    poll = running.handlers["poll_feeds"].lambda_handler
    feed = f"{running.server.base}/feeds/news.xml"
    store = Store(clients.dynamodb(), os.environ["TABLE_NAME"])
    # Given a feed polled before, that used to deliver daily and has given nothing new for 9 days
    poll({}, running.context)
    _age(store, feed, days=9, intervals=(DAY,) * 6)
    # When it is polled and answers as before (304: nothing new)
    result = poll({}, running.context)
    # Then operations get one message naming the feed, how long it has been silent and its usual rhythm
    assert result["sources"][0]["status"] == "unchanged"
    (message,) = ops_inbox()
    assert message["Subject"] == f"exportwatch: source silent: {feed}"
    assert feed in message["Message"] and "for 9.0 days" in message["Message"]
    assert "a new item every 1.0 days" in message["Message"]

    # When it is polled again, still silent
    poll({}, running.context)
    poll({}, running.context)
    # Then nothing more is said
    assert ops_inbox() == []

    # When it delivers a new item
    routes["/feeds/news.xml"] = _feed("Port volumes rise in March", "Shipping rates fall in April")
    poll({}, running.context)
    # Then one message says it is back, and the next poll says nothing
    (back,) = ops_inbox()
    assert back["Subject"] == f"exportwatch: source recovered: {feed}"
    assert "after 9.0 days of silence" in back["Message"]
    poll({}, running.context)
    assert ops_inbox() == []
    assert store.feed_state(feed).silent_since == ""


def test_a_feed_quiet_within_its_rhythm_says_nothing(stack) -> None:
    running, ops_inbox = stack
    poll = running.handlers["poll_feeds"].lambda_handler
    feed = f"{running.server.base}/feeds/news.xml"
    store = Store(clients.dynamodb(), os.environ["TABLE_NAME"])
    # Given a weekly feed whose last item came 9 days ago
    poll({}, running.context)
    _age(store, feed, days=9, intervals=(7 * DAY,) * 6)
    # When it is polled
    poll({}, running.context)
    # Then it is not silent yet (four weeks would be)
    assert ops_inbox() == []


def test_the_federal_register_without_a_bis_document_for_weeks_tells_operations_once(stack, routes) -> None:
    running, ops_inbox = stack
    poll = running.handlers["poll_federal_register"].lambda_handler
    store = Store(clients.dynamodb(), os.environ["TABLE_NAME"])
    # Given the API answering, but no BIS document for three weeks
    poll({}, running.context)
    _age(store, "federal_register:documents", days=21)
    # When it is polled, twice
    poll({}, running.context)
    poll({}, running.context)
    # Then operations hear once, of the API's host and the business days without a document
    (message,) = ops_inbox()
    assert message["Subject"] == "exportwatch: source silent: federal_register:documents (127.0.0.1)"
    assert "10 business days without a document" in message["Message"]
    # When a BIS document comes again (published today)
    today = datetime.now(UTC).date().isoformat()
    rule = {**SAMPLE_RULE["results"][0], "publication_date": today}
    routes["/api/v1/documents.json"] = Route(json.dumps({"count": 1, "results": [rule]}).encode(), "application/json")
    poll({}, running.context)
    # Then once more, that it is back
    (back,) = ops_inbox()
    assert back["Subject"] == "exportwatch: source recovered: federal_register:documents (127.0.0.1)"
