"""The sets that measure the classifier and the clustering share no page with the data they were fitted on.

A page in both would score the model on what it learnt. Pages are compared by URL, without scheme, "www.",
query, fragment or trailing slash (the same page under two spellings).
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
    "stories check": [FIXTURES / "stories" / name for name in ("dev_check3.jsonl", "dev_check4.jsonl")],
}


def pages(paths: list[Path]) -> set[str]:
    found = set()
    for path in paths:
        for record in read_jsonl(path):
            url = str(record.get("url") or record["id"]).strip().lower()
            url = re.sub(r"^https?://(www\.)?", "", url).split("#")[0]
            # A query names the page where the path does not ("emsnow.com/?p=19259"); elsewhere it is tracking.
            address, _, query = url.partition("?")
            found.add(address.rstrip("/.") + (f"?{query}" if query and "/" not in address.rstrip("/") else ""))
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
