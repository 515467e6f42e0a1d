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
   another ("... Chengdu Research Institute" / "... Hangzhou Research Institute"), is a different party;
   where both names describe the business and the descriptions differ ("Huawei Technologies" /
   "Huawei Technologies Investment", a subsidiary), the differing words weigh more (fillers such as
   "International" or "General" excepted); where each name has a word the other lacks, other than one
   naming the corporate shell ("Group", "Holding") or a variant of the other's ("Intl"/"International",
   "Trade"/"Trading"), they are two companies of one group ("Huawei Technologies" / "Huawei International").
5. A counterparty written as one word that spells the initials of a listed name ("NUDT") scores 0.9;
   not the other way round: a name whose initials happen to spell a listed acronym is not that party.
   Initials inside a name ("SANCO ME") count only beside a distinctive word that agrees as written.

Blocking: the index keys each listed name by its distinctive words' sound-prefixes, its joined runs
of words and long words, its initials and its whole text, so a counterparty is scored only against
names sharing a key (never every name), and candidates whose missed words already put the threshold
out of reach are dropped unscored.
"""

from __future__ import annotations

import itertools
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from exportwatch.models import Counterparty
from exportwatch.screening.normalize import (
    CORPORATE,
    FILLERS,
    PLACE_WEIGHT,
    Name,
    analyse,
    run_sound,
    skeleton,
    weight,
)

__all__ = ["DEFAULT_THRESHOLD", "Counterparty", "Index", "Listed", "Match", "score_names"]

DEFAULT_THRESHOLD = 0.85
_TOKEN_SIMILAR = 0.8 - 1e-9  # words of five letters or more this alike (Indel) are one word misspelled
_ACRONYM_SCORE = 0.9
_EXTRA_GENERIC = 0.35  # a generic word that differs where both names have some weighs half a distinctive one
_INITIALS_WEIGHT = 0.999  # initials standing for words weigh as a distinctive word but never make a match alone
_VARIANT_SIMILAR = 0.6  # words left over on both sides this alike in sound are one word's forms ("trade"/"trading")
_PREFIX = 4


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


@lru_cache(maxsize=1)
def _indel() -> Any:
    """The Indel distance, imported on first use: the notify handler's cold start pays for rapidfuzz only to screen."""
    from rapidfuzz.distance import Indel

    return Indel


@lru_cache(maxsize=262144)
def _similar(a: str, b: str) -> float:
    """How alike two words are, 0..1 (cached: the same list words recur across every counterparty)."""
    if a == b:
        return 1.0
    if a.isdigit() or b.isdigit():
        return 0.0
    short, long = sorted((a, b), key=len)
    if weight(long) < PLACE_WEIGHT:
        if len(short) >= 3 and long.startswith(short):
            return 0.9  # an abbreviated generic word: "Tech" / "Technology", "Sci" / "Science"
        if len(short) >= 6 and weight(short) < PLACE_WEIGHT and long[:5] == short[:5]:
            return 0.85  # one root: "Management" / "Managing", "Industrial" / "Industries"
    if len(short) < 5:
        return 1.0 if len(a) > 2 and skeleton(a) == skeleton(b) else 0.0
    cutoff = _TOKEN_SIMILAR - 0.01  # rapidfuzz drops a score equal to its cutoff; the caller compares exactly
    indel = _indel()
    return max(
        indel.normalized_similarity(a, b, score_cutoff=cutoff),
        indel.normalized_similarity(skeleton(a), skeleton(b), score_cutoff=cutoff),
    )


def _join_split_words(a: Name, b: Name) -> tuple[list[tuple[str, float]], list[tuple[str, float]]]:
    """Join runs of words in one name that are one word in the other ("sense time" -> "sensetime")."""
    words_a = list(zip(a.tokens, a.weights, strict=True))
    words_b = list(zip(b.tokens, b.weights, strict=True))
    if a.runs & b.long_words or b.runs & a.long_words:
        for left, right in ((words_a, words_b), (words_b, words_a)):
            sounds = {skeleton(t) for t, _ in right if len(t) >= 6}
            i = 0
            while i < len(left) - 1:
                for size in (4, 3, 2):
                    run = left[i : i + size]
                    if len(run) == size and run_sound([t for t, _ in run]) in sounds:
                        left[i : i + size] = [("".join(t for t, _ in run), max(w for _, w in run))]
                        break
                i += 1
    for left_name, right_name, left, right in ((a, b, words_a, words_b), (b, a, words_b, words_a)):
        targets = left_name.shorts & right_name.initial_runs  # "SANCO ME" / "SANCO Middle East"
        if targets:  # the short words still standing after joining
            targets &= {t for t, _ in left}
        if not targets:
            continue
        i = 0
        while i < len(right):
            initials = "".join(t[0] for t, _ in right)
            for size in (4, 3, 2):
                spelled = initials[i : i + size]
                if len(spelled) == size and spelled in targets and spelled not in {t for t, _ in right}:
                    right[i : i + size] = [(spelled, _INITIALS_WEIGHT)]
                    break
            i += 1
    return words_a, words_b


def _align(
    words_a: list[tuple[str, float]], words_b: list[tuple[str, float]]
) -> tuple[float, bool, int, bool, list[tuple[str, float]], list[tuple[str, float]]]:
    """Pair each word of one name with its most similar free word of the other, in any order.

    Returns the matched weight (both sides, times the similarity), whether any pair was inexact, how
    many distinctive words agree, whether the agreeing words come in another order, and the words
    left over on each side.
    """
    used: set[int] = set()
    matched = 0.0
    fuzzy = False
    agree = 0
    last, reordered = -1, False
    left_a: list[tuple[str, float]] = []
    for token, weight_a in words_a:
        best, best_j = 0.0, -1
        for j, (other, _) in enumerate(words_b):
            if j not in used:
                similarity = 1.0 if token == other else _similar(token, other)
                if similarity > best:
                    best, best_j = similarity, j
                    if similarity == 1.0:
                        break
        if best >= _TOKEN_SIMILAR:
            used.add(best_j)
            reordered = reordered or best_j < last
            last = best_j
            weight_b = words_b[best_j][1]
            matched += (weight_a + weight_b) * best
            fuzzy = fuzzy or best < 1.0
            agree += weight_a == 1.0 and weight_b == 1.0 and not token.isdigit()
        else:
            left_a.append((token, weight_a))
    left_b = [word for j, word in enumerate(words_b) if j not in used]
    return matched, fuzzy, agree, reordered, left_a, left_b


def _variant(a: str, b: str) -> bool:
    """Whether two words left unpaired are still forms of one word: an abbreviation or a near spelling."""
    short, long = sorted((a, b), key=len)
    if len(short) >= 3 and short[0] == long[0]:
        rest = iter(long)
        if all(letter in rest for letter in short):  # its letters in order: "intl" / "international"
            return True
    return bool(_indel().normalized_similarity(skeleton(a), skeleton(b)) >= _VARIANT_SIMILAR)


def _group_words(left_a: list[tuple[str, float]], left_b: list[tuple[str, float]]) -> tuple[str, str] | None:
    """A word only in each name that makes them two companies of one group, or None.

    "Huawei Technologies" / "Huawei International": each has a word the other lacks. Words naming the
    corporate shell ("Group", "Holding") are dropped like legal forms, and a word that is a variant of
    one on the other side ("Intl" / "International") is no difference.
    """
    only_a = [t for t, _ in left_a if t not in CORPORATE]
    only_b = [t for t, _ in left_b if t not in CORPORATE]
    if not only_a or not only_b:
        return None
    unpaired_a = [t for t in only_a if not any(_variant(t, u) for u in only_b)]
    unpaired_b = [u for u in only_b if not any(_variant(t, u) for t in only_a)]
    if unpaired_a and unpaired_b:
        return unpaired_a[0], unpaired_b[0]
    return None


def score_names(a: Name, b: Name) -> tuple[float, str]:
    """Score two analysed names, 0..1, with the reason in words."""
    if a.numbers != b.numbers:
        return 0.0, "numbers differ"
    if len(a.tokens) == 1 and len(b.tokens) > 2 and len(a.tokens[0]) >= 3 and a.tokens[0] == b.initials:
        return _ACRONYM_SCORE, "acronym of the listed name"
    words_a, words_b = _join_split_words(a, b)
    matched, fuzzy, agree, reordered, left_a, left_b = _align(words_a, words_b)
    total = sum(w for _, w in words_a) + sum(w for _, w in words_b)
    generic = (
        [t for t, w in left_a if w < PLACE_WEIGHT and t not in FILLERS],
        [t for t, w in left_b if w < PLACE_WEIGHT and t not in FILLERS],
    )
    described = sum(w < PLACE_WEIGHT for _, w in left_a) < sum(w < PLACE_WEIGHT for _, w in words_a)
    if (generic[0] and generic[1]) or (described and (generic[0] or generic[1])):
        # Both names describe the business and the descriptions differ: "Future Marine" / "Future Systems",
        # "Huawei Technologies" / "Huawei Technologies Investment" (a subsidiary), not a name written short.
        total += _EXTRA_GENERIC * (len(generic[0]) + len(generic[1]))
    score = matched / total if total else 0.0
    if agree == 0:
        if a.key == b.key and a.key:
            return min(score, 0.99), "same name, generic words only"
        return 0.0, "only generic words, places or numbers agree"
    missing = [t for t, w in left_a if w == 1.0], [t for t, w in left_b if w == 1.0]
    if missing[0] and missing[1]:
        return min(score, 0.5), f"different distinctive words: {missing[0][0]!r} / {missing[1][0]!r}"
    places = [t for t, w in left_a if w == PLACE_WEIGHT], [t for t, w in left_b if w == PLACE_WEIGHT]
    if places[0] and places[1]:
        return min(score, 0.5), f"different places: {places[0][0]!r} / {places[1][0]!r}"
    if score > 0.5:  # at or below, the cap would change nothing
        apart = _group_words(left_a, left_b)
        if apart:
            return min(score, 0.5), f"different companies of one group: {apart[0]!r} / {apart[1]!r}"
    return score, _why(a, b, words_a, words_b, score, fuzzy, reordered, left_a + left_b)


def _why(
    a: Name, b: Name, words_a: list[tuple[str, float]], words_b: list[tuple[str, float]], score: float,
    fuzzy: bool, reordered: bool, extra: list[tuple[str, float]],
) -> str:  # fmt: skip
    """Every way the two names differ, in words: what a screener reads to accept or dismiss the match."""
    joined = len(words_a) != len(a.tokens) or len(words_b) != len(b.tokens)
    initials = any(w == _INITIALS_WEIGHT for _, w in (*words_a, *words_b))
    reasons = ["same name"] if score >= 0.999 and not extra else []
    if fuzzy:
        reasons.append("spelling differs")
    if initials:
        reasons.append("initials stand for words")
    elif joined:
        reasons.append("words joined differently")
    for token, word_weight in extra:
        kind = "word" if word_weight >= _INITIALS_WEIGHT else "place" if word_weight == PLACE_WEIGHT else "generic word"
        reasons.append(f"{kind} {token!r} in one name only")
    if reordered:
        reasons.append("word order differs")
    if a.forms ^ b.forms:
        reasons.append("legal form differs")
    return ", ".join(reasons) or "same words"


@dataclass(slots=True)
class _Variant:
    listed: Listed
    text: str
    name: Name
    kind: str
    keys: frozenset[str]
    word_keys: tuple[frozenset[str], ...]  # the blocking keys of each distinctive word


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
        self._totals: list[float] = []
        for party in listed:
            for text, kind in _variants(party):
                name = analyse(text)
                if not name.tokens:
                    continue
                position = len(self._variants)
                keys = frozenset(_keys(name))
                word_keys = tuple(_word_keys(t) for t in name.distinctive)
                self._variants.append(_Variant(party, text, name, kind, keys, word_keys))
                self._totals.append(name.total)
                for key in keys:
                    self._blocks[key].append(position)

    def __len__(self) -> int:
        return len(self._variants)

    def candidates(self, name: Name, threshold: float = DEFAULT_THRESHOLD) -> set[int]:
        """Positions of the listed names that share blocking keys with ``name`` and may reach ``threshold``.

        Each distinctive word of ``name`` hits the listed names sharing one of its keys. A listed name
        that some of those words miss has lost their weight: it stays a candidate only if it is long
        enough for the loss to leave ``threshold`` within reach. Joined words, initials and whole-name
        keys are matched as they are.
        """
        empty: list[int] = []
        # A short word may be initials ("SANCO ME"), matched only beside another word: it is not counted lost.
        word_keys = [_word_keys(t) for t in name.distinctive]
        per_word = [
            set().union(*(self._blocks.get(k, empty) for k in keys))
            for token, keys in zip(name.distinctive, word_keys, strict=True)
            if token not in name.shorts
        ]
        found: set[int] = set()
        for key in set(_keys(name, listed=False)).difference(*word_keys):  # joined words, acronyms, the whole name
            found.update(self._blocks.get(key, empty))
        if not per_word:
            for keys in word_keys:
                found.update(*(self._blocks.get(k, empty) for k in keys))
            return found
        hits = Counter(itertools.chain.from_iterable(per_word))
        words = len(per_word)
        slack = 1.0 - threshold
        totals = self._totals
        for position, count in hits.items():
            lost = words - count
            if lost == 0 or lost <= slack * (name.total + totals[position]):
                found.add(position)
        return found

    def screen(self, counterparty: Counterparty, threshold: float = DEFAULT_THRESHOLD) -> list[Match]:
        """The listed parties this counterparty matches at or above ``threshold``, best first, one each."""
        best: dict[int, Match] = {}
        for via in (counterparty.name, *counterparty.aliases):
            name = analyse(via)
            if not name.tokens:
                continue
            keys = frozenset(_keys(name))
            word_keys = [_word_keys(t) for t in name.distinctive]
            for position in self.candidates(name, threshold):
                variant = self._variants[position]
                if not _may_reach(name, variant, threshold, keys, word_keys):
                    continue
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


def _may_reach(a: Name, b: _Variant, threshold: float, keys_a: frozenset[str], words_a: list[frozenset[str]]) -> bool:
    """False when the pair cannot reach ``threshold``; cheap, so most candidates are never scored.

    A distinctive word that shares no blocking key with any word of the other name stays unmatched: a
    weight of 1 lost. Words left over on both sides mean different parties. Joined words and initials
    change the words themselves, so such pairs are always scored.
    """
    name_b = b.name
    if a.numbers != name_b.numbers:
        return False
    if len(a.tokens) == 1 or len(name_b.tokens) == 1:  # an acronym against a name
        return True
    if not a.runs.isdisjoint(name_b.long_words) or not name_b.runs.isdisjoint(a.long_words):
        return True
    if not a.shorts.isdisjoint(name_b.initial_runs) or not name_b.shorts.isdisjoint(a.initial_runs):
        # initials may stand for words, but never match alone: another word must hit
        initials = a.shorts & name_b.initial_runs
        hit = [t for t, word in zip(a.distinctive, words_a, strict=True) if not word.isdisjoint(b.keys)]
        return any(token not in initials for token in hit)
    lost_a = sum(map(b.keys.isdisjoint, words_a))
    lost_b = sum(map(keys_a.isdisjoint, b.word_keys))
    if lost_a and lost_b:
        return False
    total = a.total + name_b.total
    return total - lost_a - lost_b >= threshold * total


@lru_cache(maxsize=65536)
def _word_keys(token: str) -> frozenset[str]:
    sound = skeleton(token)
    return frozenset({"p:" + sound[:_PREFIX], "p:" + token[:_PREFIX], "j:" + sound})


def _keys(name: Name, *, listed: bool = True) -> Iterator[str]:
    tokens = name.tokens
    for token in name.distinctive:
        yield from _word_keys(token)
    # Words split in one name and joined in the other ("sense time" / "sensetime", "da lian" / "dalian"):
    # a run of one side meets a long word of the other, never a word a word, so "technology" blocks nothing.
    for sound in name.runs:
        yield ("r:" if listed else "w:") + sound
    for sound in name.long_words:
        yield ("w:" if listed else "r:") + sound
    if len(tokens) == 1 and not listed:
        yield "a:" + tokens[0]
    elif len(tokens) > 2 and listed:
        yield "a:" + name.initials
    yield "k:" + name.key
