"""exportwatch replay: alerts that failed every retry are sent once, and the failure queue is cleared."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import boto3

from exportwatch.aws import clients
from exportwatch.aws.sender import OutsideLambda, idempotent_sender
from exportwatch.aws.store import Store
from exportwatch_cli.demo import local_stack
from exportwatch_cli.replay import replay
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
