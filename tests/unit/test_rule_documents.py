"""A document's full text: fetched once per version from Federal Register hosts, parsed, remembered; alerts name it.

The fetcher is a fake that serves the real rule texts in tests/fixtures/entity_list/ (no sockets in unit tests).
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from exportwatch.alerts.render import MESSAGE_BUDGET, SMS_MAX, render
from exportwatch.entity_list.documents import allowed_text_url, read_rule_text
from exportwatch.entity_list.rule_text import parse_entries
from exportwatch.models import Entry, Item
from exportwatch.sources.federal_register import parse_documents
from exportwatch.sources.fetch import FetchError, Response
from exportwatch.stories.cluster import analyse, new_story
from exportwatch.stories.ingest import ingest
from exportwatch_cli.memory import MemoryStore
from tests.helpers import FIXTURES

BASE = "https://www.federalregister.gov/api/v1"
TEXT = "https://www.federalregister.gov/documents/full_text"
RULE = FIXTURES / "entity_list"


def clock() -> datetime:
    return datetime(2021, 12, 17, 9, tzinfo=UTC)


class FakeFetcher:
    """Serves fixture bodies by URL and records what was asked; anything else fails like a 404."""

    def __init__(self, bodies: dict[str, bytes]) -> None:
        self.bodies = bodies
        self.asked: list[str] = []

    def __call__(self, url: str, **_options: object) -> Response:
        self.asked.append(url)
        if url not in self.bodies:
            raise FetchError(url, "http_404", "not found")
        return Response(url=url, status=200, body=self.bodies[url])


def rule_item(*, stage: str = "published", version: str = "", urls: tuple[str, ...] = ()) -> Item:
    return Item(
        id=("fr:" if stage == "published" else "pi:") + "2021-27406" + (f"@{version}" if version else ""),
        title="Addition of Certain Entities to the Entity List",
        source="federal_register",
        stage=stage,
        document_number="2021-27406",
        published="2021-12-17",
        agencies=("Industry and Security Bureau",),
        text_urls=urls or (f"{TEXT}/xml/2021-27406.xml", f"{TEXT}/text/2021-27406.txt"),
        text_version=version,
    )


def test_api_documents_carry_their_text_urls_and_a_refiled_inspection_copy_is_a_new_item() -> None:
    # Given a documents.json result and a public-inspection result for the same rule
    published = {"document_number": "2021-27406", "title": "Addition of Certain Entities to the Entity List",
                 "full_text_xml_url": f"{TEXT}/xml/2021-27406.xml", "body_html_url": f"{TEXT}/html/2021-27406.html",
                 "raw_text_url": f"{TEXT}/text/2021-27406.txt"}  # fmt: skip
    inspection = {**published, "pdf_updated_at": "2021-12-16T08:30:12.000-05:00",
                  "agencies": [{"slug": "industry-and-security-bureau"}]}  # fmt: skip
    # When
    [doc], _, _ = parse_documents(json.dumps({"results": [published]}).encode(), agency="industry-and-security-bureau")
    [pi], _, _ = parse_documents(
        json.dumps({"results": [inspection]}).encode(), agency="industry-and-security-bureau", stage="public_inspection"
    )
    # Then XML first for the published rule; raw text (not the PDF) for the inspection copy, whose id has its filing
    assert doc.text_urls == (
        f"{TEXT}/xml/2021-27406.xml",
        f"{TEXT}/html/2021-27406.html",
        f"{TEXT}/text/2021-27406.txt",
    )
    assert pi.text_urls == (f"{TEXT}/text/2021-27406.txt",)
    assert pi.id == "pi:2021-27406@20211216083012"


def test_text_is_fetched_once_per_version_and_falls_back_to_the_next_format() -> None:
    # Given the XML unreachable and the raw text served
    fetcher = FakeFetcher({f"{TEXT}/text/2021-27406.txt": (RULE / "2021-27406.txt").read_bytes()})
    store = MemoryStore()
    # When the published document is read twice
    first = read_rule_text(rule_item(), store, fetcher=fetcher, base=BASE, now=clock)
    again = read_rule_text(rule_item(), store, fetcher=fetcher, base=BASE, now=clock)
    # Then the raw text gave the 40 entries, fetched once
    assert first is not None and again == first
    assert len(first.entries) == first.total == 40
    assert fetcher.asked == [f"{TEXT}/xml/2021-27406.xml", f"{TEXT}/text/2021-27406.txt"]


def test_a_new_inspection_filing_is_fetched_again_and_failure_remembers_nothing() -> None:
    # Given the text read for one public-inspection filing
    fetcher = FakeFetcher({f"{TEXT}/text/2021-27406.txt": (RULE / "2021-27406.txt").read_bytes()})
    store = MemoryStore()
    urls = (f"{TEXT}/text/2021-27406.txt",)
    read_rule_text(
        rule_item(stage="public_inspection", version="1", urls=urls), store, fetcher=fetcher, base=BASE, now=clock
    )
    read_rule_text(
        rule_item(stage="public_inspection", version="1", urls=urls), store, fetcher=fetcher, base=BASE, now=clock
    )
    # When the document is filed again, then its text is gone
    read_rule_text(
        rule_item(stage="public_inspection", version="2", urls=urls), store, fetcher=fetcher, base=BASE, now=clock
    )
    fetched = fetcher.asked.count(urls[0])
    fetcher.bodies.clear()
    failed = read_rule_text(rule_item(), store, fetcher=fetcher, base=BASE, now=clock)
    # Then the second filing was fetched again, and a failed fetch keeps the last text read
    assert fetched == 2
    assert failed is None
    text = store.rule_text("2021-27406")
    assert text is not None and text.version == "pi:2"


@pytest.mark.parametrize(
    ("url", "allowed"),
    [
        (f"{TEXT}/xml/2021-27406.xml", True),
        ("https://public-inspection.federalregister.gov/2021-27406.pdf", True),
        ("https://www.govinfo.gov/content/pkg/FR-2021-12-17/html/2021-27406.htm", True),
        ("http://www.federalregister.gov/documents/full_text/xml/2021-27406.xml", False),
        ("https://federalregister.gov.evil.example/x.xml", False),
        ("https://169.254.169.254/latest/meta-data/", False),
    ],
)
def test_text_urls_are_fetched_only_from_federal_register_hosts(url: str, allowed: bool) -> None:
    assert allowed_text_url(url, BASE) is allowed


def test_ingest_puts_the_entries_on_the_story_and_publication_replaces_the_inspection_copy() -> None:
    # Given the rule on public inspection (raw text), then published (XML)
    fetcher = FakeFetcher({
        f"{TEXT}/text/2021-27406.txt": (RULE / "2021-27406.txt").read_bytes(),
        f"{TEXT}/xml/2021-27406.xml": (RULE / "2021-27406.xml").read_bytes(),
    })  # fmt: skip
    store = MemoryStore()

    def texts(item: Item):  # the poller binds read_rule_text like this
        return read_rule_text(item, store, fetcher=fetcher, base=BASE, now=clock)

    pi = rule_item(stage="public_inspection", version="1", urls=(f"{TEXT}/text/2021-27406.txt",))
    # When
    first = ingest([pi], store, now=clock, texts=texts)
    published = ingest([replace(rule_item(), citation="86 FR 71557")], store, now=clock, texts=texts)
    # Then one story, version 2, entries from the published XML
    [story_id] = first.stories_created
    assert published.stories_updated == [story_id]
    story, _rev = store.stories[story_id]
    assert story.version == 2
    assert story.entries_source == "fr:2021-27406"
    assert story.entries == tuple(parse_entries((RULE / "2021-27406.xml").read_text(encoding="utf-8")))


def _story_with(entries: tuple[Entry, ...]):
    analysis = analyse(rule_item())
    return replace(new_story(analysis, now="2021-12-17T09:00:00+00:00"), entries=entries,
                   entries_source="fr:2021-27406", entries_total=len(entries))  # fmt: skip


def test_alert_groups_entries_by_country_and_sms_fits_one_segment_with_the_short_link() -> None:
    # Given a story with the rule's 40 entries
    entries = tuple(parse_entries((RULE / "2021-27406.xml").read_text(encoding="utf-8")))
    # When
    alert = render(_story_with(entries))
    # Then
    assert alert.sms.endswith(" https://www.federalregister.gov/d/2021-27406")
    assert len(alert.sms) <= SMS_MAX
    assert "+" in alert.sms  # "+N" for the names that did not fit
    email = alert.email
    assert email.index("China (34):") < email.index("Georgia (3):") < email.index("Malaysia (1):")
    assert (
        "- added: China Electronics Technology Group Corporation 52nd Research Institute (also: CETC 52; "
        "CETHIK Group; China Electronics Technology HIK Group Co., Ltd.)" in email
    )
    assert alert.to_json()["entries"] == [entry.to_json() for entry in entries]
    assert "Gensis Engineering" in alert.entities and len(alert.attributes()["entities"]["StringValue"]) < 2000


def test_hundreds_of_entries_keep_the_message_under_the_sns_limit() -> None:
    # Given 1,500 entries with long address lists (a large rule)
    big = tuple(
        Entry("add", f"Entity {n} Trading Co., Ltd.", "Russia", (f"Alias {n}",), tuple(f"{k} Long Street, Moscow" * 3
              for k in range(6)), "For all items subject to the EAR", "Policy of denial", "89 FR 1, 1/1/24")
        for n in range(1500)
    )  # fmt: skip
    # When
    alert = render(_story_with(big))
    message = alert.message_structure()
    # Then the whole message fits, the e-mail says how many more, the JSON says how many there are
    assert len(json.dumps(message, ensure_ascii=False).encode()) <= MESSAGE_BUDGET  # as aws.sender sends it
    machine = json.loads(message["sqs"])
    assert machine["entries_total"] == 1500 and machine["entries_cut"] is True and 0 < len(machine["entries"]) < 1500
    assert "... and " in alert.email and "more: every entry is in the rule" in alert.email
