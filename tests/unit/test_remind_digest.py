from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from exportwatch.alerts.digest import render_digest
from exportwatch.alerts.remind import due, render_reminder
from exportwatch.alerts.render import SMS_MAX, SUBJECT_MAX
from exportwatch.models import StoryItem
from tests.unit.test_render import seeds_story


@pytest.mark.parametrize(
    ("today", "threshold"),
    [
        ("2020-01-20", None),
        ("2020-02-02", 14),
        ("2020-02-09", 7),
        ("2020-02-15", 1),
        ("2020-02-16", 1),
        ("2020-02-17", None),
    ],
)
def test_a_deadline_enters_the_14_7_and_1_day_windows(today: str, threshold: int | None) -> None:
    # Given the seeds' story, whose TGL expires on 2020-02-16
    story = seeds_story()
    # When
    reminders = due([story], date.fromisoformat(today))
    # Then
    assert [r.threshold for r in reminders] == ([threshold] if threshold else [])


def test_no_reminder_for_a_deadline_whose_document_was_withdrawn_unless_it_was_published() -> None:
    # Given the seeds' story seen on public inspection, then withdrawn before publication
    story = seeds_story()
    on_inspection = replace(
        story,
        official=False,
        sources=(StoryItem("pi:2020-01234", "TGL", "", "federal_register", "2020-02-01", "public_inspection"),),
    )
    withdrawn = replace(
        on_inspection,
        sources=(
            *on_inspection.sources,
            StoryItem("wd:2020-01234", "Withdrawn: TGL", "", "federal_register", "2020-02-02", "withdrawn"),
        ),
    )
    published_later = replace(
        withdrawn,
        official=True,
        sources=(
            *withdrawn.sources,
            StoryItem("fr:2020-01234", "TGL", "", "federal_register", "2020-02-03", "published"),
        ),
    )
    today = date(2020, 2, 9)
    # Then the deadline it set never took effect: no reminder, until a publication sets it after all
    assert [r.threshold for r in due([on_inspection], today)] == [7]
    assert due([withdrawn], today) == []
    assert [r.threshold for r in due([published_later], today)] == [7]


def test_reminder_says_what_runs_out_when_and_is_distinct_per_threshold() -> None:
    story = seeds_story()
    week = render_reminder(due([story], date(2020, 2, 9))[0])
    eve = render_reminder(due([story], date(2020, 2, 15))[0])
    assert week.subject == "Reminder: Temporary general license for Huawei expires in 7 days (16 Feb 2020)"
    assert eve.sms.startswith("REMINDER: Temporary general license for Huawei expires tomorrow")
    assert week.kind == "reminder" and week.dedup_key != eve.dedup_key
    assert len(week.subject) <= SUBJECT_MAX and len(week.sms) <= SMS_MAX


def test_digest_lists_every_changed_story_with_all_its_sources() -> None:
    story = seeds_story()
    other = replace(story, story_id="s-2", labels=("entity_list.addition",), severity="high", entities=("SMIC",))
    digest = render_digest([story, other], "2019-11-22")
    assert digest is not None
    assert digest.subject == "exportwatch digest 2019-11-22: 2 stories"
    assert digest.email.index("SMIC") < digest.email.index("Licenses granted")  # high severity first
    assert digest.email.count("\n- ") == 2 * len(story.sources)
    assert digest.labels == () and digest.severity == "low"  # label- and severity-filtered subscribers skip it
    assert render_digest([], "2019-11-22") is None
