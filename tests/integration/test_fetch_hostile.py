"""Hostile and broken servers on loopback, through the real fetch and parse path (issue 10).

Raw sockets stand in for servers whose answers no well-behaved HTTP server library would send.
"""

from __future__ import annotations

import datetime
import gzip
import ipaddress
import os
import socket
import ssl
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import boto3
import pytest

from exportwatch.aws.store import Store
from exportwatch.sources.feeds import parse_feed
from exportwatch.sources.fetch import FetchError, fetch, fetch_once
from exportwatch.sources.poll import poll_feeds
from exportwatch_cli.local import Route, SampleServer
from tests.helpers import ROOT


@contextmanager
def raw_server(
    answer: Callable[[socket.socket, threading.Event], None],
    *,
    read_request: bool = True,
    tls: ssl.SSLContext | None = None,
) -> Iterator[str]:
    """A loopback server that reads each request and lets ``answer`` write whatever bytes it likes.

    Yields the base URL. Every connection is answered the same way (a retry sees the same server);
    ``answer`` gets an event that is set when the test is over, to end any endless answer. With
    ``read_request=False`` it answers at once (for a TLS client, whose hello is not HTTP). With
    ``tls`` it completes a TLS handshake first, and yields an https URL.
    """
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.1)
    done = threading.Event()

    def serve(conn: socket.socket) -> None:
        conn.settimeout(10)
        if tls is not None:
            try:
                conn = tls.wrap_socket(conn, server_side=True)
            except OSError:
                conn.close()
                return
        with conn:
            request = b"" if read_request else b"\r\n\r\n"
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
        yield f"{'https' if tls else 'http'}://127.0.0.1:{listener.getsockname()[1]}"
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


FEED = rss(*[(f"Rule {n} adds entities", f"https://news.example/rule-{n}") for n in range(1, 7)])


def test_a_body_shorter_than_its_content_length_is_truncated() -> None:
    # Given a server that promises the whole feed and hangs up halfway
    head = f"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\nContent-Length: {len(FEED)}\r\n"
    answer = (head + 'ETag: "v1"\r\n\r\n').encode() + FEED[: len(FEED) // 2]
    with raw_server(sends(answer)) as base, pytest.raises(FetchError) as caught:
        # When
        fetch_once(f"{base}/feed.xml", allow_loopback=True)
    # Then
    assert caught.value.reason == "truncated" and caught.value.retryable


def test_a_chunked_body_cut_before_its_last_chunk_is_truncated() -> None:
    head = b"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\nTransfer-Encoding: chunked\r\n\r\n"
    answer = head + b"%x\r\n" % len(FEED) + FEED + b"\r\n"  # no terminating 0-length chunk
    with raw_server(sends(answer)) as base, pytest.raises(FetchError) as caught:
        fetch_once(f"{base}/feed.xml", allow_loopback=True)
    assert caught.value.reason == "truncated"


def test_a_multi_member_gzip_body_is_decoded_whole() -> None:
    # Given a feed compressed as two gzip members (as concatenating compressed pieces gives)
    half = FEED.index(b"<item>", len(FEED) // 2)
    body = gzip.compress(FEED[:half]) + gzip.compress(FEED[half:])
    route = Route(body, "application/rss+xml", headers=(("Content-Encoding", "gzip"),))
    with SampleServer({"/feed.xml": route}) as server:
        # When
        response = fetch_once(f"{server.base}/feed.xml", allow_loopback=True)
    # Then every entry is there, not only the first member's
    assert response.body == FEED
    assert len(parse_feed(response.body, url=response.url).items) == 6


def test_a_multi_member_gzip_body_is_capped_as_a_whole() -> None:
    # Given members that are each under the cap, and together over it
    body = gzip.compress(b"\0" * 600_000) + gzip.compress(b"\0" * 600_000)
    route = Route(body, "application/rss+xml", headers=(("Content-Encoding", "gzip"),))
    with SampleServer({"/feed.xml": route}) as server, pytest.raises(FetchError) as caught:
        fetch_once(f"{server.base}/feed.xml", allow_loopback=True, max_bytes=1_000_000)
    assert caught.value.reason == "too_large"


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (gzip.compress(FEED)[:-40], "truncated"),  # the gzip stream ends before its end
        (gzip.compress(FEED) + b"not gzip at all", "bad_encoding"),  # bytes after the last member
    ],
    ids=["cut gzip stream", "garbage after the gzip stream"],
)
def test_a_gzip_body_that_is_cut_or_followed_by_garbage_is_refused(body: bytes, reason: str) -> None:
    route = Route(body, "application/rss+xml", headers=(("Content-Encoding", "gzip"),))
    with SampleServer({"/feed.xml": route}) as server, pytest.raises(FetchError) as caught:
        fetch_once(f"{server.base}/feed.xml", allow_loopback=True)
    assert caught.value.reason == reason


def loopback_fetch(url: str, **kwargs):
    return fetch(url, allow_loopback=True, retries=0, **kwargs)


def test_poller_keeps_no_validators_of_a_truncated_feed_and_reads_it_whole_next_time(table) -> None:
    # Given a feed served cut short (a gzip stream ending early) with an ETag
    cut = Route(gzip.compress(FEED)[:-40], "application/rss+xml", headers=(("Content-Encoding", "gzip"),))
    store = Store(boto3.client("dynamodb"), "exportwatch-test")
    with SampleServer({"/feed.xml": cut}) as server:
        url = f"{server.base}/feed.xml"
        # When it is polled, then served whole with the same ETag
        first = poll_feeds([url], store, fetcher=loopback_fetch)
        state = store.feed_state(url)
        server.routes["/feed.xml"] = Route(
            gzip.compress(FEED), "application/rss+xml", headers=(("Content-Encoding", "gzip"), ("ETag", cut.etag))
        )
        second = poll_feeds([url], store, fetcher=loopback_fetch)
    # Then the cut poll failed and saved no ETag, so the next poll read every entry (no 304)
    assert first.sources[0].status == "failed" and first.sources[0].reason == "truncated"
    assert state.etag == "" and state.failures == 1
    assert second.sources[0].status == "ok" and second.ingest.received == 6


def trickles(*, before: bytes, each: bytes, after: bytes = b"", most: int = 40) -> Callable:
    """An answer that sends ``before``, then ``each`` every 0.2 s (at most ``most`` times), then ``after``.

    ``most`` bounds the run on code that never gives up: 40 steps is 8 s, well past every budget here.
    """

    def answer(conn: socket.socket, done: threading.Event) -> None:
        conn.sendall(before)
        for _ in range(most):
            if done.wait(0.2):
                return
            conn.sendall(each)
        conn.sendall(after)

    return answer


WHOLE = b"Content-Type: application/rss+xml\r\nContent-Length: %d\r\n\r\n%s" % (len(FEED), FEED)
SLOW_STARTS = {
    "status line": trickles(before=b"HTTP/1.1 200 O", each=b"K", after=b"\r\n" + WHOLE),
    "a header": trickles(before=b"HTTP/1.1 200 OK\r\nX-Slow: ", each=b"a", after=b"\r\n" + WHOLE),
    "one header after another": trickles(before=b"HTTP/1.1 200 OK\r\n", each=b"X-Slow: a\r\n", after=WHOLE),
    "endless 100 Continue": trickles(
        before=b"", each=b"HTTP/1.1 100 Continue\r\n\r\n", after=b"HTTP/1.1 200 OK\r\n" + WHOLE
    ),
}


@pytest.mark.parametrize("answer", SLOW_STARTS.values(), ids=SLOW_STARTS.keys())
def test_fetch_a_server_that_trickles_before_the_body_hits_the_total_time_limit(answer: Callable) -> None:
    # Given a server that sends a byte (or a line) of its status and headers every 0.2 s
    with raw_server(answer) as base:
        started = time.monotonic()
        # When the whole fetch may take 1 s, and any one read 6 s
        with pytest.raises(FetchError) as caught:
            fetch_once(f"{base}/feed.xml", allow_loopback=True, timeout=6, total_timeout=1)
        elapsed = time.monotonic() - started
    # Then it is cut off at the total limit, not after the server is done
    assert caught.value.reason == "timeout"
    assert elapsed < 4


def test_fetch_a_tls_handshake_that_trickles_hits_the_total_time_limit() -> None:
    # Given a server whose TLS handshake record arrives a byte every 0.2 s
    answer = trickles(before=b"\x16\x03\x03\x40\x00", each=b"\x00")
    with raw_server(answer, read_request=False) as base:
        started = time.monotonic()
        with pytest.raises(FetchError) as caught:
            fetch_once(
                base.replace("http://", "https://") + "/feed.xml", allow_loopback=True, timeout=6, total_timeout=1
            )
        elapsed = time.monotonic() - started
    assert caught.value.reason == "timeout"
    assert elapsed < 4


def test_fetch_retries_within_its_budget_against_a_trickling_server() -> None:
    # Given a server that trickles its headers on every connection
    with raw_server(SLOW_STARTS["a header"]) as base:
        started = time.monotonic()
        # When fetch (with its retries) has a budget of 2 s
        with pytest.raises(FetchError) as caught:
            fetch(f"{base}/feed.xml", allow_loopback=True, timeout=6, budget=2, sleep=lambda _s: None)
        elapsed = time.monotonic() - started
    # Then the budget holds
    assert caught.value.reason == "timeout"
    assert elapsed < 5


@pytest.fixture
def tls_server_context(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> ssl.SSLContext:
    """A server context with a self-signed certificate for 127.0.0.1, which fetch is made to trust.

    fetch verifies certificates against the default trust store; SSL_CERT_FILE points OpenSSL's
    default store at this one certificate, so the real verifying path is what runs.
    """
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    monkeypatch.setenv("SSL_CERT_FILE", str(cert_file))
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_file, key_file)
    return context


def test_fetch_over_tls_reads_the_whole_answer(tls_server_context: ssl.SSLContext) -> None:
    # Given an HTTPS server on loopback with a certificate fetch trusts
    answer = sends(b"HTTP/1.1 200 OK\r\n" + WHOLE)
    with raw_server(answer, tls=tls_server_context) as base:
        # When
        response = fetch_once(f"{base}/feed.xml", allow_loopback=True)
    # Then the deadline-keeping TLS sockets read it as any client would
    assert response.status == 200 and response.body == FEED


def test_fetch_over_tls_a_server_that_trickles_its_headers_hits_the_total_time_limit(
    tls_server_context: ssl.SSLContext,
) -> None:
    # Given an HTTPS server that completes the handshake, then trickles a header
    with raw_server(SLOW_STARTS["a header"], tls=tls_server_context) as base:
        started = time.monotonic()
        with pytest.raises(FetchError) as caught:
            fetch_once(f"{base}/feed.xml", allow_loopback=True, timeout=6, total_timeout=1)
        elapsed = time.monotonic() - started
    assert caught.value.reason == "timeout"
    assert elapsed < 4
