"""DynamoDB stream -> alerts on SNS, once per story version.

A story record whose ``version`` went up (or a new story) is one alert. Sends are idempotent,
keyed by story id and version (Powertools idempotency, records in the same table), so a batch
retried after a partial failure, or a stream record delivered twice, publishes once. Failed
records are reported back (partial batch response) and, after the retries, land in the
on-failure queue with their stream coordinates for ``exportwatch replay``.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBRecord
from aws_lambda_powertools.utilities.idempotency import (
    DynamoDBPersistenceLayer,
    IdempotencyConfig,
    idempotent_function,
)
from aws_lambda_powertools.utilities.typing import LambdaContext

from exportwatch import settings
from exportwatch.alerts.render import Alert, render
from exportwatch.aws import clients
from exportwatch.aws.store import IDEMPOTENCY_PK, PK, SK, STORY_PREFIX, TTL_ATTRIBUTE, story_from_record

logger = Logger(child=True)
# Longer than anything that may ask again: the failure queue's 14 days, a reminder's 14-day window.
IDEMPOTENCY_SECONDS = 16 * 24 * 3600
Sender = Callable[[Alert], str]


def alert_for(record: dict[str, Any]) -> Alert | None:
    """The alert a stream record calls for, or None (not a story, or no material change)."""
    change = record.get("dynamodb") or {}
    new_image = change.get("NewImage")
    if record.get("eventName") not in ("INSERT", "MODIFY") or not new_image:
        return None
    if not new_image.get(PK, {}).get("S", "").startswith(STORY_PREFIX):
        return None
    story, _ = story_from_record(new_image)
    old_image = change.get("OldImage")
    if old_image:
        old_version = int(old_image.get("version", {}).get("N", "0"))
        if story.version <= old_version:
            return None  # another article, nothing material
    return render(story)


def publish(sns: Any, topic_arn: str, alert: Alert) -> str:
    """One SNS publish with a body per protocol and attributes for filter policies."""
    response = sns.publish(
        TopicArn=topic_arn,
        Subject=alert.subject,
        Message=json.dumps(alert.message_structure(), ensure_ascii=False),
        MessageStructure="json",
        MessageAttributes=alert.attributes(),
    )
    return str(response["MessageId"])


def idempotent_sender(sns: Any, topic_arn: str, dynamodb: Any, table_name: str) -> tuple[Sender, IdempotencyConfig]:
    """A sender that publishes each message once (story and version, or reminder), whatever the retries."""
    config = IdempotencyConfig(
        event_key_jmespath="key",
        expires_after_seconds=IDEMPOTENCY_SECONDS,
        raise_on_no_idempotency_key=True,
    )
    persistence = DynamoDBPersistenceLayer(
        table_name=table_name,
        key_attr=PK,
        sort_key_attr=SK,
        static_pk_value=IDEMPOTENCY_PK,
        expiry_attr=TTL_ATTRIBUTE,
        boto3_client=dynamodb,
    )

    @idempotent_function(data_keyword_argument="payload", persistence_store=persistence, config=config)
    def _send(payload: dict[str, Any], alert: Alert) -> str:
        message_id = publish(sns, topic_arn, alert)
        logger.info(
            "alert published",
            extra={"story_id": alert.story_id, "version": alert.version, "kind": alert.kind, "message_id": message_id},
        )
        return message_id

    def send(alert: Alert) -> str:
        return str(_send(payload={"key": alert.dedup_key}, alert=alert))

    return send, config


@functools.cache
def default_sender() -> tuple[Sender, IdempotencyConfig]:
    """The deployment's sender, made once per container from the settings and the shared clients."""
    config = settings.load()
    return idempotent_sender(clients.sns(), config.alerts_topic_arn, clients.dynamodb(), config.table_name)


clients.on_clear(default_sender.cache_clear)


def sender_for(context: LambdaContext) -> Sender:
    """The deployment's sender, with this invocation's context (in-progress sends expire with it)."""
    send, idempotency = default_sender()
    idempotency.register_lambda_context(context)
    return send


class OutsideLambda:
    """A stand-in context for sends outside Lambda (``exportwatch replay``).

    Idempotency marks a send in progress until the invocation's remaining time runs out; an
    operator's replay gets a fixed minute.
    """

    def __init__(self, millis: int = 60_000) -> None:
        self.millis = millis

    def get_remaining_time_in_millis(self) -> int:
        """The in-progress window of a send made by an operator."""
        return self.millis


def process_stream(event: dict[str, Any], context: LambdaContext, send: Sender) -> dict[str, Any]:
    """Handle one stream batch; returns the partial batch response Lambda expects."""
    processor = BatchProcessor(event_type=EventType.DynamoDBStreams)

    def handle(record: DynamoDBRecord) -> None:
        alert = alert_for(record.raw_event)
        if alert is not None:
            send(alert)

    return dict(process_partial_response(event=event, record_handler=handle, processor=processor, context=context))
