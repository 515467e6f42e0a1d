"""The store on moto: conditional writes make ingestion exactly-once, also under concurrency."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import boto3
import pytest

from exportwatch.ingest import ingest
from exportwatch.models import Item
from exportwatch.store import ITEM_PREFIX, STORY_PREFIX, FeedState, ItemAlreadyStored, Store
from tests.helpers import CORPUS, read_jsonl


def clock() -> datetime:
    return datetime(2019, 11, 22, 12, tzinfo=UTC)


@pytest.fixture
def store(table: str) -> Store:
    return Store(boto3.client("dynamodb"), "exportwatch-test", now=clock)


def seeds() -> list[Item]:
    return [Item.from_json(r) for r in read_jsonl(CORPUS / "seeds.jsonl")]


def count(prefix: str) -> int:
    rows = boto3.client("dynamodb").scan(TableName="exportwatch-test")["Items"]
    return sum(1 for row in rows if row["pk"]["S"].startswith(prefix))


def test_an_item_stored_once_is_never_stored_again(store: Store) -> None:
    # Given
    ingest(seeds(), store, now=clock)
    story_id = next(iter(store.stories_on(["2019-11-20"]))).story_id
    found = store.get_story(story_id)
    assert found is not None
    story, rev = found
    # When the same item is written again with the story
    with pytest.raises(ItemAlreadyStored):
        store.save_many([seeds()[0]], story, previous_rev=rev, new_keys=[], labels=[("license.decision",)])
    # Then nothing changed
    assert store.get_story(story_id) == (story, rev)
    assert count(ITEM_PREFIX) == 3


def test_concurrent_ingestion_of_the_same_items_stores_them_once(store: Store) -> None:
    # Given two pollers that fetched the same feed at the same time
    errors: list[BaseException] = []
    reports = []

    def poller() -> None:
        try:
            reports.append(ingest(seeds(), Store(boto3.client("dynamodb"), "exportwatch-test", now=clock), now=clock))
        except BaseException as exc:  # noqa: BLE001 - surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=poller) for _ in range(4)]
    # When
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # Then
    assert errors == []
    assert sum(r.stored for r in reports) == 3
    assert count(ITEM_PREFIX) == 3
    assert count(STORY_PREFIX) == 1


def test_feed_state_round_trips(store: Store) -> None:
    state = FeedState(
        url="https://example.com/feed",
        etag='"abc"',
        last_modified="Wed, 20 Nov 2019 18:00:00 GMT",
        failures=2,
        last_error="timeout: x",
    )
    store.put_feed_state(state)
    assert store.feed_state("https://example.com/feed") == state
    assert store.feed_state("https://example.com/other") == FeedState(url="https://example.com/other")
