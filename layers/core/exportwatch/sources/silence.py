"""Silent sources: a source that answers but has delivered nothing new for far longer than usual.

A failing source raises the failure-streak alarm; a silent one fails nothing (a feed frozen at 200, a
query that matches nothing after an agency is renamed), so its silence is judged from the feed state the
poller keeps anyway:

- a news feed is silent when nothing new came for ``SILENCE_MULTIPLE`` times its usual interval between
  new items (the median of the intervals it showed), never sooner than ``FLOOR`` nor later than ``CAP``
  (``CAP`` too while fewer than ``MIN_INTERVALS`` intervals are known);
- the Federal Register's documents are silent after ``FR_SILENT_BUSINESS_DAYS`` business days without a
  document of the agency (weekends and US federal holidays do not count: the Register does not publish);
- public inspection is not watched: it shows the same documents a day earlier, and the documents' silence
  covers the same API.

Operations are told once when a source becomes silent and once when it delivers again; ``silent_since`` in
the feed state remembers that the first message went out, so later polls, and retries, repeat nothing.
"""

from __future__ import annotations

import statistics
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from aws_lambda_powertools import Logger

from exportwatch.models import FeedState

logger = Logger(child=True)

KEEP_INTERVALS = 20  # the rhythm follows the last twenty deliveries, so a feed that changes pace is relearnt
MIN_INTERVALS = 3  # fewer intervals than this is no rhythm yet
SILENCE_MULTIPLE = 4
FLOOR = timedelta(days=3)  # a feed posting hourly may still pause over a long weekend
CAP = timedelta(days=30)  # however slow a feed's rhythm, a month without anything is worth a look
FR_SILENT_BUSINESS_DAYS = 10  # two working weeks: BIS publishes most weeks, rarely skips two in a row
DOCUMENTS_SOURCE = "federal_register:documents"

Notify = Callable[[str, str], None]
"""Tells operations: ``(subject, message)`` (``aws.ops.OpsTopic`` in production)."""


def usual_interval(intervals: tuple[int, ...]) -> timedelta | None:
    """The usual time between new items: the median of the known intervals (minutes), None if too few."""
    if len(intervals) < MIN_INTERVALS:
        return None
    return timedelta(minutes=statistics.median(intervals))


def silent_after(intervals: tuple[int, ...]) -> timedelta:
    """How long a feed may go without anything new before it counts as silent."""
    usual = usual_interval(intervals)
    if usual is None:
        return CAP
    return min(max(usual * SILENCE_MULTIPLE, FLOOR), CAP)


def _observed_holiday(day: date) -> date:
    """A holiday on a Saturday is observed on the Friday before, on a Sunday on the Monday after (5 U.S.C. 6103)."""
    if day.weekday() == 5:
        return day - timedelta(days=1)
    if day.weekday() == 6:
        return day + timedelta(days=1)
    return day


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> date:
    """The n-th given weekday of a month (n = -1: the last one)."""
    if n > 0:
        first = date(year, month, 1)
        return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))
    last = date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)
    return last - timedelta(days=(last.weekday() - weekday) % 7)


def federal_holidays(year: int) -> set[date]:
    """The US federal holidays of a year as observed (5 U.S.C. 6103): the Federal Register does not publish."""
    fixed = [date(year, 1, 1), date(year, 6, 19), date(year, 7, 4), date(year, 11, 11), date(year, 12, 25)]
    moving = [
        _nth_weekday(year, 1, 0, 3),  # Martin Luther King Jr. Day
        _nth_weekday(year, 2, 0, 3),  # Washington's Birthday
        _nth_weekday(year, 5, 0, -1),  # Memorial Day
        _nth_weekday(year, 9, 0, 1),  # Labor Day
        _nth_weekday(year, 10, 0, 2),  # Columbus Day
        _nth_weekday(year, 11, 3, 4),  # Thanksgiving Day
    ]
    observed = {_observed_holiday(day) for day in fixed} | set(moving)
    if _observed_holiday(date(year + 1, 1, 1)).year == year:  # 1 January on a Saturday: observed 31 December
        observed.add(date(year, 12, 31))
    return observed


def business_days_between(start: date, end: date) -> int:
    """Business days after ``start`` up to and including ``end`` (weekends and federal holidays excluded)."""
    holidays: set[date] = set()
    for year in range(start.year, end.year + 1):
        holidays |= federal_holidays(year)
    days, day = 0, start + timedelta(days=1)
    while day <= end:
        if day.weekday() < 5 and day not in holidays:
            days += 1
        day += timedelta(days=1)
    return days


def _parse(stamp: str) -> datetime | None:
    try:
        return datetime.fromisoformat(stamp) if stamp else None
    except ValueError:
        return None


def observe(state: FeedState, new_items: int, now: datetime) -> FeedState:
    """The state with this poll's deliveries counted: when the last new item came, and the rhythm so far.

    A source seen for the first time starts its clock now, so an upgrade never reports old silences.
    """
    stamp = now.isoformat(timespec="seconds")
    last = _parse(state.last_new)
    if new_items <= 0:
        return state if last is not None else replace(state, last_new=stamp)
    if last is None:
        return replace(state, last_new=stamp)
    minutes = max(0, int((now - last).total_seconds() // 60))
    return replace(state, last_new=stamp, intervals=(*state.intervals, minutes)[-KEEP_INTERVALS:])


@dataclass(frozen=True, slots=True)
class Silence:
    """A source judged silent: for how long, and what its usual rhythm is, in words."""

    quiet_for: timedelta
    rhythm: str
    limit: str


def _days(span: timedelta) -> str:
    days = span.total_seconds() / 86400
    return f"{days:.1f} days" if days < 10 else f"{round(days)} days"


def assess(name: str, state: FeedState, now: datetime) -> Silence | None:
    """Whether the source is silent now (its state as read, before this poll's deliveries), or None."""
    last = _parse(state.last_new)
    if last is None or name.startswith("federal_register:") and not name.startswith(DOCUMENTS_SOURCE):
        return None
    quiet = now - last
    if name.startswith(DOCUMENTS_SOURCE):
        business = business_days_between(last.date(), now.date())
        if business < FR_SILENT_BUSINESS_DAYS:
            return None
        return Silence(
            quiet,
            "a document most weeks",
            f"{FR_SILENT_BUSINESS_DAYS} business days without a document ({business} so far)",
        )
    limit = silent_after(state.intervals)
    if quiet < limit:
        return None
    usual = usual_interval(state.intervals)
    rhythm = (
        f"a new item every {_days(usual)} (median of its last {len(state.intervals)} intervals)"
        if usual is not None
        else "not learnt yet (fewer than 3 deliveries)"
    )
    return Silence(quiet, rhythm, f"silent after {_days(limit)}")


def where(name: str, url: str = "") -> str:
    """The source as operations know it: the feed URL, or the API's host and the source's name."""
    host = urllib.parse.urlsplit(url or name).hostname or ""
    return f"{name} ({host})" if url and host else name


@dataclass(slots=True)
class SilenceWatch:
    """Judges each polled source's silence and tells operations of each change, once.

    ``notify`` None (no operations topic configured) only logs.
    """

    notify: Notify | None = None
    url: str = ""  # the API base of named sources (``federal_register:...``), to name the host in messages

    def update(self, name: str, state: FeedState, new_items: int, now: datetime) -> FeedState:
        """The state to save after a successful poll that delivered ``new_items`` not seen before.

        The message goes out before the state that records it is saved: a crash in between repeats it on
        the next poll rather than losing it.
        """
        source = where(name, self.url)
        stamp = now.isoformat(timespec="seconds")
        if state.silent_since and new_items > 0:
            last = _parse(state.last_new)
            quiet = _days(now - last) if last else "a while"
            usual = usual_interval(state.intervals)
            rhythm = f"; its usual rhythm is a new item every {_days(usual)}" if usual else ""
            if not self._tell(
                f"exportwatch: source recovered: {_short(source)}",
                f"{source} delivers again: {new_items} new item(s) after {quiet} of silence{rhythm}.",
                name,
            ):
                return observe(state, new_items, now)  # the state keeps silent_since: the next delivery tells
            return replace(observe(state, new_items, now), silent_since="")
        if new_items > 0 or state.silent_since:
            return observe(state, new_items, now)
        silence = assess(name, state, now)
        if silence is None:
            return observe(state, new_items, now)
        if not self._tell(
            f"exportwatch: source silent: {_short(source)}",
            f"{source} has answered without anything new for {_days(silence.quiet_for)} "
            f"(since {state.last_new}); its usual rhythm: {silence.rhythm}; {silence.limit}. "
            "It is not failing: check that it still publishes where it did, or replace it.",
            name,
        ):
            return state
        return replace(state, silent_since=stamp)

    def _tell(self, subject: str, message: str, name: str) -> bool:
        """Send one operations message; False if it could not go (the next poll tries again)."""
        logger.warning(subject, extra={"source": name, "detail": message})
        if self.notify is None:
            return True
        try:
            self.notify(subject, message)
        except Exception:  # operations being unreachable must not fail the poll of the source
            logger.exception("operations message not sent", extra={"source": name})
            return False
        return True


def _short(source: str) -> str:
    return source if len(source) <= 60 else source[:57] + "..."
