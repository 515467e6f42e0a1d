"""Withdrawals before publication: told from the API's editorial note, one update to a story still unpublished."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from exportwatch.alerts.render import render
from exportwatch.models import Item
from exportwatch.sources.federal_register import parse_documents
from exportwatch.sources.fetch import FetchError, Response
from exportwatch.sources.unpublished import unlisted_withdrawals
from exportwatch.sources.withdrawals import is_withdrawn
from exportwatch.stories.ingest import ingest
from exportwatch_cli.memory import MemoryStore
from tests.helpers import FIXTURES

REAL = json.loads((FIXTURES / "federal_register" / "public_inspection" / "2017-00854-withdrawn.json").read_text())
APHIS = "animal-and-plant-health-inspection-service"
BIS = [{"name": "Industry and Security Bureau", "slug": "industry-and-security-bureau"}]
NOW = datetime(2021, 12, 16, 16, tzinfo=UTC)


def _listed(*docs: dict[str, Any], agency: str = "industry-and-security-bureau") -> list[Item]:
    items, _next, problems = parse_documents(
        json.dumps({"count": len(docs), "results": list(docs)}).encode(), agency=agency, stage="public_inspection"
    )
    assert problems == []
    return items


def test_the_real_withdrawal_on_the_public_inspection_list_is_one_withdrawal_item() -> None:
    (item,) = _listed(REAL, agency=APHIS)
    assert (item.id, item.stage, item.published, item.text_urls) == ("wd:2017-00854", "withdrawn", "", ())
    assert item.document_number == "2017-00854" and item.title.startswith("Horse Protection")


def test_only_a_note_saying_withdrawn_marks_a_withdrawal() -> None:
    assert is_withdrawn(REAL)
    assert not is_withdrawn({**REAL, "editorial_note": None})
    assert not is_withdrawn({**REAL, "editorial_note": "The PDF was replaced to correct a table heading."})
    # a null date alone is not a withdrawal: the document stays a public-inspection item
    (item,) = _listed({**REAL, "editorial_note": None}, agency=APHIS)
    assert item.stage == "public_inspection" and item.id.startswith("pi:2017-00854@")


def _on_inspection(number: str = "2021-27406") -> dict[str, Any]:
    return {
        "document_number": number, "title": "Addition of Certain Entities to the Entity List", "type": "Rule",
        "agencies": BIS, "publication_date": "2021-12-17", "filed_at": "2021-12-16T08:45:00.000-05:00",
        "pdf_updated_at": "2021-12-16T08:30:12.000-05:00",
    }  # fmt: skip


def _withdrawn(doc: dict[str, Any]) -> dict[str, Any]:
    return {**doc, "editorial_note": REAL["editorial_note"], "filed_at": None, "publication_date": None}


def test_a_withdrawal_updates_the_story_once_and_renders_as_withdrawn() -> None:
    # Given a story from a document on public inspection
    store = MemoryStore()
    first = ingest(_listed(_on_inspection()), store, now=lambda: NOW)
    (story_id,) = first.stories_created
    # When its withdrawal is listed, twice
    withdrawn = ingest(_listed(_withdrawn(_on_inspection())), store, now=lambda: NOW)
    again = ingest(_listed(_withdrawn(_on_inspection())), store, now=lambda: NOW)
    # Then one material update, and nothing the second time
    assert withdrawn.stories_updated == [story_id] and withdrawn.stored == 1
    assert again.stories_updated == [] and again.already_seen == 1
    story, _rev = store.stories[story_id]
    assert story.version == 2 and story.changes == ("withdrawn before publication",)
    alert = render(story)
    assert alert.subject.startswith("UPDATE: Withdrawn before publication: ")
    assert "Status: Withdrawn from Federal Register public inspection before publication (2021-27406)" in alert.email
    assert "not yet published" not in alert.email


def test_a_withdrawal_of_a_published_or_unknown_document_changes_no_story() -> None:
    # Given a published document's story
    store = MemoryStore()
    published = {**_on_inspection("2021-27407"), "abstract": "BIS adds entities to the Entity List."}
    items, _next, _problems = parse_documents(
        json.dumps({"results": [published]}).encode(), agency="industry-and-security-bureau"
    )
    (story_id,) = ingest(items, store, now=lambda: NOW).stories_created
    # When a withdrawal of it, and of a document never seen, are listed
    report = ingest(
        _listed(_withdrawn(_on_inspection("2021-27407")), _withdrawn(_on_inspection("2021-27408"))),
        store,
        now=lambda: NOW,
    )
    # Then both are remembered, and no story changes
    assert report.irrelevant == 2 and report.stories_updated == []
    assert store.stories[story_id][0].version == 1


def test_lookups_skip_listed_documents_and_stop_when_the_api_fails() -> None:
    # Given three documents due today whose stories are still unpublished, one of them still on the list
    store = MemoryStore()
    today = NOW.date().isoformat()
    docs = [{**_on_inspection(f"2021-2740{n}"), "publication_date": today} for n in (6, 7, 8)]
    for doc in docs:
        doc["html_url"] = f"https://www.federalregister.gov/public-inspection/{doc['document_number']}/x"
    ingest(_listed(*docs), store, now=lambda: NOW)
    asked: list[str] = []

    def fetcher(url: str, **_kwargs: Any) -> Response:
        asked.append(url.rsplit("/", 1)[-1])
        if len(asked) == 1:
            return Response(url, 200, json.dumps(_withdrawn(docs[0])).encode())
        raise FetchError(url, "timeout")

    # When they are looked up
    found = unlisted_withdrawals(store, fetcher=fetcher, base="https://api.example", now=NOW, listed={"2021-27408"})
    # Then the listed one is not asked for, the failure ends the lookups, and the withdrawal is found
    assert asked == ["2021-27406.json", "2021-27407.json"]
    assert [item.id for item in found] == ["wd:2021-27406"]
