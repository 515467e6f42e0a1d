"""``exportwatch subscribe | subscriptions | unsubscribe`` on moto: the local topic and a deployed stack's."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

import boto3
import pytest

from exportwatch.alerts.render import render
from exportwatch.aws.sender import publish
from exportwatch_cli.local import drain
from exportwatch_cli.main import main
from tests.unit.test_render import seeds_story


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _queue(name: str) -> tuple[str, str]:
    sqs = boto3.client("sqs")
    url = sqs.create_queue(QueueName=name)["QueueUrl"]
    return url, sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]


def test_subscribe_list_and_unsubscribe_round_trip(topic_arn: str, capsys: pytest.CaptureFixture[str]) -> None:
    # Given the local topic (ALERTS_TOPIC_ARN) and two queues
    licences_url, licences_arn = _queue("licences")
    digest_url, digest_arn = _queue("digest")
    # When three endpoints subscribe through the command line
    code, out, _ = _run(
        capsys, "subscribe", "--sqs", licences_arn, "--labels", "license.decision", "--min-severity", "medium"
    )
    assert code == 0
    licences_sub = out.split("\t")[0]
    attributes = boto3.client("sns").get_subscription_attributes(SubscriptionArn=licences_sub)["Attributes"]
    assert attributes["FilterPolicyScope"] == "MessageAttributes" and attributes["RawMessageDelivery"] == "true"
    assert json.loads(attributes["FilterPolicy"]) == {"labels": ["license.decision"], "severity": ["high", "medium"]}
    assert _run(capsys, "subscribe", "--sqs", digest_arn, "--digest")[0] == 0
    assert _run(capsys, "subscribe", "--sms", "+15551234567", "--entities", "Huawei Technologies Co.; SMIC")[0] == 0
    # Then the listing shows each, the phone partly hidden, the filters in words
    code, listing, _ = _run(capsys, "subscriptions")
    lines = {line.split("\t")[1] + ":" + line.split("\t")[2]: line.split("\t")[3] for line in listing.splitlines()}
    assert lines == {
        f"sqs:{licences_arn}": "labels: License decision; severity at least medium",
        f"sqs:{digest_arn}": "daily digest only",
        "sms:+1******4567": "parties: huawei, smic",
    }
    assert "5551234567" not in listing
    # And SNS routes by those policies: the licences alert reaches the licences queue only
    publish(boto3.client("sns"), topic_arn, render(seeds_story()))
    assert [m["story_id"] for m in drain(boto3.client("sqs"), licences_url)] == [seeds_story().story_id]
    assert drain(boto3.client("sqs"), digest_url) == []
    # When the licences subscription is removed
    code, out, _ = _run(capsys, "unsubscribe", licences_sub)
    # Then it is gone from the listing and receives nothing more
    assert code == 0 and out.strip() == f"unsubscribed {licences_sub}"
    assert licences_arn not in _run(capsys, "subscriptions")[1]
    publish(boto3.client("sns"), topic_arn, render(replace(seeds_story(), version=9)))
    assert drain(boto3.client("sqs"), licences_url) == []


def test_a_filter_too_big_for_sns_is_one_line_and_subscribes_nothing(topic_arn: str, capsys) -> None:
    # Given 151 parties: 151 combinations, one over SNS's limit
    parties = ",".join(f"Party {n}" for n in range(151))
    # When
    code, out, err = _run(capsys, "subscribe", "--email", "desk@example.com", "--entities", parties)
    # Then
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "151 value combinations" in err
    assert boto3.client("sns").list_subscriptions_by_topic(TopicArn=topic_arn)["Subscriptions"] == []


def test_unsubscribe_refuses_another_topics_subscription(topic_arn: str, capsys) -> None:
    other = boto3.client("sns").create_topic(Name="someone-elses")["TopicArn"]
    _, arn = _queue("theirs")
    theirs = boto3.client("sns").subscribe(TopicArn=other, Protocol="sqs", Endpoint=arn)["SubscriptionArn"]
    code, _, err = _run(capsys, "unsubscribe", theirs)
    assert code == 2 and "is not a subscription of" in err
    assert len(boto3.client("sns").list_subscriptions_by_topic(TopicArn=other)["Subscriptions"]) == 1


def test_without_a_topic_the_command_says_how_to_name_one(aws_mock: None, monkeypatch, capsys) -> None:
    monkeypatch.delenv("ALERTS_TOPIC_ARN", raising=False)
    code, _, err = _run(capsys, "subscriptions")
    assert code == 2 and "give --stack NAME" in err


STACK_TEMPLATE = {
    "Resources": {
        "AlertsTopic": {"Type": "AWS::SNS::Topic"},
        "SubscriptionDLQ": {"Type": "AWS::SQS::Queue"},
        "Table": {
            "Type": "AWS::DynamoDB::Table",
            "Properties": {
                "BillingMode": "PAY_PER_REQUEST",
                "AttributeDefinitions": [
                    {"AttributeName": "pk", "AttributeType": "S"},
                    {"AttributeName": "sk", "AttributeType": "S"},
                ],
                "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
            },
        },
    },
    "Outputs": {
        "AlertsTopicArn": {"Value": {"Ref": "AlertsTopic"}},
        "TableName": {"Value": {"Ref": "Table"}},
        "SubscriptionDLQArn": {"Value": {"Fn::GetAtt": ["SubscriptionDLQ", "Arn"]}},
    },
}


@pytest.fixture
def deployed(aws_mock: None, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """A stack deployed on moto CloudFormation; returns its outputs. ALERTS_TOPIC_ARN and TABLE_NAME unset."""
    monkeypatch.delenv("ALERTS_TOPIC_ARN", raising=False)
    monkeypatch.delenv("TABLE_NAME", raising=False)
    cloudformation = boto3.client("cloudformation")
    cloudformation.create_stack(StackName="exportwatch", TemplateBody=json.dumps(STACK_TEMPLATE))
    outputs: list[dict[str, Any]] = cloudformation.describe_stacks(StackName="exportwatch")["Stacks"][0]["Outputs"]
    return {o["OutputKey"]: o["OutputValue"] for o in outputs}


def test_stack_names_the_topic_from_its_outputs(deployed: dict[str, str], capsys) -> None:
    # When a subscription is made and listed against the stack by name
    code, out, _ = _run(
        capsys, "subscribe", "--stack", "exportwatch", "--email", "desk@example.com", "--countries", "CN"
    )
    # Then it is on the stack's topic
    assert code == 0
    (sub,) = boto3.client("sns").list_subscriptions_by_topic(TopicArn=deployed["AlertsTopicArn"])["Subscriptions"]
    assert sub["Endpoint"] == "desk@example.com"
    # with the stack's dead-letter queue, as the template's own subscriptions have
    attributes = boto3.client("sns").get_subscription_attributes(SubscriptionArn=sub["SubscriptionArn"])["Attributes"]
    assert json.loads(attributes["RedrivePolicy"]) == {"deadLetterTargetArn": deployed["SubscriptionDLQArn"]}
    listing = _run(capsys, "subscriptions", "--stack", "exportwatch")[1]
    assert listing.split("\t")[2:] == ["d***@example.com", "countries: China\n"]


def test_stack_names_the_watchlist_table_from_its_outputs(deployed: dict[str, str], tmp_path, capsys) -> None:
    # Given a watchlist file and no TABLE_NAME
    csv = tmp_path / "customers.csv"
    csv.write_text("name,reference\nAcme Trading Co.,C-1042\n", encoding="utf-8")
    # When
    code, out, _ = _run(capsys, "watchlist", "import", "customers", str(csv), "--stack", "exportwatch")
    # Then it is stored in the stack's table, and listed from it
    assert code == 0 and "1 counterparties stored" in out
    assert _run(capsys, "watchlist", "list", "--stack", "exportwatch")[1].startswith("customers\t1 counterparties")


def test_an_unknown_stack_is_one_line(deployed: dict[str, str], capsys) -> None:
    code, _, err = _run(capsys, "subscriptions", "--stack", "no-such-stack")
    assert code == 2 and err.startswith("exportwatch subscriptions: stack 'no-such-stack':")
