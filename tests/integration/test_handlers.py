"""Each handler with its sample event from events/, on moto, with sources on a loopback HTTP server."""

from __future__ import annotations

import json
import time
from importlib import resources
from typing import Any

import boto3
import pytest
from aws_lambda_powertools.utilities.batch.exceptions import BatchProcessingError

from exportwatch.aws.store import ITEM_PREFIX, STORY_PREFIX
from exportwatch_cli.local import Route, SampleServer, load_handler
from tests.helpers import ROOT

SAMPLES = resources.files("exportwatch_cli") / "samples"


@pytest.fixture
def sources(monkeypatch: pytest.MonkeyPatch):
    routes = {
        "/feeds/news.xml": Route((SAMPLES / "news.xml").read_bytes(), "application/rss+xml"),
        "/api/v1/documents.json": Route((SAMPLES / "documents.json").read_bytes(), "application/json"),
        "/api/v1/public-inspection-documents/current.json": Route(
            (SAMPLES / "public_inspection.json").read_bytes(), "application/json"
        ),
    }
    with SampleServer(routes) as server:
        monkeypatch.setenv("EXPORTWATCH_ALLOW_LOOPBACK", "1")
        monkeypatch.setenv("MAX_ITEM_AGE_DAYS", "0")  # the samples are real reports of 2019
        monkeypatch.setenv("FEED_URLS", f"{server.base}/feeds/news.xml")
        monkeypatch.setenv("FEDERAL_REGISTER_BASE", f"{server.base}/api/v1")
        yield server


def rows(prefix: str) -> list[dict[str, Any]]:
    client = boto3.client("dynamodb")
    items = client.scan(TableName="exportwatch-test")["Items"]
    return [i for i in items if i["pk"]["S"].startswith(prefix)]


def test_poll_feeds_stores_the_seeds_as_one_story(table, sources, load_event, lambda_context) -> None:
    # Given
    handler = load_handler(ROOT, "poll_feeds")
    # When
    result = handler.lambda_handler(load_event("poll_feeds"), lambda_context)
    # Then
    assert result["sources"][0]["status"] == "ok"
    assert result["stored"] == 3 and result["irrelevant"] == 3
    assert len(rows(STORY_PREFIX)) == 1
    assert len(rows(ITEM_PREFIX)) == 6


def test_item_ttl_days_sets_how_long_relevant_items_are_remembered(
    table, sources, load_event, lambda_context, monkeypatch
) -> None:
    # Given a deployment that remembers relevant items for 10 days
    monkeypatch.setenv("ITEM_TTL_DAYS", "10")
    handler = load_handler(ROOT, "poll_feeds")
    # When
    before = time.time()
    handler.lambda_handler(load_event("poll_feeds"), lambda_context)
    # Then the stored items of the story expire 10 days on
    stored = [r for r in rows(ITEM_PREFIX) if r.get("story_id", {}).get("S")]
    assert len(stored) == 3
    for row in stored:
        assert abs(int(row["expiration"]["N"]) - (before + 10 * 86400)) < 3600


def test_poll_feeds_again_is_one_conditional_request_and_stores_nothing(
    table, sources, load_event, lambda_context
) -> None:
    # Given a first poll
    handler = load_handler(ROOT, "poll_feeds")
    handler.lambda_handler(load_event("poll_feeds"), lambda_context)
    sources.requests.clear()
    # When
    result = handler.lambda_handler(load_event("poll_feeds"), lambda_context)
    # Then
    assert result["sources"][0]["status"] == "unchanged"
    assert len(sources.requests) == 1
    assert "if-none-match" in sources.requests[0][1]
    assert result["stored"] == 0


def test_poll_federal_register_queries_bis_and_keeps_only_bis_on_public_inspection(
    table, sources, load_event, lambda_context
) -> None:
    # Given
    handler = load_handler(ROOT, "poll_federal_register")
    # When
    result = handler.lambda_handler(load_event("poll_federal_register"), lambda_context)
    # Then
    query = next(path for path, _ in sources.requests if path.startswith("/api/v1/documents.json"))
    assert "conditions%5Bagencies%5D%5B%5D=industry-and-security-bureau" in query
    assert result["stored"] == 3  # two published rules + one BIS rule on public inspection; the FCC one dropped
    ids = {r["item_id"]["S"] for r in rows(ITEM_PREFIX)}
    assert ids == {"fr:2021-27406", "fr:2023-25557", "pi:2026-17230"}


def test_notify_publishes_the_sample_story_once(table, topic_arn, alert_inbox, load_event, lambda_context) -> None:
    # Given
    inbox = alert_inbox()
    handler = load_handler(ROOT, "notify")
    event = load_event("notify")
    # When the same batch arrives twice (a retry)
    first = handler.lambda_handler(event, lambda_context)
    second = handler.lambda_handler(event, lambda_context)
    # Then
    assert first == {"batchItemFailures": []} and second == {"batchItemFailures": []}
    messages = inbox()
    assert len(messages) == 1
    assert messages[0]["subject"].startswith("TGL extended")
    assert messages[0]["labels"] == ["extension"]


def test_notify_ignores_records_without_a_material_change(
    table, topic_arn, alert_inbox, load_event, lambda_context
) -> None:
    # Given a MODIFY whose version did not go up (another article joined)
    inbox = alert_inbox()
    event = load_event("notify")
    record = event["Records"][0]
    record["eventName"] = "MODIFY"
    record["dynamodb"]["OldImage"] = json.loads(json.dumps(record["dynamodb"]["NewImage"]))
    # When
    load_handler(ROOT, "notify").lambda_handler(event, lambda_context)
    # Then
    assert inbox() == []


def test_notify_reports_only_the_failed_record_of_a_batch(
    table, topic_arn, alert_inbox, load_event, lambda_context
) -> None:
    # Given a batch with a good story record and a corrupt one
    inbox = alert_inbox()
    event = load_event("notify")
    good = event["Records"][0]
    bad = json.loads(json.dumps(good))
    del bad["dynamodb"]["NewImage"]["story_id"]
    bad["dynamodb"]["SequenceNumber"] = "111100000000000000000002"
    event["Records"].append(bad)
    # When
    response = load_handler(ROOT, "notify").lambda_handler(event, lambda_context)
    # Then the good one is sent and only the bad one comes back for retry
    assert response == {"batchItemFailures": [{"itemIdentifier": "111100000000000000000002"}]}
    assert len(inbox()) == 1


def test_notify_fails_the_batch_when_publishing_fails(
    table, topic_arn, load_event, lambda_context, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a topic that does not exist (every publish fails)
    monkeypatch.setenv("ALERTS_TOPIC_ARN", topic_arn + "-missing")
    # When / Then the invocation fails, so Lambda retries, bisects and finally uses the on-failure queue
    with pytest.raises(BatchProcessingError):
        load_handler(ROOT, "notify").lambda_handler(load_event("notify"), lambda_context)
