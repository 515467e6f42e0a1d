"""Multi-label classification of export-control items, with evidence for every label.

A trained model and the rules together. The model (``classify.model``: a logistic regression per label and
a relevance gate, trained by ``make train``) decides whether an item reports an export-control action and
which; the rules below add the labels they find evidence for, must agree where the gate is unsure, and
give each label its evidence: the title span or sentence that states the action (failing a rule's
sentence, the line whose words weigh most for the label). Rules alone fitted the corpus they were
written against and missed a third of the actions in news they had never seen. docs/labels.md states the
labelling rules; ``exportwatch eval`` measures the whole against them.

The shape of the rules:

1. Clean the text (news page noise such as "Featured ... Read Now" teasers is cut off) and split it into
   sentences; abbreviations such as "U.S." or "Nov." do not end one.
2. Federal Register documents are structured, so the title states the main action ("Additions to the
   Entity List", "Temporary General License: Extension of Validity"). Out of scope are other agencies'
   documents that are not about exports (OFAC, USTR, FCC, DHS lists), administrative notices (information
   collections, advisory committees, briefings), import measures, enforcement-penalty guidance and
   documents that only extend a comment period. The abstract adds Entity List details (the revisions and
   removals inside an additions rule) and list actions; it decides between licence policy and other export
   control only when the title has no recognisable frame. Sentences that recall an earlier rule ("On
   October 7, 2022, BIS published ...", "That final rule ...") do not count.
3. News: for each label the first sentence that states the action. Sentences that only recall background
   ("which was added to the Entity List in May") do not count, nor matches whose clause holds a false
   friend (tariffs, FCC, OFAC, TikTok, LNG, driver's licences, browser extensions, China's own lists)
   without an export-control anchor.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable, Iterator
from datetime import date
from itertools import chain

from exportwatch.classify import model as trained
from exportwatch.classify import party_model
from exportwatch.classify.ascii import Dual
from exportwatch.classify.dates import find_dates, to_date
from exportwatch.classify.parties import entity_key, find_aliases, find_countries, read_parties
from exportwatch.classify.party_model import Context
from exportwatch.classify.rules import (
    ADDITION,
    DECISION,
    EXTENSION,
    FR,
    NEWS,
    OTHER,
    POLICY,
    REMOVAL,
    REVISION,
    RULES,
    UNDOES,
    Rule,
    holds_any,
    need_words,
    rx,
)
from exportwatch.classify.sentences import Reading, plain, read
from exportwatch.models import LABELS, Classification, Evidence, Item

_FR_RULES = tuple(r for r in RULES if r.source == FR)
_NEWS_RULES = tuple(r for r in RULES if r.source == NEWS)
_LABEL_ORDER = {label: index for index, label in enumerate(LABELS)}

# Federal Register: outside export controls whatever words they share with them.
_FR_OUT = rx(
    r"information collection|paperwork reduction|submission for omb|comment request|advisory committee|"
    r"\bmeeting\b|sunshine act|public briefing|privacy act|system of records|section 232|section 301|\btariffs?\b|"
    # Imports, unless the title speaks of their export too ("Export and Import of Nuclear Equipment and Material").
    r"(?<!export and )(?<!exports and )\bimports?\b(?![^;:]*\bexports?\b)|proclamation|antidumping|countervailing|"
    r"information and communications technology|connected vehicles|"
    r"chemical weapons convention|supply chain issues|\bpenalt(?:y|ies)\b|antiboycott|enforcement provisions|"
    r"forced labor|\bUFLPA\b"
)
# Every match of _FR_OUT holds one of these: most titles hold none, and skip its search.
_FR_OUT_NEEDS = need_words(
    "information collection|paperwork reduction|submission for omb|comment request|advisory committee|meeting|"
    "sunshine act|public briefing|privacy act|system of records|section 232|section 301|tariff|import|proclamation|"
    "antidumping|countervailing|information and communications technology|connected vehicles|"
    "chemical weapons convention|supply chain issues|penalt|antiboycott|enforcement provisions|forced labor|uflpa"
)
_ENTITY_LIST = rx(r"\bentity list\b")
# Keepers of other "blacklists" that news may not name in the sentence: the Pentagon's Chinese military companies.
_OTHER_KEEPER = rx(r"defense department|department of defense|pentagon|\bDoD\b|military compan|section 12(?:37|60)")
_BIS_AGENCY = re.compile(r"industry and security|\bBIS\b", re.IGNORECASE)
_EXPORT_TITLE = rx(r"\bexports?\b|international traffic in arms|munitions list")
# A document whose own action is only to extend or reopen a comment period.
_COMMENT_PERIOD = rx(r"\b(?:extend\w*|reopen\w*|extension of)\b[^.;]{0,60}?\bcomment")
_OWN_ACTION = rx(
    r"\b(?:amend(?:s|ing)?|revis(?:e|es|ing)|add(?:s|ing)?|remov(?:e|es|ing)|impos(?:e|es|ing)|expand(?:s|ing)?|"
    r"establish(?:es|ing)?|implement(?:s|ing)?)\b"
)
_CORRECTION = rx(r";\s*corrections?\s*$")
# Abstract sentences that recall an earlier rule rather than state this document's action: those that open
# with a date, and those that recall a rule or an addition. A dated opening counts after one of
# _FR_BACKGROUND_OPENINGS or with one of _FR_BACKGROUND_WORDS; a recall needs one of _FR_RECALL_NEEDS.
_FR_BACKGROUND_OPENINGS = ("on ", "in ", "between ", "before ", "since ", "effective ")
_FR_BACKGROUND_WORDS = ("rule", "added", "previously")
_FR_DATED = rx(
    r"(?:on|in|between|before|since|effective)\s+(?:[a-z]+\s+\d{1,2},\s+\d{4}|[a-z]+\s+(?:and\s+[a-z]+\s+)?\d{4})"
)
_FR_RECALL = rx(
    r"\bthat (?:final |interim final )?rule\b|\bpublished (?:in the federal register )?(?:a|an|the) (?:final |interim final )?rule\b",
    r"\b(?:were|was|had been) added\b|\bpreviously\b",
)
_FR_RECALL_NEEDS = need_words("that rule|that final rule|that interim final rule|published|added|previously")

# News: what makes a sentence not about export controls, and the anchors that keep it about them.
_STRONG_OFF = rx(
    r"unreliable entit|\bUFLPA\b|forced labor|tiktok|\bLNG\b|liquefied natural gas|natural gas|driver'?s?\s+licen|"
    r"driving licen|\bDMV\b|real id|browser extension|chrome|\btax(?:es)?\b|\bIRS\b|legal entity|entity framework|"
    r"licen[cs]e plate|music licen|liquor licen|gaming licen|broadcast licen|spectrum licen|licen[cs](?:e|ing) (?:deal|agreement|fee)|"
    r"patent licen|open.source licen|software licen[cs]e agreement|file extension|hair extension|extension cord|"
    r"\bvisas?\b|\bH-?1B\b|rip.and.replace|section 301|section 232|\bCFIUS\b|connected vehicle|"
    r"\bICTS\b|publicly traded securities|commerce ministry|ministry of commerce|\bMOFCOM\b|antidumping|countervailing"
)
# Every match of _STRONG_OFF holds one of these (of _WEAK_OFF, _EXPLAINER: the next ones): most headlines and
# clauses hold none, and skip their searches.
_STRONG_OFF_NEEDS = need_words(
    "unreliable entit|uflpa|forced labor|tiktok|lng|natural gas|driver|driving licen|dmv|real id|browser extension|"
    "chrome|tax|irs|legal entity|entity framework|e plate|music licen|liquor licen|gaming licen|broadcast licen|"
    "spectrum licen|e deal|g deal|e agreement|g agreement|e fee|g fee|patent licen|source licen|file extension|"
    "hair extension|extension cord|visa|1b|replace|section 301|section 232|cfius|connected vehicle|icts|"
    "publicly traded securities|commerce ministry|ministry of commerce|mofcom|antidumping|countervailing"
)
_WEAK_OFF = rx(
    r"\btariffs?\b|\bFCC\b|federal communications commission|universal service fund|\bOFAC\b|office of foreign assets control|"
    r"\btreasury\b|specially designated nationals|\bSDN\b|pentagon|defense department|department of defense|\bDoD\b"
)
_WEAK_OFF_NEEDS = need_words(
    "tariff|fcc|federal communications|universal service|ofac|foreign assets|treasury|specially designated|sdn|"
    "pentagon|defense|dod"
)
_ANCHOR = rx(
    r"(?<!unreliable )entity list|\bBIS\b|bureau of industry|commerce department|department of commerce|"
    r"\bcommerce\b(?! ministry)|temporary general licen|\bTGL\b|export administration regulations|\bEAR\b|export controls?"
)
_LICENCE_CONTEXT = rx(
    r"export|entity list|commerce|\bBIS\b|huawei|zte|smic|blacklist|sell|sales|supply|suppl(?:y|iers)|ship|chips?|"
    r"semiconductor|technology|temporary general|fabs?\b"
)
# A news item that explains a process and reports no action.
_EXPLAINER = rx(
    r"\bhow to\b|\bwhat (?:it|they) (?:is|are)\b|^understanding\b|\boverview\b|\bremoval process\b|\bexplainer on how\b|"
    r"\bno (?:new |specific )?(?:listing |removal )?(?:action|listing|removal)s?\b[^.]{0,30}\breported\b"
)
_EXPLAINER_NEEDS = need_words("how to|what it|what they|understanding|overview|removal process|explainer|reported")

# News sentences that only recall what happened before, not what this item reports.
_BACKGROUND = rx(
    r"\b(?:which|who|that) (?:was|were|had been|has been) (?:added|placed|put|blacklisted)|\bremains? on\b|"
    r"\bremaining on\b|\bremain\w* under\b|\bsince (?:being|it was|its)\b|\bafter (?:being|it was) (?:added|placed|blacklisted)|"
    r"\balready (?:on|been)\b|\bpreviously\b|\bhas been on\b|\bwas part of\b|\bsince (?:january|february|march|april|"
    r"may|june|july|august|september|october|november|december|\d{4})\b|\bearlier this year\b|\blast year\b|"
    r"\bhave been (?:added|placed)\b|\bwas (?:added|placed|blacklisted) (?:to|on)\b|\b(?:has|have) blacklisted\b|"
    r"\brecall(?:s|ed|ing)\b|\bafter (?:renewing|extending|adding|placing|listing)\b"
)
_IN_MONTH = rx(
    r"\bin (January|February|March|April|May|June|July|August|September|October|November|December)\b(?:\s+(\d{4}))?"
)
_IN_YEAR = rx(r"\b(?:in|since|during)\s+(?:(?:early|late|mid)[- ])?((?:19|20)\d\d)\b(?!\s*[-–]\d)")
_MONTH_NUM = {
    name: number
    for number, name in enumerate(
        ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october")
        + ("november", "december"),
        start=1,
    )
}

_HIGH_LABELS = frozenset({ADDITION, REMOVAL})
_MEDIUM_LABELS = frozenset({REVISION, DECISION, POLICY, EXTENSION})
_EVIDENCE_CHARS = 400
# News: the event is in the first paragraphs; later sentences are more often background.
_NEWS_SENTENCES = 40
# The clause around a match that a veto, an off-topic word or a background cue must fall in.
_BEFORE, _AFTER = 100, 60


def _window(sentence: str, match: re.Match[str], *, whole: bool = False) -> str:
    """The clause around a match, cut at semicolons: cues in another clause belong to another action.

    ``whole`` keeps the whole clause (a title segment) instead of the characters near the match.
    """
    start = sentence.rfind(";", 0, match.start()) + 1
    stop = sentence.find(";", match.end())
    stop = len(sentence) if stop < 0 else stop
    if whole:
        return sentence[start:stop]
    return sentence[max(start, match.start() - _BEFORE) : min(stop, match.end() + _AFTER)]


def _is_background(sentence: str, match: re.Match[str], published: date | None) -> bool:
    """Whether a match only recalls the past: a cue next to it, or an earlier date in its clause."""
    if _BACKGROUND.search(sentence, max(0, match.start() - 40), match.end() + 40):
        return True
    if published is None:
        return False
    clause = sentence[sentence.rfind(";", 0, match.start()) + 1 : match.end() + 40]
    if any(int(year.group(1)) < published.year for year in _IN_YEAR.finditer(clause)):
        return True
    return any(_before_last_month(named.group(1), named.group(2), published) for named in _IN_MONTH.finditer(clause))


def _before_last_month(month_name: str, year_digits: str | None, published: date) -> bool:
    """Whether "in May" (of ``year_digits``, or of the item's year) is before the month before publication."""
    month = _MONTH_NUM[month_name.lower()]
    year = int(year_digits) if year_digits else published.year
    return year * 12 + month < published.year * 12 + published.month - 1


def _off_topic(clause: str) -> bool:
    """Whether a clause holds a false friend.

    Every match holds one of the needed words (tests/unit/test_rule_prefilters.py): a clause holding none skips the
    search. Testing the clause, not the whole item, costs less: few clauses are read, and they are short.
    """
    return (holds_any(clause, _STRONG_OFF_NEEDS) and bool(_STRONG_OFF.search(clause))) or (
        holds_any(clause, _WEAK_OFF_NEEDS) and bool(_WEAK_OFF.search(clause)) and not _ANCHOR.search(clause)
    )


def _hit(pattern: Dual, veto: Dual | None, text: str, *, whole: bool = False) -> re.Match[str] | None:
    for match in pattern.finditer(text):
        if veto is None or not veto.search(_window(text, match, whole=whole)):
            return match
    return None


# --- Federal Register ---------------------------------------------------------------------------------------


def _fr_background(sentence: str) -> bool:
    # "rule", the word most abstracts hold, no longer sends every sentence through the recall alternation.
    if _FR_DATED.match(sentence) and (
        sentence.startswith(_FR_BACKGROUND_OPENINGS) or holds_any(sentence, _FR_BACKGROUND_WORDS)
    ):
        return True
    return holds_any(sentence, _FR_RECALL_NEEDS) and bool(_FR_RECALL.search(sentence))


def _fr_in_scope(item: Item, title: str, body: list[str]) -> bool:
    if holds_any(title, _FR_OUT_NEEDS) and _FR_OUT.search(title):
        return False
    if item.agencies and not any(_BIS_AGENCY.search(a) for a in item.agencies) and not _EXPORT_TITLE.search(title):
        return False
    if not any("comment" in s for s in body):
        return True
    comment_only = any(_COMMENT_PERIOD.search(s) for s in body) and not any(
        _OWN_ACTION.search(s) and "comment" not in s for s in body if not _fr_background(s)
    )
    return not comment_only


def _classify_fr(item: Item, lines: list[str]) -> dict[str, int]:
    """Label -> index of the evidence in ``lines`` (title first, then the abstract's sentences)."""
    title, body = lines[0], lines[1:]
    if not _fr_in_scope(item, title, body):
        return {}
    correction = bool(_CORRECTION.search(title))
    lowered = " ".join(lines)
    rules = [rule for rule in _FR_RULES if rule.may_match(lowered)]
    found: dict[str, int] = {}
    # An Entity List title frames the document even when it says no more than "Revisions to the Entity List".
    framed = bool(_ENTITY_LIST.search(title))
    for rule in rules:
        if rule.title is not None and rule.may_match(title) and _hit(rule.title, rule.veto, title, whole=True):
            framed = True
            # A correction to added or removed entries revises those entries.
            label = REVISION if correction and rule.label in (ADDITION, REMOVAL) else rule.label
            found.setdefault(label, 0)
    own = [index for index, sentence in enumerate(lines) if index and not _fr_background(sentence)]
    for rule in rules:
        if rule.sentence is None or rule.label in found or (rule.generic_only and framed):
            continue
        for index in own:
            if rule.may_match(lines[index]) and _hit(rule.sentence, rule.veto, lines[index]):
                found[rule.label] = index
                break
    if title and item.agencies and not any(_BIS_AGENCY.search(a) for a in item.agencies):
        # Another agency's export-control action (State's ITAR, the NRC's export licences).
        found.setdefault(OTHER, 0)
    return found


# --- News ---------------------------------------------------------------------------------------------------


def _news_evidence(rule: Rule, lines: list[str], published: date | None) -> int | None:
    """The index of the first line stating the rule's action."""
    if rule.sentence is None:
        return None
    needs_context = rule.label in (DECISION, POLICY, EXTENSION)
    for index, sentence in enumerate(lines):
        if not rule.may_match(sentence):  # a line holding none of the words the rule needs: no search
            continue
        for match in rule.sentence.finditer(sentence):
            clause = _window(sentence, match)
            if rule.veto is not None and rule.veto.search(clause):
                continue
            if _off_topic(clause):
                continue
            if _is_background(sentence, match, published):
                continue
            if needs_context and not (_LICENCE_CONTEXT.search(sentence) or _LICENCE_CONTEXT.search(lines[0])):
                continue
            return index
    return None


def _classify_news(item: Item, lines: list[str], wanted: Collection[str] | None = None) -> dict[str, int]:
    """Label -> index of the evidence in ``lines`` (headline first, then the first sentences).

    Each label's evidence is found independently of the others': only the ``wanted`` labels' rules run (all when
    None).
    """
    head = " ".join(lines[:3])
    # The head starts with the title: one search covers both.
    if holds_any(head, _EXPLAINER_NEEDS) and _EXPLAINER.search(head):
        return {}
    lowered = " ".join(lines)
    # A headline about a false friend: as in _off_topic, a title without its words needs no search.
    if holds_any(lines[0], _STRONG_OFF_NEEDS) and _STRONG_OFF.search(lines[0]) and not _ANCHOR.search(lines[0]):
        return {}
    published = to_date(item.published)
    found: dict[str, int] = {}
    for rule in _NEWS_RULES:
        if (wanted is not None and rule.label not in wanted) or rule.label in found or not rule.may_match(lowered):
            continue
        evidence = _news_evidence(rule, lines, published)
        if evidence is not None:
            found[rule.label] = evidence
    addition = found.get(ADDITION)
    if addition is not None and not _ENTITY_LIST.search(lines[addition]) and _OTHER_KEEPER.search(head):
        # "Blacklist" alone is ambiguous; here the item says the list is another agency's.
        del found[ADDITION]
    return found


# --- Both ---------------------------------------------------------------------------------------------------


def _trim(sentence: str) -> str:
    sentence = " ".join(sentence.split())
    return sentence if len(sentence) <= _EVIDENCE_CHARS else sentence[: _EVIDENCE_CHARS - 1].rstrip() + "…"


def scope_of(item: Item, reading: Reading | None = None) -> list[str]:
    """The lines classification reads: the title (possibly empty) first, then the text's sentences."""
    body = (reading or read(item)).body
    return [item.title.strip(), *(body if item.source == FR else body[: _NEWS_SENTENCES - 1])]


def rule_evidence(item: Item, scope: list[str], wanted: Collection[str] | None = None) -> dict[str, int]:
    """Label -> index in ``scope`` of the line the rules take as evidence for it.

    ``wanted``: the labels whose evidence is asked for (all when None). News reads only their rules; a Federal
    Register document is read whole, since its title's frame decides which of its sentences count.
    """
    lines = [plain(sentence).lower() for sentence in scope]
    return _classify_fr(item, lines) if item.source == FR else _classify_news(item, lines, wanted)


def worded(item: Item, scope: list[str]) -> bool:
    """Whether an item holds a word some news rule's action needs (any Federal Register document does).

    Without one ("Commerce Department news. Read the full story on our site.") nothing states an action, and the
    model's likeliest label would be a guess.
    """
    if item.source == FR:
        return True
    lowered = " ".join(scope).lower()
    return any(rule.may_match(lowered) for rule in _NEWS_RULES)


def _evidence_line(model: trained.Model, label: str, per_line: list[set[str]]) -> int:
    """The line that speaks most for a label the rules found no sentence for (an empty title never does)."""
    scores = [model.line_score(label, found) if found else float("-inf") for found in per_line]
    return max(range(len(per_line)), key=lambda index: (scores[index], -index))


# A removal or revision the model proposes without the rules must at least be stated: its verb somewhere in
# what was read. "Addition of Entities to the Entity List" shares most words with rules that also revise
# entries, but states no revision; an alert saying "entries revised" on its strength would be wrong.
_STATED = {
    REMOVAL: Dual(r"remov|delet|delist|lift|drop|rescind|take[sn]? off|took off|eas(?:e|ed|es|ing)\b", re.I),
    # docs/labels.md: entries changed, or a change to listed entities as a class (affiliates, a foreign direct
    # product designation, a release of technology). Every rule "amends the EAR" and many say how it "applies";
    # those verbs state a revision only with entries, names, addresses or licence terms as their object.
    REVISION: Dual(
        r"revis|modif|correct|renam|affiliat|owne[dr]|ownership|foreign(?:-produced)? direct product|footnote"
        r"|release of technology"
        r"|\b(?:amend|chang|updat|clarif|appl(?:y|ies|ied|ying)\b|expan|extend)\w*(?:(?!\bby\b)[^.;]){0,60}?"
        r"\b(?:entr(?:y|ies)|entit(?:y|ies)\b(?! list)|names?|address(?:es)?|alias(?:es)?|licen[cs]e requirements?"
        r"|review polic(?:y|ies))\b",
        re.I,
    ),
}


def _stated(label: str, lines: Iterable[str]) -> bool:
    cue = _STATED.get(label)
    return cue is None or any(cue.search(line) for line in lines)


def _acted_or_all(find: Callable[[str], list[str]], acted: str, text: str) -> list[str]:
    """What ``find`` finds where the action is stated, else in the whole text (one search when they are one)."""
    return find(acted) or (find(text) if text != acted else [])


def _severity(labels: Iterable[str], entities: Iterable[str], watched: frozenset[str]) -> str | None:
    labels = set(labels)
    if not labels:
        return None
    if labels & _HIGH_LABELS or (watched and {entity_key(e) for e in entities} & watched):
        return "high"
    if labels & _MEDIUM_LABELS:
        return "medium"
    return "low"


# A clause that recalls the past: a background cue, the past perfect ("licences had earlier been granted to ..."),
# or a date ("in 2015", "in May"); one scan for all (group 1: a year, groups 2 and 3: a month and its year).
_RECALLS = Dual(
    rf"{_IN_YEAR.pattern}|{_IN_MONTH.pattern}|{_BACKGROUND.pattern}|"
    r"\bhad (?:\w+ )?(?:been|listed|added|placed|put|granted|issued|imposed|revoked)\b|"
    r"\bearlier (?:listed|added|placed|put|granted|issued|imposed|revoked|renewed)\b"
)
# The same matches after the clause's start, found from the character before their word: a pattern starting with
# \b is tried at every character, one starting with \W only at the non-word ones (as parties._Words). Every
# alternative ends on a letter or digit, so no match ends where the next one's \W would be.
_RECALLS_AFTER = Dual(rf"\W(?:{_RECALLS.pattern})")


def _recalls(clause: str) -> Iterator[re.Match[str]]:
    """The matches of ``_RECALLS`` in ``clause`` as its ``finditer`` gives them: the same groups and ends.

    After the clause's start each match starts one character early, on the character before its word.
    """
    ascii_text = clause.isascii()
    first = _RECALLS.variants[ascii_text].match(clause)
    if first:
        return chain((first,), _RECALLS_AFTER.variants[ascii_text].finditer(clause, first.end()))
    return _RECALLS_AFTER.variants[ascii_text].finditer(clause)


# The lede: news states its event and names its parties in the first sentences; later ones are context.
_LEDE_SENTENCES = 3


def _recalls_past(clause: str, published: date | None) -> bool:
    """Whether a lower-cased clause recalls the past rather than reports the news."""
    for match in _recalls(clause):
        if match.group(1):
            if published and int(match.group(1)) < published.year:
                return True
        elif match.group(2):
            if published and _before_last_month(match.group(2), match.group(3), published):
                return True
        else:
            return True
    return False


def _lede(sentences: list[str], published: date | None, acted: list[str]) -> tuple[list[str], list[str], list[str]]:
    """The clauses of the lede that report the news, those that recall the past, and the later text.

    A sentence already among ``acted`` (the title and evidence) is left out of all three. A clause recalling the
    past ("YMTC had been listed in December") names an earlier action's parties: only a removal or revision undoes
    or changes that action, and only there may it name the parties acted on ("the institute had been listed in 2020").
    """
    told: list[str] = []
    past: list[str] = []
    for sentence in sentences[:_LEDE_SENTENCES]:
        if sentence in acted:
            continue
        for clause in sentence.split(";"):
            (past if _recalls_past(clause.lower(), published) else told).append(clause)
    return told, past, sentences[_LEDE_SENTENCES:]


def classify(
    item: Item,
    *,
    watched: frozenset[str] = frozenset(),
    reading: Reading | None = None,
    choose_parties: Callable[[Context], tuple[str, ...]] | None = None,
) -> Classification:
    """Classify one item.

    Parameters
    ----------
    item
        The normalized item.
    reading
        The item's text as ``sentences.read`` gives it, when the caller has read it already.
    watched
        Entity keys (see :func:`exportwatch.classify.parties.entity_key`) a subscriber watches; an item
        naming one of them is high severity.
    choose_parties
        Chooses a news item's parties from what was read (default: the trained ``party_model.choose``);
        training passes one that records the contexts and keeps the rules' choice.

    Returns
    -------
    Classification
        No labels when the item is not an export-control action.
    """
    # The title always comes first (possibly empty), so evidence index 0 is the title.
    scope = scope_of(item, reading)
    model = trained.load()
    read_by_model = trained.scope(scope[0], scope[1:], item.source)
    tokens = trained.tokenize(read_by_model)
    features = trained.item_features(tokens, item.source, item.agencies)
    chances = model.chances(features)
    rules_suffice = trained.rules_suffice(features)
    if not model.gate_open(chances) and not rules_suffice:
        return Classification()  # the rules need not run: they could not label it
    # Rule evidence counts only for the labels the model weighs (Model.weighed), unless the rules suffice: news
    # reads their rules first, and another label's only once the label is decided and its evidence wanted.
    wanted = None if rules_suffice or item.source == FR else model.weighed(chances)
    ruled = rule_evidence(item, scope, wanted)
    decided = model.decide(chances, ruled, rules_suffice=rules_suffice, worded=bool(ruled) or worded(item, scope))
    unread = [label for label in decided if wanted is not None and label not in wanted]
    if unread:
        ruled.update(rule_evidence(item, scope, unread))
    unstated = [label for label in decided if label not in ruled and not _stated(label, read_by_model)]
    if len(unstated) < len(decided):
        decided = [label for label in decided if label not in unstated]
    if not decided:
        return Classification()
    per_line = trained.lines_features(tokens) if any(label not in ruled for label in decided) else []
    found = {label: ruled[label] if label in ruled else _evidence_line(model, label, per_line) for label in decided}
    labels = tuple(sorted(found, key=_LABEL_ORDER.__getitem__))
    evidence = tuple(Evidence(label, _trim(scope[found[label]])) for label in labels)
    # The parties acted on are those named where the action is stated (title and evidence);
    # others the text mentions in passing ("like Hikvision before it") are background.
    acted = [scope[0], *(scope[index] for index in found.values())]
    # ... and those the lede's other clauses name, unless the clause recalls the past; the rest only when they do not.
    told, past, later = _lede(scope[1:], to_date(item.published), acted)
    rest = [*past, *later] if UNDOES.intersection(labels) else later
    acted_once = list(dict.fromkeys(acted))
    stated_text = ". ".join(acted_once)
    parties = read_parties(". ".join([stated_text, *told]), within=len(stated_text))
    parties = parties if parties.named else read_parties(" ".join(rest), lists=False)
    entities = tuple(parties.named)
    stated = tuple(parties.stated or parties.confirmed)
    if item.source != FR:  # a rule's parties come from its entries (``entity_list.rule_text``)
        context = Context(scope[0], tuple(scope[1:]), entities, stated, labels, frozenset(past))
        entities = party_model.with_stated((choose_parties or party_model.choose)(context), stated)
    acted_text = " ".join(acted_once)
    scope = [sentence for sentence in scope if sentence]
    text = " ".join(scope)
    dates = find_dates(scope, item.published, extension=EXTENSION in found)
    if item.effective_on:
        dates["effective"] = item.effective_on
    if item.comments_close_on:
        dates["comments_close"] = item.comments_close_on
    return Classification(
        labels=labels,
        severity=_severity(labels, entities, watched),
        entities=entities,
        countries=tuple(_acted_or_all(find_countries, acted_text, text)),
        dates=dates,
        evidence=evidence,
        aliases=find_aliases(text, entities),
        stated=stated,
    )
