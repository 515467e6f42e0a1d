"""A change of the Entity List itself -> the story of its rule (recorded, no second alert) or a story of its own.

Why: the list is the safety net for a rule the classifier missed. When the rule's story exists (found by the
Federal Register citation the changed entries carry, else by the names of its entries) and it already told
subscribers of this change (a Federal Register document, published or on public inspection, labelled with
the change's actions) the change is recorded in it as one more source and alerts nobody again. A story only
the news made ("US weighs adding X") that announced the same action is confirmed by the list: its version
goes up ("now on the Entity List"), so it alerts once. Otherwise (no story, or one of another action: a
rumoured addition is no home for a removal) the change makes its own story, version 1, whose write alerts
through the table's stream like any other, with the changed entries as the story's entries (so the e-mail,
SMS and JSON alerts name them).

Each change is stored as one item whose id is a hash of what changed: a poll that repeats a diff (it crashed
after the story write, before the snapshot write) finds the item stored and writes nothing.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import date, timedelta

from aws_lambda_powertools import Logger

from exportwatch.classify.parties import entity_key
from exportwatch.countries import COUNTRIES
from exportwatch.entity_list.diff import ADD, REMOVE, REVISE, ListChange
from exportwatch.entity_list.snapshot import entry_key
from exportwatch.models import Evidence, Item, Story, StoryItem
from exportwatch.ports import StoreError, StoryStore, Versioned
from exportwatch.stories.bounds import bound
from exportwatch.stories.cluster import story_id_for
from exportwatch.stories.ingest import IngestReport, save_one

logger = Logger(child=True)
LIST_SOURCE = "entity_list"  # ``Item.source`` and ``StoryItem.source`` of a change seen on the list itself
NAME_MATCH_DAYS = 60  # a rule story this recent may own a change that carries no citation, by its names
_LABELS = {ADD: "entity_list.addition", REMOVE: "entity_list.removal", REVISE: "entity_list.revision"}
_VERBS = {ADD: "added", REMOVE: "removed", REVISE: "revised"}
_CODES = {country.name: country.code for country in COUNTRIES}
_MAX_ATTEMPTS = 5


def headline(change: ListChange) -> str:
    """The headline of a change of its own: "List updated: 12 entries added under China (90 FR 1234)"."""
    counts = {action: sum(e.action == action for e in change.entries) for action in (ADD, REMOVE, REVISE)}
    parts = [f"{n} {'entry' if n == 1 else 'entries'} {_VERBS[a]}" for a, n in counts.items() if n]
    parts[1:] = [p.split(" ", 2)[0] + " " + p.split(" ", 2)[2] for p in parts[1:]]  # "3 entries added, 1 removed"
    countries = list(dict.fromkeys(e.country for e in change.entries if e.country))
    under = f" under {', '.join(countries[:3])}{' and others' if len(countries) > 3 else ''}" if countries else ""
    cite = f" ({change.citation})" if change.citation else ""
    return f"List updated: {', '.join(parts)}{under}{cite}"


def change_item(change: ListChange, *, source: str, url: str, day: str) -> Item:
    """The item that records a change: its id says what changed, so a repeated diff is recognised as seen."""
    what = "\n".join(sorted(f"{e.action}|{entry_key(e)}|{e.citation or ''}" for e in change.entries))
    digest = hashlib.sha256(f"{source}\n{change.citation}\n{what}".encode()).hexdigest()[:24]
    return Item(
        id=f"list:{digest}",
        title=headline(change),
        text="; ".join(f"{_VERBS[e.action]}: {e.name} ({e.country})" for e in change.entries)[:5000],
        source=LIST_SOURCE,
        url=url,
        published=day,
        citation=change.citation,
        stage="published",
        feed=source,
    )


def _labels(change: ListChange) -> tuple[str, ...]:
    return tuple(dict.fromkeys(_LABELS[e.action] for e in change.entries))


def _names(change: ListChange) -> set[str]:
    return {entity_key(e.name) for e in change.entries}


def _rule_story(change: ListChange, store: StoryStore, day: str) -> Versioned | None:
    """The story of the change's rule: the owner of its citation, else a recent rule story naming its entries.

    By names, only a story a rule or a report made: a story the list made earlier (an addition) is not the
    home of a later change to the same parties (a revision), which must alert on its own.
    """
    if change.citation:
        owner = store.stories_for_keys([f"cite:{change.citation}"]).get(f"cite:{change.citation}")
        if owner is not None:
            return owner
    names = _names(change)
    start = date.fromisoformat(day)
    first, last = (start - timedelta(days=NAME_MATCH_DAYS)).isoformat(), (start + timedelta(days=7)).isoformat()
    labels = _labels(change)
    found = [
        (
            # The parties its reports state the action of (``Story.stated``), not every name a lede gives.
            len(names & {entity_key(n) for n in (*story.stated, *(e.name for e in story.entries))}),
            _announced(story, labels),
            _confirmed(story),
            story.story_id,
        )
        for story, _rev in store.stories_published(first, last)
        if any(label.startswith("entity_list.") for label in story.labels)
        and any(source.source != LIST_SOURCE for source in story.sources)
    ]
    # Of the stories naming its parties, one that announced its action, a rule's before a rumour's.
    best = max((f for f in found if f[0]), key=lambda f: (f[1], f[2], f[0], f[3]), default=None)
    return store.get_story(best[3]) if best else None


def _confirmed(story: Story) -> bool:
    """Whether a Federal Register document (published or on public inspection) is among the story's sources."""
    return any(source.source == "federal_register" for source in story.sources)


def _announced(story: Story, labels: Sequence[str]) -> bool:
    """Whether the story already said what the change does: each of its actions is among the story's labels."""
    return set(labels) <= set(story.labels)


def _on_the_list(base: Story, change: ListChange, item: Item, stamp: str) -> Story:
    """A news story the list confirms: one version more ("now on the Entity List"), with the changed entries."""
    what = item.title.removeprefix("List updated: ")
    entries = base.entries or change.entries
    return replace(
        base,
        sources=(*base.sources, _source(item)),
        keys=(*base.keys, item.id),
        last_seen=stamp,
        entries=entries,
        entries_total=base.entries_total if base.entries else len(change.entries),
        version=base.version + 1,
        changes=(f"now on the Entity List: {what}",),
    )


def _source(item: Item) -> StoryItem:
    return StoryItem(item.id, item.title, item.url, item.source, item.published, item.stage)


def _new_story(change: ListChange, item: Item, stamp: str) -> Story:
    entries = change.entries
    labels = _labels(change)
    countries = tuple(dict.fromkeys(_CODES.get(e.country, e.country) for e in entries if e.country))
    keys = (item.id, f"cite:{change.citation}") if change.citation else (item.id,)
    return Story(
        story_id=story_id_for(item.id),
        title=item.title,
        labels=labels,
        severity="medium" if {e.action for e in entries} == {REVISE} else "high",
        entities=(),  # the entries name them (and are the alert's filter values); a second list would repeat them
        countries=countries,
        dates={},
        evidence=(Evidence(labels[0], f"Seen on the list at {item.url} on {item.published}"),),
        sources=(_source(item),),
        keys=keys,
        first_seen=stamp,
        last_seen=stamp,
        published=item.published,
        official=True,  # the list is the regulation's own table (Supplement No. 4 to part 744)
        entries=entries,
        entries_total=len(entries),
    )


def ingest_list_changes(
    changes: Sequence[ListChange],
    store: StoryStore,
    *,
    source: str,
    url: str,
    now: Callable[[], str],
    ttl_days: int = 400,
) -> IngestReport:
    """Record each change in its rule's story (no alert), or make it a story of its own (one alert).

    ``now`` gives the ISO timestamp of the poll.
    """
    report = IngestReport(received=len(changes))
    stamp = now()
    for change in changes:
        if not change.entries:
            continue
        item = change_item(change, source=source, url=url, day=stamp[:10])
        if store.seen([item.id]):
            report.already_seen += 1
            continue
        _store_change(change, item, store, report, stamp=stamp, ttl_days=ttl_days)
    return report


def _store_change(
    change: ListChange, item: Item, store: StoryStore, report: IngestReport, *, stamp: str, ttl_days: int
) -> None:
    labels = _labels(change)
    for _attempt in range(_MAX_ATTEMPTS):
        home = _rule_story(change, store, stamp[:10])
        if home is not None and _announced(home[0], labels) and _confirmed(home[0]):
            base, rev = home
            # Recorded, not alerted: the version (what notify sends on) stays; the rule's entries stay.
            story = replace(base, sources=(*base.sources, _source(item)), keys=(*base.keys, item.id), last_seen=stamp)
            new_keys = [item.id]
        elif home is not None and _announced(home[0], labels):
            base, rev = home  # only the news had it: the list confirms it, and that alerts once
            story, new_keys = _on_the_list(base, change, item, stamp), [item.id]
        else:
            # Its own story: no home, or one that announced another action. A citation another story owns
            # stays that story's key.
            story, rev, base = _new_story(change, item, stamp), None, None
            owned = set(home[0].keys) if home is not None else set()
            story = replace(story, keys=tuple(k for k in story.keys if k not in owned))
            new_keys = list(story.keys)
        story = bound(story)
        saved = save_one(
            store,
            item,
            story,
            base,
            report,
            previous_rev=rev,
            new_keys=new_keys,
            labels=[labels],
            ttl_days=ttl_days,
            window={} if base is None else None,
        )
        if saved == "retry":
            continue
        if saved == "seen":
            return
        logger.info(
            "list change stored",
            extra={"story_id": story.story_id, "joined": base is not None, "entries": len(change.entries)},
        )
        return
    raise StoreError(f"could not store list change {item.id}: its story kept changing")
