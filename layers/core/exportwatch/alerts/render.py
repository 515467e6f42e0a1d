"""Alert messages: one story version -> e-mail, SMS and default bodies, plus filter attributes.

The subject reads like the alert a compliance officer wants: "Licenses granted for sales to
Huawei (Entity List) · TGL extended 90 days to 16 Feb 2020". SMS bodies stay within 160
characters; subjects within 99 and on one line; no body carries markup.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from exportwatch.classify.dates import to_date
from exportwatch.classify.parties import entity_key
from exportwatch.countries import name_of
from exportwatch.models import NEW_LABEL, WITHDRAWN, EarlierAlert, Entry, Story, WatchlistMatch
from exportwatch.text import UCS2_SEGMENT, one_line, plain_text, sms_text

SUBJECT_MAX = 99
SMS_MAX = 160
MESSAGE_BUDGET = 250_000  # bytes of the message as sent, subject and attributes; SNS refuses over 256 KB
EMAIL_MAX = 40_000
EMAIL_ENTRIES_MAX = 250  # entries listed in an e-mail; the JSON body carries every one
ALIASES_SHOWN = 3
FR_SHORT_LINK = "https://www.federalregister.gov/d/"
ACTION_WORDS = {"add": "added", "remove": "removed", "revise": "revised"}
LABEL_NAMES = {
    "entity_list.addition": "Entity List addition",
    "entity_list.removal": "Entity List removal",
    "entity_list.revision": "Entity List revision",
    "license.decision": "License decision",
    "license.policy": "License policy",
    "extension": "Extension / deadline",
    "other_export_control": "Other export-control action",
}


@dataclass(frozen=True, slots=True)
class Alert:
    """One message to publish: what every protocol gets, and the attributes filters match on."""

    story_id: str
    version: int
    kind: str
    subject: str
    email: str
    sms: str
    default: str
    labels: tuple[str, ...]
    severity: str
    entities: tuple[str, ...]
    countries: tuple[str, ...]
    official: bool
    occasion: str = ""  # what makes this message distinct from others of the story (a reminder's deadline)
    entries: tuple[Entry, ...] = ()  # the parties the rule names, every one (the JSON body carries them)
    entries_total: int = 0
    link: str = ""  # the one link an SMS or chat message carries (``sms_link``)
    watchlist_matches: tuple[WatchlistMatch, ...] = ()  # counterparties of stored watchlists the story names
    watchlist_matches_total: int = 0
    may_repeat: tuple[EarlierAlert, ...] = ()  # earlier alerts a new story may repeat (``Story.may_repeat``)

    @property
    def dedup_key(self) -> str:
        """Identity of the message for idempotent sending: one send per story version (or reminder)."""
        return f"{self.story_id}#v{self.version}" + (f"#{self.occasion}" if self.occasion else "")

    def message_structure(self) -> dict[str, str]:
        """The ``Message`` for ``MessageStructure=json``: one body per protocol, within SNS's size limit.

        ``sqs``, ``lambda`` and ``https`` get a JSON document, so machine subscribers need not parse
        prose (``email-json`` falls back to ``default``). SNS takes at most 256 KB for the message as
        sent (the JSON of all bodies, escapes included), its attributes and subject together: past
        ``MESSAGE_BUDGET``, the JSON document leaves out the e-mail text it repeats, then the e-mail
        text is shortened until the whole fits.
        """
        email, drop_email, entries = self.email, False, None
        while True:
            structure = self._structure(email, drop_email=drop_email, entries=entries)
            size = self.size(structure)
            if size <= MESSAGE_BUDGET:
                return structure
            if not drop_email:
                drop_email = True
            elif entries is None or entries:
                # Hundreds of entries with long address lists: keep as many as fit, say how many there are.
                kept = list(self.to_json()["entries"]) if entries is None else entries
                entries = kept[: max(0, len(kept) * MESSAGE_BUDGET // size - 1)]
            elif len(email) > 1000:
                email = plain_text(email, max_chars=len(email) // 2)
            else:
                return self._structure("", drop_email=True, entries=[])  # only a hostile story gets here

    def _structure(self, email: str, *, drop_email: bool, entries: list[Any] | None) -> dict[str, str]:
        document = {**self.to_json(), "email": None if drop_email else email}
        if entries is not None:
            document = {**document, "entries": entries, "entries_cut": True}
        machine = json.dumps(document, ensure_ascii=False)
        structure = {"default": self.default, "email": email, "sms": self.sms}
        return {**structure, "sqs": machine, "lambda": machine, "https": machine}

    def message(self) -> str:
        """The exact ``Message`` string published (what SNS measures)."""
        return json.dumps(self.message_structure(), ensure_ascii=False)

    def size(self, structure: dict[str, str] | None = None) -> int:
        """Bytes SNS counts: the message as sent, plus the subject and every attribute's name, type and value."""
        message = json.dumps(structure if structure is not None else self.message_structure(), ensure_ascii=False)
        attributes = sum(
            len(name.encode()) + len(value["DataType"].encode()) + len(value["StringValue"].encode())
            for name, value in self.attributes().items()
        )
        return len(message.encode()) + len(self.subject.encode()) + attributes

    def attributes(self) -> dict[str, dict[str, str]]:
        """Message attributes that subscription filter policies match on.

        At most seven attributes (raw SQS delivery takes at most 10). ``entities`` lists every party's
        key: a ``String.Array`` has no limit on its values, only the message's 256 KB, which ``size``
        counts (a story names at most ``stories.bounds.MAX_NAMES`` parties). ``watchlists`` names the
        matched watchlists, never their counterparties (``watchlist_attribute``).
        """
        attrs = {
            "labels": {"DataType": "String.Array", "StringValue": json.dumps(list(self.labels))},
            "severity": {"DataType": "String", "StringValue": self.severity},
            "kind": {"DataType": "String", "StringValue": self.kind},
            "official": {"DataType": "String", "StringValue": "true" if self.official else "false"},
        }
        if self.entities:
            keys = [k for k in dict.fromkeys(entity_key(e) for e in self.entities) if k]
            attrs["entities"] = {"DataType": "String.Array", "StringValue": json.dumps(keys, ensure_ascii=False)}
        if self.countries:
            attrs["countries"] = {"DataType": "String.Array", "StringValue": json.dumps(list(self.countries))}
        attrs.update(watchlist_attribute(self.watchlist_matches))
        return attrs

    def to_json(self) -> dict[str, Any]:
        """The machine-readable alert (what SQS, Lambda and HTTPS subscribers receive)."""
        return {
            "story_id": self.story_id, "version": self.version, "kind": self.kind, "subject": self.subject,
            "labels": list(self.labels), "severity": self.severity, "entities": list(self.entities),
            "countries": list(self.countries), "official": self.official, "email": self.email, "sms": self.sms,
            "default": self.default, "entries": [entry.to_json() for entry in self.entries],
            "entries_total": self.entries_total or len(self.entries),
            "watchlist_matches": [match.to_json() for match in self.watchlist_matches],
            "watchlist_matches_total": self.watchlist_matches_total or len(self.watchlist_matches),
            "may_repeat": [{"story_id": e.story_id, "title": e.title, "published": e.published}
                           for e in self.may_repeat],
        }  # fmt: skip


Sender = Callable[[Alert], str]
"""Publishes an alert once and returns the message id (``aws.sender`` in production)."""


def _fmt_date(iso: str) -> str:
    day = to_date(iso)
    return f"{day.day} {day:%b %Y}" if day else iso


def primary_parties(story: Story, limit: int = 2) -> list[str]:
    """The parties the story is about: the ones most named in its evidence and source titles."""
    counts: Counter[str] = Counter()
    texts = [e.text.lower() for e in story.evidence] + [s.title.lower() for s in story.sources]
    names = [one_line(n, max_chars=80) for n in story.entities]
    names = [n for n in dict.fromkeys(names) if n]
    for name in names:
        key = name.split()[0].lower()
        counts[name] = sum(key in t for t in texts)
    ranked = sorted(names, key=lambda n: (-counts[n], names.index(n)))
    return [n for n in ranked if counts[n] > 0][:limit] or names[:1]


_VERBS = (
    ("revok", "revoked"),
    ("rescind", "revoked"),
    ("den", "denied"),
    ("reject", "denied"),
    ("suspend", "suspended"),
    ("grant", "granted"),
    ("approv", "granted"),
    ("issu", "granted"),
    ("authori", "granted"),
    ("allow", "granted"),
    ("receiv", "granted"),
)


def _licence_verb(story: Story) -> str:
    text = " ".join(e.text.lower() for e in story.evidence if e.label == "license.decision")
    positions = [(text.find(stem), verb) for stem, verb in _VERBS if stem in text]
    return min(positions)[1] if positions else "decided"


def _extension_phrase(story: Story) -> str:
    text = " ".join(e.text for e in story.evidence if e.label == "extension")
    days = re.search(r"\b(\d{1,3})[- ]days?\b", text)
    # BIS's 90-day reprieves for listed parties are temporary general licenses, even where news omits the name.
    tgl = re.search(r"general licen[cs]e|\bTGL\b", text, re.I) or (
        re.search(r"\b90[- ]days?\b", text) and re.search(r"extension|extended|reprieve", text, re.I) and story.entities
    )
    phrase = f"{'TGL' if tgl else 'Deadline'} extended"
    if days:
        phrase += f" {days.group(1)} days"
    if story.dates.get("expires"):
        phrase += f" to {_fmt_date(story.dates['expires'])}"
    return phrase


_COUNT = re.compile(
    r"\b(?:adding|removing|revising|modifying|add|remove|adds|removes)\s+(\d+|one|two|three|four|five|"
    r"six|seven|eight|nine|ten|eleven|twelve)\s+(?:new\s+)?(entit(?:y|ies)|entries|entry|persons?|parties)",
    re.I,
)


def _entries_who(story: Story) -> str:
    count = story.entries_total or len(story.entries)
    if count == 1:
        return one_line(story.entries[0].name, max_chars=80)
    where = list(dict.fromkeys(entry.country for entry in story.entries if entry.country))
    listed = ", ".join(where[:4]) + (", ..." if len(where) > 4 else "")
    return f"{count} entries" + (f" ({listed})" if listed else "")


def _who(story: Story) -> str:
    if story.entries:
        return _entries_who(story)
    parties = primary_parties(story)
    if parties:
        return " and ".join(parties)
    text = " ".join([story.summary, *(e.text for e in story.evidence)])
    count = _COUNT.search(text)
    where = ", ".join(name_of(c) for c in story.countries[:3])
    if count:
        return f"{count.group(1)} {count.group(2).lower()}" + (f" ({where})" if where else "")
    return f"Parties ({where})" if where else ""


def _from_the_list(story: Story) -> bool:
    """A story the Entity List itself made (no rule story existed): its title says what changed on the list."""
    return bool(story.sources) and all(s.source == "entity_list" for s in story.sources)


def headline(story: Story) -> str:
    """What happened, in one line."""
    if _from_the_list(story) and story.title:
        return one_line(story.title, max_chars=200)
    who = _who(story)
    parts = []
    labels = set(story.labels)
    if "entity_list.addition" in labels:
        parts.append(f"{who or 'Parties'} added to the Entity List")
    if "entity_list.removal" in labels:
        parts.append(f"{who or 'Parties'} removed from the Entity List")
    if "entity_list.revision" in labels and not labels & {"entity_list.addition", "entity_list.removal"}:
        parts.append("Entity List entries revised" + (f": {who}" if who else ""))
    if "license.decision" in labels:
        parts.append(f"Licenses {_licence_verb(story)}" + (f" for sales to {who} (Entity List)" if who else ""))
    if "license.policy" in labels and not parts:
        parts.append("License policy change" + (f" for {who}" if who else ""))
    if "extension" in labels:
        parts.append(_extension_phrase(story))
    if not parts:
        parts.append(one_line(story.title, max_chars=80) or "Export-control action")
    line = " · ".join(parts)
    return line[:1].upper() + line[1:]


def _status(story: Story) -> str:
    official = [s for s in story.sources if s.stage == "published" and s.source == "federal_register"]
    if official:
        return (
            "Official: published in the Federal Register (" + ", ".join(s.id.split(":", 1)[-1] for s in official) + ")"
        )
    withdrawn = [s for s in story.sources if s.stage == "withdrawn"]
    if withdrawn:
        numbers = ", ".join(s.id.split(":", 1)[-1] for s in withdrawn)
        return f"Withdrawn from Federal Register public inspection before publication ({numbers}); it will not publish"
    if any(s.stage == "public_inspection" for s in story.sources):
        return "On Federal Register public inspection; not yet published"
    if any(s.source == "entity_list" for s in story.sources):  # the list made it, or confirmed the news
        return "Seen on the Entity List itself; its Federal Register rule was not found"
    return "Reported in the news; not yet confirmed in the Federal Register"


def _in_words(change: str) -> str:
    """A story's change as a subscriber reads it: "new label: extension" is "new action: Extension / deadline"."""
    if change.startswith(NEW_LABEL):
        label = change.removeprefix(NEW_LABEL)
        return f"new action: {LABEL_NAMES.get(label, label)}"
    return change


def render(story: Story, *, kind: str | None = None) -> Alert:
    """Render the alert for the story's current version (``new`` for version 1, else ``update``).

    A silent story's first alerting version is new too (its changes say "new" alone).
    """
    kind = kind or ("new" if story.version == 1 or story.changes == ("new",) else "update")
    head = headline(story)
    update_note = "; ".join(_in_words(c) for c in story.changes if c != "new")
    lead = "Withdrawn before publication: " if kind == "update" and WITHDRAWN in story.changes else ""
    prefix = f"UPDATE: {lead}" if kind == "update" else ""
    subject = one_line(prefix + head, max_chars=SUBJECT_MAX)
    severity = story.severity or "low"
    countries = [name_of(c) for c in story.countries]
    lines = [head, ""]
    if kind == "update" and update_note:
        lines += [f"What changed: {update_note}", ""]
    lines += [f"Severity: {severity}", f"Status: {_status(story)}"]
    repeats = story.may_repeat if kind == "new" else ()
    if repeats:
        lines += ["", *_repeat_lines(repeats)]
    if story.summary:
        lines += ["", f"Summary: {story.summary}"]
    lines += ["", "What happened:"]
    for evidence in story.evidence:
        lines.append(f"- {LABEL_NAMES.get(evidence.label, evidence.label)}: {plain_text(evidence.text)}")
    if story.entities:
        named = [
            name + (f" (also: {'; '.join(story.aliases[name])})" if story.aliases.get(name) else "")
            for name in story.entities
        ]
        lines += ["", "Parties: " + ", ".join(named)]
    if countries:
        lines.append("Countries: " + ", ".join(countries))
    if story.entries:
        lines += ["", *_entry_lines(story, full=kind == "new")]
    if story.dates:
        lines += ["", "Key dates:"]
        lines += [
            f"- {name.replace('_', ' ')}: {_fmt_date(value)} ({value})" for name, value in sorted(story.dates.items())
        ]
    lines += ["", f"Sources ({len(story.sources)}):"]
    for source in story.sources:
        where = f" {source.url}" if source.url else ""
        lines.append(f"- {one_line(source.title, max_chars=140) or source.id} ({source.published or 'undated'}){where}")
    lines += [
        "",
        f"Story {story.story_id}, version {story.version}.",
        "You receive this because your exportwatch subscription's filter matches it.",
    ]
    email = plain_text("\n".join(lines), max_chars=EMAIL_MAX)
    sms_head = f"{'UPDATE ' if kind == 'update' else ''}{severity.upper()}: {lead}{head}"
    tail = f" ({len(story.sources)} src)" if len(story.sources) > 1 else ""
    link = sms_link(story)
    note = f" (repeat of {_short_date(repeats[0].published)} alert?)" if repeats and repeats[0].published else ""
    if note and SMS_MAX - len(link) - 1 - len(tail + note) >= SMS_HEADLINE_MIN:
        tail += note  # never at the cost of the headline: a long news link leaves it out (the e-mail says it)
    sms = (
        _entries_sms(story, f"{severity.upper()}: Entity List", link)
        if story.entries and kind == "new"
        else sms_with_link(sms_head, link, suffix=tail)
    )
    first_url = next((s.url for s in story.sources if s.url), "")
    default = one_line(prefix + head, max_chars=300) + (f" {first_url}" if first_url else "")
    return Alert(
        story_id=story.story_id,
        version=story.version,
        kind=kind,
        subject=subject,
        email=email,
        sms=sms,
        default=default,
        labels=story.labels,
        severity=severity,
        entities=_with_entry_names(story),
        countries=story.countries,
        official=story.official,
        entries=story.entries,
        entries_total=story.entries_total or len(story.entries),
        link=link,
        may_repeat=repeats,
    )


def _repeat_lines(repeats: Sequence[EarlierAlert]) -> list[str]:
    """The e-mail's note on earlier alerts this one may repeat: said plainly, with what tells them apart."""
    lines = ["May repeat an earlier alert (a later report of the same action, it seems):"]
    lines += [
        f"- {one_line(e.title, max_chars=140)} ({_fmt_date(e.published) or 'undated'}, story {e.story_id})"
        for e in repeats
    ]
    lines.append(
        "It is sent on its own in case it is a new action: compare its dates and parties with the earlier one."
    )
    return lines


def _short_date(iso: str) -> str:
    day = to_date(iso)
    return f"{day.day} {day:%b}" if day else iso


def _with_entry_names(story: Story) -> tuple[str, ...]:
    """The story's parties, then the names its rule lists (the ``entities`` attribute filters match on)."""
    names: dict[str, str] = {}
    for name in (*story.entities, *(entry.name for entry in story.entries)):
        names.setdefault(entity_key(name), name)
    return tuple(names.values())


def rule_document(story: Story) -> str:
    """The document number of the rule whose text named the story's entries ('' if none)."""
    source = story.entries_source or next(
        (s.id for s in story.sources if s.source == "federal_register" and s.stage == "published"),
        next((s.id for s in story.sources if s.source == "federal_register"), ""),
    )
    return source.split(":", 1)[-1].split("@", 1)[0] if source else ""


def _entry_lines(story: Story, *, full: bool) -> list[str]:
    """The entries grouped by country, each with its action, first aliases and review policy.

    An update (the rule now official) repeats only the count: the first alert listed them.
    """
    total = story.entries_total or len(story.entries)
    document = rule_document(story)
    link = f" {FR_SHORT_LINK}{document}" if document else ""
    by_country: dict[str, list[Entry]] = {}
    for entry in story.entries:
        by_country.setdefault(entry.country or "Country not given", []).append(entry)
    if not full:
        counts = ", ".join(f"{country} {len(entries)}" for country, entries in by_country.items())
        return [f"Entries named by the rule: {total} ({counts}), as listed in the first alert.{link}"]
    named = "Entries changed on the Entity List" if _from_the_list(story) else "Entries named by the rule"
    lines = [f"{named} ({total}):{link}"]
    shown = 0
    for country, entries in by_country.items():
        lines.append(f"{country} ({len(entries)}):")
        for entry in entries:
            if shown >= EMAIL_ENTRIES_MAX:
                break
            shown += 1
            aliases = entry.aliases[:ALIASES_SHOWN]
            also = f" (also: {'; '.join(aliases)}{'; ...' if len(entry.aliases) > ALIASES_SHOWN else ''})"
            policy = f"; review policy: {one_line(entry.license_policy, max_chars=160)}" if entry.license_policy else ""
            lines.append(
                f"- {ACTION_WORDS.get(entry.action, entry.action)}: {entry.name}{also if aliases else ''}{policy}"
            )
    if total > shown:
        lines.append(f"... and {total - shown} more: every entry is in the rule and in the JSON alert.")
    return lines


def _entries_sms(story: Story, head: str, link: str) -> str:
    """The count, as many names as fit, and the one link (the rule's short link, else the list's), in one segment."""
    link = f" {link}" if link else ""
    total = story.entries_total or len(story.entries)
    actions = Counter(ACTION_WORDS.get(entry.action, entry.action) for entry in story.entries)
    if total > len(story.entries):  # the record was cut: count what the rule named
        actions = Counter({next(iter(actions), "changed"): total})
    room = min(80, SMS_MAX - len(link) - len(f" +{total}"))  # a long list URL leaves less room for the count
    text = sms_text(f"{head}, " + ", ".join(f"{n} {verb}" for verb, n in actions.items()), max_chars=room)
    names = [sms_text(entry.name, max_chars=60) for entry in story.entries] if total > 1 else []
    listed = 0
    for name in names:
        more = total - listed - 1
        candidate = f"{text}{';' if listed else ':'} {name}"
        if len(candidate) + (len(f" +{more}") if more else 0) + len(link) > SMS_MAX:
            break
        text, listed = candidate, listed + 1
    return text + (f" +{total - listed}" if names and total > listed else "") + link


# ---------------------------------------------------------------- SMS links
# Every SMS carries exactly one short link, whole: the text is shortened around it, never the link.
SMS_LINK_MAX = 120  # a longer link would leave the text no room (the Federal Register's is 43 characters)
# Characters of the GSM 7-bit basic alphabet a URL may carry as they are; anything else is percent-encoded.
_URL_SAFE = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._/:?=&%#+,;@!$'()*")


def _gsm_url(url: str) -> str:
    """The URL in characters that cost one GSM septet each (others percent-encoded as UTF-8)."""
    return "".join(c if c in _URL_SAFE else "".join(f"%{b:02X}" for b in c.encode()) for c in url)


def sms_link(story: Story) -> str:
    """The link an SMS (and a chat message) carries: the rule's Federal Register short link, else a source's.

    ``https://www.federalregister.gov/d/<document number>`` when the story has a Federal Register
    document, else the first source's link (the next one when it is too long to leave room for text).
    """
    document = rule_document(story)
    if document:
        return FR_SHORT_LINK + _gsm_url(document)
    for source in story.sources:
        link = _gsm_url(source.url) if source.url.startswith(("https://", "http://")) else ""
        if link and len(link) <= SMS_LINK_MAX:
            return link
    return ""


def sms_with_link(text: str, link: str, *, suffix: str = "") -> str:
    """``text`` (shortened to fit), then ``suffix`` and the whole ``link``, in one SMS segment."""
    room = SMS_MAX - (len(link) + 1 if link else 0) - len(suffix)
    body = sms_text(text, max_chars=room)
    if not body.isascii():  # UCS-2: the whole message within 70 characters, link included
        room = UCS2_SEGMENT - (len(link) + 1 if link else 0) - len(suffix)
        body = body if len(body) <= room else body[: max(room - 3, 1)].rstrip() + "..."
    return body + suffix + (f" {link}" if link else "")


# ---------------------------------------------------------------- watchlist matches
# The alert leads with the counterparties it names (screening.watchlists finds them).

WATCHLIST_MATCHES_MAX = 100  # matches carried by one alert (e-mail and JSON); the total is always given
WATCHLIST_LINES_MAX = 20  # matches written out in the e-mail


def watchlist_attribute(matches: Sequence[WatchlistMatch]) -> dict[str, dict[str, str]]:
    """The ``watchlists`` attribute: the matched watchlists' names (never a counterparty's), or nothing."""
    names = sorted({match.watchlist for match in matches})
    if not names:
        return {}
    return {"watchlists": {"DataType": "String.Array", "StringValue": json.dumps(names, ensure_ascii=False)}}


def watchlist_line(match: WatchlistMatch) -> str:
    """One match as the alert's lead: the watchlist, who, the story's name that matched, the score, the ref.

    "Matches your watchlist 'customers': Acme Trading Co. ↔ listed 'ACME Trading Company Limited'
    (alias), score 0.96; your ref C-1042". A party only the news named is "named in this story", never
    "listed": a rumour is not a listing.
    """
    via = f" (as '{match.via}')" if match.via != match.counterparty else ""
    where = "listed" if match.listed else "named in this story"
    line = (
        f"Matches your watchlist '{match.watchlist}': {match.counterparty}{via} ↔ {where} '{match.matched}' "
        f"({match.kind}), score {match.score:.2f}"
    )
    return line + (f"; your ref {match.reference}" if match.reference else "")


def _watchlist_email(matches: Sequence[WatchlistMatch], total: int, email: str) -> str:
    lines = []
    for match in matches[:WATCHLIST_LINES_MAX]:
        lines.append(watchlist_line(match))
        party = "the entry" if match.listed else "the party named in the news"
        entry = f"of {party} '{match.party}', " if match.matched != match.party else ""
        lines.append(f"({match.kind} {entry}{match.reason})" if entry else f"({match.kind}: {match.reason})")
    shown = min(len(matches), WATCHLIST_LINES_MAX)
    if total > shown:
        lines.append(f"... and {total - shown} more matches (the JSON alert lists up to {WATCHLIST_MATCHES_MAX}).")
    return plain_text("\n".join([*lines, "", email]), max_chars=EMAIL_MAX)


SMS_HEADLINE_MIN = 40  # characters of the alert's own text a watchlist SMS always keeps after its lead
_SMS_LEAD_MIN = 24  # "Watchlist 'x': Acme... " : below this the lead says nothing, and the link gives way


def _counterparties(matches: Sequence[WatchlistMatch]) -> int:
    """How many counterparties matched: one that matched three parties is one."""
    return len({(m.watchlist, m.counterparty, m.reference) for m in matches})


def _watchlist_label(match: WatchlistMatch, names: str) -> str:
    """The watchlists' names ("Watchlist 'customers'"), marked "(in news)" when only news named the party."""
    plural = "s" if "', '" in names else ""
    return f"Watchlist{plural} '{names}'" + ("" if match.listed else " (in news)")


def _sms_lead(match: WatchlistMatch, others: int, max_chars: int) -> str:
    """The SMS lead, "Watchlist 'customers': Acme Trading (C-1042) +1 more. ", within ``max_chars``.

    The counterparty is what the reader needs: the watchlist's name gives way first (shortened, then left
    out), the reference with it, and the counterparty's name is shortened last.
    """
    more = f" +{others} more" if others else ""
    for list_chars, ref_chars in ((24, 16), (12, 16), (12, 0), (0, 0)):
        label = _watchlist_label(match, sms_text(match.watchlist, max_chars=list_chars)) if list_chars else ""
        label = label or ("Watchlist" + ("" if match.listed else " (in news)"))
        ref = f" ({sms_text(match.reference, max_chars=ref_chars)})" if match.reference and ref_chars else ""
        room = max_chars - len(f"{label}: {ref}{more}. ")
        if room >= 16:
            break
    name = sms_text(match.counterparty, max_chars=max(min(32, room), 8))
    lead = f"{label}: {name}{ref}{more}"
    lead = lead if len(lead) + 2 <= max_chars else sms_text(lead, max_chars=max_chars - 2)
    return lead + (" " if lead.endswith("...") else ". ")


def _watchlist_sms(matches: Sequence[WatchlistMatch], alert: Alert) -> str:
    """The match first (who and your ref; the e-mail has the score), then the alert's SMS text and its one link.

    At least ``SMS_HEADLINE_MIN`` characters of the alert's own text always follow the lead: a long news link
    that would leave no room for them is left to the e-mail (which carries every link).
    """
    link = alert.link
    body = alert.sms.removesuffix(f" {link}") if link else alert.sms
    room = SMS_MAX - (len(link) + 1 if link else 0)
    if link and room - SMS_HEADLINE_MIN < _SMS_LEAD_MIN:
        # The alert's own SMS was cut to fit that link: its text again, whole, from the subject
        update = alert.subject.startswith("UPDATE: ")
        body = f"{'UPDATE ' if update else ''}{alert.severity.upper()}: {alert.subject.removeprefix('UPDATE: ')}"
        link, room = "", SMS_MAX
    # a few characters more than the minimum: the text is shortened at a word, with "..."
    lead = _sms_lead(matches[0], _counterparties(matches) - 1, room - min(SMS_HEADLINE_MIN + 5, len(body)))
    return sms_with_link(lead + body, link)


def with_watchlist_matches(alert: Alert, matches: Sequence[WatchlistMatch]) -> Alert:
    """The alert led by its watchlist matches: subject, e-mail's first lines, SMS and default body.

    Severity is high whatever the story's (render the story as high, so the e-mail's severity line
    agrees), whether the counterparty is an entry or a party news named: either way it is named in an
    export-control action. Unchanged when there is no match.
    """
    if not matches:
        return alert
    kept = tuple(matches[:WATCHLIST_MATCHES_MAX])
    first, more = kept[0], _counterparties(matches) - 1
    names = "', '".join(sorted({m.watchlist for m in matches}))
    who = first.counterparty + (f" +{more}" if more else "")
    lead = one_line(watchlist_line(first), max_chars=300) + (f" (+{more})" if more else "")
    return replace(
        alert,
        severity="high",
        subject=one_line(f"{_watchlist_label(first, names)}: {who} · {alert.subject}", max_chars=SUBJECT_MAX),
        email=_watchlist_email(kept, len(matches), alert.email),
        sms=_watchlist_sms(kept, alert),
        default=f"{lead} · {alert.default}",
        watchlist_matches=kept,
        watchlist_matches_total=len(matches),
    )
