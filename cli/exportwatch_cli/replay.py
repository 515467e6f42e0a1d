"""Replay alerts that failed every retry: reconcile recent stories against what was sent.

The notify function's on-failure queue receives the *coordinates* of failed stream batches
(shard and sequence numbers), not the records, and stream records expire after 24 hours. So
replay does not depend on them: it re-sends the current version of every story changed since a
date through the same idempotent sender. A version that was already published is skipped by the
idempotency record; one that was not is published now. Then the failure messages are deleted.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from exportwatch.alerts.render import Sender, render
from exportwatch.ports import StoryReader


@dataclass(slots=True)
class ReplayReport:
    """What a replay did."""

    stories_checked: int = 0
    sent_or_confirmed: list[str] = field(default_factory=list)
    failures_cleared: int = 0
    batches: list[dict[str, Any]] = field(default_factory=list)


def failed_batches(sqs: Any, queue_url: str) -> list[tuple[str, dict[str, Any]]]:
    """The on-failure queue's messages: (receipt handle, the failed batch's stream coordinates)."""
    found: list[tuple[str, dict[str, Any]]] = []
    while True:
        response = sqs.receive_message(
            QueueUrl=queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=0, VisibilityTimeout=300
        )
        messages = response.get("Messages", [])
        if not messages:
            return found
        for message in messages:
            try:
                body = json.loads(message["Body"])
            except json.JSONDecodeError:
                body = {"unparsed": message["Body"][:500]}
            found.append((message["ReceiptHandle"], body.get("DDBStreamBatchInfo", body)))


def replay(reader: StoryReader, send: Sender, *, since: str, sqs: Any = None, queue_url: str = "") -> ReplayReport:
    """Re-send every recent story's current version (idempotently), then clear the failure queue.

    Messages are deleted only after every story was sent or confirmed sent; if a send fails,
    the exception propagates and the queue keeps its messages for the next replay.
    """
    report = ReplayReport()
    pending = failed_batches(sqs, queue_url) if sqs is not None and queue_url else []
    report.batches = [info for _, info in pending]
    for story in reader.stories_changed_since(since):
        report.stories_checked += 1
        send(render(story))
        report.sent_or_confirmed.append(f"{story.story_id}@{story.version}")
    for handle, _info in pending:
        sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=handle)
        report.failures_cleared += 1
    return report
