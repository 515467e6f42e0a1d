"""Screen a story at rule time: its rule's entries and the parties news named, against every stored watchlist.

Why here: a compliance team's question is "does today's action touch our customers?", answered when the
rule appears, not when a screening vendor next updates its list. The parties of one story are few (a rule
names at most a few hundred), so they are indexed per story and every counterparty is screened against
them; the watchlists themselves are read once per batch at most, and their counterparties are kept per
container until the watchlist is imported again.

Confidential: counterparty names leave this module only inside the alert's bodies. What is logged is the
number of watchlists, their names and counts.
"""

from __future__ import annotations

from collections.abc import Sequence

from aws_lambda_powertools import Logger

from exportwatch.models import Counterparty, Story, WatchlistMatch
from exportwatch.ports import WatchlistInfo, WatchlistStore
from exportwatch.screening.match import Index, Listed

logger = Logger(child=True)


def story_parties(story: Story) -> list[Listed]:
    """What a story names: its rule's entries (name, aliases, country), then the parties found in news."""
    parties = [Listed(entry.name, entry.aliases, entry.country) for entry in story.entries if entry.name]
    seen = {party.name.casefold() for party in parties}
    for name in story.entities:
        if name and name.casefold() not in seen:
            seen.add(name.casefold())
            parties.append(Listed(name, tuple(story.aliases.get(name, ()))))
    return parties


def screen_story(
    story: Story, watchlists: Sequence[tuple[WatchlistInfo, Sequence[Counterparty]]]
) -> list[WatchlistMatch]:
    """Every counterparty of every watchlist that matches one of the story's parties, at its list's threshold.

    Ordered by watchlist, then the matches of entries before those of parties only news named, best score
    first. Each says which it is (``basis``): a counterparty named in a news story is not listed.
    """
    parties = story_parties(story)
    if not parties or not watchlists:
        return []
    entries = {entry.name for entry in story.entries if entry.name}
    index = Index(parties)
    found: list[WatchlistMatch] = []
    for info, counterparties in watchlists:
        matches = [
            WatchlistMatch(
                info.name,
                m.counterparty.name,
                m.via,
                m.counterparty.reference,
                m.listed.name,
                m.matched,
                m.score,
                m.why,
                "entry" if m.listed.name in entries else "news",
            )  # fmt: skip
            for m in index.screen_all(counterparties, info.threshold)
        ]
        found += sorted(matches, key=lambda m: (not m.listed, -m.score))
    return found


class WatchlistScreener:
    """Stored watchlists, read at most once per batch, their counterparties cached until re-imported.

    Parameters
    ----------
    store
        The watchlist store (made once per container, with its client).
    """

    def __init__(self, store: WatchlistStore) -> None:
        self._store = store
        self._cache: dict[str, tuple[WatchlistInfo, list[Counterparty]]] = {}
        self._current: list[tuple[WatchlistInfo, list[Counterparty]]] | None = None

    def new_batch(self) -> None:
        """Forget which watchlists exist: the next screen reads the list of lists again (one Query)."""
        self._current = None

    def _watchlists(self) -> list[tuple[WatchlistInfo, list[Counterparty]]]:
        if self._current is None:
            current = []
            for info in self._store.watchlists():
                cached = self._cache.get(info.name)
                if cached is None or cached[0] != info:
                    loaded = self._store.get_watchlist(info.name)
                    if loaded is None:  # removed since it was listed
                        self._cache.pop(info.name, None)
                        continue
                    cached = self._cache[info.name] = (info, loaded[1])
                current.append(cached)
            for name in set(self._cache) - {info.name for info, _ in current}:
                del self._cache[name]
            self._current = current
        return self._current

    def screen(self, story: Story) -> list[WatchlistMatch]:
        """The story's matches against every stored watchlist (logged as watchlist names and counts only)."""
        watchlists = self._watchlists()
        matches = screen_story(story, watchlists)
        if matches:
            names = sorted({m.watchlist for m in matches})
            logger.info(
                "story matches watchlists",
                extra={"story_id": story.story_id, "version": story.version, "watchlists": names,
                       "matches": len(matches)},
            )  # fmt: skip
        return matches
