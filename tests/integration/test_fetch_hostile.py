"""Hostile and broken servers on loopback, through the real fetch and parse path (issue 10).

Raw sockets stand in for servers whose answers no well-behaved HTTP server library would send.
"""

from __future__ import annotations

from exportwatch.sources.feeds import parse_feed
from exportwatch.sources.fetch import fetch
from exportwatch_cli.local import Route, SampleServer


def rss(*entries: tuple[str, str]) -> bytes:
    items = "".join(
        f"<item><title>{title}</title><link>{link}</link><description>{title} in full</description></item>"
        for title, link in entries
    )
    return f"<?xml version='1.0'?><rss version='2.0'><channel><title>t</title>{items}</channel></rss>".encode()


def test_articles_told_apart_only_by_a_tracking_like_parameter_keep_their_own_ids() -> None:
    # Given sites whose article id is a query parameter named like a tracking parameter
    entries = [
        (f"Article {name}={value}", f"https://news.example/story?{name}={value}")
        for name in ("ref", "cid", "feed", "rss")
        for value in ("1001", "1002")
    ]
    body = rss(*entries, ("Tracked", "https://news.example/story/9?utm_source=rss&fbclid=abc"))
    with SampleServer({"/feed.xml": Route(body, "application/rss+xml")}) as server:
        # When
        response = fetch(f"{server.base}/feed.xml", allow_loopback=True)
        items = parse_feed(response.body, url=response.url).items
    # Then every article keeps an id of its own, and tracking by nature is still dropped
    ids = [item.id for item in items]
    assert len(ids) == 9 and len(set(ids)) == 9
    assert "url:https://news.example/story?ref=1001" in ids
    assert ids[-1] == "url:https://news.example/story/9"
