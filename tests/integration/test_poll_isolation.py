"""One broken source never stops the others, and its failures are counted until it recovers."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime
from importlib import resources

import boto3

from exportwatch.aws.store import Store
from exportwatch.sources.fetch import fetch
from exportwatch.sources.poll import poll_feeds
from exportwatch_cli.local import Route, SampleServer
from tests.helpers import FIXTURES

NEWS = (resources.files("exportwatch_cli") / "samples" / "news.xml").read_bytes()


def clock() -> datetime:
    return datetime(2019, 11, 22, 12, tzinfo=UTC)


def loopback_fetch(url: str, **kwargs):
    return fetch(url, allow_loopback=True, retries=1, sleep=lambda _s: None, **kwargs)


def test_broken_feeds_fail_alone_and_recover_once(table) -> None:
    # Given a good feed between a failing server and an HTML page
    routes = {
        "/down.xml": Route(b"oops", "text/plain", status=503),
        "/news.xml": Route(NEWS, "application/rss+xml"),
        "/moved.xml": Route(b"<html><body>moved</body></html>", "text/html"),
    }
    store = Store(boto3.client("dynamodb"), "exportwatch-test", now=clock)
    with SampleServer(routes) as server:
        urls = [f"{server.base}/down.xml", f"{server.base}/news.xml", f"{server.base}/moved.xml"]
        # When
        first = poll_feeds(urls, store, fetcher=loopback_fetch, now=clock)
        second = poll_feeds(urls, store, fetcher=loopback_fetch, now=clock)
        server.routes["/down.xml"] = Route(NEWS, "application/rss+xml")
        third = poll_feeds(urls, store, fetcher=loopback_fetch, now=clock)
    # Then
    assert [s.status for s in first.sources] == ["failed", "ok", "failed"]
    assert [s.reason for s in first.sources] == ["server_error", "", "parse_error"]
    assert first.ingest.stored == 3
    assert [s.failures for s in second.sources] == [2, 0, 2]
    assert second.worst_streak == 2
    assert third.sources[0].status == "ok" and third.sources[0].recovered
    assert store.feed_state(urls[0]).failures == 0
    assert store.feed_state(urls[2]).failures == 3


def test_sources_left_when_the_invocation_is_about_to_time_out_are_skipped_not_failed(table) -> None:
    # Given a poll whose invocation has no time left
    store = Store(boto3.client("dynamodb"), "exportwatch-test", now=clock)
    urls = ["https://example.com/a.xml", "https://example.com/b.xml"]
    # When
    report = poll_feeds(urls, store, fetcher=loopback_fetch, now=clock, deadline=time.monotonic())
    # Then nothing was fetched, nothing counted as a failure, and the cursors are untouched
    assert [s.status for s in report.sources] == ["skipped", "skipped"]
    assert report.worst_streak == 0
    assert store.feed_state(urls[0]).failures == 0


def test_a_next_page_url_on_another_host_is_not_followed(table) -> None:
    # Given a documents response whose next page points elsewhere
    from exportwatch.sources.poll import poll_federal_register

    page = json.dumps(
        {
            "count": 1,
            "results": [json.loads((FIXTURES / "federal_register" / "2023-25557.json").read_text())],
            "next_page_url": "https://evil.example/x",
        }
    )
    routes = {
        "/api/v1/documents.json": Route(page.encode(), "application/json"),
        "/api/v1/public-inspection-documents/current.json": Route(b'{"count": 0}', "application/json"),
    }
    store = Store(boto3.client("dynamodb"), "exportwatch-test", now=clock)
    with SampleServer(routes) as server:
        report = poll_federal_register(
            f"{server.base}/api/v1", "industry-and-security-bureau", store, fetcher=loopback_fetch, now=clock
        )
        asked = [path for path, _ in server.requests]
    # Then the first page is used and nothing else is fetched
    assert report.sources[0].status == "ok" and report.ingest.stored == 1
    assert "next_page_url leaves" in report.sources[0].warning
    assert len(asked) == 2


class SlowClock:
    """``time.monotonic`` for a poll whose fetch and parse take ``per_fetch`` seconds each."""

    def __init__(self, per_fetch: float) -> None:
        self.now, self.per_fetch = 1000.0, per_fetch

    def __call__(self) -> float:
        return self.now


def test_a_source_whose_fetch_and_parse_outrun_the_deadline_is_skipped_and_its_cursor_kept(table, monkeypatch) -> None:
    # Given two feeds whose fetch and parse take 60 s each, and 50 s left before the poll must stop
    slow = SlowClock(per_fetch=60.0)
    monkeypatch.setattr("exportwatch.sources.poll.time.monotonic", slow)
    monkeypatch.setattr("exportwatch.stories.ingest.time.monotonic", slow)

    def slow_fetch(url: str, **kwargs):
        response = loopback_fetch(url, **kwargs)
        slow.now += slow.per_fetch
        return response

    store = Store(boto3.client("dynamodb"), "exportwatch-test", now=clock)
    with SampleServer({"/a.xml": Route(NEWS, "application/rss+xml"), "/b.xml": Route(NEWS, "text/xml")}) as server:
        urls = [f"{server.base}/a.xml", f"{server.base}/b.xml"]
        # When the poll runs out of time during the first source
        late = poll_feeds(urls, store, fetcher=slow_fetch, now=clock, deadline=slow.now + 50)
        # Then that source is skipped, not ingested, its cursor untouched; the next is not started
        assert [(s.status, s.reason) for s in late.sources] == [("skipped", "out_of_time")] * 2
        assert late.ingest.stored == 0 and store.feed_state(urls[0]).etag == ""
        # And the next schedule, with time, stores everything
        slow.per_fetch = 0.0
        on_time = poll_feeds(urls, store, fetcher=slow_fetch, now=clock, deadline=slow.now + 500)
    assert [s.status for s in on_time.sources] == ["ok", "ok"] and on_time.ingest.stored == 3
