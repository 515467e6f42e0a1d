"""A later report kept apart from the story it likely repeats: its alert goes out, and names the earlier one.

A write-up days or weeks after a story of news alone cannot join it: joined, it would send no alert, and if it
were a new action on the same party that action would be hidden (the held-out stories lost precision each time
such a join was tried). So it alerts on its own, and says which earlier alert it may repeat, so that a reader
can tell at a glance. The reports are from tests/fixtures/stories/dev_check3.jsonl (the January 2023 halt of
Huawei's export licences, its ledes written for that set).
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from exportwatch.alerts.render import SMS_MAX, render
from exportwatch.aws.store import story_from_record, story_to_record
from exportwatch.models import EarlierAlert, Item
from exportwatch.stories.cluster import REPEAT_TOPIC, analyse, belongs, may_repeat, new_story
from exportwatch.stories.ingest import IngestPolicy, ingest
from exportwatch.stories.words import similarity
from exportwatch_cli.memory import MemoryStore
from tests.helpers import CORPUS, news, read_jsonl

HALT = news(
    "halt",
    "2023-01-31",
    "America stops granting export licenses to Huawei",
    "US companies will no longer be granted licences to export items to Huawei by the Biden administration, Reuters "
    "reported on Tuesday. Officials are said to be drafting a formal policy of denial covering items below 5G, "
    "including 4G, Wi-Fi 6, cloud, artificial intelligence and high-performance computing items, while 4G chipset "
    "licences approved in the past are now being denied.",
)
# Six days on, a law firm's note stating the day of the halt.
NOTE = news(
    "note",
    "2023-02-06",
    "U.S. Tightens Export Controls by Blocking Export License Renewals for China's Huawei",
    "As of January 31, 2023, the Biden administration is blocking renewals of export licences held by US companies "
    "that sell essential components to Huawei, multiple administration sources confirm, though Commerce has yet to "
    "publish a formal decision. Huawei, on the Entity List since 2019, could buy only less advanced US components; "
    "the halt should leave it without processor chips and other technology.",
)


def test_a_later_note_stating_the_day_of_a_licence_halt_is_a_likely_repeat_kept_apart() -> None:
    # Given the story of the halt and the note six days later, both licence decisions on Huawei
    story, note = new_story(analyse(HALT), now="2023-01-31T12:00:00+00:00"), analyse(NOTE)
    assert set(note.classification.labels) & set(story.labels)
    # Then the note does not join (news alone, past its days: it could be a new action) but likely repeats it
    assert not belongs(story, note)
    assert may_repeat(story, note)


# A licence decision on Huawei two weeks later that states no day of the halt, and one on another company stating
# the halt's day: each is a licence decision like the halt's, and neither tells it again.
OTHER_ACTIONS = [
    news(
        "auto-chips",
        "2023-02-14",
        "US approves Huawei licence applications for automotive chips",
        "The Commerce Department has approved licence applications worth hundreds of millions of dollars for "
        "suppliers to sell chips for vehicle components to Huawei, people briefed on the decision said.",
    ),
    news(
        "zte",
        "2023-02-06",
        "U.S. revokes export licences for ZTE suppliers",
        "As of January 31, 2023, the Commerce Department has revoked export licences held by US companies supplying "
        "ZTE, sources said, cutting the company off from American components.",
    ),
]


@pytest.mark.parametrize("other", OTHER_ACTIONS, ids=lambda item: item.id)
def test_another_action_of_the_same_kind_is_no_repeat(other: Item) -> None:
    # Given the halt's story and another licence decision (other words and days, or another party)
    story = new_story(analyse(HALT), now="2023-01-31T12:00:00+00:00")
    assert set(analyse(other).classification.labels) & set(story.labels)
    # Then it is not named as a repeat
    assert not may_repeat(story, analyse(other))


def test_ingestion_keeps_the_note_apart_and_its_alert_names_the_earlier_one() -> None:
    # Given the halt ingested on its day and the note on its own, six days later
    store = MemoryStore()
    first = ingest([HALT], store, now=lambda: datetime(2023, 1, 31, 12, tzinfo=UTC)).story_of[HALT.id]
    second = ingest([NOTE], store, now=lambda: datetime(2023, 2, 6, 12, tzinfo=UTC)).story_of[NOTE.id]
    # Then two stories alert, the second naming the first
    assert second != first
    earlier, later = store.get_story(first)[0], store.get_story(second)[0]
    assert earlier.labels and later.labels and not earlier.may_repeat
    assert later.may_repeat == (EarlierAlert(first, HALT.title, "2023-01-31"),)
    # And its alert says so in every protocol, while saying why it was sent anyway
    alert = render(later)
    assert "May repeat an earlier alert" in alert.email and HALT.title in alert.email and first in alert.email
    assert "(repeat of 31 Jan alert?)" in alert.sms and len(alert.sms) <= SMS_MAX
    assert json.loads(alert.message_structure()["sqs"])["may_repeat"][0]["story_id"] == first
    # And the flag is stored and read back (DynamoDB's record and stream image)
    assert story_from_record(story_to_record(later, rev=1)) == (later, 1)


def test_only_a_new_alert_names_what_it_may_repeat() -> None:
    # Given a story that names an earlier alert, at its second version (an update)
    story = replace(
        new_story(analyse(NOTE), now="2023-02-06T12:00:00+00:00"),
        may_repeat=(EarlierAlert("s-1", HALT.title, "2023-01-31"),),
    )
    update = render(replace(story, version=2, changes=("now official",)))
    # Then the update does not say it again: the first alert did
    assert "May repeat" not in update.email and "repeat of" not in update.sms and not update.may_repeat
    assert render(story).may_repeat


def _document(number: str) -> Item:
    """A real Federal Register document of the training corpus (its number, title and abstract)."""
    for path in sorted(CORPUS.glob("*.jsonl")):
        for record in read_jsonl(path):
            if record["id"] == number:
                return Item.from_json(record)
    raise LookupError(number)


@pytest.mark.parametrize(("first", "second"), [("2023-02130", "2023-03193"), ("2020-03144", "2020-05190")])
def test_two_federal_register_documents_are_two_actions_however_alike(first: str, second: str) -> None:
    # Given two rules weeks apart in the same standard words ("Additions to the Entity List"; two extensions of
    # Huawei's temporary general licence)
    story, later = new_story(analyse(_document(first)), now="2020-01-01T12:00:00+00:00"), analyse(_document(second))
    assert similarity(later.signature, story.signature) >= REPEAT_TOPIC
    # Then the later is no repeat: each document is an action of its own
    assert not may_repeat(story, later)


def test_another_count_of_the_same_partys_affiliates_is_no_repeat() -> None:
    # Given a listing of 38 Huawei affiliates and, weeks later, 24 more in the same words
    first = news(
        "38",
        "2020-08-17",
        "Commerce adds 38 Huawei affiliates to the Entity List",
        "The Commerce Department added 38 Huawei affiliates in 21 countries to the Entity List on Monday, "
        "tightening restrictions on the Chinese telecoms company's access to US chips.",
    )
    second = news(
        "24",
        "2020-09-03",
        "Commerce adds 24 more Huawei affiliates to the Entity List",
        "The Commerce Department added 24 more Huawei affiliates to the Entity List, tightening restrictions on "
        "the Chinese telecoms company's access to US chips.",
    )
    story = new_story(analyse(first), now="2020-08-17T12:00:00+00:00")
    assert similarity(analyse(second).signature, story.signature) >= REPEAT_TOPIC
    # Then the other count names another list, though the party is the same
    assert not may_repeat(story, analyse(second))


def test_a_story_recorded_by_a_backfill_never_alerted_so_nothing_repeats_it() -> None:
    # Given the halt recorded quietly by a backfill, then the note ingested live
    store = MemoryStore()
    ingest([HALT], store, now=lambda: datetime(2023, 1, 31, 12, tzinfo=UTC), policy=IngestPolicy(quiet=True))
    second = ingest([NOTE], store, now=lambda: datetime(2023, 2, 6, 12, tzinfo=UTC)).story_of[NOTE.id]
    # Then the note's alert names no earlier alert: its subscribers never got one
    assert not store.get_story(second)[0].may_repeat


def test_a_silent_story_alerting_as_new_names_the_earlier_alert_it_may_repeat() -> None:
    # Given the halt's story alerting, then the note's page as first posted, unlabelled (a silent story), and the
    # same page updated into the note: the first labelled report of that silent story
    store = MemoryStore()
    first = ingest([HALT], store, now=lambda: datetime(2023, 1, 31, 12, tzinfo=UTC)).story_of[HALT.id]
    quiet = replace(
        NOTE,
        title="Huawei suppliers slide on export worries",
        text="Shares of Huawei suppliers fell on Monday as traders weighed reports about US export licences, with "
        "analysts divided on the impact.",
    )
    silent = ingest([quiet], store, now=lambda: datetime(2023, 2, 6, 10, tzinfo=UTC)).story_of[NOTE.id]
    assert not store.get_story(silent)[0].labels
    ingest([NOTE], store, now=lambda: datetime(2023, 2, 6, 12, tzinfo=UTC))
    story = store.get_story(silent)[0]
    # Then the silent story alerts, as new, and names the halt
    assert story.labels and story.changes == ("new",)
    assert [e.story_id for e in story.may_repeat] == [first]


def test_the_sms_note_never_crowds_out_the_headline() -> None:
    # Given a likely repeat whose only link is a long news address
    long_link = "https://news.example/" + "a-very-long-slug-" * 5
    story = replace(
        new_story(analyse(replace(NOTE, url=long_link)), now="2023-02-06T12:00:00+00:00"),
        may_repeat=(EarlierAlert("s-1", HALT.title, "2023-01-31"),),
    )
    sms = render(story).sms
    # Then the SMS keeps the headline and leaves the note to the e-mail
    assert "repeat of" not in sms and len(sms) <= SMS_MAX
    assert "May repeat an earlier alert" in render(story).email
    # And with the Federal Register's short link there is room for both
    assert "repeat of 31 Jan alert?" in render(replace(story, sources=())).sms
