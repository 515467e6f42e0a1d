"""Party and country names: find them in text and normalize them so that reports meet.

"Huawei Technologies Co., Ltd." and "Huawei" must be one party; legal forms and generic words
are stripped for the key, while the longest form seen is kept as an alias.

The name lists are matched as a trie-shaped pattern on lower-cased text: a flat case-insensitive
alternation of sixty names tries every name at every character and would cost more than all the
labelling rules together.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from functools import cache
from typing import NamedTuple

from exportwatch.countries import COUNTRIES, NOT_COUNTRIES
from exportwatch.entity_list.gazetteer import gazetteer, generic

# Parties that recur in export-control news; each maps spelled-out forms and aliases to one name.
KNOWN_PARTIES: dict[str, tuple[str, ...]] = {
    "Huawei": ("huawei technologies", "huawei"),
    "ZTE": ("zte corporation", "zte corp", "zte"),
    "SMIC": (
        "semiconductor manufacturing international corporation",
        "semiconductor manufacturing international",
        "smic",
    ),
    "DJI": ("sz dji technology", "da-jiang innovations", "dji"),
    "Hikvision": ("hangzhou hikvision digital technology", "hikvision"),
    "Dahua": ("zhejiang dahua technology", "dahua technology", "dahua"),
    "YMTC": ("yangtze memory technologies", "yangtze memory", "ymtc"),
    "CXMT": ("changxin memory technologies", "cxmt"),
    "Sugon": ("sugon",),
    "Fujian Jinhua": ("fujian jinhua integrated circuit", "fujian jinhua", "jinhua"),
    "Kaspersky": ("kaspersky lab", "kaspersky"),
    "iFlytek": ("iflytek",),
    "SenseTime": ("sensetime",),
    "Megvii": ("megvii",),
    "Inspur": ("inspur",),
    "Honor": ("honor device",),
    "Hefei Bitland": ("hefei bitland",),
    "Nvidia": ("nvidia",),
    "Qualcomm": ("qualcomm",),
    "Intel": ("intel corporation", "intel"),
    "Micron": ("micron technology", "micron"),
    "Microsoft": ("microsoft",),
    "Samsung": ("samsung china semiconductor", "samsung"),
    "SK hynix": ("sk hynix", "sk hynix semiconductor"),
    "AMD": ("advanced micro devices", "amd"),
    "Applied Materials": ("applied materials",),
    "Lam Research": ("lam research",),
    "TSMC": ("taiwan semiconductor manufacturing", "tsmc"),
    "Institute of Forensic Science of China": ("institute of forensic science",),
    "Wuxi Jiangnan Institute of Computing Technology": ("wuxi jiangnan institute of computing technology",),
    "Higon": ("higon",),
    "NUDT": ("national university of defense technology", "nudt"),
    "Rostec": ("rostec",),
    "Aeroflot": ("aeroflot",),
    "Mahan Air": ("mahan air",),
    # Licence holders and listed parties that recur in the news of 2020 to 2025.
    "COMAC": ("commercial aircraft corporation of china", "comac"),
    "GE Aerospace": ("ge aerospace", "general electric"),
    "Westinghouse": ("westinghouse electric", "westinghouse"),
    "Sony": ("sony",),
    "OmniVision": ("omnivision",),
    "MediaTek": ("mediatek",),
    "Kioxia": ("kioxia",),
    "Cadence": ("cadence design systems", "cadence design", "cadence"),
    "Synopsys": ("synopsys",),
    "Siemens EDA": ("siemens eda", "siemens"),
    "Sandvine": ("sandvine",),
    "G42": ("g42",),
    "Zhipu AI": ("zhipu ai", "zhipu"),
    "Sophgo": ("sophgo",),
    "NSO Group": ("nso group",),
    "Candiru": ("candiru",),
}

_LEGAL_FORMS = re.compile(
    r"\b(co|company|corp|corporation|inc|incorporated|ltd|limited|llc|plc|gmbh|ag|sa|s\.a|jsc|pjsc|ojsc|"
    r"group|holdings?|technologies|technology|tech|international)\b\.?",
    re.IGNORECASE,
)
_PUNCT = re.compile(r"[^\w\s&-]+")
_SPACE = re.compile(r"\s+")


_Node = dict[str, "_Node"]


def _trie(words: Iterable[str]) -> str:
    """A pattern matching any of ``words`` (lower case), shaped as a trie and preferring the longest.

    Examples
    --------
    >>> _trie(["zte", "ztec", "zhe"])
    'z(?:he|te(?:c)?)'
    """
    root: _Node = {}
    for word in words:
        node = root
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def pattern(node: _Node) -> str:
        branches = [re.escape(char) + pattern(child) for char, child in sorted(node.items()) if char]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if "" in node else body

    return pattern(root)


class _Words:
    r"""Whole words or phrases of a list, found as ``\b(word|...)\b`` finds them in three quarters of the time.

    A scan for a pattern that starts with ``\b`` calls the matcher at every character; one that starts with the
    character before the word (``\W``) lets the engine skip in C to the next non-word character. The text's start,
    which has no character before it, is tried on its own. Every word starts and ends with a word character, so a
    match never needs the character the one before it ended on. The word is group 1: ``start(1)``, ``end(1)``.
    """

    def __init__(self, words: Iterable[str]) -> None:
        words = list(words)
        if not all(_WORD_EDGES.fullmatch(word) for word in words):
            raise ValueError("every word must start and end with a word character")
        trie = _trie(words)
        self._at_start = re.compile(rf"\b({trie})\b")
        self._after = re.compile(rf"\W({trie})\b")

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        """The matches, left to right, as the word-boundary pattern gives them."""
        first = self._at_start.match(text)
        if first:
            yield first
        yield from self._after.finditer(text, first.end() if first else 0)

    def search(self, text: str) -> re.Match[str] | None:
        """The first match, or None."""
        return self._at_start.match(text) or self._after.search(text)


_WORD_EDGES = re.compile(r"\w(?:.*\w)?", re.DOTALL)
_ALIAS_INDEX: list[tuple[str, str]] = sorted(
    ((alias, name) for name, aliases in KNOWN_PARTIES.items() for alias in aliases),
    key=lambda pair: -len(pair[0]),
)
# Matched against lower-cased text.
_KNOWN = _Words(alias for alias, _ in _ALIAS_INDEX)
_ALIAS_TO_NAME = dict(_ALIAS_INDEX)
_KNOWN_KEYS = frozenset(name.lower() for name in KNOWN_PARTIES)

# Named parties in rule text: "Foo Bar Co., Ltd." or "Foo Technologies Corporation".
_LEGAL_NAME_RE = re.compile(
    r"\b((?:[A-Z][\w&'.-]*\s){1,6}?(?:Co\.,?\s?Ltd\.?|Company|Corporation|Corp\.|Inc\.|Ltd\.|Limited|LLC|JSC|GmbH|Airlines|Airways))"
)
# The legal forms _LEGAL_NAME_RE ends with: text without any cannot match, and the scan is slow.
_LEGAL_FORM_HINT = re.compile(r"Co\.|Company|Corp|Inc\.|Ltd|Limited|LLC|JSC|GmbH|Airlines|Airways")


def entity_key(name: str) -> str:
    """Return the comparison key of a party name (lower case, no legal form or punctuation).

    Examples
    --------
    >>> entity_key("Huawei Technologies Co., Ltd.")
    'huawei'
    """
    known = canonical_name(name)
    if known:
        return known.lower()
    key = _LEGAL_FORMS.sub(" ", name.lower())
    key = _PUNCT.sub(" ", key)
    return _SPACE.sub(" ", key).strip()


def canonical_name(name: str) -> str | None:
    """Return the canonical form of a known party, or None."""
    match = _KNOWN.search(name.lower())
    return _ALIAS_TO_NAME[match.group(1)] if match else None


def find_parties(text: str) -> list[str]:
    """Return the parties named in ``text``, canonical and de-duplicated, in order of mention."""
    return read_parties(text).named


class Parties(NamedTuple):
    """The parties a text names, each list canonical and de-duplicated.

    ``confirmed``: by the known table, the Entity List or a legal form; ``stated``: those of them in the text's first
    ``within`` characters; ``named``: all, those in the first ``within`` characters first, confirmed before those only
    the shape of a list gives ("airlines Aeroflot, Utair and Azur Air": Utair, Azur Air).
    """

    stated: list[str]
    confirmed: list[str]
    named: list[str]


_Found = list[tuple[int, str, str]]  # where a name starts, its key, the name


def read_parties(text: str, within: int | None = None, *, lists: bool = True) -> Parties:
    """The parties ``text`` names (see :class:`Parties`); ``within`` defaults to the whole text.

    ``lists=False`` reads confirmed names only: text read for want of a better place (a story's later sentences)
    is not worth the cost of reading lists.
    """
    within = len(text) if within is None else within
    text = _without_context(text)
    confirmed = _confirmed(text)
    if not lists:
        return Parties(_unique(confirmed), _unique(confirmed), _unique(confirmed))
    keys = {key for _start, key, _name in confirmed}
    listed: _Found = []
    for start, raw in [*_enumerations(text), *_listed_with(text, [start for start, _k, _n in confirmed])]:
        name = canonical_name(raw) or raw
        key = entity_key(name)
        # "SK" read from "Samsung and SK hynix": the start of a name already found is no party of its own.
        if key not in keys and not any(other.startswith(key + " ") for other in keys):
            listed.append((start, key, name))
    early = [found for found in (*confirmed, *listed) if found[0] < within]
    late = [found for found in (*confirmed, *listed) if found[0] >= within]
    stated = _unique(found for found in confirmed if found[0] < within)
    return Parties(stated, _unique(confirmed), _unique([*early, *late]))


def _unique(found: Iterable[tuple[int, str, str]]) -> list[str]:
    names: dict[str, str] = {}
    for _start, key, name in found:
        names.setdefault(key, name)
    return list(names.values())


def _confirmed(text: str) -> _Found:
    """Names the known table, the Entity List (every listed name and alias) or a legal form confirms."""
    found: _Found = []
    for match in _KNOWN.finditer(text.lower()):
        name = _ALIAS_TO_NAME[match.group(1)]
        found.append((match.start(1), name.lower(), name))
    for start, _end, listed in gazetteer().spans(text):
        found.append((start, entity_key(listed.name), listed.name))
    if _LEGAL_FORM_HINT.search(text):
        for match in _LEGAL_NAME_RE.finditer(text):
            raw = match.group(1).strip().rstrip(",")
            key = entity_key(raw)
            # "US Blacklists Chinese AI Company": a headline's capitals, not a name (no name starts "US" or "The").
            if canonical_name(raw) or len(key) < 3 or key in _STOP_PARTIES or raw.split()[0].lower() in _NOT_NAMES:
                continue
            found.append((match.start(1), key, raw))
    return found


# Names listed after a noun for organisations or after a cue: "airlines Aeroflot, Utair and Azur Air", "36 firms
# added to the Entity List, among them Yangtze Memory Technologies and Shanghai Micro Electronics Equipment",
# "chipmaker Qualcomm". A singular "firm" or "company" is left out: "law firm Husch Blackwell", "holding company".
_ORG_NOUN = (
    r"(?:companies|firms|entities|organi[sz]ations|institutes|institutions|affiliates|subsidiaries|units|"
    r"(?:chip|drone|phone|server|equipment|memory|tool)?makers?|manufacturers?|airlines?|carriers?|giants?)"
)
_ORG_NOUN_RE = re.compile(rf"\b{_ORG_NOUN}\b")
_DESCRIPTION = re.compile(
    r"(?:chip|drone|phone|server|equipment|memory|tool)?makers?|manufacturers?|suppliers?|compan(?:y|ies)|firms?|"
    r"entit(?:y|ies)|organi[sz]ations?|businesses|others"
)
_CUE = r"(?:including|among them|among which|such as|led by)"
# "US companies such as Nvidia", "American chipmakers": the suppliers an action hits, not the parties it names.
_AMERICAN = re.compile(r"\b(?:U\.?S\.?|American)\s+(?:[\w-]+\s+)?$")  # just before the noun
# A capitalised opener ("... Azur Air The US Department said") starts the next sentence, not more of the name.
_OPENER = r"(?!(?:The|A|An|On|In|At|As|By|For|From|When|While|But|After|Before|It|Its|This|That|US|U\.S\.)\b)"
_WORD = r"(?:[A-Z]|[a-z][A-Z])[\w&'.-]*"  # "iFlytek" too
_NAME = rf"{_WORD}(?: (?:(?:of|for) )?{_OPENER}(?:{_WORD}|\d+)){{0,5}}"
_LIST = rf"(?:(?:units|subsidiaries|affiliates) of )?(?:the )?({_NAME}(?:, (?:the )?{_NAME})*(?:,? (?:and|&) (?:the )?{_NAME})?)"
_AFTER_NOUN = re.compile(rf"\b{_ORG_NOUN}(,)?(?: ({_CUE}))?,? {_LIST}")
_AFTER_CUE = re.compile(rf"\b{_CUE},? {_LIST}")
# Where a list can start, found with str.find: a scan with the alternation itself costs more than the rest.
_NOUN_STEMS = (
    "compan", "firms", "entit", "organi", "institu", "affiliat", "subsidiar", "units", "maker", "manufactur",
    "airline", "carrier", "giant",
)  # fmt: skip
_CUE_STEMS = ("including", "among ", "such as", "led by")
_SENTENCE_END = re.compile(r"(?<!\b[A-Z])\.\s(?!Ltd|Limited|Inc|Corp)")
_ITEM_SPLIT = re.compile(r", (?:and |& )?(?:the )?| (?:and|&) (?:the )?")
_AND = re.compile(r" (?:and|&) ")
# Capitalised words after an organisation noun that start no party: places, agencies, days, outlets, titles.
_NOT_NAMES = frozenset(
    re.findall(
        r"\S+",
        """us u.s. usa american chinese russian the a an in on at for with by to from of and it its their his her this
        that when while as but after before if commerce department bureau bis treasury ofac state pentagon congress
        white house ministry washington beijing monday tuesday wednesday thursday friday saturday sunday january
        february march april may june july august september october november december reuters bloomberg xinhua nikkei
        cnbc entity unverified military president secretary chief ceo executive founder chairman spokesman
        spokesperson minister senator others""",
    )
)


def enumerated(text: str) -> list[str]:
    """Names a text lists after a noun for organisations, or after a cue that follows one in the same sentence.

    The list stops at the first item that is not a name ("airlines On June 24, the Bureau ..." lists nothing); after
    a bare comma ("three airlines, Nordwind, Pobeda and S7") only two or more names joined by "and" count.
    """
    return list(dict.fromkeys(name for _start, name in _enumerations(text)))


def _enumerations(text: str) -> list[tuple[int, str]]:
    names: list[tuple[int, str]] = []
    for start in _word_starts(text, _NOUN_STEMS):
        match = _AFTER_NOUN.match(text, start)
        if match and not _AMERICAN.search(text, max(0, start - 12), start):
            bare_comma = bool(match.group(1)) and not match.group(2)
            names += [(start, name) for name in _list_items(match.group(3), several=bare_comma)]
    for start in _word_starts(text, _CUE_STEMS):
        match = _AFTER_CUE.match(text, start)
        before = _SENTENCE_END.split(text[max(0, start - 100) : start])[-1]
        nouns = list(_ORG_NOUN_RE.finditer(before))
        # "24 companies ... in China, Hong Kong and the Cayman Islands, including": a comma, then the cue.
        if match and before.endswith(", ") and nouns and not _AMERICAN.search(before, 0, nouns[-1].start()):
            names += [(start, name) for name in _list_items(match.group(1))]
    return names


def _word_starts(text: str, stems: tuple[str, ...]) -> list[int]:
    """The starts of the words of ``text`` that contain one of ``stems`` ("chipmaker" for "maker"), in order."""
    starts = set()
    for stem in stems:
        at = text.find(stem)
        while at >= 0:
            start = at
            while start and text[start - 1].isalpha():
                start -= 1
            starts.add(start)
            at = text.find(stem, at + len(stem))
    return sorted(starts)


# Names a sentence gives as context, not as parties acted on: "harm to U.S. suppliers such as Qualcomm and
# Broadcom" (tied to the party), "joining more than 260 Chinese businesses including Huawei", "following
# Huawei's blacklisting" and "mirroring earlier moves against Samsung and SK Hynix" (earlier actions), "AMD's
# joint-venture partner Higon" (AMD only relates the party), "shares of chipmakers including Qualcomm rose"
# (a market's reaction), "neither LG Display nor SK Hynix has been approved" (not acted on).
_POSSESSED = r"(?:'s|’s) (?:joint[- ]venture )?"
# Each pattern with the cue it needs: a cheap search for the cue (a literal, found in C) decides whether the pattern,
# which tries a name at every capital, is run at all. Most texts hold none of the cues. A cue has no leading \b: a
# pattern that starts with \b gets no literal prefix and is tried at every character; a cue found inside a word
# costs a substitution that changes nothing. Compiled on first use: a handler's cold start does not pay for them.
_CONTEXT_SOURCES = (
    (
        r"(?:suppliers|vendors|exporters|customers|partners),? (?:such as|like|including) ",
        rf"\b(?:suppliers|vendors|exporters|customers|partners),? (?:such as|like|including) {_LIST}",
    ),
    (r"join(?:s|ing)\b", rf"\bjoin(?:s|ing)\b[^.;]{{0,80}}?\b(?:including|such as|like) {_LIST}"),
    (
        rf"{_POSSESSED}(?:blacklisting|listing|designation|addition)\b",
        rf"\b(?:following|after|like|as with) ({_NAME}){_POSSESSED}(?:blacklisting|listing|designation|addition)\b",
    ),
    (
        rf"{_POSSESSED}(?:partner|rival|competitor|supplier|customer|client)\b",
        rf"({_NAME}){_POSSESSED}(?:partner|rival|competitor|supplier|customer|client)\b",
    ),
    (r"[Ss]hares of ", rf"\b[Ss]hares of [^.;]{{0,60}}?\b(?:including|such as|like) {_LIST}"),
    (
        r"(?:earlier|previous|prior|similar) ",
        r"\b(?:earlier|previous|prior|similar) (?:U\.?S\.? )?(?:moves|actions|steps|restrictions|curbs|measures) "
        rf"(?:against|on|targeting) (?:the )?({_NAME}(?:,? (?:and|&) (?:the )?{_NAME})?)",
    ),
    (r"[Nn]either ", rf"\b[Nn]either ({_NAME}) nor ({_NAME})"),
)


@cache
def _contexts() -> tuple[tuple[tuple[str, ...], re.Pattern[str], re.Pattern[str]], ...]:
    """Each pattern with its cue, and the literals one of which every match of the cue holds (checked in C first)."""
    return tuple(
        (stems, re.compile(cue), re.compile(pattern))
        for stems, (cue, pattern) in zip(_CONTEXT_STEMS, _CONTEXT_SOURCES, strict=True)
    )


_CONTEXT_STEMS = (
    ("suppliers", "vendors", "exporters", "customers", "partners"),
    ("join",),
    ("'s ", "’s "),
    ("'s ", "’s "),
    ("hares of",),
    ("earlier", "previous", "prior", "similar"),
    ("either",),
)


def _without_context(text: str) -> str:
    """``text`` with the names it gives as context blanked out (same length: positions hold); see ``_CONTEXT_SOURCES``."""

    def blank(match: re.Match[str]) -> str:
        kept = list(match.group())
        for group in range(1, (match.re.groups or 0) + 1):
            if match.group(group) is not None:
                kept[match.start(group) - match.start() : match.end(group) - match.start()] = " " * len(
                    match.group(group)
                )
        return "".join(kept)

    for stems, cue, pattern in _contexts():
        if any(map(text.__contains__, stems)) and cue.search(text):
            text = pattern.sub(blank, text)
    return text


_SIBLINGS = re.compile(rf"{_NAME}(?:, (?:the )?{_NAME})*,? (?:and|&) (?:the )?{_NAME}")


def _listed_with(text: str, starts: Iterable[int]) -> list[tuple[int, str]]:
    """The names listed together with a known party, which leads the list ("Aeroflot, Utair and Azur Air")."""
    names: list[tuple[int, str]] = []
    for start in sorted(set(starts)):
        match = _SIBLINGS.match(text, start)
        if match:
            names += [(start, name) for name in _list_items(match.group(), several=True)]
    return names


def _list_items(listed: str, *, several: bool = False) -> list[str]:
    """The names of a list, up to the first item that is not one; none unless ``several`` are joined by "and"."""
    listed = _SENTENCE_END.split(listed, 1)[0]
    items = [item.strip(" .,") for item in _ITEM_SPLIT.split(listed)]
    if several and (len(items) < 2 or not _AND.search(listed)):
        return []
    names = []
    for item in items:
        item = _BASED.sub("", item)  # "UAE-based Crynofist Aviation"
        if not _is_name(item):
            break
        names.append(item)
    return names


_BASED = re.compile(r"^[\w.]+-based\s+")
_DESCRIBED = re.compile(r"[A-Z][\w.]*-[a-z]{2,}")


def _is_name(name: str) -> bool:
    words = name.split()
    if not words or words[0].lower() in _NOT_NAMES or "'s" in name or "’s" in name:
        return False
    key = entity_key(name)
    if len(key) < 2 or key in _STOP_PARTIES or (len(words) == 1 and find_countries(name)):
        return False
    if len(words) == 1 and len(name) == 2 and name.isalpha():  # "AI start-ups", "the EU": no party's name
        return False
    if len(words) == 1 and _DESCRIBED.fullmatch(name):  # "European-made (engines)", "Chinese-origin": a description
        return False
    # A headline's capitals make a description look like a name: "Commercial Drone Manufacturer", "Chinese Firms".
    # A list gives context enough for three generic words ("Shanghai Micro Electronics Equipment"), not two.
    return not (len(words) < 3 and generic(name)) and not _DESCRIPTION.fullmatch(words[-1].lower())


_FORM_TAIL = re.compile(
    r"(?:[ ,]+(?:Technologies|Technology|Tech|Co\.?|Ltd\.?|Limited|Inc\.?|Corporation|Corp\.?|Company|Group|"
    r"Holdings?|International|Semiconductor|Manufacturing|Digital|Device|Lab|Innovations))+"
)
_ABBREVIATION = re.compile(r"\s*\(([A-Z][A-Za-z0-9&-]{1,12})\)")


def find_aliases(text: str, names: Iterable[str], limit: int = 5) -> dict[str, tuple[str, ...]]:
    """The other forms under which ``text`` names each party: legal names and abbreviations.

    Examples
    --------
    >>> find_aliases("Huawei Technologies Co., Ltd. (Huawei) and ...", ["Huawei"])
    {'Huawei': ('Huawei Technologies Co., Ltd.',)}
    """
    wanted = {name.lower(): name for name in names if name in KNOWN_PARTIES}
    if not wanted:  # only the known parties' forms are looked for: no scan of the text
        return {}
    forms: dict[str, dict[str, None]] = {}
    if wanted.keys().isdisjoint(_KNOWN_KEYS):
        return {}  # only the known parties' forms are looked for: no scan for the others
    lowered = text.lower()
    for match in _KNOWN.finditer(lowered):
        name = _ALIAS_TO_NAME[match.group(1)]
        if name.lower() not in wanted:
            continue
        end = match.end(1)
        tail = _FORM_TAIL.match(text, end)
        if tail:
            end = tail.end()
        surface = text[match.start(1) : end].strip(" ,")
        seen = forms.setdefault(name, {})
        if surface.lower() != name.lower():
            seen.setdefault(surface, None)
        abbreviation = _ABBREVIATION.match(text, end)
        if abbreviation and abbreviation.group(1).lower() != name.lower():
            seen.setdefault(abbreviation.group(1), None)
    return {name: tuple(list(found)[:limit]) for name, found in forms.items() if found}


_STOP_PARTIES = {"the", "commerce", "department", "the commerce", "federal register", "u", "us", "the u s"}


# Matched against lower-cased text.
_COUNTRY_OF = {word: country.code for country in COUNTRIES for word in country.words}
_COUNTRIES = _Words([*_COUNTRY_OF, *NOT_COUNTRIES])


def find_countries(text: str) -> list[str]:
    """Return ISO 3166-1 alpha-2 codes of the countries named in ``text``, in order of mention."""
    codes: dict[str, None] = {}
    for match in _COUNTRIES.finditer(text.lower()):
        code = _COUNTRY_OF.get(match.group(1))  # None for "Australia Group", "New Mexico"
        if code:
            codes.setdefault(code, None)
    return list(codes)


def watch_keys(names: Iterable[str]) -> frozenset[str]:
    """Entity keys of the parties a deployment watches (``WATCHED_ENTITIES``)."""
    return frozenset(entity_key(n) for n in names if n.strip())
