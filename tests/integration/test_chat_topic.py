"""The chat topic: chat gets the custom-notification body, every other subscriber the alert as before, once each."""

from __future__ import annotations

from typing import Any

import boto3
import pytest

from exportwatch.alerts.render import render
from exportwatch.aws import sender
from exportwatch.aws.sender import OutsideLambda, idempotent_sender
from exportwatch_cli.local import create_topic, drain, load_handler, subscribe_queue
from tests.conftest import TABLE
from tests.helpers import ROOT
from tests.unit.test_render import seeds_story


@pytest.fixture
def chat_topic(topic_arn: str, template: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> str:
    arn = create_topic(boto3.client("sns"), template, "exportwatch-test-chat", logical_id="ChatTopic")
    monkeypatch.setenv("CHAT_TOPIC_ARN", arn)
    return arn


def _inbox(topic: str, name: str, filter_policy: dict[str, Any] | None = None) -> str:
    return subscribe_queue(boto3.client("sns"), boto3.client("sqs"), topic, name, filter_policy)


def test_chat_gets_its_format_and_the_alert_subscribers_their_json_once(table, topic_arn, chat_topic) -> None:
    # Given an SQS subscriber of the alerts topic and a chat channel (filtered like any subscriber) on the chat topic
    machine = _inbox(topic_arn, "machine")
    channel = _inbox(chat_topic, "channel", {"labels": ["license.decision"]})
    send, idempotency = idempotent_sender(
        boto3.client("sns"), topic_arn, boto3.client("dynamodb"), TABLE, chat_topic_arn=chat_topic
    )
    idempotency.register_lambda_context(OutsideLambda())  # type: ignore[arg-type]
    alert = render(seeds_story())
    # When the alert is sent twice (a retry)
    send(alert)
    send(alert)
    # Then the JSON subscriber got the story JSON once, as without chat
    (story,) = drain(boto3.client("sqs"), machine)
    assert story["story_id"] == alert.story_id and story["version"] == alert.version and "content" not in story
    # and the channel got one custom notification
    (notification,) = drain(boto3.client("sqs"), channel)
    assert notification["version"] == "1.0" and notification["source"] == "custom"
    assert notification["content"]["title"] == alert.subject


def test_a_failed_chat_publish_is_retried_without_sending_the_alert_again(
    table, topic_arn, chat_topic, monkeypatch
) -> None:
    # Given a chat publish that fails once
    machine = _inbox(topic_arn, "machine")
    channel = _inbox(chat_topic, "channel")
    real = sender.publish_chat
    calls = []

    def flaky(sns: Any, topic: str, alert: Any) -> str:
        calls.append(alert.dedup_key)
        if len(calls) == 1:
            raise RuntimeError("SNS throttled")
        return real(sns, topic, alert)

    monkeypatch.setattr(sender, "publish_chat", flaky)
    send, idempotency = idempotent_sender(
        boto3.client("sns"), topic_arn, boto3.client("dynamodb"), TABLE, chat_topic_arn=chat_topic
    )
    idempotency.register_lambda_context(OutsideLambda())  # type: ignore[arg-type]
    alert = render(seeds_story())
    # When the first send fails at the chat step and is retried
    with pytest.raises(RuntimeError):
        send(alert)
    send(alert)
    # Then each subscriber has exactly one message
    assert len(drain(boto3.client("sqs"), machine)) == 1
    assert len(drain(boto3.client("sqs"), channel)) == 1


def test_notify_publishes_to_the_chat_topic_when_the_stack_has_one(
    table, topic_arn, chat_topic, load_event, lambda_context
) -> None:
    # Given the deployed environment names a chat topic (CHAT_TOPIC_ARN)
    channel = _inbox(chat_topic, "channel")
    machine = _inbox(topic_arn, "machine")
    # When notify handles the sample stream batch
    response = load_handler(ROOT, "notify").lambda_handler(load_event("notify"), lambda_context)
    # Then
    assert response == {"batchItemFailures": []}
    (notification,) = drain(boto3.client("sqs"), channel)
    (story,) = drain(boto3.client("sqs"), machine)
    assert notification["metadata"]["threadId"] == story["story_id"]
