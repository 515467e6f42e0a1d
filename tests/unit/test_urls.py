from __future__ import annotations

import pytest

from exportwatch.sources.urls import canonical_url


@pytest.mark.parametrize("name", ["ref", "cid", "feed", "rss", "mbid", "id", "source"])
def test_canonical_url_keeps_a_parameter_that_may_name_the_article(name: str) -> None:
    # Given two articles of one path told apart only by that parameter
    first, second = (canonical_url(f"https://news.example/story?{name}={n}") for n in (1001, 1002))
    # Then they stay two
    assert first != second
    assert first == f"https://news.example/story?{name}=1001"


@pytest.mark.parametrize(
    "url",
    [
        "https://news.example/a?id=7&utm_source=rss&utm_campaign=x",
        "https://news.example/a?id=7&fbclid=IwAR0&gclid=EAIa",
        "https://news.example/a?mc_cid=1&mc_eid=2&id=7",
        "https://news.example/a?id=7&ref_src=twsrc%5Etfw&msclkid=9",
    ],
)
def test_canonical_url_drops_parameters_that_are_tracking_by_nature(url: str) -> None:
    assert canonical_url(url) == "https://news.example/a?id=7"
