"""Stories: which items report the same real-world event, and when a story changes materially.

An item joins a story when they share an identity key (Federal Register document number,
citation such as "84 FR 64018", canonical URL), or when, within a few days, they share a party
and a label, or their texts are near-duplicates (MinHash over word shingles). Two different
Federal Register documents are never one story: each rule is its own action.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import date

from exportwatch.classify import clean_text
from exportwatch.dates import to_date
from exportwatch.entities import entity_key
from exportwatch.federal_register import citations
from exportwatch.models import Classification, Item, Source, Story
from exportwatch.urls import canonical_url

WINDOW_DAYS = 3
NEAR_DUPLICATE = 0.5
_PERMUTATIONS = 32
_PRIME = (1 << 61) - 1
_SEEDS = [
    (
        int.from_bytes(hashlib.blake2b(f"a{i}".encode(), digest_size=8).digest(), "big") % _PRIME | 1,
        int.from_bytes(hashlib.blake2b(f"b{i}".encode(), digest_size=8).digest(), "big") % _PRIME,
    )
    for i in range(_PERMUTATIONS)
]
_WORD = re.compile(r"[a-z0-9]+")
_DEADLINES = ("expires", "effective", "comments_close")
_MAX_SOURCES = 50
_EVIDENCE_PER_LABEL = 2


def item_keys(item: Item) -> tuple[str, ...]:
    """Identity keys an item shares with any other report of the same document."""
    keys: dict[str, None] = {item.id: None}
    if item.document_number:
        keys[f"doc:{item.document_number}"] = None
    for citation in citations([item.citation, item.title, item.text[:5000]]):
        keys[f"cite:{citation}"] = None
    if item.url:
        keys[f"url:{canonical_url(item.url)}"] = None
    return tuple(keys)


def signature(item: Item) -> tuple[int, ...]:
    """MinHash signature of the item's word 3-shingles (title and the first part of the text)."""
    words = _WORD.findall(f"{item.title} {clean_text(item.text)[:4000]}".lower())
    shingles = {" ".join(words[i : i + 3]) for i in range(max(1, len(words) - 2))}
    hashes = [int.from_bytes(hashlib.blake2b(s.encode(), digest_size=8).digest(), "big") for s in shingles]
    if not hashes:
        return ()
    return tuple(min((a * h + b) % _PRIME for h in hashes) for a, b in _SEEDS)


def similarity(a: Sequence[int], b: Sequence[int]) -> float:
    """Estimated Jaccard similarity of two MinHash signatures."""
    if not a or not b or len(a) != len(b):
        return 0.0
    return sum(x == y for x, y in zip(a, b, strict=True)) / len(a)


def story_id_for(first_key: str) -> str:
    """Stable story id: derived from the key of the item that started the story."""
    return "s-" + hashlib.sha256(first_key.encode()).hexdigest()[:16]


def _days_apart(a: str, b: str) -> int | None:
    da, db = to_date(a), to_date(b)
    return abs((da - db).days) if da and db else None


def _document_numbers(keys: Iterable[str]) -> set[str]:
    return {k[4:] for k in keys if k.startswith("doc:")}


def belongs(story: Story, item: Item, classification: Classification, keys: Sequence[str], sig: Sequence[int]) -> bool:
    """Whether ``item`` reports the event of ``story``."""
    item_docs, story_docs = _document_numbers(keys), _document_numbers(story.keys)
    if item_docs and story_docs and not item_docs & story_docs:
        return False  # two Federal Register documents are two actions
    if set(keys) & set(story.keys):
        return True
    gaps = [d for d in (_days_apart(item.published, s.published) for s in story.sources) if d is not None]
    apart = min(gaps, default=_days_apart(item.published, story.published))
    if apart is None or apart > WINDOW_DAYS:
        return False
    if not set(classification.labels) & set(story.labels):
        return False
    item_parties = {entity_key(e) for e in classification.entities}
    story_parties = {entity_key(e) for e in story.entities}
    if item_parties and story_parties:
        return bool(item_parties & story_parties)
    return similarity(sig, story.signature) >= NEAR_DUPLICATE


def find_story(
    candidates: Iterable[Story], item: Item, classification: Classification, keys: Sequence[str], sig: Sequence[int]
) -> Story | None:
    """The story ``item`` belongs to: a shared key first, then the closest in time and text."""
    matches = [s for s in candidates if belongs(s, item, classification, keys, sig)]
    if not matches:
        return None
    return max(
        matches,
        key=lambda s: (
            bool(set(keys) & set(s.keys)),
            similarity(sig, s.signature),
            -(_days_apart(item.published, s.published) or 0),
        ),
    )


def _source(item: Item) -> Source:
    return Source(item.id, item.title, item.url, item.source, item.published, item.stage)


def _merge_unique(a: Iterable[str], b: Iterable[str], *, key: object = None) -> tuple[str, ...]:
    seen: dict[str, str] = {}
    for value in [*a, *b]:
        seen.setdefault(entity_key(value) if key == "entity" else value, value)
    return tuple(seen.values())


def new_story(
    item: Item, classification: Classification, keys: Sequence[str], sig: Sequence[int], *, now: str
) -> Story:
    """Start a story from its first item."""
    return Story(
        story_id=story_id_for(keys[0]),
        title=item.title,
        labels=classification.labels,
        severity=classification.severity,
        entities=classification.entities,
        countries=classification.countries,
        dates=dict(classification.dates),
        evidence=classification.evidence,
        sources=(_source(item),),
        keys=tuple(keys),
        first_seen=now,
        last_seen=now,
        published=item.published or now[:10],
        official=item.official,
        version=1,
        changes=("new",),
        signature=tuple(sig),
    )


_SEVERITY_RANK = {"high": 3, "medium": 2, "low": 1, None: 0}


def merge(story: Story, item: Item, classification: Classification, keys: Sequence[str], *, now: str) -> Story:
    """Add an item to its story; the version goes up only on a material change.

    Material: the first official Federal Register document, a new label, a new or changed
    deadline. Another article about the same event is recorded and changes nothing else.
    """
    changes: list[str] = []
    if item.official and not story.official:
        cite = f" ({item.citation})" if item.citation else ""
        changes.append(f"now official: Federal Register {item.document_number}{cite}")
    new_labels = [label for label in classification.labels if label not in story.labels]
    changes += [f"new label: {label}" for label in new_labels]
    dates = dict(story.dates)
    for name, value in classification.dates.items():
        if name in _DEADLINES and dates.get(name) != value and (item.official or name not in dates):
            changes.append(f"{name.replace('_', ' ')}: {value}" + (f" (was {dates[name]})" if name in dates else ""))
            dates[name] = value
        else:
            dates.setdefault(name, value)
    evidence = list(story.evidence)
    for found in classification.evidence:
        same_label = [e for e in evidence if e.label == found.label]
        if len(same_label) < _EVIDENCE_PER_LABEL and all(e.text != found.text for e in same_label):
            evidence.append(found)
    sources = story.sources if any(s.id == item.id for s in story.sources) else story.sources + (_source(item),)
    severity = max(story.severity, classification.severity, key=lambda s: _SEVERITY_RANK[s])
    return replace(
        story,
        title=item.title if item.official and not story.official else story.title,
        labels=story.labels + tuple(new_labels),
        severity=severity,
        entities=_merge_unique(story.entities, classification.entities, key="entity"),
        countries=_merge_unique(story.countries, classification.countries),
        dates=dates,
        evidence=tuple(evidence),
        sources=sources[:_MAX_SOURCES],
        keys=_merge_unique(story.keys, keys)[:200],
        last_seen=now,
        official=story.official or item.official,
        version=story.version + (1 if changes else 0),
        changes=tuple(changes) if changes else story.changes,
    )


def window(published: str, days: int = WINDOW_DAYS) -> list[str]:
    """The ISO days whose stories an item published on ``published`` may join."""
    day = to_date(published)
    if day is None:
        return []
    return [date.fromordinal(day.toordinal() + offset).isoformat() for offset in range(-days, days + 1)]
