"""A document withdrawn from public inspection before publication: one update, once (issue 13, "Withdrawals").

On moto and loopback HTTP, through the real handlers. The rule on public inspection is BIS's 2021-27406
("Addition of Certain Entities to the Entity List", public inspection 16 December 2021); it was published, not
withdrawn. Its withdrawal is built in the shape of a real withdrawal on the API's public-inspection list,
tests/fixtures/federal_register/public_inspection/2017-00854-withdrawn.json (APHIS, January 2017): the same
document number, an editorial note saying so, null ``filed_at`` and ``publication_date``, a new PDF time.
When the list no longer shows it, ``public-inspection-documents/{number}.json`` still answers with that shape.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from exportwatch_cli.demo import local_stack
from exportwatch_cli.local import Route
from tests.helpers import FIXTURES

NUMBER = "2021-27406"
BIS = [
    {"name": "Commerce Department", "slug": "commerce-department"},
    {"name": "Industry and Security Bureau", "slug": "industry-and-security-bureau"},
]
ON_INSPECTION = {
    "document_number": NUMBER, "title": "Addition of Certain Entities to the Entity List", "type": "Rule",
    "agencies": BIS, "publication_date": "2021-12-17", "filed_at": "2021-12-16T08:45:00.000-05:00",
    "pdf_updated_at": "2021-12-16T08:30:12.000-05:00", "filing_type": "regular", "editorial_note": None,
    "html_url": f"https://www.federalregister.gov/public-inspection/{NUMBER}/addition-of-certain-entities",
}  # fmt: skip
REAL = json.loads((FIXTURES / "federal_register" / "public_inspection" / "2017-00854-withdrawn.json").read_text())
WITHDRAWN = {
    **ON_INSPECTION,
    "editorial_note": REAL["editorial_note"].replace("APHIS", "BIS").replace("January 24", "December 17"),
    "filed_at": None,
    "publication_date": None,
    "pdf_updated_at": "2021-12-16T15:02:41.000-05:00",
}
EMPTY_FEED = Route(b"<rss version='2.0'><channel><title>t</title></channel></rss>", "application/rss+xml")
NOTHING = Route(b'{"count": 0, "description": "none"}', "application/json")


def _list(*docs: dict[str, Any]) -> Route:
    return Route(json.dumps({"count": len(docs), "results": list(docs)}).encode(), "application/json")


def test_a_withdrawn_public_inspection_document_sends_one_update_and_never_another() -> None:
    # Given a BIS rule on public inspection, and nothing published
    routes = {
        "/feeds/news.xml": EMPTY_FEED,
        "/api/v1/documents.json": NOTHING,
        "/api/v1/public-inspection-documents/current.json": _list(ON_INSPECTION),
    }
    with local_stack(routes) as stack:
        stack.poll()
        (first,) = stack.inbox()["compliance-team"]
        assert first["kind"] == "new"
        assert "Status: On Federal Register public inspection; not yet published" in first["email"]

        # When the agency withdraws it: the list shows it with the withdrawal note, then the pollers run
        routes["/api/v1/public-inspection-documents/current.json"] = _list(WITHDRAWN)
        stack.poll()
        inbox = stack.inbox()

        # Then every subscriber of the first alert gets exactly one update saying so
        assert {name: len(messages) for name, messages in inbox.items()} == {
            "compliance-team": 1,
            "entity-list-desk": 1,
            "on-call-phone": 1,
        }
        (update,) = inbox["compliance-team"]
        assert update["story_id"] == first["story_id"]
        assert update["kind"] == "update" and update["version"] == first["version"] + 1
        assert update["subject"].startswith("UPDATE: Withdrawn before publication: ")
        assert "What changed: withdrawn before publication" in update["email"]
        assert "not yet published" not in update["email"]
        assert "- Withdrawn: Addition of Certain Entities to the Entity List" in update["email"]
        assert (
            f"Status: Withdrawn from Federal Register public inspection before publication ({NUMBER})"
            in update["email"]
        )
        assert "Withdrawn before publication" in inbox["on-call-phone"][0]["sms"]

        # When the list keeps showing the withdrawal, then drops it, and nothing is published
        stack.poll()
        routes["/api/v1/public-inspection-documents/current.json"] = _list()
        stack.poll()
        # Then nothing more is sent
        assert all(messages == [] for messages in stack.inbox().values())


def test_a_document_first_seen_already_withdrawn_alerts_nobody() -> None:
    # Given a withdrawal on the list of a document this deployment never saw on inspection
    routes = {
        "/feeds/news.xml": EMPTY_FEED,
        "/api/v1/documents.json": NOTHING,
        "/api/v1/public-inspection-documents/current.json": _list(WITHDRAWN),
    }
    with local_stack(routes) as stack:
        # When the pollers run
        result = stack.poll()
        # Then the withdrawal is remembered and nobody is told of a rule that will not be
        assert result["federal_register"]["irrelevant"] == 1
        assert all(messages == [] for messages in stack.inbox().values())


def test_a_withdrawal_the_list_no_longer_shows_is_found_by_looking_the_document_up() -> None:
    # Given two BIS documents on public inspection for yesterday's issue, alerted
    yesterday = (datetime.now(UTC).date() - timedelta(days=1)).isoformat()
    kept = {**ON_INSPECTION, "publication_date": yesterday}
    late = {
        **kept,
        "document_number": "2021-27407",
        "title": "Revision of Entries on the Entity List",
        "html_url": "https://www.federalregister.gov/public-inspection/2021-27407/revision-of-entries",
    }
    routes: dict[str, Any] = {
        "/feeds/news.xml": EMPTY_FEED,
        "/api/v1/documents.json": NOTHING,
        "/api/v1/public-inspection-documents/current.json": _list(kept, late),
        # what the API keeps of each document once it has left the list
        f"/api/v1/public-inspection-documents/{NUMBER}.json": _one({**WITHDRAWN}),
        "/api/v1/public-inspection-documents/2021-27407.json": _one(late),  # not withdrawn: published late, say
    }
    with local_stack(routes) as stack:
        stack.poll()
        assert len(stack.inbox()["compliance-team"]) == 2
        # When the day passed while the poller was down: the list no longer shows them, and nothing was published
        routes["/api/v1/public-inspection-documents/current.json"] = _list()
        stack.server.requests.clear()
        stack.poll()
        # Then each is looked up once, and only the withdrawn one sends its update
        assert sorted(_lookups(stack.server.requests)) == ["2021-27406", "2021-27407"]
        (update,) = stack.inbox()["compliance-team"]
        assert update["subject"].startswith("UPDATE: Withdrawn before publication: ")
        # When the list changes again: the withdrawn one is not looked up any more, and nothing is sent
        routes["/api/v1/public-inspection-documents/current.json"] = _list({**kept, "agencies": []})
        stack.server.requests.clear()
        stack.poll()
        assert _lookups(stack.server.requests) == ["2021-27407"]
        assert all(messages == [] for messages in stack.inbox().values())


def _one(doc: dict[str, Any]) -> Route:
    return Route(json.dumps(doc).encode(), "application/json")


def _lookups(requests: list[tuple[str, dict[str, str]]]) -> list[str]:
    prefix = "/api/v1/public-inspection-documents/"
    return [
        path[len(prefix) : -len(".json")] for path, _ in requests if path.startswith(prefix) and "current" not in path
    ]
