"""Several Federal Register agencies, and the backfill's slicing, pacing and quietness, without sockets or AWS.

The State Department documents are real (tests/fixtures/federal_register/state/, provenance in each file).
"""

from __future__ import annotations

import json
import urllib.parse
from dataclasses import replace
from datetime import UTC, date, datetime
from importlib import resources
from typing import Any

import pytest

from exportwatch import settings
from exportwatch.alerts.digest import render_digest
from exportwatch.alerts.notify import alert_for
from exportwatch.aws.store import story_to_record
from exportwatch.sources import federal_register
from exportwatch.sources.fetch import Response
from exportwatch.stories.cluster import analyse, new_story
from exportwatch.stories.ingest import IngestPolicy, ingest
from exportwatch_cli.backfill import RESULT_CAP, Polite, run_backfill
from exportwatch_cli.main import main
from exportwatch_cli.memory import MemoryStore
from tests.helpers import FIXTURES

NOW = "2026-12-01T00:00:00+00:00"


def state_document(number: str) -> dict[str, Any]:
    data = json.loads((FIXTURES / "federal_register" / "state" / f"{number}.json").read_text())
    return {k: v for k, v in data.items() if k != "_provenance"}


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in ("FEDERAL_REGISTER_AGENCIES", "FEDERAL_REGISTER_AGENCY"):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_agencies_are_a_list_with_the_single_agency_setting_as_fallback(env: pytest.MonkeyPatch) -> None:
    assert settings.agencies() == ("industry-and-security-bureau",)
    env.setenv("FEDERAL_REGISTER_AGENCY", "state-department")
    assert settings.agencies() == ("state-department",)
    env.setenv("FEDERAL_REGISTER_AGENCIES", "industry-and-security-bureau, state-department")
    assert settings.agencies() == ("industry-and-security-bureau", "state-department")
    env.setenv("FEDERAL_REGISTER_AGENCIES", '["state-department", "industry-and-security-bureau"]')
    assert settings.agencies() == ("state-department", "industry-and-security-bureau")


def test_a_malformed_agency_is_refused_before_the_api_answers_400(env: pytest.MonkeyPatch) -> None:
    env.setenv("FEDERAL_REGISTER_AGENCIES", "industry-and-security-bureau,State Department")
    with pytest.raises(settings.SettingsError, match="'State Department' is not a Federal Register agency slug"):
        settings.agencies()


def test_several_agencies_are_one_query_within_a_date_range() -> None:
    url = federal_register.documents_url(
        "https://api.example/v1",
        ("industry-and-security-bureau", "state-department"),
        date(2020, 1, 1),
        until=date(2020, 1, 31),
        order="oldest",
    )
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(url).query)
    assert query["conditions[agencies][]"] == ["industry-and-security-bureau", "state-department"]
    assert query["conditions[publication_date][gte]"] == ["2020-01-01"]
    assert query["conditions[publication_date][lte]"] == ["2020-01-31"]
    assert query["order"] == ["oldest"]


def test_public_inspection_keeps_the_documents_of_every_agency_watched() -> None:
    body = json.dumps({"results": [state_document("2020-00574"), state_document("2022-04867")]}).encode()
    only_bis, _, _ = federal_register.parse_documents(
        body, agency="industry-and-security-bureau", stage="public_inspection"
    )
    both, _, _ = federal_register.parse_documents(
        body, agency=("industry-and-security-bureau", "state-department"), stage="public_inspection"
    )
    assert only_bis == [] and [item.document_number for item in both] == ["2020-00574", "2022-04867"]


@pytest.mark.parametrize(
    ("number", "labels"),
    [
        ("2020-00574", ("other_export_control",)),  # ITAR: U.S. Munitions List Categories I-III, final rule
        ("2018-21422", ("other_export_control",)),  # ITAR: revises entries on the Munitions List, not the Entity List
        ("2022-04867", ()),  # a museum loan's immunity notice: State, but no export control
    ],
)
def test_state_department_documents_are_labelled_by_the_same_rules(number: str, labels: tuple[str, ...]) -> None:
    item = federal_register.document_item(state_document(number))
    assert analyse(item).classification.labels == labels


def _story_record(version: int, quiet: int) -> dict[str, Any]:
    item = federal_register.document_item(state_document("2020-00574"))
    story = replace(new_story(analyse(item), now=NOW), version=version, quiet_version=quiet)
    return story_to_record(story, rev=version)


def test_notify_skips_a_backfilled_version_and_alerts_the_next_one() -> None:
    quiet = {"eventName": "INSERT", "dynamodb": {"NewImage": _story_record(1, 1)}}
    later = {"eventName": "MODIFY", "dynamodb": {"NewImage": _story_record(2, 1), "OldImage": _story_record(1, 1)}}
    assert alert_for(quiet) is None
    alert = alert_for(later)
    assert alert is not None and alert.version == 2


def test_the_digest_leaves_out_stories_only_a_backfill_wrote() -> None:
    item = federal_register.document_item(state_document("2020-00574"))
    story = new_story(analyse(item), now=NOW)
    assert render_digest([replace(story, quiet_version=1)], "2026-11-30") is None
    assert render_digest([replace(story, version=2, quiet_version=1)], "2026-11-30") is not None


def _tgl_rule(stage: str) -> list[Any]:
    """The 2026-17230 rule as the poller parses it: its public-inspection copy, or the published document."""
    if stage == "public_inspection":
        sample = json.loads((resources.files("exportwatch_cli") / "samples" / "public_inspection.json").read_text())
        body = {"count": 1, "results": [r for r in sample["results"] if r["document_number"] == "2026-17230"]}
    else:
        data = json.loads((FIXTURES / "federal_register" / "2026-17230.json").read_text())
        body = {"count": 1, "results": [{k: v for k, v in data.items() if k != "_provenance"}]}
    items, _, _ = federal_register.parse_documents(
        json.dumps(body).encode(), agency="industry-and-security-bureau", stage=stage
    )
    return items


def _filed_day() -> datetime:
    return datetime(2026, 8, 24, 14, tzinfo=UTC)


def test_a_backfill_never_quiets_the_now_official_update_of_a_story_that_alerted() -> None:
    # Given a rule on public inspection that the poller stored (version 1, alerted)
    store = MemoryStore()
    ingest(_tgl_rule("public_inspection"), store, now=_filed_day)
    [(live, _rev)] = store.stories_published("2026-01-01", "2026-12-31")
    assert (live.version, live.quiet_version, live.official) == (1, 0, False)
    # When a backfill on the live stack stores its published document first (the "now official" update)
    report = ingest(_tgl_rule("published"), store, now=_filed_day, policy=IngestPolicy(quiet=True))
    # Then the update is written as the poller would write it: a new version that alerts
    [(story, _rev)] = store.stories_published("2026-01-01", "2026-12-31")
    assert report.stories_updated == [story.story_id]
    assert (story.version, story.official) == (2, True) and story.version > story.quiet_version == 0


def test_a_backfill_bumping_a_story_it_loaded_itself_stays_quiet() -> None:
    # Given a story a backfill created (quiet)
    store = MemoryStore()
    ingest(_tgl_rule("public_inspection"), store, now=_filed_day, policy=IngestPolicy(quiet=True))
    # When the same backfill then stores the published document (a material update of that story)
    ingest(_tgl_rule("published"), store, now=_filed_day, policy=IngestPolicy(quiet=True))
    # Then the new version is quiet too: history alerts no one
    [(story, _rev)] = store.stories_published("2026-01-01", "2026-12-31")
    assert story.version == 2 and story.quiet_version == 2


def test_backfill_stops_at_yesterday_unless_told_so_the_poller_alone_takes_today(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # Given today's date (UTC) as the first day, and no --until
    today = datetime.now(UTC).date().isoformat()
    # When
    code = main(["backfill", "--since", today])
    # Then the range is empty (it ends yesterday): refused in one line before any table is touched
    assert code == 2
    assert capsys.readouterr().err.strip().startswith(f"exportwatch backfill: --since {today} is after --until ")


class Api:
    """Answers the search like the API: ``count`` for the range asked, one page of the matching documents."""

    def __init__(self, per_day: dict[str, int]) -> None:
        self.per_day = per_day
        self.asked: list[tuple[str, str]] = []

    def __call__(self, url: str, **_kwargs: Any) -> Response:
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(url).query)
        first = query["conditions[publication_date][gte]"][0]
        last = query["conditions[publication_date][lte]"][0]
        self.asked.append((first, last))
        count = sum(n for day, n in self.per_day.items() if first <= day <= last)
        docs = [
            {**state_document("2022-04867"), "document_number": f"2022-{day[5:7]}{day[8:]}", "publication_date": day}
            for day in sorted(self.per_day)
            if first <= day <= last
        ]
        return Response(url, 200, json.dumps({"count": count, "results": docs}).encode())


def test_a_slice_matching_more_than_the_api_serves_is_halved_until_each_part_fits() -> None:
    # Given a month in which the first days match 8,000 documents each (the API serves 10,000 a query)
    api = Api({"2022-03-01": 8_000, "2022-03-02": 8_000, "2022-03-20": 10})
    store = MemoryStore()
    # When that month is backfilled
    report = run_backfill(
        store, since=date(2022, 3, 1), until=date(2022, 3, 31), agencies=("state-department",), fetcher=api, pause=0
    )
    # Then no query that was read counted more than the cap, and every day was asked for
    read = [(a, b) for a, b in api.asked if sum(n for d, n in api.per_day.items() if a <= d <= b) <= RESULT_CAP]
    assert ("2022-03-01", "2022-03-01") in read and ("2022-03-02", "2022-03-02") in read
    covered = {day for a, b in read for day in api.per_day if a <= day <= b}
    assert covered == set(api.per_day) and report.documents == 3
    assert store.checkpoint(report.job)["complete"] == "2022-03-31"


def test_a_later_until_asks_only_for_the_days_not_loaded_yet() -> None:
    # Given January and February loaded
    api = Api({"2022-01-10": 1, "2022-02-10": 1, "2022-03-10": 1})
    store = MemoryStore()
    options: dict[str, Any] = {"since": date(2022, 1, 1), "agencies": ("state-department",), "fetcher": api, "pause": 0}
    run_backfill(store, until=date(2022, 2, 28), **options)
    asked_before = len(api.asked)
    # When the same backfill runs a month later
    report = run_backfill(store, until=date(2022, 3, 31), **options)
    # Then it asks only for the slices after January (February's was cut short by the first --until)
    assert api.asked[asked_before:] == [("2022-02-01", "2022-03-03"), ("2022-03-04", "2022-03-31")]
    # and what February's document gave the first run is not stored again
    assert (report.documents, report.ingest.already_seen, report.ingest.irrelevant) == (2, 1, 1)


def test_requests_are_paced_by_the_pause() -> None:
    waits: list[float] = []
    polite = Polite(lambda url, **_: Response(url, 200), pause=1.5, sleep=waits.append)
    polite("https://a/1")
    polite("https://a/2")
    assert len(waits) == 1 and 1.4 < waits[0] <= 1.5 and polite.requests == 2


def test_public_inspection_without_bis_in_the_list_leaves_bis_documents_out() -> None:
    bis = json.loads((FIXTURES / "federal_register" / "2023-25557.json").read_text())
    bis = {k: v for k, v in bis.items() if k != "_provenance"}
    body = json.dumps({"results": [bis, state_document("2020-00574")]}).encode()
    state_only, _, _ = federal_register.parse_documents(body, agency=("state-department",), stage="public_inspection")
    assert [item.document_number for item in state_only] == ["2020-00574"]
