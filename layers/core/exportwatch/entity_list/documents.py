"""An Entity List rule's full text -> its entries, fetched once per document version and remembered in the table.

Why: the API's abstract says "29 entities added"; the text says who. The text is fetched with the poller's bounded
fetcher (timeouts, size cap, SSRF guard) from the URLs the API gives, best format first, and only from the
Federal Register's own hosts (or the API's origin, which tests point at a loopback server). A document whose
text was read is not fetched again, unless it is a new version: a public-inspection document filed again, or the
published document after its public-inspection copy.
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Callable, Sequence
from datetime import datetime

from aws_lambda_powertools import Logger

from exportwatch.entity_list.rule_text import parse_entries
from exportwatch.models import Item, RuleText
from exportwatch.ports import RuleTextStore
from exportwatch.sources.fetch import FetchError, Response

logger = Logger(child=True)
TEXT_MAX_BYTES = 8 * 1024 * 1024  # the largest Entity List rules (hundreds of entries) are 1-3 MB of XML
_HOSTS = ("federalregister.gov", "govinfo.gov")
_ACCEPT = "application/xml, text/html;q=0.9, text/plain;q=0.8, */*;q=0.1"


def names_entries(labels: Sequence[str]) -> bool:
    """Whether an item with these labels is an Entity List action, whose text names parties."""
    return any(label.startswith("entity_list.") for label in labels)


def text_version(item: Item) -> str:
    """The version of a document's text: its public-inspection filing, or ``published``."""
    if item.official:
        return "published"
    return "pi:" + item.text_version if item.text_version else "pi"


def allowed_text_url(url: str, base: str) -> bool:
    """A full-text URL the poller may fetch: https on a Federal Register host, or the API's own origin."""
    parts, origin = urllib.parse.urlsplit(url), urllib.parse.urlsplit(base)
    if (parts.scheme, parts.netloc) == (origin.scheme, origin.netloc):
        return True
    host = (parts.hostname or "").lower()
    return parts.scheme == "https" and any(host == h or host.endswith("." + h) for h in _HOSTS)


def read_rule_text(
    item: Item,
    store: RuleTextStore,
    *,
    fetcher: Callable[..., Response],
    base: str,
    now: Callable[[], datetime],
) -> RuleText | None:
    """The entries of an Entity List document's text: remembered, else fetched, parsed and remembered.

    Returns None when no URL of the document could be fetched (each failure is logged): the alert then goes
    out without names, as before, rather than not at all. ``StoreError`` propagates.
    """
    if not item.document_number or not item.text_urls:
        return None
    version = text_version(item)
    known = store.rule_text(item.document_number)
    if known is not None and known.version == version:
        return known
    for url in item.text_urls:
        if not allowed_text_url(url, base):
            logger.warning("rule text URL not on a Federal Register host", extra={"document": item.document_number})
            continue
        try:
            response = fetcher(url, accept=_ACCEPT, max_bytes=TEXT_MAX_BYTES)
        except FetchError as exc:
            logger.warning("rule text fetch failed", extra={"document": item.document_number, "reason": exc.reason})
            continue
        entries = tuple(parse_entries(response.body.decode("utf-8", errors="replace")))
        text = RuleText(
            document_number=item.document_number,
            version=version,
            url=url,
            entries=entries,
            fetched_at=now().isoformat(timespec="seconds"),
            total=len(entries),
        )
        store.put_rule_text(text)
        logger.info("rule text read", extra={"document": item.document_number, "entries": len(entries)})
        return text
    return None
