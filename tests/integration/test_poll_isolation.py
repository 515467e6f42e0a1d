"""One broken source never stops the others, and its failures are counted until it recovers."""

from __future__ import annotations

from datetime import UTC, datetime
from importlib import resources

import boto3

from exportwatch.fetch import fetch
from exportwatch.local import Route, SampleServer
from exportwatch.poll import poll_feeds
from exportwatch.store import Store

NEWS = (resources.files("exportwatch") / "samples" / "news.xml").read_bytes()


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
