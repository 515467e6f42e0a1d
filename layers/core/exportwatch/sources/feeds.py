"""RSS/Atom bytes -> items. The only module that imports feedparser.

The body comes from :mod:`exportwatch.fetch` (bounded, conditional); feedparser only parses. A
``bozo`` feed with entries is used with a warning; one with no entries is a :class:`ParseError`.

Parsing is bounded too: feedparser reads about 0.3 to 5 MB a second (markup-heavy or broken XML is
the slow end), so a feed over ``MAX_PARSE_BYTES`` or ``MAX_ENTRIES`` is cut at entry boundaries to
its first and last entries within half of each bound (feeds list newest first, a few oldest first)
before feedparser sees it. The bound is on bytes and entries, not on a clock: the same feed always
gives the same items.
"""

from __future__ import annotations

import hashlib
import io
import re
from dataclasses import dataclass
from datetime import date
from typing import Any

import feedparser

from exportwatch.models import Item
from exportwatch.sources.urls import canonical_url, safe_url
from exportwatch.text import plain_text

MAX_ENTRIES = 500
MAX_PARSE_BYTES = 1024 * 1024  # at most a few seconds of feedparser, even on a fraction of a vCPU
# The end of an RSS <item> or Atom <entry> (any namespace prefix); "</items>" (RSS 1.0) is not one.
_ENTRY_END = re.compile(rb"</(?:[A-Za-z_][\w.-]*:)?(?:item|entry)\s*>", re.IGNORECASE)
_ENTRY_START = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(?:item|entry)[\s/>]", re.IGNORECASE)


class ParseError(Exception):
    """The response is not a usable feed; the message says why."""


@dataclass(frozen=True, slots=True)
class ParsedFeed:
    """Items from one feed, and whether feedparser had to recover from broken markup."""

    items: tuple[Item, ...]
    warning: str = ""


def _entry_date(entry: Any) -> str:
    """The entry's day (``YYYY-MM-DD``); one that is no calendar day (year 10000 after a zone shift) is none."""
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        value = entry.get(key)
        if value:
            try:
                return date(value.tm_year, value.tm_mon, value.tm_mday).isoformat()
            except (ValueError, TypeError, AttributeError):
                continue
    return ""


def _entry_text(entry: Any) -> str:
    contents = entry.get("content") or []
    bodies = [c.get("value", "") for c in contents if isinstance(c, dict)]
    summary = entry.get("summary", "")
    best = max([*bodies, summary], key=len, default="")
    return plain_text(best)


def item_key(*, guid: str = "", link: str = "", title: str = "", published: str = "") -> str:
    """The identity of a news entry: its canonical link, else its GUID, else a hash of title and date.

    The link comes first because feeds that rewrite GUIDs on every build would otherwise make
    every poll look new; a GUID that is itself a URL is canonicalized the same way.
    """
    if link:
        return "url:" + canonical_url(link)
    if guid:
        return ("url:" + canonical_url(guid)) if guid.startswith(("http://", "https://")) else "guid:" + guid.strip()
    digest = hashlib.sha256(f"{title.strip().lower()}|{published}".encode()).hexdigest()[:32]
    return "hash:" + digest


def _bounded(body: bytes, max_bytes: int) -> tuple[bytes, str]:
    """The part of ``body`` feedparser may parse, and a warning if it is not the whole.

    Within the bounds the body is returned as it is. Over them, the entries in the middle are cut
    out: what remains is the head up to the end of an early entry and the tail from the end of a
    late one, so the document stays well formed (same nesting on both sides of the cut).

    Raises
    ------
    ParseError
        When no cut at entry boundaries fits ``max_bytes`` (say, one entry larger than that).
    """
    ends = [match.end() for match in _ENTRY_END.finditer(body)]
    if len(body) <= max_bytes and len(ends) <= MAX_ENTRIES:
        return body, ""
    half_bytes, half_entries = max_bytes // 2, MAX_ENTRIES // 2
    head = [end for end in ends[:half_entries] if end <= half_bytes]
    first = _ENTRY_START.search(body)
    head_cut = head[-1] if head else (first.start() if first else len(body))
    tail_cut = next(
        (end for i, end in enumerate(ends) if len(ends) - 1 - i <= half_entries and len(body) - end <= half_bytes),
        len(body),
    )
    kept = len(head) + sum(1 for end in ends if end > tail_cut)
    cut = body[:head_cut] + body[tail_cut:]
    if tail_cut <= head_cut or len(cut) > max_bytes or not kept:
        raise ParseError(
            f"feed of {len(body)} bytes cannot be cut at its entries to {max_bytes} bytes for parsing "
            f"({len(ends)} entries found)"
        )
    warning = (
        f"feed of {len(body)} bytes and {len(ends)} entries is over the parse bound ({max_bytes} bytes, "
        f"{MAX_ENTRIES} entries): parsed its first {len(head)} and last {kept - len(head)} entries"
    )
    return cut, warning


def parse_feed(
    body: bytes, *, url: str, content_type: str = "", feed: str = "", max_bytes: int = MAX_PARSE_BYTES
) -> ParsedFeed:
    """Parse feed bytes into items, handing feedparser at most ``max_bytes`` and ``MAX_ENTRIES`` entries.

    Raises
    ------
    ParseError
        When the body is empty, not a feed (HTML, JSON, binary), or so broken that no entry survives,
        or too large to cut to the parse bound at its entries.
    """
    if not body.strip():
        raise ParseError("empty response")
    body, cut_warning = _bounded(body, max_bytes)
    headers = {"content-location": url}
    if content_type:
        headers["content-type"] = content_type
    parsed = feedparser.parse(
        io.BytesIO(body), response_headers=headers, sanitize_html=True, resolve_relative_uris=True
    )
    entries = parsed.get("entries") or []
    warning = cut_warning
    if parsed.get("bozo"):
        bozo = f"{type(parsed.get('bozo_exception')).__name__}: {parsed.get('bozo_exception')}"[:300]
        if not entries:
            raise ParseError(f"not a usable feed ({bozo})")
        warning = f"{warning}; {bozo}" if warning else bozo
    if not entries and not parsed.get("version"):
        raise ParseError("not a feed (no RSS or Atom root element)")
    links = [safe_url(entry.get("link") or "") for entry in entries[:MAX_ENTRIES]]
    # A link several entries share (a live page, a listing) cannot identify any one of them.
    shared = {canonical_url(link) for link in links if link and links.count(link) > 1}
    items = []
    for entry in entries[:MAX_ENTRIES]:
        title = plain_text(entry.get("title", ""), max_chars=500)
        link = safe_url(entry.get("link") or "")
        text = _entry_text(entry)
        if not title and not text:
            continue
        published = _entry_date(entry)
        own_link = link if canonical_url(link) not in shared else ""
        key = item_key(guid=entry.get("id", ""), link=own_link, title=title, published=published)
        items.append(
            Item(
                id=key,
                title=title,
                text=text,
                source="news",
                url=link,
                published=published,
                stage="news",
                feed=feed or url,
            )
        )
    return ParsedFeed(tuple(items), warning)
