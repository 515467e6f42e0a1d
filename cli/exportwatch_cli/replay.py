"""Replay alerts that failed every retry: reconcile recent stories against what was sent.

The notify function's on-failure queue receives the *coordinates* of failed stream batches
(shard and sequence numbers), not the records, and stream records expire after 24 hours. So
replay does not depend on them: it sends the current version of every story changed since a date
that was never published, through the same idempotent sender. A version already published is
skipped by the story's send marker (or, within 16 days, by the idempotency record); one that was
not is published now. Then the failure messages are deleted, unless a send failed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from aws_lambda_powertools import Logger

from exportwatch.alerts.notify import screened_alert
from exportwatch.alerts.render import Sender
from exportwatch.ports import StoryReader
from exportwatch.screening.watchlists import WatchlistScreener

logger = Logger(child=True)


@dataclass(slots=True)
class ReplayReport:
    """What a replay did; ``failed`` lists the stories whose send failed (the queue is then kept)."""

    stories_checked: int = 0
    sent_or_confirmed: list[str] = field(default_factory=list)
    already_sent: list[str] = field(default_factory=list)
    failed: list[dict[str, str]] = field(default_factory=list)
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


def replay(
    reader: StoryReader,
    send: Sender,
    *,
    since: str,
    sqs: Any = None,
    queue_url: str = "",
    screener: WatchlistScreener | None = None,
) -> ReplayReport:
    """Send every recent story's current version that was never published, then clear the failure queue.

    A version at or below the story's send marker (written after each publish, kept 400 days) was
    delivered: it is skipped even once its 16-day send record has expired. A story whose send fails
    is reported and the others go on; the queue's messages are deleted only if every send succeeded,
    so a failed replay can be run again. With a ``screener``, each alert is screened against the
    watchlists as notify would have screened it.
    """
    report = ReplayReport()
    pending = failed_batches(sqs, queue_url) if sqs is not None and queue_url else []
    report.batches = [info for _, info in pending]
    stories = reader.stories_changed_since(since)
    sent = reader.sent_versions([story.story_id for story in stories])
    for story in stories:
        report.stories_checked += 1
        name = f"{story.story_id}@{story.version}"
        if max(sent.get(story.story_id, 0), story.quiet_version) >= story.version:  # sent, or backfilled
            report.already_sent.append(name)
            continue
        try:
            send(screened_alert(story, screener))
        except Exception as exc:  # one refused story must not leave the others unsent
            logger.exception("replay: send failed", extra={"story_id": story.story_id, "version": story.version})
            report.failed.append({"story": name, "error": f"{type(exc).__name__}: {exc}"[:300]})
            continue
        report.sent_or_confirmed.append(name)
    if report.failed:
        for handle, _info in pending:  # visible again at once: the next replay finds them
            sqs.change_message_visibility(QueueUrl=queue_url, ReceiptHandle=handle, VisibilityTimeout=0)
        return report
    for handle, _info in pending:
        sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=handle)
        report.failures_cleared += 1
    return report
