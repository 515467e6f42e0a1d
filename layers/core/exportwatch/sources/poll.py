"""Polling sources: fetch (conditional) -> parse -> ingest, one source's failure never stopping the rest.

The feed cursor (ETag / Last-Modified) is saved only after the items it covers are stored; a crash
mid-poll makes the next poll fetch and skip-seen again, never skip unseen items.
"""

from __future__ import annotations

import functools
import time
import urllib.parse
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit

from exportwatch.classify.parties import watch_keys
from exportwatch.entity_list.documents import read_rule_text
from exportwatch.models import FeedState, Item
from exportwatch.ports import ItemTooLarge, StateStore, StoreError
from exportwatch.settings import Settings
from exportwatch.sources import federal_register
from exportwatch.sources.feeds import ParseError, parse_feed
from exportwatch.sources.fetch import FetchError, Response, fetch
from exportwatch.sources.silence import Notify, SilenceWatch
from exportwatch.sources.unpublished import unlisted_withdrawals
from exportwatch.stories.ingest import IngestPolicy, IngestReport, OutOfTime, TextReader, ingest

logger = Logger(child=True)
MAX_PAGES = 20  # 100 documents a page: more than BIS publishes in the longest look-back (60 days)
Fetcher = Callable[..., Response]


@dataclass(slots=True)
class SourceOutcome:
    """How one polled source went."""

    name: str
    status: str  # "ok" | "unchanged" | "failed" | "skipped"
    items: int = 0
    error: str = ""
    reason: str = ""
    failures: int = 0
    recovered: bool = False
    warning: str = ""


@dataclass(slots=True)
class PollReport:
    """A poll of several sources."""

    sources: list[SourceOutcome] = field(default_factory=list)
    ingest: IngestReport = field(default_factory=IngestReport)

    def count(self, status: str) -> int:
        """How many sources ended with ``status``."""
        return sum(1 for s in self.sources if s.status == status)

    @property
    def worst_streak(self) -> int:
        """The longest run of consecutive failed polls among the sources."""
        return max((s.failures for s in self.sources), default=0)


def _utc_now() -> datetime:
    return datetime.now(UTC)


def _poll_source(
    name: str,
    store: StateStore,
    report: PollReport,
    load: Callable[[FeedState], tuple[Response | None, list[Item], str]],
    *,
    policy: IngestPolicy | None | Callable[[FeedState], IngestPolicy | None],
    now: Callable[[], datetime],
    texts: TextReader | None = None,
    deadline: float | None = None,
    watch: SilenceWatch | None = None,
) -> None:
    state = store.feed_state(name)
    watch = watch or SilenceWatch()
    try:
        response, items, warning = load(state)
        unchanged = response is not None and response.not_modified
        if not unchanged and deadline is not None and time.monotonic() >= deadline:
            raise OutOfTime()  # fetching and parsing took the time the items would need
        chosen = policy(state) if callable(policy) else policy
        ingested = None if unchanged else ingest(items, store, policy=chosen, now=now, texts=texts, deadline=deadline)
    except OutOfTime:
        # Not the source's failure: its cursor stays, so the next schedule fetches it again and skips
        # what this poll stored.
        logger.warning("source skipped: the invocation ran out of time", extra={"source": name})
        report.sources.append(SourceOutcome(name, "skipped", reason="out_of_time"))
        return
    except (FetchError, ParseError, federal_register.ResponseError, ItemTooLarge) as exc:
        _failed(name, state, store, report, failure_reason(exc), exc)
        return
    except StoreError:
        raise  # the table is failing for every source: fail the invocation, the next schedule retries
    except Exception as exc:  # a bug this source's data triggers must not stop the others
        logger.exception("source failed on an unexpected error", extra={"source": name})
        _failed(name, state, store, report, "internal", exc)
        return
    recovered = state.failures > 0
    if recovered:
        logger.info("source recovered", extra={"source": name, "after_failures": state.failures})
    if ingested is None:
        watched = watch.update(name, state, 0, now())
        if recovered or watched != state:
            store.put_feed_state(replace(watched, failures=0, last_error=""))
        report.sources.append(SourceOutcome(name, "unchanged", recovered=recovered))
        return
    if warning:
        logger.warning("source parsed with recovery", extra={"source": name, "warning": warning})
    report.ingest.add(ingested)
    saved = replace(
        state,
        etag=response.etag if response else "",
        last_modified=response.last_modified if response else "",
        failures=0,
        last_success=now().isoformat(timespec="seconds"),
        last_error="",
    )
    store.put_feed_state(watch.update(name, saved, ingested.received - ingested.already_seen, now()))
    report.sources.append(SourceOutcome(name, "ok", items=len(items), recovered=recovered, warning=warning))


SOURCE_BUDGET = 45.0  # seconds one source may take (fetch retries included); see fetch.fetch(budget=...)


def _out_of_time(name: str, report: PollReport, deadline: float | None) -> bool:
    """Whether the invocation is too close to its timeout to poll another source (it is then skipped).

    A skipped source is not a failure: its cursor is untouched and the next schedule polls it.
    """
    if deadline is None or time.monotonic() + SOURCE_BUDGET < deadline:
        return False
    logger.warning("source skipped: the invocation is about to time out", extra={"source": name})
    report.sources.append(SourceOutcome(name, "skipped", reason="out_of_time"))
    return True


def failure_reason(exc: Exception) -> str:
    """The short code a source's failure is counted under (one mapping for every poller).

    The fetcher's reason (or the error's own ``reason``), an item too large to store, else a response that
    could not be read.
    """
    if isinstance(exc, ItemTooLarge):
        return "item_too_large"
    reason = getattr(exc, "reason", None)  # FetchError, and the list poller's ImplausibleChange, carry theirs
    return reason if isinstance(reason, str) else "parse_error"


def _failed(name: str, state: FeedState, store: StateStore, report: PollReport, reason: str, exc: Exception) -> None:
    """Count one more consecutive failure of a source (the alarm watches the streak) and report it."""
    failed = replace(state, failures=state.failures + 1, last_error=f"{reason}: {exc}"[:500])
    store.put_feed_state(failed)
    logger.error(
        "source failed",
        extra={"source": name, "reason": reason, "error": str(exc)[:300], "consecutive_failures": failed.failures},
    )
    report.sources.append(SourceOutcome(name, "failed", error=str(exc)[:300], reason=reason, failures=failed.failures))


def poll_feeds(
    urls: Sequence[str],
    store: StateStore,
    *,
    fetcher: Fetcher,
    policy: IngestPolicy | None = None,
    now: Callable[[], datetime] = _utc_now,
    deadline: float | None = None,
    ops: Notify | None = None,
) -> PollReport:
    """Poll news feeds; an unchanged feed costs one conditional request and one state read.

    ``ops`` is told when a feed goes silent and when it delivers again (``sources.silence``).
    """
    report = PollReport()
    watch = SilenceWatch(ops)
    # Start at a different feed each hour: a slow feed early in the list cannot starve the same others.
    start = int(now().timestamp() // 3600) % len(urls) if urls else 0
    for url in [*urls[start:], *urls[:start]]:
        if _out_of_time(url, report, deadline):
            continue

        def load(state: FeedState, url: str = url) -> tuple[Response | None, list[Item], str]:
            response = fetcher(
                url,
                etag=state.etag,
                last_modified=state.last_modified,
                accept="application/rss+xml, application/atom+xml, application/xml;q=0.9, */*;q=0.1",
            )
            if response.not_modified:
                return response, [], ""
            parsed = parse_feed(
                response.body, url=response.url, content_type=response.headers.get("content-type", ""), feed=url
            )
            return response, list(parsed.items), parsed.warning

        _poll_source(url, store, report, load, policy=policy, now=now, deadline=deadline, watch=watch)
    return report


MAX_LOOKBACK_DAYS = 60  # an outage longer than this loses documents: the alarm has fired for weeks by then


def look_back_from(state: FeedState, now: datetime, lookback_days: int) -> date:
    """The first publication day to ask the Federal Register for.

    The fixed look-back, widened to the day before the last successful poll, so documents published
    during an outage (the API down, the function failing) are still fetched; never more than
    ``MAX_LOOKBACK_DAYS`` back. Documents seen before are skipped as seen, without classification.
    """
    since = (now - timedelta(days=lookback_days)).date()
    try:
        last = datetime.fromisoformat(state.last_success).date() if state.last_success else None
    except ValueError:
        last = None
    if last is not None and last - timedelta(days=1) < since:
        since = max(last - timedelta(days=1), (now - timedelta(days=MAX_LOOKBACK_DAYS)).date())
    return since


def poll_federal_register(
    base: str,
    agency: str | Sequence[str],
    store: StateStore,
    *,
    fetcher: Fetcher,
    lookback_days: int = 3,
    policy: IngestPolicy | None = None,
    now: Callable[[], datetime] = _utc_now,
    deadline: float | None = None,
    ops: Notify | None = None,
) -> PollReport:
    """Poll the agencies' recent documents and today's public inspection list (``agency``: one slug or several).

    A new Entity List document's full text is read (once per version) before its story is written, so the
    alert names the parties. ``ops`` is told when the API has given no document of the agency for many
    business days, and when it gives one again (``sources.silence``).
    """
    report = PollReport()
    watch = SilenceWatch(ops, url=base)
    listed: set[str] = set()  # the agency's documents on today's public-inspection list
    texts = functools.partial(read_rule_text, store=store, fetcher=fetcher, base=base, now=now)

    def load_documents(state: FeedState) -> tuple[Response | None, list[Item], str]:
        url = federal_register.documents_url(base, agency, look_back_from(state, now(), lookback_days))
        items: list[Item] = []
        problems: list[str] = []
        first: Response | None = None
        for _page in range(MAX_PAGES):
            response = fetcher(url, accept="application/json")
            first = first or response
            page_items, url, page_problems = federal_register.parse_documents(
                response.body, agency=agency, feed="federal_register"
            )
            items += page_items
            problems += page_problems
            if url and urllib.parse.urlsplit(url)[:2] != urllib.parse.urlsplit(base)[:2]:
                problems.append(f"next_page_url leaves {base}: not followed")
                break  # the API's own pagination never leaves its host; an answer that does is not trusted
            if not url:
                break
        return first, items, "; ".join(problems)[:300]

    def load_public_inspection(state: FeedState) -> tuple[Response | None, list[Item], str]:
        response = fetcher(
            federal_register.public_inspection_url(base),
            etag=state.etag,
            last_modified=state.last_modified,
            accept="application/json",
        )
        if response.not_modified:
            return response, [], ""
        items, _next, problems = federal_register.parse_documents(
            response.body, agency=agency, stage="public_inspection", feed="public_inspection"
        )
        listed.update(item.document_number for item in items)
        return response, items, "; ".join(problems)[:300]

    def documents_policy(state: FeedState) -> IngestPolicy | None:
        """After an outage, documents published since the last success are news, not an archive."""
        if policy is None or policy.max_age_days <= 0:
            return policy
        days = (now().date() - look_back_from(state, now(), lookback_days)).days + 1
        return replace(policy, max_age_days=max(policy.max_age_days, days))

    sources: tuple[tuple[str, Callable[..., Any], Any], ...] = (
        ("federal_register:documents", load_documents, documents_policy),
        ("federal_register:public_inspection", load_public_inspection, policy),
    )
    for name, load, chosen in sources:
        if not _out_of_time(name, report, deadline):
            _poll_source(name, store, report, load, policy=chosen, now=now, texts=texts, deadline=deadline, watch=watch)
    changed = any(s.name == "federal_register:public_inspection" and s.status == "ok" for s in report.sources)
    if changed and (deadline is None or time.monotonic() + SOURCE_BUDGET < deadline):
        # Documents off the list and still unpublished are looked up for a withdrawal the list no longer shows.
        withdrawn = unlisted_withdrawals(store, fetcher=fetcher, base=base, now=now(), listed=listed, deadline=deadline)
        if withdrawn:
            try:
                report.ingest.add(ingest(withdrawn, store, policy=policy, now=now, deadline=deadline))
            except OutOfTime:
                logger.warning("withdrawals not stored: the invocation ran out of time; the next poll looks again")
    return report


def report_json(report: PollReport) -> dict[str, Any]:
    """A handler's return value: counts, and each source's outcome (no URLs of subscribers, no PII)."""
    return {
        "sources": [
            {"source": s.name, "status": s.status, "items": s.items, "reason": s.reason, "failures": s.failures}
            for s in report.sources
        ],
        "received": report.ingest.received,
        "stored": report.ingest.stored,
        "already_seen": report.ingest.already_seen,
        "irrelevant": report.ingest.irrelevant,
        "stale": report.ingest.stale,
        "stories_created": report.ingest.stories_created,
        "stories_updated": report.ingest.stories_updated,
        "stories_silent": report.ingest.stories_silent,  # of unlabelled reports only: they never alert
    }


def record_poll(metrics: Metrics, report: PollReport) -> None:
    """Count a poll: sources by outcome, items, stories, and the worst failure streak (alarmed on).

    Metric names are PascalCase outcomes; dimensions stay low-cardinality (never a URL or an id).
    """
    metrics.add_metric(name="FeedsPolled", unit=MetricUnit.Count, value=len(report.sources))
    metrics.add_metric(name="FeedsUnchanged", unit=MetricUnit.Count, value=report.count("unchanged"))
    metrics.add_metric(name="FeedsFailed", unit=MetricUnit.Count, value=report.count("failed"))
    metrics.add_metric(name="FeedsRecovered", unit=MetricUnit.Count, value=sum(s.recovered for s in report.sources))
    metrics.add_metric(name="SourceFailureStreak", unit=MetricUnit.Count, value=report.worst_streak)
    metrics.add_metric(name="ItemsIngested", unit=MetricUnit.Count, value=report.ingest.stored)
    metrics.add_metric(name="ItemsIrrelevant", unit=MetricUnit.Count, value=report.ingest.irrelevant)
    metrics.add_metric(name="StoriesCreated", unit=MetricUnit.Count, value=len(report.ingest.stories_created))
    metrics.add_metric(name="StoriesUpdated", unit=MetricUnit.Count, value=len(report.ingest.stories_updated))


STOP_BEFORE_TIMEOUT = 15.0  # seconds: no source starts this close to the Lambda timeout; the next schedule polls it


def deployment_options(config: Settings, remaining_millis: int) -> dict[str, Any]:
    """The keyword arguments a poll handler passes to ``poll_feeds`` / ``poll_federal_register``.

    The deployment's fetcher (loopback only where the settings allow it), its ingestion policy, and
    a deadline that stops starting sources shortly before the invocation times out.
    """
    return {
        "fetcher": functools.partial(fetch, allow_loopback=config.allow_loopback),
        "policy": IngestPolicy(
            watched=watch_keys(config.watched_entities),
            max_age_days=config.max_item_age_days,
            ttl_days=config.item_ttl_days,
        ),
        "deadline": time.monotonic() + remaining_millis / 1000 - STOP_BEFORE_TIMEOUT,
    }
