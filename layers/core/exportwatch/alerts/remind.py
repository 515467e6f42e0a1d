"""Deadlines about to run out: one reminder per story and threshold (14, 7 and 1 days before).

A temporary general license that expires unnoticed is as costly as a missed listing: exports that
were legal on Friday are not on Monday. The daily ``remind`` function finds stories whose expiry
date falls within the next fortnight and sends each threshold's reminder once (idempotent, keyed
by story, deadline and threshold), so a late or repeated run never sends it twice.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import date, timedelta

from exportwatch.alerts.render import SUBJECT_MAX, Alert, primary_parties, render, sms_with_link
from exportwatch.classify.dates import to_date
from exportwatch.models import Story
from exportwatch.text import one_line

THRESHOLDS: tuple[int, ...] = (14, 7, 1)


@dataclass(frozen=True, slots=True)
class Reminder:
    """A story whose deadline is ``days_left`` days away, inside the ``threshold``-day window."""

    story: Story
    expires: date
    days_left: int
    threshold: int


def due(stories: Iterable[Story], today: date, thresholds: tuple[int, ...] = THRESHOLDS) -> list[Reminder]:
    """The reminders due today: for each story, the tightest threshold its deadline has entered."""
    reminders = []
    for story in stories:
        expires = to_date(story.dates.get("expires", ""))
        if expires is None or story.withdrawn:  # a deadline set by a withdrawn document never took effect
            continue
        days_left = (expires - today).days
        if days_left < 0:
            continue
        entered = [t for t in sorted(thresholds) if days_left <= t]
        if entered:
            reminders.append(Reminder(story, expires, days_left, entered[0]))
    return sorted(reminders, key=lambda r: (r.days_left, r.story.story_id))


def window(today: date, thresholds: tuple[int, ...] = THRESHOLDS) -> tuple[str, str]:
    """The ISO date range whose expiries may be due a reminder today."""
    return today.isoformat(), (today + timedelta(days=max(thresholds))).isoformat()


def _when(days_left: int) -> str:
    return {0: "today", 1: "tomorrow"}.get(days_left, f"in {days_left} days")


def render_reminder(reminder: Reminder) -> Alert:
    """The reminder message: what runs out, when, and the story it came from."""
    story = reminder.story
    parties = " and ".join(primary_parties(story)) or "listed parties"
    what = "Temporary general license" if "extension" in story.labels else "Deadline"
    when = _when(reminder.days_left)
    day = f"{reminder.expires.day} {reminder.expires:%b %Y}"
    head = f"{what} for {parties} expires {when} ({day})"
    base = render(replace(story, changes=()), kind="reminder")
    email = (
        f"REMINDER: {head}.\n\nUnless it is extended again, exports that rely on it need another "
        f"authorization from {reminder.expires.isoformat()}.\n\nThe story it comes from:\n\n{base.email}"
    )
    return replace(
        base,
        kind="reminder",
        subject=one_line(f"Reminder: {head}", max_chars=SUBJECT_MAX),
        sms=sms_with_link(f"REMINDER: {head}", base.link),
        default=one_line(f"Reminder: {head}", max_chars=300),
        email=email,
        occasion=f"remind-{reminder.expires.isoformat()}-{reminder.threshold}d",
    )


def send_due(stories: Iterable[Story], today: date, send: Callable[[Alert], str]) -> list[str]:
    """Send today's reminders; returns their dedup keys (already-sent ones are skipped by ``send``)."""
    sent = []
    for reminder in due(stories, today):
        alert = render_reminder(reminder)
        send(alert)
        sent.append(alert.dedup_key)
    return sent
