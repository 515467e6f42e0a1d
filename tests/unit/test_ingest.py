from __future__ import annotations

from datetime import UTC, datetime

from exportwatch.models import Item
from exportwatch.stories.ingest import IngestPolicy, ingest
from exportwatch_cli.memory import MemoryStore
from tests.helpers import CORPUS, read_jsonl


def clock() -> datetime:
    return datetime(2019, 11, 22, 12, tzinfo=UTC)


def seeds() -> list[Item]:
    return [Item.from_json(r) for r in read_jsonl(CORPUS / "seeds.jsonl")]


def test_seeds_in_one_batch_make_one_new_story_in_one_write() -> None:
    # Given
    store = MemoryStore()
    # When
    report = ingest(seeds(), store, now=clock)
    # Then
    assert report.stored == 3
    assert len(report.stories_created) == 1
    assert store.writes == 1
    ((story, _rev),) = store.stories.values()
    assert story.version == 1 and len(story.sources) == 3


def test_the_same_items_again_are_skipped_before_classification() -> None:
    # Given
    store = MemoryStore()
    ingest(seeds(), store, now=clock)
    writes = store.writes
    # When
    report = ingest(seeds(), store, now=clock)
    # Then
    assert report.already_seen == 3 and report.stored == 0
    assert store.writes == writes


def test_irrelevant_items_are_remembered_and_never_make_stories() -> None:
    # Given
    store = MemoryStore()
    noise = Item(
        id="x", title="Brivo, Eagle Eye Networks Merge", text="The two companies will merge.", published="2019-11-22"
    )
    # When
    first = ingest([noise], store, now=clock)
    second = ingest([noise], store, now=clock)
    # Then
    assert first.irrelevant == 1 and not store.stories
    assert second.already_seen == 1


def test_later_articles_join_the_story_without_a_new_version() -> None:
    # Given the first report alone, then the other two in a later poll
    store = MemoryStore()
    first, *later = sorted(seeds(), key=lambda i: i.published)
    ingest([first], store, now=clock)
    # When
    report = ingest(later, store, now=clock)
    # Then 001 adds the computed deadline: one material update, whatever the number of articles
    ((story, _),) = store.stories.values()
    assert len(story.sources) == 3
    assert story.version == 2
    assert report.stories_updated == [story.story_id]
    assert any(change.startswith("expires") for change in story.changes)


def test_back_dated_items_are_remembered_but_never_alert() -> None:
    # Given a feed that republished its archive: the seeds (Nov 2019) first seen in Nov 2020
    store = MemoryStore()

    def a_year_later() -> datetime:
        return datetime(2020, 11, 22, 12, tzinfo=UTC)

    # When
    report = ingest(seeds(), store, now=a_year_later, policy=IngestPolicy(max_age_days=14))
    again = ingest(seeds(), store, now=a_year_later, policy=IngestPolicy(max_age_days=14))
    # Then no story, and the items are known
    assert report.stale == 3 and report.stored == 0
    assert not store.stories
    assert again.already_seen == 3


def test_each_new_item_is_read_and_classified_once(monkeypatch) -> None:
    # Given ingestion that counts how often an item's text is read and classified
    import exportwatch.stories.cluster as cluster

    reads, classified = [], []
    real_read, real_classify = cluster.read, cluster.classify
    monkeypatch.setattr(cluster, "read", lambda item: reads.append(item.id) or real_read(item))
    monkeypatch.setattr(cluster, "classify", lambda item, **kw: classified.append(item.id) or real_classify(item, **kw))
    # When the seeds and an irrelevant item are ingested twice
    items = [*seeds(), Item(id="other", title="Huawei launches a phone", published="2019-11-21")]
    store = MemoryStore()
    ingest(items, store, now=clock)
    ingest(items, store, now=clock)
    # Then each item was read and classified exactly once, and never again once stored
    assert sorted(reads) == sorted(classified) == sorted(item.id for item in items)
