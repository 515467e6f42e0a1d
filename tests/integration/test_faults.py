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

import os
import random
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from unittest import mock

import boto3
import pytest
from botocore.awsrequest import AWSResponse
from botocore.exceptions import EndpointConnectionError
from moto.core.botocore_stubber import MockRawResponse

from exportwatch import aws
from exportwatch.demo import local_stack
from exportwatch.local import FakeLambdaContext, Route
from exportwatch.notify import OutsideLambda, idempotent_sender
from exportwatch.replay import replay

SCHEDULES = 200
MAX_ROUNDS = 60
STREAM_RETRIES = 5  # the template's MaximumRetryAttempts


class Crash(BaseException):  # noqa: N818 - the process dies; nothing in the code may catch it
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

    def http(self, route: Route):
        def serve(_handler: Any) -> Route:
            if self.armed and self.rng.random() < self.http_failure:
                self.injected["http"] += 1
                if self.rng.random() < 0.5:
                    return Route(b"busy", "text/plain", status=429, headers=(("Retry-After", "0"),))
                return Route(b"down", "text/plain", status=503)
            return route

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
            except (Crash, Exception):  # noqa: BLE001 - a failed invocation, as Lambda sees it
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


def run(seed: int | None) -> tuple[dict[str, Counter[tuple[str, int]]], Counter[str]]:
    rng = random.Random(seed)
    faults = Faults(
        rng,
        aws_failure=0.0 if seed is None else rng.uniform(0.02, 0.2),
        crash=0.0 if seed is None else rng.uniform(0.0, 0.015),
        http_failure=0.0 if seed is None else rng.uniform(0.1, 0.3),
    )
    with local_stack() as stack, mock.patch("time.sleep"):  # backoff happens; waiting for it does not
        stack.server.routes = {path: faults.http(route) for path, route in stack.server.routes.items()}
        boto3.DEFAULT_SESSION.events.register_first("before-send.*.*", faults.before_send)
        context = FakeLambdaContext(remaining_millis=1)  # an in-progress record expires as the invocation would
        dead: list[list[dict[str, Any]]] = []
        settled: set[str] = set()  # sources polled to the end at least once: all their items are stored
        for _round in range(MAX_ROUNDS):
            for poller in ("poll_feeds", "poll_federal_register"):
                try:
                    with armed(faults):
                        result = stack.handlers[poller].lambda_handler({}, context)
                except (Crash, Exception):  # noqa: BLE001, S112 - the next schedule is the retry
                    continue
                settled |= {source["source"] for source in result["sources"] if source["status"] != "failed"}
            drive_stream(stack, stack.reader.records(), faults, dead, context)
            if len(settled) == 3:
                break
        else:
            pytest.fail(f"seed {seed}: sources never all polled in {MAX_ROUNDS} rounds; lower the fault rates")
        # The operator replays what failed every retry (faults are over by then).
        send, idempotency = idempotent_sender(
            aws.sns(), os.environ["ALERTS_TOPIC_ARN"], aws.dynamodb(), "exportwatch-demo"
        )
        idempotency.register_lambda_context(OutsideLambda(millis=1))
        replay(aws.dynamodb(), "exportwatch-demo", send, since="2000-01-01")
        drive_stream(stack, stack.reader.records(), faults, dead, context)
        received = {
            name: Counter((m["story_id"], m["version"]) for m in messages) for name, messages in stack.inbox().items()
        }
    return received, faults.injected


@pytest.fixture(scope="module")
def expected() -> dict[str, Counter[tuple[str, int]]]:
    received, injected = run(None)
    assert not injected
    assert all(all(n == 1 for n in c.values()) for c in received.values())
    return received


@pytest.mark.parametrize("seed", range(SCHEDULES))
def test_every_alert_arrives_exactly_once_under_faults(seed: int, expected) -> None:
    # Given a randomized fault schedule; When the pipeline runs to quiescence; Then
    received, injected = run(seed)
    assert received == expected, f"seed {seed}, injected {dict(injected)}"
