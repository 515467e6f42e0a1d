"""Publishing alerts to SNS, each message once whatever the retries (idempotency records in the table).

Standard SNS topics cannot deduplicate (FIFO topics cannot deliver e-mail or SMS), so a send is
recorded with Powertools idempotency, keyed by the alert's dedup key (story and version; a
reminder adds its deadline and threshold; a digest its day), before it counts as done.

When the stack has a chat topic (template parameter ``ChatNotifications``), each alert is also
published there once, in the chat format (``alerts.chat``), under its own key (``...#chat``): a
retry after the chat publish failed sends the chat message and not the alert again.
"""

from __future__ import annotations

import functools
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.idempotency import (
    DynamoDBPersistenceLayer,
    IdempotencyConfig,
    idempotent_function,
)
from aws_lambda_powertools.utilities.typing import LambdaContext

from exportwatch import settings
from exportwatch.alerts.chat import chat_message
from exportwatch.alerts.render import Alert, Sender
from exportwatch.aws import clients
from exportwatch.aws.store import IDEMPOTENCY_PK, PK, SK, TTL_ATTRIBUTE, Store

logger = Logger(child=True)
# Longer than anything that may ask again: the failure queue's 14 days, a reminder's 14-day window.
IDEMPOTENCY_SECONDS = 16 * 24 * 3600
STORY_KINDS = ("new", "update")  # alerts of a story version (reminders and digests have their own records)


def publish(sns: Any, topic_arn: str, alert: Alert) -> str:
    """One SNS publish with a body per protocol and attributes for filter policies."""
    response = sns.publish(
        TopicArn=topic_arn,
        Subject=alert.subject,
        Message=alert.message(),
        MessageStructure="json",
        MessageAttributes=alert.attributes(),
    )
    return str(response["MessageId"])


def publish_chat(sns: Any, topic_arn: str, alert: Alert) -> str:
    """One publish to the chat topic: the custom-notification body, the same attributes to filter on."""
    response = sns.publish(TopicArn=topic_arn, Message=chat_message(alert), MessageAttributes=alert.attributes())
    return str(response["MessageId"])


def _persistence(dynamodb: Any, table_name: str) -> DynamoDBPersistenceLayer:
    return DynamoDBPersistenceLayer(
        table_name=table_name,
        key_attr=PK,
        sort_key_attr=SK,
        static_pk_value=IDEMPOTENCY_PK,
        expiry_attr=TTL_ATTRIBUTE,
        boto3_client=dynamodb,
    )


def idempotent_sender(
    sns: Any, topic_arn: str, dynamodb: Any, table_name: str, *, chat_topic_arn: str = ""
) -> tuple[Sender, IdempotencyConfig]:
    """A sender that publishes each message once (story and version, or reminder), whatever the retries.

    With ``chat_topic_arn``, each message is also published once to the chat topic, after the alert.
    """
    config = IdempotencyConfig(
        event_key_jmespath="key",
        expires_after_seconds=IDEMPOTENCY_SECONDS,
        raise_on_no_idempotency_key=True,
    )
    persistence = _persistence(dynamodb, table_name)

    @idempotent_function(
        data_keyword_argument="payload", persistence_store=_persistence(dynamodb, table_name), config=config
    )
    def _send_chat(payload: dict[str, Any], alert: Alert) -> str:
        return publish_chat(sns, chat_topic_arn, alert)

    @idempotent_function(data_keyword_argument="payload", persistence_store=persistence, config=config)
    def _send(payload: dict[str, Any], alert: Alert) -> str:
        message_id = publish(sns, topic_arn, alert)
        logger.info(
            "alert published",
            extra={"story_id": alert.story_id, "version": alert.version, "kind": alert.kind, "message_id": message_id},
        )
        return message_id

    store = Store(dynamodb, table_name)

    def send(alert: Alert) -> str:
        message_id = str(_send(payload={"key": alert.dedup_key}, alert=alert))
        if chat_topic_arn:
            _send_chat(payload={"key": f"{alert.dedup_key}#chat"}, alert=alert)
        if alert.kind in STORY_KINDS and not alert.occasion:
            # After the send is recorded, and again on a retry (the record answers it): the marker outlives
            # the 16-day send record, so a later replay never sends this version again.
            store.mark_sent(alert.story_id, alert.version)
        return message_id

    return send, config


@functools.cache
def default_sender() -> tuple[Sender, IdempotencyConfig]:
    """The deployment's sender, made once per container from the settings and the shared clients."""
    config = settings.load()
    return idempotent_sender(
        clients.sns(), config.alerts_topic_arn, clients.dynamodb(), config.table_name,
        chat_topic_arn=config.chat_topic_arn,
    )  # fmt: skip


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
