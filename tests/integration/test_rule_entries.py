"""An Entity List rule's entries in the pipeline, on moto and loopback HTTP.

A rule on public inspection alerts once, naming its entries (read from its raw text); its publication the next
day adds "now official" without a second full alert, its full-text XML read once; polling again reads nothing.

The API answers are built here around the real rule 2021-27406 (86 FR 71557, "Addition of Certain Entities to
the Entity List", public inspection 16 December 2021, published 17 December 2021): the number, title, citation
and dates are the rule's; the abstract is the standard wording of such rules, not this rule's own. The texts are
the fixtures in tests/fixtures/entity_list/ (see the README there).
"""

from __future__ import annotations

import json
from http.server import BaseHTTPRequestHandler

from exportwatch_cli.demo import local_stack
from exportwatch_cli.local import Route
from tests.helpers import FIXTURES

NUMBER = "2021-27406"
BIS = [
    {"name": "Commerce Department", "slug": "commerce-department"},
    {"name": "Industry and Security Bureau", "slug": "industry-and-security-bureau"},
]
TITLE = "Addition of Certain Entities to the Entity List"
TEXTS = {
    f"/text/{NUMBER}.txt": (FIXTURES / "entity_list" / f"{NUMBER}.txt").read_bytes(),
    f"/text/{NUMBER}.xml": (FIXTURES / "entity_list" / f"{NUMBER}.xml").read_bytes(),
}


def _base(handler: BaseHTTPRequestHandler) -> str:
    return f"http://127.0.0.1:{handler.server.server_address[1]}"


def _public_inspection(handler: BaseHTTPRequestHandler) -> Route:
    doc = {
        "document_number": NUMBER, "title": TITLE, "type": "Rule", "agencies": BIS,
        "publication_date": "2021-12-17", "filed_at": "2021-12-16T08:45:00.000-05:00",
        "pdf_updated_at": "2021-12-16T08:30:12.000-05:00",
        "raw_text_url": f"{_base(handler)}/text/{NUMBER}.txt",
        "pdf_url": f"{_base(handler)}/pdf/{NUMBER}.pdf",
    }  # fmt: skip
    return Route(json.dumps({"count": 1, "results": [doc]}).encode(), "application/json")


def _published(handler: BaseHTTPRequestHandler) -> Route:
    doc = {
        "document_number": NUMBER, "title": TITLE, "type": "Rule", "agencies": BIS,
        "abstract": "In this rule, the Bureau of Industry and Security (BIS) amends the Export Administration "
        "Regulations (EAR) by adding 37 entities to the Entity List under the destinations of China, Georgia, "
        "Malaysia and Turkey.",
        "publication_date": "2021-12-17", "effective_on": "2021-12-17", "citation": "86 FR 71557",
        "html_url": f"https://www.federalregister.gov/documents/2021/12/17/{NUMBER}/addition-of-certain-entities",
        "full_text_xml_url": f"{_base(handler)}/text/{NUMBER}.xml",
        "body_html_url": f"{_base(handler)}/text/missing.html",
        "raw_text_url": f"{_base(handler)}/text/{NUMBER}.txt",
    }  # fmt: skip
    return Route(json.dumps({"count": 1, "results": [doc]}).encode(), "application/json")


def _empty(_handler: BaseHTTPRequestHandler) -> Route:
    return Route(b'{"count": 0, "description": "none"}', "application/json")


def _text_fetches(requests: list[tuple[str, dict[str, str]]]) -> list[str]:
    return [path for path, _headers in requests if path.startswith("/text/")]


def test_rule_on_inspection_alerts_once_with_its_entries_and_publication_only_adds_now_official() -> None:
    # Given a day with the rule on public inspection and nothing published yet
    routes = {
        "/feeds/news.xml": Route(
            b"<rss version='2.0'><channel><title>t</title></channel></rss>", "application/rss+xml"
        ),
        "/api/v1/documents.json": _empty,
        "/api/v1/public-inspection-documents/current.json": _public_inspection,
        **{path: Route(body, "text/plain; charset=utf-8") for path, body in TEXTS.items()},
    }
    with local_stack(routes) as stack:
        # When the pollers run
        stack.poll()
        first = stack.inbox()
        # Then every subscriber gets one alert naming the entries
        assert {name: len(messages) for name, messages in first.items()} == {
            "compliance-team": 1,
            "entity-list-desk": 1,
            "on-call-phone": 1,
        }
        alert = first["compliance-team"][0]
        assert alert["subject"] == "40 entries (China, Georgia, Malaysia, Turkey) added to the Entity List"
        assert len(alert["entries"]) == alert["entries_total"] == 40
        assert "Entries named by the rule (40): https://www.federalregister.gov/d/2021-27406" in alert["email"]
        assert (
            "- added: Academy of Military Medical Sciences (also: AMMS); review policy: Presumption of denial"
            in (alert["email"])
        )
        assert "Georgia (3):" in alert["email"]
        sms = first["on-call-phone"][0]["sms"]
        assert len(sms) <= 160
        assert sms.endswith(" https://www.federalregister.gov/d/2021-27406")
        assert "Academy of Military Medical Sciences" in sms
        assert _text_fetches(stack.server.requests) == [f"/text/{NUMBER}.txt"]

        # Given the rule published the next day (public inspection still listing it)
        routes["/api/v1/documents.json"] = _published
        # When the pollers run again
        stack.poll()
        second = stack.inbox()
        # Then one short update says it is official; the entries are not listed a second time
        update = second["compliance-team"]
        assert len(update) == 1
        assert update[0]["subject"].startswith("UPDATE: ")
        assert "now official: Federal Register 2021-27406 (86 FR 71557)" in update[0]["email"]
        assert "Entries named by the rule: 40 (China 34, Georgia 3, Malaysia 1, Turkey 2)" in update[0]["email"]
        assert "- added:" not in update[0]["email"]
        assert len(update[0]["entries"]) == 40  # machine subscribers still get every entry, now from the XML
        assert {e["citation"] for e in update[0]["entries"]} == {"86 FR 71557, 12/17/21"}
        assert _text_fetches(stack.server.requests) == [f"/text/{NUMBER}.txt", f"/text/{NUMBER}.xml"]

        # When the pollers run a third time
        stack.poll()
        # Then nothing is sent and no text is fetched again
        assert all(not messages for messages in stack.inbox().values())
        assert len(_text_fetches(stack.server.requests)) == 2
