from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from exportwatch.alerts.digest import render_digest
from exportwatch.alerts.remind import due, render_reminder
from exportwatch.alerts.render import SMS_MAX, SUBJECT_MAX
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
