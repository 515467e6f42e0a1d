"""The Federal Register API: the query for BIS documents and public inspection, and JSON -> items.

Published documents are official; public inspection shows them a day before publication. Both
carry the document number, which is how a published rule joins the story its public-inspection
copy (or the news) started.
"""

from __future__ import annotations

import json
import re
import urllib.parse
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from exportwatch.models import Item
from exportwatch.sources.urls import safe_url
from exportwatch.sources.withdrawals import is_withdrawn
from exportwatch.text import plain_text

DOCUMENT_FIELDS: tuple[str, ...] = (
    "document_number", "title", "type", "action", "abstract", "publication_date", "effective_on", "agencies",
    "html_url", "citation", "cfr_references", "comments_close_on", "dates", "correction_of",
    "full_text_xml_url", "body_html_url", "raw_text_url",
)  # fmt: skip
# Where a document's full text is, best first: the XML keeps the table's structure, the body HTML its cells, the
# raw text only lines. A public-inspection document has raw text (and a PDF, which is not read).
_TEXT_FIELDS = {
    "published": ("full_text_xml_url", "body_html_url", "raw_text_url"),
    "public_inspection": ("raw_text_url",),
}
_VERSION_CHARS = re.compile(r"\D")
_DOC_NUMBER = re.compile(r"^(?:C\d-)?[A-Z]?\d{1,4}-\d{3,6}$")


class ResponseError(ValueError):
    """A Federal Register API response that is not the documented shape."""


def _slugs(agency: str | Sequence[str]) -> tuple[str, ...]:
    return (agency,) if isinstance(agency, str) else tuple(agency)


def documents_url(
    base: str,
    agency: str | Sequence[str],
    since: date,
    *,
    until: date | None = None,
    per_page: int = 100,
    order: str = "newest",
) -> str:
    """The search for the agencies' documents published on or after ``since`` (and up to ``until``), newest first.

    Several agencies are one query: the API ORs repeated ``conditions[agencies][]``.
    """
    params: list[tuple[str, str]] = [("conditions[agencies][]", slug) for slug in _slugs(agency)]
    params += [("conditions[publication_date][gte]", since.isoformat())]
    params += [("conditions[publication_date][lte]", until.isoformat())] if until else []
    params += [("order", order), ("per_page", str(per_page))]
    params += [("fields[]", f) for f in DOCUMENT_FIELDS]
    return f"{base}/documents.json?{urllib.parse.urlencode(params)}"


def public_inspection_url(base: str) -> str:
    """Today's public inspection list (no pagination; filtered by agency on our side)."""
    return f"{base}/public-inspection-documents/current.json"


def _agency_names(raw: Any) -> tuple[str, ...]:
    names = []
    for agency in raw or []:
        if isinstance(agency, dict):
            name = agency.get("name") or agency.get("raw_name") or ""
            if name:
                names.append(str(name))
        elif isinstance(agency, str):
            names.append(agency)
    return tuple(names)


def _is_agency(doc: dict[str, Any], agency: str | Sequence[str]) -> bool:
    slugs = _slugs(agency)
    bis = "industry-and-security-bureau" in slugs  # BIS also by name: public inspection may give no slug
    for entry in doc.get("agencies") or []:
        if isinstance(entry, dict) and (
            entry.get("slug") in slugs
            or (bis and "industry and security" in str(entry.get("name") or entry.get("raw_name") or "").lower())
        ):
            return True
    return False


def document_item(doc: dict[str, Any], *, stage: str = "published", feed: str = "") -> Item:
    """One API document (published or on public inspection) as an item.

    Raises
    ------
    ResponseError
        When the document has no valid document number or title.
    """
    number = str(doc.get("document_number") or "").strip()
    if stage == "public_inspection" and is_withdrawn(doc):
        stage = "withdrawn"  # one item per withdrawal (no filing version): it updates the document's story once
    if not _DOC_NUMBER.match(number):
        raise ResponseError(f"document without a valid document_number: {number!r}")
    title = plain_text(str(doc.get("title") or doc.get("toc_doc") or doc.get("toc_subject") or ""), max_chars=1000)
    if not title:
        raise ResponseError(f"document {number} has no title")
    abstract = plain_text(str(doc.get("abstract") or ""))
    action = plain_text(str(doc.get("action") or ""), max_chars=300)
    cfr = tuple(
        int(r["part"])
        for r in doc.get("cfr_references") or []
        if isinstance(r, dict) and str(r.get("part", "")).isdigit()
    )
    published = str(doc.get("publication_date") or doc.get("filed_at") or "")[:10]
    version = _pi_version(doc) if stage == "public_inspection" else ""
    return Item(
        # A public-inspection document filed again (a corrected PDF) is a new item of the same story, so its
        # text is read again; the same filing seen on two days' lists stays one item.
        id={"published": "fr:", "withdrawn": "wd:"}.get(stage, "pi:") + number + (f"@{version}" if version else ""),
        title=title,
        text=abstract,
        source="federal_register",
        url=safe_url(str(doc.get("html_url") or doc.get("pdf_url") or "")),
        published=published,
        type=str(doc.get("type") or ""),
        agencies=_agency_names(doc.get("agencies")),
        document_number=number,
        citation=str(doc.get("citation") or ""),
        stage=stage,
        feed=feed,
        action=action,
        cfr_parts=cfr,
        effective_on=str(doc.get("effective_on") or ""),
        comments_close_on=str(doc.get("comments_close_on") or ""),
        text_urls=tuple(url for url in (safe_url(str(doc.get(f) or "")) for f in _TEXT_FIELDS.get(stage, ())) if url),
        text_version=version,
    )


def _pi_version(doc: dict[str, Any]) -> str:
    """Which filing of a public-inspection document this is: the digits of its PDF's update time ('' if none)."""
    return _VERSION_CHARS.sub("", str(doc.get("pdf_updated_at") or ""))[:14]


def parse_documents(
    body: bytes, *, agency: str | Sequence[str], stage: str = "published", feed: str = ""
) -> tuple[list[Item], str, list[str]]:
    """Parse a ``documents.json`` or public-inspection response.

    Returns
    -------
    tuple
        The items of ``agency`` (one slug or several), the ``next_page_url`` ('' at the end) and one message per
        document that could not be used (the others are kept).

    Raises
    ------
    ResponseError
        When the body is not JSON, or is an API error object.
    """
    try:
        data = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ResponseError(f"not JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise ResponseError("response is not a JSON object")
    if data.get("errors") and not data.get("results"):
        raise ResponseError(f"API error: {json.dumps(data['errors'])[:200]}")
    results = data.get("results") or []  # zero matches: no "results" key at all
    if not isinstance(results, list):
        raise ResponseError("'results' is not a list")
    items: list[Item] = []
    problems: list[str] = []
    for doc in results:
        if not isinstance(doc, dict):
            problems.append("result is not an object")
            continue
        if stage == "public_inspection" and not _is_agency(doc, agency):
            continue
        try:
            items.append(document_item(doc, stage=stage, feed=feed))
        except ResponseError as exc:
            problems.append(str(exc))
    next_url = data.get("next_page_url") or ""
    return items, str(next_url), problems


def citations(texts: Iterable[str]) -> list[str]:
    """Federal Register citations ("84 FR 64018") named in ``texts``, normalized."""
    found: dict[str, None] = {}
    for text in texts:
        for match in re.finditer(r"\b(\d{2,3})\s*F\.?\s?R\.?\s*(\d{3,6})\b", text):
            found.setdefault(f"{match.group(1)} FR {match.group(2)}", None)
    return list(found)
