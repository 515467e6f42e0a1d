from __future__ import annotations

from importlib import resources

import pytest

from exportwatch.sources.feeds import ParseError, item_key, parse_feed
from tests.helpers import FIXTURES

FEEDS = FIXTURES / "feeds"


def test_demo_feed_parses_into_items_with_stable_keys() -> None:
    # Given the bundled demo feed (built from the seeds)
    body = (resources.files("exportwatch_cli") / "samples" / "news.xml").read_bytes()
    # When
    parsed = parse_feed(body, url="https://example.com/feed.xml")
    # Then
    assert len(parsed.items) == 6
    first = parsed.items[0]
    assert first.id == "url:https://techxplore.com/news/2019-11-authorizes-firms-huawei-sanctions.html"
    assert first.published == "2019-11-20"
    assert "<" not in first.text


@pytest.mark.parametrize("name", sorted(p.name for p in FEEDS.glob("bad-*")))
def test_unusable_bodies_are_parse_errors(name: str) -> None:
    # Given a body that is not a usable feed (see the fixture's header comment)
    body = (FEEDS / name).read_bytes()
    # When / Then
    with pytest.raises(ParseError):
        parse_feed(body, url=f"https://example.com/{name}")


def test_escaped_script_in_a_title_never_reaches_the_item() -> None:
    # Given
    body = (FEEDS / "script-in-title.xml").read_bytes()
    # When
    items = parse_feed(body, url="https://example.com/x").items
    # Then
    for item in items:
        for value in (item.title, item.text, item.url):
            assert "<script" not in value.lower()
            assert "javascript:" not in value.lower()
            assert "onerror" not in value.lower()


def test_tracking_parameters_do_not_make_a_new_item() -> None:
    a = item_key(link="https://example.com/story?utm_source=rss")
    b = item_key(link="https://www.example.com/story#comments")
    assert a == b


def test_external_entities_are_never_resolved() -> None:
    # Given a feed whose title uses an external entity pointing at /etc/passwd
    body = (FEEDS / "xxe-external-entity.xml").read_bytes()
    # When
    try:
        items = parse_feed(body, url="https://example.com/x").items
    except ParseError:
        return
    # Then
    for item in items:
        assert "root:" not in item.title + item.text
