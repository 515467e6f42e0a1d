"""Replay alerts that failed every retry: reconcile recent stories against what was sent.

The notify function's on-failure queue receives the *coordinates* of failed stream batches
(shard and sequence numbers), not the records, and stream records expire after 24 hours. So
replay does not depend on them: it re-sends the current version of every story changed since a
date through the same idempotent sender. A version that was already published is skipped by the
idempotency record; one that was not is published now. Then the failure messages are deleted.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from exportwatch.alerts.render import Alert, render
from exportwatch.aws.store import PK, STORY_PREFIX, story_from_record


@dataclass(slots=True)
class ReplayReport:
    """What a replay did."""

    stories_checked: int = 0
    sent_or_confirmed: list[str] = field(default_factory=list)
    failures_cleared: int = 0
    batches: list[dict[str, Any]] = field(default_factory=list)


def recent_stories(dynamodb: Any, table: str, since: str) -> list[dict[str, Any]]:
    """Story records whose ``last_seen`` is on or after ``since`` (an ISO date or timestamp)."""
    kwargs: dict[str, Any] = {
        "TableName": table,
        "FilterExpression": "begins_with(#pk, :story) AND #last >= :since",
        "ExpressionAttributeNames": {"#pk": PK, "#last": "last_seen"},
        "ExpressionAttributeValues": {":story": {"S": STORY_PREFIX}, ":since": {"S": since}},
    }
    rows: list[dict[str, Any]] = []
    while True:
        response = dynamodb.scan(**kwargs)
        rows += response.get("Items", [])
        if "LastEvaluatedKey" not in response:
            return rows
        kwargs["ExclusiveStartKey"] = response["LastEvaluatedKey"]


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
    dynamodb: Any, table: str, send: Callable[[Alert], str], *, since: str, sqs: Any = None, queue_url: str = ""
) -> ReplayReport:
    """Re-send every recent story's current version (idempotently), then clear the failure queue.

    Messages are deleted only after every story was sent or confirmed sent; if a send fails,
    the exception propagates and the queue keeps its messages for the next replay.
    """
    report = ReplayReport()
    pending = failed_batches(sqs, queue_url) if sqs is not None and queue_url else []
    report.batches = [info for _, info in pending]
    for row in recent_stories(dynamodb, table, since):
        story, _rev = story_from_record(row)
        report.stories_checked += 1
        send(render(story))
        report.sent_or_confirmed.append(f"{story.story_id}@{story.version}")
    for handle, _info in pending:
        sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=handle)
        report.failures_cleared += 1
    return report
