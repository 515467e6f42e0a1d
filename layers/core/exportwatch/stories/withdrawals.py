"""A document withdrawn from public inspection before publication: one update to its story, once.

The story of a public-inspection document says "to be published"; once the agency withdraws it, the
document will never be published, and subscribers who acted on the first alert must hear so. The
withdrawal is an item of its own (``wd:<document number>``, from ``sources.withdrawals``), written with
its story's new version in one transaction: the item already stored makes a re-poll (or a retry) a no-op,
so the update alerts exactly once. It is written without classification: the withdrawal notice repeats
the document's title, and only its document number matters.

A withdrawal whose document has no story (never seen before it was withdrawn) or whose story is already
official (published, so not withdrawn before publication) is remembered and tells nobody.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from aws_lambda_powertools import Logger

from exportwatch.models import WITHDRAWN, Item, Story, StoryItem
from exportwatch.ports import ItemAlreadyStored, StoreError, StoryChanged, StoryStore
from exportwatch.stories.bounds import bound
from exportwatch.stories.cluster import item_keys

if TYPE_CHECKING:
    from exportwatch.stories.ingest import IngestReport

logger = Logger(child=True)
_MAX_ATTEMPTS = 5


def withdrawn_story(story: Story, item: Item, *, stamp: str) -> Story:
    """The story's next version: the withdrawal recorded as a source and as what changed."""
    title = f"Withdrawn: {item.title}"  # the notice repeats the document's title: say which one this is
    source = StoryItem(item.id, title, item.url, item.source, item.published or stamp[:10], item.stage)
    keys = tuple(dict.fromkeys((*story.keys, *item_keys(item))))[:200]
    return bound(
        replace(
            story,
            sources=(*story.sources, source),
            keys=keys,
            last_seen=stamp,
            version=story.version + 1,
            changes=(WITHDRAWN,),
        )
    )


def record_withdrawals(
    items: Sequence[Item], store: StoryStore, report: IngestReport, *, stamp: str, ttl_days: int
) -> None:
    """Store each withdrawal with its story's update (or alone, when there is no story to update)."""
    for item in items:
        for _attempt in range(_MAX_ATTEMPTS):
            if _record(item, store, report, stamp=stamp, ttl_days=ttl_days):
                break
        else:
            raise StoreError(f"could not store withdrawal {item.id}: its story kept changing")


def _record(item: Item, store: StoryStore, report: IngestReport, *, stamp: str, ttl_days: int) -> bool:
    """One attempt; False when the story changed under it (read again and retry)."""
    if store.seen([item.id]):
        report.already_seen += 1
        return True
    key = f"doc:{item.document_number}"
    owner = store.stories_for_keys([key]).get(key)
    if owner is None or owner[0].official or not owner[0].labels:  # a silent story tells no one: nothing to take back
        if store.mark_seen(item):
            report.irrelevant += 1
        else:
            report.already_seen += 1
        return True
    story, rev = owner
    updated = withdrawn_story(story, item, stamp=stamp)
    try:
        store.save_many(
            [item],
            updated,
            previous_rev=rev,
            new_keys=[k for k in item_keys(item) if k not in story.keys],
            labels=[story.labels],
            ttl_days=ttl_days,
        )
    except ItemAlreadyStored:
        report.already_seen += 1
        return True
    except StoryChanged:
        logger.info("story changed concurrently, retrying the withdrawal", extra={"story_id": story.story_id})
        return False
    logger.info("document withdrawn before publication", extra={"story_id": story.story_id, "item_id": item.id})
    report.stored += 1
    report.count(updated, story)
    report.story_of[item.id] = story.story_id
    return True
