"""The SNS message as subscribers see it: one body per protocol, attributes their filter policies match."""

from __future__ import annotations

import json
from dataclasses import replace

import boto3

from exportwatch.alerts.render import render
from exportwatch.aws.sender import publish
from exportwatch.classify.parties import entity_key
from exportwatch.models import Evidence
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


def test_a_story_naming_30_parties_reaches_a_subscriber_filtering_on_the_25th(topic_arn, alert_inbox) -> None:
    # Given a rule naming 30 parties (as Entity List rules do) and a subscriber filtering on the 25th
    parties = tuple(f"Party Number {n:02d} Technology Co., Ltd." for n in range(1, 31))
    story = replace(seeds_story(), entities=parties)
    twenty_fifth = entity_key(parties[24])
    watcher = alert_inbox({"entities": [twenty_fifth]})
    # When the alert is published
    publish(boto3.client("sns"), topic_arn, render(story))
    # Then that subscriber gets it
    (message,) = watcher()
    assert parties[24] in message["entities"]


def test_a_story_full_of_quotes_backslashes_and_control_characters_fits_sns(topic_arn, alert_inbox) -> None:
    # Given a story whose texts are mostly characters JSON escapes (twice, inside the machine bodies)
    hostile = '"\\' * 1500 + "\x01\x7f\u2028"
    base = seeds_story()
    story = replace(base, summary=hostile, evidence=tuple(Evidence(e.label, hostile) for e in base.evidence) * 2)
    assert 20_000 < len(render(story).email) < 30_000  # escaped twice, over 256 KB; counted once, under it
    inbox = alert_inbox()
    alert = render(story)
    # When it is published (moto refuses a message over 256 KB as SNS does)
    publish(boto3.client("sns"), topic_arn, alert)
    # Then it arrives, and the size the sender checked is the size of what was sent
    (message,) = inbox()
    assert message["story_id"] == alert.story_id
    assert len(alert.message().encode()) < alert.size() <= 256 * 1024
