"""Properties over arbitrary input: normalization and classification never crash and never leak markup."""

from __future__ import annotations

import contextlib

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from exportwatch.classify import classify
from exportwatch.models import LABELS, Item
from exportwatch.sources.feeds import ParseError, parse_feed

_MARKUP = ("<script", "javascript:", "onerror=", "onload=", "<iframe")
_fragments = st.sampled_from([
    "<script>alert(1)</script>", "&lt;script&gt;x&lt;/script&gt;", "<img src=x onerror=alert(1)>",
    '<a href="javascript:alert(1)">x</a>', "&amp;", "&#0;", "\x00", "\x1b[31m", "]]>", "<![CDATA[", "&bogus;",
    "Entity List", "Huawei", "Commerce adds", "90 days", "Nov. 18", "\u202e", "<p>", "</p>",
])  # fmt: skip
_hostile_text = st.lists(st.one_of(_fragments, st.text(max_size=30)), max_size=12).map("".join)


def _rss(title: str, description: str, link: str) -> bytes:
    escape = lambda s: s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")  # noqa: E731
    return (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>t</title><item>'
        f"<title>{escape(title)}</title><link>{escape(link)}</link><description>{escape(description)}"
        f"</description><guid>g1</guid></item></channel></rss>"
    ).encode("utf-8", "surrogatepass")


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    title=_hostile_text,
    description=_hostile_text,
    link=st.sampled_from(["https://example.com/a", "javascript:alert(1)", "", "https://example.com/?q=<script>"]),
)
def test_any_feed_entry_normalizes_to_plain_text(title: str, description: str, link: str) -> None:
    # Given an RSS entry whose fields carry escaped markup, control characters and junk
    try:
        body = _rss(title, description, link)
    except UnicodeEncodeError:
        return
    # When
    try:
        items = parse_feed(body, url="https://example.com/feed")
    except ParseError:
        return  # an unusable body is a clear error, never a crash
    # Then no field carries markup, script or control characters
    for item in items.items:
        for value in (item.title, item.text, item.url):
            lowered = value.lower()
            assert not any(m in lowered for m in _MARKUP), value
            assert not any(ord(c) < 32 and c not in "\n" for c in value), repr(value)


@settings(max_examples=100, deadline=None)
@given(body=st.binary(max_size=2000))
def test_any_bytes_are_items_or_a_parse_error(body: bytes) -> None:
    with contextlib.suppress(ParseError):
        parse_feed(body, url="https://example.com/feed")


@settings(max_examples=300, deadline=None)
@given(
    title=_hostile_text,
    text=_hostile_text,
    source=st.sampled_from(["news", "federal_register"]),
    published=st.sampled_from(["", "2019-11-21", "2020-02-29", "not a date"]),
)
def test_classify_never_crashes_and_every_label_has_evidence(
    title: str, text: str, source: str, published: str
) -> None:
    # When
    result = classify(Item(id="x", title=title, text=text, source=source, published=published))
    # Then
    assert set(result.labels) <= set(LABELS)
    assert {e.label for e in result.evidence} == set(result.labels)
    assert (result.severity is None) == (not result.labels)
    for value in result.dates.values():
        assert len(value) == 10 and value[4] == "-" and value[7] == "-"


def test_deeply_nested_markup_is_a_bounded_parse() -> None:
    # Given 50,000 nested elements inside an entry
    body = (
        b'<?xml version="1.0"?><rss version="2.0"><channel><item><title>t</title><description>'
        + b"<div>" * 50_000
        + b"x"
        + b"</div>" * 50_000
        + b"</description></item></channel></rss>"
    )
    # When / Then: items or a ParseError, no recursion error
    try:
        items = parse_feed(body, url="https://example.com/feed").items
    except ParseError:
        return
    assert all("<div" not in item.text for item in items)


def test_a_lying_charset_and_control_characters_do_not_break_parsing() -> None:
    # Given a feed declared UTF-8 whose bytes are Latin-1, with control characters
    body = (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>t</title><item>'
        "<title>Commerce adds Soci\xe9t\xe9 G\xe9n\xe9rale \x01\x02 to list</title><guid>x</guid></item>"
        "</channel></rss>"
    ).encode("latin-1")
    # When
    try:
        items = parse_feed(body, url="https://example.com/feed").items
    except ParseError:
        return
    # Then
    for item in items:
        assert "\x01" not in item.title and "\x02" not in item.title
