"""Who a news item's action is taken on: a trained choice among the names its headline and lede give.

Rules that read parties from the shapes of a lede ("airlines Aeroflot, Utair and Azur Air", "added X, Y and
Z") fit the corpus they were written on (recall 0.89) and found three parties in four in news they had never
seen: outlets name parties in more shapes than rules can list. Here every run of capitalised words in the
title and lede is a candidate, described by its words, its neighbours, where it stands, whether a list knows
it and whether the rules chose it; a logistic regression, fitted offline on the annotated parties of the
training corpora (``make train``), keeps those likely to be parties. Candidates and features are built here
for training and for classification alike, and the weights (``party_model.json``) are read with the standard
library. Federal Register documents keep the rules' parties: their entries come from the rule text.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path

from exportwatch.classify.model import Linear
from exportwatch.classify.parties import canonical_name, find_countries, party_key
from exportwatch.classify.rules import UNDOES
from exportwatch.entity_list.gazetteer import gazetteer

MODEL_PATH = Path(__file__).with_name("party_model.json")
LEDE_SENTENCES = 4  # the lede names an action's parties; later sentences are background
# A word that starts with a capital ("Huawei", "U.S."), mixes case ("iFlytek") or is a numbered name ("3D"), or a
# parenthesised form ("(Pty)", "(Hong Kong)").
_CAPITALISED = r"(?:[^\W\d_a-z]|[a-z]+[A-Z]|\d+[A-Za-z])[\w&'’.@/-]*"  # "Škoda" and "Ürümqi" too
_FORM = r"(?:Ltd|Limited|Inc|LLC|Co|Corp|S\.A|GmbH|JSC|PJSC|Pvt|Pty|plc)\b"
_RUN = re.compile(
    rf"(?<![\w.-]){_CAPITALISED}(?:(?:\s+(?:of|for|de|del|la|du|von)\s+|\s+|-|,\s+(?={_FORM}))"
    rf"(?:{_CAPITALISED}|\([A-Z][\w .&'-]{{0,24}}\)))*"
)
_RUN_WORD = re.compile(r"\([^()]*\)|[^\s,]+")
_CONNECTORS = frozenset(("of", "for", "de", "del", "la", "du", "von"))
_POSSESSIVES = ("'s", "’s", "'", "’")  # a closing quote ends a name as a plural's possessive does
_ABBREVIATION = re.compile(r"(?:[A-Z]\.)+|(?:Co|Corp|Inc|Ltd|Bhd|Pty|Pvt|Jr|St|No)\.", re.IGNORECASE)
# Capitalised words that start no party and end any name before them: headline verbs, agencies, places' adjectives,
# the words of a headline's frame. A name broken at one still counts its other words (``cut``).
_BREAKS = frozenset(
    re.findall(
        r"\S+",
        """us u.s. u.s usa america american china chinese russia russian bis commerce department dept bureau adds add
    added adding blacklists blacklisted blacklist removes removed remove lists listed targets hits puts put bans banned
    grants granted denies denied revokes revoked extends extended says said to on from with over after amid as in at
    by for new more its their the a an and or but shares stocks report reports exclusive update breaking sanctions
    sanctioned curbs curb restricts restrictions export exports controls control entity list trade firms companies
    entities company firm chinese-made""",
    )
)
_PLACES = frozenset(("china", "chinese", "russia", "russian", "america", "american", "usa"))
# Capitalised words that are no party standing alone, though names may hold them ("Xinjiang Public Security Bureau",
# "Washington Post"): days, months, the halves of "Bureau of Industry and Security", outlets, capitals, programmes.
_NOT_ALONE = frozenset(
    re.findall(
        r"\S+",
        """monday tuesday wednesday thursday friday saturday sunday january february march april may june july august
        september october november december jan feb mar apr jun jul aug sep sept oct nov dec industry security reuters
        bloomberg xinhua washington beijing it state treasury congress ai ear ears ofac itar eccn eccns pentagon""",
    )
)
_LEGAL = re.compile(
    r"\b(?:co|corp|corporation|inc|ltd|limited|llc|company|group|holdings?|technolog(?:y|ies)|jsc|gmbh|airlines?)\b\.?$",
    re.IGNORECASE,
)
_ORG_NOUN = re.compile(
    r"\b(?:compan|firm|entit|organi|institut|affiliat|subsidiar|units|maker|manufactur|airline|carrier|giant|"
    r"including|such as|among)",
    re.IGNORECASE,
)
# Words of an action, looked for in the lower-cased line with ``in`` (several times faster than one alternation).
_ACTION = ("entity list", "blacklist", "licenc", "licens", "added", "adds", "removed", "denial", "restrict", "sanction",
           "export")  # fmt: skip


@dataclass(frozen=True, slots=True)
class Context:
    """What the choice reads: the lines, the clauses that recall the past, what the rules read and the labels."""

    title: str
    sentences: tuple[str, ...]
    named: tuple[str, ...] = ()  # the rules' parties (``parties.Parties.named``)
    stated: tuple[str, ...] = ()  # of them, those confirmed where the action is stated
    labels: tuple[str, ...] = ()
    past: frozenset[str] = frozenset()  # clauses of the lede that recall an earlier action (``labels._lede``)


@dataclass(slots=True)
class Candidate:
    """One name the item gives, with every feature its mentions have; ``first`` orders the chosen ones."""

    name: str
    key: str
    first: int
    features: set[str] = field(default_factory=set)
    mentions: int = 0


def candidates(context: Context) -> list[Candidate]:
    """Every name in the title and lede, and every party the rules read, each once with all its features."""
    found: dict[str, Candidate] = {}
    offset = 0
    # Only a removal or a revision undoes or changes an earlier action: there a recalled clause may name its party
    # ("the institute had been listed in 2020"), as the rules read it (``labels._lede``).
    undoes = not UNDOES.isdisjoint(context.labels)
    lines = [("t", context.title), *((f"s{min(i, 3)}", s) for i, s in enumerate(context.sentences[:LEDE_SENTENCES]))]
    for segment, line in lines:
        marks = {"seg:" + segment}
        lowered = line.lower()
        if any(word in lowered for word in _ACTION):
            marks.add("action_sent")
        if segment == "t" and _title_cased(line):
            marks.add("titlecase")
        past = [
            (at, at + len(clause), bool(_DATED.search(clause)))
            for clause in context.past
            if clause and (at := line.find(clause)) >= 0
        ]
        past += [(*aside.span(), True) for aside in _ASIDE.finditer(line)]
        for start, end, name, cut in _spans(line):
            key = party_key(name)
            recalled = [dated for a, b, dated in past if a <= start < b] if past else past
            if len(key) < 2 or (any(recalled) and not undoes):
                continue  # a clause dating an earlier action ("in 2019", "earlier") names its parties, not this one's
            candidate = found.get(key) or found.setdefault(key, Candidate(name, key, offset + start))
            candidate.mentions += 1
            features = candidate.features
            features |= marks
            features |= _context(line, start, end)
            features |= _shape(name)
            if cut:
                features.add(cut)
            if recalled:
                features.add("past")
        offset += len(line) + 1
    for mark, names in (("rules", context.named), ("stated", context.stated)):
        for name in names:
            key = party_key(name)
            if len(key) >= 2:
                found.setdefault(key, Candidate(name, key, 10**6 + len(found))).features.add(mark)
    labels = ["label:" + label for label in context.labels]
    for candidate in found.values():
        candidate.features.add(f"n:{min(candidate.mentions, 3)}")
        candidate.features.update(labels)
        if "rules" in candidate.features:
            candidate.features.update(label + "&rules" for label in labels)
    return list(found.values())


def _spans(line: str) -> list[tuple[int, int, str, str]]:
    """Runs of capitalised words, broken at headline words (``_BREAKS``), a possessive or a sentence's end.

    Each comes with how its start was cut: "cut" (after a headline word), "after_poss" ("Kyrgyzstan's Tro.Ya") or
    "". A place after "of" stays in the name ("Bank of China"). One expression finds the runs (in C); only their
    words are looked at one by one.
    """
    spans: list[tuple[int, int, str, str]] = []
    for run in _RUN.finditer(line):
        text = run.group()
        if not text[0].isascii() and not text[0].isupper():
            continue  # "über", a word of another script: no capital, no name
        single = " " not in text and "," not in text
        if single and ((bare := _bare(text)) in _BREAKS or bare in _NOT_ALONE):
            continue  # most runs are one word, and most one-word runs a sentence's or headline's frame
        start = run.start()
        before = line[max(0, start - 30) : start].split()
        cut = "cut" if before and _bare(before[-1]) in _BREAKS else ""
        if single and not text.endswith(_POSSESSIVES) and "." not in text[:-1]:
            name = text if text[-1] != "." or _ABBREVIATION.fullmatch(text) else text.rstrip(".")
            if name:
                spans.append((start, start + len(name), name, cut))
            continue
        piece: list[tuple[int, int]] = []
        words = list(_RUN_WORD.finditer(line, run.start(), run.end()))
        for index, word in enumerate(words):
            text = word.group()
            if text in _CONNECTORS:
                if piece:
                    piece.append(word.span())
                continue
            bare = _bare(text)
            leads = (
                not piece
                and bare in _PLACES
                and not text.endswith(_POSSESSIVES)  # "China's SMIC": the place of a name, not its start
                and index + 1 < len(words)
                and _bare(words[index + 1].group()) not in _BREAKS
            )
            if bare in _BREAKS and not leads and not (piece and line[piece[-1][0] : piece[-1][1]] in _CONNECTORS):
                _close(line, piece, cut, spans)
                piece, cut = [], "cut"
                continue
            if text.endswith(_POSSESSIVES):
                piece.append((word.start(), word.end() - _possessive(text)))
                _close(line, piece, cut, spans)
                piece, cut = [], "after_poss"
                continue
            piece.append(word.span())
            if text[-1] == "." and not _ABBREVIATION.fullmatch(text):
                _close(line, piece, cut, spans)
                piece, cut = [], ""
        _close(line, piece, cut, spans)
    return spans


def _close(line: str, piece: list[tuple[int, int]], cut: str, spans: list[tuple[int, int, str, str]]) -> None:
    while piece and line[piece[-1][0] : piece[-1][1]] in _CONNECTORS:
        piece.pop()
    if not piece:
        return
    start, end = piece[0][0], piece[-1][1]
    last = line[piece[-1][0] : end]
    name = line[start:end] if _ABBREVIATION.fullmatch(last) else line[start:end].rstrip(".-")
    if name.strip("."):
        spans.append((start, start + len(name), name, cut))


@lru_cache(maxsize=16384)  # words recur; a look-up costs less than the stripping; bounded
def _bare(word: str) -> str:
    """A word as ``_BREAKS`` lists it: lower case, without its punctuation or possessive."""
    word = word.strip('.,;:"“”').lower()
    return word[: -_possessive(word)] if word.endswith(_POSSESSIVES) else word


def _possessive(word: str) -> int:
    """How many characters of a word that ends in a possessive or closing quote ("Huawei's", "Sugon’") it is."""
    return 2 if word.endswith(("'s", "’s")) else 1


def _context(line: str, start: int, end: int) -> set[str]:
    """The words beside a mention, whether it stands in a list, after an organisation noun or a possessive."""
    before = line[max(0, start - 40) : start].split()[-2:]
    after = line[end : end + 30].split()[:2]
    l1 = before[-1].strip(_PUNCTUATION).lower() if before else "^"
    l2 = (before[-2].strip(_PUNCTUATION).lower() if len(before) > 1 else "^") + "_" + l1
    r1 = after[0].strip(_PUNCTUATION).lower() if after else "$"
    r2 = r1 + "_" + (after[1].strip(_PUNCTUATION).lower() if len(after) > 1 else "$")
    found = {"L1:" + l1, "L2:" + l2, "R1:" + r1, "R2:" + r2}
    if line.startswith(("'s", "’s"), end):
        found.add("poss")
    if start == 0:
        found.add("initial")
    if _ORG_NOUN.search(line, max(0, start - 40), start):
        found.add("orgnoun_left")
    if line.startswith((",", " and ", " &"), end) or line[max(0, start - 6) : start].rstrip().endswith(
        (",", "&", " and")
    ):
        found.add("in_list")
    return found


_PUNCTUATION = ".,;:\"“”()'’"
# An aside on what someone did before: "The department, which has blacklisted several Chinese tech companies
# including Dahua Technology and Hikvision, announced ...". Its names are background, as a dated clause's are.
_ASIDE = re.compile(  # through a list of names ("which has blacklisted Huawei, ZTE and Hikvision, on Friday added")
    r",\s+(?:which|who)\s+(?:has|have|had)\s+(?:also\s+|already\s+|previously\s+)?(?:been\s+)?\w+ed\b"
    r"(?:[^,;]|,(?=\s+[A-Z]))*"
)
# What dates a clause the rules read as recalling the past (``labels._recalls_past``) before the news: a year, "earlier",
# "previously". A past perfect alone ("it said it had added ...") may be the news in reported speech: a feature only.
_DATED = re.compile(
    r"\b(?:in|since|during)\s+(?:(?:early|late|mid)[- ])?(?:19|20)\d\d\b|\bearlier\b|\bpreviously\b|\blast year\b|"
    r"\balready\b",
    re.IGNORECASE,
)
_CONTEXT_WORD = re.compile(r"[A-Za-z][\w'’-]*|\d+")


@lru_cache(maxsize=8192)  # names recur across items; bounded in a warm container
def _shape(name: str) -> frozenset[str]:
    """Features of a name itself: its words, first and last, length, form; whether a list or a country knows it."""
    words = name.split()
    found = {f"ntok:{min(len(words), 4)}", "first:" + words[0].lower(), "last:" + words[-1].lower().strip(".")}
    found.update("w:" + word.lower().strip(".,") for word in words)
    if name.isupper() and len(name) <= 6:
        found.add("acronym")
    if any(char.isdigit() for char in name):
        found.add("digit")
    if _LEGAL.search(name):
        found.add("legal")
    if find_countries(name):
        found.add("country_in")
    if gazetteer().lookup(name):
        found.add("listed")
    if canonical_name(name):
        found.add("known")
    return frozenset(found)


def _title_cased(line: str) -> bool:
    words = [w for w in _CONTEXT_WORD.findall(line) if len(w) > 3]
    return bool(words) and sum(w[0].isupper() for w in words) >= 0.8 * len(words)


@dataclass(frozen=True, slots=True)
class PartyModel:
    """The labels' kind of logistic regression (``model.Linear``), over a candidate's binary features unscaled.

    Only ``Linear.line_score`` applies: its ``margin`` and ``probability`` scale the features, as the labels' are.
    """

    linear: Linear

    def chance(self, features: set[str]) -> float:
        """The probability that a candidate with these features is a party the action is taken on."""
        margin = self.linear.bias + self.linear.line_score(features)
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, margin))))

    def choose(self, context: Context) -> tuple[str, ...]:
        """The parties of the action, in order of first mention; a listed or known party under its one name."""
        threshold = self.linear.threshold
        return in_order([c for c in candidates(context) if self.chance(c.features) >= threshold], context.named)


def in_order(chosen: Iterable[Candidate], named: Sequence[str]) -> tuple[str, ...]:
    """Chosen candidates as parties: in order of first mention, each under one name (training scores them too)."""
    return tuple(dict.fromkeys(_display(c, named) for c in sorted(chosen, key=lambda c: c.first)))


def _display(candidate: Candidate, named: Sequence[str]) -> str:
    """The rules' form of a party where they read it ("Huawei"), else the list's or the known name, else the text's."""
    for name in named:
        if party_key(name) == candidate.key:
            return name
    listed = gazetteer().lookup(candidate.name)
    return canonical_name(candidate.name) or (listed.name if listed else candidate.name)


@cache
def load(path: Path = MODEL_PATH) -> PartyModel | None:
    """The shipped model, read once per process; None when none was trained (the rules' parties stand)."""
    if not path.exists():
        return None
    data = json.loads(path.read_text(encoding="utf-8"))
    weights = {str(k): float(v) for k, v in data["weights"].items()}
    return PartyModel(Linear(float(data["bias"]), weights, float(data["threshold"])))


def with_stated(chosen: Sequence[str], stated: Sequence[str]) -> tuple[str, ...]:
    """The chosen parties, then those the rules confirm where the action is stated and the model left out.

    Stories join on the stated ones, so the alert names them and watchlists are screened against them.
    """
    keys = {party_key(name) for name in chosen}
    return (*chosen, *(name for name in stated if party_key(name) not in keys))


def choose(context: Context) -> tuple[str, ...]:
    """The parties of a news item's action: the shipped model's choice, or the rules' where none is shipped."""
    model = load()
    return model.choose(context) if model else context.named
