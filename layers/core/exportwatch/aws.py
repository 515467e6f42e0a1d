"""The only module that creates boto3 clients: once per container, lazily, never at import."""

from __future__ import annotations

import functools
from typing import Any

import boto3

from exportwatch import settings


@functools.cache
def dynamodb() -> Any:
    """Low-level DynamoDB client (transactions and conditional writes need the client API)."""
    return boto3.client("dynamodb")


@functools.cache
def sns() -> Any:
    """SNS client for the alerts topic."""
    return boto3.client("sns")


def clear_caches() -> None:
    """Forget cached clients and settings (tests, and the demo between moto sessions)."""
    dynamodb.cache_clear()
    sns.cache_clear()
    settings.load.cache_clear()
