"""Multi-label classification of export-control items, with evidence for every label.

Rules, not a model: every label must point at the title span or sentence that justifies it, the rules
can be read and argued with by a compliance officer, and they run at thousands of items a second.
docs/labels.md states the labelling rules; ``exportwatch eval`` measures these rules against them.

The shape of the decision:

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
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from exportwatch.classify.dates import DATE_RE, find_dates, parse_date, to_date
from exportwatch.classify.parties import entity_key, find_aliases, find_countries, find_parties
from exportwatch.models import LABELS, Classification, Evidence, Item

_I = re.IGNORECASE
# A pattern's escape sequences, or the text between them (see _rx).
_ESCAPE_OR_TEXT = re.compile(r"\\.|[^\\]+")
_FR = "federal_register"
_NEWS = "news"
_ADDITION, _REMOVAL, _REVISION = "entity_list.addition", "entity_list.removal", "entity_list.revision"
_DECISION, _POLICY, _EXTENSION, _OTHER = "license.decision", "license.policy", "extension", "other_export_control"


def _rx(*parts: str) -> re.Pattern[str]:
    r"""Compile the alternatives for matching lower-cased text.

    Matching lower-cased text with a case-sensitive pattern is several times faster than ``re.IGNORECASE``.
    The letters of the pattern are lower-cased too, but not its escapes (``\S`` must stay ``\S``).
    """
    pattern = "|".join(f"(?:{p})" for p in parts)
    return re.compile(_ESCAPE_OR_TEXT.sub(lambda m: m.group() if m.group()[0] == "\\" else m.group().lower(), pattern))


def _needs(words: str) -> tuple[str, ...]:
    return tuple(words.split("|"))


@dataclass(frozen=True, slots=True)
class _Rule:
    """Where one label's evidence may be found, and what cancels a match.

    ``veto`` is searched in the clause around a match (see :func:`_window`): a hit means a false friend
    ("criteria that may lead to additions", "removed from the Unverified List"). ``generic_only`` (Federal
    Register) lets sentences count only when no rule recognised the title: an abstract's passing mention of a
    licence exception does not turn a Wassenaar rule into a licence-policy change. ``needs`` lists lower-case
    words of which every match contains one: an item with none of them skips the rule's regular expressions.
    """

    label: str
    source: str
    title: re.Pattern[str] | None = None
    sentence: re.Pattern[str] | None = None
    veto: re.Pattern[str] | None = None
    generic_only: bool = False
    needs: tuple[str, ...] = ()

    def may_match(self, lowered: str) -> bool:
        """Whether the item (lower-cased) holds a word every match needs; the cheap test before the regexes."""
        return not self.needs or any(word in lowered for word in self.needs)


# Lists a news item may call the Entity List; China's "unreliable entity list" and the UFLPA list are vetoed.
_LIST = r"(?:the\s+|its\s+|a\s+)?(?:[\w.'’-]+\s+){0,3}?(?:entity\s+list|(?:trade|export|government|commerce|economic)\s+black\s?list|black\s?list|embargo\s+list)\b"
_OTHER_LIST = r"unverified list|\bUVL\b|military end.?user\s+(?:\(MEU\)\s+)?list|\bMEU list|validated end.?user|\bVEU\b"
_HYPOTHETICAL = r"\b(?:may|might|could|would|can)\s+(?:lead|result)\b|\bcriteria\b|\bbasis for\b"
# Asking for an action is not the action.
_REQUEST = r"\b(?:ask\w*|call\w* (?:on|for)|urg\w*|seek\w*|wants?|request\w*|petition\w*|lobb\w*)\b"

# Regulation frames that make a title other_export_control rather than licence policy.
_REGIME = r"wassenaar|australia group|missile technology|\bMTCR\b|nuclear suppliers group|\bNSG\b|commerce control list|export control classification number|\bECCNs?\b|0Y521"

RULES: tuple[_Rule, ...] = (
    # --- Federal Register -------------------------------------------------------------------------------
    _Rule(
        _ADDITION,
        _FR,
        needs=_needs("entity list"),
        title=_rx(r"\badditions?\b[^;:]{0,80}?\bto the entity list\b", r"\bentity list additions?\b"),
        sentence=_rx(
            r"\b(?:adds?|adding|(?:is|are|being|be)\s+added|transfer(?:s|ring)?|mov(?:es|ing))\b[^.;]{0,200}?\bto the entity list\b",
            r"\badding\b[^.;]{0,80}?\bentit(?:y|ies)\b[^.;]{0,60}?\bto\s+(?:the\s+)?entity list\b",
        ),
        veto=_rx(_HYPOTHETICAL),
    ),
    _Rule(
        _REMOVAL,
        _FR,
        needs=_needs("entity list"),
        title=_rx(r"\bremovals?\b[^;:]{0,60}?\b(?:from|on) the entity list\b", r"\bentity list removals?\b"),
        sentence=_rx(r"\bremov(?:e|es|ing)\b[^.;]{0,120}?\bfrom the entity list\b"),
        veto=_rx(r"\b(?:address(?:es)?|aliases|alias)\b"),
    ),
    _Rule(
        _REVISION,
        _FR,
        needs=_needs("entr|entit|alias|address"),
        title=_rx(
            r"\brevisions?\b[^;:]{0,30}?\b(?:of|to)\b[^;:]{0,20}?\b(?:entr(?:y|ies)|entities)\b",
            r"\bmodifications?\b[^;:]{0,30}?\bentity list\b",
            r"\bentity list modifications?\b",
            r"\bamendments?\b[^;:]{0,80}?\bthe entity list\b",
            r"\bcorrection of entries\b",
            # A change for listed entities as a class changes what every entry means.
            r"\b(?:to|for|of|cover)\s+(?:affiliates of\s+)?(?:certain\s+)?(?:listed entities|entities on the entity list)\b",
        ),
        sentence=_rx(
            r"\b(?:revis|modif|amend|correct|updat)\w*\s+(?:(?!by\b|adding\b)[\w-]+\s+){0,5}?(?:existing\s+)?(?:entr(?:y|ies)|entit(?:y|ies))\b[^.;]{0,80}?\bentity list\b",
            r"\b(?:revis|modif|amend|correct)\w*\s+(?:(?!by\b|adding\b)\w+\s+){0,6}?(?:existing\s+)?entr(?:y|ies)\b",
            r"\bmodifications? to the entries\b",
            r"\b(?:to|for)\s+(?:\w+\s+){0,2}existing\s+(?:entr(?:y|ies)|entities)\b",
            r"\bremov(?:e|es|ing)\s+(?:\w+\s+){0,2}(?:aliases|alias|addresses|address)\b",
        ),
        veto=_rx(_OTHER_LIST),
    ),
    _Rule(
        _DECISION,
        _FR,
        title=_rx(r"\b(?:existing|revocation of|revoking|removals? from the)\s+validated end.?user\b"),
    ),
    _Rule(
        _EXTENSION,
        _FR,
        needs=_needs("temporary general|extension of|validity|deadline|status|these controls"),
        title=_rx(r"\btemporary general licen[cs]e\b", r"\bextension of\b(?!\s+(?:the\s+)?(?:public\s+)?comment)"),
        sentence=_rx(
            r"\b(?:extend\w*|renew\w*)\b[^.;]{0,100}?\b(?:temporary general licen[cs]e|validity|deadline|status|these controls|that status)\b",
            r"\b(?:remov\w*|expir\w*|lapse\w*|end\w*)\b[^.;]{0,40}?\btemporary general licen[cs]e\b",
            # Issuing a TGL starts a deadline too.
            r"\b(?:establish\w*|issu(?:e|es|ing)|creat\w*)\s+(?:a|an|the)\s+(?:new\s+)?temporary general licen[cs]e\b",
        ),
        veto=_rx(r"\bcomment", r"\bdenial orders?\b|\bTDOs?\b"),
    ),
    _Rule(
        _POLICY,
        _FR,
        title=_rx(
            r"\blicen[cs]e requirements?\b|\blicen[cs]e exceptions?\b|\blicen[cs]e (?:application )?(?:review )?polic(?:y|ies)\b",
            r"\bforeign[- ](?:produced[- ])?direct[- ]product\b",
            r"\b(?:implementation|imposition) of (?:additional |further |new )?sanctions\b|\bsanctions against\b|\bsanctions and related\b",
            r"\bimplementation of (?:additional|further|new)\b|\bimplementation of (?:export )?controls\b",
            r"\bexpansion of\b[^;:]{0,60}?\bcontrols\b|\bexpansion of validated end.?user\b",
            r"(?:\bexport|\breexport|\btransfer|\(in-country\))\s+controls?\s+(?:on|for)\b|\bexport control (?:measures|revisions)\b",
            r"\b(?:relax|streamlin|eas|tighten)\w*\b[^;:]{0,30}?\bcontrols\b|\bfavorable treatment\b",
            r"\bend.?user controls\b|\bend.?use and end.?user\b|\bcountries excluded\b",
            r"\bstandards(?:-related)? (?:activities|organizations)\b",
            r"\b(?:release|authorization) of\b[^;:]{0,40}?\bto (?:certain )?entities on the entity list\b",
        ),
        # Words inside "Request for Comments on ..." are a question, not an action; sanctions imposed "with the
        # addition of entities" are those additions.
        veto=_rx(r"\brequest for (?:public )?comments?\b", r"\bwith the addition\b"),
    ),
    _Rule(
        _POLICY,
        _FR,
        # A weak frame: item controls in a regime or Commerce Control List update are that update.
        title=_rx(r"\bcontrols on\b"),
        veto=_rx(_REGIME),
    ),
    _Rule(
        _POLICY,
        _FR,
        needs=_needs("licen|presumption|case|direct"),
        sentence=_rx(
            r"\b(?:new|additional|impos\w+|add\w*|expand\w*|remov\w*|revis\w*)\b[^.;]{0,40}?\blicen[cs](?:e|ing) requirements?\b",
            r"\blicen[cs]e exceptions?\b",
            r"\blicen[cs]e (?:application )?(?:review )?polic(?:y|ies)\b|\bpresumption of (?:denial|approval)\b|\bcase.by.case\b",
            r"\bforeign[- ](?:produced[- ])?direct[- ]product\b",
            r"\b(?:must|now)\s+(?:apply for|obtain|need)\b[^.;]{0,20}?\blicen[cs]e\b",
            r"\blicen[cs]e-free\b",
        ),
        generic_only=True,
    ),
    _Rule(
        _OTHER,
        _FR,
        title=_rx(
            r"\bunverified list\b|\bUVL\b|\bmilitary end.?user\s+(?:\(MEU\)\s+)?list\b|\bMEU list\b",
            r"\bdenial of export privileges\b|\bdenying export privileges\b|\btemporary denial order\b|\bdenial orders?\b",
            r"wassenaar|australia group|missile technology|\bMTCR\b|nuclear suppliers group",
            r"international traffic in arms|munitions list|chemical and biological weapons|\bCBW\b",
            r"\bcongressional notification\b|\bconforming (?:change|changes|and clarifying)\b",
            # A title segment headed by clarifying or reorganizing: an EAR amendment that sets no new policy.
            r"(?:^|[:;]\s*)(?:organization|clarification)s?\b",
            r"\brequest for (?:public )?comments?\b[^;:]{0,120}?\b(?:export control|temporary general licen[cs]e)",
        ),
    ),
    _Rule(
        _OTHER,
        _FR,
        # Classifying items on the Commerce Control List; extending a temporary classification is an extension.
        title=_rx(
            r"commerce control list|export control classification number|\bECCNs?\b|0Y521|\btechnical amendments?\b"
        ),
        veto=_rx(r"\bextension\b"),
    ),
    _Rule(
        _OTHER,
        _FR,
        needs=_needs("unverified|uvl|military end|meu"),
        sentence=_rx(
            r"\b(?:adds?|adding|add|remov(?:e|es|ing)|(?:is|are|being)\s+(?:added|removed))\b[^.;]{0,160}?\b(?:to|from) the (?:unverified list|UVL|military end.?user\s+(?:\(MEU\)\s+)?list|MEU list)\b",
            r"\btransfer\w*\b[^.;]{0,60}?\bfrom the (?:military end.?user\s+(?:\(MEU\)\s+)?list|MEU list)\b",
        ),
        veto=_rx(r"\bafter (?:they|it) (?:were|was)\b"),
    ),
    _Rule(
        _OTHER,
        _FR,
        needs=_needs(
            "wassenaar|australia group|missile technology|mtcr|nuclear suppliers|nsg|commerce control list|classification number|eccn|0y521|traffic in arms|export administration regulations|the ear"
        ),
        sentence=_rx(
            _REGIME,
            r"\binternational traffic in arms\b",
            r"\b(?:amend\w*|revis\w*|clarif\w*|correct\w*)\b[^.;]{0,60}?\b(?:export administration regulations|the EAR)\b",
        ),
        generic_only=True,
    ),
    # --- News -----------------------------------------------------------------------------------------------
    _Rule(
        _ADDITION,
        _NEWS,
        needs=_needs("list|trade restrictions"),
        sentence=_rx(
            rf"\b(?:adds?|added|adding|places?|placed|placing|puts?|putting|designat\w+|moved)\b[^.;]{{0,240}}?\b(?:to|on|onto)\s+{_LIST}",
            rf"\b(?:added|placed|put)\s+(?:to|on)\s+{_LIST}",
            r"\b(?:u\.?s\.?|us|america|washington|commerce|department|administration|government|BIS)\s+blacklists\b|\bblacklisting of\b",
            r"\blists?\s+(?:\d+|dozens of)\s+(?:more|additional|new)\b",
            r"\b(?:impos\w*|plac\w*)\s+trade restrictions on\s+(?:\S+\s+){0,2}?(?:entities|companies|firms|parties)\b",
            rf"\badditions? of\b[^.;]{{0,60}}?\bto\s+{_LIST}",
            r"\badditions? to the entity list\b|\bnew\b[^.;]{0,40}?\bentity listings\b",
        ),
        veto=_rx(
            _HYPOTHETICAL, _REQUEST, r"\bpolicy of\b", r"\bunreliable\b|\bUFLPA\b|forced labor|military companies"
        ),
    ),
    _Rule(
        _REMOVAL,
        _NEWS,
        needs=_needs("list|removed|delisted|taken off"),
        sentence=_rx(
            rf"\b(?:remov\w*|delist\w*|took|takes?|taking|lift\w*|drops?|dropped)\b[^.;]{{0,140}}?\b(?:from|off)\s+{_LIST}",
            r"\b(?:entity list|black\s?list)\b[^.;]{0,40}?\bremov(?:es|ed)\b",
            r"\b(?:entit(?:y|ies)|entries|parties|companies)\s+(?:were|was|are|is|have been)\s+(?:also\s+)?(?:removed|delisted|taken off)\b",
        ),
        # A removed licence is not a delisting.
        veto=_rx(_OTHER_LIST, _REQUEST, r"\bunreliable\b|\bUFLPA\b|forced labor|\blicen[cs]e\b"),
    ),
    _Rule(
        _REVISION,
        _NEWS,
        needs=_needs("entr"),
        sentence=_rx(
            r"\b(?:revis|modif|amend|correct|updat)\w*\s+(?:[\w-]+\s+){0,3}?(?:existing\s+)?(?:[\w-]+\s+)?entr(?:y|ies)\b"
        ),
    ),
    _Rule(
        _DECISION,
        _NEWS,
        needs=_needs(
            "licen|approval|permission|go|nod|ok|sell|supply|ship|resume|sales|waiver|authori|validated end|intent"
        ),
        sentence=_rx(
            r"\b(?:grant\w*|approv\w*|issu(?:e|es|ed|ing)|revok\w*|rescind\w*|den(?:y|ies|ied|ying)|reject\w*|withdr[ae]w\w*|pull\w*|cancel\w*)\b(?:(?!requir|need)[^.;]){0,50}?\b(?:export\s+)?licen[cs]es?\b",
            r"\blicen[cs]es?\b[^.;]{0,60}?\b(?:were|was|been|being|are|is|would be|will be)\s+(?:granted|approved|issued|revoked|denied|rescinded|suspended)\b",
            r"\blicen[cs]e (?:applications?|requests?)\b[^.;]{0,60}?\b(?:were|was|have been|had been)\s+(?:approved|granted|denied|rejected)\b",
            r"\b(?:receiv\w*|obtain\w*|won|wins?|secur\w*|got|gets?|has|have|had)\s+(?:(?!need|requir)\S+\s+){0,3}?(?:licen[cs]es?|approval|permission|go.ahead|nod|ok)\W{0,2}\s+(?:to|for)\s+(?:sell|supply|ship|export|resume|continue|\S+\s+(?:\S+\s+)?exports?\b)",
            r"\breceiv\w*\s+(?:\d[\d,]*|dozens of|hundreds of)\s+(?:export\s+)?licen[cs]es\b",
            r"\b(?:authori[sz]\w*|allow\w*|approv\w*|permit\w*|cleared)\b[^.;]{0,60}?\bto\s+(?:sell|supply|ship|keep selling|resume)\b",
            r"\bwould allow\b[^.;]{0,40}?\bsales\b",
            r"\b(?:revok\w*|rescind\w*|end\w*|extend\w*|grant\w*|renew\w*)\b[^.;]{0,50}?\b(?:waivers?|(?:chip\s+)?authori[sz]ations?|validated end.?user)\b",
            r"\b(?:waiver|approval)\b[^.;]{0,60}?\bvalidated end.?user\b",
            r"\bintent.to.deny\b",
        ),
        veto=_rx(
            r"\bgeneral licen[cs]e\b|\bTGL\b|\blicen[cs]e (?:extension|exception)\b",
            r"\bnot yet\b|\bhad not\b",
            _REQUEST,
        ),
    ),
    _Rule(
        _POLICY,
        _NEWS,
        needs=_needs("direct product|licen|export controls|controls on|rule"),
        sentence=_rx(
            r"\bforeign direct product\b|\bdirect product rule\b",
            r"\b(?:new|additional|expanded|impos\w+|revis\w+)\s+(?:\S+\s+){0,4}?licen[cs](?:e|ing) requirements?\b",
            r"\b(?:now|indefinitely)\s+(?:needs?|requires?)\s+(?:a\s+|an\s+)?(?:special\s+|export\s+)?licen[cs]e\b",
            r"\brequires?\b[^.;]{0,30}?\bto obtain\b[^.;]{0,20}?\blicen[cs]es?\b|\bnow requires a licen[cs]e\b",
            # What BIS tells exporters by letter ("is-informed" letters) binds them.
            r"\b(?:told|informed|notified)\b[^.;]{0,120}?\b(?:need|needs|require|requires|required)\s+(?:a\s+|an\s+)?(?:export\s+)?licen[cs]es?\b",
            r"\blicen[cs]e exceptions?\b",
            r"\b(?:tighten\w*|implements?|impos\w*|expand\w*|new|sweeping|increas\w*)\s+(?:\S+\s+){0,2}?export controls\b",
            r"\b(?:impos\w*|announc\w*|implement\w*)\s+(?:new\s+|sweeping\s+|broad\s+)?(?:export\s+)?controls on (?:the\s+)?exports?\b",
            r"\b(?:rescind\w*|scrap\w*|repeal\w*|suspend\w*)\b[^.;]{0,40}?\brule\b",
        ),
    ),
    _Rule(
        _POLICY,
        _NEWS,
        needs=_needs("presumption|case|licen"),
        # The licence requirement and review policy that come with new listings are part of the listing; a
        # policy that "still" or "remains" applies has not changed.
        sentence=_rx(
            r"\bpresumption.of.(?:denial|approval)\b|\bcase.by.case\b|\blicen[cs]e review polic(?:y|ies)\b",
            r"\brequir\w*\s+(?:a\s+|an\s+)?(?:export\s+)?licen[cs]es?\s+for\s+(?:\S+\s+){0,2}?exports?\b",
        ),
        veto=_rx(
            r"\b(?:add\w*|plac\w*|put)\b[^.;]{0,200}?\blist\b|\bentity list\b|\bblacklist|\bwith a presumption\b",
            r"\bremain\w*\b|\bstill\b",
        ),
    ),
    _Rule(
        _EXTENSION,
        _NEWS,
        needs=_needs(
            "temporary general|tgl|extend|renew|prolong|extension|reprieve|waiver|grace period|another|additional|further"
        ),
        sentence=_rx(
            r"\btemporary general licen[cs]e\b[^.;]{0,60}?\b(?:extend\w*|renew\w*|expir\w*|lapse\w*)",
            r"\b(?:extend\w*|renew\w*|prolong\w*)\b[^.;]{0,100}?\b(?:temporary general licen[cs]e|TGL|temporary (?:extension )?licen[cs]e|provisional licen[cs]e|limited licen[cs]e|(?:huawei|the)\s+licen[cs]e|reprieve|waiver|grace period|exemption|\d{1,3} days|ninety days)\b",
            r"\b(?:\d{1,3}|thirty|forty-five|sixty|ninety|three-month)[- ](?:day\s+)?(?:licen[cs]e\s+)?(?:extension|reprieve|waiver|grace period)\b",
            r"\b(?:another|additional|further)\s+(?:\d{1,3}|forty-five|ninety|sixty|three)[- ](?:days?|months?)\b",
            r"\b(?:third|second|fourth|fifth|latest|new)\s+(?:\d{1,3}-day\s+)?extension\b",
            r"\b(?:remov\w*|replac\w*|revok\w*|let\w*|allow\w*|confirm\w*)\b[^.;]{0,30}?\btemporary general licen[cs]e\b",
            r"\b(?:expir\w*|lapse\w*)\b[^.;]{0,30}?\b(?:temporary general licen[cs]e|TGL)\b",
            r"\b(?:continues|maintains|kept)\b[^.;]{0,40}?\b(?:TGL|temporary general licen[cs]e)\b",
            r"\b(?:establish\w*|issu(?:e|es|ed|ing)|creat\w*|grant\w*)\s+(?:a|an|the)\s+(?:new\s+)?temporary general licen[cs]e\b",
        ),
        veto=_rx(r"\bcomment period\b|\brequests? for comments?\b"),
    ),
    _Rule(
        _OTHER,
        _NEWS,
        needs=_needs("unverified|uvl|military end|meu|export ban|denial|ban on"),
        sentence=_rx(
            r"\b(?:add(?:s|ed|ing)?|plac(?:e|es|ed|ing)|put|remov\w*|clear\w*|moved?|took|delist\w*|drops?|dropped)\b[^.;]{0,100}?\b(?:to|from|on|off)\s+(?:the\s+|its\s+|a\s+)?(?:[\w.'’-]+\s+){0,3}?(?:unverified list|UVL|military end.?user list|MEU list)\b",
            r"\badditions? to\s+(?:the\s+)?(?:[\w.'’-]+\s+){0,2}?(?:unverified list|UVL|military end.?user list|MEU list)\b",
            r"\b(?:revis\w*|updat\w*|chang\w*)\s+(?:to\s+)?the\s+(?:unverified list|UVL|military end.?user list|MEU list)\b",
            r"\b(?:lift\w*|impos\w*|suspend\w*|reinstat\w*|activat\w*)\b[^.;]{0,40}?\b(?:export ban|denial order|denial of export privileges|ban on (?:u\.?s\.?|american) (?:sales|companies|firms|exports))\b",
        ),
        veto=_rx(r"\bpolicy of\b"),
    ),
    _Rule(
        _OTHER,
        _NEWS,
        needs=_needs("ban|bar|prohibit"),
        # A ban on all U.S. sales to one company is a denial order, whatever the headline calls it; the ban that
        # follows from a listing ("which bars U.S. firms from selling") is the listing.
        sentence=_rx(
            r"\b(?:bar\w*|ban\w*|prohibit\w*)\s+(?:u\.?s\.?|american)\s+(?:companies|firms|suppliers|exporters)\s+from\s+(?:selling|exporting|shipping)\b",
            r"\b(?:ban|bar)\s+on\s+(?:u\.?s\.?|american)\s+(?:companies|firms|suppliers)\s+(?:selling|exporting)\b",
            r"\bcommerce\b[^.;]{0,40}?\b(?:lift\w*|remov\w*)\s+(?:its\s+|the\s+)?ban on\b",
        ),
        veto=_rx(r"\bwhich\b|\bentity list\b|\bblacklist\w*|\bunverified list\b"),
    ),
)

_FR_RULES = tuple(r for r in RULES if r.source == _FR)
_NEWS_RULES = tuple(r for r in RULES if r.source == _NEWS)
_LABEL_ORDER = {label: index for index, label in enumerate(LABELS)}

# Where a news page stops being the article: author boxes, teasers, related links, copyright.
_NOISE_CUT = re.compile(
    r"\n\s*(?:About the Author|Featured|Related (?:Articles|Stories|Content)|New Products|Read More|"
    r"More from|Recommended|Citation:|©|This document is subject to copyright)\b",
)
# A line break ends a sentence unless the next line carries on in lower case (a page wrapped mid-sentence).
_SENTENCE_END = re.compile(r"[.!?][\"”’)]?\s+(?=[A-Z\"“‘(])|\n\s*(?=[^\sa-z])")
# A period after these does not end a sentence ("U.S. Huawei", "Nov. 18", "Sen. Tom Cotton", "Co. Ltd."), and
# matching reads them without their periods ("U.S." as "US  ", same length) so that "[^.;]" spans cross them.
_ABBREVIATIONS = (
    r"Co|Corp|Inc|Ltd|No|Nos|Mr|Mrs|Ms|Dr|Sen|Rep|Gov|Gen|St|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec"
)
_ABBREVIATION = re.compile(rf"(?:\b(?:[A-Za-z]\.){{1,3}}|\b(?:{_ABBREVIATIONS}|vs|Sec|Art|Vol|approx|etc)\.)$")
_DOTTED = re.compile(rf"\b(?:[A-Za-z]\.){{2,3}}|\b(?:{_ABBREVIATIONS})\.")
_MARKDOWN = re.compile(r"\[([^\]]*)\]\([^)]*\)|[#*_>]+|[ \t]{2,}")
_MARKDOWN_MARKS = ("[", "#", "*", "_", ">", "  ", "\t")

# Federal Register: outside export controls whatever words they share with them.
_FR_OUT = _rx(
    r"information collection|paperwork reduction|submission for omb|comment request|advisory committee|"
    r"\bmeeting\b|sunshine act|public briefing|privacy act|system of records|section 232|section 301|\btariffs?\b|"
    r"\bimports?\b|proclamation|antidumping|countervailing|information and communications technology|connected vehicles|"
    r"chemical weapons convention|supply chain issues|\bpenalt(?:y|ies)\b|antiboycott|enforcement provisions|"
    r"forced labor|\bUFLPA\b"
)
_ENTITY_LIST = _rx(r"\bentity list\b")
# Keepers of other "blacklists" that news may not name in the sentence: the Pentagon's Chinese military companies.
_OTHER_KEEPER = _rx(r"defense department|department of defense|pentagon|\bDoD\b|military compan|section 12(?:37|60)")
_BIS_AGENCY = re.compile(r"industry and security|\bBIS\b", _I)
_EXPORT_TITLE = _rx(r"\bexports?\b|international traffic in arms|munitions list")
# A document whose own action is only to extend or reopen a comment period.
_COMMENT_PERIOD = _rx(r"\b(?:extend\w*|reopen\w*|extension of)\b[^.;]{0,60}?\bcomment")
_OWN_ACTION = _rx(
    r"\b(?:amend(?:s|ing)?|revis(?:e|es|ing)|add(?:s|ing)?|remov(?:e|es|ing)|impos(?:e|es|ing)|expand(?:s|ing)?|"
    r"establish(?:es|ing)?|implement(?:s|ing)?)\b"
)
_CORRECTION = _rx(r";\s*corrections?\s*$")
# Abstract sentences that recall an earlier rule rather than state this document's action. Every match opens
# with one of _FR_BACKGROUND_OPENINGS or holds one of _FR_BACKGROUND_WORDS: the cheap test first.
_FR_BACKGROUND_OPENINGS = ("on ", "in ", "between ", "before ", "since ", "effective ")
_FR_BACKGROUND_WORDS = ("rule", "added", "previously")
_FR_BACKGROUND = _rx(
    r"^(?:on|in|between|before|since|effective)\s+(?:[a-z]+\s+\d{1,2},\s+\d{4}|[a-z]+\s+(?:and\s+[a-z]+\s+)?\d{4})",
    r"\bthat (?:final |interim final )?rule\b|\bpublished (?:in the federal register )?(?:a|an|the) (?:final |interim final )?rule\b",
    r"\b(?:were|was|had been) added\b|\bpreviously\b",
)

# News: what makes a sentence not about export controls, and the anchors that keep it about them.
_STRONG_OFF = _rx(
    r"unreliable entit|\bUFLPA\b|forced labor|tiktok|\bLNG\b|liquefied natural gas|natural gas|driver'?s?\s+licen|"
    r"driving licen|\bDMV\b|real id|browser extension|chrome|\btax(?:es)?\b|\bIRS\b|legal entity|entity framework|"
    r"licen[cs]e plate|music licen|liquor licen|gaming licen|broadcast licen|spectrum licen|licen[cs](?:e|ing) (?:deal|agreement|fee)|"
    r"patent licen|open.source licen|software licen[cs]e agreement|file extension|hair extension|extension cord|"
    r"\bvisas?\b|\bH-?1B\b|rip.and.replace|section 301|section 232|\bCFIUS\b|connected vehicle|"
    r"\bICTS\b|publicly traded securities|commerce ministry|ministry of commerce|\bMOFCOM\b|antidumping|countervailing"
)
_WEAK_OFF = _rx(
    r"\btariffs?\b|\bFCC\b|federal communications commission|universal service fund|\bOFAC\b|office of foreign assets control|"
    r"\btreasury\b|specially designated nationals|\bSDN\b|pentagon|defense department|department of defense|\bDoD\b"
)
_ANCHOR = _rx(
    r"(?<!unreliable )entity list|\bBIS\b|bureau of industry|commerce department|department of commerce|"
    r"\bcommerce\b(?! ministry)|temporary general licen|\bTGL\b|export administration regulations|\bEAR\b|export controls?"
)
_LICENCE_CONTEXT = _rx(
    r"export|entity list|commerce|\bBIS\b|huawei|zte|smic|blacklist|sell|sales|supply|suppl(?:y|iers)|ship|chips?|"
    r"semiconductor|technology|temporary general|fabs?\b"
)
# A news item that explains a process and reports no action.
_EXPLAINER = _rx(
    r"\bhow to\b|\bwhat (?:it|they) (?:is|are)\b|^understanding\b|\boverview\b|\bremoval process\b|\bexplainer on how\b|"
    r"\bno (?:new |specific )?(?:listing |removal )?(?:action|listing|removal)s?\b[^.]{0,30}\breported\b"
)

# News sentences that only recall what happened before, not what this item reports.
_BACKGROUND = _rx(
    r"\b(?:which|who|that) (?:was|were|had been|has been) (?:added|placed|put|blacklisted)|\bremains? on\b|"
    r"\bremaining on\b|\bremain\w* under\b|\bsince (?:being|it was|its)\b|\bafter (?:being|it was) (?:added|placed|blacklisted)|"
    r"\balready (?:on|been)\b|\bpreviously\b|\bhas been on\b|\bwas part of\b|\bsince (?:january|february|march|april|"
    r"may|june|july|august|september|october|november|december|\d{4})\b|\bearlier this year\b|\blast year\b|"
    r"\bhave been (?:added|placed)\b|\bwas (?:added|placed|blacklisted) (?:to|on)\b|\b(?:has|have) blacklisted\b|"
    r"\brecall(?:s|ed|ing)\b|\bafter (?:renewing|extending|adding|placing|listing)\b"
)
_IN_MONTH = _rx(
    r"\bin (January|February|March|April|May|June|July|August|September|October|November|December)\b(?:\s+(\d{4}))?"
)
_IN_YEAR = _rx(r"\b(?:in|since|during)\s+(?:(?:early|late|mid)[- ])?((?:19|20)\d\d)\b(?!\s*[-–]\d)")
_MONTH_NUM = {
    name: number
    for number, name in enumerate(
        ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october")
        + ("november", "december"),
        start=1,
    )
}

_HIGH_LABELS = frozenset({_ADDITION, _REMOVAL})
_MEDIUM_LABELS = frozenset({_REVISION, _DECISION, _POLICY, _EXTENSION})
_EVIDENCE_CHARS = 400
# News: the event is in the first paragraphs; later sentences are more often background.
_NEWS_SENTENCES = 40
# The clause around a match that a veto, an off-topic word or a background cue must fall in.
_BEFORE, _AFTER = 100, 60


def clean_text(text: str) -> str:
    """Cut page noise after the article and flatten markdown links."""
    cut = _NOISE_CUT.search(text)
    if cut:
        text = text[: cut.start()]
    if not any(mark in text for mark in _MARKDOWN_MARKS):
        return text
    return _MARKDOWN.sub(lambda m: m.group(1) if m.group(1) is not None else " ", text)


def _split(text: str) -> list[str]:
    parts: list[str] = []
    start = 0
    for end in _SENTENCE_END.finditer(text):
        if "\n" not in end.group() and _ABBREVIATION.search(text, max(start, end.start() - 12), end.start() + 1):
            continue
        parts.append(text[start : end.start() + 1])
        start = end.end()
    parts.append(text[start:])
    return [p.strip() for p in parts if len(p.strip()) > 3]


def sentences_of(item: Item) -> list[str]:
    """Return the item's title followed by the sentences of its cleaned text."""
    body = _split(clean_text(item.text))
    title = item.title.strip()
    return [title, *body] if title else body


def _plain(sentence: str) -> str:
    if "." not in sentence[:-1]:
        return sentence
    return _DOTTED.sub(lambda m: m.group().replace(".", "").ljust(len(m.group())), sentence)


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
    for named in _IN_MONTH.finditer(clause):
        month = _MONTH_NUM[named.group(1).lower()]
        year = int(named.group(2)) if named.group(2) else published.year
        if year * 12 + month < published.year * 12 + published.month - 1:
            return True
    return False


def _off_topic(clause: str) -> bool:
    return bool(_STRONG_OFF.search(clause)) or (bool(_WEAK_OFF.search(clause)) and not _ANCHOR.search(clause))


def _hit(
    pattern: re.Pattern[str], veto: re.Pattern[str] | None, text: str, *, whole: bool = False
) -> re.Match[str] | None:
    for match in pattern.finditer(text):
        if veto is None or not veto.search(_window(text, match, whole=whole)):
            return match
    return None


# --- Federal Register ---------------------------------------------------------------------------------------


def _fr_background(sentence: str) -> bool:
    if not sentence.startswith(_FR_BACKGROUND_OPENINGS) and not any(w in sentence for w in _FR_BACKGROUND_WORDS):
        return False
    return bool(_FR_BACKGROUND.search(sentence))


def _fr_in_scope(item: Item, title: str, body: list[str]) -> bool:
    if _FR_OUT.search(title):
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
        if rule.title is not None and _hit(rule.title, rule.veto, title, whole=True):
            framed = True
            # A correction to added or removed entries revises those entries.
            label = _REVISION if correction and rule.label in (_ADDITION, _REMOVAL) else rule.label
            found.setdefault(label, 0)
    own = [index for index, sentence in enumerate(lines) if index and not _fr_background(sentence)]
    for rule in rules:
        if rule.sentence is None or rule.label in found or (rule.generic_only and framed):
            continue
        for index in own:
            if _hit(rule.sentence, rule.veto, lines[index]):
                found[rule.label] = index
                break
    if title and item.agencies and not any(_BIS_AGENCY.search(a) for a in item.agencies):
        # Another agency's export-control action (State's ITAR, the NRC's export licences).
        found.setdefault(_OTHER, 0)
    return found


# --- News ---------------------------------------------------------------------------------------------------


def _news_evidence(rule: _Rule, lines: list[str], published: date | None) -> int | None:
    if rule.sentence is None:
        return None
    needs_context = rule.label in (_DECISION, _POLICY, _EXTENSION)
    for index, sentence in enumerate(lines):
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


def _classify_news(item: Item, lines: list[str]) -> dict[str, int]:
    """Label -> index of the evidence in ``lines`` (headline first, then the first sentences)."""
    head = " ".join(lines[:3])
    if _EXPLAINER.search(lines[0]) or _EXPLAINER.search(head):
        return {}
    if _STRONG_OFF.search(lines[0]) and not _ANCHOR.search(lines[0]):
        return {}
    published = to_date(item.published)
    lowered = " ".join(lines)
    found: dict[str, int] = {}
    for rule in _NEWS_RULES:
        if rule.label in found or not rule.may_match(lowered):
            continue
        evidence = _news_evidence(rule, lines, published)
        if evidence is not None:
            found[rule.label] = evidence
    addition = found.get(_ADDITION)
    if addition is not None and not _ENTITY_LIST.search(lines[addition]) and _OTHER_KEEPER.search(head):
        # "Blacklist" alone is ambiguous; here the item says the list is another agency's.
        del found[_ADDITION]
    return found


# --- Both ---------------------------------------------------------------------------------------------------


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
    fr = item.source == _FR
    body = _split(clean_text(item.text))
    # The title always comes first (possibly empty), so evidence index 0 is the title.
    scope = [item.title.strip(), *(body if fr else body[: _NEWS_SENTENCES - 1])]
    lines = [_plain(sentence).lower() for sentence in scope]
    found = _classify_fr(item, lines) if fr else _classify_news(item, lines)
    if not found:
        return Classification()
    labels = tuple(sorted(found, key=_LABEL_ORDER.__getitem__))
    evidence = tuple(Evidence(label, _trim(scope[found[label]])) for label in labels)
    # The parties acted on are those named where the action is stated (title and evidence);
    # others the text mentions in passing ("like Hikvision before it") are background.
    acted = " ".join(dict.fromkeys([scope[0], *(scope[index] for index in found.values())]))
    scope = [sentence for sentence in scope if sentence]
    text = " ".join(scope)
    entities = tuple(find_parties(acted) or find_parties(text))
    dates = find_dates(scope, item.published, extension=_EXTENSION in found)
    if item.effective_on:
        dates["effective"] = item.effective_on
    if item.comments_close_on:
        dates["comments_close"] = item.comments_close_on
    return Classification(
        labels=labels,
        severity=_severity(labels, entities, watched),
        entities=entities,
        countries=tuple(find_countries(acted) or find_countries(text)),
        dates=dates,
        evidence=evidence,
        aliases=find_aliases(text, entities),
    )


__all__ = ["RULES", "classify", "clean_text", "sentences_of", "DATE_RE", "parse_date"]
