"""Unit tests are pure logic: no AWS, no network. A test that opens a socket fails."""

from __future__ import annotations

from collections.abc import Iterator

import pytest


@pytest.fixture(autouse=True)
def _no_sockets(socket_disabled: None) -> Iterator[None]:
    """pytest-socket's ``socket_disabled`` for every unit test (``allow_hosts`` is not used here)."""
    yield
