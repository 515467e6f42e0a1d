"""Fault injection: the pipeline on moto under randomized failures at every AWS call and HTTP fetch.

For each of 200 seeded schedules, AWS calls made by the handlers fail at random (throttling and
5xx answers, which botocore retries, then our code), the sample server fails at random (503, 429
with Retry-After), and a handler may crash outright between any two AWS calls. The driver acts as
Lambda does: schedules fire again, stream batches are retried from the first failed record,
batches that keep failing go to the on-failure queue, and an operator runs `exportwatch replay`.
Every alert of a fault-free run must then have reached every subscriber exactly once.

Faults: a call rejected before it runs (throttled, unreachable), a call that runs but whose answer
is lost (a 500 after the write happened), and a crash. Not injected: a lost answer to an SNS
publish, or a crash between a successful publish and the write that records it. Standard SNS
topics cannot deduplicate, so that window is at-least-once; docs/reliability.md says so.
"""

from __future__ import annotations

import json
import os
import random
import urllib.parse
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager, nullcontext
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from importlib import resources
from typing import Any
from unittest import mock
from xml.sax.saxutils import escape

import boto3
import pytest
from botocore.awsrequest import AWSResponse
from botocore.exceptions import EndpointConnectionError
from moto.core.botocore_stubber import MockRawResponse

from exportwatch.aws import clients
from exportwatch.aws.sender import OutsideLambda, idempotent_sender
from exportwatch.aws.store import Store
from exportwatch.models import FeedState
from exportwatch.ports import Window, week_of
from exportwatch_cli.demo import local_stack
from exportwatch_cli.local import FakeLambdaContext, Route
from exportwatch_cli.replay import replay
from tests.helpers import FIXTURES

OFFICIAL_TGL = json.dumps(
    {
        "count": 1,
        "results": [
            {
                k: v
                for k, v in json.loads((FIXTURES / "federal_register" / "2019-25189.json").read_text()).items()
                if k != "_provenance"
            }
        ],
    }
).encode()

SCHEDULES = 200
REGISTER_SOURCES = {"federal_register:documents", "federal_register:public_inspection"}
MAX_ROUNDS = 60
STREAM_RETRIES = 5  # the template's MaximumRetryAttempts


class Crash(BaseException):  # the process dies; nothing in the code may catch it
    """A Lambda timeout or crash: nothing after this point of the invocation runs."""


@dataclass
class Faults:
    rng: random.Random
    aws_failure: float
    crash: float
    http_failure: float
    armed: bool = False
    last: str = ""
    injected: Counter[str] = field(default_factory=Counter)

    def before_send(self, request: Any, event_name: str = "", **_: Any) -> AWSResponse | None:
        """Runs before moto: raising stops the request; a returned response is used, but moto still runs."""
        if not self.armed:
            return None
        operation = event_name.rsplit(".", 1)[-1]
        previous, self.last = self.last, operation
        if previous == "Publish" and operation in ("UpdateItem", "PutItem"):
            return None  # the documented at-least-once window: never crash or fail here
        roll = self.rng.random()
        if roll < self.crash:
            self.injected["crash"] += 1
            raise Crash(operation)
        if roll < self.crash + self.aws_failure:
            self.injected["rejected"] += 1  # throttled or unreachable: not executed, botocore retries
            raise EndpointConnectionError(endpoint_url=request.url)
        if roll < self.crash + 1.5 * self.aws_failure and operation != "Publish":
            self.injected["lost_response"] += 1  # executed, but the answer is a 500: retried, conditions decide
            return AWSResponse(request.url, 500, {}, MockRawResponse(b""))
        return None

    def http(self, route: Any):
        def serve(_handler: Any) -> Route:
            if self.armed and self.rng.random() < self.http_failure:
                self.injected["http"] += 1
                if self.rng.random() < 0.5:
                    return Route(b"busy", "text/plain", status=429, headers=(("Retry-After", "0"),))
                return Route(b"down", "text/plain", status=503)
            return route(_handler) if callable(route) else route

        return serve


@contextmanager
def armed(faults: Faults) -> Iterator[None]:
    faults.armed = True
    try:
        yield
    finally:
        faults.armed = False


def drive_stream(
    stack: Any,
    pending: list[dict[str, Any]],
    faults: Faults,
    dead: list[list[dict[str, Any]]],
    context: FakeLambdaContext,
) -> None:
    """Deliver records as a DynamoDB event source mapping does (batch 10, retry from first failure)."""
    cursor = 0
    while cursor < len(pending):
        batch = pending[cursor : cursor + 10]
        for _attempt in range(STREAM_RETRIES + 1):
            try:
                with armed(faults):
                    response = stack.handlers["notify"].lambda_handler({"Records": batch}, context)
                failed = [f["itemIdentifier"] for f in response["batchItemFailures"]]
            except (Crash, Exception):  # a failed invocation, as Lambda sees it
                failed = [batch[0]["dynamodb"]["SequenceNumber"]]
            if not failed:
                cursor += len(batch)
                break
            first = next(i for i, r in enumerate(batch) if r["dynamodb"]["SequenceNumber"] in failed)
            cursor += first  # records before the first failure are checkpointed
            batch = pending[cursor : cursor + 10]
        else:
            dead.append(batch)  # retries exhausted: the on-failure destination gets the coordinates
            cursor += len(batch)


@dataclass
class Outcome:
    before_replay: dict[str, Counter[tuple[str, int]]]
    received: dict[str, Counter[tuple[str, int]]]
    dead_batches: int
    injected: Counter[str]


@contextmanager
def same_second() -> Iterator[None]:
    """The Federal Register poller fires in the same second as the feed poller: it read the table just
    before the feed poller wrote (each of its reads answers once as the table was empty)."""
    stale = {"stored_items": {}, "stories_for_keys": {}, "stories_published": []}

    def once(name: str, real: Any) -> Any:
        def read(self: Store, *args: Any, **kwargs: Any) -> Any:
            if name == "story_window" and "story_window" not in done:
                done.add(name)
                first, last = args[:2]
                days = kwargs.get("days") or []
                return Window([], dict.fromkeys(map(week_of, days), 0))
            if name in stale and name not in done:
                done.add(name)
                return stale[name]
            return real(self, *args, **kwargs)

        return read

    done: set[str] = set()
    names = [*stale, "story_window"]
    with ExitStack() as patches:
        for name in names:
            patches.enter_context(mock.patch.object(Store, name, once(name, getattr(Store, name))))
        yield


def _poll_until_settled(
    stack: Any,
    faults: Faults,
    context: FakeLambdaContext,
    dead: list[Any],
    seed: int | None,
    sources: set[str],
    *,
    racing: bool = False,
) -> None:
    """Fire the schedules until every source in ``sources`` was polled to the end once."""
    settled: set[str] = set()
    for _round in range(MAX_ROUNDS):
        for poller in ("poll_feeds", "poll_federal_register"):
            try:
                with armed(faults), same_second() if racing and poller == "poll_federal_register" else nullcontext():
                    result = stack.handlers[poller].lambda_handler({}, FakeLambdaContext())
            except (Crash, Exception):  # the next schedule is the retry
                continue
            settled |= {source["source"] for source in result["sources"] if source["status"] != "failed"}
        drive_stream(stack, stack.reader.records(), faults, dead, context)
        if sources <= settled:
            return
    pytest.fail(f"seed {seed}: sources never all polled in {MAX_ROUNDS} rounds; lower the fault rates")


def _count(inbox: dict[str, list[dict[str, Any]]]) -> dict[str, Counter[tuple[str, int]]]:
    return {name: Counter((m["story_id"], m["version"]) for m in messages) for name, messages in inbox.items()}


LONG_PATH = "/" + "华为实体清单" * 700  # grows ninefold when percent-encoded


def hostile_feed() -> bytes:
    """A dozen reports of one event with long non-ASCII links (one story over 400 KB unbounded), and an
    entry dated 9999 beside them."""
    text = "The Commerce Department added Hikvision to the Entity List on Wednesday."
    entries = [
        (f"Commerce adds Hikvision to the Entity List, report {n}", f"https://news.example/{n}{LONG_PATH}",
         "Wed, 20 Nov 2019 18:00:00 +0000", text)
        for n in range(12)
    ] + [("Commerce adds ZTE to the Entity List", "https://news.example/zte", "Fri, 31 Dec 9999 23:59:59 +0000",
          "The Commerce Department added ZTE to the Entity List on Friday.")]  # fmt: skip
    items = "".join(
        f"<item><title>{escape(t)}</title><link>{escape(u)}</link><pubDate>{d}</pubDate>"
        f"<description>{escape(x)}</description></item>"
        for t, u, d, x in entries
    )
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>{items}</channel></rss>'.encode()


def during_outage() -> Any:
    """The sample rules, published 7 and 8 days ago: found only by a look-back wider than 3 days."""
    sample = json.loads((resources.files("exportwatch_cli") / "samples" / "documents.json").read_text())
    today = datetime.now(UTC).date()
    rules = [{**doc, "publication_date": (today - timedelta(days=7 + n)).isoformat()}
             for n, doc in enumerate(sample["results"])]  # fmt: skip

    def route(request: Any) -> Route:
        since = urllib.parse.parse_qs(urllib.parse.urlsplit(request.path).query)["conditions[publication_date][gte]"]
        found = [r for r in rules if r["publication_date"] >= since[0]]
        return Route(json.dumps({"count": len(found), "results": found}).encode(), "application/json")

    return route


def run(seed: int | None, *, hostile: bool = False) -> Outcome:
    rng = random.Random(seed)
    faults = Faults(
        rng,
        aws_failure=0.0 if seed is None else rng.uniform(0.02, 0.2),
        crash=0.0 if seed is None else rng.uniform(0.0, 0.015),
        http_failure=0.0 if seed is None else rng.uniform(0.1, 0.3),
    )
    with local_stack() as stack, mock.patch("time.sleep"):  # backoff happens; waiting for it does not
        feeds = {os.environ["FEED_URLS"]}
        if hostile:
            # The four hostile cases: a story over the item limit, a far-future date, a Federal Register
            # outage longer than the look-back (last success 12 days ago), the two pollers in the same second
            stack.server.routes["/feeds/hostile.xml"] = Route(hostile_feed(), "application/rss+xml")
            stack.server.routes["/api/v1/documents.json"] = during_outage()
            feeds.add(f"{stack.server.base}/feeds/hostile.xml")
            os.environ["FEED_URLS"] = ",".join(sorted(feeds))
            twelve_days_ago = (datetime.now(UTC) - timedelta(days=12)).isoformat(timespec="seconds")
            Store(clients.dynamodb(), "exportwatch-demo").put_feed_state(
                FeedState("federal_register:documents", last_success=twelve_days_ago)
            )
        stack.server.routes = {path: faults.http(route) for path, route in stack.server.routes.items()}
        boto3.DEFAULT_SESSION.events.register_first("before-send.*.*", faults.before_send)
        try:
            # notify's retries come after the failed invocation ended: its in-progress records have expired
            context = FakeLambdaContext(remaining_millis=1)
            dead: list[list[dict[str, Any]]] = []
            # Phase 1: the samples. Phase 2: the TGL rule is published, so the seeds' story becomes
            # official (version 2: one update that must arrive once too).
            _poll_until_settled(stack, faults, context, dead, seed, {*feeds, *REGISTER_SOURCES}, racing=hostile)
            stack.server.routes["/api/v1/documents.json"] = faults.http(Route(OFFICIAL_TGL, "application/json"))
            _poll_until_settled(stack, faults, context, dead, seed, {"federal_register:documents"}, racing=hostile)
            before = _count(stack.inbox())
            if dead:  # the operator replays what failed every retry (the faults are over by then)
                send, idempotency = idempotent_sender(
                    clients.sns(), os.environ["ALERTS_TOPIC_ARN"], clients.dynamodb(), "exportwatch-demo"
                )
                idempotency.register_lambda_context(OutsideLambda(millis=1))
                replay(Store(clients.dynamodb(), "exportwatch-demo"), send, since="2000-01-01")
            after = _count(stack.inbox())
        finally:  # boto3's session outlives the stack: the next schedule brings its own faults
            boto3.DEFAULT_SESSION.events.unregister("before-send.*.*", faults.before_send)
    received = {name: before[name] + after[name] for name in before}
    return Outcome(before, received, len(dead), faults.injected)


@pytest.fixture(scope="module")
def expected() -> dict[str, Counter[tuple[str, int]]]:
    clean = run(None)
    assert not clean.injected and not clean.dead_batches
    assert all(all(n == 1 for n in c.values()) for c in clean.received.values())
    versions = {version for counter in clean.received.values() for _story, version in counter}
    assert versions == {1, 2}, "the schedule must include a material update"
    return clean.received


@pytest.mark.parametrize("seed", range(SCHEDULES))
def test_every_alert_arrives_exactly_once_under_faults(seed: int, expected) -> None:
    # Given a randomized fault schedule; When the pipeline runs to quiescence
    outcome = run(seed)
    # Then every alert arrived once; without dead-lettered batches, without any replay
    detail = f"seed {seed}, injected {dict(outcome.injected)}, dead batches {outcome.dead_batches}"
    assert outcome.received == expected, detail
    if not outcome.dead_batches:
        assert outcome.before_replay == expected, detail


HOSTILE_SCHEDULES = 10


@pytest.fixture(scope="module")
def expected_hostile() -> dict[str, Counter[tuple[str, int]]]:
    clean = run(None, hostile=True)
    assert not clean.injected and not clean.dead_batches
    assert all(all(n == 1 for n in c.values()) for c in clean.received.values())
    versions = {version for counter in clean.received.values() for _story, version in counter}
    assert versions == {1, 2}, "the seeds' story must still become official in the same second"
    return clean.received


@pytest.mark.parametrize("seed", range(1000, 1000 + HOSTILE_SCHEDULES))
def test_hostile_sources_an_outage_and_racing_pollers_lose_and_duplicate_nothing(seed: int, expected_hostile) -> None:
    # Given a fault schedule over a feed whose story exceeds the item limit and an entry dated 9999,
    # a Federal Register outage longer than the look-back, and the two pollers in the same second
    outcome = run(seed, hostile=True)
    # Then every alert arrived once, as in the fault-free run of the same sources
    detail = f"seed {seed}, injected {dict(outcome.injected)}, dead batches {outcome.dead_batches}"
    assert outcome.received == expected_hostile, detail
