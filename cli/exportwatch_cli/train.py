"""Fit the classifier's linear models offline and write them to the layer (run: `make train`).

Development only: scikit-learn never ships to Lambda. The training data are the labelled corpora
(``tests/fixtures/corpus/*.jsonl`` and the stories fixture); the frozen held-out sets are never read.
Each model is a logistic regression over the binary features scaled by their naive-Bayes log-count ratio
for its label (Wang and Manning, "Baselines and Bigrams", 2012): the ratio is folded into the weights, so
the runtime reads one plain linear model per label. Five-fold cross-validation (fixed seeds) chooses the
regularisation, the ratio's smoothing and each model's probability threshold, and its out-of-fold
figures are printed and stored in the model's metadata: they are the honest estimate on the training
data, since the rules were written against it.

The output is deterministic: fixed folds, a deterministic solver, weights rounded, keys sorted.
"""

from __future__ import annotations

import argparse
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from exportwatch.classify import model as runtime
from exportwatch.classify.labels import rule_evidence, scope_of, worded
from exportwatch.models import LABELS, Item
from exportwatch_cli.evaluate import Evaluation, gold_labels

ROOT = Path(__file__).resolve().parents[2]
TRAINING = (
    *sorted((ROOT / "tests" / "fixtures" / "corpus").glob("*.jsonl")),
    ROOT / "tests/fixtures/stories/events.jsonl",
)
# Items the rules were never written against: only on them do the rules' answers count in cross-validation.
UNTUNED = tuple(
    ROOT / "tests" / "fixtures" / "corpus" / name
    for name in (
        "news_ledes.jsonl",
        "news_wider.jsonl",
        "news_early.jsonl",
        "news_late.jsonl",
        "news_negatives.jsonl",
        "news_licences.jsonl",
        "news_rare_labels.jsonl",
        "news_actions.jsonl",
        "news_traps.jsonl",
        "news_removals.jsonl",
        "news_licence_parties.jsonl",
        "news_entity_parties.jsonl",
        "news_other_words.jsonl",
        "news_second_hand.jsonl",
        "news_reactions_more.jsonl",
        "news_rare_more.jsonl",
    )
)
SURE = tuple(round(0.05 * step, 2) for step in range(10, 21))
# The model's probability a label the rules found must reach to count (0: the rules' labels always count).
RULED_FLOORS = (0.0, 0.05, 0.1, 0.15, 0.2, 0.3)
FOLDS = 5
SEED = 0
# Weak regularisation wins: the features are binary and sparse, and most items carry a few decisive ones.
C_GRID = (10.0, 30.0, 100.0)
# Smoothing of the naive-Bayes log-count ratios (added to each feature's count on either side): smaller trusts rare
# features more. Cross-validated on the ledes the rules never saw, the scaling took the hybrid from macro-F1 0.863,
# false alarms 6.8%, misses 8.2% (plain binary features) to about 0.87-0.88, 5%, 7% across this grid.
ALPHAS = (0.25, 0.5, 1.0)
THRESHOLDS = tuple(round(0.05 * step, 2) for step in range(2, 19))
MIN_DOCS = 2
DECIMALS = 3
# Weights smaller than this are dropped, in cross-validation as in the shipped model: a smaller table is
# faster to look features up in, and such weights move a probability by next to nothing.
PRUNE = 0.05


@dataclass(frozen=True, slots=True)
class Example:
    """One training item: its features and its gold and allowed labels."""

    id: str
    title: str
    features: frozenset[str]
    gold: frozenset[str]
    allowed: frozenset[str]
    ruled: frozenset[str]
    untuned: bool
    worded: bool = True


def data_hash(paths: Sequence[Path] = TRAINING) -> str:
    """The SHA-256 of the training files (names and bytes): the model's metadata records it."""
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.relative_to(ROOT).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def item_features(item: Item, scope: list[str]) -> frozenset[str]:
    """The features the runtime computes for an item (``exportwatch.classify.labels`` does the same)."""
    lines = runtime.scope(scope[0], scope[1:], item.source)
    return frozenset(runtime.features(lines, item.source, item.agencies))


def examples(paths: Sequence[Path] = TRAINING) -> list[Example]:
    """Every labelled item of the training files, the first of each id kept."""
    seen: set[str] = set()
    out = []
    for path in paths:
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            record = json.loads(line)
            item = Item.from_json(record)
            if item.id in seen:
                continue
            seen.add(item.id)
            gold, allowed = gold_labels(record, "labels"), gold_labels(record, "allowed")
            scope = scope_of(item)
            features, ruled = item_features(item, scope), frozenset(rule_evidence(item, scope))
            out.append(
                Example(
                    item.id, item.title, features, frozenset(gold), frozenset(allowed), ruled, path in UNTUNED,
                    bool(ruled) or worded(item, scope),
                )
            )  # fmt: skip
    return out


def _matrix(train: Sequence[Example], apply: Sequence[Example]) -> tuple[Any, Any, list[str]]:
    from scipy.sparse import csr_matrix

    counts: dict[str, int] = {}
    for example in train:
        for feature in example.features:
            counts[feature] = counts.get(feature, 0) + 1
    vocabulary = sorted(f for f, n in counts.items() if n >= MIN_DOCS)
    index = {f: i for i, f in enumerate(vocabulary)}

    def build(rows: Sequence[Example]) -> Any:
        data, indices, indptr = [], [], [0]
        for example in rows:
            # Normalised over every feature the item has, as the runtime does: unknown ones still count.
            cols = sorted(index[f] for f in example.features if f in index)
            indices += cols
            data += [1.0] * len(cols)
            indptr.append(len(indices))
        matrix = csr_matrix((data, indices, indptr), shape=(len(rows), len(vocabulary)))
        lengths = [max(len(e.features), 1) ** 0.5 for e in rows]
        return _scale(matrix, lengths)

    return build(train), build(apply), vocabulary


def _scale(matrix: Any, lengths: Sequence[float]) -> Any:
    from scipy.sparse import diags

    return diags([1.0 / n for n in lengths]) @ matrix


def _targets(rows: Sequence[Example], label: str | None) -> tuple[list[int], list[float]]:
    """0/1 targets and sample weights: an allowed-only label is neither taught nor punished."""
    if label is None:
        return [int(bool(e.gold)) for e in rows], [1.0] * len(rows)
    ys = [int(label in e.gold) for e in rows]
    weights = [0.0 if label in e.allowed and label not in e.gold else 1.0 for e in rows]
    return ys, weights


def _fit(matrix: Any, ys: list[int], weights: list[float], c: float, alpha: float) -> Any:
    """A logistic regression on the features scaled by their log-count ratio, the ratio folded into its weights.

    The ratio of a feature is how much more often it occurs in the label's items than in the others (counts
    smoothed by ``alpha``; an allowed-only item, weighted 0, counts on neither side). Scaling by it lets the
    regularisation spend less on the features that already tell the label apart. Folded in, the weights apply
    to the plain normalised features, as the runtime computes them.
    """
    import numpy as np
    from scipy.sparse import diags
    from sklearn.linear_model import LogisticRegression

    if len(set(ys)) < 2:
        return None
    present = (matrix > 0).astype(float).T.tocsr()  # feature x item
    labels, taught = np.array(ys), np.array(weights) > 0
    positive = alpha + present @ (taught & (labels == 1)).astype(float)
    negative = alpha + present @ (taught & (labels == 0)).astype(float)
    ratio = np.log((positive / positive.sum()) / (negative / negative.sum()))
    classifier = LogisticRegression(C=c, class_weight="balanced", solver="liblinear", random_state=SEED)
    classifier.fit(matrix @ diags(ratio), ys, sample_weight=weights)
    classifier.coef_ = classifier.coef_ * ratio
    return classifier


def _folds(rows: Sequence[Example]) -> list[tuple[list[int], list[int]]]:
    from sklearn.model_selection import StratifiedKFold

    strata = [min(e.gold, key=LABELS.index) if e.gold else "" for e in rows]
    splitter = StratifiedKFold(n_splits=FOLDS, shuffle=True, random_state=SEED)
    return [(list(a), list(b)) for a, b in splitter.split(list(range(len(rows))), strata)]


def _pruned(fitted: Any) -> Any:
    coef = fitted.coef_[0].round(DECIMALS)
    coef[abs(coef) < PRUNE] = 0.0
    return coef


def _pruned_probabilities(fitted: Any, matrix: Any) -> list[float]:
    """Probabilities as the shipped model computes them: pruned, rounded weights."""
    import numpy as np

    margins = matrix @ _pruned(fitted) + round(float(fitted.intercept_[0]), DECIMALS)
    return [float(p) for p in 1.0 / (1.0 + np.exp(-np.asarray(margins).ravel()))]


def out_of_fold(rows: Sequence[Example], c: float, alpha: float) -> dict[str | None, list[float]]:
    """Out-of-fold probabilities of the gate (key None) and of each label."""
    chances: dict[str | None, list[float]] = {key: [0.0] * len(rows) for key in (None, *LABELS)}
    for train_index, test_index in _folds(rows):
        train = [rows[i] for i in train_index]
        test = [rows[i] for i in test_index]
        x_train, x_test, _ = _matrix(train, test)
        for key in chances:
            ys, weights = _targets(train, key)
            fitted = _fit(x_train, ys, weights, c, alpha)
            probabilities = _pruned_probabilities(fitted, x_test) if fitted is not None else [0.0] * len(test)
            for i, p in zip(test_index, probabilities, strict=True):
                chances[key][i] = float(p)
    return chances


def decide(
    chances: dict[str | None, list[float]],
    thresholds: dict[str | None, float],
    i: int,
    ruled: frozenset[str] = frozenset(),
    sure: float = 0.0,
    rules_suffice: bool = False,
    ruled_floor: float = 0.0,
    worded: bool = True,
) -> set[str]:
    """The runtime's decision (``model.decide``) on item ``i``'s out-of-fold probabilities."""
    row = {runtime.RELEVANT: chances[None][i], **{label: chances[label][i] for label in LABELS}}
    return runtime.decide(
        row, thresholds[None], {label: thresholds[label] for label in LABELS}, ruled, sure=sure,
        ruled_floor=ruled_floor, rules_suffice=rules_suffice, worded=worded,
    )  # fmt: skip


def score(rows: Sequence[Example], predictions: Sequence[set[str]]) -> Evaluation:
    """Tally predictions as ``exportwatch eval`` does."""
    result = Evaluation()
    for example, predicted in zip(rows, predictions, strict=True):
        result.tally(example.id, example.title, set(example.gold), set(example.allowed), predicted)
    return result


def _objective(result: Evaluation) -> float:
    # Macro-F1, with false alarms and misses (what a subscriber feels) costing as much again.
    return result.macro_f1 - result.false_alarm_rate - result.miss_rate


def choose_thresholds(rows: Sequence[Example], chances: dict[str | None, list[float]]) -> dict[str | None, float]:
    """Per-model probability thresholds, by coordinate ascent on the out-of-fold objective."""
    thresholds: dict[str | None, float] = dict.fromkeys(chances, 0.5)
    for _ in range(2):
        for key in (None, *LABELS):
            best = (-1e9, thresholds[key])
            for value in THRESHOLDS:
                trial = {**thresholds, key: value}
                result = score(rows, [decide(chances, trial, i) for i in range(len(rows))])
                # Ties go to the threshold nearest 0.5.
                candidate = (round(_objective(result), 6), -abs(value - 0.5))
                if candidate > (best[0], -abs(best[1] - 0.5)):
                    best = (candidate[0], value)
            thresholds[key] = best[1]
    return thresholds


def choose_sure(
    rows: Sequence[Example], chances: dict[str | None, list[float]], thresholds: dict[str | None, float]
) -> tuple[float, float, Evaluation]:
    """How the rules join the model, and the hybrid's CV score.

    The gate probability above which the model may alert without the rules, and the probability a label
    the rules found must reach to count. Chosen on the items the rules were never written against: on the
    others the rules are right by construction, and would look better than they are.
    """
    untuned = [i for i, e in enumerate(rows) if e.untuned]
    best: tuple[float, float, float, Evaluation] | None = None
    # Below the gate's own threshold the gate is shut anyway: a lower value would only mislabel the model.
    sures = sorted({max(value, thresholds[None]) for value in SURE})
    suffice = {i: runtime.rules_suffice(set(rows[i].features)) for i in untuned}
    for floor in RULED_FLOORS:
        for sure in sures:
            predictions = [
                decide(chances, thresholds, i, rows[i].ruled, sure, suffice[i], floor, rows[i].worded) for i in untuned
            ]
            result = score([rows[i] for i in untuned], predictions)
            if best is None or _objective(result) > best[0]:
                best = (_objective(result), sure, floor, result)
    assert best is not None
    return best[1], best[2], best[3]


def _export(fitted: Any, vocabulary: list[str], threshold: float) -> dict[str, Any]:
    weights = {feature: float(w) for feature, w in zip(vocabulary, _pruned(fitted), strict=True) if w}
    return {"bias": round(float(fitted.intercept_[0]), DECIMALS), "threshold": threshold, "weights": weights}


def _figures(result: Evaluation) -> dict[str, float | int]:
    return {
        "items": result.items,
        "macro_f1": round(result.macro_f1, 4),
        "false_alarm_rate": round(result.false_alarm_rate, 4),
        "miss_rate": round(result.miss_rate, 4),
    }


def train(
    rows: Sequence[Example], grid: Sequence[tuple[float, float]] | None = None
) -> tuple[dict[str, Any], Evaluation]:
    """Cross-validate, choose C, the ratios' smoothing and the thresholds, fit on everything.

    ``grid`` is the (C, smoothing) pairs to choose from (default: every pair of ``C_GRID`` and ``ALPHAS``).
    Returns the model JSON and the cross-validated score.
    """
    best: tuple[float, float, float, dict[str | None, float], Evaluation, dict[str | None, list[float]]] | None = None
    for c, alpha in grid or [(c, alpha) for c in C_GRID for alpha in ALPHAS]:
        chances = out_of_fold(rows, c, alpha)
        thresholds = choose_thresholds(rows, chances)
        result = score(rows, [decide(chances, thresholds, i) for i in range(len(rows))])
        print(
            f"C={c} alpha={alpha}: CV macro-F1 {result.macro_f1:.3f}, false alarms {result.false_alarm_rate:.1%}, "
            f"misses {result.miss_rate:.1%}"
        )
        if best is None or _objective(result) > best[0]:
            best = (_objective(result), c, alpha, thresholds, result, chances)
    assert best is not None
    _, c, alpha, thresholds, cv, chances = best
    sure, floor, hybrid = choose_sure(rows, chances, thresholds)
    untuned_rules = score([e for e in rows if e.untuned], [set(e.ruled) for e in rows if e.untuned])
    print(
        f"hybrid on {hybrid.items} untuned items (sure={sure}, ruled_floor={floor}): "
        f"CV macro-F1 {hybrid.macro_f1:.3f}, false alarms {hybrid.false_alarm_rate:.1%}, "
        f"misses {hybrid.miss_rate:.1%}; rules alone there: "
        f"macro-F1 {untuned_rules.macro_f1:.3f}, false alarms {untuned_rules.false_alarm_rate:.1%}, "
        f"misses {untuned_rules.miss_rate:.1%}"
    )
    matrix, _, vocabulary = _matrix(rows, [])
    models: dict[str | None, dict[str, Any]] = {}
    for key in (None, *LABELS):
        ys, weights = _targets(rows, key)
        models[key] = _export(_fit(matrix, ys, weights, c, alpha), vocabulary, thresholds[key])
    meta = {
        "training_sha256": data_hash(),
        "training_files": [p.relative_to(ROOT).as_posix() for p in TRAINING],
        "items": len(rows),
        "C": c,
        "alpha": alpha,
        "cv": {"folds": FOLDS, "model_alone_all_items": _figures(cv), "with_rules_untuned_items": _figures(hybrid)},
        "rules_alone_untuned_items": _figures(untuned_rules),
    }
    models[None]["sure"] = sure
    models[None]["ruled_floor"] = floor
    data = {"meta": meta, runtime.RELEVANT: models[None], "labels": {label: models[label] for label in LABELS}}
    return data, cv


def main(argv: Sequence[str] | None = None) -> int:
    """Train and write the model; ``--check`` only compares the shipped model's training hash."""
    parser = argparse.ArgumentParser(prog="train", description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=runtime.MODEL_PATH)
    parser.add_argument("--show", action="store_true", help="print the shipped model's cross-validated figures")
    parser.add_argument(
        "--reuse-choice",
        action="store_true",
        help="fit with the shipped model's C and smoothing only, not the whole grid (the same model, in a fraction "
        "of the time, when the training files are unchanged)",
    )
    args = parser.parse_args(argv)
    if args.show:
        meta = runtime.load(args.out).meta
        stale = "" if meta.get("training_sha256") == data_hash() else " (STALE: the training files changed; make train)"
        print(
            json.dumps({key: meta[key] for key in ("items", "C", "alpha", "cv", "rules_alone_untuned_items")}, indent=1)
            + stale
        )
        return 0
    rows = examples()
    shipped = runtime.load().meta if args.reuse_choice else {}
    grid = [(float(shipped["C"]), float(shipped["alpha"]))] if shipped else None  # type: ignore[arg-type]
    data, cv = train(rows, grid)
    print(cv.table())
    args.out.write_text(json.dumps(data, sort_keys=True, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"wrote {args.out.name} ({args.out.stat().st_size:,} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
