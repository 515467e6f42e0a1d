"""Clustering measured on real multi-source events (tests/fixtures/stories), held as floors."""

from __future__ import annotations

from exportwatch.classify.labels import classify
from exportwatch.models import Item
from exportwatch.stories.cluster import cluster_items, pairwise_scores
from tests.helpers import FIXTURES, read_jsonl

PRECISION_FLOOR = 0.95
RECALL_FLOOR = 0.85


def test_pairwise_precision_and_recall_meet_the_floors() -> None:
    # Given at least 15 real events reported by several outlets, with their Federal Register documents
    records = read_jsonl(FIXTURES / "stories" / "events.jsonl")
    assert len(records) >= 60 and len({r["story"] for r in records}) >= 15
    items = [Item.from_json(r) for r in records]
    # When
    scores = pairwise_scores(cluster_items(items, [classify(i) for i in items]), [r["story"] for r in records])
    # Then (reproduce: exportwatch cluster-eval tests/fixtures/stories/events.jsonl)
    assert scores["precision"] >= PRECISION_FLOOR, scores
    assert scores["recall"] >= RECALL_FLOOR, scores


def test_pairwise_scores_count_pairs() -> None:
    # Given gold {a,b,c} {d} and a prediction that splits c off and joins d to a
    scores = pairwise_scores(["x", "x", "y", "x"], ["g", "g", "g", "h"])
    # Then: pairs ab right; ac, bc missed; ad, bd wrongly joined
    assert (scores["pairs_tp"], scores["pairs_fn"], scores["pairs_fp"]) == (1, 2, 2)
