"""The Entity List as the eCFR prints it: Supplement No. 4 to part 744, from the eCFR versioner API.

Why an alternative to the CSL: the eCFR is the regulation's own text (one row per entry, the Federal Register
citation column as BIS writes it), where the CSL is a derived download. The versioner API serves a title as it
stood on a date (``/full/{date}/title-15.xml?part=744``; ``current`` is not accepted), and ``/titles.json`` says
up to which date title 15 is current (``up_to_date_as_of``). The table inside ``<DIV9 N="Supplement No. 4 to Part
744">`` is read by the rule-text parser, which reads a list excerpt (rows, no instructions) as entries on the list.
"""

from __future__ import annotations

import json
import re
from dataclasses import replace

from exportwatch.entity_list.rule_text import parse_entries
from exportwatch.entity_list.snapshot import LISTED, ListFormatError
from exportwatch.models import Entry

VERSIONER_PATH = "/api/versioner/v1"
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_SUPPLEMENT = re.compile(r"<DIV9\b[^>]*\bN=[\"']Supplement No\. 4 to Part 744[\"'][^>]*>", re.IGNORECASE)
_END = re.compile(r"</DIV9\s*>", re.IGNORECASE)


def is_versioner(source: str) -> bool:
    """Whether a configured list source is the eCFR versioner API (its base URL) rather than a CSV download."""
    return source.rstrip("/").endswith(VERSIONER_PATH)


def titles_url(base: str) -> str:
    """The API's list of titles, with the date each is current to."""
    return base.rstrip("/") + "/titles.json"


def part_url(base: str, day: str) -> str:
    """Part 744 of title 15 as it stood on ``day``."""
    return f"{base.rstrip('/')}/full/{day}/title-15.xml?part=744"


def current_day(body: bytes) -> str:
    """The day title 15 is current to, from ``titles.json``.

    Raises
    ------
    ListFormatError
        When the answer is not JSON or names no such day for title 15.
    """
    try:
        titles = json.loads(body).get("titles")
    except (ValueError, AttributeError) as exc:
        raise ListFormatError(f"titles.json is not the eCFR's list of titles: {str(exc)[:100]}") from exc
    for title in titles if isinstance(titles, list) else []:
        if isinstance(title, dict) and title.get("number") == 15:
            day = str(title.get("up_to_date_as_of") or "")
            if _DAY.fullmatch(day):
                return day
    raise ListFormatError("titles.json gives no up_to_date_as_of date for title 15")


def parse_supplement_4(body: bytes) -> list[Entry]:
    """The entries of Supplement No. 4 in part 744's XML, one per row (``[Reserved]`` rows left out).

    Raises
    ------
    ListFormatError
        When the XML holds no Supplement No. 4, or no entry in it.
    """
    text = body.decode("utf-8", errors="replace")
    start = _SUPPLEMENT.search(text)
    if start is None:
        raise ListFormatError("the eCFR XML holds no Supplement No. 4 to Part 744")
    end = _END.search(text, start.end())
    section = text[start.end() : end.start() if end else len(text)]
    entries = [
        replace(entry, action=LISTED)
        for entry in parse_entries(section)
        if entry.name and entry.name.strip("[] .").lower() != "reserved"
    ]
    if not entries:
        raise ListFormatError("Supplement No. 4 in the eCFR XML has no entries")
    return entries
