"""Polling the Entity List itself: fetch (conditional) -> snapshot -> diff against the last -> stories.

Why: a safety net for an Entity List rule the classifier missed. Once a day the list is fetched (the trade.gov
Consolidated Screening List CSV, or Supplement No. 4 from the eCFR versioner API: ``entity_list.ecfr``) with the
bounded fetcher, remembering the source's ETag and Last-Modified in its feed state, so an unchanged list
costs one conditional request. The first snapshot only primes (nothing is alerted: every entry would be
"new"), and so does the first one a changed reader makes (``snapshot.READER``). Later, each change joins the
story of its rule or makes its own (``stories.list_changes``).

Order of writes: the changes' stories first, then the snapshot, then the cursor. A crash in between makes the
next poll diff against the older snapshot again; the repeated changes are the same items, found stored, so
nothing is alerted twice and nothing is lost.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit

from exportwatch.entity_list import ecfr
from exportwatch.entity_list.diff import REMOVE, REVISE, by_rule, diff
from exportwatch.entity_list.snapshot import ListFormatError, parse_csl_csv, snapshot_of
from exportwatch.models import Entry, FeedState
from exportwatch.ports import ItemTooLarge, ListStore, StoreError
from exportwatch.sources.fetch import FetchError, Response
from exportwatch.sources.poll import PollReport, SourceOutcome, _failed, failure_reason
from exportwatch.stories.list_changes import ingest_list_changes

logger = Logger(child=True)
SOURCE_NAME = "entity_list"
LIST_MAX_BYTES = 40 * 1024 * 1024  # the whole CSL CSV is about 17 MB (every US list); the Entity List part ~1 MB
LIST_TIMEOUT = 90.0  # seconds for the whole download
MAX_REMOVED_SHARE = 0.2  # a list that lost more than this share of its entries at once is a broken download
# More than half the entries revised at once is a source that changed its format, not a rule: one alert listing
# a thousand "revisions" would be the loudest false alarm the product could send.
MAX_REVISED_SHARE = 0.5


class ImplausibleChange(Exception):
    """The new list would remove too much at once: more likely a broken source than a rule."""

    reason = "implausible_change"


def _utc_now() -> datetime:
    return datetime.now(UTC)


def poll_entity_list(
    url: str,
    store: ListStore,
    *,
    fetcher: Callable[..., Response],
    now: Callable[[], datetime] = _utc_now,
    ttl_days: int = 400,
) -> PollReport:
    """Poll the list at ``url`` once: prime, do nothing (unchanged), or store its changes as stories."""
    report = PollReport()
    state = store.feed_state(url)
    try:
        outcome = _poll(url, state, store, report, fetcher=fetcher, now=now, ttl_days=ttl_days)
    except (FetchError, ListFormatError, ImplausibleChange, ItemTooLarge) as exc:
        _failed(SOURCE_NAME, state, store, report, failure_reason(exc), exc)
        return report
    except StoreError:
        raise  # the table is failing: fail the invocation, the next schedule retries
    except Exception as exc:  # a bug the list's data triggers: counted as this source's failure, alarmed on
        logger.exception("list source failed on an unexpected error")
        _failed(SOURCE_NAME, state, store, report, "internal", exc)
        return report
    report.sources.append(outcome)
    return report


def _poll(
    url: str,
    state: FeedState,
    store: ListStore,
    report: PollReport,
    *,
    fetcher: Callable[..., Response],
    now: Callable[[], datetime],
    ttl_days: int,
) -> SourceOutcome:
    recovered = state.failures > 0
    previous = store.list_snapshot(url)
    # No snapshot (yet, or any more): the whole list is needed, whatever validators are remembered.
    response, entries = _load(url, state if previous else FeedState(url=url), fetcher)
    if entries is None:
        if recovered:
            store.put_feed_state(replace(state, failures=0, last_error=""))
        return SourceOutcome(SOURCE_NAME, "unchanged", recovered=recovered)
    if not entries:
        raise ListFormatError("the list has no Entity List rows")
    stamp = now().isoformat(timespec="seconds")
    snapshot = snapshot_of(entries, source=url, taken=stamp)
    status, count = "ok", 0
    if previous is None:
        logger.info("first list snapshot stored: primes, alerts nothing", extra={"entries": len(entries)})
        store.put_list_snapshot(snapshot)
    elif previous.reader != snapshot.reader:
        # Two readings of the list differ where the reader changed (a party's countries, say), not where the list
        # did: alerting on that would name hundreds of old entries. A day's real change, if any, is not alerted.
        logger.warning(
            "list snapshot from another reader replaced: primes again, alerts nothing",
            extra={"entries": len(entries), "reader": snapshot.reader, "previous_reader": previous.reader},
        )
        store.put_list_snapshot(snapshot)
    elif previous.digest == snapshot.digest:
        status = "unchanged"
    else:
        changed = diff(previous, snapshot)
        removed = sum(e.action == REMOVE for e in changed)
        if removed > MAX_REMOVED_SHARE * len(previous.entries):
            raise ImplausibleChange(f"{removed} of {len(previous.entries)} entries would be removed at once")
        revised = sum(e.action == REVISE for e in changed)
        if revised > MAX_REVISED_SHARE * len(previous.entries):
            raise ImplausibleChange(f"{revised} of {len(previous.entries)} entries would be revised at once")
        changes = by_rule(changed, previous)
        report.ingest.add(
            ingest_list_changes(changes, store, source=url, url=url, now=lambda: stamp, ttl_days=ttl_days)
        )
        store.put_list_snapshot(snapshot)
        count = len(changed)
    store.put_feed_state(
        FeedState(
            url=url,
            etag=response.etag,
            last_modified=response.last_modified,
            failures=0,
            last_success=stamp,
        )
    )
    return SourceOutcome(SOURCE_NAME, status, items=count, recovered=recovered)


def _load(url: str, state: FeedState, fetcher: Callable[..., Response]) -> tuple[Response, list[Entry] | None]:
    """Fetch the list (conditionally) and read its entries; None when the source said it has not changed.

    A CSL CSV is one conditional request. The eCFR versioner API is two: ``titles.json`` (conditional: the
    response whose validators are remembered) for the day title 15 is current to, then part 744 on that day.
    """
    bounded: dict[str, Any] = {"max_bytes": LIST_MAX_BYTES, "total_timeout": LIST_TIMEOUT, "budget": LIST_TIMEOUT * 2}
    validators = {"etag": state.etag, "last_modified": state.last_modified}
    if not ecfr.is_versioner(url):
        response = fetcher(url, **validators, accept="text/csv, text/plain;q=0.5, */*;q=0.1", **bounded)
        return response, None if response.not_modified else parse_csl_csv(response.body)
    titles = fetcher(ecfr.titles_url(url), **validators, accept="application/json")
    if titles.not_modified:
        return titles, None
    part = fetcher(ecfr.part_url(url, ecfr.current_day(titles.body)), accept="application/xml", **bounded)
    return titles, ecfr.parse_supplement_4(part.body)


FAILING_STREAK = 2  # daily polls: two failures in a row fail the invocation, which the poll DLQ's alarm reports


class ListSourceFailing(Exception):
    """The list source has failed ``FAILING_STREAK`` daily polls in a row: raised to fail the invocation."""


def raise_if_failing(report: PollReport) -> None:
    """Fail the invocation once the source has failed two daily polls in a row.

    Why not ``SourceFailureStreak`` and its alarm: that alarm looks at 15-minute periods of the sources polled every
    few minutes, so a daily poll's streak would raise it and clear it a period later. A failed invocation goes
    to the poll dead-letter queue, whose alarm stays raised until someone looks: no new metric, no new alarm.
    """
    if report.worst_streak >= FAILING_STREAK:
        (failed,) = [s for s in report.sources if s.status == "failed"]
        raise ListSourceFailing(f"the Entity List source failed {failed.failures} polls in a row: {failed.reason}")


def record_list_poll(metrics: Metrics, report: PollReport) -> None:
    """Count a list poll under the pollers' metric names (no new custom metric; each is billed monthly).

    Not ``sources.poll.record_poll``: it would add the list's daily streak to ``SourceFailureStreak``
    (see :func:`raise_if_failing`).
    """
    metrics.add_metric(name="FeedsPolled", unit=MetricUnit.Count, value=len(report.sources))
    metrics.add_metric(name="FeedsUnchanged", unit=MetricUnit.Count, value=report.count("unchanged"))
    metrics.add_metric(name="FeedsFailed", unit=MetricUnit.Count, value=report.count("failed"))
    metrics.add_metric(name="StoriesCreated", unit=MetricUnit.Count, value=len(report.ingest.stories_created))
