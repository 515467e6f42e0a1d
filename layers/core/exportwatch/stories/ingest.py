"""Items in, stories out: skip seen -> classify -> cluster -> store, each item exactly once.

Every new item is written with its story's new state in one transaction, so a crash between
the two cannot lose an alert, and a concurrent poller storing the same item makes this one skip
it. The story's ``version`` going up is what makes ``notify`` send; this module sends nothing.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from typing import Any, Literal

from aws_lambda_powertools import Logger

from exportwatch.classify.dates import to_date
from exportwatch.entity_list.documents import names_entries
from exportwatch.models import Item, RuleText, Story
from exportwatch.ports import ItemAlreadyStored, StoreError, StoryChanged, StoryStore, Versioned, week_of
from exportwatch.stories.bounds import bound
from exportwatch.stories.cluster import (
    LATE_DAYS,
    RULE_LAG_DAYS,
    Analysis,
    analyse,
    earlier_alerts,
    find_story,
    merge,
    new_story,
    silent_story,
)
from exportwatch.stories.withdrawals import record_withdrawals

logger = Logger(child=True)
_MAX_ATTEMPTS = 5
_MAX_GROUP = 40  # items per transaction (DynamoDB allows 100 actions, keys included)
TextReader = Callable[[Item], RuleText | None]
"""Reads an Entity List document's full text (``entity_list.documents.read_rule_text`` bound to a poller)."""


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
    stories_silent: list[str] = field(default_factory=list)  # of unlabelled reports only: never alert
    story_of: dict[str, str] = field(default_factory=dict)

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
        self.stories_silent += other.stories_silent
        self.story_of.update(other.story_of)

    def count(self, story: Story, base: Story | None) -> None:
        """Count a story written: created, materially updated (alerts), only extended, or silent."""
        if not story.labels:
            self.stories_silent.append(story.story_id)
        elif base is None:
            self.stories_created.append(story.story_id)
        elif story.version > base.version:
            self.stories_updated.append(story.story_id)
        else:
            self.stories_extended.append(story.story_id)


@dataclass(frozen=True, slots=True)
class IngestPolicy:
    """What a deployment decides about new items (from ``Settings``; tests pass their own).

    ``watched`` parties make an item high severity; items published more than ``max_age_days``
    before they are first seen are remembered and never alert (0: no limit); stored items and
    their keys expire after ``ttl_days``. ``quiet`` (a backfill of history) builds stories as usual but
    records the versions it writes as never to alert (``Story.quiet_version``), for the stories it creates and
    those that were quiet already: a bump of a live story (one that alerted) still alerts.
    """

    watched: frozenset[str] = frozenset()
    max_age_days: int = 0
    ttl_days: int = 400
    quiet: bool = False


def _utc_now() -> datetime:
    return datetime.now(UTC)


class OutOfTime(Exception):  # an outcome, not a failure
    """The invocation's deadline passed mid-ingestion: what is stored stays, the rest waits for the next poll."""


def _check(deadline: float | None) -> None:
    if deadline is not None and time.monotonic() >= deadline:
        raise OutOfTime()


def _poll_order(item: Item, labels: int = 0) -> tuple[bool, str, int, str]:
    """The order a poll's items are placed in: official documents first, then by day, then by fewer labels.

    A rule and the news about it in one poll make one story started by the rule, not a news story followed by a
    "now official" update a second later. Among reports of one day, one bringing a label its story lacks then joins
    it as its update (``cluster._material_update``); the other way round, the plainer one would be held to the
    proven rules (joined, it would send no alert) and start a story of its own.
    """
    return (not item.official, item.published, labels, item.id)


def ingest(
    items: Sequence[Item],
    store: StoryStore,
    *,
    policy: IngestPolicy | None = None,
    now: Callable[[], datetime] = _utc_now,
    texts: TextReader | None = None,
    deadline: float | None = None,
) -> IngestReport:
    """Store the new items among ``items`` and create or update their stories.

    ``texts`` reads the full text of new Entity List documents before their story is written, so the story
    (and the alert its write triggers) carries the entries the rule names.

    Items already stored are skipped before classification (one BatchGetItem per 100), so an
    unchanged or re-served feed costs no classification and sends nothing. Each new item is
    analysed once. The stories it may join are read once for the whole batch: the owners of its
    identity keys in one batch read, and the candidates published around it in one query per year.
    Items of one batch that report the same event are grouped first and written together, so a
    story that three outlets report in the same poll alerts once, with three sources.

    Past ``deadline`` (``time.monotonic()``) it raises ``OutOfTime`` between items and between
    writes: what was written is complete (each write is one transaction), the rest is unseen.
    """
    policy = policy or IngestPolicy()
    report = IngestReport(received=len(items))
    items = [_plausible(item, now()) for item in items]
    withdrawn = [item for item in items if item.stage == "withdrawn"]  # updates a known story, never starts one
    items = [item for item in items if item.stage != "withdrawn"]
    unique = list({item.id: item for item in items}.values())
    stored = store.stored_items([item.id for item in unique])
    # An item stored with another fingerprint was updated in place (a teaser, then the full text): it is
    # analysed again and may change its story. A row from before fingerprints counts as unchanged.
    replacing = {
        item.id: stored[item.id]
        for item in unique
        if item.id in stored and stored[item.id][0] and stored[item.id][0] != item.fingerprint
    }
    fresh = [item for item in unique if item.id not in stored or item.id in replacing]
    report.already_seen = len(items) - len(fresh)
    fresh.sort(key=_poll_order)
    stamp = now().isoformat(timespec="seconds")
    # A feed that republishes its archive (or back-dates entries) must not flood subscribers:
    # items published long before they were first seen are remembered, never alerted.
    oldest = (now() - timedelta(days=policy.max_age_days)).date().isoformat() if policy.max_age_days > 0 else ""
    relevant: list[Analysis] = []
    followers: list[Analysis] = []
    for item in fresh:
        _check(deadline)
        stale = bool(oldest and item.published and item.published < oldest)
        analysis = None if stale else analyse(item, watched=policy.watched)
        if analysis is not None and analysis.relevant:
            relevant.append(analysis)
        elif analysis is not None and (analysis.may_follow or analysis.may_join_silent):
            followers.append(analysis)  # may follow a story it clearly reports, or join a silent one
        elif not store.mark_seen(item, replacing=replacing.get(item.id)):
            report.already_seen += 1
        elif stale:
            report.stale += 1
        else:
            report.irrelevant += 1
    relevant.sort(key=lambda a: _poll_order(a.item, labels=len(a.classification.labels)))
    if relevant or followers:
        read = _read_texts(relevant, texts)
        homes = {item_id: story_id for item_id, (_fp, story_id) in replacing.items() if story_id}
        batch = _Batch.read(store, relevant + followers, stamp, homes)
        for analysis in relevant:
            batch.place(analysis)
        for analysis in followers:
            if batch.follow(analysis):
                continue
            if not store.mark_seen(analysis.item, replacing=replacing.get(analysis.item.id)):
                report.already_seen += 1
            else:
                report.irrelevant += 1
        previous = {item_id: fingerprint for item_id, (fingerprint, _sid) in replacing.items()}
        for group in batch.groups.values():
            _check(deadline)
            _persist(
                group,
                store,
                report,
                stamp=stamp,
                ttl_days=policy.ttl_days,
                previous=previous,
                batch=batch,
                texts=read,
                quiet=policy.quiet,
            )
    if withdrawn:
        _check(deadline)
        record_withdrawals(withdrawn, store, report, stamp=stamp, ttl_days=policy.ttl_days)
    return report


def _read_texts(analyses: Sequence[Analysis], texts: TextReader | None) -> dict[str, RuleText]:
    """The rule texts of the batch's new Entity List documents, by item id."""
    if texts is None:
        return {}
    found: dict[str, RuleText] = {}
    for analysis in analyses:
        item = analysis.item
        if item.source == "federal_register" and item.text_urls and names_entries(analysis.classification.labels):
            text = texts(item)
            if text is not None:
                found[item.id] = text
    return found


def with_entries(story: Story, members: Sequence[Analysis], texts: dict[str, RuleText]) -> Story:
    """The story with the entries its members' rule texts name.

    A published document's entries replace those of its public-inspection copy (citations filled in, late
    corrections made); a public-inspection copy never replaces a published text. A text that named no entries
    replaces nothing.
    """
    for member in members:
        text = texts.get(member.item.id)
        if text is None or not text.entries:
            continue
        if story.entries_source.startswith("fr:") and not member.item.official:
            continue
        story = replace(story, entries=text.entries, entries_source=member.item.id, entries_total=text.total)
    return story


EARLIEST_DAY = "1990-01-01"  # before the Entity List existed: no export-control news is dated earlier
FUTURE_DAYS = 366  # public inspection runs days ahead of publication; a year ahead is a typo or hostile


def _plausible(item: Item, now: datetime) -> Item:
    """The item with its publication day dropped if no real report could have it (year 9999, year 1).

    Such a day would otherwise become a story's publication day (index keys, candidate reads, the
    age limit, rendering); undated, the item is treated as published when first seen.
    """
    day = to_date(item.published)
    latest = (now + timedelta(days=FUTURE_DAYS)).date()
    if item.published and (day is None or item.published[:10] < EARLIEST_DAY or day > latest):
        logger.warning(
            "implausible publication date dropped", extra={"item_id": item.id[:200], "published": item.published[:20]}
        )
        return replace(item, published="")
    return item


@dataclass(slots=True)
class _Group:
    """The new items of one batch that belong to one story, and that story before and after them."""

    base: Story | None
    base_rev: int | None
    story: Story
    members: list[Analysis] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)

    def join(self, analysis: Analysis, stamp: str) -> None:
        merged = merge(self.story, analysis, now=stamp)
        if merged.version > self.story.version:
            self.changes += [c for c in merged.changes if c not in self.changes]
        self.story = merged
        self.members.append(analysis)

    def final(self) -> Story:
        """The story to write: version 1 if new, one more than stored on a material change, else as stored.

        Bounded in size (``stories.bounds``): a feed's long entries never make the record too large to store.
        """
        if self.base is None:
            story = replace(self.story, version=1, changes=("new",))
        elif self.changes:
            # A silent story that a labelled item joins (a shared key) alerts for the first time: as new.
            changes = ("new",) if self.story.labels and not self.base.labels else tuple(self.changes)
            story = replace(self.story, version=self.base.version + 1, changes=changes)
        else:
            story = replace(self.story, version=self.base.version, changes=self.base.changes)
        if not story.labels:  # silent: no version of it alerts
            story = replace(story, quiet_version=story.version)
        return bound(story)

    def new_keys(self) -> list[str]:
        """The identity keys of the members that the stored story does not own yet."""
        known = set(self.base.keys) if self.base else set()
        return [k for member in self.members for k in member.keys if k not in known]


def _days_around(analyses: Sequence[Analysis], stamp: str) -> tuple[str, str]:
    """The first and last publication days a story joined by these items may have.

    Dates outside twenty years back and one ahead are typos or hostile (a feed dated 9999): they
    widen no read, and such an item only meets the stories of the days around the poll.
    """
    today = date.fromisoformat(stamp[:10])
    earliest, latest = today - timedelta(days=20 * 365), today + timedelta(days=365)
    days = [d for d in (to_date(a.item.published) for a in analyses) if d and earliest <= d <= latest] or [today]
    # Back as far as a late write-up may trail its story, ahead as far as a rule may trail its news;
    # belongs() applies tighter limits.
    back, ahead = timedelta(days=LATE_DAYS), timedelta(days=RULE_LAG_DAYS)
    return (min(days) - back).isoformat(), (max(days) + ahead).isoformat()


def _days_near(analyses: Sequence[Analysis], stamp: str) -> list[str]:
    """The days a story joined by these items may be published on: a rule's lag around each item's day.

    Not the whole span of the batch: a feed mixing 2019 and 2025 items reads some days, not six years.
    """
    first, last = _days_around(analyses, stamp)
    today = date.fromisoformat(stamp[:10])
    items = {to_date(a.item.published) or today for a in analyses}
    near = {day + timedelta(days=n) for day in items for n in range(-RULE_LAG_DAYS, RULE_LAG_DAYS + 1)}
    return sorted(d for d in (day.isoformat() for day in near) if first <= d <= last)


@dataclass(slots=True)
class _Batch:
    """The stored stories a batch may join, read once, and the groups the batch forms."""

    owners: dict[str, Versioned]
    candidates: dict[str, Versioned]
    stamp: str
    homes: dict[str, str] = field(default_factory=dict)  # item updated in place -> the story it is in
    counts: dict[str, int] = field(default_factory=dict)  # stories per publication week, as read
    groups: dict[str, _Group] = field(default_factory=dict)

    @classmethod
    def read(
        cls, store: StoryStore, analyses: Sequence[Analysis], stamp: str, homes: dict[str, str] | None = None
    ) -> _Batch:
        homes = {a.item.id: homes[a.item.id] for a in analyses if homes and a.item.id in homes}
        owners = dict(store.stories_for_keys([k for a in analyses for k in a.keys]))
        window = store.story_window(*_days_around(analyses, stamp), days=_days_near(analyses, stamp))
        candidates = {found[0].story_id: found for found in window.stories}
        # A key owner was read consistently; it wins over the (eventually consistent) index row.
        candidates.update({found[0].story_id: found for found in owners.values()})
        for story_id in dict.fromkeys(homes.values()):
            home = store.get_story(story_id)
            if home is not None:
                candidates[story_id] = home
        return cls(owners, candidates, stamp, homes, dict(window.counts))

    def window_for(self, group: _Group) -> dict[str, int] | None:
        """The week counts a new story's creation is conditioned on: the weeks its items' candidates come from.

        Two pollers firing in the same second each read no story for an event and would each start one;
        with these counts in the condition, the second creation fails, re-reads, and joins the first.
        """
        if group.base is not None:
            return None
        lag = timedelta(days=RULE_LAG_DAYS)
        days = {to_date(d) for d in [group.story.published, *(m.item.published for m in group.members)]}
        weeks = {week_of((day + n * lag / 2).isoformat()) for day in days if day for n in (-2, -1, 0, 1, 2)}
        return {w: self.counts[w] for w in sorted(weeks) if w in self.counts}

    def created(self, story: Story) -> None:
        """Count a story this batch created, so its next creations check against it."""
        week = week_of(story.published)
        if week in self.counts:
            self.counts[week] += 1

    def place(self, analysis: Analysis) -> None:
        """Put an item into the group of its story: one of this batch's, a stored one, or a new one."""
        stories = self._stories()
        story = (
            self._home(analysis)
            or self._owner(analysis)
            or find_story([s for s in stories if s.labels], analysis)
            or find_story([s for s in stories if not s.labels], analysis)  # its earlier reports, unlabelled
        )
        if story is None:
            created = new_story(analysis, now=self.stamp)
            repeats = earlier_alerts(stories, analysis)
            if repeats:
                created = replace(created, may_repeat=repeats)
            self.groups[created.story_id] = _Group(None, None, created, [analysis])
            return
        group = self.groups.get(story.story_id)
        if group is None:
            base, rev = self.candidates[story.story_id]
            group = self.groups[story.story_id] = _Group(base, rev, base)
        group.join(analysis, self.stamp)
        if not story.labels and not group.story.may_repeat:
            # A silent story the first labelled report joins alerts as new: it may repeat an earlier alert too.
            repeats = earlier_alerts([s for s in stories if s.story_id != story.story_id], analysis)
            if repeats:
                group.story = replace(group.story, may_repeat=repeats)

    def follow(self, analysis: Analysis) -> bool:
        """Record an unlabelled item as a silent source of the story it clearly reports, if any.

        A story that alerts first; else, for news, a silent story of other unlabelled reports of its event,
        or a new one (``cluster.silent_story``). A document never joins or starts a silent one: its
        withdrawal would update it.
        """
        stories = self._stories()
        story = (
            self._home(analysis)
            or self._owner(analysis)
            or (
                find_story([s for s in stories if s.labels], analysis)
                if analysis.may_follow or analysis.may_follow_its_party
                else None
            )
            or (find_story([s for s in stories if not s.labels], analysis) if analysis.may_join_silent else None)
        )
        if story is None and analysis.may_start_silent:
            created = silent_story(analysis, now=self.stamp)
            self.groups[created.story_id] = _Group(None, None, created, [analysis])
            return True
        if story is None:
            return False
        group = self.groups.get(story.story_id)
        if group is None:
            base, rev = self.candidates[story.story_id]
            group = self.groups[story.story_id] = _Group(base, rev, base)
        group.join(analysis, self.stamp)
        return True

    def _home(self, analysis: Analysis) -> Story | None:
        """The story an item updated in place already belongs to."""
        story_id = self.homes.get(analysis.item.id, "")
        if story_id in self.groups:
            return self.groups[story_id].story
        return self.candidates[story_id][0] if story_id in self.candidates else None

    def _owner(self, analysis: Analysis) -> Story | None:
        for key in analysis.keys:
            for group in self.groups.values():
                if key in group.story.keys:
                    return group.story
            if key in self.owners:
                return self.owners[key][0]
        return None

    def _stories(self) -> list[Story]:
        in_batch = [group.story for group in self.groups.values()]
        return in_batch + [story for sid, (story, _rev) in self.candidates.items() if sid not in self.groups]


def _persist(
    group: _Group,
    store: StoryStore,
    report: IngestReport,
    *,
    stamp: str,
    ttl_days: int,
    previous: dict[str, str],
    batch: _Batch,
    texts: dict[str, RuleText],
    quiet: bool = False,
) -> None:
    """Write a group as one transaction; on any conflict, fall back to one item at a time."""
    story = _quieted(with_entries(group.final(), group.members, texts), group.base, quiet)
    if len(group.members) <= _MAX_GROUP:
        try:
            store.save_many(
                [m.item for m in group.members],
                story,
                previous_rev=group.base_rev,
                new_keys=group.new_keys(),
                labels=[m.classification.labels for m in group.members],
                ttl_days=ttl_days,
                replacing={m.item.id: previous[m.item.id] for m in group.members if m.item.id in previous},
                window=batch.window_for(group),
            )
        except (ItemAlreadyStored, StoryChanged):
            logger.info("story or item changed concurrently, storing one by one", extra={"story_id": story.story_id})
        else:
            if group.base is None:
                batch.created(story)
            report.stored += len(group.members)
            report.count(story, group.base)
            report.story_of.update({m.item.id: story.story_id for m in group.members})
            return
    for member in group.members:
        _store_one(
            member,
            store,
            report,
            stamp=stamp,
            ttl_days=ttl_days,
            previous=previous,
            homes=batch.homes,
            texts=texts,
            quiet=quiet,
        )


def _quieted(story: Story, base: Story | None, quiet: bool) -> Story:
    """The story with the version about to be written marked as never to alert, when ``quiet`` may say so.

    Only a story the quiet run creates, or one whose stored version is quiet already (history it loaded):
    a backfill on a live stack that bumps a story which alerted (its "now official" update) must alert as the
    poller would have, or that update reaches nobody.
    """
    if quiet and (base is None or base.quiet_version == base.version):
        return replace(story, quiet_version=story.version)
    return story


def _store_one(
    analysis: Analysis,
    store: StoryStore,
    report: IngestReport,
    *,
    stamp: str,
    ttl_days: int,
    previous: dict[str, str],
    homes: dict[str, str],
    texts: dict[str, RuleText],
    quiet: bool = False,
) -> None:
    """Store one item after a conflict: read its story afresh and retry while others keep changing it."""
    item_id = analysis.item.id
    for _attempt in range(_MAX_ATTEMPTS):
        batch = _Batch.read(store, [analysis], stamp, homes)
        if analysis.relevant:
            batch.place(analysis)
        elif not batch.follow(analysis):  # an unlabelled follower whose story moved away: remember it only
            stored = (previous[item_id], homes.get(item_id, "")) if item_id in previous else None
            if store.mark_seen(analysis.item, replacing=stored):
                report.irrelevant += 1
            else:
                report.already_seen += 1
            return
        (group,) = batch.groups.values()
        story = _quieted(with_entries(group.final(), group.members, texts), group.base, quiet)
        saved = save_one(
            store,
            analysis.item,
            story,
            group.base,
            report,
            previous_rev=group.base_rev,
            new_keys=group.new_keys(),
            labels=[analysis.classification.labels],
            ttl_days=ttl_days,
            replacing={item_id: previous[item_id]} if item_id in previous else {},
            window=batch.window_for(group),
        )
        if saved != "retry":
            return
    raise StoreError(f"could not store item {analysis.item.id}: its story kept changing")


def save_one(
    store: StoryStore, item: Item, story: Story, base: Story | None, report: IngestReport, **save: Any
) -> Literal["stored", "seen", "retry"]:
    """Save one item with its story (``save`` as ``StoryStore.save_many`` takes it) and count the outcome.

    "seen": another poller stored the item first; "retry": the story changed since it was read, read it afresh.
    """
    try:
        store.save_many([item], story, **save)
    except ItemAlreadyStored:
        report.already_seen += 1
        return "seen"
    except StoryChanged:
        logger.info("story changed concurrently, retrying", extra={"story_id": story.story_id})
        return "retry"
    report.stored += 1
    report.count(story, base)
    report.story_of[item.id] = story.story_id
    return "stored"
