"""The classifier measured on the training corpus and on the frozen held-out news set, held as floors.

Reproduce: `exportwatch eval tests/fixtures/corpus/*.jsonl` and `exportwatch eval
tests/fixtures/heldout/news.jsonl` (or `make eval`). The corpus floors guard against a change that
breaks what the model was fitted on; the held-out floors are set at what the shipped classifier
measures there, never above, and no rule, feature or threshold was chosen by looking at that set.
"""

from __future__ import annotations

from exportwatch_cli.evaluate import Evaluation, LabelScore, evaluate
from tests.helpers import FIXTURES, corpus, read_jsonl

# Retrained with news_wider.jsonl (178 harder ledes) in the corpus: macro-F1 0.960-0.972 with no false alarm or miss
# (a linear model no longer fits every training item's label exactly); the floor follows it down from 0.97.
MACRO_F1_FLOOR = 0.955
FALSE_ALARM_CEILING = 0.01
MISS_CEILING = 0.01
# Measured on the shipped classifier, retrained with five more files of ledes (598 items: news_early, news_late,
# news_negatives, news_licences, news_rare_labels): macro-F1 0.805, false alarms 1.5 % (2 of 130), misses 6.1 %
# (12 of 198). Before them: 0.740, 9.2 %, 7.1 % (and before news_wider.jsonl: 0.724, 13.8 %, 8.1 %).
HELDOUT_MACRO_F1_FLOOR = 0.80
HELDOUT_FALSE_ALARM_CEILING = 0.02
HELDOUT_MISS_CEILING = 0.065


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
    assert result.miss_rate <= MISS_CEILING, result.table()


def test_classifier_meets_the_floors_on_the_heldout_news_set() -> None:
    # When
    result = evaluate(read_jsonl(FIXTURES / "heldout" / "news.jsonl"))
    # Then
    assert result.items >= 300
    assert result.macro_f1 >= HELDOUT_MACRO_F1_FLOOR, result.table()
    assert result.false_alarm_rate <= HELDOUT_FALSE_ALARM_CEILING, result.table()
    assert result.miss_rate <= HELDOUT_MISS_CEILING, result.table()


def test_misses_count_labelled_items_left_without_any_label() -> None:
    # Given one labelled item found, one missed, one negative alarmed on, one allowed-only prediction
    result = Evaluation()
    result.tally("a", "", {"extension"}, set(), {"extension"})
    result.tally("b", "", {"extension"}, set(), set())
    result.tally("c", "", set(), set(), {"license.policy"})
    result.tally("d", "", set(), {"license.policy"}, {"license.policy"})
    # Then
    assert (result.positives, result.misses, result.miss_rate) == (2, 1, 0.5)
    assert (result.negatives, result.false_alarms) == (2, 1)
    assert result.to_json()["miss_rate"] == 0.5


def test_label_score_arithmetic() -> None:
    score = LabelScore(tp=8, fp=2, fn=8)
    assert (score.precision, score.recall) == (0.8, 0.5)
    assert round(score.f1, 4) == round(2 * 0.8 * 0.5 / 1.3, 4)
    assert score.support == 16
