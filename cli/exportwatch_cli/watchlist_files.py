"""Watchlist files for ``exportwatch screen`` and the matcher's measurement on real listed names.

``python -m exportwatch_cli.watchlist_files PAIRS.jsonl`` prints how many same-party pairs are found and
how many different-party pairs are wrongly matched (``make eval`` runs it on the fixture).
"""

from __future__ import annotations

import csv
import json
import re
import sys
from collections import Counter
from collections.abc import Iterable
from importlib import resources
from pathlib import Path
from typing import IO, Any

from exportwatch.screening import DEFAULT_THRESHOLD, Counterparty, Index, Listed, Match
from exportwatch_cli.jsonlines import json_lines

MAX_ROWS = 1_000_000


class WatchlistError(ValueError):
    """A watchlist or entries file that cannot be screened; the message is one line."""


def read_watchlist(stream: IO[str]) -> list[Counterparty]:
    """A CSV with a ``name`` column and optional ``country``, ``aliases`` (";"-separated), ``reference``."""
    reader = csv.DictReader(stream)
    fields = [f.strip().lstrip("\ufeff").strip().lower() for f in reader.fieldnames or []]  # Excel writes a BOM
    if "name" not in fields:
        raise WatchlistError("the watchlist has no 'name' column (a CSV with a header row is expected)")
    reader.fieldnames = fields
    parties = []
    for number, row in enumerate(reader, start=2):
        if number > MAX_ROWS:
            raise WatchlistError(f"more than {MAX_ROWS:,} rows")
        name = (row.get("name") or "").strip()
        if not name:
            continue
        aliases = tuple(a.strip() for a in (row.get("aliases") or "").split(";") if a.strip())
        parties.append(
            Counterparty(name, aliases, (row.get("country") or "").strip(), (row.get("reference") or "").strip())
        )
    return parties


def read_entries(stream: IO[str]) -> list[Listed]:
    """JSON lines shaped as ``exportwatch entries`` prints them; every line must be an object with a name."""
    listed = []
    for number, data, error in json_lines(stream):
        if error is not None:
            raise WatchlistError(f"entries {error}")
        if not isinstance(data, dict) or not isinstance(data.get("name"), str) or not data["name"].strip():
            raise WatchlistError(f"entries line {number}: an object with a 'name' is expected")
        aliases = data.get("aliases") or []
        if not isinstance(aliases, list):
            raise WatchlistError(f"entries line {number}: 'aliases' must be a list")
        listed.append(Listed.from_json(data))
    return listed


def read_csl(stream: IO[str]) -> list[Listed]:
    """Entity List parties from a trade.gov Consolidated Screening List CSV (one row per address).

    Rows of other lists (SDN, DPL, ...) are skipped when a ``source`` column says so; rows of one name
    are one party, with every alias from ``alt_names`` (``"; "``-separated, ``and `` prefixes dropped).
    """
    reader = csv.DictReader(stream)
    if "name" not in (reader.fieldnames or []):
        raise WatchlistError("the list snapshot has no 'name' column (a CSL CSV or entries JSON lines is expected)")
    parties: dict[str, list[str]] = {}
    countries: dict[str, str] = {}
    for row in reader:
        if "Entity List" not in (row.get("source") or "Entity List"):
            continue
        name = (row.get("name") or "").strip().strip(",").strip()
        if not name:
            continue
        aliases = parties.setdefault(name, [])
        for alias in re.split(r";|, and ", row.get("alt_names") or ""):  # "X Co., Ltd., and Sense Time": two
            alias = alias.strip().removeprefix("and ").strip(" ,")
            if alias and alias not in aliases:
                aliases.append(alias)
        address = (row.get("addresses") or "").split(";")[0]
        countries.setdefault(name, address.rsplit(",", 1)[-1].strip() if "," in address else "")
    return [Listed(name, tuple(aliases), countries[name]) for name, aliases in parties.items()]


def read_snapshot(path: str) -> list[Listed]:
    """A list snapshot: a CSL CSV (``.csv``) or JSON lines shaped as ``exportwatch entries`` prints."""
    try:
        with Path(path).open(encoding="utf-8", newline="") as stream:
            return read_csl(stream) if path.lower().endswith(".csv") else read_entries(stream)
    except OSError as exc:
        raise WatchlistError(f"cannot read {path}: {exc.strerror}") from exc


BUNDLED_SNAPSHOT = "the bundled list snapshot (exportwatch/entity_list/listed_names.tsv)"


def read_bundled() -> list[Listed]:
    """The list snapshot the layer's gazetteer holds: every listed name with its aliases and countries.

    What ``watchlist import`` screens against when no ``--snapshot`` is given: a snapshot of the list, so a
    party listed since it was taken is found by rule-time screening, not here.
    """
    from exportwatch.entity_list.gazetteer import read_listed

    with (resources.files("exportwatch.entity_list") / "listed_names.tsv").open(encoding="utf-8") as lines:
        return [Listed(entry.name, entry.aliases, " ".join(entry.countries)) for entry in read_listed(lines)]


def describe(match: Match) -> str:
    """One match in words, for a compliance officer."""
    kind = "alias" if match.matched != match.listed.name else "name"
    line = f"{match.counterparty.name} <-> listed '{match.matched}' ({kind}), score {match.score:.2f}"
    if kind == "alias":
        line += f", entry '{match.listed.name}'"
    if match.counterparty.reference:
        line += f"; your ref {match.counterparty.reference}"
    return f"{line} [{match.why}]"


def evaluate_pairs(pairs: Iterable[dict[str, Any]], threshold: float = DEFAULT_THRESHOLD) -> dict[str, Any]:
    """Same-party pairs found and different-party pairs matched, each pair screened on its own."""
    counts: Counter[str] = Counter()
    misses: list[dict[str, Any]] = []
    for pair in pairs:
        found = bool(Index([Listed.from_json(pair["entry"])]).screen(Counterparty(pair["counterparty"]), threshold))
        kind = "same" if pair["same"] else "different"
        counts[kind] += 1
        counts[f"{kind}_matched"] += found
        if found != pair["same"]:
            misses.append({"counterparty": pair["counterparty"], "entry": pair["entry"]["name"], "rule": pair["rule"]})
    return {
        "pairs": counts["same"] + counts["different"],
        "same_party": counts["same"],
        "found": counts["same_matched"],
        "recall": counts["same_matched"] / max(counts["same"], 1),
        "different_party": counts["different"],
        "wrongly_matched": counts["different_matched"],
        "false_match_rate": counts["different_matched"] / max(counts["different"], 1),
        "errors": misses,
    }


def main(argv: list[str]) -> int:
    """Print the figures for one pairs file."""
    lines = Path(argv[0]).read_text(encoding="utf-8").splitlines()
    result = evaluate_pairs(json.loads(line) for line in lines if line.strip())
    print(
        f"screening: {result['found']}/{result['same_party']} same-party pairs found ({result['recall']:.1%}, "
        f"at least 97%), {result['wrongly_matched']}/{result['different_party']} different-party pairs matched "
        f"({result['false_match_rate']:.1%}, at most 2%); threshold {DEFAULT_THRESHOLD}"
    )
    for miss in result["errors"]:
        print("  " + json.dumps(miss, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
