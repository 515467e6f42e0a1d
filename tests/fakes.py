"""In-memory fakes of the ports, for unit tests of logic without AWS."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from exportwatch.aws.store import FeedState, ItemAlreadyStored, StoryChanged
from exportwatch.models import Item, Story


@dataclass
class FakeStore:
    """Dict-backed store with the same conditional semantics as store.Store."""

    items: dict[str, str] = field(default_factory=dict)
    stories: dict[str, tuple[Story, int]] = field(default_factory=dict)
    keys: dict[str, str] = field(default_factory=dict)
    feeds: dict[str, FeedState] = field(default_factory=dict)
    writes: int = 0

    def seen(self, item_ids: Sequence[str]) -> set[str]:
        return {i for i in item_ids if i in self.items}

    def stories_on(self, days: Iterable[str]) -> list[Story]:
        wanted = set(days)
        return [s for s, _ in self.stories.values() if s.published in wanted]

    def story_for_keys(self, keys: Sequence[str]) -> tuple[Story, int] | None:
        for key in keys:
            if key in self.keys and self.keys[key] in self.stories:
                return self.stories[self.keys[key]]
        return None

    def get_story(self, story_id: str) -> tuple[Story, int] | None:
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
    ) -> None:
        current = self.stories.get(story.story_id)
        if (previous_rev is None and current) or (
            previous_rev is not None and (not current or current[1] != previous_rev)
        ):
            raise StoryChanged()
        if any(item.id in self.items for item in items):
            raise ItemAlreadyStored()
        for item in items:
            self.items[item.id] = story.story_id
        self.stories[story.story_id] = (story, (previous_rev or 0) + 1)
        for key in new_keys:
            self.keys[key] = story.story_id
        self.writes += 1

    def mark_seen(self, item: Item) -> bool:
        if item.id in self.items:
            return False
        self.items[item.id] = ""
        return True

    def feed_state(self, url: str) -> FeedState:
        return self.feeds.get(url, FeedState(url=url))

    def put_feed_state(self, state: FeedState) -> None:
        self.feeds[state.url] = state
