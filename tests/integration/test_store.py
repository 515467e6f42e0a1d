"""The store on moto: conditional writes make ingestion exactly-once, also under concurrency."""

from __future__ import annotations

from datetime import UTC, datetime

import boto3
import pytest

from exportwatch.aws.store import ITEM_PREFIX, STORY_PREFIX, FeedState, ItemAlreadyStored, Store
from exportwatch.models import Item
from exportwatch.stories.ingest import ingest
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


class RacingStore(Store):
    """A second poller that read the table just before the first one wrote: each read is stale once.

    moto is not thread-safe, so two threads cannot show DynamoDB's serializable transactions; this
    interleaving is the race that matters (read, other poller writes, write) and it is deterministic.
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.stale = {"seen", "stories_on", "story_for_keys"}

    def seen(self, item_ids):
        return set() if self._once("seen") else super().seen(item_ids)

    def stories_on(self, days):
        return [] if self._once("stories_on") else super().stories_on(days)

    def story_for_keys(self, keys):
        return None if self._once("story_for_keys") else super().story_for_keys(keys)

    def _once(self, name: str) -> bool:
        if name in self.stale:
            self.stale.discard(name)
            return True
        return False


def test_concurrent_ingestion_of_the_same_items_stores_them_once(store: Store) -> None:
    # Given two pollers that fetched the same feed; the second read the table before the first wrote
    second = RacingStore(boto3.client("dynamodb"), "exportwatch-test", now=clock)
    # When both ingest
    first_report = ingest(seeds(), store, now=clock)
    second_report = ingest(seeds(), second, now=clock)
    # Then the conditional writes stored each item once, in one story, and the loser knows it
    assert first_report.stored == 3 and len(first_report.stories_created) == 1
    assert second_report.stored == 0 and second_report.already_seen == 3
    assert second_report.stories_created == [] and second_report.stories_updated == []
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
