"""HTTP fetching for feeds and the Federal Register API: bounded, conditional, and SSRF-safe.

Never ``feedparser.parse(url)``: it has no timeout and no size cap. Here every request has a
connect/read timeout, a total deadline (connect, TLS handshake, status line, headers and body: every
socket wait is cut to the time left), a cap on bytes read and on bytes after decompression,
conditional GET validators, and a refusal of loopback, private, link-local and metadata addresses
(also after a redirect). ``EXPORTWATCH_ALLOW_LOOPBACK=1`` opens 127.0.0.1/::1 only, for the local
demo and tests.
"""

from __future__ import annotations

import functools
import http.client
import ipaddress
import os
import random
import socket
import ssl
import time
import urllib.error
import urllib.parse
import urllib.request
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from typing import Any

USER_AGENT = "exportwatch/0.1 (+https://github.com/exportwatch/exportwatch; export-compliance alerts)"
MAX_BYTES = 10 * 1024 * 1024
MAX_REDIRECTS = 5
_LOOPBACK = (ipaddress.ip_address("127.0.0.1"), ipaddress.ip_address("::1"))
_NAT64 = ipaddress.ip_network("64:ff9b::/96")  # RFC 6052: a public IPv4 address inside, reached by a NAT64
# IPv6 forms that carry an IPv4 address and are never a public destination of their own:
# IPv4-compatible (::a.b.c.d, deprecated), IPv4-translated (::ffff:0:a.b.c.d, SIIT), local-use NAT64.
_NEVER_PUBLIC = (
    ipaddress.ip_network("::/96"),
    ipaddress.ip_network("::ffff:0:0:0/96"),
    ipaddress.ip_network("64:ff9b:1::/48"),
)


class FetchError(Exception):
    """A source could not be fetched; ``reason`` is a short stable code for metrics."""

    def __init__(
        self, url: str, reason: str, detail: str = "", *, status: int | None = None, retry_after: float | None = None
    ) -> None:
        super().__init__(f"{reason}: {detail or url}")
        self.url = url
        self.reason = reason
        self.status = status
        self.retry_after = retry_after

    @property
    def retryable(self) -> bool:
        """Timeouts, throttling, server errors and cut connections may pass; the rest will not."""
        return self.reason in ("timeout", "throttled", "server_error", "connection", "truncated")


@dataclass(frozen=True, slots=True)
class Response:
    """A fetched body, or ``not_modified`` for a 304."""

    url: str
    status: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def not_modified(self) -> bool:
        """The server said the resource is unchanged since the validators we sent."""
        return self.status == 304

    @property
    def etag(self) -> str:
        """The ETag to send next time."""
        return self.headers.get("etag", "")

    @property
    def last_modified(self) -> str:
        """The Last-Modified to send next time."""
        return self.headers.get("last-modified", "")


def _public(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """Whether ``address`` is a public unicast destination, judging an IPv4 address embedded in IPv6 as itself.

    ``is_global`` alone is not enough: it calls NAT64 (64:ff9b::10.0.0.1), IPv4-compatible
    (::10.0.0.1), IPv4-translated (::ffff:0:10.0.0.1) and 6to4 (2002:0a00:0001::) forms of private,
    loopback and metadata addresses global on some Python versions, and a host that answers them
    (a NAT64 gateway, a 6to4 relay, a dual-stack kernel) reaches the IPv4 address inside.
    """
    if isinstance(address, ipaddress.IPv6Address):
        if address.teredo is not None or any(address in network for network in _NEVER_PUBLIC):
            return False  # Teredo is obsolete, and the rest never leave the host or site
        if address.ipv4_mapped is not None:
            return _public(address.ipv4_mapped)
        if address in _NAT64:
            return _public(ipaddress.IPv4Address(int(address) & 0xFFFFFFFF))
        if address.sixtofour is not None:
            return _public(address.sixtofour)
        if address.is_site_local:
            return False  # fec0::/10: deprecated, but still routed inside some networks
    return address.is_global and not address.is_multicast and not address.is_reserved


def _allowed_addresses(url: str, host: str, port: int, scheme: str, *, allow_loopback: bool) -> list[str]:
    """Resolve ``host`` and return its addresses, refusing all if any is not public (or allowed loopback)."""
    try:
        found = [ipaddress.ip_address(host.split("%")[0])]  # an address literal needs no lookup
    except ValueError:
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (socket.gaierror, UnicodeError) as exc:
            raise FetchError(url, "connection", f"cannot resolve {host}: {exc}") from exc
        found = [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos]
    addresses = []
    for address in found:
        if allow_loopback and address in _LOOPBACK:
            addresses.append(str(address))
            continue
        if not _public(address):
            raise FetchError(url, "blocked_url", f"{host} resolves to a non-public address")
        if scheme == "http":
            raise FetchError(url, "blocked_url", "plain http is refused except to loopback; use https")
        addresses.append(str(address))
    if not addresses:
        raise FetchError(url, "connection", f"{host} has no address")
    return addresses


def check_url(url: str, *, allow_loopback: bool = False) -> None:
    """Refuse URLs that could reach inside the network this runs in.

    The connection itself is made only to an address checked at connect time (see
    ``_PinnedHTTPSConnection``), so a DNS answer that changes between this check and the connect
    (rebinding) cannot reach an internal address either.

    Raises
    ------
    FetchError
        ``blocked_url`` for a bad scheme, a missing host, or an address that is loopback
        (unless allowed), private, link-local (cloud metadata), reserved or multicast, also when
        written as an IPv6 address that embeds such an IPv4 address (NAT64, 6to4, mapped ...).
    """
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise FetchError(url, "blocked_url", f"only http(s) URLs with a host are fetched: {url!r}")
    if parts.scheme == "http" and not allow_loopback:
        raise FetchError(url, "blocked_url", "plain http is refused; use https")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as exc:
        raise FetchError(url, "blocked_url", f"bad port in {url!r}") from exc
    _allowed_addresses(url, parts.hostname, port, parts.scheme, allow_loopback=allow_loopback)


class _Deadline:
    """The end of one fetch (connect, TLS handshake, headers and body, redirects included).

    Every socket wait is cut to the time left, so a server that trickles its status line or
    headers a byte at a time is cut off at the deadline too, not only one that trickles its body.
    """

    def __init__(self, seconds: float, per_read: float | None) -> None:
        self.at = time.monotonic() + seconds
        self.per_read = per_read

    def timeout(self) -> float:
        """The socket timeout for the next wait: the per-read timeout, or less if less time is left."""
        left = self.at - time.monotonic()
        if left <= 0:
            raise TimeoutError("total time limit exceeded")
        return left if self.per_read is None else min(self.per_read, left)


class _DeadlineWaits:
    """Every receive and send waits no longer than its fetch's deadline allows (mixed into a socket class)."""

    deadline: _Deadline | None = None

    def _cut(self) -> None:
        if self.deadline is not None:
            self.settimeout(self.deadline.timeout())  # type: ignore[attr-defined]

    def recv(self, *args: Any, **kwargs: Any) -> bytes:
        self._cut()
        return super().recv(*args, **kwargs)  # type: ignore[misc]

    def recv_into(self, *args: Any, **kwargs: Any) -> int:
        self._cut()
        return super().recv_into(*args, **kwargs)  # type: ignore[misc]

    def send(self, *args: Any, **kwargs: Any) -> int:
        self._cut()
        return super().send(*args, **kwargs)  # type: ignore[misc]

    def sendall(self, *args: Any, **kwargs: Any) -> None:
        self._cut()
        super().sendall(*args, **kwargs)  # type: ignore[misc]


class _DeadlineSocket(_DeadlineWaits, socket.socket):
    """A plain socket bound by its fetch's deadline."""


class _DeadlineSSLSocket(_DeadlineWaits, ssl.SSLSocket):
    """The TLS socket bound by the same deadline (TLS reads bypass the plain socket's methods)."""


def _pinned_socket(
    host: str, port: int, timeout: Any, scheme: str, allow_loopback: bool, deadline: _Deadline | None
) -> socket.socket:
    """Connect to an address of ``host`` that passes the checks now, not to whatever resolves later."""
    url = f"{scheme}://{host}:{port}/"
    address = _allowed_addresses(url, host, port, scheme, allow_loopback=allow_loopback)[0]
    if deadline is None:
        return socket.create_connection((address, port), timeout)
    plain = socket.create_connection((address, port), deadline.timeout())
    sock = _DeadlineSocket(plain.family, plain.type, plain.proto, fileno=plain.detach())
    sock.settimeout(deadline.timeout())  # also bounds a TLS handshake: CPython applies it to the whole handshake
    sock.deadline = deadline
    return sock


class _Pinned:
    """What a connection needs to connect only to a checked address, within the fetch's deadline."""

    def __init__(
        self, *args: Any, allow_loopback: bool = False, deadline: _Deadline | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.allow_loopback = allow_loopback
        self.deadline = deadline


class _PinnedHTTPConnection(_Pinned, http.client.HTTPConnection):
    def connect(self) -> None:
        self.sock = _pinned_socket(self.host, self.port, self.timeout, "http", self.allow_loopback, self.deadline)


class _PinnedHTTPSConnection(_Pinned, http.client.HTTPSConnection):
    def connect(self) -> None:
        sock = _pinned_socket(self.host, self.port, self.timeout, "https", self.allow_loopback, self.deadline)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)  # type: ignore[attr-defined]
        if isinstance(self.sock, _DeadlineSSLSocket):
            self.sock.deadline = self.deadline


class _PinnedHTTPHandler(urllib.request.HTTPHandler):
    def __init__(self, allow_loopback: bool, deadline: _Deadline | None = None) -> None:
        super().__init__()
        self.allow_loopback = allow_loopback
        self.deadline = deadline

    def http_open(self, req: Any) -> Any:
        connection = functools.partial(
            _PinnedHTTPConnection, allow_loopback=self.allow_loopback, deadline=self.deadline
        )
        return self.do_open(connection, req)


def _tls_context() -> ssl.SSLContext:
    """The default verifying context (as http.client makes it), with sockets that keep the deadline.

    Made once per trust store (``SSL_CERT_FILE``, ``SSL_CERT_DIR``), so once per container: loading
    the trust store costs more than many a fetch.
    """
    return _tls_context_for(os.environ.get("SSL_CERT_FILE", ""), os.environ.get("SSL_CERT_DIR", ""))


@functools.cache
def _tls_context_for(_cafile: str, _capath: str) -> ssl.SSLContext:
    context = ssl.create_default_context()
    context.set_alpn_protocols(["http/1.1"])
    context.sslsocket_class = _DeadlineSSLSocket
    return context


class _PinnedHTTPSHandler(urllib.request.HTTPSHandler):
    def __init__(self, allow_loopback: bool, deadline: _Deadline | None = None) -> None:
        super().__init__(context=_tls_context())
        self.allow_loopback = allow_loopback
        self.deadline = deadline

    def https_open(self, req: Any) -> Any:
        connection = functools.partial(
            _PinnedHTTPSConnection, allow_loopback=self.allow_loopback, deadline=self.deadline
        )
        return self.do_open(connection, req, context=self._context)  # type: ignore[attr-defined]


class _CheckedRedirects(urllib.request.HTTPRedirectHandler):
    """Check every redirect target as if it were the first URL, and count hops."""

    def __init__(self, allow_loopback: bool) -> None:
        self.allow_loopback = allow_loopback
        self.hops = 0

    def redirect_request(self, req: Any, fp: Any, code: int, msg: str, headers: Any, newurl: str) -> Any:
        self.hops += 1
        try:
            if self.hops > MAX_REDIRECTS:
                raise FetchError(newurl, "redirect_loop", f"more than {MAX_REDIRECTS} redirects")
            check_url(newurl, allow_loopback=self.allow_loopback)
        except FetchError:
            fp.close()  # urllib leaves the refused redirect's response open
            raise
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        try:
            return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
        except (TypeError, ValueError):
            return None


def _read_capped(stream: Any, *, max_bytes: int, deadline: float, url: str) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while True:
        if time.monotonic() > deadline:
            raise FetchError(url, "timeout", "total time limit exceeded while reading")
        # read1: whatever has arrived (at most one recv), so a trickling server cannot hold us in read()
        chunk = stream.read1(65536) if hasattr(stream, "read1") else stream.read(65536)
        if not chunk:
            return b"".join(chunks)
        size += len(chunk)
        if size > max_bytes:
            raise FetchError(url, "too_large", f"response exceeds {max_bytes} bytes")
        chunks.append(chunk)


def _decode(body: bytes, encoding: str, *, max_bytes: int, url: str) -> bytes:
    """Undo gzip/deflate with a cap on the output, so a small bomb cannot fill memory.

    Every member of a multi-member gzip body is decoded (the cap covers them together), and a
    compressed stream that ends early is ``truncated``: its first part is never taken as the whole.
    """
    encoding = encoding.strip().lower()
    if encoding in ("", "identity") or not body:
        return body
    if encoding not in ("gzip", "x-gzip", "deflate"):
        raise FetchError(url, "bad_encoding", f"unsupported Content-Encoding {encoding!r}")
    gzipped = "gzip" in encoding
    wbits = 16 + zlib.MAX_WBITS if gzipped else zlib.MAX_WBITS
    out = bytearray()
    rest = body
    try:
        while rest:
            inflater = zlib.decompressobj(wbits)
            out += inflater.decompress(rest, max_bytes + 1 - len(out))  # the limit is >= 1: 0 means none
            if len(out) > max_bytes or inflater.unconsumed_tail:
                raise FetchError(url, "too_large", f"decompressed response exceeds {max_bytes} bytes")
            if not inflater.eof:
                raise FetchError(url, "truncated", "the compressed body ends before its end marker")
            rest = inflater.unused_data
            if gzipped:
                rest = rest.lstrip(b"\0")  # gzip allows zero padding after a member, as gzip(1) does
            elif rest:
                raise FetchError(url, "bad_encoding", "data after the end of the deflate stream")
    except zlib.error as exc:
        raise FetchError(url, "bad_encoding", f"cannot decompress: {exc}") from exc
    return bytes(out)


def _read_body(raw: Any, *, max_bytes: int, deadline: float, url: str) -> bytes:
    """The whole decoded body of a response, or a :class:`FetchError` (too large, truncated, bad encoding)."""
    declared = raw.headers.get("Content-Length")
    if declared and declared.isdigit() and int(declared) > max_bytes:
        raise FetchError(url, "too_large", f"Content-Length {declared} exceeds {max_bytes} bytes")
    body = _read_capped(raw, max_bytes=max_bytes, deadline=deadline, url=url)
    chunked = "chunked" in raw.headers.get("Transfer-Encoding", "").lower()
    if declared and declared.isdigit() and not chunked and len(body) < int(declared):
        # http.client returns what arrived before the server hung up: not the feed, and its ETag
        # must not be saved, or the entries after the cut wait until the feed changes again.
        raise FetchError(url, "truncated", f"{len(body)} of {declared} bytes before the connection ended")
    return _decode(body, raw.headers.get("Content-Encoding", ""), max_bytes=max_bytes, url=url)


def _http_error(url: str, exc: urllib.error.HTTPError) -> FetchError:
    retry_after = _retry_after(exc.headers.get("Retry-After"))
    if exc.code == 429:
        return FetchError(url, "throttled", "HTTP 429", status=429, retry_after=retry_after)
    if exc.code >= 500:
        return FetchError(url, "server_error", f"HTTP {exc.code}", status=exc.code, retry_after=retry_after)
    if 300 <= exc.code < 400:
        return FetchError(url, "redirect_loop", f"HTTP {exc.code} redirect not followed", status=exc.code)
    return FetchError(url, "http_error", f"HTTP {exc.code}", status=exc.code)


def fetch_once(
    url: str,
    *,
    etag: str = "",
    last_modified: str = "",
    accept: str = "*/*",
    timeout: float = 10.0,
    total_timeout: float = 30.0,
    max_bytes: int = MAX_BYTES,
    allow_loopback: bool = False,
) -> Response:
    """One bounded GET; 304 comes back as a response, every failure as :class:`FetchError`."""
    check_url(url, allow_loopback=allow_loopback)
    headers = {"User-Agent": USER_AGENT, "Accept": accept, "Accept-Encoding": "gzip, deflate"}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    deadline = _Deadline(total_timeout, timeout)
    opener = urllib.request.build_opener(
        urllib.request.ProxyHandler({}),  # no proxy from the environment: connections go where they were checked
        _PinnedHTTPHandler(allow_loopback, deadline),
        _PinnedHTTPSHandler(allow_loopback, deadline),
        _CheckedRedirects(allow_loopback),
    )
    request = urllib.request.Request(url, headers=headers)
    try:
        with opener.open(request, timeout=timeout) as raw:
            body = _read_body(raw, max_bytes=max_bytes, deadline=deadline.at, url=url)
            return Response(raw.geturl(), raw.status, body, {k.lower(): v for k, v in raw.headers.items()})
    except urllib.error.HTTPError as exc:
        exc.close()  # the error carries the open response; do not leak its socket
        if exc.code == 304:
            return Response(url, 304, b"", {k.lower(): v for k, v in exc.headers.items()})
        raise _http_error(url, exc) from exc
    except FetchError:
        raise
    except TimeoutError as exc:
        raise FetchError(url, "timeout", str(exc) or "timed out") from exc
    except urllib.error.URLError as exc:
        if isinstance(exc.reason, FetchError):
            raise exc.reason from exc
        if isinstance(exc.reason, TimeoutError | socket.timeout):
            raise FetchError(url, "timeout", "connect timed out") from exc
        raise FetchError(url, "connection", str(exc.reason)) from exc
    except http.client.IncompleteRead as exc:  # a chunked body cut before its last chunk
        raise FetchError(url, "truncated", "the connection ended inside the body") from exc
    except OSError as exc:  # RemoteDisconnected included: the server hung up, which may pass
        raise FetchError(url, "connection", str(exc)) from exc
    except (http.client.HTTPException, ValueError) as exc:
        # A status line, header or framing no HTTP client can read: the server's fault, not ours,
        # and not an internal error of the poller.
        detail = " ".join(str(exc).split())[:200]  # the server's bytes: one line, bounded
        raise FetchError(url, "bad_response", f"malformed HTTP answer ({type(exc).__name__}: {detail!r})") from exc


def fetch(
    url: str,
    *,
    retries: int = 2,
    max_wait: float = 20.0,
    budget: float = 45.0,
    sleep: Callable[[float], None] | None = None,
    **kwargs: Any,
) -> Response:
    """GET with bounded retries on timeouts, 429 and 5xx, backing off with full jitter.

    ``Retry-After`` is honoured up to ``max_wait`` seconds, and every attempt and wait together
    stay within ``budget`` seconds, so one slow source cannot hold the poller past its timeout.
    """
    started = time.monotonic()
    attempt = 0
    total = float(kwargs.pop("total_timeout", 30.0))
    while True:
        remaining = budget - (time.monotonic() - started)
        try:
            return fetch_once(url, total_timeout=max(1.0, min(total, remaining)), **kwargs)
        except FetchError as exc:
            if not exc.retryable or attempt >= retries:
                raise
            wait = exc.retry_after if exc.retry_after is not None else random.uniform(0, 0.5 * 2**attempt)
            if wait > max_wait or time.monotonic() - started + wait + 1.0 > budget:
                raise
            (sleep or time.sleep)(wait)  # looked up per call: a patched time.sleep is honoured
            attempt += 1
