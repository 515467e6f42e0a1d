"""Two Entity List snapshots -> the entries added, removed and revised, grouped by the rule that made them.

Why: a list change is told to subscribers as its rule's change. Entries are compared by what they say, not by
how the source spells it (case, punctuation, ``?`` for an apostrophe, trailing periods, the order of aliases
or addresses), so a source that rewrites its rows without changing the list reports nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from exportwatch.entity_list.snapshot import entry_key, normalized, ordered_citations
from exportwatch.models import Entry, ListSnapshot

ADD, REMOVE, REVISE = "add", "remove", "revise"


@dataclass(frozen=True, slots=True)
class ListChange:
    """The changes one rule made, as the list shows them.

    ``citation`` is the Federal Register citation that appeared with them ("90 FR 1234"), ``""`` when the list
    does not say (a removed entry leaves no citation behind; a revision may add none).
    """

    citation: str
    entries: tuple[Entry, ...]


def _citations(entry: Entry) -> list[str]:
    """An entry's citations, normalized ("87 FR 77505", dates and truncated ones dropped), oldest first."""
    return ordered_citations([entry.citation or ""])


def _said(entry: Entry) -> tuple[object, ...]:
    """What a revision is about: aliases, addresses, licence requirement and policy, citations."""
    return (
        frozenset(normalized(a) for a in entry.aliases),
        frozenset(normalized(a) for a in entry.addresses),
        normalized(entry.license_requirement or ""),
        normalized(entry.license_policy or ""),
        frozenset(_citations(entry)),
    )


def diff(old: ListSnapshot, new: ListSnapshot) -> list[Entry]:
    """The entries of ``new`` added or revised since ``old``, and those of ``old`` removed, in key order."""
    before = {entry_key(e): e for e in old.entries}
    after = {entry_key(e): e for e in new.entries}
    changed: list[Entry] = []
    for key in sorted(before.keys() | after.keys()):
        if key not in before:
            changed.append(replace(after[key], action=ADD))
        elif key not in after:
            changed.append(replace(before[key], action=REMOVE))
        elif _said(before[key]) != _said(after[key]):
            changed.append(replace(after[key], action=REVISE))
    return changed


def _cause(entry: Entry, old: dict[str, Entry]) -> str:
    """The citation that made a change: the newest one an entry gained ('' if none)."""
    if entry.action == REMOVE:
        return ""
    known = set(_citations(old[entry_key(entry)])) if entry.action == REVISE else set()
    gained = [c for c in _citations(entry) if c not in known]
    return gained[-1] if gained else ""  # citations are ordered oldest first


def by_rule(changed: Sequence[Entry], old: ListSnapshot) -> list[ListChange]:
    """The changes grouped by the citation that made them, largest group first.

    Changes that carry no citation (removals, above all) belong to the one rule the poll saw, when it saw
    exactly one: BIS removes and adds in the same rule, and the list is polled daily. Otherwise they make
    a group of their own.
    """
    before = {entry_key(e): e for e in old.entries}
    groups: dict[str, list[Entry]] = {}
    for entry in changed:
        groups.setdefault(_cause(entry, before), []).append(entry)
    cited = [citation for citation in groups if citation]
    if "" in groups and len(cited) == 1:
        groups[cited[0]] += groups.pop("")
    return [
        ListChange(citation, tuple(entries))
        for citation, entries in sorted(groups.items(), key=lambda g: (-len(g[1]), g[0]))
    ]
