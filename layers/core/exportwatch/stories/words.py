"""The distinctive words of an item, weighted by how rarely they occur in export-control news.

Two outlets rarely share phrasing, but they share the specifics of an event: its parties, numbers,
places and technical terms. A fixed stopword list cannot tell those from the words every report of
every action uses ("export", "entity", "list"); a document-frequency table learned from a corpus of
such news can. ``word_frequency.json`` is that table (built by ``exportwatch_cli.wordfreq`` from the
training corpora); a word missing from it is rare, hence distinctive.

A fingerprint is a tuple of ints, each a 32-bit word hash with its weight in the low 8 bits, so a
story stores it as before and compares it without the words themselves.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections.abc import Iterable, Sequence
from functools import cache
from pathlib import Path

from exportwatch.classify.dates import DATE_RE, parse_date, to_date

_WORD = re.compile(r"[a-z0-9]+")
_TABLE = Path(__file__).with_name("word_frequency.json")
_MAX_WORDS = 48
_MAX_STORY_WORDS = 120
_SCALE = 32  # weight units per nat of inverse document frequency
FUNCTION_WORDS = frozenset(
    """a an the and or of to in on for by with from at as is are was were be been has have had it its this that
    these those their they them he she his her will would said says say after before over under into about than
    more most some other also not no but which who whom what when where while amid against between during can could
    may might should must do does did our we you your i""".split()  # noqa: SIM905 - a word list reads better as text
)


def fold(word: str) -> str:
    """One form for a word's plural and singular ("blacklists", "entities" -> "blacklist", "entity")."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def words(text: str) -> set[str]:
    """The folded content words of ``text``: no function words, no one- or two-letter words but numbers."""
    found = _WORD.findall(text.lower())
    return {fold(w) for w in found if w not in FUNCTION_WORDS and (len(w) > 2 or w.isdigit())}


@cache
def _table() -> tuple[int, dict[str, int]]:
    data = json.loads(_TABLE.read_text(encoding="utf-8"))
    return int(data["documents"]), {str(k): int(v) for k, v in data["df"].items()}


def weight(word: str) -> int:
    """Inverse document frequency of a word, in integer units (1.._MAX_WORD_WEIGHT)."""
    documents, df = _table()
    idf = math.log((documents + 1) / (df.get(word, 0) + 1))
    return max(1, min(_MAX_WORD_WEIGHT, round(idf * _SCALE)))


_NUMBERS = {
    "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11,
    "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90, "hundred": 100,
}  # fmt: skip
_UNITS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9}
# A number in figures or words ("twenty-one"): its head, then the unit of a compound.
_COMPOUND = r"(?:[- ](" + "|".join(_UNITS) + r"))?"
_NUMBER = r"(\d{1,4}|" + "|".join(_NUMBERS) + r")" + _COMPOUND
_COUNT = re.compile(
    r"\b" + _NUMBER + r"\s+"
    r"(?:(?:[a-z]+(?:-[a-z]+)?)\s+){0,2}"
    r"(entit(?:y|ies)|compan(?:y|ies)|firms?|organi[sz]ations?|parties|persons|subsidiaries|affiliates|"
    r"institutes|individuals|addresses|enterprises|groups|additions|entries)\b"
)
# A place's part of a count told country by country ("three companies from Russia, six from China and two
# from the UAE"), read on from the end of the part before it: the place, then the next part's number, which
# must itself be followed by a place ("six from China", "six companies in China"). "12 entities in China, one
# of which ..." and "seven from China and two years ago" have no such part.
_PART = re.compile(
    r"(?:\s+[a-z]+)?\s+(?:from|in)\s+(?:the\s+)?[a-z][a-z .-]{1,30}?(?:,\s*(?:and\s+)?|\s+and\s+)"
    r"(\d{1,4}|one|two|" + "|".join(_NUMBERS) + r")" + _COMPOUND + r"(?=(?:\s+[a-z]+)?\s+(?:from|in)\s)"
)
# Counts and days carry weights no word reaches (words stop at _MAX_WORD_WEIGHT), so a fingerprint
# still tells them apart from words.
COUNT_WEIGHT = 250  # "seven Chinese supercomputing entities" and "7 entities" name one list
DATE_WEIGHT = 245  # a day the text states ("on April 8, 2021"): reports of one action state the same days
_MAX_WORD_WEIGHT = 240
_COUNT_FLAG = 1 << 31  # a count is stored as its number with this bit, where a word has its hash


# A number after these is no count of parties: a rough one ("more than 100 entities" of 140) or a
# reference ("Footnote 5 Entity List designations", "Part 744").
_NOT_A_COUNT = re.compile(
    r"\b(?:more than|over|nearly|almost|about|around|roughly|some|at least|up to|fewer than|less than|"
    r"footnote|supplement|part|section|no\.|number|tier|phase)\s+$"
)


def _value(head: str, unit: str | None) -> int | None:
    """A number's value ("twenty", "one" -> 21); None for a year in figures (never so many parties at once)."""
    if head.isdigit():
        number = int(head)
        return None if len(head) == 4 and 1900 <= number < 2100 else number
    return (_NUMBERS.get(head) or _UNITS[head]) + (_UNITS[unit] if unit else 0)


def counts(text: str) -> set[int]:
    """The numbers of parties a text says were listed: "seven Chinese entities", "27 companies" -> {7, 27}.

    A count told country by country is summed too ("three companies from Russia, six from China and two from
    the UAE" -> {3, 11}): another report gives the whole list's number.
    """
    found: set[int] = set()
    lowered = text.lower()
    summed_to = 0  # where the last sum's parts end: a part is no count of its own to sum from
    for match in _COUNT.finditer(lowered):
        if _NOT_A_COUNT.search(lowered, max(0, match.start() - 20), match.start()):
            continue
        number = _value(match.group(1), match.group(2))
        if number is None:
            continue  # a year ("in 2024 state-owned companies")
        if number >= 3:  # "two companies" is too common to tell events apart
            found.add(number)
        if match.start() < summed_to:
            continue
        end, total = match.end(), number
        while part := _PART.match(lowered, end):
            value = _value(part.group(1), part.group(2))
            if value is None:
                break
            end, total = part.end(), total + value
        if total > number:
            found.add(total)
            summed_to = end
    return found


AHEAD_DAYS = 92  # a day a report announces ("exports need licences from Sept. 15"): a quarter ahead at most


def stated_days(text: str, published: str) -> set[str]:
    """The days a text states ("on Dec. 2, 2024"), as ISO dates, from a month before publication to a quarter after.

    A day ahead is one the action takes effect ("from September 15"): reports of one announcement state it alike,
    in whatever words they tell the rest.
    """
    reference = to_date(published)
    if reference is None:
        return set()
    days = set()
    for match in DATE_RE.finditer(text):
        day = parse_date(match, reference)
        if day and -AHEAD_DAYS <= (reference - day).days <= 31:
            days.add(day.isoformat())
    return days


def fingerprint(text: str, published: str = "") -> tuple[int, ...]:
    """The most distinctive words of ``text`` as packed (hash, weight) ints, heaviest first.

    Besides words: the counts of parties listed and the days the text states, which paraphrase
    keeps ("seven Chinese supercomputing entities" / "7 entities"; "On June 24, 2021, BIS added").
    """
    weighted = sorted(((weight(w), w) for w in words(text)), reverse=True)[:_MAX_WORDS]
    weighted += [(DATE_WEIGHT, f"@{d}") for d in sorted(stated_days(text, published))]
    packed = [_pack(w, word) for w, word in weighted]
    return tuple(packed + [(_COUNT_FLAG | n) << 8 | COUNT_WEIGHT for n in sorted(counts(text)) if n < _COUNT_FLAG])


RARE_NAME = 140  # a capitalised word this rare in export-control news ("Zhipu", "Sophgo") names one party
_SPEAKS = re.compile(r"(?:said|says|told|added|wrote|warned|argued)\b")
_CAPITALISED = re.compile(r"(?<![.!?:]\s)(?<!^)\b[A-Z][A-Za-z0-9]+\b")


def rare_names(lead: str) -> frozenset[int]:
    """The capitalised words inside sentences of ``lead`` that export-control news rarely uses, as hashes.

    A party the list of names does not know yet (a start-up listed this week) is still a name two outlets
    share: "Zhipu" in one lead and in another's. Only running text counts, never a headline (in Title Case
    every word is capitalised) nor a sentence's first word; common capitalised words ("Commerce") weigh too
    little. A word after another capitalised one is a surname or a name's tail ("Secretary Raimondo",
    "Gina Raimondo", "Inspur Group"), and so is one that speaks ("Kessler said"): officials speak of every
    action, so their names join nothing.
    """
    text = lead.strip()
    found = set()
    for match in _CAPITALISED.finditer(text):
        before, after = text[: match.start()].split(), text[match.end() :].split()
        if (before and before[-1][:1].isupper()) or (after and _SPEAKS.match(after[0])):
            continue
        found.add(fold(match.group(0).lower()))
    return frozenset(_pack(0, w) >> 8 for w in found if w not in FUNCTION_WORDS and weight(w) >= RARE_NAME)


def holds(values: Sequence[int], marks: Iterable[int]) -> bool:
    """Whether a fingerprint holds any of the given word hashes (``rare_names``)."""
    held = _unpack(values)
    return any(mark in held for mark in marks)


def names_in(values: Sequence[int], name: str) -> bool:
    """Whether a fingerprint holds every content word of a party's name ("smic"; "suzhou keda")."""
    held, marks = _unpack(values), [_pack(0, w) >> 8 for w in words(name)]
    return bool(marks) and all(mark in held for mark in marks)


def stated(values: Sequence[int]) -> set[int]:
    """The hashes of the days a fingerprint states (``stated_days``)."""
    return {h for h, w in _unpack(values).items() if w == DATE_WEIGHT}


def day_mark(day: str) -> int:
    """The hash under which a fingerprint holds a stated day (ISO ``YYYY-MM-DD``)."""
    return _pack(0, f"@{day[:10]}") >> 8


def listed_counts(values: Sequence[int]) -> set[int]:
    """The counts of listed parties a fingerprint holds (kept as numbers, not hashed)."""
    return {h & ~_COUNT_FLAG for h, w in _unpack(values).items() if w == COUNT_WEIGHT and _COUNT_FLAG <= h < 1 << 32}


def counts_differ(a: set[int], b: set[int]) -> bool:
    """Whether two reports give different numbers of listed parties: none within a fifth of another.

    Reports round ("more than 90" for 93) and split ("four companies and an institute"); "24
    companies" against "38 affiliates" are two lists.
    """
    return bool(a and b) and not any(abs(x - y) <= max(1, 0.2 * max(x, y)) for x in a for y in b)


def _pack(weight_: int, word: str) -> int:
    digest = int.from_bytes(hashlib.blake2b(word.encode(), digest_size=4).digest(), "big")
    return digest << 8 | weight_


def _unpack(values: Iterable[int]) -> dict[int, int]:
    return {v >> 8: v & 0xFF for v in values}


def facts(values: Sequence[int]) -> tuple[int, ...]:
    """The counts of listed parties and the stated days of a fingerprint, without its words.

    A report that joined a story on words alone adds these (facts of the event, which paraphrase keeps)
    but not its words, which could draw the story into the next event.
    """
    return tuple(v for v in values if v & 0xFF in (COUNT_WEIGHT, DATE_WEIGHT))


def union(a: Sequence[int], b: Sequence[int]) -> tuple[int, ...]:
    """A story's fingerprint after another report joins it: the words of both, heaviest first, bounded."""
    merged = _unpack(a) | _unpack(b)
    ranked = sorted(merged.items(), key=lambda kv: (-kv[1], kv[0]))[:_MAX_STORY_WORDS]
    return tuple(h << 8 | w for h, w in ranked)


def similarity(a: Sequence[int], b: Sequence[int]) -> float:
    """How much of the smaller fingerprint's weight the other holds (0..1).

    Containment, not symmetric overlap: a story's fingerprint gathers the words of all its reports,
    and a short new report is judged by how much of it the story already says. Too little shared
    weight in absolute terms (a bare title "Additions to the Entity List") counts as nothing.
    """
    wa, wb = _unpack(a), _unpack(b)
    if not wa or not wb:
        return 0.0
    shared = sum(wa[h] for h in wa.keys() & wb.keys())
    if shared < MIN_SHARED:
        return 0.0
    return shared / min(sum(wa.values()), sum(wb.values()))


MIN_SHARED = 150  # about three distinctive words
