"""Screen counterparties against listed parties: every name and alias, scored, with the reason.

How a pair of names is scored
-----------------------------
1. Numbers must agree: "Institute 771" is not "Institute 772", and "CETC 13th Research Institute" is
   not CETC.
2. Words are aligned in any order. Two words agree when equal, when their spelling is close
   (rapidfuzz ratio), or when they sound alike across romanizations (``skeleton``); words split or
   joined differently ("Sense Time"/"SenseTime", "Zhong Guan Cun"/"Zhongguancun") are joined first,
   and initials inside a name ("SANCO ME"/"SANCO Middle East") stand for the words they abbreviate.
3. The score is a weighted Dice coefficient over the aligned words (a distinctive word weighs 1, a
   place 0.5, a generic word 0.15, a legal form 0), so a parent ("Huawei Technologies") scores well
   below the threshold against its subsidiary ("Beijing Huawei Digital Technologies").
4. Guards: at least one distinctive word must agree (generic words and places never match alone);
   a distinctive word replaced by another ("Huawei Device" / "Huawei Cloud"), or a place replaced by
   another ("... Chengdu Research Institute" / "... Hangzhou Research Institute"), is a different party.
5. A single word that spells the initials of the other name ("NUDT") scores 0.9.

Blocking: the index keys each listed name by its distinctive words' sound-prefixes (and joined word
pairs), so a counterparty is scored only against the names sharing a key, never against every name.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from rapidfuzz.distance import Indel

from exportwatch.screening.normalize import PLACE_WEIGHT, Name, analyse, skeleton

__all__ = ["DEFAULT_THRESHOLD", "Counterparty", "Index", "Listed", "Match", "score_names"]

DEFAULT_THRESHOLD = 0.85
_TOKEN_SIMILAR = 0.8  # two words of five letters or more at this Indel ratio are one word misspelled
_ACRONYM_SCORE = 0.9
_PREFIX = 4


@dataclass(frozen=True, slots=True)
class Counterparty:
    """A watchlist row: a customer, supplier or consignee of the subscriber."""

    name: str
    aliases: tuple[str, ...] = ()
    country: str = ""
    reference: str = ""


@dataclass(frozen=True, slots=True)
class Listed:
    """A listed party: an Entity List entry's name and aliases (``entries`` output)."""

    name: str
    aliases: tuple[str, ...] = ()
    country: str = ""
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Listed:
        """Build from one line of ``exportwatch entries`` output."""
        aliases = data.get("aliases") or []
        return cls(
            name=str(data.get("name") or ""),
            aliases=tuple(str(a) for a in aliases if a),
            country=str(data.get("country") or ""),
            extra=data,
        )


@dataclass(frozen=True, slots=True)
class Match:
    """One counterparty found on the list, with the name that matched and why."""

    counterparty: Counterparty
    listed: Listed
    matched: str
    via: str
    score: float
    why: str

    def to_json(self) -> dict[str, Any]:
        """The ``exportwatch screen`` output line."""
        data: dict[str, Any] = {
            "counterparty": self.counterparty.name,
            "entry": self.listed.name,
            "matched": self.matched,
            "score": round(self.score, 3),
            "why": self.why,
        }
        if self.via != self.counterparty.name:
            data["counterparty_alias"] = self.via
        if self.counterparty.reference:
            data["reference"] = self.counterparty.reference
        if self.listed.country:
            data["country"] = self.listed.country
        if self.listed.extra.get("action"):
            data["action"] = self.listed.extra["action"]
        return data


def _similar(a: str, b: str) -> float:
    if a == b:
        return 1.0
    if a.isdigit() or b.isdigit():
        return 0.0
    if min(len(a), len(b)) < 5:
        return 1.0 if skeleton(a) == skeleton(b) and len(a) > 2 else 0.0
    return max(Indel.normalized_similarity(a, b), Indel.normalized_similarity(skeleton(a), skeleton(b)))


def _join_split_words(a: Name, b: Name) -> tuple[list[tuple[str, float]], list[tuple[str, float]]]:
    """Join runs of words in one name that are one word in the other ("sense time" -> "sensetime")."""
    words_a = list(zip(a.tokens, a.weights, strict=True))
    words_b = list(zip(b.tokens, b.weights, strict=True))
    for left, right in ((words_a, words_b), (words_b, words_a)):
        targets = {skeleton(t) for t, _ in right if len(t) >= 6}
        i = 0
        while i < len(left) - 1:
            for size in (4, 3, 2):
                run = left[i : i + size]
                if len(run) == size and skeleton("".join(t for t, _ in run)) in targets:
                    left[i : i + size] = [("".join(t for t, _ in run), max(w for _, w in run))]
                    break
            i += 1
    for left, right in ((words_a, words_b), (words_b, words_a)):  # "SANCO ME" / "SANCO Middle East"
        shorts = {t for t, _ in left if 2 <= len(t) <= 4 and t.isalpha()}
        for i in range(len(right)):
            for size in (4, 3, 2):
                run = right[i : i + size]
                initials = "".join(t[0] for t, _ in run)
                if len(run) == size and initials in shorts and initials not in {t for t, _ in right}:
                    right[i : i + size] = [(initials, max(w for _, w in run))]
                    break
    return words_a, words_b


def _initials(name: Name) -> str:
    return "".join(t[0] for t in name.tokens if not t.isdigit())


def score_names(a: Name, b: Name) -> tuple[float, str]:  # noqa: C901 (the guards read best in one place)
    """Score two analysed names, 0..1, with the reason in words."""
    if a.numbers != b.numbers:
        return 0.0, "numbers differ"
    if len(a.tokens) == 1 and len(b.tokens) > 2 and len(a.tokens[0]) >= 3 and a.tokens[0] == _initials(b):
        return _ACRONYM_SCORE, "acronym of the listed name"
    if len(b.tokens) == 1 and len(a.tokens) > 2 and len(b.tokens[0]) >= 3 and b.tokens[0] == _initials(a):
        return _ACRONYM_SCORE, "the listed acronym spells the name's initials"
    words_a, words_b = _join_split_words(a, b)
    used: set[int] = set()
    matched = 0.0
    fuzzy = False
    distinctive_agree = 0
    missing_a: list[str] = []
    for token, weight_a in words_a:
        best, best_j = 0.0, -1
        for j, (other, _) in enumerate(words_b):
            if j in used:
                continue
            similarity = _similar(token, other)
            if similarity > best:
                best, best_j = similarity, j
                if similarity == 1.0:
                    break
        if best >= _TOKEN_SIMILAR:
            used.add(best_j)
            weight_b = words_b[best_j][1]
            matched += (weight_a + weight_b) * best
            fuzzy = fuzzy or best < 1.0
            if weight_a == 1.0 and weight_b == 1.0 and not token.isdigit():
                distinctive_agree += 1
        elif weight_a == 1.0:
            missing_a.append(token)
    missing_b = [t for j, (t, w) in enumerate(words_b) if j not in used and w == 1.0]
    places_a = [t for t, w in words_a if w == PLACE_WEIGHT and all(_similar(t, o) < 1.0 for o, _ in words_b)]
    places_b = [t for t, w in words_b if w == PLACE_WEIGHT and all(_similar(t, o) < 1.0 for o, _ in words_a)]
    total = sum(w for _, w in words_a) + sum(w for _, w in words_b)
    if total == 0:
        return 0.0, "no words to compare"
    score = matched / total
    if distinctive_agree == 0:
        if a.key == b.key and a.key:
            return min(score, 0.99), "same name, generic words only"
        return 0.0, "only generic words, places or numbers agree"
    if missing_a and missing_b:
        return min(score, 0.5), f"different distinctive words: {missing_a[0]!r} / {missing_b[0]!r}"
    if places_a and places_b:
        return min(score, 0.5), f"different places: {places_a[0]!r} / {places_b[0]!r}"
    if score >= 0.999:
        why = "same name" if not (a.forms ^ b.forms) else "same name, legal form differs"
        if " ".join(t for t, _ in words_a) != a.key or " ".join(t for t, _ in words_b) != b.key:
            why = "same name, words joined differently"
        return 1.0, why
    extra = missing_a or missing_b
    reasons = []
    if fuzzy:
        reasons.append("spelling differs")
    if extra:
        reasons.append(f"extra word {extra[0]!r}")
    if not extra and len(words_a) != len(words_b):
        reasons.append("generic words or places differ")
    return score, ", ".join(reasons) or "word order differs"


@dataclass(slots=True)
class _Variant:
    listed: Listed
    text: str
    name: Name
    kind: str


def _variants(listed: Listed) -> Iterator[tuple[str, str]]:
    """A listed party's names: its name, its aliases, and a sub-unit or acronym in its name."""
    yield listed.name, "name"
    for alias in listed.aliases:
        yield alias, "alias"
    text = listed.name
    if "(" in text and text.rstrip().endswith(")"):
        head, _, inner = text.rpartition("(")
        inner = inner.rstrip(")").strip()
        if inner and not inner.lower().startswith(("parent", "subordinate")):
            if " " not in inner and inner.upper() == inner and len(inner) >= 2:
                yield inner, "acronym in the name"
            yield head.strip(" ,"), "name without its parenthesis"
        elif inner:
            yield head.strip(" ,"), "name without its parent"
    for marker in ("Subordinate Institution -", "Subordinate Institution:", "Affiliated Entity:"):
        if marker in text:
            yield text.split(marker, 1)[1].strip(" .,"), "sub-unit named in the entry"


class Index:
    """Listed names indexed for screening (token blocking; never every pair).

    Parameters
    ----------
    listed
        The listed parties, with their aliases.
    """

    def __init__(self, listed: Iterable[Listed]) -> None:
        self._variants: list[_Variant] = []
        self._blocks: dict[str, list[int]] = defaultdict(list)
        for party in listed:
            for text, kind in _variants(party):
                name = analyse(text)
                if not name.tokens:
                    continue
                position = len(self._variants)
                self._variants.append(_Variant(party, text, name, kind))
                for key in _keys(name):
                    self._blocks[key].append(position)

    def __len__(self) -> int:
        return len(self._variants)

    def candidates(self, name: Name) -> set[int]:
        """Positions of the listed names sharing a blocking key with ``name``."""
        found: set[int] = set()
        for key in _keys(name):
            found.update(self._blocks.get(key, ()))
        return found

    def screen(self, counterparty: Counterparty, threshold: float = DEFAULT_THRESHOLD) -> list[Match]:
        """The listed parties this counterparty matches at or above ``threshold``, best first, one each."""
        best: dict[int, Match] = {}
        for via in (counterparty.name, *counterparty.aliases):
            name = analyse(via)
            if not name.tokens:
                continue
            for position in self.candidates(name):
                variant = self._variants[position]
                score, why = score_names(name, variant.name)
                if score < threshold:
                    continue
                party = id(variant.listed)
                current = best.get(party)
                if current is None or score > current.score:
                    reason = f"{variant.kind} '{variant.text}': {why}"
                    best[party] = Match(counterparty, variant.listed, variant.text, via, score, reason)
        return sorted(best.values(), key=lambda m: -m.score)

    def screen_all(self, counterparties: Sequence[Counterparty], threshold: float = DEFAULT_THRESHOLD) -> list[Match]:
        """Screen every counterparty; matches in watchlist order."""
        return [match for party in counterparties for match in self.screen(party, threshold)]


def _keys(name: Name) -> Iterator[str]:
    tokens = name.tokens
    for token, weight in zip(tokens, name.weights, strict=True):
        if weight == 1.0 and not token.isdigit():
            yield "p:" + skeleton(token)[:_PREFIX]
            yield "p:" + token[:_PREFIX]
            yield "j:" + skeleton(token)
    for size in (2, 3, 4):  # words split in one name and joined in the other: "sense time" / "sensetime"
        for i in range(len(tokens) - size + 1):
            yield "j:" + skeleton("".join(tokens[i : i + size]))
    if len(tokens) == 1:
        yield "a:" + tokens[0]
    elif len(tokens) > 2:
        yield "a:" + _initials(name)
    yield "k:" + name.key
