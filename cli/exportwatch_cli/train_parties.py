"""Fit the party model offline and write it to the layer (run: `make train`, after the labels' model).

Development only: scikit-learn never ships to Lambda. The examples are the candidates
(``classify.party_model.candidates``) of every news item of the training corpora that carries annotated
parties (``entities_gold``) and that the classifier labels: each is a party when it is one of the gold ones
(``evaluate.same_party``). The contexts are recorded from ``classify`` itself, so the features are those the
runtime computes. Five folds grouped by item choose the regularisation and the probability a party must
reach, by the F1 of party recall and precision over the news items the classifier labels (``make eval``
also counts the parties of items it leaves unlabelled, as misses), with the shipped
model's pruned, rounded weights; those out-of-fold figures are printed and stored. The frozen held-out
sets are never read. The output is deterministic: fixed folds, a deterministic solver, keys sorted.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from exportwatch.classify import party_model as runtime
from exportwatch.classify.labels import classify
from exportwatch.classify.model import Linear
from exportwatch.classify.party_model import Candidate, Context, PartyModel, in_order, with_stated
from exportwatch.models import Item
from exportwatch_cli.evaluate import EntityScore
from exportwatch_cli.train import TRAINING, data_hash

FOLDS = 5
C_GRID = (1.0, 3.0, 10.0)
THRESHOLDS = tuple(round(0.05 * step, 2) for step in range(4, 15))
DECIMALS = 3
# Weights smaller than this are dropped, in cross-validation as in the shipped model: most of the table's words
# are seen once or twice and move a probability by next to nothing.
PRUNE = 0.02


@dataclass(frozen=True, slots=True)
class Example:
    """One annotated news item: its record (for scoring), the rules' parties and every candidate."""

    record: dict[str, Any]
    named: tuple[str, ...]
    stated: tuple[str, ...]
    candidates: tuple[Candidate, ...]
    targets: tuple[int, ...]


def examples(paths: Sequence[Path] = TRAINING) -> list[Example]:
    """The annotated, labelled news items of the training files, the first of each id kept."""
    from exportwatch_cli.evaluate import same_party

    seen: set[str] = set()
    out = []
    for path in paths:
        for line in path.read_text(encoding="utf-8").splitlines():
            record = json.loads(line) if line.strip() else {}
            gold = record.get("entities_gold")
            if not record.get("labels") or not isinstance(gold, list) or record.get("source") == "federal_register":
                continue
            item = Item.from_json(record)
            if item.id in seen:
                continue
            seen.add(item.id)
            context = _context(item)
            if context is None:
                continue  # unlabelled by the classifier: no party is chosen for it
            found = tuple(runtime.candidates(context))
            targets = tuple(int(any(same_party(g, c.name) or same_party(g, c.key) for g in gold)) for c in found)
            out.append(Example(record, context.named, context.stated, found, targets))
    return out


def _context(item: Item) -> Context | None:
    """What ``classify`` gives the party choice for an item (None when it labels the item not relevant)."""
    contexts: list[Context] = []

    def record(context: Context) -> tuple[str, ...]:
        contexts.append(context)
        return context.named

    classify(item, choose_parties=record)
    return contexts[0] if contexts else None


def _matrix(rows: Sequence[Example], vocabulary: dict[str, int] | None = None) -> tuple[Any, dict[str, int]]:
    from scipy.sparse import csr_matrix

    grow = vocabulary is None
    vocabulary = {} if vocabulary is None else vocabulary
    indices: list[int] = []
    pointers = [0]
    for row in rows:
        for candidate in row.candidates:
            for feature in sorted(candidate.features):
                index = vocabulary.setdefault(feature, len(vocabulary)) if grow else vocabulary.get(feature)
                if index is not None:
                    indices.append(index)
            pointers.append(len(indices))
    data = [1.0] * len(indices)
    return csr_matrix((data, indices, pointers), shape=(len(pointers) - 1, len(vocabulary))), vocabulary


def _fit(rows: Sequence[Example], c: float) -> PartyModel:
    """A model fitted on ``rows``, its weights pruned and rounded as shipped (threshold set later)."""
    from sklearn.linear_model import LogisticRegression

    matrix, vocabulary = _matrix(rows)
    ys = [t for row in rows for t in row.targets]
    fitted = LogisticRegression(C=c, max_iter=5000, solver="liblinear", random_state=0).fit(matrix, ys)
    names = sorted(vocabulary, key=vocabulary.__getitem__)
    weights = {
        name: round(float(w), DECIMALS) for name, w in zip(names, fitted.coef_[0], strict=True) if abs(w) >= PRUNE
    }
    return PartyModel(Linear(round(float(fitted.intercept_[0]), DECIMALS), weights, 0.5))


def _score(rows: Sequence[Example], chances: Sequence[Sequence[float]], threshold: float) -> EntityScore:
    result = EntityScore()
    for row, row_chances in zip(rows, chances, strict=True):
        chosen = [c for c, p in zip(row.candidates, row_chances, strict=True) if p >= threshold]
        result.add(row.record, with_stated(in_order(chosen, row.named), row.stated))
    return result


def _f1(score: EntityScore) -> float:
    total = score.recall + score.precision
    return 2 * score.recall * score.precision / total if total else 0.0


def out_of_fold(rows: Sequence[Example], c: float) -> list[list[float]]:
    """Every candidate's chance under the model fitted on the other folds (items dealt to folds in turn)."""
    chances: list[list[float]] = [[] for _ in rows]
    for fold in range(FOLDS):
        model = _fit([row for i, row in enumerate(rows) if i % FOLDS != fold], c)
        for i, row in enumerate(rows):
            if i % FOLDS == fold:
                chances[i] = [model.chance(candidate.features) for candidate in row.candidates]
    return chances


def train(rows: Sequence[Example]) -> dict[str, Any]:
    """Cross-validate, choose C and the threshold, fit on everything; returns the model JSON."""
    best: tuple[float, float, float, EntityScore] | None = None
    for c in C_GRID:
        chances = out_of_fold(rows, c)
        for threshold in THRESHOLDS:
            score = _score(rows, chances, threshold)
            if best is None or _f1(score) > best[0]:
                best = (_f1(score), c, threshold, score)
        print(f"C={c}: best F1 so far {best[0]:.3f} (C={best[1]}, threshold {best[2]})")  # type: ignore[index]
    assert best is not None
    _, c, threshold, cv = best
    rules = EntityScore()
    for row in rows:
        rules.add(row.record, row.named)
    model = _fit(rows, c)
    print(
        f"parties, {FOLDS}-fold CV on {len(rows)} items ({cv.tp + cv.fn} gold): recall {cv.recall:.3f}, precision "
        f"{cv.precision:.3f}; the rules there: recall {rules.recall:.3f}, precision {rules.precision:.3f}"
    )
    return {
        "meta": {
            "training_sha256": data_hash(),
            "items": len(rows),
            "gold": cv.tp + cv.fn,
            "C": c,
            "cv": {"folds": FOLDS, "recall": round(cv.recall, 4), "precision": round(cv.precision, 4)},
            "rules": {"recall": round(rules.recall, 4), "precision": round(rules.precision, 4)},
        },
        "bias": model.linear.bias,
        "threshold": threshold,
        "weights": model.linear.weights,
    }


def main(argv: Sequence[str] | None = None) -> int:
    """Train and write the party model; ``--show`` prints the shipped one's cross-validated figures."""
    parser = argparse.ArgumentParser(prog="train_parties", description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=runtime.MODEL_PATH)
    parser.add_argument("--show", action="store_true", help="print the shipped model's cross-validated figures")
    args = parser.parse_args(argv)
    if args.show:
        meta = json.loads(args.out.read_text(encoding="utf-8"))["meta"]
        stale = "" if meta.get("training_sha256") == data_hash() else " (STALE: the training files changed; make train)"
        print(json.dumps({k: meta[k] for k in ("items", "gold", "C", "cv", "rules")}, indent=1) + stale)
        return 0
    data = train(examples())
    args.out.write_text(json.dumps(data, sort_keys=True, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"wrote {args.out.name} ({args.out.stat().st_size:,} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
