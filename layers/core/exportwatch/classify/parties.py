"""Party and country names: find them in text and normalize them so that reports meet.

"Huawei Technologies Co., Ltd." and "Huawei" must be one party; legal forms and generic words
are stripped for the key, while the longest form seen is kept as an alias.

The name lists are matched as a trie-shaped pattern on lower-cased text: a flat case-insensitive
alternation of sixty names tries every name at every character and would cost more than all the
labelling rules together.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from exportwatch.countries import COUNTRIES, NOT_COUNTRIES
from exportwatch.entity_list.gazetteer import gazetteer

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


_ALIAS_INDEX: list[tuple[str, str]] = sorted(
    ((alias, name) for name, aliases in KNOWN_PARTIES.items() for alias in aliases),
    key=lambda pair: -len(pair[0]),
)
# Matched against lower-cased text.
_KNOWN_RE = re.compile(r"\b(" + _trie(alias for alias, _ in _ALIAS_INDEX) + r")\b")
_ALIAS_TO_NAME = dict(_ALIAS_INDEX)
_KNOWN_KEYS = frozenset(name.lower() for name in KNOWN_PARTIES)

# Named parties in rule text: "Foo Bar Co., Ltd." or "Foo Technologies Corporation".
_LEGAL_NAME_RE = re.compile(
    r"\b((?:[A-Z][\w&'.-]*\s){1,6}?(?:Co\.,?\s?Ltd\.?|Company|Corporation|Corp\.|Inc\.|Ltd\.|Limited|LLC|JSC|GmbH))"
)
# The legal forms _LEGAL_NAME_RE ends with: text without any cannot match, and the scan is slow.
_LEGAL_FORM_HINT = re.compile(r"Co\.|Company|Corp|Inc\.|Ltd|Limited|LLC|JSC|GmbH")


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
    match = _KNOWN_RE.search(name.lower())
    return _ALIAS_TO_NAME[match.group(1)] if match else None


def find_parties(text: str) -> list[str]:
    """Return the parties named in ``text``, canonical and de-duplicated, in order of mention."""
    found: dict[str, str] = {}
    for match in _KNOWN_RE.finditer(text.lower()):
        name = _ALIAS_TO_NAME[match.group(1)]
        found.setdefault(name.lower(), name)
    for listed in gazetteer().find(text):  # every listed name and alias, from the list itself
        found.setdefault(entity_key(listed.name), listed.name)
    if not _LEGAL_FORM_HINT.search(text):
        return list(found.values())
    for match in _LEGAL_NAME_RE.finditer(text):
        raw = match.group(1).strip().rstrip(",")
        if canonical_name(raw):
            continue
        key = entity_key(raw)
        if key and len(key) > 2 and key not in _STOP_PARTIES:
            found.setdefault(key, raw)
    return list(found.values())


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
    wanted = {name.lower(): name for name in names}
    forms: dict[str, dict[str, None]] = {}
    if wanted.keys().isdisjoint(_KNOWN_KEYS):
        return {}  # only the known parties' forms are looked for: no scan for the others
    lowered = text.lower()
    for match in _KNOWN_RE.finditer(lowered):
        name = _ALIAS_TO_NAME[match.group(1)]
        if name.lower() not in wanted:
            continue
        end = match.end()
        tail = _FORM_TAIL.match(text, end)
        if tail:
            end = tail.end()
        surface = text[match.start() : end].strip(" ,")
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
_COUNTRY_RE = re.compile(r"\b(" + _trie([*_COUNTRY_OF, *NOT_COUNTRIES]) + r")\b")


def find_countries(text: str) -> list[str]:
    """Return ISO 3166-1 alpha-2 codes of the countries named in ``text``, in order of mention."""
    codes: dict[str, None] = {}
    for match in _COUNTRY_RE.finditer(text.lower()):
        code = _COUNTRY_OF.get(match.group(1))  # None for "Australia Group", "New Mexico"
        if code:
            codes.setdefault(code, None)
    return list(codes)


def watch_keys(names: Iterable[str]) -> frozenset[str]:
    """Entity keys of the parties a deployment watches (``WATCHED_ENTITIES``)."""
    return frozenset(entity_key(n) for n in names if n.strip())
