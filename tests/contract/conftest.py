"""The store every contract test runs against: the in-memory one and the DynamoDB one on moto."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import boto3
import pytest
from moto import mock_aws

from exportwatch.aws.store import Store
from exportwatch_cli.local import create_table, load_template
from exportwatch_cli.memory import MemoryStore
from tests.helpers import ROOT


def clock() -> datetime:
    return datetime(2019, 11, 22, 12, tzinfo=UTC)


@pytest.fixture(params=["memory", "dynamodb"])
def store(request: pytest.FixtureRequest) -> Iterator[Store | MemoryStore]:
    if request.param == "memory":
        yield MemoryStore()
        return
    with mock_aws():
        client = boto3.client("dynamodb", region_name="us-east-1")
        create_table(client, load_template(ROOT / "template.yaml"), "contract")
        yield Store(client, "contract", now=clock)
