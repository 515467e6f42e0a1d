"""The trained half of the classifier: a linear model over words and word pairs decides the labels.

Rules written against one corpus fitted it perfectly and missed a third of the actions in news they were
never tuned on: reporters say the same thing in too many ways. A logistic regression per label, plus a
relevance gate, learns those ways from the labelled corpora; ``make train`` fits it offline with
scikit-learn and writes ``model.json`` beside this module. Here it is read with the standard library
alone, so the Lambda layer stays small and a handler's import cheap: the file is loaded on the first
classification, not on import.

The features are the same at training and at run time because both call :func:`features`.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

MODEL_PATH = Path(__file__).with_name("model.json")
RELEVANT = "relevant"
# News states its event in the headline and the lede; later sentences are mostly background.
NEWS_LEDE_SENTENCES = 6
FR_SENTENCES = 12
_TOKEN = re.compile(r"[a-z]+(?:['’][a-z]+)?|\d+")


def _tokens(text: str) -> list[str]:
    return ["#" if token[0].isdigit() else token for token in _TOKEN.findall(text.lower())]


def _grams(tokens: Sequence[str], prefix: str = "") -> set[str]:
    grams = {prefix + token for token in tokens}
    grams.update(f"{prefix}{a} {b}" for a, b in zip(tokens, tokens[1:], strict=False))
    return grams


def line_features(line: str, *, title: bool = False) -> set[str]:
    """The features one line contributes: its words and word pairs (marked ``t:`` too in a title)."""
    tokens = _tokens(line)
    grams = _grams(tokens)
    if title:
        grams |= _grams(tokens, "t:")
    return grams


def scope(title: str, body: Sequence[str], source: str) -> list[str]:
    """The lines the model reads: the title, then the lede (news) or the abstract (Federal Register)."""
    limit = FR_SENTENCES if source == "federal_register" else NEWS_LEDE_SENTENCES
    return [title, *body[:limit]]


def features(lines: Sequence[str], source: str, agencies: Iterable[str] = ()) -> set[str]:
    """Binary features of an item: source, issuing agency kind, words and word pairs of its scope."""
    found = {f"source={source}"}
    if source == "federal_register":
        bis = any("industry and security" in a.lower() for a in agencies)
        found.add("agency=bis" if bis else "agency=other")
    for index, line in enumerate(lines):
        found |= line_features(line, title=index == 0)
    return found


@dataclass(frozen=True, slots=True)
class Linear:
    """One logistic regression over L2-normalised binary features, and the probability it must reach."""

    bias: float
    weights: dict[str, float]
    threshold: float

    def margin(self, found: set[str]) -> float:
        """The decision value; the features are binary and the vector has unit length."""
        if not found:
            return self.bias
        weights = self.weights
        total = sum(weights.get(feature, 0.0) for feature in found)
        return self.bias + total / math.sqrt(len(found))

    def probability(self, found: set[str]) -> float:
        """The logistic of the margin."""
        margin = self.margin(found)
        return 1.0 / (1.0 + math.exp(-margin)) if margin > -30 else 0.0

    def accepts(self, found: set[str]) -> bool:
        """Whether the probability reaches the threshold chosen by cross-validation."""
        return self.probability(found) >= self.threshold

    def line_score(self, found: set[str]) -> float:
        """How strongly one line speaks for the label: the sum of its features' weights."""
        weights = self.weights
        return sum(weights.get(feature, 0.0) for feature in found)


@dataclass(frozen=True, slots=True)
class Model:
    """The relevance gate and one linear model per label.

    ``sure`` is the gate's probability above which the model alone may alert; between the gate's threshold
    and ``sure`` the rules must also have found an action in the text. Cross-validation chose it on items the
    rules were never written against.
    """

    relevance: Linear
    labels: dict[str, Linear]
    sure: float
    meta: dict[str, object]

    def predict(self, found: set[str], ruled: Iterable[str] = ()) -> list[str]:
        """The labels the item carries: none unless the gate opens, then each label above its threshold.

        ``ruled`` are the labels the rules found evidence for; they join the model's when the gate opens.
        When the gate opens and no label reaches its own threshold, the most probable label is taken: the
        gate has judged the item to report an action, and an alert with the likeliest label beats none.
        """
        ruled = set(ruled)
        chance = self.relevance.probability(found)
        if chance < self.relevance.threshold or (chance < self.sure and not ruled):
            return []
        chances = {label: linear.probability(found) for label, linear in self.labels.items()}
        chosen = {label for label, chance in chances.items() if chance >= self.labels[label].threshold}
        return sorted(chosen | ruled or {max(chances, key=chances.__getitem__)})

    def gate_open(self, found: set[str]) -> bool:
        """Whether the item may carry labels at all (the rules need not be run when it may not)."""
        return self.relevance.accepts(found)


def from_json(data: dict[str, object]) -> Model:
    """Build a model from the JSON that ``make train`` writes."""

    def linear(entry: object) -> Linear:
        assert isinstance(entry, dict)
        return Linear(float(entry["bias"]), dict(entry["weights"]), float(entry["threshold"]))

    labels = data["labels"]
    assert isinstance(labels, dict)
    meta = data.get("meta", {})
    assert isinstance(meta, dict)
    relevance = data[RELEVANT]
    assert isinstance(relevance, dict)
    models = {label: linear(entry) for label, entry in labels.items()}
    return Model(linear(relevance), models, float(relevance.get("sure", 0.0)), meta)


@cache
def load(path: Path = MODEL_PATH) -> Model:
    """The shipped model, read once per process."""
    return from_json(json.loads(path.read_text(encoding="utf-8")))
