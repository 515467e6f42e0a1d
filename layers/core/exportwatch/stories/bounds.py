"""A story record stays well under DynamoDB's 400 KB item limit, whatever its sources send.

A feed decides how long its titles, links and texts are: a dozen entries about one event with
long non-ASCII links (which grow when percent-encoded) would otherwise push one story record
past the limit, and the table would refuse it on every poll. Each field is capped first, then
whole sources are left out (the first and the official ones are kept) until the record fits a
budget. Left-out sources stay stored as items; only the story's list omits them.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from dataclasses import replace

from exportwatch.models import Evidence, Story, StoryItem

RECORD_BUDGET = 150_000  # bytes of a story record (UTF-8 JSON of its fields): well under 400 KB
MAX_TITLE = 1000
MAX_SOURCE_TITLE = 300
MAX_URL = 2048  # a longer link is left out (a cut link is a wrong link); the item keeps its id
MAX_ID = 512
MAX_KEY = 512  # a longer identity key is kept as its hash, as the table's KEY rows are
MAX_KEYS = 200
MAX_TEXT = 1000
MAX_NAME = 200
MAX_NAMES = 100  # countries, aliases of one party
MAX_PARTIES = 2000  # every party of an Entity List rule is a filter value (alerts.render: ``entities``)


def record_bytes(story: Story) -> int:
    """The size of a story's fields as UTF-8 JSON: close to (and above) what DynamoDB counts."""
    return len(json.dumps(dataclasses.asdict(story), ensure_ascii=False).encode())


def hashed_key(key: str) -> str:
    """An identity key short enough to store: itself, or its hash (the form the KEY rows use)."""
    return key if len(key) <= MAX_KEY else "sha256:" + hashlib.sha256(key.encode()).hexdigest()


def _source(source: StoryItem) -> StoryItem:
    return replace(
        source,
        id=source.id[:MAX_ID],
        title=source.title[:MAX_SOURCE_TITLE],
        url=source.url if len(source.url) <= MAX_URL else "",
        published=source.published[:10],
    )


def _names(names: tuple[str, ...], limit: int = MAX_NAMES) -> tuple[str, ...]:
    return tuple(dict.fromkeys(n[:MAX_NAME] for n in names[:limit]))


def bound(story: Story, *, budget: int = RECORD_BUDGET) -> Story:
    """The story with every field capped and, if still over ``budget``, fewer sources listed."""
    bounded = replace(
        story,
        title=story.title[:MAX_TITLE],
        summary=story.summary[:MAX_TEXT],
        entities=_names(story.entities, MAX_PARTIES),
        stated=_names(story.stated, MAX_PARTIES),
        countries=story.countries[:MAX_NAMES],
        evidence=tuple(Evidence(e.label, e.text[:MAX_TEXT]) for e in story.evidence[:50]),
        sources=tuple(_source(s) for s in story.sources),
        keys=tuple(dict.fromkeys(hashed_key(k) for k in story.keys))[:MAX_KEYS],
        aliases={n[:MAX_NAME]: _names(forms)[:8] for n, forms in list(story.aliases.items())[:MAX_PARTIES]},
        changes=tuple(c[:MAX_TEXT] for c in story.changes[:20]),
        may_repeat=tuple(
            replace(e, story_id=e.story_id[:MAX_ID], title=e.title[:MAX_SOURCE_TITLE], published=e.published[:10])
            for e in story.may_repeat[:2]
        ),
    )
    while record_bytes(bounded) > budget and len(bounded.sources) > 1:
        sources = list(bounded.sources)
        # Leave out the latest news report that is neither the first nor official: the rest tell the story.
        drop = next(
            (i for i in range(len(sources) - 1, 0, -1) if sources[i].source != "federal_register"), len(sources) - 1
        )
        del sources[drop]
        bounded = replace(bounded, sources=tuple(sources))
    while record_bytes(bounded) > budget and len(bounded.keys) > 1:
        bounded = replace(bounded, keys=bounded.keys[: len(bounded.keys) // 2])
    if record_bytes(bounded) > budget and bounded.aliases:
        bounded = replace(bounded, aliases={})  # the names stay filter values; their other spellings go
    return bounded
