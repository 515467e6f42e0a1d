"""Listed names in text: the Entity List's names and aliases, found in one pass over the words of a text.

Why: news names a listed party by whatever form it likes ("SMIC", "Semiconductor Manufacturing International
Corporation", "Hikmicro"); a hand-written alias table knows a few dozen of the Entity List's 2,000 parties. The
gazetteer holds every listed name and alias (``listed_names.tsv``, from a snapshot of the list) and a few forms
derived from each (legal form dropped, text before a city suffix, an acronym in parentheses), in a trie of words:
each word of the text is looked up once per form that could start there, so the cost grows with the text, not
with the number of names (a loop of regular expressions over 10,000 aliases would not).

Precision: a form of one or two generic words ("Global Trading Company"), a single word shorter than four letters
unless the list writes it as an acronym, or a common word, is not matched; a match must start with a capital
letter or a digit in the text ("honor" the verb is not "Honor").
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import compress
from pathlib import Path
from typing import Any

from exportwatch.countries import COUNTRIES

__all__ = ["Gazetteer", "Listed", "gazetteer", "generic", "words"]

_DATA = Path(__file__).with_name("listed_names.tsv")
_WORD = re.compile(r"[0-9a-z]+")
_PARENS = re.compile(r"\s*\(([^()]*)\)")
_ACRONYM = re.compile(r"[A-Z][A-Z0-9&-]{1,11}")
_END = ""  # the trie key that marks a complete form
_CAPS = "^"  # ... and that it must be written in capitals in the text (an acronym: "ITS" is not "Its")

_LEGAL = frozenset(
    _WORD.findall(
        "co ltd limited inc incorporated corp corporation company llc llp jsc ojsc pjsc cjsc ao oao zao pao ooo "
        "gmbh ag "
        "sa sas srl spa bv nv plc pte pvt pty bhd sdn fze fzc fzco fzllc dmcc ltda kft as the"
    )
)
_GENERIC = (
    _LEGAL
    | frozenset(
        _WORD.findall("""of and for in on at to by de la le du des del da di van von al el
    international technology technologies tech trading trade traders electronics electronic electronica industries
    industry industrial engineering engineers systems system solutions services service group holding holdings
    research institute university academy center centre general global national new science sciences scientific
    development import export investment investments energy power communication communications network networks
    information equipment machinery materials aviation aerospace space defense defence military security public
    bureau department ministry government state factory plant office station laboratory lab design manufacturing
    production supply logistics shipping marine ocean air airlines airline express star sun united first one eagle
    smart digital data cloud computer computing software micro semiconductor semiconductors integrated circuit
    circuits optical optics precision instrument instruments control automation chemical chemicals nuclear physics
    medical health bio oil gas petroleum mining metals steel auto motor motors vehicle vehicles parts components
    electric electrical mechanical machine tools enterprise enterprises commercial business consulting consultancy
    management partners associates agency foundation association society union city district province region
    branch division unit building road street no number park zone free hi high east west north south central
    sciences technical polytechnic polytechnical institution school college hospital company's peoples people s
    republic islamic democratic federation federal russian chinese iranian beijing shanghai shenzhen guangzhou
    tianjin chengdu wuhan xian nanjing hangzhou hong kong moscow petersburg saint st tehran dubai istanbul karachi
    lahore minsk kiev kyiv damascus caravan bank""")
    )
    | frozenset(word for country in COUNTRIES for form in country.words for word in _WORD.findall(form))
)


@dataclass(frozen=True, slots=True)
class Listed:
    """One listed party: its name as listed, its aliases and the countries of its addresses (ISO codes)."""

    name: str
    aliases: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()


_SPELLING = {"centre": "center", "defence": "defense", "organisation": "organization", "programme": "program"}
# A word that starts with a capital or a digit no letter or digit precedes. The lookbehind comes after the first
# character (it spans it) so that the pattern starts with a character class, which the engine scans for in C
# instead of trying every position.
_NAME_START = re.compile(r"[A-Z0-9](?<![0-9A-Za-z].)[0-9A-Za-z]*")
_MATCHED = re.Match.group


def words(text: str) -> list[str]:
    """The words a form or a text is matched on: lower-case letters and digits, one spelling ("centre": "center")."""
    return [_SPELLING.get(word, word) for word in _WORD.findall(text.lower())]


def _forms(entry: Listed) -> Iterator[tuple[str, bool, int]]:
    """Forms to match for an entry: the form, whether the list wrote it as an acronym, and its rank.

    Rank 0 is a form the list writes (a name, an alias, an acronym in parentheses, a name without its acronym);
    rank 1 drops other parentheses ("SMIC (Beijing) Corporation" -> "SMIC Corporation"), rank 2 cuts at the first
    comma. Where two entries share a form, the lower rank keeps it.
    """
    for listed in (entry.name, *entry.aliases):
        yield listed, bool(_ACRONYM.fullmatch(listed)), 0
        groups = _PARENS.findall(listed)
        for group in groups:
            if _ACRONYM.fullmatch(group.strip()) and _names_the_party(listed, group.strip()):
                yield group.strip(), True, 0
        bare = _PARENS.sub("", listed).strip(" ,.")
        acronyms_only = all(_ACRONYM.fullmatch(group.strip()) for group in groups)
        yield bare, False, 0 if acronyms_only else 1
        yield bare.split(",", 1)[0], False, 2  # before a city suffix or the legal form's comma ("Co., Ltd.")


# Places written in parentheses inside a name ("Huawei Technologies (UK) Co., Ltd."): not the party's acronym.
_PLACES = frozenset({"UK", "US", "USA", "EU", "PRC", "UAE", "HK", "ROC", "HKSAR"} | {c.code for c in COUNTRIES})


def _names_the_party(listed: str, acronym: str) -> bool:
    """Whether an acronym in parentheses stands for the party, not a place or a trailing part of its name.

    "Nuclear reactors ... not under International Atomic Energy Agency (IAEA)" lists the IAEA as what the
    reactors are outside of; "Semiconductor Manufacturing International Corporation (SMIC)" is SMIC itself.
    An acronym made of the initials of the words just before it, where those words are not the whole name,
    abbreviates that trailing part.
    """
    if acronym in _PLACES:
        return False
    before = listed[: listed.find("(" + acronym)]
    words = [w for w in re.findall(r"[A-Za-z][A-Za-z'-]*", before) if w.lower() not in _STOP]
    letters = acronym.replace("&", "").replace("-", "")
    tail = words[-len(letters) :] if len(words) >= len(letters) else []
    return not (tail and len(tail) < len(words) and "".join(w[0] for w in tail).upper() == letters)


_STOP = frozenset(_WORD.findall("of and for in on at to by the de la le du des del da di van von al el"))


def _acceptable(tokens: tuple[str, ...], acronym: bool) -> bool:
    if len(tokens) == 1:
        return tokens[0] not in _GENERIC and (len(tokens[0]) >= 4 or (acronym and len(tokens[0]) >= 3))
    # Several words: one that is not generic, or three generic ones that together are specific enough
    # ("Semiconductor Manufacturing International"), but never two ("Global Trading").
    # A lone letter ("Group A" read in "Country Group A:1") is a label, not a name.
    meaningful = [token for token in tokens if token not in _LEGAL and token not in _STOP and len(token) > 1]
    return any(token not in _GENERIC for token in meaningful) or len(meaningful) >= 3


def generic(name: str) -> bool:
    """Whether a name is made only of generic words ("Commercial Drone Manufacturer", "Global Trading Co.")."""
    return all(token in _GENERIC or token in _STOP for token in words(name))


def _strip_legal(tokens: tuple[str, ...]) -> tuple[str, ...]:
    start, end = 0, len(tokens)
    while end > start and tokens[end - 1] in _LEGAL:
        end -= 1
    while start < end and tokens[start] in _LEGAL:
        start += 1
    return tokens[start:end]


class Gazetteer:
    """Listed names and aliases in a trie of words; ``find`` returns the listed parties a text names."""

    def __init__(self, entries: Iterable[Listed]) -> None:
        self.entries: list[Listed] = list(entries)
        self._root: dict[str, Any] = {}
        self.forms = 0
        # Lower ranks first, legal forms dropped last: a derived form never takes a form another entry lists.
        ranked: list[tuple[int, tuple[str, ...], int, bool]] = []
        for index, entry in enumerate(self.entries):
            for form, acronym, rank in _forms(entry):
                tokens = tuple(words(form))
                if _acceptable(tokens, acronym):
                    ranked.append((rank, tokens, index, acronym))
                stripped = _strip_legal(tokens)
                if stripped != tokens and _acceptable(stripped, False):
                    ranked.append((rank + 3, stripped, index, False))
        for _rank, tokens, index, acronym in sorted(ranked, key=lambda r: r[0]):
            self._insert(tokens, index, capitals=acronym)

    def _insert(self, tokens: tuple[str, ...], index: int, *, capitals: bool = False) -> None:
        node = self._root
        for token in tokens:
            node = node.setdefault(token, {})
        if _END not in node:
            self.forms += 1
            node[_END] = index
            if capitals:
                node[_CAPS] = True

    def lookup(self, name: str) -> Listed | None:
        """The listed party a whole name is a form of (``"SMIC"``, ``"Hikmicro"``), or None."""
        node = self._root
        for token in _strip_legal(tuple(words(name))) or words(name):
            child = node.get(token)
            if child is None:
                return None
            node = child
        index = node.get(_END)
        return self.entries[index] if isinstance(index, int) else None

    def find(self, text: str) -> list[Listed]:
        """The listed parties ``text`` names, in order of first mention; the longest form wins where forms overlap."""
        found = dict.fromkeys(index for _start, _end, index in self._walk(text))
        return [self.entries[index] for index in found]

    def spans(self, text: str) -> list[tuple[int, int, Listed]]:
        """Where ``text`` names listed parties: (start, end, entry) of every mention, the longest form at each."""
        return [(start, end, self.entries[index]) for start, end, index in self._walk(text)]

    def _walk(self, text: str) -> Iterator[tuple[int, int, int]]:
        lowered = text.lower()
        spelled = any(map(lowered.__contains__, _SPELLING))  # substring tests: cheaper than one regex search
        root = self._root
        # A name starts with a capital or a digit: only there does a walk down the trie begin, and only where the
        # word starts a listed name. Most capitalised words start none; they are passed over in C.
        capitals = list(_NAME_START.finditer(text))  # the first word itself: no second match per capital
        firsts = [*map(str.lower, map(_MATCHED, capitals))]
        if spelled:
            firsts = [*map(_SPELLING.get, firsts, firsts)]
        resume = 0
        for first, token in compress(zip(capitals, firsts, strict=True), map(root.__contains__, firsts)):
            start = first.start()
            if start < resume:
                continue
            node = root[token]
            best = None
            if _END in node and (_CAPS not in node or first.group().isupper()):
                best = (first.end(), int(node[_END]))
            for match in _WORD.finditer(lowered, first.end()):
                token = _SPELLING.get(match.group(), match.group()) if spelled else match.group()
                child = node.get(token)
                if child is None:
                    break
                node = child
                if _END in node and (_CAPS not in node or text[start : match.end()].isupper()):
                    best = (match.end(), int(node[_END]))
            if best is not None:
                yield start, best[0], best[1]
                resume = best[0]


def read_listed(lines: Iterable[str]) -> Iterator[Listed]:
    """Entries from ``listed_names.tsv`` lines: name, aliases joined by ' | ', country codes joined by spaces."""
    for line in lines:
        if not line.strip() or line.startswith("#"):
            continue
        name, _, rest = line.rstrip("\n").partition("\t")
        aliases, _, countries = rest.partition("\t")
        yield Listed(
            name.strip(),
            tuple(alias.strip() for alias in aliases.split(" | ") if alias.strip()),
            tuple(countries.split()),
        )


@functools.cache
def gazetteer() -> Gazetteer:
    """The gazetteer of the bundled list snapshot, built on first use (not at import: cold starts stay cheap)."""
    with _DATA.open(encoding="utf-8") as lines:
        return Gazetteer(read_listed(lines))
