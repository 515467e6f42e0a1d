"""The table's behaviour in memory: the store ``exportwatch cluster`` ingests into, and unit tests' fake.

It keeps the same promises as ``exportwatch.aws.store.Store`` (an item is stored once; a story
write needs the revision it read; an identity key belongs to the first story that claims it), and
the contract suite in tests/contract runs the same checks against both.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from exportwatch.models import Counterparty, FeedState, Item, ListSnapshot, RuleText, Story
from exportwatch.ports import (
    ItemAlreadyStored,
    Stored,
    StoreError,
    StoryChanged,
    Versioned,
    WatchlistChanged,
    WatchlistInfo,
    Window,
    week_of,
)


@dataclass
class MemoryStore:
    """Dict-backed store with the conditional semantics of the DynamoDB store."""

    items: dict[str, str] = field(default_factory=dict)
    stories: dict[str, Versioned] = field(default_factory=dict)
    keys: dict[str, str] = field(default_factory=dict)
    feeds: dict[str, FeedState] = field(default_factory=dict)
    texts: dict[str, RuleText] = field(default_factory=dict)
    lists: dict[str, tuple[WatchlistInfo, str]] = field(default_factory=dict)  # name -> head: info, import id
    watchlist_rows: dict[tuple[str, str], list[Counterparty]] = field(default_factory=dict)  # (name, import id)
    sent: dict[str, int] = field(default_factory=dict)
    fingerprints: dict[str, str] = field(default_factory=dict)
    weeks: dict[str, int] = field(default_factory=dict)
    checkpoints: dict[str, str] = field(default_factory=dict)
    writes: int = 0
    snapshots: dict[str, ListSnapshot] = field(default_factory=dict)

    def seen(self, item_ids: Sequence[str]) -> set[str]:
        """Which of the ids are stored."""
        return {i for i in item_ids if i in self.items}

    def stored_items(self, item_ids: Sequence[str]) -> dict[str, Stored]:
        """Id -> (fingerprint, story id) of the stored ones."""
        return {i: (self.fingerprints.get(i, ""), self.items[i]) for i in item_ids if i in self.items}

    def stories_for_keys(self, keys: Sequence[str]) -> dict[str, Versioned]:
        """Key -> owning story, for the keys some story owns."""
        return {k: self.stories[self.keys[k]] for k in keys if k in self.keys and self.keys[k] in self.stories}

    def stories_published(self, first: str, last: str) -> list[Versioned]:
        """Stories first published between two ISO days, inclusive."""
        return [found for found in self.stories.values() if first <= found[0].published <= last]

    def story_window(self, first: str, last: str, days: Sequence[str] | None = None) -> Window:
        """Stories first published between two ISO days, and each week's story count (of ``days`` if given)."""
        if days is None:
            start, end = date.fromisoformat(first[:10]), date.fromisoformat(last[:10])
            days = [(start + timedelta(days=n)).isoformat() for n in range((end - start).days + 1)]
        return Window(self.stories_published(first, last), {w: self.weeks.get(w, 0) for w in map(week_of, days)})

    def get_story(self, story_id: str) -> Versioned | None:
        """A story with its revision."""
        return self.stories.get(story_id)

    def save_many(
        self,
        items: Sequence[Item],
        story: Story,
        *,
        previous_rev: int | None,
        new_keys: Sequence[str],
        labels: Sequence[Sequence[str]],
        ttl_days: int = 400,
        replacing: Mapping[str, str] | None = None,
        window: Mapping[str, int] | None = None,
    ) -> None:
        """Store items and their story at once, or nothing (``StoryChanged`` / ``ItemAlreadyStored``)."""
        current = self.stories.get(story.story_id)
        if (previous_rev is None and current) or (
            previous_rev is not None and (not current or current[1] != previous_rev)
        ):
            raise StoryChanged()
        replacing = replacing or {}
        if any(
            self.fingerprints.get(item.id) != replacing[item.id] if item.id in replacing else item.id in self.items
            for item in items
        ):
            raise ItemAlreadyStored()
        if any(self.keys.get(key, story.story_id) != story.story_id for key in new_keys):
            raise StoryChanged()  # another story claimed the key first: read again and join it
        if previous_rev is None and window is not None:
            if any(self.weeks.get(week, 0) != count for week, count in window.items()):
                raise StoryChanged()  # a story was created in those weeks since they were read: join it
            week = week_of(story.published)
            self.weeks[week] = self.weeks.get(week, 0) + 1
        for item in items:
            self.items[item.id] = story.story_id
            self.fingerprints[item.id] = item.fingerprint
        self.stories[story.story_id] = (story, (previous_rev or 0) + 1)
        for key in new_keys:
            self.keys[key] = story.story_id
        self.writes += 1

    def mark_seen(self, item: Item, *, replacing: Stored | None = None) -> bool:
        """Remember an irrelevant item; False if it was known (or, replacing, changed meanwhile)."""
        if replacing is not None:
            if self.fingerprints.get(item.id) != replacing[0]:
                return False
        elif item.id in self.items:
            return False
        self.items[item.id] = replacing[1] if replacing else ""
        self.fingerprints[item.id] = item.fingerprint
        return True

    def rule_text(self, document_number: str) -> RuleText | None:
        """The last text read of a document, or None."""
        return self.texts.get(document_number)

    def put_rule_text(self, text: RuleText) -> None:
        """Remember a document's text."""
        self.texts[text.document_number] = text

    def feed_state(self, url: str) -> FeedState:
        """A source's remembered state."""
        return self.feeds.get(url, FeedState(url=url))

    def put_feed_state(self, state: FeedState) -> None:
        """Remember a source's state."""
        self.feeds[state.url] = state

    def stories_expiring(self, first: str, last: str) -> list[Story]:
        """Stories whose expiry date is between two ISO days, inclusive."""
        return [s for s, _ in self.stories.values() if first <= s.dates.get("expires", "") <= last]

    def stories_seen_on(self, days: Iterable[str]) -> list[Story]:
        """Stories that changed on any of the days."""
        wanted = set(days)
        return [s for s, _ in self.stories.values() if s.last_seen[:10] in wanted]

    def stories_changed_since(self, since: str) -> list[Story]:
        """Stories whose last change is on or after ``since``."""
        return [s for s, _ in self.stories.values() if s.last_seen >= since]

    def sent_versions(self, story_ids: Sequence[str]) -> dict[str, int]:
        """Story id -> the highest version published (``sent`` is filled by the test that sends)."""
        return {sid: self.sent[sid] for sid in story_ids if sid in self.sent}

    def checkpoint(self, job: str) -> dict[str, Any] | None:
        """A long job's saved progress, or None."""
        return dict(json.loads(self.checkpoints[job])) if job in self.checkpoints else None

    def put_checkpoint(self, job: str, progress: Mapping[str, Any], *, ttl_days: int = 90) -> None:
        """Save a long job's progress (as JSON, like the table: later changes to ``progress`` are not saved)."""
        self.checkpoints[job] = json.dumps(progress, sort_keys=True)

    def put_watchlist(self, name: str, counterparties: Sequence[Counterparty], *, threshold: float) -> WatchlistInfo:
        """Store a watchlist, replacing one of that name: rows of this import, then the head, then old rows."""
        stale = [key for key in self.watchlist_rows if key[0] == name]
        previous = self.lists[name][1] if name in self.lists else None
        import_id = uuid.uuid4().hex[:16]
        self.watchlist_rows[(name, import_id)] = list(counterparties)
        info = WatchlistInfo(name, len(counterparties), threshold, datetime.now(UTC).isoformat(timespec="microseconds"))
        self._switch_watchlist(info, import_id, 1, previous=previous)
        for key in stale:
            self.watchlist_rows.pop(key, None)
        return info

    def _switch_watchlist(self, info: WatchlistInfo, import_id: str, chunks: int, *, previous: str | None) -> None:
        """Point the watchlist's head at an import whose rows are all written, if it still points at ``previous``."""
        current = self.lists[info.name][1] if info.name in self.lists else None
        if current != previous:
            raise WatchlistChanged(f"watchlist {info.name!r} was imported by someone else meanwhile")
        self.lists[info.name] = (info, import_id)

    def watchlists(self) -> list[WatchlistInfo]:
        """Every stored watchlist, by name."""
        return [self.lists[name][0] for name in sorted(self.lists)]

    def get_watchlist(self, name: str) -> tuple[WatchlistInfo, list[Counterparty]] | None:
        """A watchlist and the counterparties of its head's import, or None."""
        head = self.lists.get(name)
        if head is None:
            return None
        rows = self.watchlist_rows.get((name, head[1]))
        if rows is None:
            raise StoreError(f"watchlist {name!r} is incomplete (its rows are missing)")
        return head[0], list(rows)

    def remove_watchlist(self, name: str) -> bool:
        """Delete a watchlist's head, then its rows; False when there was none of that name."""
        found = self.lists.pop(name, None) is not None
        for key in [key for key in self.watchlist_rows if key[0] == name]:
            del self.watchlist_rows[key]
        return found

    # ------------------------------------------------------------ the Entity List itself as a source
    def list_snapshot(self, source: str) -> ListSnapshot | None:
        """The last snapshot of a list source, or None."""
        return self.snapshots.get(source)

    def put_list_snapshot(self, snapshot: ListSnapshot) -> None:
        """Replace a list source's snapshot."""
        self.snapshots[snapshot.source] = snapshot
