"""RSS/Atom bytes -> items. The only module that imports feedparser.

The body comes from :mod:`exportwatch.fetch` (bounded, conditional); feedparser only parses. A
``bozo`` feed with entries is used with a warning; one with no entries is a :class:`ParseError`.
"""

from __future__ import annotations

import hashlib
import io
import time
from dataclasses import dataclass
from typing import Any

import feedparser

from exportwatch.models import Item
from exportwatch.sources.urls import canonical_url, safe_url
from exportwatch.text import plain_text

MAX_ENTRIES = 500


class ParseError(Exception):
    """The response is not a usable feed; the message says why."""


@dataclass(frozen=True, slots=True)
class ParsedFeed:
    """Items from one feed, and whether feedparser had to recover from broken markup."""

    items: tuple[Item, ...]
    warning: str = ""


def _entry_date(entry: Any) -> str:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        value = entry.get(key)
        if value:
            return time.strftime("%Y-%m-%d", value)
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


def parse_feed(body: bytes, *, url: str, content_type: str = "", feed: str = "") -> ParsedFeed:
    """Parse feed bytes into items.

    Raises
    ------
    ParseError
        When the body is empty, not a feed (HTML, JSON, binary), or so broken that no entry survives.
    """
    if not body.strip():
        raise ParseError("empty response")
    headers = {"content-location": url}
    if content_type:
        headers["content-type"] = content_type
    parsed = feedparser.parse(
        io.BytesIO(body), response_headers=headers, sanitize_html=True, resolve_relative_uris=True
    )
    entries = parsed.get("entries") or []
    warning = ""
    if parsed.get("bozo"):
        warning = f"{type(parsed.get('bozo_exception')).__name__}: {parsed.get('bozo_exception')}"[:300]
        if not entries:
            raise ParseError(f"not a usable feed ({warning})")
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
