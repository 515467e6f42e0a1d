"""Build the document-frequency table clustering weighs words with, from the training corpora.

Run ``python -m exportwatch_cli.wordfreq`` after changing a training corpus. Only training data
goes in: the held-out sets must stay unseen by everything that is tuned.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from exportwatch.classify.sentences import read
from exportwatch.models import Item
from exportwatch.stories.words import words

ROOT = Path(__file__).resolve().parents[2]
CORPORA = (
    "tests/fixtures/corpus/dev.jsonl",
    "tests/fixtures/corpus/federal_register_extra.jsonl",
    "tests/fixtures/corpus/news_extra.jsonl",
    "tests/fixtures/corpus/seeds.jsonl",
    "tests/fixtures/stories/events.jsonl",
    "tests/fixtures/stories/train_extra.jsonl",
)
MIN_DF = 2  # a word seen once is as rare as an unseen one; leaving it out keeps the table small


def build(paths: list[Path]) -> dict[str, object]:
    """Documents counted and, for each word in at least ``MIN_DF`` of them, how many contain it."""
    df: Counter[str] = Counter()
    documents = 0
    for path in paths:
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            reading = read(Item.from_json(json.loads(line)))
            df.update(words(f"{reading.title} {reading.lead}"))
            documents += 1
    return {"documents": documents, "df": {w: n for w, n in sorted(df.items()) if n >= MIN_DF}}


def main() -> None:
    """Write ``exportwatch/stories/word_frequency.json`` from the training corpora that exist."""
    table = build([ROOT / p for p in CORPORA if (ROOT / p).exists()])
    out = ROOT / "layers/core/exportwatch/stories/word_frequency.json"
    out.write_text(json.dumps(table, separators=(",", ":"), sort_keys=True) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
