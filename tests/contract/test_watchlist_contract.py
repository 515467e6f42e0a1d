"""Watchlists keep the same promises in DynamoDB (on moto) and in memory: stored whole, replaced, listed, removed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from exportwatch.aws.store import Store
from exportwatch.ports import WatchlistChanged
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


class Crash(Exception):
    """The import stopped (a Lambda timeout, a lost connection) at the moment the test chose."""


def on_switch(store: Store | MemoryStore, hook: Callable[[], None]) -> Callable[[], None]:
    """Call ``hook`` when a re-import is about to point the watchlist's head at its new rows; returns the undo.

    In DynamoDB that moment is the PutItem of the head (``WATCHLISTS``, the list's name); in memory, the
    assignment of the head.
    """
    if isinstance(store, MemoryStore):
        switch = store._switch_watchlist

        def hooked(*args: Any, **kwargs: Any) -> None:
            hook()
            switch(*args, **kwargs)

        store._switch_watchlist = hooked  # type: ignore[method-assign]
        return lambda: delattr(store, "_switch_watchlist")
    client = store.client

    class Client:
        def __getattr__(self, name: str) -> Any:
            return getattr(client, name)

        def put_item(self, **kwargs: Any) -> Any:
            if kwargs["Item"]["pk"]["S"] == "WATCHLISTS":
                hook()
            return client.put_item(**kwargs)

    store.client = Client()
    return lambda: setattr(store, "client", client)


def test_a_reader_during_a_reimport_sees_the_old_list_whole(store: Store | MemoryStore) -> None:
    # Given a watchlist of several chunks
    old = parties(3000)
    store.put_watchlist("customers", old, threshold=0.85)
    seen: list[list[str]] = []

    def read() -> None:
        found = store.get_watchlist("customers")
        assert found is not None
        seen.append([p.name for p in found[1]])

    on_switch(store, read)
    # When it is imported again, and read while the new rows are written but the head not switched yet
    new = parties(2500, "new")
    store.put_watchlist("customers", new, threshold=0.9)
    # Then that reader saw the old list, whole; afterwards the new one is read, whole
    assert seen == [[p.name for p in old]]
    found = store.get_watchlist("customers")
    assert found is not None and found[1] == new and found[0].count == 2500


def test_a_reimport_that_crashes_before_the_switch_leaves_the_old_list_intact(store: Store | MemoryStore) -> None:
    # Given a watchlist of several chunks
    old = parties(3000)
    info = store.put_watchlist("customers", old, threshold=0.85)

    def crash() -> None:
        raise Crash()

    undo = on_switch(store, crash)
    # When a re-import crashes after writing its rows, before the head switched to them
    with pytest.raises(Crash):
        store.put_watchlist("customers", parties(2, "new"), threshold=0.9)
    # Then the old list is read as it was
    found = store.get_watchlist("customers")
    assert found is not None and found == (info, old)
    # and the next import that completes leaves only its own rows
    undo()
    store.put_watchlist("customers", parties(1, "next"), threshold=0.8)
    found = store.get_watchlist("customers")
    assert found is not None and [p.name for p in found[1]] == [p.name for p in parties(1, "next")]
    if isinstance(store, MemoryStore):
        assert list(store.watchlist_rows) == [("customers", store.lists["customers"][1])]
    else:
        rows = store.client.query(
            TableName="contract",
            KeyConditionExpression="pk = :pk",
            ExpressionAttributeValues={":pk": {"S": "WATCHLIST#customers"}},
        )["Items"]
        assert len(rows) == 1


@pytest.mark.parametrize("existing", [True, False], ids=["re-import", "first-import"])
def test_of_two_imports_of_one_name_at_once_one_wins_whole_and_the_other_says_so(
    store: Store | MemoryStore, existing: bool
) -> None:
    # Given a watchlist (or none yet), and a second import that switches the head while the first writes its rows
    if existing:
        store.put_watchlist("customers", parties(3000), threshold=0.85)
    rival = parties(2, "rival")
    undo: list[Callable[[], None]] = []

    def rival_import() -> None:
        undo.pop()()  # the rival's own switch goes through unhooked
        store.put_watchlist("customers", rival, threshold=0.8)

    undo.append(on_switch(store, rival_import))
    # When the first import then tries to switch the head to its rows
    with pytest.raises(WatchlistChanged):
        store.put_watchlist("customers", parties(2500, "mine"), threshold=0.9)
    # Then the rival's list stands, whole, and the next import replaces it cleanly
    found = store.get_watchlist("customers")
    assert found is not None and found[1] == rival
    store.put_watchlist("customers", parties(1, "next"), threshold=0.8)
    found = store.get_watchlist("customers")
    assert found is not None and found[1] == parties(1, "next")
