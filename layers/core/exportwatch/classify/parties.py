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
from functools import cache, cached_property, lru_cache
from itertools import chain
from typing import NamedTuple

from exportwatch.classify.ascii import Dual
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
        self._words = words

    # Built and compiled on first use, not at import: a poller's cold start does not pay for lists it may never read.
    @cached_property
    def _trie(self) -> str:
        return _trie(self._words)

    @cached_property
    def _patterns(self) -> tuple[tuple[re.Pattern[str], re.Pattern[str]], ...]:
        """The patterns at the text's start and after a character: for other text, then for ASCII text (``ascii``)."""
        at_start, after = Dual(rf"\b({self._trie})\b"), Dual(rf"\W({self._trie})\b")
        return tuple(zip(at_start.variants, after.variants, strict=True))

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        """The matches, left to right, as the word-boundary pattern gives them.

        Mostly the engine's own iterator: a generator around it would cost more than the scan of a short text.
        """
        at_start, after = self._patterns[text.isascii()]
        first = at_start.match(text)
        if first:
            return chain((first,), after.finditer(text, first.end()))
        return after.finditer(text)

    def search(self, text: str) -> re.Match[str] | None:
        """The first match, or None."""
        at_start, after = self._patterns[text.isascii()]
        return at_start.match(text) or after.search(text)


_WORD_EDGES = re.compile(r"\w(?:.*\w)?", re.DOTALL)
_ALIAS_INDEX: list[tuple[str, str]] = sorted(
    ((alias, name) for name, aliases in KNOWN_PARTIES.items() for alias in aliases),
    key=lambda pair: -len(pair[0]),
)
# Matched against lower-cased text.
_KNOWN = _Words(alias for alias, _ in _ALIAS_INDEX)
_ALIAS_TO_NAME = dict(_ALIAS_INDEX)
_KNOWN_KEYS = frozenset(name.lower() for name in KNOWN_PARTIES)

# Named parties in rule text: "Foo Bar Co., Ltd." or "Foo Technologies Corporation". The first word is written out
# and its word boundary checked behind it: a pattern that starts with a capital lets the engine skip in C to the next
# one, one that starts with \b is tried at every character.
_LEGAL_NAME_RE = re.compile(
    r"([A-Z](?<!\w.)[\w&'.-]*\s(?:[A-Z][\w&'.-]*\s){0,5}?(?:Co\.,?\s?Ltd\.?|Company|Corporation|Corp\.|Inc\.|Ltd\.|Limited|LLC|JSC|GmbH|Airlines|Airways))"
)
# The legal forms _LEGAL_NAME_RE ends with: text without any cannot match, and the scan is slow.
_LEGAL_FORM_HINT = re.compile(r"Co\.|Company|Corp|Inc\.|Ltd|Limited|LLC|JSC|GmbH|Airlines|Airways")


@lru_cache(maxsize=8192)  # names recur across items; bounded in a warm container
def party_key(name: str) -> str:
    """One key for every name of a party: a listed party's aliases, brand and legal name fold into its entry.

    "Phytium" and "Tianjin Phytium Information Technology", "Sugon" and "Dawning Information Industry Co.,
    Ltd." are one party to two outlets. Stories join on it; the party model keeps one candidate per key.
    """
    listed = gazetteer().lookup(name)
    return entity_key(listed.name if listed else name)


@lru_cache(maxsize=4096)  # the same few hundred names recur in every item's lists; bounded for a long-lived container
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


@lru_cache(maxsize=4096)  # as entity_key: recurring names, bounded
def canonical_name(name: str) -> str | None:
    """Return the canonical form of a known party, or None."""
    match = _KNOWN.search(name.lower())
    return _ALIAS_TO_NAME[match.group(1)] if match else None


def find_parties(text: str) -> list[str]:
    """Return the parties named in ``text``, canonical and de-duplicated, in order of mention.

    Stories are joined on them: the maker of the goods a story is about ("Nvidia's H20 chips") counts here.
    """
    return read_parties(text, makers=True).named


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


def read_parties(text: str, within: int | None = None, *, lists: bool = True, makers: bool = False) -> Parties:
    """The parties ``text`` names (see :class:`Parties`); ``within`` defaults to the whole text.

    ``lists=False`` reads confirmed names only: text read for want of a better place (a story's later sentences)
    is not worth the cost of reading lists. ``makers=True`` keeps the makers of products the text names.
    """
    within = len(text) if within is None else within
    text = _without_context(text)
    for beside in _BESIDE:
        text = beside.blank(text)
    if within < len(text):
        text = text[:within] + _PENDING.blank(text[within:])
    confirmed = _confirmed(text, makers=makers)
    if not lists:
        return Parties(_unique(confirmed), _unique(confirmed), _unique(confirmed))
    keys = {key for _start, key, _name in confirmed}
    listed: _Found = []
    for start, raw in [*_enumerations(text), *_listed_with(text, [start for start, _k, _n in confirmed])]:
        if _spelled_out(raw, text):
            continue
        name = canonical_name(raw) or _listed_name(raw)
        key = entity_key(name)
        # "SK" read from "Samsung and SK hynix": the start of a name already found is no party of its own.
        # "Myanmar Economic Corporation" beside "Myanmar Economic Holdings": a legal form ends a name, it starts none.
        whole = key != raw.lower()
        if key not in keys and (whole or not any(other.startswith(key + " ") for other in keys)):
            listed.append((start, key, name))
    early = [found for found in (*confirmed, *listed) if found[0] < within]
    late = [found for found in (*confirmed, *listed) if found[0] >= within]
    stated = _unique(found for found in confirmed if found[0] < within)
    return Parties(stated, _unique(confirmed), _unique([*early, *late]))


def _listed_name(raw: str) -> str:
    """The Entity List's name for a name a list gives ("XPCC"), or the name itself: one party, one name."""
    listed = gazetteer().lookup(raw)
    return listed.name if listed else raw


_ACRONYM = re.compile(r"[A-Z]{2,6}")


def _spelled_out(name: str, text: str) -> bool:
    """Whether ``name`` is an acronym whose words ``text`` also spells out.

    "MEC" beside "Myanmar Economic Corporation" is that party once more, not a second one (nor the listed "Mesbah
    Energy Company", whose acronym it also is).
    """
    return bool(_ACRONYM.fullmatch(name)) and _spelling_of(name).search(text) is not None


@lru_cache(maxsize=1024)  # bounded: acronyms come from the text a container reads
def _spelling_of(acronym: str) -> re.Pattern[str]:
    r"""The words an acronym's initials start, compiled once per acronym (acronyms recur across items).

    The first initial leads the pattern, the word boundary before it checked behind: a pattern that starts with a
    literal lets the engine skip in C to where it is, one that starts with ``\b`` is tried at every character.
    """
    initials = r"[\w'-]*\s+(?:(?:of|and|for|the|de)\s+)?".join(acronym)
    return re.compile(rf"{acronym[0]}(?<!\w.){initials[1:]}[\w'-]*")


def _unique(found: Iterable[tuple[int, str, str]]) -> list[str]:
    names: dict[str, str] = {}
    for _start, key, name in found:
        names.setdefault(key, name)
    return list(names.values())


def _confirmed(text: str, *, makers: bool = False) -> _Found:
    """Names the known table, the Entity List (every listed name and alias) or a legal form confirms.

    A name that makes a product ("Nvidia H200 chips", "Huawei's Ascend processors") names the maker of goods the
    action is about, not a party it acts on (unless ``makers``).
    """
    found: _Found = []
    for match in _KNOWN.finditer(text.lower()):
        if not makers and _product(text, match.end(1)):
            continue
        name = _ALIAS_TO_NAME[match.group(1)]
        found.append((match.start(1), name.lower(), name))
    for start, end, listed in gazetteer().spans(text):
        if (not makers and _product(text, end)) or _spelled_out(text[start:end], text):
            continue
        found.append((start, entity_key(listed.name), listed.name))
    if _LEGAL_FORM_HINT.search(text):
        # "Commercial Aircraft Corporation of China": where a known name starts, a legal form ends a shorter one.
        named = {start for start, _key, _name in found}
        for match in _LEGAL_NAME_RE.finditer(text):
            raw = match.group(1).strip().rstrip(",")
            key = entity_key(raw)
            # "US Blacklists Chinese AI Company": a headline's capitals, not a name (no name starts "US" or "The").
            if canonical_name(raw) or len(key) < 3 or key in _STOP_PARTIES or raw.split()[0].lower() in _NOT_NAMES:
                continue
            # "Taiwan Company Used Iranian Airline": a place and a legal form describe a party, they do not name it.
            if generic(raw) or match.start(1) in named:
                continue
            found.append((match.start(1), key, raw))
    return found


# What follows a maker's name in a product's: a possessive or "-made", then model names and the kind of product
# ("Nvidia's H200 and AMD's MI325X chips", "Huawei Ascend AI chips"); in a text about chips, a model name alone
# ("the Nvidia H200 and equivalent chips"; "COMAC C919" elsewhere is the party's own jet). Not where the sales or
# exports are the maker's own ("Nvidia AI chip sales", "Nvidia H200 exports").
_OWN_SALES = r"(?![\w ]{0,20}?\b(?i:sales|exports|shipments)\b)"
_PRODUCT_TAIL = re.compile(
    r"(?:'s|’s|-made|-designed)?(?:,? (?:[A-Z][\w.+-]*|[0-9]+[A-Za-z][\w.+-]*|and|or))*? (?i:AI )?"
    rf"(?i:chips?|processors?|GPUs?|CPUs?|accelerators?|spyware)\b{_OWN_SALES}"
)
_MODEL_TAIL = re.compile(rf"(?:'s|’s)? [A-Z]{{0,4}}[0-9][\w-]*\b{_OWN_SALES}")
_CHIP_WORDS = ("chip", "Chip", "processor", "GPU")


def _product(text: str, end: int) -> bool:
    """Whether the name that ends at ``end`` makes a product named after it."""
    if _PRODUCT_TAIL.match(text, end):
        return True
    return bool(_MODEL_TAIL.match(text, end)) and any(map(text.__contains__, _CHIP_WORDS))


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
_GOVERNMENT = re.compile(r" (?:administration|government|officials)\b")
_CUE = r"(?:including|among them|among which|such as|led by)"
# "US companies such as Nvidia", "American chipmakers": the suppliers an action hits, not the parties it names.
_AMERICAN = re.compile(r"\b(?:U\.?S\.?|American)\s+(?:[\w-]+\s+)?$")  # just before the noun
# A capitalised opener ("... Azur Air The US Department said") starts the next sentence, not more of the name.
_OPENER = r"(?!(?:The|A|An|On|In|At|As|By|For|From|When|While|But|After|Before|It|Its|This|That|US|U\.S\.)\b)"
_WORD = r"(?:[A-Z]|[a-z][A-Z])[\w&'.-]*"  # "iFlytek" too
# A name may carry a place or a form in parentheses: "BGI Tech Solutions (Hongkong)", "Grace Air (Pty) Ltd.".
_NAME = rf"{_WORD}(?: (?:(?:of|for) )?{_OPENER}(?:{_WORD}|\d+|\([A-Z][\w .&-]*\))){{0,5}}"
_LIST = rf"(?:(?:units|subsidiaries|affiliates) of )?(?:the )?({_NAME}(?:, (?:the )?{_NAME})*(?:,? (?:and|&) (?:the )?{_NAME})?)"
_AFTER_NOUN = re.compile(rf"\b{_ORG_NOUN}(,)?(?: ({_CUE}))?,? {_LIST}")
_AFTER_CUE = re.compile(rf"\b{_CUE},? {_LIST}")
# Names an action verb takes ("The Commerce Department added BGI Tech Solutions (Hongkong), BGI Research and Forensic
# Genomics International"), or that it is said of ("Global Training Solutions, Smartech Future and Grace Air were
# listed", "PXW Semiconductor Manufactory Co was also named").
_VERB_STEMS = ("added", "adding", "remov", "listed", "named", "include", "placed", "on the")
_AFTER_VERB = re.compile(
    rf"(?:added|adding|removed|removing|delisted|listed|named|includes?|Among\b[^.;]{{0,100}}? (?:are|were)),? {_LIST}"
)
# Before a participle, a passive's auxiliary (the subject's list ends where it starts).
_PASSIVE = re.compile(r" (?:were|was|are|is|been)(?: also| now)? $")
_SUBJECT = re.compile(rf"{_LIST}$")
# Where a list can start, found with str.find: a scan with the alternation itself costs more than the rest.
_NOUN_STEMS = (
    "compan", "firms", "entit", "organi", "institu", "affiliat", "subsidiar", "units", "maker", "manufactur",
    "airline", "carrier", "giant",
)  # fmt: skip
_CUE_STEMS = ("including", "among ", "such as", "led by")
_SENTENCE_END = re.compile(r"(?<!\b[A-Z])(?<!\bCo)(?<!\bInc)(?<!\bCorp)\.\s(?!Ltd|Limited|Inc|Corp)")
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
        spokesperson minister senator others one two three four five six seven eight nine ten eleven twelve several
        dozens categories category license licence exception section part""",
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
            listed = _list_items(match.group(3), several=bare_comma)
            if listed and _GOVERNMENT.match(text, match.end(3)):
                listed.pop()  # "firms the Trump administration accuses": a government, not a firm
            names += [(start, name) for name in listed]
    if "Among" in text or any(map(text.__contains__, _VERB_STEMS)):
        names += _acted_lists(text)
    for start in _word_starts(text, _CUE_STEMS):
        match = _AFTER_CUE.match(text, start)
        before = _SENTENCE_END.split(text[max(0, start - 100) : start])[-1]
        nouns = list(_ORG_NOUN_RE.finditer(before))
        # "24 companies ... in China, Hong Kong and the Cayman Islands, including": a comma, then the cue.
        if match and before.endswith(", ") and nouns and not _AMERICAN.search(before, 0, nouns[-1].start()):
            names += [(start, name) for name in _list_items(match.group(1))]
    return names


def _acted_lists(text: str) -> list[tuple[int, str]]:
    """Names listed as an action verb's object or as the subject it is said of (see ``_AFTER_VERB``)."""
    names: list[tuple[int, str]] = []
    for stem in _VERB_STEMS if "Among" not in text else (*_VERB_STEMS, "Among"):
        at = text.find(stem)
        while at >= 0:
            match = _AFTER_VERB.match(text, at)
            if match is None and (passive := _PASSIVE.search(text, max(0, at - 16), at)):
                match = _SUBJECT.search(text, _clause_start(text, passive.start(), _REACH), passive.start())
            if match and not _title_cased(text, match.start(1), match.end(1)):
                names += [(match.start(1), name) for name in _list_items(match.group(1))]
            at = text.find(stem, at + len(stem))
    return names


def _clause_start(text: str, at: int, reach: int) -> int:
    """Where the clause that ``at`` is in starts: after a sentence's end ("Inc. will" ends none) or a semicolon.

    At most ``reach`` characters back: a list of names said of by what follows it is never longer.
    """
    first = max(0, at - reach)
    end = at
    while (end := text.rfind(". ", first, end)) >= 0 and _ABBREVIATED.search(text, max(0, end - 5), end):
        pass
    end = max(end, text.rfind("; ", first, at))
    return end + 2 if end >= 0 else first


_REACH = 200


_ABBREVIATED = re.compile(r"\b(?:Inc|Corp|Co|Ltd|[A-Z])$")


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
# Each pattern with the cue it needs, and the literals one of which every match of the cue holds: a cheap search for the cue (a literal, found in C) decides whether the pattern,
# which tries a name at every capital, is run at all. Most texts hold none of the cues. A cue has no leading \b: a
# pattern that starts with \b gets no literal prefix and is tried at every character; a cue found inside a word
# costs a substitution that changes nothing. Compiled on first use: a handler's cold start does not pay for them.
_CONTEXT_SOURCES = (
    (
        ("suppliers", "vendors", "exporters", "customers", "partners"),
        r"(?:suppliers|vendors|exporters|customers|partners),? (?:such as|like|including) ",
        rf"\b(?:suppliers|vendors|exporters|customers|partners),? (?:such as|like|including) {_LIST}",
    ),
    ((), r"join(?:s|ing)\b", rf"\bjoin(?:s|ing)\b[^.;]{{0,80}}?\b(?:including|such as|like) {_LIST}"),
    (
        ("'s ", "’s "),
        rf"{_POSSESSED}(?:blacklisting|listing|designation|addition)\b",
        rf"\b(?:following|after|like|as with) ({_NAME}){_POSSESSED}(?:blacklisting|listing|designation|addition)\b",
    ),
    (
        ("'s ", "’s "),
        rf"{_POSSESSED}(?:partner|rival|competitor|supplier|customer|client)\b",
        rf"({_NAME}){_POSSESSED}(?:partner|rival|competitor|supplier|customer|client)\b",
    ),
    ((), r"hares of ", rf"\b[Ss]hares of [^.;]{{0,60}}?\b(?:including|such as|like) {_LIST}"),
    (
        ("earlier", "previous", "prior", "similar"),
        r"(?:earlier|previous|prior|similar) ",
        r"\b(?:earlier|previous|prior|similar) (?:U\.?S\.? )?(?:moves|actions?|steps|restrictions|curbs|measures) "
        rf"(?:against|on|targeting) (?:the )?({_NAME}(?:,? (?:and|&) (?:the )?{_NAME})?)",
    ),
    ((), r"either ", rf"\b[Nn]either ({_NAME}) nor ({_NAME})"),
    # Others than the party, named beside it: "Intel and AMD would also be eligible", "it will also apply to AMD and
    # Intel", "Intel Corp. and AMD will be allowed to sell on similar terms", "a similar approach to AMD and Intel",
    # "AMD and Intel to benefit" (others a decision may reach later); "After Microsoft, Micron is the next" (the
    # party comes after the comma); "mirroring steps against China plants of Samsung Electronics and SK Hynix",
    # "Nvidia expects a write-off from the same curbs" (others an action is compared with).
    ((" also apply",), r"(?:will|would) also apply to ", rf"(?:will|would) also apply to {_LIST}"),
    (
        (),
        r"similar (?:approach|terms|treatment) (?:to|for) ",
        rf"similar (?:approach|terms|treatment) (?:to|for) {_LIST}",
    ),
    (("After", "Following", "Like"), r"(?:After|Following|Like) ", rf"(?<!\w)(?:After|Following|Like) {_LIST}, "),
    ((), r"mirroring ", r"\bmirroring ([^.;]{1,80})"),
    (
        (),
        r"from the same (?:curbs|rules?|restrictions|controls)\b",
        rf"({_NAME})\b[^.;]{{0,60}}?\bfrom the same (?:curbs|rules?|restrictions|controls)\b",
    ),
    # Names that are not the party's: "Nordwind and S7 (a/k/a Siberian Airlines)" (another name of the one before);
    # "acquired US chipmaking equipment for SMIC", "bought for arms firm Technopole" (whom the party worked for);
    # "fronting for the already blacklisted Advanced Engineering Research Organization" (listed before); "the
    # engine built by GE Aerospace", "engines from the GE Aerospace-Safran venture" (who makes the goods). Each
    # literal checked costs: the cues are the forms news uses.
    ((), r"\((?:a/k/a|aka|also known as|formerly) ", r"\((?:a/k/a|aka|also known as|formerly) ([^()]*)\)"),
    (
        ("acquir", "bought", "buying"),
        r"acquir|bought|buying",
        rf"(?:acquir|bought|buying)\w*\b[^.;]{{0,60}}? for ((?:[\w'’-]+ ){{0,4}}{_NAME})",
    ),
    (
        (),
        r"already[- ](?:blacklisted|listed|designated|sanctioned) ",
        rf"\balready[- ](?:blacklisted|listed|designated|sanctioned) ({_NAME})",
    ),
    (("built by", "engines from"), r"built by |engines from ", rf"(?:built by|engines from) {_LIST}"),
)


@cache
def _contexts() -> tuple[tuple[tuple[str, ...], re.Pattern[str], re.Pattern[str]], ...]:
    """Each pattern with its cue, and the literals one of which every match of the cue holds (checked in C first).

    A cue that starts with a literal needs none: the engine itself skips in C to where the literal is.
    """
    return tuple((stems, re.compile(cue), re.compile(pattern)) for stems, cue, pattern in _CONTEXT_SOURCES)


def _without_context(text: str) -> str:
    """``text`` with the names it gives as context blanked out (same length: positions hold); see ``_CONTEXT_SOURCES``."""
    for stems, cue, pattern in _contexts():
        if (not stems or any(map(text.__contains__, stems))) and cue.search(text):
            text = pattern.sub(_blank, text)
    return text


def _blank(match: re.Match[str]) -> str:
    """The match with its groups blanked out (same length)."""
    kept = list(match.group())
    for group in range(1, (match.re.groups or 0) + 1):
        if match.group(group) is not None:
            kept[match.start(group) - match.start() : match.end(group) - match.start()] = " " * len(match.group(group))
    return "".join(kept)


class _SaidOf(NamedTuple):
    """Names a cue after them says something of, blanked out.

    Where one of ``stems`` starts a match of ``cue``, the names ``subject`` finds just before it (in the same clause)
    are blanked. Searched from the cue backwards, not with a pattern that tries a name at every capital of the text.
    """

    stems: tuple[str, ...]
    cue: re.Pattern[str]
    subject: re.Pattern[str]

    def blank(self, text: str) -> str:
        for stem in self.stems:
            at = text.find(stem)
            while at >= 0:
                if self.cue.match(text, at):
                    match = self.subject.search(text, _clause_start(text, at, _REACH), at)
                    if match:
                        text = text[: match.start()] + _blank(match) + text[match.end() :]
                at = text.find(stem, at + len(stem))
        return text


_AUXILIARY = r"(?:(?:have|has|are|is|had|were|will|would|could|may) )?(?:(?:also|still|reportedly) )*"
# A relative clause may come between ("SK Hynix, which halted supplies, are still seeking").
_SUBJECT_OF = re.compile(rf"{_LIST}(?:, which [^.;]{{0,120}}?,)? {_AUXILIARY}$")
# Beyond where the action is stated, names still waiting for one are not acted on: "LG Display and SK Hynix have also
# applied for licences", "Samsung Electronics and SK Hynix, which halted supplies, are still seeking approvals",
# "Memory suppliers SK Hynix and Samsung Electronics have not yet been approved", "Intel still sells under licence".
# Where the action is stated ("Samsung Display has sought a licence"), the request is the news itself.
_PENDING = _SaidOf(
    ("applied", "seeking", "sought", "awaiting", "waiting", "not ", "yet to", "still"),
    re.compile(r"applied|seeking|sought|awaiting|waiting|not\b|yet to\b|still\b"),
    _SUBJECT_OF,
)
# Others than the party, named beside it, wherever they are: "Intel and AMD would also be eligible", "Intel Corp. and
# AMD will be allowed to sell on similar terms", "AMD and Intel to benefit" (others a decision may reach later);
# "Nvidia shares fell", "sent Nvidia and other chipmakers' shares lower" (a market's reaction).
_BESIDE = (
    _SaidOf(
        (
            "will also",
            "would also",
            "could also",
            "may also",
            "to benefit",
            "will benefit",
            "be allowed",
            "be eligible",
        ),
        re.compile(
            r"(?:will|would|could|may) also\b|(?:to|will) benefit\b|be (?:allowed|eligible)\b[^.;]{0,40}?\bsimilar\b"
        ),
        re.compile(rf"{_LIST},? (?:(?:will|would|could|may) )?$"),
    ),
    _SaidOf(("shares",), re.compile(r"shares\b"), re.compile(rf"({_NAME})(?: and other [\w-]+)?(?:'s|’s|'|’)? $")),
)


_SIBLINGS = re.compile(rf"{_NAME}(?:, (?:the )?{_NAME})*,? (?:and|&) (?:the )?{_NAME}")


def _listed_with(text: str, starts: Iterable[int]) -> list[tuple[int, str]]:
    """The names listed together with a known party, which leads the list ("Aeroflot, Utair and Azur Air")."""
    names: list[tuple[int, str]] = []
    for start in sorted(set(starts)):
        match = _SIBLINGS.match(text, start)
        # "Samsung Display, the Financial Times and Nikkei Asia reported": the sources of the news.
        if match and not _REPORTED.match(text, match.end()):
            items = _list_items(match.group(), several=True)
            if items and _title_cased(text, match.start(), match.end()):
                items = [item for item in items if not _topic(item)]
            names += [(start, name) for name in items]
    return names


def _topic(name: str) -> bool:
    """Whether a headline's capitalised item ends in a plural common noun, as a topic does and a name does not.

    "New Guidance on Huawei, Chips for AI Purposes, and Diligence Expectations" lists topics; "Action on Aeroflot,
    Utair and Azur Air" names (a name's plural ends in a generic word: "Airlines", "Technologies").
    """
    last = name.split()[-1]
    return len(last) > 3 and last.endswith("s") and not last.endswith("ss") and last[1:].islower() and not generic(last)


_REPORTED = re.compile(r",? (?:reported|reports|said|says|wrote)\b")
_LONG_WORD = re.compile(r"[A-Za-z][a-z]{3,}")


def _title_cased(text: str, start: int, end: int) -> bool:
    """Whether the sentence around ``text[start:end]`` capitalises its other words too, as a headline does.

    There, capitals do not tell a name: "Department Adds Chips for AI Purposes to ..." (see :func:`_topic`).
    """
    first = text.rfind(". ", 0, start) + 1
    last = text.find(". ", end - 1)  # a list's last word may hold the sentence's period ("Expectations.")
    words = _LONG_WORD.findall(text[first:start] + " " + text[end : len(text) if last < 0 else last])
    return len(words) >= 3 and all(word[0].isupper() for word in words)


def _list_items(listed: str, *, several: bool = False) -> list[str]:
    """The names of a list, up to the first item that is not one; none unless ``several`` are joined by "and"."""
    listed = _SENTENCE_END.split(listed, 1)[0]
    items = [item.strip(" .,") for item in _ITEM_SPLIT.split(listed)]
    if several and (len(items) < 2 or not _AND.search(listed)):
        return []
    names = []
    for item in items:
        item = _BASED.sub("", item)  # "UAE-based Crynofist Aviation"
        # "Armenia's Medisar and Kyrgyzstan's Tro.Ya"; alone, a name after a place's "'s" may be a description's
        # start ("Russia's Mir payment system operator").
        place = _PLACE_OF.match(item)
        if place and len(items) > 1 and find_countries(place.group(1)):
            item = item[place.end() :]
        if not _is_name(item):
            break
        names.append(item)
    return names


_PRONOUNS = frozenset(("they", "them", "these", "those", "we", "he", "she", "you", "our"))
_PLACE_OF = re.compile(r"([A-Z][\w.]*)(?:'s|’s)\s+")
_CITIES = frozenset({"beijing", "washington"})
_BASED = re.compile(r"^[\w.]+-based\s+")
_DESCRIBED = re.compile(r"[A-Z][\w.]*-[a-z]{2,}")
_CODE = re.compile(r"[A-Z]{2,}[0-9]{2,}")  # a classification ("EAR99"), not a name


def _is_name(name: str) -> bool:
    words = name.split()
    if not words or "'s" in name or "’s" in name:
        return False
    # "Beijing said" is the government; "Beijing Moreget Creative Technology Co" a company named after its city.
    if words[0].lower() in _NOT_NAMES and not (words[0].lower() in _CITIES and len(words) >= 3):
        return False
    if len(words) == 1 and words[0].lower() in _PRONOUNS:  # "They were listed ..."; "He Yuan Technology" may be a name
        return False
    key = entity_key(name)
    if len(key) < 2 or key in _STOP_PARTIES or (len(words) == 1 and find_countries(name)):
        return False
    if len(words) == 1 and len(name) == 2 and name.isalpha():  # "AI start-ups", "the EU": no party's name
        return False
    if _DESCRIBED.fullmatch(words[-1]) or _CODE.fullmatch(name):  # "Cold War-era", "Chinese-origin", "EAR99"
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


# "u s": "U.S." with its last period taken for a list item's end ("Huawei and the U.S. companies working with it").
_STOP_PARTIES = {"the", "commerce", "department", "the commerce", "federal register", "u", "us", "u s", "the u s"}


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
