"""What the logic needs of storage, as interfaces, and the outcomes storage reports.

Logic modules (ingestion, polling, reminders, the digest) depend on these protocols and
exceptions only, never on boto3 or botocore: ``aws.store.Store`` implements them on DynamoDB,
``exportwatch_cli.memory.MemoryStore`` in memory (the command line's clustering and the unit
tests). One contract suite runs against both.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Protocol

from exportwatch.models import Counterparty, FeedState, Item, ListSnapshot, RuleText, Story


class StoreError(Exception):
    """The table refused or failed a request: storage is failing, not the source being polled.

    Pollers let it propagate, so the invocation fails and the next schedule retries every source;
    blaming one source for it would hide an outage behind a per-source alarm.
    """


class WatchlistChanged(StoreError):
    """Another import of the same watchlist switched its head while this one wrote its rows.

    The other import's list stands, whole; this one's rows are strays the next import clears. Run it again.
    """


class ItemTooLarge(Exception):
    """The table refused a record for its size: the source's data is at fault, not the table.

    Pollers fail that source only (reason ``item_too_large``); the sources after it go on. Stories
    are bounded before they are written (``stories.bounds``), so this is the last line of defence.
    """


class ItemAlreadyStored(Exception):  # an outcome, not a failure
    """The item was stored before (by this poller earlier, or by a concurrent one)."""


class StoryChanged(Exception):  # an outcome, not a failure
    """The story was changed by someone else since it was read; read it again and retry."""


Versioned = tuple[Story, int]
"""A story with its revision (the optimistic lock of its next write)."""


def week_of(day: str) -> str:
    """The ISO week a day belongs to (``2019-W47``): new stories are counted, and locked, per week.

    A candidate window of a few days spans at most three weeks, so a new story's write checks at most
    three counts (a per-day lock would check seventeen).
    """
    year, week, _ = date.fromisoformat(day[:10]).isocalendar()
    return f"{year}-W{week:02d}"


@dataclass(frozen=True, slots=True)
class Window:
    """Candidate stories of a span of days, and how many stories each week (``week_of``) had when read."""

    stories: list[Versioned]
    counts: dict[str, int]


Stored = tuple[str, str]
"""What is stored of an item: its fingerprint ('' if stored before fingerprints) and its story id ('' if none)."""


class StoryStore(Protocol):
    """What ingestion needs of the table."""

    def seen(self, item_ids: Sequence[str]) -> set[str]:
        """Which of the ids are stored already."""

    def stored_items(self, item_ids: Sequence[str]) -> Mapping[str, Stored]:
        """Id -> what is stored of it (fingerprint, story id), for the ids stored already."""

    def stories_for_keys(self, keys: Sequence[str]) -> Mapping[str, Versioned]:
        """Key -> the story owning it, for the keys some story owns (one batch read for a whole poll)."""

    def stories_published(self, first: str, last: str) -> list[Versioned]:
        """Stories first published between two ISO days, inclusive (the candidates of a poll)."""

    def story_window(self, first: str, last: str, days: Sequence[str] | None = ...) -> Window:
        """The stories first published between two ISO days, read consistently, and each day's count.

        ``days`` (within the span) narrows the consistent read and the counts to the days that matter.

        The counts are the optimistic lock of a new story: ``save_many(window=...)`` creates one only if
        no story was created on those days since they were read (a concurrent poller's story is then
        read, and joined, on the retry).
        """

    def get_story(self, story_id: str) -> Versioned | None:
        """A story with its revision, read consistently."""

    def save_many(
        self,
        items: Sequence[Item],
        story: Story,
        *,
        previous_rev: int | None,
        new_keys: Sequence[str],
        labels: Sequence[Sequence[str]],
        ttl_days: int = ...,
        replacing: Mapping[str, str] = ...,
        window: Mapping[str, int] | None = ...,
    ) -> None:
        """Store items and their story's new state at once.

        An item in ``replacing`` (id -> the fingerprint read) is an update in place: its stored row is
        overwritten only if it still has that fingerprint.
        A new story (``previous_rev`` None) with a ``window`` (week -> story count read) is created only
        if those counts are unchanged, and counts one more story in the week of its publication day.

        Raises ``ItemAlreadyStored`` or ``StoryChanged`` (nothing written), ``ItemTooLarge``, or ``StoreError``.
        """

    def mark_seen(self, item: Item, *, replacing: Stored | None = None) -> bool:
        """Remember an irrelevant item; False if it was known (or, replacing, changed meanwhile)."""


class RuleTextStore(Protocol):
    """What the poller remembers of the rule texts it read (one record per document)."""

    def rule_text(self, document_number: str) -> RuleText | None:
        """The last text read of a document, or None."""

    def put_rule_text(self, text: RuleText) -> None:
        """Remember a document's text (its entries, and which version they came from)."""


class StateStore(StoryStore, RuleTextStore, Protocol):
    """Ingestion's store plus what a poller remembers of each source and of each rule text."""

    def feed_state(self, url: str) -> FeedState:
        """The remembered state of a source."""

    def put_feed_state(self, state: FeedState) -> None:
        """Save a source's state."""


class StoryReader(Protocol):
    """What reminders, the digest and replays read."""

    def stories_expiring(self, first: str, last: str) -> list[Story]:
        """Stories whose expiry date is between two ISO days, inclusive."""

    def stories_seen_on(self, days: Iterable[str]) -> list[Story]:
        """Stories that changed on any of the days."""

    def stories_changed_since(self, since: str) -> list[Story]:
        """Stories whose last change is on or after an ISO date or timestamp."""

    def sent_versions(self, story_ids: Sequence[str]) -> Mapping[str, int]:
        """Story id -> the highest version published (stories never sent are absent)."""


WATCHLIST_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")


@dataclass(frozen=True, slots=True)
class WatchlistInfo:
    """A stored watchlist, without its counterparties (its name may be logged; they never are)."""

    name: str
    count: int
    threshold: float
    imported: str  # ISO time to the microsecond: notify's cached rows are read again when it changes


class WatchlistStore(Protocol):
    """A subscriber's watchlists: confidential counterparties, stored encrypted, never logged."""

    def put_watchlist(self, name: str, counterparties: Sequence[Counterparty], *, threshold: float) -> WatchlistInfo:
        """Store a watchlist under ``name``, replacing one of that name."""

    def watchlists(self) -> list[WatchlistInfo]:
        """Every stored watchlist, by name."""

    def get_watchlist(self, name: str) -> tuple[WatchlistInfo, list[Counterparty]] | None:
        """A watchlist and its counterparties, or None."""

    def remove_watchlist(self, name: str) -> bool:
        """Delete a watchlist; False when there was none of that name."""


# ---------------------------------------------------------------- the Entity List itself as a source
class ListSnapshotStore(Protocol):
    """The last Entity List snapshot of a source, what the next poll is diffed against."""

    def list_snapshot(self, source: str) -> ListSnapshot | None:
        """The last snapshot stored for a source, or None before the first poll."""

    def put_list_snapshot(self, snapshot: ListSnapshot) -> None:
        """Replace a source's snapshot; a reader sees the old one or the new one, never a mix."""


class ListStore(StateStore, ListSnapshotStore, Protocol):
    """What the list poller needs: ingestion, the source's state and the snapshot."""
