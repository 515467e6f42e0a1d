"""The only module that creates boto3 clients: once per container, lazily, never at import."""

from __future__ import annotations

import functools
from typing import Any

import boto3
from botocore.config import Config

from exportwatch import settings

# Throttling and 5xx are retried by botocore with jittered backoff before our code sees them;
# "standard" mode also caps retries with a token bucket, so a sick service is not hammered.
RETRIES = Config(retries={"max_attempts": 8, "mode": "standard"}, connect_timeout=5, read_timeout=15)


@functools.cache
def dynamodb() -> Any:
    """Low-level DynamoDB client (transactions and conditional writes need the client API)."""
    return boto3.client("dynamodb", config=RETRIES)


@functools.cache
def sns() -> Any:
    """SNS client for the alerts topic."""
    return boto3.client("sns", config=RETRIES)


@functools.cache
def sqs() -> Any:
    """SQS client (the replay command reads the on-failure queue)."""
    return boto3.client("sqs", config=RETRIES)


@functools.cache
def cloudformation() -> Any:
    """CloudFormation client (the backfill command reads a deployed stack's table name and parameters)."""
    return boto3.client("cloudformation", config=RETRIES)


def clear_caches() -> None:
    """Forget cached clients and settings (tests, and the demo between moto sessions)."""
    dynamodb.cache_clear()
    sns.cache_clear()
    sqs.cache_clear()
    cloudformation.cache_clear()
    settings.load.cache_clear()
