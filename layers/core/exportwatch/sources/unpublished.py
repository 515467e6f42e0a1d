"""Documents off the public-inspection list and still unpublished: looked up for a withdrawal the list no longer shows.

A withdrawn document stays on the public-inspection list, with its withdrawal note, only until the day it was
to be published; a poller down that whole day never sees the note, and the story would say "not yet
published" for ever. So, when the list changes, the stories of public-inspection documents that are off the
list, due by today and not published (at most ``LOOKUP_LIMIT`` a poll, over ``LOOKBACK_DAYS``) are looked up
at ``public-inspection-documents/{number}.json``, which keeps the document with its note. Only that note
counts: a document merely absent from the list may yet be published (late, or the API lagging), and a false
"withdrawn" would tell compliance teams that a rule in force is not.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Collection
from dataclasses import replace
from datetime import datetime, timedelta

from aws_lambda_powertools import Logger

from exportwatch.models import Item, Story
from exportwatch.ports import StoryStore
from exportwatch.sources.federal_register import ResponseError, document_item
from exportwatch.sources.fetch import FetchError, Response

logger = Logger(child=True)
LOOKUP_LIMIT = 5  # documents looked up per poll: a handful a month reach their day unpublished
LOOKBACK_DAYS = 14  # a withdrawal is news for this long after the day the document was to be published
LOOKUP_BUDGET = 45.0  # seconds one lookup may take, retries included (as a polled source: poll.SOURCE_BUDGET)
_NUMBER = re.compile(r"^pi:([^@]+)")


def pending(stories: list[Story]) -> list[str]:
    """Document numbers of stories started on public inspection and neither published nor withdrawn yet."""
    numbers: list[str] = []
    for story in stories:
        if story.official or story.withdrawn:
            continue
        found = next((m.group(1) for s in story.sources if (m := _NUMBER.match(s.id))), "")
        if found:
            numbers.append(found)
    return list(dict.fromkeys(numbers))


def unlisted_withdrawals(
    store: StoryStore,
    *,
    fetcher: Callable[..., Response],
    base: str,
    now: datetime,
    listed: Collection[str] = (),
    deadline: float | None = None,
) -> list[Item]:
    """Withdrawal items of documents off the list (``listed``: the numbers on it), due and still unpublished.

    A lookup that answers something else is logged and skipped; one that fails, or would outrun ``deadline``
    (``time.monotonic()``), ends the lookups: the next poll tries again.
    """
    today = now.date()
    first, last = (today - timedelta(days=LOOKBACK_DAYS)).isoformat(), today.isoformat()
    numbers = [n for n in pending([story for story, _rev in store.stories_published(first, last)]) if n not in listed]
    items: list[Item] = []
    for number in numbers[:LOOKUP_LIMIT]:
        if deadline is not None and time.monotonic() + LOOKUP_BUDGET >= deadline:
            break
        try:
            doc = json.loads(
                fetcher(f"{base}/public-inspection-documents/{number}.json", accept="application/json").body
            )
            item = document_item(doc, stage="public_inspection") if isinstance(doc, dict) else None
        except FetchError as exc:
            logger.warning("public-inspection lookups stopped", extra={"document": number, "error": str(exc)[:300]})
            break
        except (ResponseError, ValueError) as exc:
            logger.warning("public-inspection lookup unusable", extra={"document": number, "error": str(exc)[:300]})
            continue
        if item is not None and item.stage == "withdrawn" and item.document_number == number:
            items.append(replace(item, feed="public_inspection"))
    return items
