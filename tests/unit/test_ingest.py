from __future__ import annotations

from collections.abc import Callable
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
    import exportwatch.classify.labels as labels
    import exportwatch.stories.cluster as cluster

    reads, classified = [], []
    real_read, real_classify = cluster.read, labels.classify
    monkeypatch.setattr(cluster, "read", lambda item: reads.append(item.id) or real_read(item))
    monkeypatch.setattr(labels, "classify", lambda item, **kw: classified.append(item.id) or real_classify(item, **kw))
    # When the seeds and an irrelevant item are ingested twice
    items = [*seeds(), Item(id="other", title="Huawei launches a phone", published="2019-11-21")]
    store = MemoryStore()
    ingest(items, store, now=clock)
    ingest(items, store, now=clock)
    # Then each item was read and classified exactly once, and never again once stored
    assert sorted(reads) == sorted(classified) == sorted(item.id for item in items)


def _at(day: str) -> Callable[[], datetime]:
    return lambda: datetime.fromisoformat(day).replace(hour=12, tzinfo=UTC)


ORDER = Item(
    id="fr:2018-15633",
    title="Order Terminating Denial Order Issued on April 15, 2018, Against Zhongxing Telecommunications "
    "Equipment Corporation and ZTE Kangxun Telecommunications Ltd.",
    text="BIS terminates the denial order issued on April 15, 2018 against ZTE after the settlement.",
    source="federal_register",
    document_number="2018-15633",
    citation="83 FR 34825",
    published="2018-07-23",
    stage="published",
)


def test_news_weeks_after_its_rule_joins_it_without_a_new_alert() -> None:
    # Given the ZTE termination order, stored when published
    store = MemoryStore()
    ingest([ORDER], store, now=_at("2018-07-23"))
    # When a law-firm write-up naming ZTE and the order arrives twelve days later
    write_up = Item(
        id="https://example.org/zte-denial-order-terminated",
        title="BIS terminates the ZTE denial order",
        text="The denial order issued on April 15, 2018 against ZTE was terminated by BIS after the company "
        "paid its penalty and placed $400 million in escrow.",
        published="2018-08-04",
    )
    report = ingest([write_up], store, now=_at("2018-08-04"))
    # Then it is one more source of the same story, and nobody is alerted again
    ((story, _rev),) = store.stories.values()
    assert len(story.sources) == 2 and story.version == 1
    assert report.stories_extended == [story.story_id] and not report.stories_created


def test_a_correction_joins_the_rule_it_corrects_and_alerts_nobody() -> None:
    # Given the order, and two months later a correction that quotes its document number
    store = MemoryStore()
    ingest([ORDER], store, now=_at("2018-07-23"))
    correction = Item(
        id="fr:2018-19999",
        title="Order Terminating Denial Order Against ZTE; Correction",
        text="In FR Doc. 2018-15633, published July 23, 2018, a date is corrected.",
        source="federal_register",
        document_number="2018-19999",
        published="2018-09-20",
        stage="published",
    )
    # When
    report = ingest([correction], store, now=_at("2018-09-20"))
    # Then
    ((story, _rev),) = store.stories.values()
    assert len(story.sources) == 2 and story.version == 1
    assert not report.stories_created and not report.stories_updated


def test_an_unlabelled_reaction_is_stored_with_its_story_and_sends_nothing() -> None:
    # Given the seeds' story
    store = MemoryStore()
    ingest(seeds(), store, now=clock)
    reaction = Item(  # from the stories fixture
        id="https://example.org/senators-huawei-licenses",
        title="Senators to Trump: pump the brakes on Huawei licenses",
        text="Led by Schumer and Cotton, fifteen senators urged President Trump to pause the Huawei licensing that "
        "had only just begun until Congress is given criteria for weighing national security risk. Their letter "
        "came after reports that roughly half of around 150 applications processed so far had been approved.",
        published="2019-11-21",
    )
    # When
    report = ingest([reaction], store, now=clock)
    # Then
    ((story, _rev),) = store.stories.values()
    assert report.stored == 1 and report.irrelevant == 0
    assert story.version == 1 and len(story.sources) == 4
