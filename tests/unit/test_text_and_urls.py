from __future__ import annotations

import pytest

from exportwatch.sources.urls import canonical_url
from exportwatch.text import one_line, plain_text


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("<p>Commerce adds <b>28</b> entities</p>", "Commerce adds 28 entities"),
        ("&lt;script&gt;alert(1)&lt;/script&gt;Huawei", "Huawei"),
        ('<a href="javascript:alert(1)" onclick="x()">link</a>', "link"),
        ("tab\tand\x00control\x1bchars", "tab and control chars"),
        ("<style>p{}</style><script>bad()</script>text", "text"),
    ],
)
def test_plain_text_removes_markup_scripts_and_control_characters(raw: str, expected: str) -> None:
    # When
    cleaned = plain_text(raw)
    # Then
    assert cleaned == expected


def test_one_line_cuts_at_a_word_with_an_ellipsis() -> None:
    # Given
    text = "Licenses granted for sales to Huawei (Entity List) · TGL extended 90 days to 16 Feb 2020"
    # When
    short = one_line(text, max_chars=40)
    # Then
    assert len(short) <= 40
    assert short.endswith("…")
    assert "\n" not in short


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://www.Example.com/a/b/?utm_source=rss&utm_medium=feed#top", "https://example.com/a/b"),
        ("https://example.com/a?id=2&fbclid=xyz", "https://example.com/a?id=2"),
        ("HTTPS://example.com:443/a/", "https://example.com/a"),
        ("https://example.com:8443/a", "https://example.com:8443/a"),
    ],
)
def test_canonical_url_drops_tracking_fragment_and_default_port(url: str, expected: str) -> None:
    assert canonical_url(url) == expected
