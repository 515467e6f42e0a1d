"""Values that cross module boundaries: items in, classifications and stories out."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

LABELS: tuple[str, ...] = (
    "entity_list.addition",
    "entity_list.removal",
    "entity_list.revision",
    "license.decision",
    "license.policy",
    "extension",
    "other_export_control",
)


class InputError(ValueError):
    """An input record cannot be turned into an item; the message says why."""


@dataclass(frozen=True, slots=True)
class Item:
    """One normalized document: a news entry or a Federal Register document.

    ``id`` is the identity key (FR document number, feed GUID or canonical URL) that makes a
    re-seen item recognisable; ``stage`` tells a published FR document from one on public
    inspection, so the published one can confirm a story first seen elsewhere.
    """

    id: str
    title: str
    text: str = ""
    source: str = "news"
    url: str = ""
    published: str = ""
    type: str = ""
    agencies: tuple[str, ...] = ()
    document_number: str = ""
    citation: str = ""
    stage: str = "news"
    feed: str = ""
    action: str = ""
    cfr_parts: tuple[int, ...] = ()
    effective_on: str = ""
    comments_close_on: str = ""
    text_urls: tuple[str, ...] = ()  # the document's full text, in the order to try (XML, HTML, raw text)
    text_version: str = ""  # changes when a public-inspection document is filed again

    @property
    def fingerprint(self) -> str:
        """What the item says (title and text): a changed fingerprint under a known id is an update in place."""
        return hashlib.sha256(f"{self.title}\n{self.text}".encode("utf-8", "surrogatepass")).hexdigest()[:24]

    @property
    def official(self) -> bool:
        """A document published in the Federal Register (not news, not public inspection)."""
        return self.source == "federal_register" and self.stage == "published"

    @classmethod
    def from_json(cls, data: Any) -> Item:
        """Build an item from the CLI's JSON shape; unknown keys are ignored.

        Raises
        ------
        InputError
            When the record is not an object or lacks an ``id`` or any text.
        """
        if not isinstance(data, dict):
            raise InputError("item must be a JSON object")
        item_id = data.get("id")
        if not isinstance(item_id, str) or not item_id.strip():
            raise InputError("item needs a non-empty string 'id'")
        title = data.get("title") or ""
        text = data.get("text") or ""
        if not isinstance(title, str) or not isinstance(text, str):
            raise InputError("'title' and 'text' must be strings")
        source = data.get("source") or "news"
        if source not in ("news", "federal_register"):
            raise InputError("'source' must be 'news' or 'federal_register'")
        agencies = data.get("agencies") or ()
        if not isinstance(agencies, list | tuple):
            raise InputError("'agencies' must be a list of strings")
        stage = data.get("stage") or ("published" if source == "federal_register" else "news")
        return cls(
            id=item_id.strip(),
            title=title,
            text=text,
            source=source,
            url=str(data.get("url") or ""),
            published=str(data.get("published") or "")[:10],
            type=str(data.get("type") or ""),
            agencies=tuple(str(a) for a in agencies),
            document_number=str(data.get("document_number") or (item_id if source == "federal_register" else "")),
            citation=str(data.get("citation") or ""),
            stage=str(stage),
            feed=str(data.get("feed") or ""),
            action=str(data.get("action") or ""),
            effective_on=str(data.get("effective_on") or ""),
            comments_close_on=str(data.get("comments_close_on") or ""),
        )


@dataclass(frozen=True, slots=True)
class Entry:
    """One Entity List entry that a rule adds, removes or revises.

    Attributes
    ----------
    action : str
        ``"add"``, ``"remove"`` or ``"revise"``.
    name : str
        The entry's name as listed.
    country : str
        Readable country name, ``""`` when unknown.
    aliases : tuple of str
        Other names listed after ``a.k.a.``.
    addresses : tuple of str
        One item per address.
    license_requirement, license_policy, citation : str or None
        The table's columns, ``None`` when the text does not give them.
    """

    action: str
    name: str
    country: str = ""
    aliases: tuple[str, ...] = ()
    addresses: tuple[str, ...] = ()
    license_requirement: str | None = None
    license_policy: str | None = None
    citation: str | None = None

    def to_json(self) -> dict[str, Any]:
        """Return the ``exportwatch entries`` JSON object: exactly eight keys, in contract order."""
        return {
            "action": self.action,
            "name": self.name,
            "aliases": list(self.aliases),
            "country": self.country,
            "addresses": list(self.addresses),
            "license_requirement": self.license_requirement,
            "license_policy": self.license_policy,
            "citation": self.citation,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Entry:
        """The inverse of :meth:`to_json` (what the table and the alert JSON hold)."""
        return cls(
            action=str(data.get("action") or ""),
            name=str(data.get("name") or ""),
            country=str(data.get("country") or ""),
            aliases=tuple(str(a) for a in data.get("aliases") or ()),
            addresses=tuple(str(a) for a in data.get("addresses") or ()),
            license_requirement=_optional(data.get("license_requirement")),
            license_policy=_optional(data.get("license_policy")),
            citation=_optional(data.get("citation")),
        )


def _optional(value: Any) -> str | None:
    return None if value is None else str(value)


@dataclass(frozen=True, slots=True)
class Evidence:
    """The sentence or title span that supports one label."""

    label: str
    text: str


@dataclass(frozen=True, slots=True)
class Classification:
    """What an item is about: labels (none = not relevant) with evidence, parties and dates."""

    labels: tuple[str, ...] = ()
    severity: str | None = None
    entities: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    dates: dict[str, str] = field(default_factory=dict)
    evidence: tuple[Evidence, ...] = ()
    aliases: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # The parties named where the action is stated (title and evidence), or all when those name none: what a
    # story keeps and joins on. ``entities`` adds those the rest of the lede names ("... against Aeroflot, Utair
    # and Azur Air"); joining on them would join stories through a party a lede mentions in passing.
    stated: tuple[str, ...] = ()

    @property
    def relevant(self) -> bool:
        """An item with no label is not an export-control action."""
        return bool(self.labels)

    def to_json(self, item_id: str) -> dict[str, Any]:
        """Return the CLI's classification shape (ARCHITECTURE.md)."""
        return {
            "id": item_id,
            "labels": list(self.labels),
            "severity": self.severity,
            "entities": list(self.entities),
            "countries": list(self.countries),
            "dates": dict(self.dates),
            "evidence": [{"label": e.label, "text": e.text} for e in self.evidence],
            "aliases": {name: list(forms) for name, forms in self.aliases.items()},
        }


@dataclass(frozen=True, slots=True)
class StoryItem:
    """One item as a story lists it.

    ``follows``: an unlabelled report recorded silently (a reaction); it never widens the story's days.
    """

    id: str
    title: str
    url: str
    source: str
    published: str
    stage: str
    follows: bool = False


@dataclass(frozen=True, slots=True)
class EarlierAlert:
    """An earlier story that a new one may repeat, as its alert names it (``stories.cluster.earlier_alerts``)."""

    story_id: str
    title: str
    published: str


WITHDRAWN = "withdrawn before publication"
"""The change a story's update names when its public-inspection document is withdrawn (``stories.withdrawals``)."""
NEW_LABEL = "new label: "
"""How a story's update records a label it gained, before the label key; alerts put the label in words."""


@dataclass(frozen=True, slots=True)
class Story:
    """One real-world event and every item that reported it.

    ``version`` counts alerts: 1 when the story is created, +1 on each material change
    (now official, new label, new or changed deadline). Extra articles leave it unchanged.
    """

    story_id: str
    title: str
    labels: tuple[str, ...]
    severity: str | None
    entities: tuple[str, ...]
    countries: tuple[str, ...]
    dates: dict[str, str]
    evidence: tuple[Evidence, ...]
    sources: tuple[StoryItem, ...]
    keys: tuple[str, ...]
    first_seen: str
    last_seen: str
    published: str
    official: bool
    version: int = 1
    changes: tuple[str, ...] = ()
    signature: tuple[int, ...] = ()
    summary: str = ""
    aliases: dict[str, tuple[str, ...]] = field(default_factory=dict)
    entries: tuple[Entry, ...] = ()  # the parties its Entity List rule names, read from the rule's full text
    entries_source: str = ""  # the item whose text gave them (``pi:...`` is replaced by the published ``fr:...``)
    entries_total: int = 0  # how many the text named (more than ``entries`` when the record had to be cut)
    # Versions up to this one were written by a backfill of history: recorded, never alerted. A later
    # material change (a higher version) alerts as usual.
    quiet_version: int = 0
    # The parties its reports name where their action is stated (``Classification.stated``): what later reports
    # join on. ``entities`` holds every party they name, shown in the alert and screened against watchlists.
    stated: tuple[str, ...] = ()
    # Earlier alerts this story may repeat, found when it was created: a later report of their action kept
    # apart, since joined it would hide a new action if it were one. The alert says so; it still goes out.
    may_repeat: tuple[EarlierAlert, ...] = ()

    @property
    def withdrawn(self) -> bool:
        """Its document was withdrawn from public inspection and never published: what it set is not in force."""
        return not self.official and any(s.stage == "withdrawn" for s in self.sources)


@dataclass(frozen=True, slots=True)
class RuleText:
    """What one Federal Register document's full text said, remembered so that it is fetched once per version.

    ``version`` is the public-inspection filing (``pi:<pdf time>``) or ``published``; ``total`` counts the
    entries the text named (``entries`` may hold fewer when a record had to be cut to fit the table).
    """

    document_number: str
    version: str
    url: str
    entries: tuple[Entry, ...]
    fetched_at: str
    total: int = 0


@dataclass(frozen=True, slots=True)
class FeedState:
    """What the poller remembers of one source between polls.

    ``last_new`` (when it last delivered an item not seen before), ``intervals`` (minutes between its
    last deliveries, oldest first) and ``silent_since`` (when its silence was reported to operations; ''
    while it delivers) let ``sources.silence`` tell a silent source from a quiet one.
    """

    url: str
    etag: str = ""
    last_modified: str = ""
    failures: int = 0
    last_success: str = ""
    last_error: str = ""
    last_new: str = ""
    intervals: tuple[int, ...] = ()
    silent_since: str = ""


@dataclass(frozen=True, slots=True)
class Counterparty:
    """A watchlist row: a customer, supplier or consignee of the subscriber."""

    name: str
    aliases: tuple[str, ...] = ()
    country: str = ""
    reference: str = ""


@dataclass(frozen=True, slots=True)
class WatchlistMatch:
    """One counterparty of a watchlist found among a story's parties, with the name that matched and why."""

    watchlist: str
    counterparty: str
    via: str  # the counterparty's name or alias that matched
    reference: str
    party: str  # the story's party (an entry's name, or a party named in news)
    matched: str  # the party's name or alias that matched
    score: float
    why: str
    basis: str = "entry"  # "entry": the party is a rule's or the list's entry; "news": only news named it

    @property
    def listed(self) -> bool:
        """Whether the party is an entry (a rule's or the list's), not a party only the news named."""
        return self.basis == "entry"

    @property
    def kind(self) -> str:
        """Which of the party's names matched: ``name``, ``alias``, ``acronym in the name`` ..."""
        return self.why.split(" '", 1)[0] if "': " in self.why else ("name" if self.matched == self.party else "alias")

    @property
    def reason(self) -> str:
        """Why the names agree, in words ("same name, legal form differs")."""
        return self.why.split("': ", 1)[-1]

    def to_json(self) -> dict[str, object]:
        """The ``watchlist_matches`` item of the JSON alert."""
        alias = self.via if self.via != self.counterparty else None
        return {
            "watchlist": self.watchlist, "counterparty": self.counterparty, "counterparty_alias": alias,
            "reference": self.reference or None, "party": self.party, "matched": self.matched, "kind": self.kind,
            "score": round(self.score, 3), "why": self.reason, "basis": self.basis,
        }  # fmt: skip


# ---------------------------------------------------------------- the Entity List itself as a source
@dataclass(frozen=True, slots=True)
class ListSnapshot:
    """The Entity List as one poll of its source read it: one entry per party and country.

    ``digest`` is a hash of the entries (not of the bytes fetched): a source that re-serves the same list
    with a new ETag or in another row order yields the same digest, and the poll does nothing. ``reader`` names
    the reading of the list that made it (``entity_list.snapshot.READER``): "" for snapshots stored before it.
    """

    source: str
    taken: str
    digest: str
    entries: tuple[Entry, ...]
    reader: str = ""
