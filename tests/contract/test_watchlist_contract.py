"""Watchlists keep the same promises in DynamoDB (on moto) and in memory: stored whole, replaced, listed, removed."""

from __future__ import annotations

from exportwatch.aws.store import Store
from exportwatch.screening import Counterparty
from exportwatch_cli.memory import MemoryStore


def parties(count: int, suffix: str = "") -> list[Counterparty]:
    # long, non-ASCII rows so that a few thousand of them span several 300 KB chunks
    return [
        Counterparty(f"Компания {i} {suffix} " + "x" * 150, (f"Alias {i}", f"第{i}号"), "RU", f"C-{i}")
        for i in range(count)
    ]


def test_watchlist_round_trips_whole_across_chunks(store: Store | MemoryStore) -> None:
    # Given a watchlist larger than one DynamoDB item
    rows = parties(3000)
    # When it is stored and read back
    info = store.put_watchlist("customers", rows, threshold=0.9)
    found = store.get_watchlist("customers")
    # Then every row comes back, in order, with its aliases, country and reference
    assert found is not None
    assert found[1] == rows
    assert (found[0].name, found[0].count, found[0].threshold) == ("customers", 3000, 0.9) == (
        info.name, info.count, info.threshold
    )  # fmt: skip


def test_watchlist_import_replaces_and_list_and_remove(store: Store | MemoryStore) -> None:
    # Given a big list replaced by a small one of the same name, and a second list
    store.put_watchlist("customers", parties(3000), threshold=0.85)
    store.put_watchlist("customers", parties(2, "new"), threshold=0.8)
    store.put_watchlist("suppliers", parties(1), threshold=0.85)
    # Then only the new rows remain, and both lists are listed
    found = store.get_watchlist("customers")
    assert found is not None and [p.name for p in found[1]] == [p.name for p in parties(2, "new")]
    assert [(i.name, i.count) for i in store.watchlists()] == [("customers", 2), ("suppliers", 1)]
    # When one is removed, it is gone, and removing it again says so
    assert store.remove_watchlist("customers") is True
    assert store.get_watchlist("customers") is None
    assert store.remove_watchlist("customers") is False
    assert [i.name for i in store.watchlists()] == ["suppliers"]
