"""Hostile and broken servers on loopback, through the real fetch and parse path (issue 10).

Raw sockets stand in for servers whose answers no well-behaved HTTP server library would send.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from exportwatch.sources.feeds import parse_feed
from exportwatch.sources.fetch import FetchError, fetch
from exportwatch_cli.local import Route, SampleServer
from tests.helpers import ROOT


@contextmanager
def raw_server(answer: Callable[[socket.socket, threading.Event], None]) -> Iterator[str]:
    """A loopback server that reads each request and lets ``answer`` write whatever bytes it likes.

    Yields the base URL. Every connection is answered the same way (a retry sees the same server);
    ``answer`` gets an event that is set when the test is over, to end any endless answer.
    """
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.1)
    done = threading.Event()

    def serve(conn: socket.socket) -> None:
        with conn:
            conn.settimeout(10)
            request = b""
            while b"\r\n\r\n" not in request:
                chunk = conn.recv(4096)
                if not chunk:
                    return
                request += chunk
            try:
                answer(conn, done)
            except OSError:
                return  # the client gave up first

    def accept() -> None:
        while not done.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            threading.Thread(target=serve, args=(conn,), daemon=True).start()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        done.set()
        thread.join(5)
        listener.close()


def sends(data: bytes) -> Callable[[socket.socket, threading.Event], None]:
    """An answer that is these bytes, then the end of the connection."""

    def answer(conn: socket.socket, _: threading.Event) -> None:
        conn.sendall(data)

    return answer


def cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """The installed ``exportwatch`` command, next to the interpreter running the tests."""
    command = Path(sys.executable).with_name("exportwatch")
    return subprocess.run(
        [str(command), *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        env={**os.environ, **env},
        check=False,
    )


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


MALFORMED = {
    "not HTTP": b"garbage, not an HTTP answer\r\n\r\n",
    "status not a number": b"HTTP/1.1 abc OK\r\nContent-Length: 0\r\n\r\n",
    "status out of range": b"HTTP/1.1 1000 Huge\r\nContent-Length: 0\r\n\r\n",
    "header line too long": b"HTTP/1.1 200 OK\r\nX-Long: " + b"a" * 70_000 + b"\r\n\r\n",
    "too many headers": b"HTTP/1.1 200 OK\r\n" + b"X-Many: 1\r\n" * 150 + b"\r\n",
    "status line too long": b"HTTP/1.1 200 " + b"O" * 70_000 + b"\r\n\r\n",
}


@pytest.mark.parametrize("answer", MALFORMED.values(), ids=MALFORMED.keys())
def test_fetch_malformed_http_answer_is_a_bad_response_fetch_error(answer: bytes) -> None:
    # Given a server that answers with bytes no HTTP client can read
    with raw_server(sends(answer)) as base, pytest.raises(FetchError) as caught:
        # When
        fetch(f"{base}/feed.xml", allow_loopback=True, retries=1, sleep=lambda _s: None)
    # Then it is the source's failure, with a stable reason, not an exception from http.client
    assert caught.value.reason == "bad_response"
    assert not caught.value.retryable


def test_cli_parse_feed_of_a_malformed_http_answer_is_one_line_and_exit_2() -> None:
    # Given
    with raw_server(sends(MALFORMED["not HTTP"])) as base:
        # When
        result = cli("parse-feed", f"{base}/", env={"EXPORTWATCH_ALLOW_LOOPBACK": "1"})
    # Then
    assert result.returncode == 2
    assert result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr and "bad_response" in result.stderr
