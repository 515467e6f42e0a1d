"""``exportwatch backfill``: Federal Register history into the table, stories built as in production, no alert.

Documents of the configured agencies published in a date range are asked for slice by slice (a month
at a time, halved while a slice matches more than the API serves), page by page through the API's own
``next_page_url``, with a pause between requests and ``Retry-After`` honoured (bounded). Each page goes
through the same ingestion as the poller (skip seen, classify, group into stories, Entity List rule texts
read), with a quiet policy: the story versions it writes are marked never to alert, so even a deployed
stack whose stream drives ``notify`` sends nothing, while a later real change to such a story alerts.

Progress is a checkpoint row in the table itself (``Store.put_checkpoint``), written after every page:
it travels with the data it describes (a fresh table starts afresh; a second machine resumes where the
first stopped), where a local state file could claim pages done in a table that never got them. Running
the same command again resumes at the next page; items already stored are skipped, never duplicated.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import sys
import time
import urllib.parse
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import IO, Any, Protocol

from exportwatch.classify.parties import watch_keys
from exportwatch.entity_list.documents import read_rule_text
from exportwatch.ports import RuleTextStore, StoreError, StoryStore
from exportwatch.sources import federal_register
from exportwatch.sources.fetch import FetchError, Response, fetch
from exportwatch.stories.ingest import IngestPolicy, IngestReport, ingest
from exportwatch_cli.preview import FEDERAL_REGISTER_BASE, api_base, progress

RESULT_CAP = 10_000  # the API serves no result past page * per_page = 10,000: a slice must match fewer
PER_PAGE = 200  # documents a page: a few hundred KB of JSON, well under the fetch size cap
SLICE_DAYS = 31
PAUSE = 1.0  # seconds between two requests to the API: a backfill is a guest, not the poller
MAX_RETRY_AFTER = 120.0  # a longer Retry-After stops the run (resumable) rather than hold it for hours
ACCEPT = "application/json"


class BackfillStore(StoryStore, RuleTextStore, Protocol):
    """What a backfill needs of the table: ingestion's reads and writes, rule texts, and its checkpoint."""

    def checkpoint(self, job: str) -> dict[str, Any] | None:
        """The job's saved progress, or None."""
        ...

    def put_checkpoint(self, job: str, progress: Mapping[str, Any], *, ttl_days: int = 90) -> None:
        """Save the job's progress."""
        ...


class BackfillError(Exception):
    """The backfill stopped (the API failed past its retries, a bad range): one line, progress kept."""


@dataclass(frozen=True, slots=True)
class Slice:
    """Publication days ``first`` to ``last``, both included: one query of the API."""

    first: date
    last: date

    @property
    def key(self) -> str:
        """How the checkpoint names it."""
        return f"{self.first.isoformat()}..{self.last.isoformat()}"

    def halves(self) -> list[Slice]:
        """The slice cut in two (a slice matching more than the API serves)."""
        middle = self.first + (self.last - self.first) // 2
        return [Slice(self.first, middle), Slice(middle + timedelta(days=1), self.last)]


def date_slices(since: date, until: date, days: int = SLICE_DAYS) -> list[Slice]:
    """``since`` to ``until`` in consecutive slices of at most ``days`` days, oldest first."""
    slices: list[Slice] = []
    first = since
    while first <= until:
        last = min(first + timedelta(days=days - 1), until)
        slices.append(Slice(first, last))
        first = last + timedelta(days=1)
    return slices


@dataclass(slots=True)
class BackfillReport:
    """What a run did; ``resumed_at`` is the slice it picked up from a checkpoint ('' if it started afresh)."""

    job: str = ""
    slices: int = 0
    pages: int = 0
    requests: int = 0
    documents: int = 0
    ingest: IngestReport = field(default_factory=IngestReport)
    resumed_at: str = ""
    problems: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        """The summary ``--json`` prints."""
        return {
            "job": self.job, "slices": self.slices, "pages": self.pages, "requests": self.requests,
            "documents": self.documents, "stored": self.ingest.stored, "already_seen": self.ingest.already_seen,
            "irrelevant": self.ingest.irrelevant, "stories_created": len(self.ingest.stories_created),
            "stories_updated": len(self.ingest.stories_updated), "resumed_at": self.resumed_at,
            "problems": self.problems[:20],
        }  # fmt: skip


class Polite:
    """A fetcher that waits ``pause`` seconds between the end of one request and the start of the next."""

    def __init__(self, fetcher: Callable[..., Response], pause: float, sleep: Callable[[float], None]) -> None:
        self.fetcher, self.pause, self.sleep = fetcher, pause, sleep
        self.requests = 0
        self._last = 0.0

    def __call__(self, url: str, **kwargs: Any) -> Response:
        """GET ``url`` once the pause since the previous request has passed."""
        wait = self._last + self.pause - time.monotonic()
        if self.requests and wait > 0:
            self.sleep(wait)
        self.requests += 1
        try:
            return self.fetcher(url, **kwargs)
        finally:
            self._last = time.monotonic()


def job_name(base: str, agencies: Sequence[str], since: date) -> str:
    """The checkpoint's name: the same API, agencies and first day resume the same job.

    Not the last day: slices are cut from ``since``, so a later ``--until`` (today, tomorrow) keeps every
    finished slice and asks only for the days after them.
    """
    what = json.dumps([base, sorted(agencies), since.isoformat()])
    return "backfill-" + hashlib.sha256(what.encode()).hexdigest()[:16]


def _count(body: bytes) -> int:
    try:
        data = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError):
        return 0  # parse_documents says what is wrong with it
    count = data.get("count") if isinstance(data, dict) else None
    return count if isinstance(count, int) else 0


def run_backfill(
    store: BackfillStore,
    *,
    since: date,
    until: date,
    agencies: Sequence[str],
    base: str = FEDERAL_REGISTER_BASE,
    fetcher: Callable[..., Response] | None = None,
    pause: float = PAUSE,
    sleep: Callable[[float], None] = time.sleep,
    slice_days: int = SLICE_DAYS,
    per_page: int = PER_PAGE,
    watched: Sequence[str] = (),
    ttl_days: int = 400,
    restart: bool = False,
    now: Callable[[], datetime] = lambda: datetime.now(UTC),
    err: IO[str] | None = None,
) -> BackfillReport:
    """Load the agencies' documents published from ``since`` to ``until`` into ``store``'s table, quietly.

    Raises
    ------
    BackfillError
        The API failed past its retries, or answered what is not the API: what was loaded stays, and the
        checkpoint makes the same command resume from the page that failed.
    """
    err = err or sys.stderr
    base = base.rstrip("/")
    polite = Polite(fetcher or functools.partial(fetch, allow_loopback=False), pause, sleep)
    texts = functools.partial(read_rule_text, store=store, fetcher=polite, base=base, now=now)
    policy = IngestPolicy(watched=watch_keys(tuple(watched)), max_age_days=0, ttl_days=ttl_days, quiet=True)
    job = job_name(base, agencies, since)
    report = BackfillReport(job=job)
    saved = None if restart else store.checkpoint(job)
    done: list[str] = list(saved.get("done", [])) if saved else []
    resume_slice, resume_url = (str(saved.get("slice", "")), str(saved.get("next", ""))) if saved else ("", "")
    report.resumed_at = resume_slice or (done[-1] if done else "")
    if saved and saved.get("complete") == until.isoformat():
        err.write(f"exportwatch backfill: {since} to {until} was loaded already (--restart to load it again)\n")
        return report
    pending = [s for s in date_slices(since, until, slice_days) if s.key not in done]
    show = progress(err)
    total = len(pending) + len(done)

    def save(**progress_now: Any) -> None:
        store.put_checkpoint(job, {"done": done, **progress_now})

    while pending:
        part = pending.pop(0)
        url = resume_url if part.key == resume_slice and _same_origin(resume_url, base) else ""
        first_page = not url
        url = url or federal_register.documents_url(
            base, agencies, part.first, until=part.last, per_page=per_page, order="oldest"
        )
        while url:
            try:
                response = polite(url, accept=ACCEPT)
            except FetchError as exc:
                raise BackfillError(
                    f"{exc.reason} at {part.key} after its retries ({str(exc)[:120]}); "
                    "run the same command again to resume"
                ) from exc
            if first_page and _count(response.body) > RESULT_CAP and part.first < part.last:
                # More than the API serves for one query: ask for each half (not those a stopped run finished).
                pending[:0] = [half for half in part.halves() if half.key not in done]
                total += 1
                break
            first_page = False
            try:
                items, next_url, problems = federal_register.parse_documents(
                    response.body, agency=agencies, feed="federal_register"
                )
            except federal_register.ResponseError as exc:
                raise BackfillError(f"not an API answer at {part.key}: {exc}; run again to resume") from exc
            if next_url and not _same_origin(next_url, base):
                raise BackfillError(f"next_page_url leaves {base}: not followed (at {part.key})")
            report.ingest.add(ingest(items, store, policy=policy, now=now, texts=texts))
            report.pages += 1
            report.documents += len(items)
            report.problems += problems
            url = next_url
            save(slice=part.key, next=next_url)  # after the page is stored: a resume never skips one
        else:
            done.append(part.key)
            report.slices += 1
            save(slice="", next="")
            show(len(done), total, f"{part.key}: {report.documents} documents, {report.ingest.stored} stored")
    report.requests = polite.requests
    save(slice="", next="", complete=until.isoformat())
    return report


def _same_origin(url: str, base: str) -> bool:
    """Whether ``url`` is on the API's scheme and host (its own pagination never leaves them)."""
    return bool(url) and urllib.parse.urlsplit(url)[:2] == urllib.parse.urlsplit(base)[:2]


@dataclass(frozen=True, slots=True)
class Target:
    """Where a backfill writes and what it asks for: a table, the agencies, the parties that raise severity."""

    table: str
    agencies: tuple[str, ...]
    watched: tuple[str, ...]


def _split(text: str) -> tuple[str, ...]:
    return tuple(v.strip() for v in text.split(",") if v.strip())


def stack_target(stack: str, cloudformation: Any) -> Target:
    """A deployed stack's table (output ``TableName``), agencies and watched parties (its parameters)."""
    try:
        (described,) = cloudformation.describe_stacks(StackName=stack)["Stacks"]
    except Exception as exc:  # botocore's ClientError and friends: the CLI says it in one line
        raise BackfillError(f"cannot read stack {stack!r}: {str(exc)[:200]}") from exc
    outputs = {o["OutputKey"]: o["OutputValue"] for o in described.get("Outputs", [])}
    if not outputs.get("TableName"):
        raise BackfillError(f"stack {stack!r} has no TableName output: is it an exportwatch stack?")
    parameters = {p["ParameterKey"]: p.get("ParameterValue", "") for p in described.get("Parameters", [])}
    agencies = _split(parameters.get("FederalRegisterAgencies", ""))
    return Target(outputs["TableName"], agencies, _split(parameters.get("WatchedEntities", "")))


def parse_day(text: str, what: str) -> date:
    """A ``YYYY-MM-DD`` argument, or a one-line error."""
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise BackfillError(f"{what} must be a date YYYY-MM-DD, got {text!r}") from exc


def backfill_command(
    *,
    since: str,
    until: str = "",
    stack: str = "",
    base: str = "",
    pause: float = PAUSE,
    restart: bool = False,
    as_json: bool = False,
    out: IO[str] | None = None,
    err: IO[str] | None = None,
) -> int:
    """``exportwatch backfill``: resolve the table and agencies, run, print a summary.

    Raises
    ------
    BackfillError
        Bad arguments, an unreadable stack, or a run stopped early (resumable).
    """
    from exportwatch import settings
    from exportwatch.aws import clients
    from exportwatch.aws.store import Store

    out = out or sys.stdout
    first = parse_day(since, "--since")
    today = datetime.now(UTC).date()
    # Today's documents are the poller's: a backfill that took them would race it (and load them quietly).
    last = parse_day(until, "--until") if until else today - timedelta(days=1)
    if first > last:
        raise BackfillError(f"--since {first} is after --until {last}")
    if last > today:
        raise BackfillError(f"--until {last} is in the future")
    if pause < 0:
        raise BackfillError("--pause must be 0 or more seconds")
    try:
        if stack:
            deployed = stack_target(stack, clients.cloudformation())
            target = Target(deployed.table, deployed.agencies or settings.agencies(), deployed.watched)
        else:
            target = Target(settings.load().table_name, settings.agencies(), settings.load().watched_entities)
    except settings.SettingsError as exc:
        raise BackfillError(f"{exc} (or give --stack NAME)") from exc
    table, agencies = target.table, target.agencies
    base = api_base(base)
    fetcher = functools.partial(
        fetch,
        allow_loopback=os.environ.get("EXPORTWATCH_ALLOW_LOOPBACK") == "1",
        retries=4,
        max_wait=MAX_RETRY_AFTER,
        budget=3 * MAX_RETRY_AFTER,
    )
    try:
        report = run_backfill(
            Store(clients.dynamodb(), table),
            since=first,
            until=last,
            agencies=agencies,
            base=base,
            fetcher=fetcher,
            pause=pause,
            watched=target.watched,
            restart=restart,
            err=err,
        )
    except StoreError as exc:
        raise BackfillError(f"the table {table!r} failed: {str(exc)[:200]}; run again to resume") from exc
    summary = report.as_json()
    if as_json:
        out.write(json.dumps(summary) + "\n")
    else:
        out.write(
            f"exportwatch backfill: {first} to {last}, {', '.join(agencies)}, into {table}\n"
            f"  {summary['documents']} documents in {summary['pages']} page(s) ({summary['requests']} requests); "
            f"{summary['stored']} stored in {summary['stories_created']} new stories, "
            f"{summary['already_seen']} already stored, {summary['irrelevant']} not relevant; no alert sent\n"
        )
    return 0
