"""The classifier measured on the labelled corpus (tests/fixtures/corpus), held as floors.

Reproduce: `exportwatch eval tests/fixtures/corpus/*.jsonl` (or `make eval`).
"""

from __future__ import annotations

from exportwatch_cli.evaluate import LabelScore, evaluate
from tests.helpers import corpus

MACRO_F1_FLOOR = 0.92
FALSE_ALARM_CEILING = 0.02


def test_corpus_is_large_real_and_has_hard_negatives() -> None:
    records = corpus()
    assert len(records) >= 200
    assert sum(1 for r in records if not r["labels"]) >= 60
    assert all(r.get("provenance") for r in records)
    assert len({r["id"] for r in records}) == len(records)


def test_classifier_meets_the_floors_on_the_corpus() -> None:
    # When
    result = evaluate(corpus())
    # Then
    assert result.macro_f1 >= MACRO_F1_FLOOR, result.table()
    assert result.false_alarm_rate <= FALSE_ALARM_CEILING, result.table()


def test_label_score_arithmetic() -> None:
    score = LabelScore(tp=8, fp=2, fn=8)
    assert (score.precision, score.recall) == (0.8, 0.5)
    assert round(score.f1, 4) == round(2 * 0.8 * 0.5 / 1.3, 4)
    assert score.support == 16
