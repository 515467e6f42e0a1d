"""The trained half of the classifier: a linear model over words and word pairs decides the labels.

Rules written against one corpus fitted it perfectly and missed a third of the actions in news they were
never tuned on: reporters say the same thing in too many ways. A logistic regression per label, plus a
relevance gate, learns those ways from the labelled corpora; ``make train`` fits it offline with
scikit-learn and writes ``model.json`` beside this module. Here it is read with the standard library
alone, so the Lambda layer stays small and a handler's import cheap: the file is loaded on the first
classification, not on import.

The features are the same at training and at run time because both call :func:`item_features`.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from itertools import repeat
from operator import itemgetter
from pathlib import Path

from exportwatch.classify.ascii import Dual

MODEL_PATH = Path(__file__).with_name("model.json")
_FIRST = itemgetter(0)
RELEVANT = "relevant"
# News states its event in the headline and the lede; later sentences are mostly background.
NEWS_LEDE_SENTENCES = 4
FR_SENTENCES = 5
_TOKEN = re.compile(r"[a-z]+(?:['’][a-z]+)?|#")
_NUMBER = Dual(r"\d+").variants  # [text.isascii()]: see classify.ascii
_ARTICLES = frozenset(("the", "a", "an"))


def _tokens(text: str) -> list[str]:
    """Lower-case words; every number becomes "#" (a count or a date says how, not what)."""
    lowered = text.lower()
    return _TOKEN.findall(_NUMBER[lowered.isascii()].sub("#", lowered))


def _add_line(found: set[str], tokens: Sequence[str], *, title: bool, lead: bool) -> None:
    """Add the features one line's tokens give: its words and word pairs (marked ``t:`` too in a title).

    A ``lead`` line (the title, the lede's first sentence) also gives its first word, articles aside, as
    ``s:``: mostly who acts ("s:china", "s:commerce", "s:senator"), which decides whether the action is a US one.
    """
    # map/zip/join run in C: feature extraction is on every item's path.
    found.update(tokens)
    found.update(map(" ".join, zip(tokens, tokens[1:], strict=False)))
    if title:
        found.update(map("t:".__add__, tokens))  # a title's words, not its pairs
    if lead or title:
        for word in tokens[:3]:
            if word not in _ARTICLES:
                found.add("s:" + word)
                break


def tokenize(lines: Sequence[str]) -> list[list[str]]:
    """Each line's tokens; ``lines`` are the title, then the text's first lines (see :func:`scope`)."""
    return [_tokens(line) for line in lines]


def lines_features(per_line: Sequence[Sequence[str]]) -> list[set[str]]:
    """Each line's features from its tokens (see :func:`tokenize`): what finds the line that speaks for a label."""
    found: list[set[str]] = []
    for index, tokens in enumerate(per_line):
        grams: set[str] = set()
        _add_line(grams, tokens, title=index == 0, lead=index == 1)
        found.append(grams)
    return found


def scope(title: str, body: Sequence[str], source: str) -> list[str]:
    """The lines the model reads: the title, then the lede (news) or the abstract (Federal Register)."""
    limit = FR_SENTENCES if source == "federal_register" else NEWS_LEDE_SENTENCES
    return [title, *body[:limit]]


def features(lines: Sequence[str], source: str, agencies: Iterable[str] = ()) -> set[str]:
    """Binary features of an item: source, issuing agency kind, words, word pairs and actor of its scope."""
    return item_features(tokenize(lines), source, agencies)


def item_features(per_line: Sequence[Sequence[str]], source: str, agencies: Iterable[str] = ()) -> set[str]:
    """An item's features from its lines' tokens (see :func:`tokenize`), the union of the lines' features.

    Classification keeps the tokens for finding evidence; training calls :func:`features`. Both get the same
    set. The lines' features go straight into one set: a set per line is built only when evidence needs it.
    """
    found = {f"source={source}"}
    if source == "federal_register":
        bis = any("industry and security" in a.lower() for a in agencies)
        found.add("agency=bis" if bis else "agency=other")
    for index, tokens in enumerate(per_line):
        _add_line(found, tokens, title=index == 0, lead=index == 1)
    return found


# Another agency's export-control frame in a document's title, as title words: the ITAR and the Arms Export Control
# Act (State's rules and debarments), the export of nuclear equipment (the NRC's licences).
_EXPORT_FRAMES = (
    frozenset(("t:traffic", "t:arms")),
    frozenset(("t:munitions",)),
    frozenset(("t:arms", "t:export")),
    frozenset(("t:nuclear", "t:export")),
)


def rules_suffice(found: set[str]) -> bool:
    """Whether the rules' evidence alone may label an item: a Federal Register document in an export-control frame.

    BIS states its action in a fixed frame in the title ("Revision of Entries on the Entity List"), and the
    rules were written on its documents: where they find an action, theirs are the labels. A public-inspection
    document comes with its title alone, and a handful of title words cannot lift the gate over its bias,
    trained mostly on news; the rules read it right. So do they another agency's document whose title names an
    export-control frame ("Notice of Statutory Debarment Under the Arms Export Control Act", "Export and Import
    of Nuclear Equipment and Material"): the training data holds few such documents, and the gate reads them as
    the sanctions notices beside them.
    """
    if "agency=bis" in found:
        return True
    return "agency=other" in found and any(frame <= found for frame in _EXPORT_FRAMES)


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
        return self.bias + self.line_score(found) / math.sqrt(len(found))

    def probability(self, found: set[str]) -> float:
        """The logistic of the margin."""
        margin = self.margin(found)
        return 1.0 / (1.0 + math.exp(-margin)) if margin > -30 else 0.0

    def accepts(self, found: set[str]) -> bool:
        """Whether the probability reaches the threshold chosen by cross-validation."""
        return self.probability(found) >= self.threshold

    def line_score(self, found: set[str]) -> float:
        """How strongly one line speaks for the label: the sum of its features' weights."""
        # The look-ups and the sum run in C: several times faster than a loop of get().
        return sum(map(self.weights.get, found, repeat(0.0)))


@dataclass(frozen=True, slots=True)
class Model:
    """The relevance gate and one linear model per label.

    ``sure`` is the gate's probability above which the model alone may alert; between the gate's threshold
    and ``sure`` the rules must also have found an action in the text. A label the rules found counts only if
    the model gives it at least ``ruled_floor``: on news they were not written against the rules' labels are
    often wrong (an extension of restrictions read as a licence extension), and the model knows better which.
    Cross-validation chose both on items the rules were never written against.
    """

    relevance: Linear
    labels: dict[str, Linear]
    sure: float
    meta: dict[str, object]
    ruled_floor: float = 0.0
    # Every feature's weights in the gate and each label model, in that order: one look-up per feature.
    table: dict[str, tuple[float, ...]] = field(init=False, repr=False, compare=False)
    vocabulary: frozenset[str] = field(init=False, repr=False, compare=False)
    # The gate's margin below which its probability misses its threshold (the logit of the threshold).
    _closed_below: float = field(init=False, repr=False, compare=False)
    _columns: dict[str, int] = field(init=False, repr=False, compare=False)  # label -> its place after the gate
    _thresholds: dict[str, float] = field(init=False, repr=False, compare=False)  # label -> its model's threshold

    def __post_init__(self) -> None:
        linears = (self.relevance, *self.labels.values())
        vocabulary = frozenset().union(*(linear.weights for linear in linears))
        # Many features share a row of weights: one tuple object per distinct row keeps the table compact.
        rows: dict[tuple[float, ...], tuple[float, ...]] = {}
        table = {}
        for feature in vocabulary:
            row = tuple(linear.weights.get(feature, 0.0) for linear in linears)
            table[feature] = rows.setdefault(row, row)
        object.__setattr__(self, "table", table)
        threshold = min(max(self.relevance.threshold, 1e-9), 1 - 1e-9)
        object.__setattr__(self, "_closed_below", math.log(threshold / (1 - threshold)) - 1e-9)
        object.__setattr__(self, "vocabulary", vocabulary)
        object.__setattr__(self, "_columns", {label: index for index, label in enumerate(self.labels)})
        object.__setattr__(self, "_thresholds", {label: linear.threshold for label, linear in self.labels.items()})

    def chances(self, found: set[str]) -> dict[str, float]:
        """The gate's probability (key ``RELEVANT``) and each label's, in one pass over the features.

        One look-up per feature fetches its weights in every model; the look-ups, the transposition and the
        sums run in C. (Hash look-ups dominate the cost of classifying an item: this makes one per feature.)
        """
        rows = list(filter(None, map(self.table.get, found)))
        length = math.sqrt(len(found)) if found else 1.0
        gate = self.relevance.bias + sum(map(_FIRST, rows)) / length
        if gate < self._closed_below:
            # The gate stays shut (the label models would not be read): skip their sums.
            return {RELEVANT: 1.0 / (1.0 + math.exp(-gate)) if gate > -30 else 0.0}
        sums = list(map(sum, zip(*rows, strict=True))) if rows else [0.0] * (1 + len(self.labels))
        chances = {}
        linears = (self.relevance, *self.labels.values())
        for key, linear, total in zip((RELEVANT, *self.labels), linears, sums, strict=True):
            margin = linear.bias + total / length
            chances[key] = 1.0 / (1.0 + math.exp(-margin)) if margin > -30 else 0.0
        return chances

    def line_score(self, label: str, found: set[str]) -> float:
        """:meth:`Linear.line_score` of the label's model, read from the fused table.

        The table was just read for the item's chances and is still in the processor's cache; the label's own
        weights are not. A feature the table lacks would add 0.0: leaving it out changes no sum.
        """
        column = itemgetter(1 + self._columns[label])
        return sum(map(column, filter(None, map(self.table.get, found))))

    def gate_open(self, chances: dict[str, float]) -> bool:
        """Whether the item may carry labels at all (the rules need not be run when it may not)."""
        return chances[RELEVANT] >= self.relevance.threshold

    def decide(
        self, chances: dict[str, float], ruled: Iterable[str] = (), *, rules_suffice: bool = False, worded: bool = True
    ) -> list[str]:
        """The labels the item carries (see :func:`decide`), with this model's thresholds, ``sure`` and floor."""
        return sorted(
            decide(
                chances, self.relevance.threshold, self._thresholds, ruled, sure=self.sure,
                ruled_floor=self.ruled_floor, rules_suffice=rules_suffice, worded=worded,
            )
        )  # fmt: skip

    def weighed(self, chances: dict[str, float]) -> set[str]:
        """The labels whose rule evidence :meth:`decide` counts (unless the rules suffice): those given ``ruled_floor``.

        The rules of the other labels cannot change the decision, so they need not run until a label is decided
        without them and its evidence is wanted.
        """
        return {label for label in self.labels if chances[label] >= self.ruled_floor}

    def predict(self, found: set[str], ruled: Iterable[str] = ()) -> list[str]:
        """``decide`` on an item's features."""
        return self.decide(self.chances(found), ruled, rules_suffice=rules_suffice(found))


def decide(
    chances: Mapping[str, float],
    gate_threshold: float,
    thresholds: Mapping[str, float],
    ruled: Iterable[str] = (),
    *,
    sure: float,
    ruled_floor: float,
    rules_suffice: bool = False,
    worded: bool = True,
) -> set[str]:
    """The labels an item carries: none unless the gate opens, then each label above its threshold.

    ``chances`` holds the gate's probability (key ``RELEVANT``) and each label's; ``thresholds`` each label's
    threshold, in the order the likeliest label is looked for. The runtime (:meth:`Model.decide`) and training's
    cross-validation both call this, so what is chosen offline is what runs.

    ``ruled`` are the labels the rules found evidence for; those the model gives at least ``ruled_floor`` join
    the model's when the gate opens. Below ``sure`` the gate alone does not alert: the rules must have found
    an action. When the gate opens and no label reaches its own threshold, the most probable label is taken:
    the gate has judged the item to report an action, and an alert with the likeliest label beats none, if the
    item holds a word some rule's action needs (``worded``): a gate opened by "Commerce Department news" over a
    teaser reports nothing a subscriber could act on. With ``rules_suffice`` (a BIS document: see
    :func:`rules_suffice`) the rules' labels, when they found any, are the labels: BIS states its action in a
    fixed frame the rules read, and a model trained mostly on news reads "Revision of Entries on the Entity
    List" as an addition too.
    """
    ruled = set(ruled)
    if rules_suffice and ruled:
        return ruled
    gate = chances[RELEVANT]
    if gate < gate_threshold:
        return set()
    if not rules_suffice:
        ruled = {label for label in ruled if chances[label] >= ruled_floor}  # as Model.weighed() says
    if gate < sure and not ruled:
        return set()
    chosen = {label for label, threshold in thresholds.items() if chances[label] >= threshold} | ruled
    if chosen or not worded:
        return chosen
    return {max(thresholds, key=chances.__getitem__)}


def from_json(data: dict[str, object]) -> Model:
    """Build a model from the JSON that ``make train`` writes."""
    # Weights are rounded, so few distinct values: sharing one float object per value keeps the table small
    # in memory, and its look-ups in the processor's cache.
    shared: dict[float, float] = {}

    def linear(entry: object) -> Linear:
        assert isinstance(entry, dict)
        weights = {feature: shared.setdefault(w, w) for feature, w in entry["weights"].items()}
        return Linear(float(entry["bias"]), weights, float(entry["threshold"]))

    labels = data["labels"]
    assert isinstance(labels, dict)
    meta = data.get("meta", {})
    assert isinstance(meta, dict)
    relevance = data[RELEVANT]
    assert isinstance(relevance, dict)
    models = {label: linear(entry) for label, entry in labels.items()}
    sure, floor = float(relevance.get("sure", 0.0)), float(relevance.get("ruled_floor", 0.0))
    return Model(linear(relevance), models, sure, meta, floor)


@cache
def load(path: Path = MODEL_PATH) -> Model:
    """The shipped model, read once per process."""
    return from_json(json.loads(path.read_text(encoding="utf-8")))
