"""The sets that measure the classifier and the clustering share no page with the data they were fitted on.

A page in both would score the model on what it learnt. Pages are compared by URL, without scheme, "www.",
fragment, trailing slash or query (the same page under two spellings), except the query's parameters that name
a page ("emsnow.com/?p=19259", "NewsDetail.aspx?ID=51"); tracking parameters go.
"""

from __future__ import annotations

import re
from pathlib import Path

from tests.helpers import FIXTURES, read_jsonl

TRAINING = [*sorted((FIXTURES / "corpus").glob("*.jsonl")), FIXTURES / "stories" / "events.jsonl"]
MEASURING = {
    "held-out": sorted((FIXTURES / "heldout").glob("*.jsonl")),
    "news check": sorted((FIXTURES / "news_check").glob("*.jsonl")),
    "second news check": sorted((FIXTURES / "news_check2").glob("*.jsonl")),
    "third news check": sorted((FIXTURES / "news_check3").glob("*.jsonl")),
    "third stories check": [FIXTURES / "stories" / "dev_check3.jsonl"],
    "fourth stories check": [FIXTURES / "stories" / "dev_check4.jsonl"],
}
# Query parameters that name a page rather than track a visit.
_PAGE_PARAMETERS = frozenset(("p", "page_id", "id", "article", "articleid", "storyid", "newsid", "q"))


def pages(paths: list[Path]) -> set[str]:
    found = set()
    for path in paths:
        for record in read_jsonl(path):
            url = str(record.get("url") or record["id"]).strip().lower()
            address, _, query = re.sub(r"^https?://(www\.)?", "", url).split("#")[0].partition("?")
            naming = sorted(p for p in query.split("&") if p.partition("=")[0] in _PAGE_PARAMETERS)
            found.add(address.rstrip("/.") + (f"?{'&'.join(naming)}" if naming else ""))
    return found


def test_no_page_used_for_training_is_in_a_set_that_measures() -> None:
    trained = pages(TRAINING)
    for name, paths in MEASURING.items():
        assert paths, name
        assert not trained & pages(paths), name


def test_the_sets_that_measure_share_no_page() -> None:
    measured = {name: pages(paths) for name, paths in MEASURING.items()}
    names = sorted(measured)
    for i, first in enumerate(names):
        for second in names[i + 1 :]:
            assert not measured[first] & measured[second], (first, second)
