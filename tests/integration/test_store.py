"""The store on moto: exactly-once under concurrency, the calls a poll costs, and who is blamed for a failure.

The promises both stores keep are in tests/contract; these need DynamoDB itself.
"""

from __future__ import annotations

from datetime import UTC, datetime

import boto3
import pytest

from exportwatch.aws.store import ITEM_PREFIX, STORY_PREFIX, Store
from exportwatch.models import Item
from exportwatch.sources.fetch import fetch
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


class RacingStore(Store):
    """A second poller that read the table just before the first one wrote: each read is stale once.

    moto is not thread-safe, so two threads cannot show DynamoDB's serializable transactions; this
    interleaving is the race that matters (read, other poller writes, write) and it is deterministic.
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.stale = {"stored_items", "stories_published", "stories_for_keys"}

    def stored_items(self, item_ids):
        return {} if self._once("stored_items") else super().stored_items(item_ids)

    def stories_published(self, first, last):
        return [] if self._once("stories_published") else super().stories_published(first, last)

    def stories_for_keys(self, keys):
        return {} if self._once("stories_for_keys") else super().stories_for_keys(keys)

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


EVENTS = [  # ten additions on ten days, each reported by three outlets
    (f"2020-06-{day:02d}", name)
    for day, name in zip(
        range(1, 30, 3),
        ["Aurora Photonics", "Borealis Semiconductor", "Cobalt Avionics", "Delta Quantum", "Ember Robotics",
         "Fjord Microwave", "Granite Optics", "Harbor Lasers", "Iris Materials", "Juniper Sensors"],
        strict=True,
    )
]  # fmt: skip


def thirty_items() -> list[Item]:
    return [
        Item(
            id=f"https://news{outlet}.example/{day}/{name.split()[0].lower()}",
            url=f"https://news{outlet}.example/{day}/{name.split()[0].lower()}",
            title=f"Commerce adds {name} Co., Ltd. to the Entity List",
            text=f"The Commerce Department added {name} Co., Ltd. to the Entity List on {day}, outlet {outlet} said.",
            published=day,
        )
        for day, name in EVENTS
        for outlet in range(3)
    ]


def test_a_poll_of_thirty_new_items_forming_ten_stories_costs_at_most_forty_calls(table: str) -> None:
    # Given a store that counts every DynamoDB call it makes
    client = boto3.client("dynamodb")
    calls: list[str] = []
    client.meta.events.register("before-call.dynamodb.*", lambda model, **_: calls.append(model.name))
    store = Store(client, "exportwatch-test", now=clock)
    # When 30 new items about 10 events are ingested (as one poll does, with its state read and write)
    store.feed_state("https://news.example/feed")
    report = ingest(thirty_items(), store, now=clock)
    store.put_feed_state(store.feed_state("https://news.example/feed"))
    # Then
    assert report.stored == 30 and len(report.stories_created) == 10
    assert len(calls) <= 40, calls


def test_a_table_failure_fails_the_poll_and_blames_no_source(aws_mock: None) -> None:
    # Given a poll whose table does not exist (an outage, a wrong name: the table's fault, not the feed's)
    from exportwatch.ports import StoreError
    from exportwatch.sources.poll import poll_feeds
    from exportwatch_cli.local import Route, SampleServer

    store = Store(boto3.client("dynamodb"), "no-such-table", now=clock)
    routes = {"/a.xml": Route(b"<rss><channel><item><title>x</title></item></channel></rss>", "application/rss+xml")}
    # When / Then the invocation fails (Lambda retries it) instead of marking the feed failed
    with SampleServer(routes) as server, pytest.raises(StoreError):
        poll_feeds([f"{server.base}/a.xml"], store, fetcher=lambda u, **kw: fetch(u, allow_loopback=True, **kw))
