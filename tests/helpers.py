"""Paths and small readers shared by the tests."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

from exportwatch.models import Item
from exportwatch.stories.cluster import Analysis, analyse

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
CORPUS = FIXTURES / "corpus"


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def corpus() -> list[dict[str, Any]]:
    """Every labelled item of the evaluation corpus."""
    return [record for path in sorted(CORPUS.glob("*.jsonl")) for record in read_jsonl(path)]


def news(id_: str, published: str, title: str, text: str) -> Item:
    """A news report as a feed gives it, at a URL of its own."""
    return Item(id=id_, title=title, text=text, published=published, url=f"https://news.example/{id_}")


def unlabelled(item: Item) -> Analysis:
    """The item as the classifier might leave it: a report of the same words that would not alert on its own."""
    analysis = analyse(item)
    return replace(analysis, classification=replace(analysis.classification, labels=()))
