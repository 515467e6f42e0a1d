"""The Entity List as its published source lists it -> one entry per party and country (a snapshot).

Why: diffing the list against itself catches an Entity List change whose rule the classifier missed. The
trade.gov Consolidated Screening List (CSL) CSV holds the Entity List next to other lists, with quirks
the snapshot must absorb so that the next diff reports real changes only: one row per address of a party
(grouped here), ``?`` in place of apostrophes, trailing commas on names, citations that pile up with mixed
separators, and a country only as the ISO code (or, in older rows, the name) ending each address. Older entries
keep every address in one row, across countries ("..., Kabul, AF; ..., Peshawar, PK"): each address goes to its
own country, so that a party listed under two countries is two entries, as Supplement No. 4 lists it.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from aws_lambda_powertools import Logger

from exportwatch.countries import name_of, name_of_form
from exportwatch.models import Entry, ListSnapshot
from exportwatch.sources.federal_register import citations

EL_SOURCE = "Entity List (EL) - Bureau of Industry and Security"
CSL_CSV_URL = "https://data.trade.gov/downloadable_consolidated_screening_list/v1/consolidated.csv"
# Which reading of the list a snapshot holds. Bump it when a change to the readers changes the entries the same
# list gives (countries, grouping, cleaning): the first poll under a new reader primes again instead of
# alerting on the difference between two readings of one list.
READER = "2"  # 2: an address under its own country; apostrophes ignored in comparisons
LISTED = "listed"  # the action of an entry in a snapshot (a diff's entries say add, remove or revise)
_REQUIRED = ("source", "name", "addresses", "federal_register_notice")
_COUNTRY_CODE = re.compile(r"(?:^|[,;]\s*)([A-Z]{2})\s*$")
_POSTAL_TAIL = re.compile(r"[\s\d.-]+$")  # "..., Chengdu, China 610036" ends with the name "China"
_SPACES = re.compile(r"\s+")
_PUNCT = re.compile(r"[^\w\s]")
csv.field_size_limit(1_000_000)  # one CSL cell (aliases of a large group) can pass csv's 128 KB default
logger = Logger(child=True)


class ListFormatError(ValueError):
    """The source's body is not the list format expected; the message says why, in one line."""


def normalized(text: str) -> str:
    """A name or address as compared across snapshots: lower case, no punctuation, no apostrophe.

    The list writes an apostrophe as ``'``, ``?`` or nothing, from one download to another ("HA'Assif",
    "HA?Assif", "HAAssif"): all three are "haassif".
    """
    text = text.replace("?", "").replace("'", "").replace("\u2019", "").casefold()
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

    Rows of one party (one per address, sometimes with differing citations) become one entry per country holding
    every address, alias and citation; other lists' rows (SDN, MEU, DPL ...) are left out. Read by column name,
    so a download without the ``_id`` column (as in 2019) reads the same.

    Raises
    ------
    ListFormatError
        When the body is not UTF-8 CSV with the CSL columns (the message says what it looks like instead).
    """
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ListFormatError(f"the list is not UTF-8 text: {exc}") from exc
    reader = csv.DictReader(io.StringIO(text))
    missing = [column for column in _REQUIRED if column not in (reader.fieldnames or ())]
    if missing:
        raise ListFormatError(_not_the_csv(text, missing))
    parties: dict[str, _Party] = {}
    nameless = 0
    try:
        for row in reader:
            if (row.get("source") or "").strip() == EL_SOURCE:
                nameless += not _add_row(parties, row)
    except csv.Error as exc:
        raise ListFormatError(f"the list is not well-formed CSV (line {reader.line_num}): {exc}") from exc
    if nameless:  # nothing to list them under; said, not dropped silently
        logger.warning("Entity List rows without a name left out", extra={"rows": nameless})
    return [party.entry() for party in parties.values()]


def _not_the_csv(text: str, missing: list[str]) -> str:
    """Why a body is not the CSL CSV, in one line: the JSON download, or whatever header it has."""
    start = text.lstrip()[:1]
    if start in ("{", "["):
        return f"the list is JSON (the CSL API or its JSON download), not the CSV this source reads: use {CSL_CSV_URL}"
    first = text.lstrip().split("\n", 1)[0].strip()[:80]
    return f"the list has no {', '.join(missing)} column (first line: {first!r}): not a Consolidated Screening List CSV"


def _country_of(address: str) -> str:
    """The country an address ends with: its ISO code ("..., Moscow, RU"), else its name ("..., Hong Kong")."""
    code = _COUNTRY_CODE.search(address)
    if code:
        return name_of(code.group(1))
    last = _POSTAL_TAIL.sub("", address.rsplit(",", 1)[-1]).strip()
    return (name_of_form(last) or "") if last else ""


def by_country(cell: str) -> dict[str, list[str]]:
    """The addresses of a CSL ``addresses`` cell, by country ({"": []} for an empty cell).

    The CSL writes each address as "street, city, state, postal code, country code" and joins them with "; ",
    but a ";" inside one address splits it too: a part that names no country belongs to the next part that
    does, or, at the end of the cell, to the one before. A cell that names no country at all stays under "".
    """
    parts = _split_list(cell)
    found = [_country_of(part) for part in parts]
    following = ""
    for i in reversed(range(len(found))):
        following = found[i] = found[i] or following
    preceding = ""
    for i in range(len(found)):
        preceding = found[i] = found[i] or preceding
    countries: dict[str, list[str]] = {}
    for country, part in zip(found, parts, strict=True):
        countries.setdefault(country, []).append(part)
    return countries or {"": []}


def _add_row(parties: dict[str, _Party], row: dict[str, str]) -> bool:
    """Add a row to its party's entry under each country of its addresses; False for a row without a name."""
    name = _clean(row.get("name") or "")
    if not name:
        return False
    for country, addresses in by_country(row.get("addresses") or "").items():
        party = parties.setdefault(f"{country}|{normalized(name)}", _Party(name, country))
        for alias in _split_list(row.get("alt_names") or ""):
            party.aliases.setdefault(normalized(alias), alias)
        for address in addresses:
            party.addresses.setdefault(normalized(address), address)
        for column, values in (("license_requirement", party.requirements), ("license_policy", party.policies)):
            value = _clean(row.get(column) or "").rstrip(".").strip()
            if value:
                values.setdefault(normalized(value), value)
        party.notices.append(row.get("federal_register_notice") or "")
    return True


def snapshot_of(entries: Iterable[Entry], *, source: str, taken: str) -> ListSnapshot:
    """The snapshot of ``entries``, ordered by key, with the digest of what they say."""
    ordered = tuple(sorted(entries, key=entry_key))
    canonical = json.dumps([e.to_json() for e in ordered], ensure_ascii=False, sort_keys=True)
    digest = hashlib.sha256(canonical.encode()).hexdigest()[:32]
    return ListSnapshot(source=source, taken=taken, digest=digest, entries=ordered, reader=READER)
