"""The Entity List as its published source lists it -> one entry per party and country (a snapshot).

Why: diffing the list against itself catches an Entity List change whose rule the classifier missed. The
trade.gov Consolidated Screening List (CSL) CSV holds the Entity List next to other lists, with quirks
the snapshot must absorb so that the next diff reports real changes only: one row per address of a party
(grouped here), ``?`` in place of apostrophes, trailing commas on names, a country only as the ISO code
ending the addresses cell, and citations that pile up with mixed separators.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from exportwatch.countries import name_of
from exportwatch.models import Entry, ListSnapshot
from exportwatch.sources.federal_register import citations

EL_SOURCE = "Entity List (EL) - Bureau of Industry and Security"
LISTED = "listed"  # the action of an entry in a snapshot (a diff's entries say add, remove or revise)
_REQUIRED = ("source", "name", "addresses", "federal_register_notice")
_COUNTRY_CODE = re.compile(r"(?:^|[,;]\s*)([A-Z]{2})\s*$")
_SPACES = re.compile(r"\s+")
_PUNCT = re.compile(r"[^\w\s]")
csv.field_size_limit(1_000_000)  # one CSL cell (aliases of a large group) can pass csv's 128 KB default


class ListFormatError(ValueError):
    """The source's body is not the list format expected; the message says why, in one line."""


def normalized(text: str) -> str:
    """A name or address as compared across snapshots: lower case, no punctuation, ``?`` read as an apostrophe."""
    text = text.replace("?", "'").replace("\u2019", "'").casefold()
    return _SPACES.sub(" ", _PUNCT.sub(" ", text)).strip()


def entry_key(entry: Entry) -> str:
    """The identity of a listed party across snapshots: its normalized name under its country."""
    return f"{entry.country}|{normalized(entry.name)}"


def _clean(text: str) -> str:
    return _SPACES.sub(" ", text.replace("?", "'")).strip().strip(",").strip()


def _split_list(cell: str) -> list[str]:
    """A CSL list cell ("A; B; and C") as its values, without the leading "and"."""
    values = []
    for part in cell.split(";"):
        value = _clean(re.sub(r"^\s*and\s+", "", part))
        if value:
            values.append(value)
    return values


def ordered_citations(cells: Iterable[str]) -> list[str]:
    """Every citation of the cells, oldest first (by volume and page), each once."""
    found = citations(cells)
    return sorted(found, key=lambda c: tuple(int(n) for n in c.split(" FR ")))


@dataclass(slots=True)
class _Party:
    name: str
    country: str
    aliases: dict[str, str] = field(default_factory=dict)
    addresses: dict[str, str] = field(default_factory=dict)
    requirements: dict[str, str] = field(default_factory=dict)
    policies: dict[str, str] = field(default_factory=dict)
    notices: list[str] = field(default_factory=list)

    def entry(self) -> Entry:
        return Entry(
            action=LISTED,
            name=self.name,
            country=self.country,
            aliases=tuple(sorted(self.aliases.values(), key=normalized)),
            addresses=tuple(sorted(self.addresses.values(), key=normalized)),
            license_requirement=" | ".join(sorted(self.requirements.values())) or None,
            license_policy=" | ".join(sorted(self.policies.values())) or None,
            citation="; ".join(ordered_citations(self.notices)) or None,
        )


def parse_csl_csv(body: bytes) -> list[Entry]:
    """The Entity List rows of a CSL CSV download, grouped into one entry per (normalized name, country).

    Rows of one party (one per address, sometimes with differing citations) become one entry holding every
    address, alias and citation; other lists' rows (SDN, MEU, DPL ...) are left out.

    Raises
    ------
    ListFormatError
        When the body is not UTF-8 CSV with the CSL columns.
    """
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ListFormatError(f"the list is not UTF-8 text: {exc}") from exc
    reader = csv.DictReader(io.StringIO(text))
    missing = [column for column in _REQUIRED if column not in (reader.fieldnames or ())]
    if missing:
        raise ListFormatError(f"the list has no {', '.join(missing)} column: not a Consolidated Screening List CSV")
    parties: dict[str, _Party] = {}
    try:
        for row in reader:
            if (row.get("source") or "").strip() != EL_SOURCE:
                continue
            _add_row(parties, row)
    except csv.Error as exc:
        raise ListFormatError(f"the list is not well-formed CSV (line {reader.line_num}): {exc}") from exc
    return [party.entry() for party in parties.values()]


def _add_row(parties: dict[str, _Party], row: dict[str, str]) -> None:
    name = _clean(row.get("name") or "")
    if not name:
        return
    addresses = (row.get("addresses") or "").strip()
    code = _COUNTRY_CODE.search(addresses)
    country = name_of(code.group(1)) if code else ""
    key = f"{country}|{normalized(name)}"
    party = parties.setdefault(key, _Party(name, country))
    for alias in _split_list(row.get("alt_names") or ""):
        party.aliases.setdefault(normalized(alias), alias)
    for address in _split_list(addresses):  # "A; and B" in one cell, and one row per address besides
        party.addresses.setdefault(normalized(address), address)
    for column, values in (("license_requirement", party.requirements), ("license_policy", party.policies)):
        value = _clean(row.get(column) or "").rstrip(".").strip()
        if value:
            values.setdefault(normalized(value), value)
    party.notices.append(row.get("federal_register_notice") or "")


def snapshot_of(entries: Iterable[Entry], *, source: str, taken: str) -> ListSnapshot:
    """The snapshot of ``entries``, ordered by key, with the digest of what they say."""
    ordered = tuple(sorted(entries, key=entry_key))
    canonical = json.dumps([e.to_json() for e in ordered], ensure_ascii=False, sort_keys=True)
    digest = hashlib.sha256(canonical.encode()).hexdigest()[:32]
    return ListSnapshot(source=source, taken=taken, digest=digest, entries=ordered)
