"""The Entity List snapshot keeps the same promises in DynamoDB (on moto) and in memory: none before the first
poll, stored whole (across chunks), replaced whole, one per source."""

from __future__ import annotations

import random

import boto3
from moto import mock_aws

from exportwatch.aws import store as dynamodb_store
from exportwatch.aws.store import Store
from exportwatch.entity_list.snapshot import parse_csl_csv, snapshot_of
from exportwatch.models import Entry, ListSnapshot
from exportwatch_cli.local import create_table, load_template
from exportwatch_cli.memory import MemoryStore
from tests.helpers import FIXTURES, ROOT

URL = "https://lists.example/consolidated.csv"
ENTRIES = parse_csl_csv((FIXTURES / "entity_list" / "csl" / "el_csl_2022_subset.csv").read_bytes())


def noisy(count: int) -> list[Entry]:
    """Entries that gzip poorly, so that a list of them spans several chunks."""
    rng = random.Random(11)
    return [
        Entry(
            "listed", f"Party {i} " + "".join(rng.choice("abcdefghijklmnopqrstuvwxyzЖЯ") for _ in range(400)), "China"
        )
        for i in range(count)
    ]


def test_no_snapshot_before_the_first_poll(store: Store | MemoryStore) -> None:
    assert store.list_snapshot(URL) is None


def test_a_snapshot_round_trips_whole_and_is_replaced_whole(store: Store | MemoryStore) -> None:
    # Given a snapshot of real rows, then a larger one spanning several DynamoDB items
    first = snapshot_of(ENTRIES, source=URL, taken="2026-12-05T06:00:00+00:00")
    second = snapshot_of([*ENTRIES, *noisy(1500)], source=URL, taken="2026-12-06T06:00:00+00:00")
    # When each is stored and read back
    store.put_list_snapshot(first)
    assert store.list_snapshot(URL) == first
    store.put_list_snapshot(second)
    found = store.list_snapshot(URL)
    # Then the second comes back whole, in order, with every field
    assert found == second
    assert isinstance(found, ListSnapshot) and len(found.entries) == len(ENTRIES) + 1500
    # and another source has no snapshot
    assert store.list_snapshot(URL + "?other") is None


def test_replacing_a_snapshot_leaves_only_its_own_chunks() -> None:
    # Given the DynamoDB store (on moto, as the contract fixture makes it)
    with mock_aws():
        client = boto3.client("dynamodb", region_name="us-east-1")
        create_table(client, load_template(ROOT / "template.yaml"), "chunks")
        table = Store(client, "chunks")
        big = snapshot_of([*ENTRIES, *noisy(1500)], source=URL, taken="a")
        small = snapshot_of(ENTRIES, source=URL, taken="b")
        # When a large snapshot is replaced by a small one
        table.put_list_snapshot(big)
        chunks_big = _chunks(client)
        table.put_list_snapshot(small)
        # Then the large one spanned several items, each under DynamoDB's 400 KB, and only the small one's remain
        assert len(chunks_big) >= 2
        assert all(size < 400_000 for size in chunks_big.values())
        assert list(_chunks(client)) == [f"{dynamodb_store.CHUNK_PREFIX}{small.digest}#0000"]


def _chunks(client: object) -> dict[str, int]:
    rows = client.scan(TableName="chunks")["Items"]  # type: ignore[attr-defined]
    return {r["sk"]["S"]: len(r["data"]["B"]) for r in rows if r["sk"]["S"].startswith(dynamodb_store.CHUNK_PREFIX)}
