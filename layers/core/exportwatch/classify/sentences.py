"""Reading an item's text: page noise cut, markdown flattened, sentences split where they really end.

Classification and clustering both read an item through ``read``; it is done once per item.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from exportwatch.classify.ascii import Dual
from exportwatch.models import Item

# Where a news page stops being the article: author boxes, teasers, related links, copyright.
_NOISE_CUT = re.compile(
    r"\n\s*(?:About the Author|Featured|Related (?:Articles|Stories|Content)|New Products|Read More|"
    r"More from|Recommended|Citation:|©|This document is subject to copyright)\b",
)
# A line break ends a sentence unless the next line carries on in lower case (a page wrapped mid-sentence).
# The pattern starts with one class of the characters that can end a sentence, so that the engine skips in C to the
# next of them; a pattern starting with two alternatives would be tried at every character.
_SENTENCE_END = Dual(r"[.!?\n](?:(?<=[.!?])[\"”’)]?\s+(?=[A-Z\"“‘(])|(?<=\n)\s*(?=[^\sa-z]))").variants
# A period after these does not end a sentence ("U.S. Huawei", "Nov. 18", "Sen. Tom Cotton", "Co. Ltd."), and
# matching reads them without their periods ("U.S." as "US  ", same length) so that "[^.;]" spans cross them.
_ABBREVIATIONS = (
    r"Co|Corp|Inc|Ltd|No|Nos|Mr|Mrs|Ms|Dr|Sen|Rep|Gov|Gen|St|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec"
)
_ABBREVIATION = Dual(rf"(?:\b(?:[A-Za-z]\.){{1,3}}|\b(?:{_ABBREVIATIONS}|vs|Sec|Art|Vol|approx|etc)\.)$").variants
_DOTTED = re.compile(rf"\b(?:[A-Za-z]\.){{2,3}}|\b(?:{_ABBREVIATIONS})\.")
_MARKDOWN = re.compile(r"\[([^\]]*)\]\([^)]*\)|[#*_>]+|[ \t]{2,}")
_MARKDOWN_MARKS = ("[", "#", "*", "_", ">", "  ", "\t")


def clean_text(text: str) -> str:
    """Cut page noise after the article and flatten markdown links."""
    cut = _NOISE_CUT.search(text)
    if cut:
        text = text[: cut.start()]
    if not any(map(text.__contains__, _MARKDOWN_MARKS)):
        return text
    return _MARKDOWN.sub(lambda m: m.group(1) if m.group(1) is not None else " ", text)


def split_sentences(text: str) -> list[str]:
    """Split cleaned text into sentences; an abbreviation's period ("U.S.", "Nov.") ends none."""
    parts: list[str] = []
    start = 0
    ascii_text = text.isascii()  # the patterns' ASCII variants match ASCII text alike, faster (see classify.ascii)
    abbreviation = _ABBREVIATION[ascii_text]
    for end in _SENTENCE_END[ascii_text].finditer(text):
        if "\n" not in end.group() and abbreviation.search(text, max(start, end.start() - 12), end.start() + 1):
            continue
        parts.append(text[start : end.start() + 1])
        start = end.end()
    parts.append(text[start:])
    return [part for part in map(str.strip, parts) if len(part) > 3]


@dataclass(frozen=True, slots=True)
class Reading:
    """An item's text read once: the title, the sentences of its cleaned text, and its lead.

    ``lead`` is the start of the cleaned text, where news states its event; clustering compares leads.
    """

    title: str
    body: tuple[str, ...]
    lead: str


LEAD_CHARS = 700


def read(item: Item) -> Reading:
    """Read an item's text once, for classification and clustering alike."""
    cleaned = clean_text(item.text)
    return Reading(title=item.title.strip(), body=tuple(split_sentences(cleaned)), lead=cleaned[:LEAD_CHARS])


def sentences_of(item: Item) -> list[str]:
    """Return the item's title followed by the sentences of its cleaned text."""
    body = split_sentences(clean_text(item.text))
    title = item.title.strip()
    return [title, *body] if title else body


def plain(sentence: str) -> str:
    """The sentence with abbreviations' periods blanked (same length), so "[^.;]" spans cross them."""
    if "." not in sentence[:-1]:
        return sentence
    return _DOTTED.sub(lambda m: m.group().replace(".", "").ljust(len(m.group())), sentence)
