"""Parsing is bounded by bytes and entries, not by a clock: a huge feed costs what a 1 MB one does."""

from __future__ import annotations

import pytest

from exportwatch.sources.feeds import MAX_ENTRIES, MAX_PARSE_BYTES, ParseError, parse_feed


def rss_items(count: int, size: int = 0) -> list[str]:
    filler = "word " * (size // 5)
    return [
        f"<item><title>Entry {n}</title><link>https://news.example/{n}</link>"
        f"<description>Entry {n} text {filler}</description></item>"
        for n in range(count)
    ]


def rss(items: list[str]) -> bytes:
    return f"<?xml version='1.0'?><rss version='2.0'><channel><title>t</title>{''.join(items)}</channel></rss>".encode()


def numbers(items) -> list[int]:
    return [int(item.title.split()[-1]) for item in items]


def test_parse_feed_over_the_byte_bound_parses_its_first_and_last_entries_only() -> None:
    # Given a 6.6 MB feed: 1,600 entries of about 4 KB
    body = rss(rss_items(1600, size=4000))
    assert len(body) > 6 * MAX_PARSE_BYTES
    # When
    parsed = parse_feed(body, url="https://news.example/feed")
    # Then feedparser saw about 1 MB: the newest entries (first) and the oldest (last), nothing between
    seen = numbers(parsed.items)
    assert seen[0] == 0 and seen[-1] == 1599
    assert len(seen) <= MAX_PARSE_BYTES // 4000 + 2
    assert seen == sorted(seen) and 800 not in seen
    assert "over the parse bound" in parsed.warning


def test_parse_feed_over_the_entry_bound_parses_its_first_and_last_entries() -> None:
    # Given a small feed with more entries than are parsed
    body = rss(rss_items(3 * MAX_ENTRIES))
    assert len(body) < MAX_PARSE_BYTES
    # When
    seen = numbers(parse_feed(body, url="https://news.example/feed").items)
    # Then an oldest-first feed also has its newest entries parsed
    assert len(seen) == MAX_ENTRIES
    assert seen[: MAX_ENTRIES // 2] == list(range(MAX_ENTRIES // 2))
    assert seen[MAX_ENTRIES // 2 :] == list(range(3 * MAX_ENTRIES - MAX_ENTRIES // 2, 3 * MAX_ENTRIES))


@pytest.mark.parametrize(
    ("name", "body"),
    [
        ("rss", rss(rss_items(40, size=2000))),
        (
            "atom",
            (
                "<?xml version='1.0'?><feed xmlns='http://www.w3.org/2005/Atom'><title>t</title>"
                + "".join(
                    f"<entry><title>Entry {n}</title><id>urn:e:{n}</id><link href='https://news.example/{n}'/>"
                    f"<summary>{'word ' * 400}</summary></entry>"
                    for n in range(40)
                )
                + "</feed>"
            ).encode(),
        ),
        (
            "rss 1.0",
            (
                "<?xml version='1.0'?><rdf:RDF xmlns:rdf='http://www.w3.org/1999/02/22-rdf-syntax-ns#' "
                "xmlns='http://purl.org/rss/1.0/'><channel rdf:about='https://news.example/'><title>t</title>"
                "<items><rdf:Seq><rdf:li resource='https://news.example/0'/></rdf:Seq></items></channel>"
                + "".join(
                    f"<item rdf:about='https://news.example/{n}'><title>Entry {n}</title>"
                    f"<link>https://news.example/{n}</link><description>{'word ' * 400}</description></item>"
                    for n in range(40)
                )
                + "</rdf:RDF>"
            ).encode(),
        ),
    ],
)
def test_parse_feed_cut_at_entry_boundaries_stays_well_formed(name: str, body: bytes) -> None:
    # When a feed of 40 entries of 2 KB is parsed with a bound of 20 KB
    parsed = parse_feed(body, url="https://news.example/feed", content_type="application/xml", max_bytes=20_000)
    # Then the first and last entries are parsed by the strict parser: no recovery warning
    seen = numbers(parsed.items)
    assert seen[0] == 0 and seen[-1] == 39 and len(seen) < 12
    assert parsed.warning.startswith("feed of") and ";" not in parsed.warning, name


def test_parse_feed_of_an_entry_larger_than_the_bound_is_a_parse_error() -> None:
    # Given one entry larger than the bound: no cut at entry boundaries fits
    body = rss(rss_items(1, size=MAX_PARSE_BYTES + 1000))
    # When / Then it is refused, not parsed for as long as it takes
    with pytest.raises(ParseError, match="cannot be cut"):
        parse_feed(body, url="https://news.example/feed")


def test_parse_feed_within_the_bounds_is_parsed_whole_without_a_warning() -> None:
    body = rss(rss_items(MAX_ENTRIES, size=1000))
    parsed = parse_feed(body, url="https://news.example/feed", content_type="application/xml")
    assert numbers(parsed.items) == list(range(MAX_ENTRIES))
    assert parsed.warning == ""
