"""Items in, stories out: skip seen -> classify -> cluster -> store, each item exactly once.

Every new item is written with its story's new state in one transaction, so a crash between
the two cannot lose an alert, and a concurrent poller storing the same item makes this one skip
it. The story's ``version`` going up is what makes ``notify`` send; this module sends nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Protocol

from aws_lambda_powertools import Logger

from exportwatch.aws.store import ItemAlreadyStored, StoryChanged
from exportwatch.classify.labels import classify
from exportwatch.models import Classification, Item, Story
from exportwatch.stories.cluster import RULE_LAG_DAYS, find_story, item_keys, merge, new_story, signature, window

logger = Logger(child=True)
_MAX_ATTEMPTS = 5
_MAX_GROUP = 40  # items per transaction (DynamoDB allows 100 actions, keys included)


class StoryStore(Protocol):
    """What ingestion needs of the table (``store.Store`` in production, a fake in unit tests)."""

    def seen(self, item_ids: Sequence[str]) -> set[str]:
        """Which of the ids are stored already."""

    def stories_on(self, days: Iterable[str]) -> list[Story]:
        """Stories first published on those days."""

    def story_for_keys(self, keys: Sequence[str]) -> tuple[Story, int] | None:
        """The story owning one of the keys, with its revision."""

    def get_story(self, story_id: str) -> tuple[Story, int] | None:
        """A story with its revision."""

    def save_many(
        self,
        items: Sequence[Item],
        story: Story,
        *,
        previous_rev: int | None,
        new_keys: Sequence[str],
        labels: Sequence[Sequence[str]],
        ttl_days: int = ...,
    ) -> None:
        """Store items and their story's new state at once."""

    def mark_seen(self, item: Item) -> bool:
        """Remember an irrelevant item; False if it was known."""


@dataclass(slots=True)
class IngestReport:
    """What one batch of items did; counted into metrics by the handler."""

    received: int = 0
    already_seen: int = 0
    irrelevant: int = 0
    stale: int = 0
    stored: int = 0
    stories_created: list[str] = field(default_factory=list)
    stories_updated: list[str] = field(default_factory=list)
    stories_extended: list[str] = field(default_factory=list)

    def add(self, other: IngestReport) -> None:
        """Sum another report into this one."""
        self.received += other.received
        self.already_seen += other.already_seen
        self.irrelevant += other.irrelevant
        self.stale += other.stale
        self.stored += other.stored
        self.stories_created += other.stories_created
        self.stories_updated += other.stories_updated
        self.stories_extended += other.stories_extended


def _utc_now() -> datetime:
    return datetime.now(UTC)


def ingest(
    items: Sequence[Item],
    store: StoryStore,
    *,
    watched: frozenset[str] = frozenset(),
    now: Callable[[], datetime] = _utc_now,
    ttl_days: int = 400,
    max_age_days: int = 0,
) -> IngestReport:
    """Store the new items among ``items`` and create or update their stories.

    Items already stored are skipped before classification (one BatchGetItem per 100), so an
    unchanged or re-served feed costs no classification and sends nothing. Items of one batch
    that report the same event are grouped first and written together, so a story that three
    outlets report in the same poll alerts once, with three sources, not once and then twice more.
    """
    report = IngestReport(received=len(items))
    unique = list({item.id: item for item in items}.values())
    known = store.seen([item.id for item in unique])
    report.already_seen = len(items) - len(unique) + len(known)
    fresh = [item for item in unique if item.id not in known]
    # Official documents first: a rule and the news about it in one poll make one story started by
    # the rule, not a news story followed by a "now official" update a second later.
    fresh.sort(key=lambda i: (not i.official, i.published, i.id))
    stamp = now().isoformat(timespec="seconds")
    # A feed that republishes its archive (or back-dates entries) must not flood subscribers:
    # items published long before they were first seen are remembered, never alerted.
    oldest = (now() - timedelta(days=max_age_days)).date().isoformat() if max_age_days > 0 else ""
    groups: list[_Group] = []
    for item in fresh:
        if oldest and item.published and item.published < oldest:
            if store.mark_seen(item):
                report.stale += 1
            else:
                report.already_seen += 1
            continue
        classification = classify(item, watched=watched)
        if not classification.relevant:
            if store.mark_seen(item):
                report.irrelevant += 1
            else:
                report.already_seen += 1
            continue
        _group(item, classification, store, groups, stamp)
    for group in groups:
        _persist(group, store, report, stamp=stamp, ttl_days=ttl_days)
    return report


@dataclass(slots=True)
class _Group:
    """The new items of one batch that belong to one story, and that story before and after them."""

    base: Story | None
    base_rev: int | None
    story: Story
    members: list[tuple[Item, Classification, tuple[str, ...]]]
    changes: list[str]


def _group(item: Item, classification: Classification, store: StoryStore, groups: list[_Group], stamp: str) -> None:
    keys = item_keys(item)
    sig = signature(item)
    in_batch = find_story([g.story for g in groups], item, classification, keys, sig)
    if in_batch is not None:
        group = next(g for g in groups if g.story is in_batch)
        merged = merge(group.story, item, classification, keys, now=stamp)
        if merged.version > group.story.version:
            group.changes += [c for c in merged.changes if c not in group.changes]
        group.story = merged
        group.members.append((item, classification, keys))
        return
    base, rev = _stored_story(item, classification, keys, sig, store, stamp)
    if base is None:
        story = new_story(item, classification, keys, sig, now=stamp)
        groups.append(_Group(None, None, story, [(item, classification, keys)], []))
        return
    merged = merge(base, item, classification, keys, now=stamp)
    changes = list(merged.changes) if merged.version > base.version else []
    groups.append(_Group(base, rev, merged, [(item, classification, keys)], changes))


def _stored_story(
    item: Item, classification: Classification, keys: Sequence[str], sig: Sequence[int], store: StoryStore, stamp: str
) -> tuple[Story | None, int | None]:
    owner = store.story_for_keys(keys)
    if owner is not None:
        return owner
    # As far back as a rule may trail its news (cluster.RULE_LAG_DAYS); belongs() applies the tighter limits.
    candidates = store.stories_on(window(item.published or stamp[:10], RULE_LAG_DAYS))
    found = find_story(candidates, item, classification, keys, sig)
    if found is None:
        return None, None
    loaded = store.get_story(found.story_id)
    return loaded if loaded else (None, None)


def _persist(group: _Group, store: StoryStore, report: IngestReport, *, stamp: str, ttl_days: int) -> None:
    """Write a group as one transaction; on any conflict, fall back to one item at a time."""
    if group.base is None:
        story = replace(group.story, version=1, changes=("new",))
    elif group.changes:
        story = replace(group.story, version=group.base.version + 1, changes=tuple(group.changes))
    else:
        story = replace(group.story, version=group.base.version, changes=group.base.changes)
    known_keys = set(group.base.keys) if group.base else set()
    new_keys = [k for _, _, keys in group.members for k in keys if k not in known_keys]
    if len(group.members) <= _MAX_GROUP:
        try:
            store.save_many(
                [m[0] for m in group.members],
                story,
                previous_rev=group.base_rev,
                new_keys=new_keys,
                labels=[m[1].labels for m in group.members],
                ttl_days=ttl_days,
            )
        except (ItemAlreadyStored, StoryChanged):
            logger.info("story or item changed concurrently, storing one by one", extra={"story_id": story.story_id})
        else:
            report.stored += len(group.members)
            if group.base is None:
                report.stories_created.append(story.story_id)
            elif story.version > group.base.version:
                report.stories_updated.append(story.story_id)
            else:
                report.stories_extended.append(story.story_id)
            return
    for item, classification, _keys in group.members:
        _store_one(item, classification, store, report, stamp=stamp, ttl_days=ttl_days)


def _store_one(
    item: Item, classification: Classification, store: StoryStore, report: IngestReport, *, stamp: str, ttl_days: int
) -> None:
    keys = item_keys(item)
    sig = signature(item)
    for _attempt in range(_MAX_ATTEMPTS):
        found, rev = _stored_story(item, classification, keys, sig, store, stamp)
        if found is None:
            story = new_story(item, classification, keys, sig, now=stamp)
            new_keys: Sequence[str] = keys
        else:
            story = merge(found, item, classification, keys, now=stamp)
            new_keys = [k for k in keys if k not in found.keys]
        try:
            store.save_many(
                [item],
                story,
                previous_rev=rev if found else None,
                new_keys=new_keys,
                labels=[classification.labels],
                ttl_days=ttl_days,
            )
        except ItemAlreadyStored:
            report.already_seen += 1
            return
        except StoryChanged:
            logger.info("story changed concurrently, retrying", extra={"story_id": story.story_id})
            continue
        report.stored += 1
        if found is None:
            report.stories_created.append(story.story_id)
        elif story.version > found.version:
            report.stories_updated.append(story.story_id)
        else:
            report.stories_extended.append(story.story_id)
        return
    raise RuntimeError(f"could not store item {item.id}: its story kept changing")
