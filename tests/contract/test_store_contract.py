"""One contract, two stores: the DynamoDB store on moto and the in-memory store keep the same promises.

Logic is unit-tested on ``MemoryStore``; these checks are what make that stand-in honest.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from exportwatch.models import FeedState, Item
from exportwatch.ports import ItemAlreadyStored, StoryChanged, week_of
from exportwatch.stories.cluster import analyse, new_story
from exportwatch.stories.ingest import ingest
from tests.contract.conftest import clock
from tests.helpers import CORPUS, read_jsonl

NOW = "2019-11-22T12:00:00+00:00"


def seeds() -> list[Item]:
    return [Item.from_json(r) for r in read_jsonl(CORPUS / "seeds.jsonl")]


def a_story(item_id: str = "fr:2020-1", published: str = "2020-06-05"):
    item = Item(
        id=item_id,
        title="Addition of Entities to the Entity List",
        text="BIS amends the EAR by adding 24 entities to the Entity List under China.",
        source="federal_register",
        document_number=item_id.removeprefix("fr:"),
        published=published,
        agencies=("Industry and Security Bureau",),
    )
    analysis = analyse(item)
    return item, analysis, new_story(analysis, now=NOW)


def test_an_item_is_stored_once(store) -> None:
    # Given a stored story with its item
    item, analysis, story = a_story()
    store.save_many([item], story, previous_rev=None, new_keys=analysis.keys, labels=[("entity_list.addition",)])
    # When the same item is written again with the story
    with pytest.raises(ItemAlreadyStored):
        store.save_many([item], story, previous_rev=1, new_keys=[], labels=[("entity_list.addition",)])
    # Then nothing changed
    assert store.get_story(story.story_id) == (story, 1)
    assert store.seen([item.id, "other"]) == {item.id}


def test_a_story_write_needs_the_revision_it_read(store) -> None:
    # Given a story at revision 1
    item, analysis, story = a_story()
    store.save_many([item], story, previous_rev=None, new_keys=analysis.keys, labels=[()])
    later, _, _ = a_story("fr:2020-2")
    # When a writer that read nothing (or an old revision) writes it
    with pytest.raises(StoryChanged):
        store.save_many([later], story, previous_rev=None, new_keys=[], labels=[()])
    with pytest.raises(StoryChanged):
        store.save_many([later], story, previous_rev=7, new_keys=[], labels=[()])
    # Then the right revision succeeds
    store.save_many([later], replace(story, title="updated"), previous_rev=1, new_keys=[], labels=[()])
    assert store.get_story(story.story_id)[1] == 2


def test_an_identity_key_belongs_to_the_first_story_that_claims_it(store) -> None:
    # Given a story owning the key doc:2020-1
    item, analysis, story = a_story()
    store.save_many([item], story, previous_rev=None, new_keys=analysis.keys, labels=[()])
    # When another new story claims the same key
    other_item, _, other = a_story("fr:2020-9")
    with pytest.raises(StoryChanged):
        store.save_many([other_item], other, previous_rev=None, new_keys=["doc:2020-1"], labels=[()])
    # Then the key still points to the first story, and nothing of the second was written
    assert store.stories_for_keys(["doc:2020-1", "doc:unknown"]) == {"doc:2020-1": (story, 1)}
    assert store.get_story(other.story_id) is None and store.seen([other_item.id]) == set()


def test_candidates_are_the_stories_published_in_a_range_with_their_revision(store) -> None:
    # Given stories published on 2019-12-30, 2020-01-02 and 2020-03-01
    for number, day in (("2019-1", "2019-12-30"), ("2020-2", "2020-01-02"), ("2020-3", "2020-03-01")):
        item, analysis, story = a_story(f"fr:{number}", day)
        store.save_many([item], story, previous_rev=None, new_keys=analysis.keys, labels=[()])
    # When
    found = store.stories_published("2019-12-25", "2020-01-05")
    # Then the range spans the new year, and each story comes with its revision
    assert sorted((s.published, rev) for s, rev in found) == [("2019-12-30", 1), ("2020-01-02", 1)]


def test_irrelevant_items_are_remembered_once(store) -> None:
    item = Item(id="n1", title="Huawei launches a phone")
    assert store.mark_seen(item) is True
    assert store.mark_seen(item) is False
    assert store.seen(["n1"]) == {"n1"}


def test_feed_state_round_trips(store) -> None:
    state = FeedState(url="https://example.com/feed", etag='"abc"', failures=2, last_error="timeout: x")
    store.put_feed_state(state)
    assert store.feed_state("https://example.com/feed") == state
    assert store.feed_state("https://example.com/other") == FeedState(url="https://example.com/other")
    # what the silence watch keeps round-trips too (tuples of minutes, timestamps)
    silent = FeedState(
        url="https://example.com/quiet",
        last_new="2026-03-01T10:00:00+00:00",
        intervals=(1440, 2880, 60),
        silent_since="2026-03-09T10:00:00+00:00",
    )
    store.put_feed_state(silent)
    assert store.feed_state("https://example.com/quiet") == silent


def test_ingesting_the_seeds_twice_stores_them_once(store) -> None:
    first = ingest(seeds(), store, now=clock)
    again = ingest(seeds(), store, now=clock)
    assert first.stored == 3 and len(first.stories_created) == 1
    assert again.stored == 0 and again.already_seen == 3
    (story_id,) = set(first.story_of.values())
    assert store.stories_changed_since("2019-11-22") == [store.get_story(story_id)[0]]
    assert store.stories_seen_on(["2019-11-22"]) == [store.get_story(story_id)[0]]
    assert [s.story_id for s in store.stories_expiring("2020-02-01", "2020-02-29")] == [story_id]


def _entries(count: int):
    from exportwatch.models import Entry

    return tuple(
        Entry("add", f"Entity {n} Electronics Co., Ltd.", "China", (f"E{n} Tech", f"E{n} Hong Kong Limited"),
              (f"Room {n}, Building 3, No. 18 Keji Road, Nanshan District, Shenzhen, China",),
              "For all items subject to the EAR. (See § 744.11 of the EAR)", "Presumption of denial",
              "89 FR [INSERT FR PAGE NUMBER] 12/2/24")
        for n in range(count)
    )  # fmt: skip


def test_a_rule_text_is_remembered_by_document(store) -> None:
    from exportwatch.models import RuleText

    # Given nothing read of the document
    assert store.rule_text("2024-28267") is None
    # When its text (hundreds of entries) is remembered, then a newer version
    text = RuleText("2024-28267", "pi:1", "https://www.federalregister.gov/x.txt", _entries(600), NOW, 600)
    store.put_rule_text(text)
    store.put_rule_text(replace(text, version="published", entries=_entries(3), total=3))
    # Then the last one is what a read gives back, whole
    assert store.rule_text("2024-28267") == replace(text, version="published", entries=_entries(3), total=3)


def test_a_story_keeps_hundreds_of_entries_within_one_item(store) -> None:
    # Given a story naming 2,000 entries (more than any rule so far)
    item, analysis, story = a_story()
    story = replace(story, entries=_entries(2000), entries_source=item.id, entries_total=2000)
    # When
    store.save_many([item], story, previous_rev=None, new_keys=analysis.keys, labels=[("entity_list.addition",)])
    # Then it reads back whole
    assert store.get_story(story.story_id) == (story, 1)


def test_story_entries_read_from_a_lambda_stream_image_where_binary_is_base64() -> None:
    import base64

    from exportwatch.aws.store import story_from_record, story_to_record

    # Given a story record as a Lambda event carries it: binary attributes base64-encoded
    item, _analysis, story = a_story()
    story = replace(story, entries=_entries(5), entries_source=item.id, entries_total=5)
    record = story_to_record(story, rev=1)
    record["entries"] = {"B": base64.b64encode(record["entries"]["B"]).decode()}
    # When / Then
    assert story_from_record(record) == (story, 1)


def test_a_follower_source_reads_back_as_a_follower(store) -> None:
    # Given a story with a second source recorded as a follower (an unlabelled reaction)
    item, analysis, story = a_story()
    follower = replace(story.sources[0], id="reaction", follows=True)
    story = replace(story, sources=(*story.sources, follower))
    # When
    store.save_many([item], story, previous_rev=None, new_keys=analysis.keys, labels=[("entity_list.addition",)])
    # Then it reads back with its mark, the first source without it
    assert [s.follows for s in store.get_story(story.story_id)[0].sources] == [False, True]


def test_an_item_updated_in_place_replaces_only_the_version_that_was_read(store) -> None:
    # Given a stored item and its fingerprint
    item, analysis, story = a_story()
    store.save_many([item], story, previous_rev=None, new_keys=analysis.keys, labels=[("entity_list.addition",)])
    ((fingerprint, story_id),) = store.stored_items([item.id]).values()
    assert fingerprint == item.fingerprint and story_id == story.story_id
    changed = replace(item, text=item.text + " Effective date: June 5, 2020.")
    # When a poller replaces it over a stale fingerprint, Then nothing is written
    with pytest.raises(ItemAlreadyStored):
        store.save_many([changed], story, previous_rev=1, new_keys=[], labels=[()], replacing={item.id: "stale"})
    # When it replaces the version it read, Then the new fingerprint is stored
    store.save_many([changed], story, previous_rev=1, new_keys=[], labels=[()], replacing={item.id: fingerprint})
    assert store.stored_items([item.id])[item.id] == (changed.fingerprint, story.story_id)
    # And an irrelevant update keeps the item in its story
    teaser = replace(item, title="Notice", text="")
    assert store.mark_seen(teaser, replacing=(changed.fingerprint, story.story_id)) is True
    assert store.stored_items([item.id])[item.id] == (teaser.fingerprint, story.story_id)
    assert store.mark_seen(teaser, replacing=("stale", story.story_id)) is False


def test_a_new_story_is_created_only_if_no_story_was_created_on_the_days_read(store) -> None:
    # Given two pollers that read the same empty days
    window = store.story_window("2020-06-01", "2020-06-09")
    assert window.stories == [] and set(window.counts.values()) == {0}
    item, analysis, story = a_story("fr:2020-1", "2020-06-05")
    other_item, other_analysis, other = a_story("fr:2020-2", "2020-06-07")
    # When the first creates its story
    store.save_many([item], story, previous_rev=None, new_keys=[], labels=[()], window=window.counts)
    # Then the second's creation, conditioned on what it read, is refused, and a fresh read shows the first
    with pytest.raises(StoryChanged):
        store.save_many([other_item], other, previous_rev=None, new_keys=[], labels=[()], window=window.counts)
    fresh = store.story_window("2020-06-01", "2020-06-09")
    assert [s.story_id for s, _rev in fresh.stories] == [story.story_id] and fresh.counts[week_of("2020-06-05")] == 1
    store.save_many([other_item], other, previous_rev=None, new_keys=[], labels=[()], window=fresh.counts)


def test_a_job_checkpoint_reads_back_as_saved_and_the_last_save_wins(store) -> None:
    # Given no checkpoint yet
    assert store.checkpoint("backfill-1") is None
    # When a job saves its progress twice
    store.put_checkpoint("backfill-1", {"done": ["2020-01-01..2020-01-31"], "slice": "", "next": ""})
    store.put_checkpoint("backfill-1", {"done": ["2020-01-01..2020-01-31"], "slice": "x", "next": "https://a/b?page=2"})
    # Then the last one reads back, and another job has none
    assert store.checkpoint("backfill-1") == {
        "done": ["2020-01-01..2020-01-31"],
        "slice": "x",
        "next": "https://a/b?page=2",
    }
    assert store.checkpoint("backfill-2") is None


def test_a_quiet_version_survives_the_table(store) -> None:
    # Given a story written by a backfill (its version never to alert)
    item, analysis, story = a_story()
    quiet = replace(story, quiet_version=story.version)
    store.save_many(
        [item], quiet, previous_rev=None, new_keys=list(analysis.keys), labels=[analysis.classification.labels]
    )
    # Then it reads back quiet
    found, _rev = store.get_story(story.story_id)
    assert found.quiet_version == story.version == 1


def test_the_parties_a_story_joins_on_read_back_apart_from_those_it_shows(store) -> None:
    # Given a story showing three parties and joining on one, and a record written before the two were kept apart
    from exportwatch.aws.store import story_from_record, story_to_record

    item, analysis, story = a_story()
    story = replace(story, entities=("Aeroflot", "Utair", "Azur Air"), stated=("Aeroflot",))
    old = story_to_record(replace(story, entities=("Aeroflot",)), rev=1)
    # When
    store.save_many([item], story, previous_rev=None, new_keys=analysis.keys, labels=[("other_export_control",)])
    # Then both read back, and the old record joins on all it names, as it did when written
    assert store.get_story(story.story_id) == (story, 1)
    assert story_from_record(old)[0].stated == ("Aeroflot",)
