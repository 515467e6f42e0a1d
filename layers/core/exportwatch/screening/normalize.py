"""Names as a screener reads them: folded, tokenized, legal forms set aside, each word weighed.

Why: "OOO «Romashka»", "Romashka LLC" and "ROMASHKA, Limited Liability Company" are one party, and
"Huawei Device Co., Ltd." and "Huawei Cloud Co., Ltd." are two. What tells them apart is which words
carry the identity: a distinctive word ("Romashka", "Huawei", "Device") counts in full, a place
("Beijing", "Moscow") counts a little, a generic word ("Technology", "International", "Trading")
counts less and never matches on its own, and a legal form counts not at all. Numbers must agree.

Only the standard library is used here (import cost matters at rule time in Lambda); transliteration
of Cyrillic follows the romanization the Entity List itself uses (BGN/PCGN-like: "Obshchestvo",
"Tsentr", "Zavod"), and pinyin written with or without spaces or tone marks folds to one form.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

__all__ = ["Name", "analyse", "fold", "run_sound", "skeleton"]

# Cyrillic -> Latin, as the list romanizes Russian, Belarusian and Ukrainian names.
_CYRILLIC = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh", "з": "z", "и": "i",
    "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t",
    "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ы": "y", "ь": "",
    "э": "e", "ю": "yu", "я": "ya", "і": "i", "ї": "yi", "є": "ye", "ґ": "g", "ў": "u",
}  # fmt: skip
_LATIN_EXTRA = {"ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "ı": "i"}
_TRANSLATE = str.maketrans({**_CYRILLIC, **{k.upper(): v for k, v in _CYRILLIC.items()}, **_LATIN_EXTRA})

# Legal forms as the list and counterparties write them, after folding (lower case, no punctuation).
# Longest phrases are tried first; each maps to one canonical form so "Co., Ltd." equals "Company Limited".
_LEGAL_FORMS: dict[str, str] = {
    "co ltd": "ltd", "company limited": "ltd", "co limited": "ltd", "company ltd": "ltd", "ltd co": "ltd",
    "limited company": "ltd", "ltd": "ltd", "limited": "ltd", "pvt ltd": "ltd", "private limited": "ltd",
    "pvt": "ltd", "private ltd": "ltd", "pte ltd": "ltd", "pte": "ltd", "pty ltd": "ltd", "pty": "ltd",
    "limited liability company": "llc", "llc": "llc", "l l c": "llc", "ooo": "llc", "too": "llc",
    "tov": "llc", "obshchestvo s ogranichennoy otvetstvennostyu": "llc",
    "obshchestvo s ogranichennoi otvetstvennostyu": "llc", "limited liability partnership": "llp",
    "llp": "llp", "joint stock company": "jsc", "jsc": "jsc", "ao": "jsc", "aktsionernoe obshchestvo": "jsc",
    "open joint stock company": "jsc", "ojsc": "jsc", "oao": "jsc", "closed joint stock company": "jsc",
    "cjsc": "jsc", "zao": "jsc", "public joint stock company": "jsc", "pjsc": "jsc", "pao": "jsc",
    "joint stock co": "jsc", "jt stock co": "jsc", "jscb": "jsc", "fgup": "fsue", "fsue": "fsue",
    "federal state unitary enterprise": "fsue", "gmbh": "gmbh", "gesellschaft mit beschrankter haftung": "gmbh",
    "ag": "ag", "kg": "kg", "gmbh co kg": "gmbh", "sa": "sa", "s a": "sa", "sarl": "sarl", "sas": "sas",
    "srl": "srl", "spa": "spa", "sl": "sl", "sa de cv": "sa", "ltda": "ltda", "bv": "bv", "nv": "nv",
    "sdn bhd": "sdn bhd", "sdn": "sdn bhd", "bhd": "sdn bhd", "berhad": "sdn bhd", "fze": "fze",
    "fzco": "fzco", "fzc": "fzco", "fz llc": "llc", "fze llc": "fze", "dmcc": "dmcc", "llc fze": "fze",
    "inc": "inc", "incorporated": "inc", "incorporation": "inc", "corp": "corp", "corporation": "corp",
    "co": "co", "company": "co",
    "plc": "plc", "public limited company": "plc", "lp": "lp", "wll": "wll", "est": "est",
    "establishment": "est", "san ve tic ltd sti": "ltd", "san tic ltd sti": "ltd", "ltd sti": "ltd",
    "as": "as", "tic": "", "san": "", "sti": "ltd", "pt": "pt", "tbk": "pt", "oy": "oy", "ab": "ab",
    "kft": "kft", "sro": "sro", "spzoo": "spzoo", "sp z oo": "spzoo", "doo": "doo", "ead": "ead",
}  # fmt: skip
# Short forms that are also ordinary words or parts of names: a legal form only at either end.
_EDGE_ONLY = frozenset({"as", "ab", "ag", "kg", "sa", "sl", "pt", "san", "tic", "too", "est", "co", "lp", "ao", "sas"})
_FORM_FIRST: dict[str, int] = {}  # first word of a form -> the most words a form starting with it has
_FORM_LAST: dict[str, int] = {}
for _form in _LEGAL_FORMS:
    _parts = _form.split()
    _FORM_FIRST[_parts[0]] = max(_FORM_FIRST.get(_parts[0], 0), len(_parts))
    _FORM_LAST[_parts[-1]] = max(_FORM_LAST.get(_parts[-1], 0), len(_parts))

_STOP = frozenset(
    {"of", "the", "and", "for", "des", "del", "al", "el", "und", "y", "et", "a", "an", "in", "on", "at", "to"}
)
# Particles of Romance names that are also pinyin syllables ("Banco de ...", "Da Lian"): kept, weighed as generic.
_PARTICLES = frozenset({"de", "la", "le", "du", "di", "da"})
# Words that describe a business rather than name it: they count a little and never match alone.
_GENERIC_WORDS = """
technology technologies technological tech technical technic technics international intl trading trade
traders trader industrial industry industries industrie group groups holding holdings development developments
science sciences scientific engineering engineers electronics electronic electric electrical electro import
export imports exports imp exp research institute institution university academy center centre services
service solutions solution systems system logistics enterprise enterprises global general equipment machinery
manufacturing manufacture manufacturer products product materials material investment investments network
networks communication communications telecommunication telecommunications telecom digital information
computer computing software data design designs supply supplies supplier resources resource energy power
aviation aerospace aeronautics aeronautical marine shipping transport freight cargo express commercial commerce business
consulting consultancy consultants management managing agency office department bureau ministry national state
federal scientific instruments instrument devices device precision microelectronics semiconductor
semiconductors optical optics optoelectronics laboratory laboratories lab labs plant factory works
production design bureau branch subsidiary subordinate affiliated entity division unit company corporation
new high advanced applied special general united first modern smart innovation innovative intelligent
intelligence security defense defence military machine machines building construction chemical chemicals
physics mechanical mechanics metal metals steel oil gas petroleum petrochemical nuclear medical pharmaceutical
hi tec overseas world worldwide universal star tower parts spare spares components component automation control co
autonomous prefecture province city district region oblast krai republic
"""
_GENERIC = frozenset(_GENERIC_WORDS.split())
# Generic words that add nothing about the line of business: a name may drop or add them freely.
FILLERS = frozenset(
    {"international", "intl", "global", "general", "group", "groups", "holding", "holdings", "worldwide", "overseas",
     "universal", "united", "company", "corporation", "enterprise", "enterprises", "co", "new", "first"}
)  # fmt: skip
# Fillers that name the corporate shell, like a legal form: "Huawei Group" / "Huawei Holding" may be one party.
# The other fillers ("International", "Global") name a company of a group when both names differ by them.
CORPORATE = frozenset(
    {"group", "groups", "holding", "holdings", "company", "corporation", "enterprise", "enterprises", "co"}
)
# Distinctive enough to weigh in full though they look like business words in some lists.
_PLACES_WORDS = """
china chinese beijing shanghai shenzhen guangzhou guangdong tianjin chongqing chengdu wuhan xian hangzhou
nanjing harbin changsha hefei jinan qingdao dalian shenyang xiamen suzhou wuxi ningbo zhengzhou kunming
fujian jiangsu zhejiang shandong sichuan hubei hunan henan hebei shaanxi shanxi anhui jiangxi liaoning jilin
heilongjiang yunnan guizhou guangxi hainan gansu xinjiang tibet ningxia qinghai mongolia inner dongguan foshan
zhuhai hong kong kowloon macau taiwan taipei russia russian moscow moskva petersburg saint st sankt
leningrad novosibirsk yekaterinburg ekaterinburg kazan nizhny novgorod samara omsk chelyabinsk rostov ufa
volgograd perm krasnoyarsk voronezh saratov tula tver kaluga bryansk smolensk kursk belarus belarusian
minsk ukraine ukrainian kyiv kiev crimea sevastopol iran iranian tehran pakistan pakistani karachi lahore
islamabad rawalpindi peshawar india indian delhi mumbai bangalore uae emirates dubai sharjah abu dhabi ajman
turkey turkish istanbul ankara izmir malaysia kuala lumpur singapore armenia yerevan georgia tbilisi
kazakhstan almaty kyrgyzstan uzbekistan tashkent syria syrian damascus lebanon beirut afghanistan kabul
germany german berlin france french paris britain british england london uk usa america american canada
canadian japan japanese tokyo korea korean seoul thailand bangkok vietnam hanoi israel italy netherlands
crimea crimean siberia siberian europe european asia asian pacific eastern western northern southern
east west north south central
"""
_PLACES = frozenset(_PLACES_WORDS.split())
GENERIC_WEIGHT = 0.15
PLACE_WEIGHT = 0.5
_ORDINAL = re.compile(r"^(\d+)(?:st|nd|rd|th|s)?$")
_DOTTED = re.compile(r"\b(?:[^\W\d_]\.){2,}(?![^\W\d_])")
_WORD = re.compile(r"[^\W_]+")
_SOUND_OF = {"shch": "sc", "sch": "sc", "zh": "j", "kh": "h", "ts": "c", "tz": "c", "ck": "k", "ph": "f", "y": "i",
             "w": "v", "q": "k", "x": "ks"}  # fmt: skip
_SOUNDS = re.compile("|".join(sorted(_SOUND_OF, key=len, reverse=True)))
_APOSTROPHE = re.compile(r"(?<=\w)[?'’`´](?=\w)")


def fold(text: str) -> str:
    """Case, accents, Cyrillic and punctuation folded away: "OOO «Ромашка»" -> "ooo romashka".

    The list writes ``?`` for an apostrophe ("People?s"): between letters it is dropped like one.
    Dotted initials ("N.U.D.T.", "S.A.") join into one word.
    """
    text = _APOSTROPHE.sub("", text)
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text).translate(_TRANSLATE)
        text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    text = _DOTTED.sub(lambda m: m.group(0).replace(".", "") + " ", text)
    text = text.replace("&", " and ").replace("+", " and ")
    return " ".join(_WORD.findall(text.casefold()))


@lru_cache(maxsize=65536)
def skeleton(token: str) -> str:
    """A token's sound, so romanizations agree: "tsentr"/"centr", "zhurnal"/"jurnal", "kh"/"h"."""
    return _SOUNDS.sub(_sound_of, token)


def _sound_of(match: re.Match[str]) -> str:
    return _SOUND_OF[match.group(0)]


def run_sound(tokens: tuple[str, ...] | list[str]) -> str:
    """The sound of words written as one ("zhong guan cun" -> that of "zhongguancun"), from cached parts."""
    return "".join([skeleton(t) for t in tokens])


@dataclass(frozen=True, slots=True)
class Name:
    """A name ready to compare.

    Attributes
    ----------
    text
        The name as given.
    tokens
        Its words after folding, legal forms and stop words removed, in order.
    weights
        One weight per token: 1.0 distinctive, 0.5 a place, 0.15 a generic word; numbers 1.0.
    numbers
        The numbers in it ("771", "13th" -> "13"): two names with different numbers are different units.
    forms
        The canonical legal forms it carries ("ltd", "llc", "jsc").
    total, heaviest
        The sum of the weights; ``heaviest[k - 1]`` is the sum of the k heaviest.
    distinctive
        The tokens that can make a match: neither generic, nor places, nor numbers.
    initials
        The first letters of its words ("National University of Defense Technology" -> "nudt").
    runs, long_words, shorts, initial_runs
        Precomputed so that most pairs skip re-joining words: the sounds of runs of 2-4 words joined,
        of words of six letters or more, short words that may be initials, and the initials of runs.
    """

    text: str
    tokens: tuple[str, ...]
    weights: tuple[float, ...]
    numbers: frozenset[str]
    forms: frozenset[str]
    runs: frozenset[str] = frozenset()
    long_words: frozenset[str] = frozenset()
    shorts: frozenset[str] = frozenset()
    initial_runs: frozenset[str] = frozenset()
    total: float = 0.0
    heaviest: tuple[float, ...] = ()
    distinctive: tuple[str, ...] = ()
    initials: str = ""

    @property
    def key(self) -> str:
        """All tokens joined: equal keys are the same name up to form, punctuation and case."""
        return " ".join(self.tokens)


def weight(token: str) -> float:
    """How much a word says about who a party is."""
    if token in _GENERIC or token in _PARTICLES:
        return GENERIC_WEIGHT
    if token in _PLACES:
        return PLACE_WEIGHT
    return 1.0


def _form_at(words: list[str], start: int, size: int) -> str | None:
    return _LEGAL_FORMS.get(" ".join(words[start : start + size]))


def _strip_forms(words: list[str]) -> tuple[list[str], set[str]]:
    """Legal forms off both ends (repeatedly: "OOO X Trading Co LLC"), then unambiguous ones inside."""
    forms: set[str] = set()
    stripped = True
    while stripped and len(words) > 1:
        stripped = False
        for size in range(min(_FORM_LAST.get(words[-1], 0), len(words) - 1), 0, -1):
            tail = _form_at(words, len(words) - size, size)
            if tail is not None:
                forms.add(tail)
                words, stripped = words[: len(words) - size], True
                break
        if stripped:
            continue
        for size in range(min(_FORM_FIRST.get(words[0], 0), len(words) - 1), 0, -1):
            head = _form_at(words, 0, size)
            if head is not None:
                forms.add(head)
                words, stripped = words[size:], True
                break
    kept: list[str] = []
    i = 0
    while i < len(words):
        for size in range(min(_FORM_FIRST.get(words[i], 0), len(words) - i), 0, -1):
            canonical = _form_at(words, i, size)
            if canonical is not None and " ".join(words[i : i + size]) not in _EDGE_ONLY:
                forms.add(canonical)
                i += size
                break
        else:
            kept.append(words[i])
            i += 1
    forms.discard("")
    return kept, forms


@lru_cache(maxsize=65536)
def analyse(text: str) -> Name:
    """Fold, tokenize and weigh a name (cached: list names recur across watchlists and rules)."""
    words = fold(text).split()
    kept, forms = _strip_forms(words)
    if not kept:  # a name that is only a legal form ("Company Limited") keeps its words
        kept, forms = words, set()
    tokens: list[str] = []
    numbers: set[str] = set()
    for word in kept:
        number = _ORDINAL.match(word) if word[0].isdigit() else None
        if number:
            value = str(int(number.group(1)))
            numbers.add(value)
            tokens.append(value)
        elif word not in _STOP:
            tokens.append(word)
    weights = tuple(1.0 if t.isdigit() else weight(t) for t in tokens)
    sounds = [skeleton(t) for t in tokens]
    runs = {
        "".join(sounds[i : i + size])  # run_sound, from the sounds at hand
        for size in (2, 3, 4)
        for i in range(len(tokens) - size + 1)
        if 1.0 in weights[i : i + size]
    }
    firsts = "".join(t[0] for t in tokens)
    initial_runs = {firsts[i : i + size] for size in (2, 3, 4) for i in range(len(tokens) - size + 1)}
    return Name(
        text,
        tuple(tokens),
        weights,
        frozenset(numbers),
        frozenset(forms),
        frozenset(runs),
        frozenset(sound for t, sound in zip(tokens, sounds, strict=True) if len(t) >= 6),
        frozenset(t for t in tokens if 2 <= len(t) <= 3 and t.isalpha()),
        frozenset(initial_runs),
        sum(weights),
        tuple(itertools.accumulate(sorted(weights, reverse=True))),
        tuple(t for t, w in zip(tokens, weights, strict=True) if w == 1.0 and not t.isdigit()),
        "".join(t[0] for t in tokens if not t.isdigit() and t not in _PARTICLES),
    )
