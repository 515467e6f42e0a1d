"""exportwatch replay: alerts that failed every retry are sent once, and the failure queue is cleared."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any
from unittest import mock

import boto3
import pytest
from botocore.exceptions import ClientError

from exportwatch.alerts.render import Alert
from exportwatch.aws import clients
from exportwatch.aws.sender import OutsideLambda, idempotent_sender
from exportwatch.aws.store import Store
from exportwatch_cli.demo import local_stack
from exportwatch_cli.replay import ReplayReport, replay
from tests.helpers import ROOT

FAILURE = {
    "requestContext": {"condition": "RetryAttemptsExhausted", "approximateInvokeCount": 6},
    "DDBStreamBatchInfo": {
        "shardId": "shardId-1",
        "startSequenceNumber": "1",
        "endSequenceNumber": "4",
        "batchSize": 4,
        "streamArn": "arn:aws:dynamodb:us-east-1:123456789012:table/t/stream/x",
    },
}


def test_replay_sends_what_notify_never_sent_and_only_once() -> None:
    with local_stack() as stack:
        # Given stories stored but their stream batch lost to the on-failure queue (notify never ran)
        stack.handlers["poll_feeds"].lambda_handler({}, stack.context)
        stack.reader.records()  # consumed: nothing will deliver them
        sqs = boto3.client("sqs")
        dlq = sqs.create_queue(QueueName="notify-failures")["QueueUrl"]
        sqs.send_message(QueueUrl=dlq, MessageBody=json.dumps(FAILURE))
        send, idempotency = idempotent_sender(
            clients.sns(), os.environ["ALERTS_TOPIC_ARN"], clients.dynamodb(), os.environ["TABLE_NAME"]
        )
        idempotency.register_lambda_context(OutsideLambda())
        # When the operator replays, twice
        first = replay(
            Store(clients.dynamodb(), os.environ["TABLE_NAME"]), send, since="2019-01-01", sqs=sqs, queue_url=dlq
        )
        second = replay(
            Store(clients.dynamodb(), os.environ["TABLE_NAME"]), send, since="2019-01-01", sqs=sqs, queue_url=dlq
        )
        inbox = stack.inbox()
    # Then the story's alert arrived once; the failure message is gone
    assert first.failures_cleared == 1 and first.batches[0]["shardId"] == "shardId-1"
    assert second.failures_cleared == 0
    assert [m["subject"] for m in inbox["compliance-team"]] == [
        "Licenses granted for sales to Huawei (Entity List) · TGL extended 90 days to 16 Feb 2020"
    ]


def test_replay_command_needs_its_settings() -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("TABLE_NAME", "ALERTS_TOPIC_ARN")}
    result = subprocess.run(
        [sys.executable, "-m", "exportwatch_cli.main", "replay", "--since", "2019-01-01"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=120,
        check=False,
    )
    assert result.returncode == 2
    assert "TABLE_NAME" in result.stderr and "Traceback" not in result.stderr


def _expire_send_records(dynamodb: Any, table: str) -> int:
    """Delete notify's 16-day send records, as their TTL would (the send markers stay)."""
    rows = dynamodb.query(
        TableName=table,
        KeyConditionExpression="pk = :p",
        ExpressionAttributeValues={":p": {"S": "IDEMPOTENCY#notify"}},
    )["Items"]
    expired = [row for row in rows if not row["sk"]["S"].startswith("SENT#")]
    for row in expired:
        dynamodb.delete_item(TableName=table, Key={"pk": row["pk"], "sk": row["sk"]})
    return len(expired)


def test_replay_after_the_send_records_expired_sends_nothing_already_delivered() -> None:
    with local_stack() as stack:
        # Given every alert delivered by notify, and its send records expired (16 days later)
        first = stack.poll()
        delivered = stack.inbox()["compliance-team"]
        dynamodb = clients.dynamodb()
        assert first["stream_failures"] == 0 and delivered
        assert _expire_send_records(dynamodb, os.environ["TABLE_NAME"]) >= len(delivered)
        send, idempotency = idempotent_sender(
            clients.sns(), os.environ["ALERTS_TOPIC_ARN"], dynamodb, os.environ["TABLE_NAME"]
        )
        idempotency.register_lambda_context(OutsideLambda())
        # When the operator replays everything since 2019
        report = replay(Store(dynamodb, os.environ["TABLE_NAME"]), send, since="2019-01-01")
        inbox = stack.inbox()
    # Then nobody receives anything again
    assert inbox["compliance-team"] == [] and report.sent_or_confirmed == []
    assert len(report.already_sent) == report.stories_checked > 0


def test_one_story_sns_refuses_does_not_abort_the_replay_and_the_queue_is_kept() -> None:
    with local_stack() as stack:
        # Given two stories never sent (their stream batch lost) and a failure message
        stack.handlers["poll_feeds"].lambda_handler({}, stack.context)
        stack.handlers["poll_federal_register"].lambda_handler({}, stack.context)
        stack.reader.records()
        sqs = boto3.client("sqs")
        dlq = sqs.create_queue(QueueName="notify-failures")["QueueUrl"]
        sqs.send_message(QueueUrl=dlq, MessageBody=json.dumps(FAILURE))
        store = Store(clients.dynamodb(), os.environ["TABLE_NAME"])
        stories = sorted(store.stories_changed_since("2019-01-01"), key=lambda s: s.story_id)
        assert len(stories) >= 2
        send, idempotency = idempotent_sender(
            clients.sns(), os.environ["ALERTS_TOPIC_ARN"], clients.dynamodb(), os.environ["TABLE_NAME"]
        )
        idempotency.register_lambda_context(OutsideLambda())
        refused = stories[0].story_id

        def refusing(alert: Alert) -> str:  # SNS refuses this one story's message
            if alert.story_id == refused:
                raise ClientError({"Error": {"Code": "InvalidParameter", "Message": "Message too long"}}, "Publish")
            return send(alert)

        # When the operator replays
        report = replay(store, refusing, since="2019-01-01", sqs=sqs, queue_url=dlq)
        inbox = stack.inbox()["compliance-team"]
        kept = sqs.receive_message(QueueUrl=dlq, VisibilityTimeout=0).get("Messages", [])
    # Then the other stories were sent, the refused one is reported, and the failure queue is kept
    assert [f["story"].split("@")[0] for f in report.failed] == [refused]
    assert len(inbox) == len(stories) - 1 == len(report.sent_or_confirmed)
    assert report.failures_cleared == 0 and len(kept) == 1


def test_replay_command_exits_non_zero_when_a_story_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    from exportwatch_cli import main as cli

    # Given a replay in which one story failed
    failed = ReplayReport(stories_checked=2, sent_or_confirmed=["s-b@1"], failed=[{"story": "s-a@1", "error": "x"}])
    monkeypatch.setenv("ALERTS_TOPIC_ARN", "arn:aws:sns:us-east-1:123456789012:t")
    monkeypatch.setattr("exportwatch_cli.replay.replay", lambda *a, **k: failed)
    monkeypatch.setattr("exportwatch.aws.sender.idempotent_sender", lambda *a, **k: (lambda alert: "", mock.Mock()))
    # When the command runs, Then it says so and exits 1
    assert cli.main(["replay", "--since", "2019-01-01"]) == 1
