"""Shared fixtures: fake AWS credentials, moto, resources built from template.yaml, loopback servers."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from typing import Any

# As in Lambda, Powertools' environment is set before any handler module is imported: the handlers'
# shared Metrics object reads its namespace when ``exportwatch.observability`` is first imported.
os.environ.setdefault("POWERTOOLS_SERVICE_NAME", "exportwatch")
os.environ.setdefault("POWERTOOLS_METRICS_NAMESPACE", "ExportWatchTest")

import boto3
import pytest
from moto import mock_aws

from exportwatch import aws
from exportwatch_cli.local import FakeLambdaContext, create_table, create_topic, drain, load_template, subscribe_queue
from tests.helpers import ROOT

TABLE = "exportwatch-test"
REGION = "us-east-1"


@pytest.fixture(autouse=True)
def _env(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for key in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        monkeypatch.setenv(key, "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    monkeypatch.setenv("AWS_REGION", REGION)
    monkeypatch.setenv("TABLE_NAME", TABLE)
    monkeypatch.setenv("POWERTOOLS_SERVICE_NAME", "exportwatch")
    monkeypatch.setenv("POWERTOOLS_METRICS_NAMESPACE", "ExportWatchTest")
    monkeypatch.delenv("EXPORTWATCH_ALLOW_LOOPBACK", raising=False)
    monkeypatch.delenv("FEED_URLS", raising=False)
    aws.clear_caches()
    yield
    aws.clear_caches()


@pytest.fixture
def template() -> dict[str, Any]:
    return load_template(ROOT / "template.yaml")


@pytest.fixture
def aws_mock() -> Iterator[None]:
    with mock_aws():
        yield


@pytest.fixture
def dynamodb(aws_mock: None) -> Any:
    return boto3.client("dynamodb", region_name=REGION)


@pytest.fixture
def table(dynamodb: Any, template: dict[str, Any]) -> str:
    """The table as template.yaml declares it; returns its stream ARN."""
    return create_table(dynamodb, template, TABLE)


@pytest.fixture
def topic_arn(aws_mock: None, template: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> str:
    arn = create_topic(boto3.client("sns", region_name=REGION), template, "exportwatch-test-alerts")
    monkeypatch.setenv("ALERTS_TOPIC_ARN", arn)
    return arn


@pytest.fixture
def alert_inbox(topic_arn: str) -> Callable[..., Callable[[], list[dict[str, Any]]]]:
    """Subscribe an SQS queue (raw delivery, optional filter policy); returns a drain function."""
    sns = boto3.client("sns", region_name=REGION)
    sqs = boto3.client("sqs", region_name=REGION)
    made = iter(range(100))

    def subscribe(filter_policy: dict[str, Any] | None = None) -> Callable[[], list[dict[str, Any]]]:
        url = subscribe_queue(sns, sqs, topic_arn, f"inbox-{next(made)}", filter_policy)
        return lambda: drain(sqs, url)

    return subscribe


@pytest.fixture
def lambda_context() -> FakeLambdaContext:
    return FakeLambdaContext()


@pytest.fixture
def load_event() -> Callable[[str], dict[str, Any]]:
    def load(name: str) -> dict[str, Any]:
        return json.loads((ROOT / "events" / f"{name}.json").read_text())

    return load
