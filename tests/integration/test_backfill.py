"""``exportwatch backfill`` end to end: the real ingestion on moto, a loopback server answering the Federal
Register API's search from recorded real documents (each with its _provenance), and the stream delivered to
the real ``notify`` handler, with SQS queues subscribed to the topic standing for the subscribers.
"""

from __future__ import annotations

import functools
import io
import json
import urllib.parse
from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber

from exportwatch import aws
from exportwatch.aws import clients
from exportwatch.aws.store import Store
from exportwatch.sources.fetch import fetch
from exportwatch_cli.backfill import BackfillError, date_slices, run_backfill
from exportwatch_cli.demo import REGION, TABLE, LocalStack, local_stack, sample_routes
from exportwatch_cli.local import RecordedRegister, Route
from exportwatch_cli.main import main
from tests.helpers import FIXTURES

BIS = "industry-and-security-bureau"
STATE = "state-department"
SINCE, UNTIL = date(2018, 1, 1), date(2026, 11, 30)


def recorded(name: str) -> dict[str, Any]:
    data = json.loads((FIXTURES / "federal_register" / f"{name}.json").read_text())
    return {k: v for k, v in data.items() if k != "_provenance"}


def documents() -> list[dict[str, Any]]:
    """Every recorded BIS document, and three State Department ones (two ITAR rules, an unrelated notice)."""
    bis = [recorded(p.stem) for p in sorted((FIXTURES / "federal_register").glob("*.json"))]
    state = [recorded(f"state/{p.stem}") for p in sorted((FIXTURES / "federal_register" / "state").glob("*.json"))]
    return bis + state


class Api:
    """The recorded API on the stack's loopback server, and the rule text of 2023-25557 beside it."""

    def __init__(self, docs: list[dict[str, Any]]) -> None:
        self.register = RecordedRegister(docs, fault=self.fault)
        self.down_from = 0  # requests from this number on fail (0: never)
        self.throttle = 0  # this request number answers 429 with Retry-After: 2
        self.text_requests = 0

    def fault(self, number: int, path: str) -> Route | None:
        if number == self.throttle:
            return Route(b'{"status": 429}', "application/json", status=429, headers=(("Retry-After", "2"),))
        if self.down_from and number >= self.down_from:
            return Route(b'{"status": 503}', "application/json", status=503, headers=(("Retry-After", "0"),))
        return None

    def routes(self) -> dict[str, Any]:
        def text(_request: Any) -> Route:
            self.text_requests += 1
            body = (FIXTURES / "entity_list" / "2023-25557-removal.txt").read_bytes()
            return Route(body, "text/plain; charset=utf-8")

        return {**sample_routes(), "/api/v1/documents.json": self.register, "/texts/2023-25557.txt": text}


@pytest.fixture
def api() -> Api:
    docs = documents()
    for doc in docs:
        if doc["document_number"] == "2023-25557":  # its full text, as the API links it, on the loopback server
            doc["raw_text_url"] = "/texts/2023-25557.txt"
    return Api(docs)


@pytest.fixture
def stack(api: Api) -> Iterator[LocalStack]:
    with local_stack(routes=api.routes()) as running:
        base = running.server.base
        for doc in api.register.documents:
            if doc.get("raw_text_url", "").startswith("/"):
                doc["raw_text_url"] = base + doc["raw_text_url"]
        yield running


def backfill(stack: LocalStack, waits: list[float] | None = None, **options: Any) -> Any:
    fetcher = functools.partial(
        fetch, allow_loopback=True, retries=2, max_wait=5.0, sleep=(waits.append if waits is not None else None)
    )
    options = {"since": SINCE, "until": UNTIL, "agencies": (BIS, STATE), "pause": 0.0, "per_page": 2, **options}
    return run_backfill(
        Store(boto3.client("dynamodb", region_name=REGION), TABLE),
        base=f"{stack.server.base}/api/v1",
        fetcher=fetcher,
        slice_days=366,
        err=io.StringIO(),
        **options,
    )


def table_rows(prefix: str) -> list[dict[str, Any]]:
    client = boto3.client("dynamodb", region_name=REGION)
    rows = client.scan(TableName=TABLE)["Items"]
    return [row for row in rows if row["pk"]["S"].startswith(prefix)]


def delivered(stack: LocalStack) -> dict[str, list[dict[str, Any]]]:
    """Deliver the stream to the real notify handler; what each subscriber's queue received."""
    for event in stack.reader.events():
        assert stack.handlers["notify"].lambda_handler(event, stack.context)["batchItemFailures"] == []
    return stack.inbox()


def test_backfill_pages_through_throttling_and_an_outage_resumes_without_duplicates_and_alerts_no_one(
    stack: LocalStack, api: Api
) -> None:
    # Given an API that throttles its second request (Retry-After: 2) and goes down at its sixth
    api.throttle, api.down_from = 2, 6
    waits: list[float] = []
    # When the backfill runs, it stops with a one-line, resumable error
    with pytest.raises(BackfillError, match="run the same command again to resume"):
        backfill(stack, waits)
    assert 2.0 in waits  # the 429's Retry-After was honoured
    stored_before = {row["pk"]["S"] for row in table_rows("ITEM#")}
    served_before = len(api.register.served)
    assert stored_before  # the pages before the outage are stored
    # When the API is back and the same backfill runs again
    api.down_from = 0
    report = backfill(stack)
    # Then it resumed at the page that failed: the pages stored before were not asked for again
    resumed = api.register.served[served_before:]
    assert report.resumed_at and resumed[0] == api.register.served[served_before - 1]
    assert report.ingest.already_seen == 0
    # and every recorded document is stored once, relevant or not
    items = [row["pk"]["S"] for row in table_rows("ITEM#")]
    assert sorted(items) == sorted({f"ITEM#fr:{doc['document_number']}" for doc in api.register.documents})
    stories = table_rows("STORY#")
    assert len(stories) >= 8 and all(int(row["quiet_version"]["N"]) == int(row["version"]["N"]) for row in stories)
    # and the Entity List rule's text was read, as polling reads it
    assert api.text_requests == 1
    # and the stream, delivered to the real notify handler, alerts no one
    assert delivered(stack) == {name: [] for name in stack.queues}
    # and a third run finds the job complete and asks nothing
    asked = len(api.register.served)
    backfill(stack)
    assert len(api.register.served) == asked


def test_a_backfilled_story_alerts_once_on_a_later_real_change(stack: LocalStack) -> None:
    # Given the Huawei temporary general license rule of 20 November 2019 backfilled (no alert)
    backfill(stack, since=date(2019, 11, 1), until=date(2019, 11, 30), agencies=(BIS,))
    assert delivered(stack) == {name: [] for name in stack.queues}
    # When the news reports licences granted for sales to Huawei (the live pollers, sample news feed)
    stack.poll()
    inbox = delivered(stack)
    # Then the backfilled story alerts once, as an update with the new label
    team = inbox["compliance-team"]
    tgl = [m for m in team if "extension" in m["labels"] and "license.decision" in m["labels"]]
    assert len(tgl) == 1 and tgl[0]["kind"] == "update" and tgl[0]["version"] == 2 and tgl[0]["official"]
    # and polling again sends nothing more
    stack.poll()
    assert delivered(stack) == {name: [] for name in stack.queues}


def test_state_department_itar_rules_are_export_controls_and_its_other_notices_are_not(stack: LocalStack) -> None:
    # Given the State Department added to the agencies backfilled
    backfill(stack, agencies=(STATE,))
    # Then its ITAR rules are stories labelled other_export_control, never Entity List actions
    stories = {row["title"]["S"]: [label["S"] for label in row["labels"]["L"]] for row in table_rows("STORY#")}
    assert stories == {
        "International Traffic in Arms Regulations: U.S. Munitions List Categories I, II, and III": [
            "other_export_control"
        ],
        "Regulatory Reform Revisions to the International Traffic in Arms Regulations": ["other_export_control"],
    }
    # and its notice of a museum loan is stored as seen, irrelevant
    assert "ITEM#fr:2022-04867" in {row["pk"]["S"] for row in table_rows("ITEM#")}


def test_the_command_reads_the_table_from_the_environment_and_prints_a_summary(
    stack: LocalStack, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given the local stack's table in TABLE_NAME, and the agencies as a JSON list
    monkeypatch.setenv("FEDERAL_REGISTER_AGENCIES", json.dumps([BIS]))
    base = f"{stack.server.base}/api/v1"
    # When
    code = main(
        ["backfill", "--since", "2019-05-01", "--until", "2020-03-01", "--base", base, "--pause", "0", "--json"]
    )
    # Then
    out, err = capsys.readouterr()
    assert code == 0, err
    summary = json.loads(out)
    assert summary["documents"] == 3 and summary["stored"] == 3  # 2019-10616, 2019-25189, 2020-03144
    assert "2019-05-01..2019-05-31" in err  # progress, slice by slice
    # and a bad range is one line, exit 2
    assert main(["backfill", "--since", "2020-03-01", "--until", "2019-01-01"]) == 2
    assert capsys.readouterr().err.strip() == "exportwatch backfill: --since 2020-03-01 is after --until 2019-01-01"


def test_with_a_stack_the_table_and_agencies_come_from_the_deployment(
    stack: LocalStack, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a deployed stack whose TableName output is the local table and which watches the State Department
    # (CloudFormation's answers, as botocore validates them; moto's CloudFormation needs extras not installed)
    monkeypatch.delenv("TABLE_NAME")
    cloudformation = clients.cloudformation()  # the command's client (one per process), answering from the stubs
    stubber = Stubber(cloudformation)
    deployed = {
        "StackName": "exportwatch",
        "CreationTime": datetime(2026, 11, 1, tzinfo=UTC),
        "StackStatus": "UPDATE_COMPLETE",
        "Parameters": [{"ParameterKey": "FederalRegisterAgencies", "ParameterValue": STATE}],
        "Outputs": [{"OutputKey": "TableName", "OutputValue": TABLE}],
    }
    stubber.add_response("describe_stacks", {"Stacks": [deployed]}, {"StackName": "exportwatch"})
    stubber.add_client_error(
        "describe_stacks",
        "ValidationError",
        "Stack with id missing does not exist",
        expected_params={"StackName": "missing"},
    )
    stubber.activate()
    base = f"{stack.server.base}/api/v1"
    # When
    code = main(["backfill", "--stack", "exportwatch", "--since", "2018-01-01", "--base", base, "--pause", "0"])
    # Then the State Department's documents went into the stack's table
    out, err = capsys.readouterr()
    assert code == 0, err
    assert f"state-department, into {TABLE}" in out
    assert {row["pk"]["S"] for row in table_rows("ITEM#")} == {
        "ITEM#fr:2018-21422",
        "ITEM#fr:2020-00574",
        "ITEM#fr:2022-04867",
    }
    # and a stack that does not exist is one line, exit 2
    assert main(["backfill", "--stack", "missing", "--since", "2018-01-01", "--base", base]) == 2
    assert capsys.readouterr().err.startswith("exportwatch backfill: cannot read stack 'missing':")


def test_date_slices_cover_the_range_once_in_order() -> None:
    slices = date_slices(date(2024, 1, 1), date(2024, 3, 5), days=31)
    assert [s.key for s in slices] == ["2024-01-01..2024-01-31", "2024-02-01..2024-03-02", "2024-03-03..2024-03-05"]
    assert slices[1].halves()[0].last.isoformat() == "2024-02-16"


def test_the_poller_asks_for_every_agency_configured(
    stack: LocalStack, api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given two agencies configured, the way the template passes them
    monkeypatch.setenv("FEDERAL_REGISTER_AGENCIES", f"{BIS},{STATE}")
    aws.clear_caches()  # the settings are read once per container
    # When the Federal Register poller runs
    report = stack.handlers["poll_federal_register"].lambda_handler({}, stack.context)
    # Then one query names both agencies
    assert [s["status"] for s in report["sources"]] == ["ok", "ok"]
    (asked,) = api.register.served
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(asked).query)
    assert query["conditions[agencies][]"] == [BIS, STATE]
