"""The SNS message as subscribers see it: one body per protocol, attributes their filter policies match."""

from __future__ import annotations

import json

import boto3

from exportwatch.alerts.render import render
from exportwatch.aws.sender import publish
from tests.unit.test_render import seeds_story


def test_filter_policies_route_the_alert_by_entity_label_and_severity(topic_arn, alert_inbox) -> None:
    # Given subscribers with different filter policies
    everything = alert_inbox()
    huawei_watchers = alert_inbox({"entities": ["huawei"]})
    entity_list_desk = alert_inbox({"labels": ["entity_list.addition", "entity_list.removal"]})
    pager = alert_inbox({"severity": ["high"]})
    licences = alert_inbox({"labels": ["license.decision"], "severity": ["medium", "high"]})
    alert = render(seeds_story())
    # When
    publish(boto3.client("sns"), topic_arn, alert)
    # Then
    assert len(everything()) == 1
    assert len(huawei_watchers()) == 1
    assert entity_list_desk() == []
    assert pager() == []
    (message,) = licences()
    assert message["story_id"] == alert.story_id
    assert message["email"] == alert.email and message["sms"] == alert.sms


def test_an_sqs_subscriber_without_raw_delivery_gets_subject_and_attributes(topic_arn) -> None:
    # Given a plain (non-raw) SQS subscription
    sqs = boto3.client("sqs")
    url = sqs.create_queue(QueueName="envelope")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    boto3.client("sns").subscribe(TopicArn=topic_arn, Protocol="sqs", Endpoint=arn)
    alert = render(seeds_story())
    # When
    publish(boto3.client("sns"), topic_arn, alert)
    # Then
    envelope = json.loads(sqs.receive_message(QueueUrl=url)["Messages"][0]["Body"])
    assert envelope["Subject"] == alert.subject
    assert json.loads(envelope["MessageAttributes"]["labels"]["Value"]) == list(alert.labels)
    assert envelope["MessageAttributes"]["severity"]["Value"] == "medium"
