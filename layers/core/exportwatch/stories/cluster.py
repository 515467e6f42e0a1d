"""Stories: which items report the same real-world event, and when a story changes materially.

An item joins a story when they share an identity key (Federal Register document number, quoted or its own,
citation such as "84 FR 64018", canonical URL), or when, within a few days, they share a party or the same
large count of listed parties ("33 Chinese entities") and a label, or a label and enough of their distinctive
words (``words``: weighted by rarity, with the number of parties listed and the days stated), or most of those
words whatever labels were read. On words alone an item never drops a list action (addition, removal), and
brings one only as an update that alerts (below): "BIS adds 13 companies" beside that week's chip rule is
another action. News finds a rule that names no party when that rule is the only one of its kind, days,
countries and count. An official story keeps collecting later write-ups that name its parties and action, or
its count, for ``LATE_DAYS``; its first document may come that late after its news when it names the story's
party and action. Different parties (unless the same large count names one list), or different numbers of
parties listed, are different actions; two Federal Register documents are never one story, except a
correction, which joins the rule it cites without an alert. Unlabelled items never start a story that alerts
but may follow one silently: a reaction naming its party and stating its action in those days, in words of
exports or not ("US ordered TSMC to halt shipments"; one not speaking of exports follows only so). Unlabelled
news that follows none gathers in a silent story (``silent_story``) that never alerts until the first labelled
report of its event joins it. A silent story hides nothing, so it gathers more readily: any unlabelled news
may join one (only some may start one), a report naming its party and no other needs fewer of its words, and
one naming its party and most of its words joins up to the rule lag on. Once it alerts, its earlier reports
follow it: reactions count their days from its action's first report. A join that could hide an action uses
only the proven rules (``_proven``): a labelled item joining a story that alerts, with labels it already has,
sends no alert. One bringing a label the story lacks alerts as its update ("new label: ..."), so hides
nothing, and joins on a wider test (``_material_update``): within days (the rule lag for the same large
count), a label in common (or, naming the story's party, another licence label: a licence decision one
outlet reads as a licence policy), no party or count of its own against the story's, and the same party or
count, or the same countries and specifics ("BIS imposes controls on Russia", then "49 Russian entities
added" with them).
A report naming no party may follow on words if its lead speaks of exports. The wider tests live in
``_follows`` only, for an unlabelled follower, a silent story's reports, or the labelled report that makes a
silent story alert: a write-up later than the window that states the day of its action; a name no list knows
yet ("Zhipu") in two leads, each report naming the other's lead party, or the story's words naming the item's
lead party with its specifics ("Pentagon lists SMIC and China National Offshore Oil", then "adds CNOOC"), as
one party; brand and legal names folded.
Another kind of action on the same party (its licence after its listing) is another story, and so is a
party the reports of a counted list never name.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace

from exportwatch.classify.dates import to_date
from exportwatch.classify.parties import canonical_name, entity_key, find_parties, party_key
from exportwatch.classify.sentences import Reading, read
from exportwatch.entity_list.gazetteer import gazetteer
from exportwatch.models import NEW_LABEL, Classification, EarlierAlert, Item, Story, StoryItem
from exportwatch.sources.federal_register import citations
from exportwatch.sources.urls import canonical_url
from exportwatch.stories.words import (
    counts_differ,
    day_mark,
    facts,
    fingerprint,
    holds,
    listed_counts,
    names_in,
    rare_names,
    similarity,
    stated,
    union,
)
from exportwatch.text import one_line

WINDOW_DAYS = 4
RULE_LAG_DAYS = 8
LATE_DAYS = 30  # an official story keeps collecting write-ups that name its parties and action this long
SAME_TOPIC = 0.18  # containment of distinctive words, with a shared label, within the window
LATE_PARTY_TOPIC = 0.3  # a late report naming the story's party and action: specifics shared too
LATE_TOPIC = 0.5  # a late report naming no party of the story: most specifics shared
FOLLOW_TOPIC = 0.2  # an unlabelled item naming the story's party: this much of the story's words
FOLLOW_UNNAMED_TOPIC = 0.25  # an unlabelled item naming none of a story's parties: more of them (not in a silent one)
SILENT_NAMED_TOPIC = 0.15  # a report naming a silent story's party and no other: fewer of its words
STRONG_TOPIC = 0.5  # within days, this much of the specifics shared joins even where the labels read differ
REPEAT_TOPIC = 0.4  # a labelled report kept apart from a story that alerted, sharing this much: a likely repeat
DISTINCT_COUNT = 10  # "33 Chinese entities": a count this large, stated alike, names one list
_LIST_ACTIONS = frozenset({"entity_list.addition", "entity_list.removal"})
# The verbs of each action: an unlabelled reaction ("senators ask to suspend the Huawei licences") that
# names a story's party and states its action reports that story, even in other words.
_ACTIONS = {
    "entity_list.addition": re.compile(r"entity list|blacklist|trade list|\badd(?:s|ed|ing|ition)?\b", re.I),
    "entity_list.removal": re.compile(r"remov|delist|\blift|taken? off|took off", re.I),
    "entity_list.revision": re.compile(r"revis|amend|entry|entries", re.I),
    "license.decision": re.compile(r"licen[cs]|approv|denied|deny|revok|halt", re.I),
    "license.policy": re.compile(r"licen[cs]|rule|restrict|control|curb|halt", re.I),
    "extension": re.compile(r"extend|extension|temporary general", re.I),
    "other_export_control": re.compile(r"unverified|end.user|denial order|export ban|export privileges", re.I),
}
# Kinds of action: a listing, a licence (policy, decision, extension). Two kinds on one party are two actions.
_KINDS = {
    "entity_list.addition": "list",
    "entity_list.removal": "list",
    "entity_list.revision": "list",
    "license.decision": "licence",
    "license.policy": "licence",
    "extension": "licence",
}
_STORY_PARTIES = 3
_QUOTED_DOCUMENT = re.compile(r"\bFR\s+Doc(?:ument)?\.?\s*(?:No\.?\s*)?(\d{4}-\d{4,6})\b", re.IGNORECASE)
_FOLLOW_HINT = re.compile(
    r"\b(export|entity list|blacklist|trade list|commerce department|department of commerce|bureau of industry|"
    r"licen[cs]e|restricted|restriction|ban|denial order|federal register|BIS\b)",
    re.IGNORECASE,
)
# What else a report the classifier leaves unlabelled may be about, for a silent story only: another agency's
# sanctions, designations or prohibitions. Such reports gather with each other, never with a story that alerts.
_SILENT_HINT = re.compile(r"\b(sanction|prohibit|designat|curb|crackdown|revok|terminat|list\b)", re.IGNORECASE)
_CORRECTION = re.compile(r";\s*(?:corrections?|correcting amendments?)\s*$", re.IGNORECASE)
_DEADLINES = ("expires", "effective", "comments_close")
_MAX_SOURCES = 50
_EVIDENCE_PER_LABEL = 2


@dataclass(frozen=True, slots=True)
class Analysis:
    """Everything ingestion and clustering need to know of an item, computed once.

    The text is read once (``classify.sentences.read``); the classification, identity keys,
    weighted-word fingerprint, main parties and summary are derived from that one reading.
    """

    item: Item
    classification: Classification
    keys: tuple[str, ...]
    signature: tuple[int, ...]
    parties: frozenset[str]
    summary: str
    names: frozenset[int] = frozenset()  # rare capitalised words of the lead (``words.rare_names``)
    # The main parties as the proven rules read them (known names only, unfolded): a labelled item joins a
    # story that alerts on these alone (``_proven``), where a wrong join would hide its action.
    proven_parties: frozenset[str] = frozenset()
    # The start of its text (``Reading.lead``): a reaction's first sentence may set a scene ("Washington has opened
    # the autumn with a salvo against China's technology sector") and speak of exports only in its second.
    lead: str = ""

    @property
    def relevant(self) -> bool:
        """An item with no label is not an export-control action and starts no story."""
        return self.classification.relevant

    @property
    def may_follow(self) -> bool:
        """An unlabelled item that speaks of export controls may still report a story's event."""
        # One naming no party may speak of exports after its first sentence: it follows on the story's words alone
        # (``FOLLOW_UNNAMED_TOPIC``). One naming a party and speaking of exports only there (a lawmaker's letter on
        # a licence) must state the story's action (``may_follow_its_party``).
        text = f"{self.item.title} {self.summary if self.parties else self.lead or self.summary}"
        return not self.relevant and bool(_FOLLOW_HINT.search(text))

    @property
    def may_follow_its_party(self) -> bool:
        """An unlabelled news report naming a party, in any words, may follow a story that leads with that party.

        "US ordered TSMC to halt shipments" follows the TSMC order's story, as the order's report would have
        joined it had it come first (``_follows``); it still needs the story's party, days and words.
        """
        return self.may_join_silent and bool(self.parties)

    @property
    def may_start_silent(self) -> bool:
        """An unlabelled news report that follows no story may start a silent one (``silent_story``).

        One naming a party, or speaking of exports or sanctions: gathered, reports of one event count once, and
        the first labelled report of it alerts as new. Nothing is hidden: a silent story never alerts by itself.
        """
        if self.relevant or self.item.source == "federal_register":
            return False
        text = f"{self.item.title} {self.summary}"
        return self.may_follow or bool(self.parties) or bool(_SILENT_HINT.search(text))

    @property
    def may_join_silent(self) -> bool:
        """An unlabelled news report, in any words, may join a silent story that others started (``_follows``).

        It starts none unless ``may_start_silent``, and follows a story that alerts only if ``may_follow`` or
        ``may_follow_its_party``: joining a silent story hides nothing, and "China tightens grip on rare earths"
        is still that story's event.
        """
        return not self.relevant and self.item.source != "federal_register"


def analyse(item: Item, *, watched: frozenset[str] = frozenset()) -> Analysis:
    """Read, classify and fingerprint an item once.

    Irrelevant items are fingerprinted too: they never start a story, but a report that the
    classifier cannot label (a reaction, a market story) may still follow a story it clearly reports.
    """
    # The classifier (its rule tables, the model's code) is imported on the first item analysed, not with this
    # module: a poller's cold start does not pay for it when a poll brings nothing new.
    from exportwatch.classify.labels import classify

    reading = read(item)
    classification = classify(item, watched=watched, reading=reading)
    return Analysis(
        item=item,
        classification=classification,
        keys=item_keys(item),
        signature=signature(reading, item.published),
        parties=frozenset(_main_parties(reading, classification)),
        proven_parties=frozenset(_proven_parties(reading, classification)),
        summary=one_line(reading.body[0], max_chars=400) if reading.body else "",
        names=rare_names(reading.lead),
        lead=reading.lead,
    )


def item_keys(item: Item) -> tuple[str, ...]:
    """Identity keys an item shares with any other report of the same document.

    Federal Register document numbers quoted in a text ("FR Doc. 2019-25286") are keys too: news
    that names the rule's number, and a correction that names the rule it corrects.
    """
    keys: dict[str, None] = {item.id: None}
    if item.document_number:
        keys[f"doc:{item.document_number}"] = None
    for number in _QUOTED_DOCUMENT.findall(item.text[:20000]):
        keys[f"doc:{number}"] = None
    for citation in citations([item.citation, item.title, item.text[:5000]]):
        keys[f"cite:{citation}"] = None
    if item.url:
        keys[f"url:{canonical_url(item.url)}"] = None
    return tuple(keys)


def signature(reading: Reading, published: str = "") -> tuple[int, ...]:
    """The weighted distinctive words of the item's title and lead (``words.fingerprint``)."""
    return fingerprint(f"{reading.title}. {reading.lead}", published)


def story_id_for(first_key: str) -> str:
    """Stable story id: derived from the key of the item that started the story."""
    return "s-" + hashlib.sha256(first_key.encode()).hexdigest()[:16]


def _days_apart(a: str, b: str) -> int | None:
    da, db = to_date(a), to_date(b)
    return abs((da - db).days) if da and db else None


def _document_numbers(keys: Iterable[str]) -> set[str]:
    return {k[4:] for k in keys if k.startswith("doc:")}


def is_correction(item: Item) -> bool:
    """A Federal Register correction ("...; Correction"): it amends the rule it cites, it is no new action."""
    return item.source == "federal_register" and bool(_CORRECTION.search(item.title))


def _from_first(story: Story, item: Item) -> int:
    """Days from the story's first told report to the item (0 when either day is unknown).

    Not from a silent story's earlier reports ("U.S. crafting new rules", days before the rules): they follow.
    """
    told = [s.published for s in story.sources if not s.follows and s.published]
    return _days_apart(item.published, min(told, default=story.published)) or 0


def _apart(story: Story, item: Item) -> int | None:
    """Days from the item to the story's nearest report; followers' days do not count (no chaining by reactions)."""
    told = [s for s in story.sources if not s.follows] or list(story.sources)
    gaps = [d for d in (_days_apart(item.published, s.published) for s in told) if d is not None]
    return min(gaps, default=_days_apart(item.published, story.published))


def belongs(story: Story, analysis: Analysis) -> bool:
    """Whether the analysed item reports the event of ``story``."""
    keys = analysis.keys
    if not analysis.relevant:
        return _follows(story, analysis)
    item_docs, story_docs = _document_numbers(keys), _document_numbers(story.keys)
    if item_docs and story_docs and not item_docs & story_docs:
        return False  # two Federal Register documents are two actions (a correction carries both numbers)
    if set(keys) & set(story.keys):
        return True
    if not story.labels:
        # A silent story (``silent_story``) of earlier unlabelled reports: the first labelled report of their
        # event joins it as they would have followed its story, and it alerts then, as new.
        return _follows(story, analysis)
    # A labelled item joining a story that alerts, with labels it already has, sends no alert: a wrong join
    # would hide its action. Only the proven rules may join it; the wider ones (rare names, each naming the
    # other's party, folded names, a late write-up stating the day) only gather what would not alert. One
    # bringing a label the story lacks alerts as its update, so hides nothing: it may join more readily.
    return _proven(story, analysis) or _material_update(story, analysis)


def _material_update(story: Story, analysis: Analysis) -> bool:
    """Whether a labelled report bringing a label its story lacks reports the story's event, as its update.

    Joined, it alerts ("new label: ..."), so a wrong join hides no action; still, it must report the same
    event: within days, a label in common (or another licence label, naming the story's party), no party or
    count of its own against the story's, and the same party, large count, or countries and specifics. "BIS
    imposes export controls on Russia" and, that day, "U.S. imposes sweeping restrictions on Russia; 49 entities
    added": one rule told with and without its listings. The proven rules would refuse it for bringing a list
    action on words alone.
    """
    labels, story_labels = set(analysis.classification.labels), set(story.labels)
    if not labels - story_labels:
        return False
    parties, story_parties = analysis.parties, _story_parties(story)
    # Outlets read one licence action differently ("licence decision" here, "licence policy" there): naming the
    # story's party, another licence label stands for a label in common. Not a listing's: a removal or revision of
    # a party days after its addition is another action.
    of_its_kind = "licence" in _kinds(labels) & _kinds(story_labels) and bool(parties & story_parties)
    if not labels & story_labels and not of_its_kind:
        return False
    item = analysis.item
    counts, story_counts = listed_counts(analysis.signature), listed_counts(story.signature)
    same_count = _same_large_count(counts, story_counts)
    # The same large count names one list: its formal publication may trail the news by the rule lag.
    limit = RULE_LAG_DAYS if same_count else WINDOW_DAYS
    apart = _apart(story, item)
    if apart is None or apart > limit or _from_first(story, item) > limit:
        return False
    if _another_kind(analysis.classification, story) or _another_list(story, analysis, story_has_rule=_has_rule(story)):
        return False  # another kind of action (a licence for a listed party) or list: its own story and title
    if parties and story_parties and not parties & story_parties and not same_count:
        return False  # two named parties: two actions, each its own alert
    if not parties & story_parties and counts_differ(counts, story_counts):
        return False
    if parties & story_parties or same_count:
        return True
    countries, story_countries = set(analysis.classification.countries), set(story.countries)
    if not countries & story_countries:
        return False  # naming no party, a report of the same words on other countries (or none) is another action
    return similarity(analysis.signature, story.signature) >= SAME_TOPIC


def _proven(story: Story, analysis: Analysis) -> bool:
    """Whether a labelled item reports a labelled story's event, by the proven rules only.

    Within days: a party or the same large count and a label, or enough distinctive words. Later: a rule
    and its news or write-ups. A join here may hide the item's action, so none of the wider tests of
    ``_follows`` applies; the refusals of another list or another kind of action do.
    """
    item, classification, sig = analysis.item, analysis.classification, analysis.signature
    apart = _apart(story, item)
    story_has_rule = _has_rule(story)
    item_is_rule = item.source == "federal_register"
    if apart is None or apart > LATE_DAYS:
        return False
    same_labels = bool(set(classification.labels) & set(story.labels))
    item_parties, story_parties = analysis.proven_parties, _proven_story_parties(story)
    shared = bool(item_parties & story_parties)
    item_counts, story_counts = listed_counts(sig), listed_counts(story.signature)
    # The same large count of listed parties ("33 Chinese entities") names one list, whoever each outlet
    # leads with; the main parties an outlet names may differ then (one leads with SMIC, one with DJI).
    same_count = _same_large_count(item_counts, story_counts)
    # Different parties named, or, naming none in common, different numbers of parties listed ("24
    # companies" against "38 affiliates"): a different action. Precision first: an outlet leading with
    # SMIC and another leading with DJI, of one rule listing both, stay apart unless a key or a count joins them.
    conflict = (bool(item_parties and story_parties and not shared) and not same_count) or (
        not shared and counts_differ(item_counts, story_counts)
    )
    topic = similarity(sig, story.signature)
    # On words alone, an item and its story report the same list actions: "BIS adds 13 companies" beside
    # that week's chip rule is another action in the same words, and so is the chip rule beside it.
    same_list_actions = not (set(classification.labels) ^ set(story.labels)) & _LIST_ACTIONS
    # The Federal Register can trail the announcement by a week (orders, interim final rules).
    limit = RULE_LAG_DAYS if item_is_rule != story_has_rule else WINDOW_DAYS
    if conflict or _another_list(story, analysis, story_has_rule=story_has_rule):
        return False
    if apart > limit:
        return same_labels and _late(
            shared=shared, same_count=same_count, topic=topic, story_has_rule=story_has_rule, item_is_rule=item_is_rule
        )
    if (shared or same_count) and not same_labels and topic < STRONG_TOPIC and _another_kind(classification, story):
        return False  # a licence for a listed party is another action than its listing: another alert
    if (shared or same_count) and (same_labels or topic >= SAME_TOPIC):
        return True  # same named parties or list within days, reporting the same kind of action or in the same words
    if topic >= STRONG_TOPIC and same_list_actions:
        return True  # most specifics shared within days: the labels read differ ("MEU List" as policy or other)
    if not same_labels:
        return False
    if topic >= SAME_TOPIC and same_list_actions:
        return True
    # A rule's abstract rarely names the parties its news names: the one rule of that kind, in those
    # days, for the same countries, is the rule the news reports. Only a rule finding its news: news
    # that finds a rule story this way may be any other action of that week.
    if item_is_rule and not story_has_rule and not item_parties:
        countries, story_countries = set(classification.countries), set(story.countries)
        return not countries or not story_countries or bool(countries & story_countries)
    return False


def may_repeat(story: Story, analysis: Analysis) -> bool:
    """Whether a labelled report that starts its own story likely repeats this earlier story's alert.

    A write-up weeks after a story of news alone, in its own words, is kept apart: joined, it would hide a
    new action if it were one (such joins brought wrong pairs to the held-out stories each time they were
    tried). Its alert goes out and names the earlier one instead, where the earlier one alerted, within
    ``LATE_DAYS``, on the same kind of action, naming no other party, count or document, and the report either
    shares much of its specifics (``REPEAT_TOPIC``) or states its day with its party or some of its specifics.
    Chosen on the tuned stories sets: 8 of their 18 extra alerts named the earlier one, none another event's (6 of
    23 since their ledes were rewritten further from their pages).
    """
    item, classification = analysis.item, analysis.classification
    apart = _apart(story, item)
    if not story.labels or story.version <= story.quiet_version or apart is None or apart > LATE_DAYS:
        return False  # a story that never alerted (silent, or recorded by a backfill) is no alert to repeat
    if not set(classification.labels) & set(story.labels):
        return False
    item_docs, story_docs = _document_numbers(analysis.keys), _document_numbers(story.keys)
    if item_docs and story_docs and not item_docs & story_docs:
        return False  # two Federal Register documents: two actions, however alike their abstracts
    item_parties, story_parties = analysis.proven_parties, _proven_story_parties(story)
    shared = bool(item_parties & story_parties)
    if item_parties and story_parties and not shared:
        return False  # another party's action
    if counts_differ(listed_counts(analysis.signature), listed_counts(story.signature)):
        return False  # another list ("38 Huawei affiliates", then "24 more")
    topic = similarity(analysis.signature, story.signature)
    return topic >= REPEAT_TOPIC or (_states_its_day(story, analysis) and (shared or topic >= LATE_PARTY_TOPIC))


def earlier_alerts(candidates: Iterable[Story], analysis: Analysis, limit: int = 2) -> tuple[EarlierAlert, ...]:
    """The stories that alerted which a story first alerting with ``analysis`` may repeat, most alike first.

    Those of the same poll count too: two stories alerting together, one likely the other's later report.
    """
    alike = sorted(
        (story for story in candidates if may_repeat(story, analysis)),
        key=lambda story: (-similarity(analysis.signature, story.signature), story.published, story.story_id),
    )
    return tuple(EarlierAlert(story.story_id, story.title, story.published) for story in alike[:limit])


def _same_large_count(counts: set[int], story_counts: set[int]) -> bool:
    """Whether both state the same large count of listed parties ("33 Chinese entities"): one list, however told."""
    return any(n >= DISTINCT_COUNT for n in counts & story_counts)


def _has_rule(story: Story) -> bool:
    """Whether a Federal Register document is among the story's reports."""
    return any(s.source == "federal_register" for s in story.sources)


def _late(*, shared: bool, same_count: bool, topic: float, story_has_rule: bool, item_is_rule: bool) -> bool:
    """Whether a labelled report of the story's kind of action, later than its window, reports that action.

    The rule weeks after its news, or a write-up weeks after the rule. It must share the story's
    specifics, more of them when it names none of its parties. A write-up weeks after news alone (even
    stating the day of its action) joins no story that alerts: only ``_follows`` lets it, unlabelled.
    """
    if not (story_has_rule or item_is_rule):
        return False
    if item_is_rule and not story_has_rule and shared:
        return True  # the first document of an announced action: its party and action (an order weeks on)
    return same_count or topic >= (LATE_PARTY_TOPIC if shared else LATE_TOPIC)


def _states_its_day(story: Story, analysis: Analysis) -> bool:
    """Whether an item states a day the story's reports state or were published on: the day of its action."""
    days = stated(story.signature) | {day_mark(s.published) for s in story.sources if s.published}
    return bool(stated(analysis.signature) & days)


def _another_list(story: Story, analysis: Analysis, *, story_has_rule: bool) -> bool:
    """Whether the item names a party that a news story of a counted list never names: another list.

    "12 entities in China and Pakistan" and, the next day, "Huawei and 68 affiliates": a party the
    story's reports never name, and none of its counts, is not on that list. A rule's abstract names
    no party, so a rule story is left to the other tests.
    """
    story_counts = listed_counts(story.signature)
    parties = analysis.proven_parties
    if story_has_rule or not parties or _proven_story_parties(story) or not story_counts:
        return False
    if story_counts & listed_counts(analysis.signature):
        return False
    return not any(names_in(story.signature, party) for party in parties)


def _another_kind(classification: Classification, story: Story) -> bool:
    """Whether the item reports another kind of action than the one its story began with.

    A listing and a licence or extension for the listed party are two actions, days apart or not
    (the Huawei listing, then its temporary general licence): each alerts. Labels of one kind
    ("licence decision" beside "extension") or an unclassed one ("other") may be one action read
    two ways.
    """
    kinds = _kinds(classification.labels)
    first = _KINDS.get(story.labels[0]) if story.labels else None
    return bool(kinds) and first is not None and first not in kinds


def _kinds(labels: Iterable[str]) -> set[str]:
    """The kinds of action (``_KINDS``) that labels name: a listing, a licence."""
    return {_KINDS[label] for label in labels if label in _KINDS}


def _named_across(story: Story, analysis: Analysis) -> bool:
    """Whether each side names the other's main party in its words: two leads of one action."""
    item_parties, story_parties = analysis.parties, _story_parties(story)
    if not item_parties or not story_parties:
        return False
    return any(names_in(story.signature, p) for p in item_parties) and any(
        names_in(analysis.signature, p) for p in story_parties
    )


def _named_by_story(story: Story, analysis: Analysis, topic: float) -> bool:
    """Whether the story's words name every party the item leads with, and it shares the story's specifics.

    "Defense Department adds CNOOC to its list" beside "Pentagon lists SMIC and China National Offshore Oil":
    another lead of one action. Another action of a party the story names in passing ("CNOOC wins an oil
    block") shares fewer of its words (``topic``, their similarity): it needs ``LATE_PARTY_TOPIC`` of them, not
    the follower's share.
    """
    if not analysis.parties or topic < LATE_PARTY_TOPIC:
        return False
    return all(names_in(story.signature, party) for party in analysis.parties)


def _story_parties(story: Story) -> set[str]:
    return {party_key(e) for e in story.stated[:_STORY_PARTIES]}


def _proven_story_parties(story: Story) -> set[str]:
    """A story's main parties as the proven rules read them: unfolded (``Analysis.proven_parties``)."""
    return {entity_key(e) for e in story.stated[:_STORY_PARTIES]}


def _follows(story: Story, analysis: Analysis) -> bool:
    """Whether an unlabelled item (a reaction, a market story) reports this story's event.

    Stricter than ``belongs``: the same days (for a reaction, those of the action's first report, not
    of its latest write-up), no other party, and shared specifics.
    "Huawei launches a new phone" names Huawei but reports another event. The same test tells whether
    a labelled item reports the event of a silent story's earlier reports. Weeks later, only a story
    with a rule, or one whose action's day the item states, may be followed; a silent story's reports may
    be joined up to the rule lag later by one naming its party and most of its words.
    """
    if set(analysis.keys) & set(story.keys):
        return True
    apart = _apart(story, analysis.item)
    story_has_rule = _has_rule(story)
    dated = bool(story.labels) and _states_its_day(story, analysis)
    silent = not story.labels  # a write-up days after a silent story's reports may join it (see below)
    limit = LATE_DAYS if story_has_rule or dated else RULE_LAG_DAYS if silent else WINDOW_DAYS
    if apart is None or apart > limit:
        return False
    if story.labels and not (story_has_rule or dated) and _from_first(story, analysis.item) > WINDOW_DAYS:
        return False  # a reaction comes within days of the action's first report, not of its latest write-up
    story_parties = _story_parties(story)
    # A report not speaking of exports (``may_follow_its_party``) follows a story that alerts only naming its
    # party and stating its action, in its days ("US ordered TSMC to halt shipments"): a lawmaker's letter on a
    # licence names the party in the story's words but states no action.
    unhinted = bool(story.labels) and not analysis.relevant and not analysis.may_follow
    if unhinted and not analysis.parties & story_parties:
        return False
    counts, story_counts = listed_counts(analysis.signature), listed_counts(story.signature)
    same_count = _same_large_count(counts, story_counts)  # one list, whoever it leads with
    topic = similarity(analysis.signature, story.signature)
    # Each names the other's lead party, or the story's words name the item's: two leads of one action.
    across = _named_across(story, analysis) or _named_by_story(story, analysis, topic)
    if analysis.parties and story_parties and not analysis.parties & story_parties and not (same_count or across):
        return False
    if counts_differ(counts, story_counts):
        return False
    # Naming its party: one the story leads with, or its list's large count; for a silent story, also a name
    # no list knows yet that its reports use too (a round-up naming a listed party in passing must not follow
    # a story that alerts).
    named = (
        bool(analysis.parties & story_parties)
        or same_count
        or (not story.labels and holds(story.signature, analysis.names))
        or across
    )
    if named and apart <= WINDOW_DAYS and topic > 0 and _states_action(story, analysis):
        return True  # a reaction naming the party and its action in those days, in its own words
    if unhinted:
        return False
    # A silent story hides nothing (it never alerts, and a labelled report joining it alerts as new): within the
    # rule lag, a report naming its party and most of its words joins it (a repost, a write-up a week on); within
    # days, its reports need no more of its words when they name none of its parties, and fewer when they name its
    # party and no other ("Huawei and SMIC" beside a Huawei story may be another event of Huawei's).
    if silent and apart > WINDOW_DAYS:
        return named and topic >= STRONG_TOPIC
    needed = FOLLOW_TOPIC if named or silent else FOLLOW_UNNAMED_TOPIC
    if silent and named and analysis.parties <= story_parties:
        needed = SILENT_NAMED_TOPIC
    if apart > WINDOW_DAYS:  # a write-up weeks after the rule: as for a labelled one
        needed = max(needed, LATE_PARTY_TOPIC if named or dated else LATE_TOPIC)
    return topic >= needed


def _states_action(story: Story, analysis: Analysis) -> bool:
    """Whether an item's title or lead states one of the story's actions (its verbs, ``_ACTIONS``)."""
    text = f"{analysis.item.title} {analysis.summary}"
    return any(cue.search(text) for label in story.labels if (cue := _ACTIONS.get(label)))


def _main_parties(reading: Reading, classification: Classification) -> set[str]:
    """The parties an item is about: known parties in its title, else the first named in its text.

    Only known names count in a title: in a Title Case headline any run of capitals looks like a name.
    """
    in_title = {party_key(p) for p in find_parties(reading.title) if _known(p)}
    if in_title:
        return in_title
    named = classification.stated or tuple(find_parties(reading.lead))
    return {party_key(e) for e in named[:2]}


def _proven_parties(reading: Reading, classification: Classification) -> set[str]:
    """The main parties as the proven rules read them: a title's names the parties module knows, unfolded."""
    in_title = {entity_key(p) for p in find_parties(reading.title) if canonical_name(p)}
    if in_title:
        return in_title
    named = classification.stated or tuple(find_parties(reading.lead))
    return {entity_key(e) for e in named[:2]}


def _known(name: str) -> bool:
    """A party known by name (the parties module's list, or the listed names): no run of Title Case capitals."""
    return bool(canonical_name(name) or gazetteer().lookup(name))


def find_story(candidates: Iterable[Story], analysis: Analysis) -> Story | None:
    """The story the analysed item belongs to: a shared key first, then the closest in time and text."""
    candidates = list(candidates)
    matches = [s for s in candidates if belongs(s, analysis)] or _the_bare_rule(candidates, analysis)
    if not matches:
        return None
    keys, published = set(analysis.keys), analysis.item.published
    return max(
        matches,
        key=lambda s: (
            bool(keys & set(s.keys)),
            similarity(analysis.signature, s.signature),
            -(_days_apart(published, s.published) or 0),
        ),
    )


def _the_bare_rule(candidates: Iterable[Story], analysis: Analysis) -> list[Story]:
    """The one rule story, naming no party, that news of those days reports: its only candidate, if unique.

    A rule's title and abstract often name no party and share few words with its news ("Addition of
    Entities to the Entity List"). News finding such a rule would be any action of that week, unless
    the rule is the only one of its kind, for its countries, in those days.
    """
    if not analysis.relevant or analysis.item.source == "federal_register" or _document_numbers(analysis.keys):
        return []
    found = [s for s in candidates if _could_report(s, analysis)]
    return found if len(found) == 1 else []


def _could_report(story: Story, analysis: Analysis) -> bool:
    """Whether news could report a rule story that names no party: same actions, days, countries and count."""
    if story.stated or not all(s.source == "federal_register" for s in story.sources):
        return False
    labels, story_labels = set(analysis.classification.labels), set(story.labels)
    if not labels & story_labels or (labels ^ story_labels) & _LIST_ACTIONS:
        return False
    apart = _apart(story, analysis.item)
    if apart is None or apart > RULE_LAG_DAYS:
        return False
    countries, story_countries = set(analysis.classification.countries), set(story.countries)
    if countries and story_countries and not countries & story_countries:
        return False
    return not counts_differ(listed_counts(analysis.signature), listed_counts(story.signature))


def _source(item: Item) -> StoryItem:
    return StoryItem(item.id, item.title, item.url, item.source, item.published, item.stage)


def _merge_unique(a: Iterable[str], b: Iterable[str], *, key: object = None) -> tuple[str, ...]:
    seen: dict[str, str] = {}
    for value in [*a, *b]:
        seen.setdefault(entity_key(value) if key == "entity" else value, value)
    return tuple(seen.values())


def new_story(analysis: Analysis, *, now: str) -> Story:
    """Start a story from its first item."""
    item, classification, keys = analysis.item, analysis.classification, analysis.keys
    return Story(
        story_id=story_id_for(keys[0]),
        title=item.title,
        labels=classification.labels,
        severity=classification.severity,
        entities=classification.entities,
        stated=classification.stated,
        countries=classification.countries,
        dates=dict(classification.dates),
        evidence=classification.evidence,
        sources=(_source(item),),
        keys=tuple(keys),
        first_seen=now,
        last_seen=now,
        published=item.published or now[:10],
        official=item.official,
        version=1,
        changes=("new",),
        signature=analysis.signature,
        summary=analysis.summary,
        aliases=dict(classification.aliases),
    )


def silent_story(analysis: Analysis, *, now: str) -> Story:
    """A story of unlabelled reports only: it never alerts (``quiet_version``), it only gathers them.

    Several outlets reporting what the classifier does not label (another agency's list, a reaction) are
    one event too; kept together, they count once. No deadline or evidence of its own: nothing to remind of.
    A labelled item joins it through a shared key (the same page updated), or as the first labelled report
    of the event its reports told early (``_follows``, when no story that alerts takes it); it alerts then,
    as new, under that item's title.
    """
    story = new_story(analysis, now=now)
    parties = story.stated or tuple(sorted(analysis.parties))  # unlabelled: the parties its words name
    return replace(
        story,
        labels=(),
        entities=parties,
        stated=parties,
        dates={},
        evidence=(),
        keys=_own_keys(analysis),
        quiet_version=story.version,
    )


_SEVERITY_RANK = {"high": 3, "medium": 2, "low": 1, None: 0}


def merge(story: Story, analysis: Analysis, *, now: str) -> Story:
    """Add an item to its story; the version goes up only on a material change.

    Material: the first official Federal Register document, a new label, a new or changed
    deadline. Another article about the same event is recorded and changes nothing else.
    """
    item, classification, keys = analysis.item, analysis.classification, analysis.keys
    if not analysis.relevant or is_correction(item):
        return _record(story, analysis, now=now)
    changes: list[str] = []
    if item.official and not story.official:
        cite = f" ({item.citation})" if item.citation else ""
        changes.append(f"now official: Federal Register {item.document_number}{cite}")
    new_labels = [label for label in classification.labels if label not in story.labels]
    changes += [NEW_LABEL + label for label in new_labels]
    dates = dict(story.dates)
    for name, value in classification.dates.items():
        if name in _DEADLINES and dates.get(name) != value and (item.official or name not in dates):
            changes.append(f"{name.replace('_', ' ')}: {value}" + (f" (was {dates[name]})" if name in dates else ""))
            dates[name] = value
        else:
            dates.setdefault(name, value)
    evidence = list(story.evidence)
    for found in classification.evidence:
        same_label = [e for e in evidence if e.label == found.label]
        if len(same_label) < _EVIDENCE_PER_LABEL and all(e.text != found.text for e in same_label):
            evidence.append(found)
    known = any(s.id == item.id for s in story.sources)  # an update in place: its entry shows the new title
    sources = tuple(_source(item) if s.id == item.id else s for s in story.sources) if known else story.sources
    sources = sources if known else story.sources + (_source(item),)
    if not story.labels:  # a silent story's reports, told before its action, follow it once it alerts
        sources = tuple(s if s.id == item.id else replace(s, follows=True) for s in sources)
    severity = max(story.severity, classification.severity, key=lambda s: _SEVERITY_RANK[s])
    return replace(
        story,
        title=item.title if (item.official and not story.official) or not story.labels else story.title,
        summary=(analysis.summary or story.summary)
        if (item.official and not story.official) or not story.labels
        else story.summary,
        labels=story.labels + tuple(new_labels),
        severity=severity,
        entities=_merge_unique(story.entities, classification.entities, key="entity"),
        stated=_merge_unique(story.stated, classification.stated, key="entity"),
        countries=_merge_unique(story.countries, classification.countries),
        dates=dates,
        evidence=tuple(evidence),
        sources=sources[:_MAX_SOURCES],
        keys=_merge_unique(story.keys, keys)[:200],
        signature=union(story.signature, _joining_words(story, analysis)),
        last_seen=now,
        official=story.official or item.official,
        aliases=_merge_aliases(story.aliases, classification.aliases),
        version=story.version + (1 if changes else 0),
        changes=tuple(changes) if changes else story.changes,
    )


def _joining_words(story: Story, analysis: Analysis) -> tuple[int, ...]:
    """What an item adds to its story's fingerprint: all of it if anchored, else its counts and days only."""
    return analysis.signature if _anchored(story, analysis) else facts(analysis.signature)


def _anchored(story: Story, analysis: Analysis) -> bool:
    """Whether an item is tied to its story by more than words: a shared key, a named party or a large count.

    Only such items add their words to the story's fingerprint; an item that joined on words alone
    adding its own would let the story drift, one paraphrase at a time, into the next event.
    """
    if set(analysis.keys) & set(story.keys):
        return True
    if story.labels and analysis.relevant:  # joined by the proven rules: anchored by their parties
        if analysis.proven_parties & _proven_story_parties(story):
            return True
    elif analysis.parties & _story_parties(story):
        return True
    return _same_large_count(listed_counts(analysis.signature), listed_counts(story.signature))


def _record(story: Story, analysis: Analysis, *, now: str) -> Story:
    """Add a source that changes nothing a subscriber is told: no label, date or party of its own.

    Its words stay out of the story's fingerprint too: a reaction or market story must not draw the
    next one in.
    """
    item = analysis.item
    known = any(s.id == item.id for s in story.sources)
    # In a story that alerts, it is a follower: its day must not carry the story on to another event's.
    follows = bool(story.labels) and not analysis.relevant
    sources = story.sources if known else story.sources + (replace(_source(item), follows=follows),)
    # Nor may the documents an unlabelled report quotes: it joined by the wider tests (following, or gathered in
    # a silent story that may alert later), and a labelled report of another rule joining through a number it
    # quoted would send no alert.
    keys = analysis.keys if analysis.relevant else _own_keys(analysis)
    return replace(story, sources=sources[:_MAX_SOURCES], keys=_merge_unique(story.keys, keys)[:200], last_seen=now)


def _own_keys(analysis: Analysis) -> tuple[str, ...]:
    """The keys an item holds by itself (its id, page, own document and citation), not those its text quotes."""
    item = analysis.item
    own = {item.id, f"doc:{item.document_number}", *(f"cite:{c}" for c in citations([item.citation]))}
    if item.url:
        own.add(f"url:{canonical_url(item.url)}")
    return tuple(k for k in analysis.keys if k in own)


def _merge_aliases(a: dict[str, tuple[str, ...]], b: dict[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
    merged = {name: dict.fromkeys(forms) for name, forms in a.items()}
    for name, forms in b.items():
        merged.setdefault(name, {}).update(dict.fromkeys(forms))
    return {name: tuple(list(forms)[:8]) for name, forms in merged.items()}
