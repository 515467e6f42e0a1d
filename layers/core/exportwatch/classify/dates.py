"""Key dates from text: effective, expires, comments_close, computed from spans when needed.

News rarely gives the end of an extension: "another 90 days ... granted on Nov. 18" must become
2020-02-16, with the year taken from the item's publication date.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from exportwatch.classify.ascii import Dual

_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "sept": 9, "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
_MONTH = r"(Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
DATE_RE = re.compile(_MONTH + r"\s+(\d{1,2})(?:st|nd|rd|th)?(?:,?\s+(\d{4}))?", re.IGNORECASE)
# The same pattern for lower-cased text, where a case-sensitive scan is several times faster.
# Matched in ASCII mode on ASCII text, faster with the same matches (see classify.ascii): [text.isascii()].
_DATE_LOWER = Dual(_MONTH.lower() + r"\s+(\d{1,2})(?:st|nd|rd|th)?(?:,?\s+(\d{4}))?").variants
_DIGIT = Dual(r"\d").variants
_ISO_RE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_NUMBER_WORDS = {"thirty": 30, "sixty": 60, "ninety": 90, "forty-five": 45, "one hundred eighty": 180, "180": 180}
_SPAN_RE = re.compile(
    r"\b(?:another|additional|further|an additional|a further)?\s*(\d{1,3}|thirty|sixty|ninety|forty-five)[- ]day\b"
    r"|\b(?:another|additional|further|for)\s+(\d{1,3}|thirty|sixty|ninety)\s+days\b",
    re.IGNORECASE,
)
_EXPIRES_CUE = Dual(
    r"(?:through|until|expir\w*(?:\s+on)?|substitut\w* the date of|valid (?:through|until)|runs? out (?:on)?|"
    r"deadline (?:of|to|is)?)\s+$",
    re.IGNORECASE,
)
_EFFECTIVE_CUE = Dual(r"(?:effective(?:\s+on)?|takes? effect(?:\s+on)?|effective date (?:is|of))\s+$", re.IGNORECASE)
_COMMENTS_CUE = Dual(
    r"comments?\s+(?:must be received|are due|should be submitted)?\s*(?:by|on or before)\s+$", re.IGNORECASE
)
_ANCHOR_CUE = Dual(r"(?:granted|issued|announced|extended|extension|on|dated)\W+(?:\w+\W+){0,3}$", re.IGNORECASE)


def parse_date(match: re.Match[str], reference: date | None) -> date | None:
    """Turn a month-day(-year) match into a date; a missing year comes from ``reference``."""
    month = _MONTHS[match.group(1).lower()[:3]]
    day = int(match.group(2))
    year = int(match.group(3)) if match.group(3) else (reference.year if reference else None)
    if year is None:
        return None
    try:
        found = date(year, month, day)
    except ValueError:
        return None
    if not match.group(3) and reference and (found - reference).days > 200:
        # "Nov. 18" in a January article is last year's November.
        try:
            found = found.replace(year=year - 1)
        except ValueError:
            return None
    return found


def to_date(value: str) -> date | None:
    """Parse an ISO date (``YYYY-MM-DD``), or None."""
    match = _ISO_RE.search(value or "")
    if not match:
        return None
    try:
        return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        return None


def _span_days(text: str) -> int | None:
    match = _SPAN_RE.search(text)
    if not match:
        return None
    raw = (match.group(1) or match.group(2)).lower()
    return int(raw) if raw.isdigit() else _NUMBER_WORDS.get(raw)


def find_dates(sentences: list[str], published: str, *, extension: bool) -> dict[str, str]:
    """Return named ISO dates found in ``sentences``.

    Parameters
    ----------
    sentences
        The item's sentences, title first.
    published
        The item's publication date (``YYYY-MM-DD``), used to resolve a missing year.
    extension
        Whether the item extends a deadline; only then is a span turned into an ``expires`` date.
    """
    reference = to_date(published)
    dates: dict[str, str] = {}
    # A date has digits: sentences without any are skipped before the month scan.
    lowered = [sentence.lower() for sentence in sentences if _DIGIT[sentence.isascii()].search(sentence)]
    for sentence in lowered:
        for match in _DATE_LOWER[sentence.isascii()].finditer(sentence):
            before = sentence[max(0, match.start() - 60) : match.start()]
            found = parse_date(match, reference)
            if found is None:
                continue
            if _EXPIRES_CUE.search(before):
                dates.setdefault("expires", found.isoformat())
            elif _EFFECTIVE_CUE.search(before):
                dates.setdefault("effective", found.isoformat())
            elif _COMMENTS_CUE.search(before):
                dates.setdefault("comments_close", found.isoformat())
    if extension and "expires" not in dates:
        for sentence in lowered:
            days = _span_days(sentence)
            if not days:
                continue
            found_dates = _DATE_LOWER[sentence.isascii()].finditer(sentence)
            anchors = [m for m in found_dates if _ANCHOR_CUE.search(sentence[: m.start()])]
            anchor = parse_date(anchors[0], reference) if anchors else None
            if anchor:
                dates["extended_on"] = anchor.isoformat()
                try:
                    dates["expires"] = (anchor + timedelta(days=days)).isoformat()
                except OverflowError:
                    dates.pop("extended_on", None)
                break
    return dates
