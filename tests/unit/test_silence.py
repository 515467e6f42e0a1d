"""The silence rules: a feed's rhythm learnt from its deliveries, the Federal Register's business days."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from exportwatch.models import FeedState
from exportwatch.sources.silence import (
    CAP,
    FLOOR,
    KEEP_INTERVALS,
    SilenceWatch,
    assess,
    business_days_between,
    federal_holidays,
    observe,
    silent_after,
    usual_interval,
)

NOW = datetime(2026, 3, 20, 12, tzinfo=UTC)
DAY = 24 * 60  # minutes
FEED = "https://news.example/feed.xml"


def test_a_rhythm_needs_three_intervals_and_is_their_median() -> None:
    assert usual_interval((DAY, DAY)) is None
    # one long holiday gap does not stretch a daily feed's rhythm
    assert usual_interval((DAY, 2 * DAY, DAY, 20 * DAY)) == timedelta(days=1.5)


@pytest.mark.parametrize(
    ("intervals", "limit"),
    [
        ((DAY, DAY, DAY), timedelta(days=4)),  # four times its daily rhythm
        ((60, 60, 60), FLOOR),  # an hourly feed may still pause over a long weekend
        ((7 * DAY,) * 5, timedelta(days=28)),  # a weekly feed: four weeks
        ((20 * DAY,) * 5, CAP),  # however slow, a month is worth a look
        ((), CAP),  # no rhythm learnt yet
    ],
)
def test_a_feed_is_silent_after_a_multiple_of_its_rhythm_within_a_floor_and_a_cap(intervals, limit) -> None:
    assert silent_after(intervals) == limit


def test_deliveries_record_the_interval_since_the_last_one_and_keep_the_last_twenty() -> None:
    # Given a feed whose last new item came two days ago, with a full history
    state = FeedState(FEED, last_new=(NOW - timedelta(days=2)).isoformat(), intervals=tuple(range(KEEP_INTERVALS)))
    # When it delivers, then when it does not
    delivered = observe(state, 3, NOW)
    quiet = observe(delivered, 0, NOW + timedelta(hours=1))
    # Then
    assert delivered.last_new == NOW.isoformat(timespec="seconds")
    assert delivered.intervals[-1] == 2 * DAY and len(delivered.intervals) == KEEP_INTERVALS
    assert quiet == delivered
    # and a source seen the first time starts its clock (no old silence reported after an upgrade)
    assert observe(FeedState(FEED), 0, NOW).last_new == NOW.isoformat(timespec="seconds")


def test_a_daily_feed_is_silent_after_four_quiet_days_not_three() -> None:
    daily = (DAY,) * 10
    three = FeedState(FEED, last_new=(NOW - timedelta(days=3)).isoformat(), intervals=daily)
    five = FeedState(FEED, last_new=(NOW - timedelta(days=5)).isoformat(), intervals=daily)
    assert assess(FEED, three, NOW) is None
    silence = assess(FEED, five, NOW)
    assert silence is not None and "every 1.0 days" in silence.rhythm and "4.0 days" in silence.limit


def test_federal_holidays_follow_the_observed_rule() -> None:
    holidays = federal_holidays(2026)
    assert date(2026, 7, 3) in holidays  # 4 July 2026 is a Saturday: observed on Friday
    assert date(2026, 11, 26) in holidays  # Thanksgiving, fourth Thursday
    assert date(2026, 1, 19) in holidays  # Martin Luther King Jr. Day, third Monday
    assert date(2026, 5, 25) in holidays  # Memorial Day, last Monday
    assert date(2021, 12, 31) in federal_holidays(2021)  # 1 January 2022 is a Saturday


def test_business_days_skip_weekends_and_holidays() -> None:
    # Thanksgiving week 2026: Mon-Wed and Fri, then the next Monday
    assert business_days_between(date(2026, 11, 22), date(2026, 11, 30)) == 5
    assert business_days_between(date(2026, 3, 20), date(2026, 3, 20)) == 0


def test_the_federal_register_is_silent_after_ten_business_days_without_a_document() -> None:
    name = "federal_register:documents"
    # nine business days (Thanksgiving and a weekend in between) are a quiet spell, ten are silence
    now = datetime(2026, 12, 4, 15, tzinfo=UTC)
    nine = FeedState(name, last_new=datetime(2026, 11, 20, 15, tzinfo=UTC).isoformat())
    ten = FeedState(name, last_new=datetime(2026, 11, 19, 15, tzinfo=UTC).isoformat())
    assert assess(name, nine, now) is None
    silence = assess(name, ten, now)
    assert silence is not None and "10 business days" in silence.limit
    # public inspection is not watched: the documents' silence covers the same API
    assert assess("federal_register:public_inspection", ten, now + timedelta(days=60)) is None


def test_the_watch_tells_once_when_silent_and_once_when_back_and_retries_a_message_that_failed() -> None:
    sent: list[tuple[str, str]] = []
    failing = [True]

    def notify(subject: str, message: str) -> None:
        if failing[0]:
            failing[0] = False
            raise ConnectionError("ops topic unreachable")
        sent.append((subject, message))

    watch = SilenceWatch(notify)
    state = FeedState(FEED, last_new=(NOW - timedelta(days=9)).isoformat(), intervals=(DAY,) * 5)
    # When the message cannot go, the state does not record it: the next poll tries again
    assert watch.update(FEED, state, 0, NOW) == state and sent == []
    silent = watch.update(FEED, state, 0, NOW + timedelta(hours=1))
    assert silent.silent_since and len(sent) == 1
    subject, message = sent[0]
    assert subject == f"exportwatch: source silent: {FEED}"
    assert FEED in message and "9.0 days" in message and "every 1.0 days" in message
    # Later quiet polls say nothing more
    assert watch.update(FEED, silent, 0, NOW + timedelta(days=2)) == silent and len(sent) == 1
    # It delivers again: one recovery message, and the state forgets the silence
    back = watch.update(FEED, silent, 2, NOW + timedelta(days=3))
    assert back.silent_since == "" and len(sent) == 2
    assert sent[1][0] == f"exportwatch: source recovered: {FEED}" and "12 days of silence" in sent[1][1]
    assert watch.update(FEED, back, 1, NOW + timedelta(days=4)).silent_since == "" and len(sent) == 2
