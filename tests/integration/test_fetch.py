"""fetch() against a real HTTP server on loopback: validators, caps, bombs, retries, redirects."""

from __future__ import annotations

import gzip
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler

import pytest

from exportwatch.sources.fetch import FetchError, check_url, fetch, fetch_once
from exportwatch_cli.local import Route, SampleServer

FEED = b"<?xml version='1.0'?><rss version='2.0'><channel><title>t</title></channel></rss>"


def redirect_to(location: str):
    def route(_: BaseHTTPRequestHandler) -> Route:
        return Route(b"", "text/plain", status=302, headers=(("Location", location),))

    return route


def test_conditional_get_returns_not_modified() -> None:
    with SampleServer({"/feed": Route(FEED, "application/rss+xml")}) as server:
        first = fetch_once(f"{server.base}/feed", allow_loopback=True)
        second = fetch_once(f"{server.base}/feed", etag=first.etag, allow_loopback=True)
    assert first.status == 200 and first.body == FEED
    assert second.not_modified


def test_loopback_is_refused_unless_allowed() -> None:
    with SampleServer({"/feed": Route(FEED, "application/rss+xml")}) as server, pytest.raises(FetchError) as caught:
        fetch_once(f"{server.base}/feed")
    assert caught.value.reason == "blocked_url"


@pytest.mark.parametrize(
    "url",
    [
        "http://169.254.169.254/latest/meta-data/",
        "https://10.0.0.1/feed",
        "https://192.168.1.1/",
        "file:///etc/passwd",
        "ftp://example.com/x",
    ],
)
def test_private_metadata_and_non_http_addresses_are_refused(url: str) -> None:
    with pytest.raises(FetchError) as caught:
        check_url(url, allow_loopback=True)
    assert caught.value.reason == "blocked_url"


def test_redirect_to_a_private_address_is_refused() -> None:
    routes = {"/r": redirect_to("http://169.254.169.254/latest/meta-data/")}
    with SampleServer(routes) as server, pytest.raises(FetchError) as caught:
        fetch_once(f"{server.base}/r", allow_loopback=True)
    assert caught.value.reason == "blocked_url"


def test_redirect_loop_ends() -> None:
    with SampleServer({}) as server:
        server.routes["/loop"] = redirect_to(f"{server.base}/loop")
        with pytest.raises(FetchError) as caught:
            fetch_once(f"{server.base}/loop", allow_loopback=True)
    assert caught.value.reason == "redirect_loop"


def test_oversized_response_is_refused_before_reading_it_whole() -> None:
    with (
        SampleServer({"/big": Route(b"x" * 200_000, "application/rss+xml")}) as server,
        pytest.raises(FetchError) as caught,
    ):
        fetch_once(f"{server.base}/big", allow_loopback=True, max_bytes=100_000)
    assert caught.value.reason == "too_large"


def test_gzip_bomb_is_stopped_at_the_cap() -> None:
    bomb = gzip.compress(b"\0" * 50_000_000)  # 50 MB of zeros in about 50 KB
    route = Route(bomb, "application/rss+xml", headers=(("Content-Encoding", "gzip"),))
    with SampleServer({"/bomb": route}) as server, pytest.raises(FetchError) as caught:
        fetch_once(f"{server.base}/bomb", allow_loopback=True, max_bytes=1_000_000)
    assert caught.value.reason == "too_large"


def test_429_with_retry_after_is_retried_then_succeeds() -> None:
    calls = []

    def flaky(_: BaseHTTPRequestHandler) -> Route:
        calls.append(1)
        if len(calls) == 1:
            return Route(b"slow down", "text/plain", status=429, headers=(("Retry-After", "1"),))
        return Route(FEED, "application/rss+xml")

    waits: list[float] = []
    with SampleServer({"/feed": flaky}) as server:
        response = fetch(f"{server.base}/feed", allow_loopback=True, sleep=waits.append)
    assert response.body == FEED
    assert waits == [1.0]


def test_5xx_gives_up_after_bounded_retries() -> None:
    calls = []

    def broken(_: BaseHTTPRequestHandler) -> Route:
        calls.append(1)
        return Route(b"oops", "text/plain", status=503)

    with SampleServer({"/feed": broken}) as server, pytest.raises(FetchError) as caught:
        fetch(f"{server.base}/feed", allow_loopback=True, retries=2, sleep=lambda _s: None)
    assert caught.value.reason == "server_error"
    assert len(calls) == 3


def test_a_server_that_trickles_hits_the_total_time_limit() -> None:
    # Given a raw socket server that sends headers and then one byte at a time
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    stop = threading.Event()

    def trickle() -> None:
        conn, _ = listener.accept()
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\n\r\n")
        while not stop.is_set():
            try:
                conn.sendall(b"<")
            except OSError:
                break
            stop.wait(0.05)
        conn.close()

    thread = threading.Thread(target=trickle, daemon=True)
    thread.start()
    started = time.monotonic()
    try:
        with pytest.raises(FetchError) as caught:
            fetch_once(
                f"http://127.0.0.1:{listener.getsockname()[1]}/", allow_loopback=True, timeout=1, total_timeout=0.5
            )
    finally:
        stop.set()
        listener.close()
    assert caught.value.reason == "timeout"
    assert time.monotonic() - started < 5


def test_plain_http_is_refused_outside_loopback() -> None:
    with pytest.raises(FetchError) as caught:
        check_url("http://example.com/feed.xml")
    assert caught.value.reason == "blocked_url"


def test_redirect_from_https_to_plain_http_on_a_public_address_is_refused() -> None:
    routes = {"/r": redirect_to("http://93.184.216.34/feed.xml")}
    with SampleServer(routes) as server, pytest.raises(FetchError) as caught:
        fetch_once(f"{server.base}/r", allow_loopback=True)
    assert caught.value.reason == "blocked_url"


def test_429_without_retry_after_backs_off_with_jitter() -> None:
    calls = []

    def busy(_: BaseHTTPRequestHandler) -> Route:
        calls.append(1)
        return Route(b"busy", "text/plain", status=429)

    waits: list[float] = []
    with SampleServer({"/feed": busy}) as server, pytest.raises(FetchError) as caught:
        fetch(f"{server.base}/feed", allow_loopback=True, retries=2, sleep=waits.append)
    assert caught.value.reason == "throttled" and len(calls) == 3
    assert len(waits) == 2 and 0 <= waits[0] <= 0.5 and 0 <= waits[1] <= 1.0


def test_dns_rebinding_between_the_check_and_the_connect_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    # Given a name that resolves to a public address for the check, then to loopback (rebinding)
    answers = iter(["93.184.216.34", "127.0.0.1", "127.0.0.1"])

    def rebinding(host, port, *args, **kwargs):
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (next(answers), port))]

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    # When / Then the connection is only made to an address checked at connect time: refused
    with pytest.raises(FetchError) as caught:
        fetch_once("https://rebind.example/feed.xml")
    assert caught.value.reason == "blocked_url"
