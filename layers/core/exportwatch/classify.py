"""Multi-label classification of export-control items, with evidence for every label.

Rules, not a model: every label must point at the sentence that justifies it, the rules can be
read and argued with by a compliance officer, and they run at tens of thousands of items a
second. docs/labels.md states the labelling rules; ``exportwatch eval`` measures them.

The shape of the decision:

1. Clean the text (news page noise such as "Featured ... Read Now" teasers is cut off).
2. Gate: an item must be about export controls at all (Entity List, BIS, EAR, export licences);
   tariffs, FCC bans, OFAC sanctions, driver's licences and browser extensions are not.
3. For each label, find the first sentence that states the action. In news, sentences that only
   recall background ("was added to the Entity List in May") do not count.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from exportwatch.dates import DATE_RE, find_dates, parse_date, to_date
from exportwatch.entities import entity_key, find_countries, find_parties
from exportwatch.models import Classification, Evidence, Item

_I = re.IGNORECASE

# Where a news page stops being the article: author boxes, teasers, related links, copyright.
_NOISE_CUT = re.compile(
    r"\n\s*(?:About the Author|Featured|Related (?:Articles|Stories|Content)|New Products|Read More|"
    r"More from|Recommended|Citation:|©|This document is subject to copyright)\b",
)
_SENTENCE_SPLIT = re.compile(r"(?<=[.!?\"”])\s+(?=[A-Z\"“‘(])|\n+")
_MARKDOWN = re.compile(r"\[([^\]]*)\]\([^)]*\)|[#*_>]+|[ \t]{2,}")

_EXPORT_CONTEXT = re.compile(
    r"entity list|export (?:control|licen[cs]|administration|restriction|ban|rule|privilege|blacklist)|"
    r"exports? to|\bexport(?:s|ed|ing)?\b|\bEAR\b|bureau of industry|\bBIS\b|commerce department|department of commerce|"
    r"trade blacklist|blacklist|unverified list|military end.?user|temporary general license|denied persons|"
    r"commerce control list|foreign direct product|\bECCN\b|validated end.?user",
    _I,
)
# Sentences about these are not export-control actions, whatever words they share with one.
_OFF_TOPIC = re.compile(
    r"\btariffs?\b|section 301|section 232|\bFCC\b|federal communications commission|universal service fund|"
    r"rip.and.replace|\bOFAC\b|office of foreign assets control|treasury department|department of the treasury|"
    r"specially designated nationals|\bSDN\b|driver'?s licen|driving licen|software licen|licen[cs]e plate|"
    r"music licen|liquor licen|gaming licen|broadcast licen|spectrum licen|licensing (?:deal|agreement|fee)|"
    r"patent licen|open.source licen|\btax\b|\bIRS\b|browser extension|chrome extension|extension cord|"
    r"file extension|hair extension|\bvisas?\b|pentagon|defense department|department of defense|\bDoD\b|"
    r"antidumping|countervailing|legal entity|entity framework",
    _I,
)


@dataclass(frozen=True, slots=True)
class _Rule:
    label: str
    title: re.Pattern[str] | None
    sentence: re.Pattern[str]


def _rx(*parts: str) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in parts), _I)


_EL = r"(?:the\s+)?(?:commerce\s+(?:department'?s?\s+)?)?[“\"']?entity list[”\"']?"
_BLACKLIST = r"(?:(?:u\.?s\.?|trade|export|commerce)\s+)?(?:black\s?list|entity list)"

RULES: tuple[_Rule, ...] = (
    _Rule(
        "entity_list.addition",
        _rx(r"\baddition(?:s)?\b[^.;]{0,60}\bto the entity list", r"\badd(?:s|ed|ing)?\b[^.;]{0,120}\bentity list"),
        _rx(
            rf"\b(?:add|adds|added|adding|places?|placed|placing|puts?|putting|designat\w+)\b[^.;]{{0,160}}\b(?:to|on)\s+{_BLACKLIST}",
            rf"{_BLACKLIST}[^.;]{{0,40}}\b(?:adds|added|additions?)\b",
            r"\bblacklists\b|\bblacklisting of\b",
            r"\baddition of [^.;]{0,80}entit(?:y|ies)\b",
        ),
    ),
    _Rule(
        "entity_list.removal",
        _rx(r"\bremov\w*\b[^.;]{0,100}\bentity list", r"\bentity list\b[^.;]{0,30}\bremov"),
        _rx(
            rf"\b(?:remov\w*|delist\w*|took|takes?|taking|lift\w*)\b[^.;]{{0,140}}\b(?:from|off)\s+{_BLACKLIST}",
            r"\bremov(?:e|es|ed|ing|al)\b[^.;]{0,80}\b(?:entit(?:y|ies)|persons?|parties)\b[^.;]{0,60}\bfrom\b",
            rf"{_BLACKLIST}[^.;]{{0,40}}\bremov",
        ),
    ),
    _Rule(
        "entity_list.revision",
        _rx(
            r"\brevision(?:s)?\b[^.;]{0,40}\b(?:entr(?:y|ies)|entity list)",
            r"\b(?:modif|amend|revis|correct)\w*\b[^.;]{0,40}\bentr(?:y|ies)\b",
        ),
        _rx(
            r"\b(?:revis|modif|amend|correct|updat)\w*\b[^.;]{0,80}\b(?:existing\s+)?entr(?:y|ies)\b[^.;]{0,80}\b(?:entity list|supplement no\. 4)",
            r"\b(?:revis|modif|amend|correct|updat)\w*\b[^.;]{0,40}\b(?:existing\s+|one\s+|two\s+|\w+\s+)?entr(?:y|ies) on the entity list",
            r"\b(?:aliases|alias|additional address(?:es)?)\b[^.;]{0,80}\bentity list",
            r"\bentity list\b[^.;]{0,80}\b(?:revis|modif|correct)\w*\b[^.;]{0,30}\bentr",
        ),
    ),
    _Rule(
        "license.decision",
        None,
        _rx(
            r"\b(?:grant\w*|approv\w*|issu(?:e|es|ed|ing)|revok\w*|rescind\w*|den(?:y|ies|ied|ying)|reject\w*|suspend\w*|"
            r"withdr[ae]w\w*|pull\w*|cancel\w*)\b[^.;]{0,60}\b(?:export\s+)?licen[cs]es?\b",
            r"\blicen[cs]es?\b[^.;]{0,80}\b(?:were|was|been|being|are|is|have been)?\s*(?:granted|approved|issued|revoked|"
            r"denied|rescinded|suspended|pending)\b",
            r"\b(?:received|receives|obtained|won|secured|got)\b[^.;]{0,40}\b(?:licen[cs]es?|approvals?|permission|go.ahead|nod|ok)\b"
            r"[^.;]{0,60}\b(?:to|for)\s+(?:sell|supply|ship|export|resume|continue)",
            r"\b(?:authori[sz]\w*|allow\w*|approv\w*|permit\w*|cleared)\b[^.;]{0,60}\bto\s+(?:sell|supply|ship|keep selling|resume)",
            r"\blicen[cs]e applications?\b[^.;]{0,80}\b(?:approv|den|grant|reject|pending|review)",
            r"\bintent to deny\b",
        ),
    ),
    _Rule(
        "license.policy",
        _rx(
            r"foreign direct product",
            r"licen[cs]e (?:review )?polic",
            r"licen[cs]e exception",
            r"licen[cs]e requirements?",
        ),
        _rx(
            r"\blicen[cs](?:e|ing) (?:review )?polic(?:y|ies)\b",
            r"\breview polic(?:y|ies)\b",
            r"\bpresumption of (?:denial|approval)\b",
            r"\bforeign direct product\b",
            r"\blicen[cs]e exceptions?\b",
            r"\b(?:new|additional|expanded|impos\w+|add\w*)\s+(?:export\s+)?licen[cs]e requirements?\b",
            r"\blicen[cs]e requirements? (?:for|on|to)\b",
            r"\b(?:require|requires|required|requiring|need|needs|needed)\b[^.;]{0,30}\b(?:an?\s+)?(?:export\s+|u\.s\.\s+)?licen[cs]es?\b",
            r"\bcase.by.case\b",
            r"\b(?:tighten\w*|expand\w*|new|sweeping|broad)\s+(?:u\.s\.\s+)?export (?:controls|restrictions|rules)\b",
            r"\bexport (?:controls|restrictions|curbs|rules)\s+(?:on|for)\s+(?:advanced|chips?|semiconductors?|ai\b|artificial)",
        ),
    ),
    _Rule(
        "extension",
        _rx(r"temporary general licen[cs]e", r"extension of validity", r"\bextend", r"\bextension\b", r"\bexpir"),
        _rx(
            r"\btemporary general licen[cs]e\b",
            r"\bTGL\b",
            r"\bextension of (?:the )?validity\b",
            r"\b(?:\d{1,3}|thirty|sixty|ninety)[- ]day (?:extension|reprieve|waiver|grace period)\b",
            r"\b(?:extend\w*|prolong\w*|renew\w*)\b[^.;]{0,100}\b(?:deadline|reprieve|waiver|grace period|general licen[cs]e|"
            r"authori[sz]ation|exemption|validity|\d{1,3} days|ninety days|compliance date)\b",
            r"\b(?:another|additional|further)\s+(?:\d{1,3}|ninety|sixty)[- ]days?\b",
            r"\b(?:third|second|fourth|fifth|latest|new)\s+(?:\d{1,3}-day\s+)?extension\b",
            r"\b(?:reprieve|general licen[cs]e)\b[^.;]{0,60}\b(?:expir\w+|extend\w*|lapse\w*|end(?:s|ed)?)\b",
        ),
    ),
    _Rule(
        "other_export_control",
        _rx(
            r"unverified list",
            r"military end.?user",
            r"export administration regulations",
            r"order denying",
            r"denial order",
            r"export privileges",
            r"commerce control list",
            r"validated end.?user",
            r"wassenaar",
        ),
        _rx(
            r"\bunverified list\b",
            r"\bmilitary end.?(?:users?|uses?)\b",
            r"\b(?:temporary\s+)?denial order\b",
            r"\border denying\b",
            r"\bdenied persons\b",
            r"\bexport privileges\b",
            r"\bcommerce control list\b",
            r"\bECCNs?\b",
            r"\bvalidated end.?users?\b",
            r"\b(?:amend\w*|revis\w*)\b[^.;]{0,40}\bexport administration regulations\b",
            r"\bexport controls?\b[^.;]{0,60}\b(?:on|for|against)\b",
            r"\b(?:new|impos\w*|tighten\w*|expand\w*|sweeping)\b[^.;]{0,40}\bexport (?:controls?|restrictions|curbs)\b",
            r"\bwassenaar\b",
            r"\bantiboycott\b",
        ),
    ),
)

# Sentences that only recall what happened before, not what this item reports.
_BACKGROUND = re.compile(
    r"\b(?:which|who|that) (?:was|were|had been|has been) (?:added|placed|put|blacklisted)|\bremains? on\b|"
    r"\bremaining on\b|\bsince (?:being|it was|its)\b|\bafter (?:being|it was) (?:added|placed|blacklisted)|"
    r"\balready (?:on|been)\b|\bpreviously\b|\bhas been on\b|\bwas part of\b|\bsince (?:january|february|march|april|"
    r"may|june|july|august|september|october|november|december|\d{4})\b|\bearlier this year\b|\blast year\b|"
    r"\bhave been (?:added|placed)\b|\bwas (?:added|placed|blacklisted) (?:to|on)\b|\b(?:has|have) blacklisted\b",
    _I,
)
_IN_MONTH = re.compile(
    r"\bin (January|February|March|April|May|June|July|August|September|October|November|December)\b(?:\s+(\d{4}))?",
    _I,
)
_MONTH_NUM = {
    m: i
    for i, m in enumerate(
        (
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ),
        start=1,
    )
}

_ADMIN_NOTICE = re.compile(
    r"information collection|paperwork reduction|submission for omb review|comment request|advisory committee|"
    r"notice of (?:partially )?(?:closed|open) meeting|sunshine act",
    _I,
)
_BIS_AGENCY = re.compile(r"industry and security|\bBIS\b", _I)
_HIGH_LABELS = frozenset({"entity_list.addition", "entity_list.removal"})
_MEDIUM_LABELS = frozenset({"entity_list.revision", "license.decision", "license.policy", "extension"})
_EVIDENCE_CHARS = 400
# News: the event is in the first paragraphs; later sentences are more often background.
_NEWS_SENTENCES = 40


def clean_text(text: str) -> str:
    """Cut page noise after the article and flatten markdown links."""
    cut = _NOISE_CUT.search(text)
    if cut:
        text = text[: cut.start()]
    return _MARKDOWN.sub(lambda m: m.group(1) if m.group(1) is not None else " ", text)


def sentences_of(item: Item) -> list[str]:
    """Return the item's title followed by the sentences of its cleaned text."""
    body = [s.strip() for s in _SENTENCE_SPLIT.split(clean_text(item.text)) if len(s.strip()) > 3]
    title = item.title.strip()
    return [title, *body] if title else body


def _is_background(sentence: str, published: date | None) -> bool:
    if _BACKGROUND.search(sentence):
        return True
    if published is None:
        return False
    for match in _IN_MONTH.finditer(sentence):
        month = _MONTH_NUM[match.group(1).lower()]
        year = int(match.group(2)) if match.group(2) else published.year
        if (year, month) < (published.year, published.month - 1) or (
            year == published.year and month < published.month - 1
        ):
            return True
    return False


def _around(sentence: str, match: re.Match[str]) -> str:
    """The clause around a match: background cues elsewhere in the sentence do not count."""
    return sentence[max(0, match.start() - 60) : match.end() + 40]


def _is_fr(item: Item) -> bool:
    return item.source == "federal_register"


def _in_scope(item: Item, sentences: list[str]) -> bool:
    """Whether the item is about export controls at all."""
    if _is_fr(item):
        if _ADMIN_NOTICE.search(item.title):
            return False
        if item.agencies and not any(_BIS_AGENCY.search(a) for a in item.agencies):
            return bool(re.search(r"entity list|export administration regulations", item.title + " " + item.text, _I))
        return True
    head = " ".join(sentences[:6])
    return bool(_EXPORT_CONTEXT.search(head))


def _evidence_for(rule: _Rule, item: Item, sentences: list[str], published: date | None) -> str | None:
    fr = _is_fr(item)
    if (
        rule.title is not None
        and rule.title.search(sentences[0] if sentences else "")
        and (fr or not _OFF_TOPIC.search(sentences[0]))
    ):
        return sentences[0]
    limit = len(sentences) if fr else min(len(sentences), _NEWS_SENTENCES)
    for index, sentence in enumerate(sentences[:limit]):
        matches = list(rule.sentence.finditer(sentence))
        if not matches:
            continue
        if _OFF_TOPIC.search(sentence) and not re.search(r"entity list|export", sentence, _I):
            continue
        if not fr and index > 0 and all(_is_background(_around(sentence, m), published) for m in matches):
            continue
        if not fr and rule.label.startswith(("license", "extension")) and not _licence_context(sentence, sentences):
            continue
        return sentence
    return None


_LICENCE_CONTEXT = re.compile(
    r"export|entity list|commerce|\bBIS\b|huawei|zte|smic|blacklist|sell|sales|supply|suppl(?:y|iers)|ship|chips?|"
    r"semiconductor|technology|temporary general",
    _I,
)


def _licence_context(sentence: str, sentences: list[str]) -> bool:
    return bool(_LICENCE_CONTEXT.search(sentence)) or bool(_LICENCE_CONTEXT.search(sentences[0]))


def _trim(sentence: str) -> str:
    sentence = " ".join(sentence.split())
    return sentence if len(sentence) <= _EVIDENCE_CHARS else sentence[: _EVIDENCE_CHARS - 1].rstrip() + "…"


def _severity(labels: Iterable[str], entities: Iterable[str], watched: frozenset[str]) -> str | None:
    labels = set(labels)
    if not labels:
        return None
    if labels & _HIGH_LABELS or (watched and {entity_key(e) for e in entities} & watched):
        return "high"
    if labels & _MEDIUM_LABELS:
        return "medium"
    return "low"


def classify(item: Item, *, watched: frozenset[str] = frozenset()) -> Classification:
    """Classify one item.

    Parameters
    ----------
    item
        The normalized item.
    watched
        Entity keys (see :func:`exportwatch.entities.entity_key`) a subscriber watches; an item
        naming one of them is high severity.

    Returns
    -------
    Classification
        No labels when the item is not an export-control action.
    """
    sentences = sentences_of(item)
    if not sentences or not _in_scope(item, sentences):
        return Classification()
    published = to_date(item.published)
    evidence: list[Evidence] = []
    for rule in RULES:
        found = _evidence_for(rule, item, sentences, published)
        if found is not None:
            evidence.append(Evidence(rule.label, _trim(found)))
    labels = tuple(e.label for e in evidence)
    if not labels:
        return Classification()
    scope = " ".join([*sentences[:_NEWS_SENTENCES]] if not _is_fr(item) else sentences)
    entities = tuple(find_parties(scope))
    dates = find_dates(
        sentences if _is_fr(item) else sentences[:_NEWS_SENTENCES], item.published, extension="extension" in labels
    )
    if item.effective_on:
        dates["effective"] = item.effective_on
    if item.comments_close_on:
        dates["comments_close"] = item.comments_close_on
    return Classification(
        labels=labels,
        severity=_severity(labels, entities, watched),
        entities=entities,
        countries=tuple(find_countries(scope)),
        dates=dates,
        evidence=tuple(evidence),
    )


__all__ = ["RULES", "classify", "clean_text", "sentences_of", "DATE_RE", "parse_date"]
