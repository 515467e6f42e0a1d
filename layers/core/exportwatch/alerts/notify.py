"""DynamoDB stream -> alerts on SNS, once per story version.

A story record whose ``version`` went up (or a new story) is one alert, unless a backfill of history
wrote that version (``quiet_version``): loading years of documents must not alert anyone. Sends are idempotent,
keyed by story id and version (Powertools idempotency, records in the same table), so a batch
retried after a partial failure, or a stream record delivered twice, publishes once. Failed
records are reported back (partial batch response) and, after the retries, land in the
on-failure queue with their stream coordinates for ``exportwatch replay``.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from exportwatch.alerts.render import Alert, Sender, render
from exportwatch.aws.store import PK, STORY_PREFIX, story_from_record

logger = Logger(child=True)


def alert_for(record: dict[str, Any]) -> Alert | None:
    """The alert a stream record calls for, or None (not a story, or no material change)."""
    change = record.get("dynamodb") or {}
    new_image = change.get("NewImage")
    if record.get("eventName") not in ("INSERT", "MODIFY") or not new_image:
        return None
    if not new_image.get(PK, {}).get("S", "").startswith(STORY_PREFIX):
        return None
    story, _ = story_from_record(new_image)
    if story.version <= story.quiet_version:
        return None  # written by a backfill of history: recorded, never alerted
    old_image = change.get("OldImage")
    if old_image:
        old_version = int(old_image.get("version", {}).get("N", "0"))
        if story.version <= old_version:
            return None  # another article, nothing material
    return render(story)


def process_stream(event: dict[str, Any], context: LambdaContext, send: Sender) -> dict[str, Any]:
    """Handle one stream batch; returns the partial batch response Lambda expects."""
    processor = BatchProcessor(event_type=EventType.DynamoDBStreams)

    def handle(record: DynamoDBRecord) -> None:
        alert = alert_for(record.raw_event)
        if alert is not None:
            send(alert)

    return dict(process_partial_response(event=event, record_handler=handle, processor=processor, context=context))
