"""Settings read from the environment in one place, so logic never touches ``os.environ``."""

from __future__ import annotations

import functools
import json
import os
import re
from dataclasses import dataclass, field


class SettingsError(RuntimeError):
    """A required environment variable is missing or malformed."""


@dataclass(frozen=True)
class Settings:
    """Deployment settings; ``template.yaml`` is the source of every variable."""

    table_name: str
    alerts_topic_arn: str = ""
    chat_topic_arn: str = ""  # set when the stack has a chat topic (Amazon Q Developer in chat applications)
    ops_topic_arn: str = ""  # operations messages (a source gone silent, and back); '' only logs them
    feed_urls: tuple[str, ...] = ()
    federal_register_base: str = "https://www.federalregister.gov/api/v1"
    federal_register_agencies: tuple[str, ...] = ("industry-and-security-bureau",)
    lookback_days: int = 3
    watched_entities: tuple[str, ...] = field(default_factory=tuple)
    allow_loopback: bool = False
    item_ttl_days: int = 400
    max_item_age_days: int = 14
    # -- the Entity List itself as a source (entity_list.poll): the trade.gov Consolidated Screening List CSV, or
    # the eCFR versioner API's base URL (https://www.ecfr.gov/api/versioner/v1) for Supplement No. 4 itself
    entity_list_source: str = "https://data.trade.gov/downloadable_consolidated_screening_list/v1/consolidated.csv"

    @property
    def federal_register_agency(self) -> str:
        """The first agency polled (BIS unless configured otherwise)."""
        return self.federal_register_agencies[0]


def _required(name: str) -> str:
    value = os.environ.get(name, "").strip()
    if not value:
        raise SettingsError(f"environment variable {name} is required")
    return value


def _list(name: str) -> tuple[str, ...]:
    """Read a list given as JSON (``["a","b"]``) or comma-separated text."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return ()
    if raw.startswith("["):
        try:
            values = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise SettingsError(f"{name} is not a JSON list: {exc}") from exc
        return tuple(str(v).strip() for v in values if str(v).strip())
    return tuple(v.strip() for v in raw.split(",") if v.strip())


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise SettingsError(f"{name} must be an integer, got {raw!r}") from exc


_AGENCY_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


def agencies() -> tuple[str, ...]:
    """The Federal Register agency slugs to poll, BIS unless configured otherwise.

    ``FEDERAL_REGISTER_AGENCIES`` (comma-separated or JSON), else the older single ``FEDERAL_REGISTER_AGENCY``.
    A malformed slug is refused here: the API answers 400 to the whole query for one unknown slug.
    """
    found = _list("FEDERAL_REGISTER_AGENCIES") or _list("FEDERAL_REGISTER_AGENCY")
    for slug in found:
        if not _AGENCY_SLUG.fullmatch(slug):
            raise SettingsError(f"{slug!r} is not a Federal Register agency slug (e.g. industry-and-security-bureau)")
    return tuple(dict.fromkeys(found)) or Settings.federal_register_agencies


@functools.cache
def load() -> Settings:
    """Read the settings once per container."""
    return Settings(
        table_name=_required("TABLE_NAME"),
        alerts_topic_arn=os.environ.get("ALERTS_TOPIC_ARN", ""),
        chat_topic_arn=os.environ.get("CHAT_TOPIC_ARN", ""),
        ops_topic_arn=os.environ.get("OPS_TOPIC_ARN", ""),
        feed_urls=_list("FEED_URLS"),
        federal_register_base=os.environ.get("FEDERAL_REGISTER_BASE", Settings.federal_register_base).rstrip("/"),
        federal_register_agencies=agencies(),
        lookback_days=_int("LOOKBACK_DAYS", Settings.lookback_days),
        watched_entities=_list("WATCHED_ENTITIES"),
        allow_loopback=os.environ.get("EXPORTWATCH_ALLOW_LOOPBACK", "") == "1",
        item_ttl_days=_int("ITEM_TTL_DAYS", Settings.item_ttl_days),
        max_item_age_days=_int("MAX_ITEM_AGE_DAYS", Settings.max_item_age_days),
        entity_list_source=os.environ.get("ENTITY_LIST_SOURCE", "").strip() or Settings.entity_list_source,
    )
