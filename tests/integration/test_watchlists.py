"""`exportwatch watchlist` on the local moto table: import (screened against a real list snapshot), list, remove."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from exportwatch_cli.main import main
from tests.helpers import ROOT

SNAPSHOT = ROOT / "tests" / "fixtures" / "screening" / "el_csl_snapshot_2022.csv"
# Two real listed parties, written as a customer file would hold them, and one that is not listed.
CUSTOMERS = """name,country,aliases,reference
HUAWEI TECHNOLOGIES COMPANY LIMITED,CN,,C-1042
Sense Time,CN,,C-7
Acme Widgets Ltd,GB,Acme,C-9
"""


def test_watchlist_import_screens_against_the_snapshot_then_lists_and_removes(
    table: str, dynamodb: Any, tmp_path, capsys, caplog: pytest.LogCaptureFixture
) -> None:
    # Given a customer file and the 2022 Entity List snapshot
    (tmp_path / "customers.csv").write_text(CUSTOMERS, encoding="utf-8")
    caplog.set_level(logging.INFO)  # (botocore at DEBUG logs request bodies: an SDK wire trace, off by default)
    # When it is imported with screening on import
    code = main(["watchlist", "import", "customers", str(tmp_path / "customers.csv"), "--snapshot", str(SNAPSHOT)])
    # Then the two listed customers are reported, with the name that matched and the customer's reference
    out = capsys.readouterr().out
    assert code == 0
    assert "2 of your 3 counterparties are on the Entity List today" in out
    assert "HUAWEI TECHNOLOGIES COMPANY LIMITED <-> listed 'Huawei Technologies Co., Ltd." in out
    assert "your ref C-1042" in out and "Sense Time <-> listed 'Sense Time' (alias), score 1.00" in out
    assert "Acme Widgets" not in out.split("\n", 2)[2]
    # And no counterparty name reached a log record
    assert not any("HUAWEI" in r.getMessage() or "Acme" in r.getMessage() for r in caplog.records)

    # When the lists are listed, then removed
    assert main(["watchlist", "list"]) == 0
    assert capsys.readouterr().out.startswith("customers\t3 counterparties\tthreshold 0.85")
    assert main(["watchlist", "remove", "customers"]) == 0
    # Then nothing of it is left in the table
    rows = dynamodb.scan(TableName="exportwatch-test")["Items"]
    assert not [r for r in rows if r["pk"]["S"].startswith("WATCHLIST")]
    assert main(["watchlist", "remove", "customers"]) == 2


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["watchlist", "import", "bad name", "x.csv"], "a watchlist name is"),
        (["watchlist", "import", "", "{csv}"], "a watchlist name is"),  # empty: refused, not stored nameless
        (["watchlist", "remove", ""], "a watchlist name is"),
        (["watchlist", "import", "customers", "missing.csv"], "cannot read"),
        (["watchlist", "import", "customers", "{csv}", "--snapshot", "missing.jsonl"], "cannot read"),
    ],
)
def test_watchlist_bad_input_exits_2(
    table: str, dynamodb: Any, tmp_path, capsys, argv: list[str], message: str
) -> None:
    (tmp_path / "c.csv").write_text(CUSTOMERS, encoding="utf-8")
    code = main([a.replace("{csv}", str(tmp_path / "c.csv")) for a in argv])
    err = capsys.readouterr().err
    # one line, exit 2, and nothing written
    assert code == 2 and message in err and err.count("\n") == 1
    assert not [r for r in dynamodb.scan(TableName="exportwatch-test")["Items"] if r["pk"]["S"].startswith("WATCHLIST")]


def test_watchlist_import_without_a_snapshot_screens_against_the_bundled_list(table: str, tmp_path, capsys) -> None:
    # Given a customer file holding a listed party under one of its listed aliases, and an unlisted one
    (tmp_path / "customers.csv").write_text(
        "name,reference\nHuahai Communication International Company Limited,C-1042\nAcme Widgets Ltd,C-9\n",
        encoding="utf-8",
    )
    # When it is imported with no --snapshot
    code = main(["watchlist", "import", "customers", str(tmp_path / "customers.csv")])
    # Then the list snapshot bundled with the package screens it: the listed customer is reported, with its entry
    out = capsys.readouterr().out
    assert code == 0
    assert "1 of your 2 counterparties are on the Entity List today (snapshot the bundled list snapshot" in out
    assert (
        "Huahai Communication International Company Limited <-> listed 'Huahai Communication International Co., "
        "Ltd.' (alias), score 1.00, entry 'HMN International Co., Ltd'; your ref C-1042" in out
    )
    assert "Acme" not in out


def test_watchlist_import_screens_against_the_list_the_stack_last_polled(
    table: str, dynamodb: Any, tmp_path, capsys
) -> None:
    # Given the table holds the list as the Entity List poller kept it (real 2023 CSL rows: CETC 13)
    from exportwatch.aws.store import Store
    from exportwatch.entity_list.snapshot import parse_csl_csv, snapshot_of
    from exportwatch.settings import Settings

    rows = (ROOT / "tests" / "fixtures" / "entity_list" / "csl" / "el_csl_2023_cetc13_and_meu.csv").read_bytes()
    source = Settings.entity_list_source
    Store(dynamodb, "exportwatch-test").put_list_snapshot(
        snapshot_of(parse_csl_csv(rows), source=source, taken="2026-12-01T06:00")
    )
    (tmp_path / "suppliers.csv").write_text(
        "name,reference\nChina Electronics Technology Group Corporation 13th Research Institute,S-13\n"
        "Acme Widgets Ltd,S-9\n",
        encoding="utf-8",
    )
    # When a watchlist is imported with no --snapshot
    code = main(["watchlist", "import", "suppliers", str(tmp_path / "suppliers.csv")])
    # Then it is screened against that snapshot, not the bundled one
    out = capsys.readouterr().out
    assert code == 0
    assert (
        "1 of your 2 counterparties are on the Entity List today (snapshot the stack's list snapshot of 2026-12-01"
        in out
    )
    assert "your ref S-13" in out and "Acme" not in out
