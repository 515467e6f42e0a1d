"""``exportwatch preview`` end to end: the installed CLI, the real handlers on moto, and a loopback
server replaying recorded Federal Register API responses (real documents, see their _provenance).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from http.server import BaseHTTPRequestHandler
from importlib import resources

from exportwatch_cli.local import Route, SampleServer
from tests.helpers import FIXTURES

PAGE_ONE = ["2026-17230", "2025-19508", "2024-28267", "2023-25557"]
PAGE_TWO = ["2023-23048", "2019-25189"]


def document(number: str) -> dict:
    data = json.loads((FIXTURES / "federal_register" / f"{number}.json").read_text())
    return {k: v for k, v in data.items() if k != "_provenance"}


def preview(*args: str, base: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "EXPORTWATCH_ALLOW_LOOPBACK": "1"}
    return subprocess.run(
        [sys.executable, "-m", "exportwatch_cli.main", "preview", "--base", base, *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        check=False,
    )


def test_preview_pages_through_the_api_retries_a_429_and_shows_each_subscriber_its_alerts() -> None:
    # Given an API that answers 429 once, then a first page pointing to a second
    served = []

    def documents(request: BaseHTTPRequestHandler) -> Route:
        served.append(request.path)
        if len(served) == 1:
            return Route(b'{"error": "slow down"}', "application/json", status=429, headers=(("Retry-After", "0"),))
        if "page=2" in request.path:
            return Route(
                json.dumps({"count": 6, "results": [document(n) for n in PAGE_TWO]}).encode(), "application/json"
            )
        next_page = f"{server.base}/api/v1/documents.json?page=2"
        page = {"count": 6, "next_page_url": next_page, "results": [document(n) for n in PAGE_ONE]}
        return Route(json.dumps(page).encode(), "application/json")

    inspection = (resources.files("exportwatch_cli") / "samples" / "public_inspection.json").read_bytes()
    routes = {
        "/api/v1/documents.json": documents,
        "/api/v1/public-inspection-documents/current.json": Route(inspection, "application/json"),
    }
    with SampleServer(routes) as server:
        # When the last ten years are previewed
        result = preview("--days", "3000", "--json", base=f"{server.base}/api/v1")
    # Then
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    by_subscriber: dict[str, list[dict]] = {}
    for line in lines:
        by_subscriber.setdefault(line["subscriber"], []).append(line)
    stories = {line["story_id"] for line in by_subscriber["compliance-team"]}
    assert len(stories) == len(PAGE_ONE) + len(PAGE_TWO)  # every rule of both pages, once each
    desk = by_subscriber["entity-list-desk"]
    assert len(desk) == 5 and all(any(label.startswith("entity_list.") for label in m["labels"]) for m in desk)
    assert len(served) == 3 and "page=2" in served[2]  # the 429, page one, page two
    assert "3/4" in result.stderr  # progress was shown


def test_preview_without_the_api_fails_in_one_line_naming_the_host() -> None:
    # Given an API address where nothing listens
    with SampleServer({}) as server:
        base = f"{server.base}/api/v1"
    # When
    result = preview("--days", "7", base=base)
    # Then
    assert result.returncode == 2
    errors = [line for line in result.stderr.splitlines() if line.startswith("exportwatch preview:")]
    assert errors == ["exportwatch preview: cannot reach 127.0.0.1: check the network (or --base)"]
    assert "Traceback" not in result.stderr
