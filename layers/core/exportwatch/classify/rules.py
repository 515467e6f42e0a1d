"""The rule tables: where each label's evidence may be found, and what cancels a match.

Patterns match lower-cased text (see ``rx``); ``needs`` words let an item skip a rule's regular
expressions cheaply. The decisions that apply them are in ``classify.labels``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from exportwatch.classify.ascii import Dual

_I = re.IGNORECASE
# A pattern's escape sequences, or the text between them (see _rx).
_ESCAPE_OR_TEXT = re.compile(r"\\.|[^\\]+")
FR = "federal_register"
NEWS = "news"
ADDITION, REMOVAL, REVISION = "entity_list.addition", "entity_list.removal", "entity_list.revision"
# Labels whose action undoes or changes an earlier listing: a clause recalling it may name their parties.
UNDOES = frozenset((REMOVAL, REVISION))
DECISION, POLICY, EXTENSION, OTHER = "license.decision", "license.policy", "extension", "other_export_control"


def rx(*parts: str) -> Dual:
    r"""Compile the alternatives for matching lower-cased text (in ASCII mode when the text is ASCII: see ``ascii``).

    Matching lower-cased text with a case-sensitive pattern is several times faster than ``re.IGNORECASE``.
    The letters of the pattern are lower-cased too, but not its escapes (``\S`` must stay ``\S``).
    """
    pattern = "|".join(f"(?:{p})" for p in parts)
    return Dual(_ESCAPE_OR_TEXT.sub(lambda m: m.group() if m.group()[0] == "\\" else m.group().lower(), pattern))


def need_words(words: str) -> tuple[str, ...]:
    """The ``|``-separated lower-case words of which every match of a pattern contains one."""
    return tuple(words.split("|"))


def holds_any(lowered: str, words: tuple[str, ...]) -> bool:
    """Whether ``lowered`` holds one of ``words``: text holding none skips the patterns that need them.

    A big alternation tries each of its alternatives at every character; these substring tests run in C
    and cost a fraction of one search.
    """
    return any(map(lowered.__contains__, words))


@dataclass(frozen=True, slots=True)
class Rule:
    """Where one label's evidence may be found, and what cancels a match.

    ``veto`` is searched in the clause around a match (see :func:`_window`): a hit means a false friend
    ("criteria that may lead to additions", "removed from the Unverified List"). ``generic_only`` (Federal
    Register) lets sentences count only when no rule recognised the title: an abstract's passing mention of a
    licence exception does not turn a Wassenaar rule into a licence-policy change. ``needs`` lists lower-case
    words of which every match contains one: an item, title or line with none of them skips the rule's regular
    expressions.
    """

    label: str
    source: str
    title: Dual | None = None
    sentence: Dual | None = None
    veto: Dual | None = None
    generic_only: bool = False
    needs: tuple[str, ...] = ()

    def may_match(self, lowered: str) -> bool:
        """Whether the item (lower-cased) holds a word every match needs; the cheap test before the regexes."""
        return not self.needs or holds_any(lowered, self.needs)


# Lists a news item may call the Entity List; China's "unreliable entity list" and the UFLPA list are vetoed.
_LIST = r"(?:the\s+|its\s+|a\s+)?(?:[\w.'’-]+\s+){0,3}?(?:entity\s+list|(?:trade|export|government|commerce|economic)\s+black\s?list|black\s?list|embargo\s+list)\b"
_OTHER_LIST = r"unverified list|\bUVL\b|military end.?user\s+(?:\(MEU\)\s+)?list|\bMEU list|validated end.?user|\bVEU\b"
_HYPOTHETICAL = r"\b(?:may|might|could|would|can)\s+(?:lead|result)\b|\bcriteria\b|\bbasis for\b"
# Asking for an action is not the action.
_REQUEST = r"\b(?:ask\w*|call\w* (?:on|for)|urg\w*|seek\w*|wants?|request\w*|petition\w*|lobb\w*)\b"

# Regulation frames that make a title other_export_control rather than licence policy.
_REGIME = r"wassenaar|australia group|missile technology|\bMTCR\b|nuclear suppliers group|\bNSG\b|commerce control list|export control classification number|\bECCNs?\b|0Y521"

RULES: tuple[Rule, ...] = (
    # --- Federal Register -------------------------------------------------------------------------------
    Rule(
        ADDITION,
        FR,
        needs=need_words("entity list"),
        # "Addition of Entities to and Revision of Entry on the Entity List", "Additions of Entities, Revisions of
        # Entries, and Removal of an Entity From the Entity List": a title listing several actions names the list once.
        title=rx(
            r"\badditions?\b[^;:]{0,80}?\bto the entity list\b",
            r"\bentity list additions?\b",
            r"\badditions? of (?:certain )?entit(?:y|ies)\b[^;:]{0,100}?\bthe entity list\b",
        ),
        sentence=rx(
            r"\b(?:adds?|adding|(?:is|are|being|be)\s+added|transfer(?:s|ring)?|mov(?:es|ing))\b[^.;]{0,200}?\bto the entity list\b",
            r"\badding\b[^.;]{0,80}?\bentit(?:y|ies)\b[^.;]{0,60}?\bto\s+(?:the\s+)?entity list\b",
        ),
        veto=rx(_HYPOTHETICAL),
    ),
    Rule(
        REMOVAL,
        FR,
        needs=need_words("entity list"),
        title=rx(r"\bremovals?\b[^;:]{0,60}?\b(?:from|on) the entity list\b", r"\bentity list removals?\b"),
        sentence=rx(r"\bremov(?:e|es|ing)\b[^.;]{0,120}?\bfrom the entity list\b"),
        veto=rx(r"\b(?:address(?:es)?|aliases|alias)\b"),
    ),
    Rule(
        REVISION,
        FR,
        needs=need_words("entr|entit|alias|address"),
        title=rx(
            r"\brevisions?\b[^;:]{0,30}?\b(?:of|to)\b[^;:]{0,20}?\b(?:entr(?:y|ies)|entities)\b",
            r"\bmodifications?\b[^;:]{0,30}?\bentity list\b",
            r"\bentity list modifications?\b",
            r"\bamendments?\b[^;:]{0,80}?\bthe entity list\b",
            r"\bcorrection of entries\b",
            # A change for listed entities as a class changes what every entry means.
            r"\b(?:to|for|of|cover)\s+(?:affiliates of\s+)?(?:certain\s+)?(?:listed entities|entities on the entity list)\b",
        ),
        sentence=rx(
            r"\b(?:revis|modif|amend|correct|updat)\w*\s+(?:(?!by\b|adding\b)[\w-]+\s+){0,5}?(?:existing\s+)?(?:entr(?:y|ies)|entit(?:y|ies))\b[^.;]{0,80}?\bentity list\b",
            r"\b(?:revis|modif|amend|correct)\w*\s+(?:(?!by\b|adding\b)\w+\s+){0,6}?(?:existing\s+)?entr(?:y|ies)\b",
            r"\bmodifications? to the entries\b",
            r"\b(?:to|for)\s+(?:\w+\s+){0,2}existing\s+(?:entr(?:y|ies)|entities)\b",
            r"\bremov(?:e|es|ing)\s+(?:\w+\s+){0,2}(?:aliases|alias|addresses|address)\b",
        ),
        # Entries of another list: the State Department's Munitions List (ITAR) is other_export_control.
        veto=rx(_OTHER_LIST, r"\bmunitions list\b|\bUSML\b"),
    ),
    Rule(
        DECISION,
        FR,
        needs=need_words("validated end"),
        title=rx(r"\b(?:existing|revocation of|revoking|removals? from the)\s+validated end.?user\b"),
    ),
    Rule(
        EXTENSION,
        FR,
        needs=need_words("temporary general|extension of|validity|deadline|status|these controls"),
        title=rx(r"\btemporary general licen[cs]e\b", r"\bextension of\b(?!\s+(?:the\s+)?(?:public\s+)?comment)"),
        sentence=rx(
            r"\b(?:extend\w*|renew\w*)\b[^.;]{0,100}?\b(?:temporary general licen[cs]e|validity|deadline|status|these controls|that status)\b",
            r"\b(?:remov\w*|expir\w*|lapse\w*|end\w*)\b[^.;]{0,40}?\btemporary general licen[cs]e\b",
            # Issuing a TGL starts a deadline too.
            r"\b(?:establish\w*|issu(?:e|es|ing)|creat\w*)\s+(?:a|an|the)\s+(?:new\s+)?temporary general licen[cs]e\b",
        ),
        veto=rx(r"\bcomment", r"\bdenial orders?\b|\bTDOs?\b"),
    ),
    Rule(
        POLICY,
        FR,
        needs=need_words(
            "licen|direct|sanctions|implementation of|expansion of|control|favorable treatment|user|countries excluded|"
            "standards|entities on the entity list"
        ),
        title=rx(
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
        veto=rx(r"\brequest for (?:public )?comments?\b", r"\bwith the addition\b"),
    ),
    Rule(
        POLICY,
        FR,
        # A weak frame: item controls in a regime or Commerce Control List update are that update.
        needs=need_words("controls on"),
        title=rx(r"\bcontrols on\b"),
        veto=rx(_REGIME),
    ),
    Rule(
        POLICY,
        FR,
        needs=need_words("licen|presumption|case|direct"),
        sentence=rx(
            r"\b(?:new|additional|impos\w+|add\w*|expand\w*|remov\w*|revis\w*)\b[^.;]{0,40}?\blicen[cs](?:e|ing) requirements?\b",
            r"\blicen[cs]e exceptions?\b",
            r"\blicen[cs]e (?:application )?(?:review )?polic(?:y|ies)\b|\bpresumption of (?:denial|approval)\b|\bcase.by.case\b",
            r"\bforeign[- ](?:produced[- ])?direct[- ]product\b",
            r"\b(?:must|now)\s+(?:apply for|obtain|need)\b[^.;]{0,20}?\blicen[cs]e\b",
            r"\blicen[cs]e-free\b",
        ),
        generic_only=True,
    ),
    Rule(
        OTHER,
        FR,
        needs=need_words(
            "unverified list|uvl|military end|meu list|export privileges|denial order|wassenaar|australia group|"
            "missile technology|mtcr|nuclear suppliers group|international traffic in arms|munitions list|"
            "chemical and biological weapons|cbw|congressional notification|conforming |organization|clarification|"
            "request for"
        ),
        title=rx(
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
    Rule(
        OTHER,
        FR,
        # Classifying items on the Commerce Control List; extending a temporary classification is an extension.
        needs=need_words("commerce control list|export control classification number|eccn|0y521|technical amendment"),
        title=rx(
            r"commerce control list|export control classification number|\bECCNs?\b|0Y521|\btechnical amendments?\b"
        ),
        veto=rx(r"\bextension\b"),
    ),
    Rule(
        OTHER,
        FR,
        needs=need_words("unverified|uvl|military end|meu"),
        sentence=rx(
            r"\b(?:adds?|adding|add|remov(?:e|es|ing)|(?:is|are|being)\s+(?:added|removed))\b[^.;]{0,160}?\b(?:to|from) the (?:unverified list|UVL|military end.?user\s+(?:\(MEU\)\s+)?list|MEU list)\b",
            r"\btransfer\w*\b[^.;]{0,60}?\bfrom the (?:military end.?user\s+(?:\(MEU\)\s+)?list|MEU list)\b",
        ),
        veto=rx(r"\bafter (?:they|it) (?:were|was)\b"),
    ),
    Rule(
        OTHER,
        FR,
        needs=need_words(
            "wassenaar|australia group|missile technology|mtcr|nuclear suppliers|nsg|commerce control list|classification number|eccn|0y521|traffic in arms|export administration regulations|the ear"
        ),
        sentence=rx(
            _REGIME,
            r"\binternational traffic in arms\b",
            r"\b(?:amend\w*|revis\w*|clarif\w*|correct\w*)\b[^.;]{0,60}?\b(?:export administration regulations|the EAR)\b",
        ),
        generic_only=True,
    ),
    # --- News -----------------------------------------------------------------------------------------------
    Rule(
        ADDITION,
        NEWS,
        needs=need_words("list|trade restrictions"),
        sentence=rx(
            rf"\b(?:adds?|added|adding|places?|placed|placing|puts?|putting|designat\w+|moved)\b[^.;]{{0,240}}?\b(?:to|on|onto)\s+{_LIST}",
            rf"\b(?:added|placed|put)\s+(?:to|on)\s+{_LIST}",
            r"\b(?:u\.?s\.?|us|america|washington|commerce|department|administration|government|BIS)\s+blacklists\b|\bblacklisting of\b",
            r"\blists?\s+(?:\d+|dozens of)\s+(?:more|additional|new)\b",
            r"\b(?:impos\w*|plac\w*)\s+trade restrictions on\s+(?:\S+\s+){0,2}?(?:entities|companies|firms|parties)\b",
            rf"\badditions? of\b[^.;]{{0,60}}?\bto\s+{_LIST}",
            r"\badditions? to the entity list\b|\bnew\b[^.;]{0,40}?\bentity listings\b",
        ),
        veto=rx(_HYPOTHETICAL, _REQUEST, r"\bpolicy of\b", r"\bunreliable\b|\bUFLPA\b|forced labor|military companies"),
    ),
    Rule(
        REMOVAL,
        NEWS,
        needs=need_words("list|removed|delisted|taken off"),
        sentence=rx(
            rf"\b(?:remov\w*|delist\w*|took|takes?|taking|lift\w*|drops?|dropped)\b[^.;]{{0,140}}?\b(?:from|off)\s+{_LIST}",
            r"\b(?:entity list|black\s?list)\b[^.;]{0,40}?\bremov(?:es|ed)\b",
            r"\b(?:entit(?:y|ies)|entries|parties|companies)\s+(?:were|was|are|is|have been)\s+(?:also\s+)?(?:removed|delisted|taken off)\b",
        ),
        # A removed licence is not a delisting.
        veto=rx(_OTHER_LIST, _REQUEST, r"\bunreliable\b|\bUFLPA\b|forced labor|\blicen[cs]e\b"),
    ),
    Rule(
        REVISION,
        NEWS,
        needs=need_words("entr"),
        sentence=rx(
            r"\b(?:revis|modif|amend|correct|updat)\w*\s+(?:[\w-]+\s+){0,3}?(?:existing\s+)?(?:[\w-]+\s+)?entr(?:y|ies)\b"
        ),
        # Entries of another list (the ITAR's country entries, the Munitions List) are other_export_control.
        veto=rx(_OTHER_LIST, r"\bmunitions list\b|\bUSML\b|\bITAR\b"),
    ),
    Rule(
        DECISION,
        NEWS,
        needs=need_words(
            "licen|approval|permission|go|nod|ok|sell|supply|ship|resume|sales|waiver|authori|validated end|intent"
        ),
        sentence=rx(
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
        veto=rx(
            r"\bgeneral licen[cs]e\b|\bTGL\b|\blicen[cs]e (?:extension|exception)\b",
            r"\bnot yet\b|\bhad not\b",
            _REQUEST,
        ),
    ),
    Rule(
        POLICY,
        NEWS,
        needs=need_words("direct product|licen|export controls|controls on|rule"),
        sentence=rx(
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
    Rule(
        POLICY,
        NEWS,
        needs=need_words("presumption|case|licen"),
        # The licence requirement and review policy that come with new listings are part of the listing; a
        # policy that "still" or "remains" applies has not changed.
        sentence=rx(
            r"\bpresumption.of.(?:denial|approval)\b|\bcase.by.case\b|\blicen[cs]e review polic(?:y|ies)\b",
            r"\brequir\w*\s+(?:a\s+|an\s+)?(?:export\s+)?licen[cs]es?\s+for\s+(?:\S+\s+){0,2}?exports?\b",
        ),
        veto=rx(
            r"\b(?:add\w*|plac\w*|put)\b[^.;]{0,200}?\blist\b|\bentity list\b|\bblacklist|\bwith a presumption\b",
            r"\bremain\w*\b|\bstill\b",
        ),
    ),
    Rule(
        EXTENSION,
        NEWS,
        needs=need_words(
            "temporary general|tgl|extend|renew|prolong|extension|reprieve|waiver|grace period|another|additional|further"
        ),
        sentence=rx(
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
        veto=rx(r"\bcomment period\b|\brequests? for comments?\b"),
    ),
    Rule(
        OTHER,
        NEWS,
        needs=need_words("unverified|uvl|military end|meu|export ban|denial|ban on"),
        sentence=rx(
            r"\b(?:add(?:s|ed|ing)?|plac(?:e|es|ed|ing)|put|remov\w*|clear\w*|moved?|took|delist\w*|drops?|dropped)\b[^.;]{0,100}?\b(?:to|from|on|off)\s+(?:the\s+|its\s+|a\s+)?(?:[\w.'’-]+\s+){0,3}?(?:unverified list|UVL|military end.?user list|MEU list)\b",
            r"\badditions? to\s+(?:the\s+)?(?:[\w.'’-]+\s+){0,2}?(?:unverified list|UVL|military end.?user list|MEU list)\b",
            r"\b(?:revis\w*|updat\w*|chang\w*)\s+(?:to\s+)?the\s+(?:unverified list|UVL|military end.?user list|MEU list)\b",
            r"\b(?:lift\w*|impos\w*|suspend\w*|reinstat\w*|activat\w*)\b[^.;]{0,40}?\b(?:export ban|denial order|denial of export privileges|ban on (?:u\.?s\.?|american) (?:sales|companies|firms|exports))\b",
        ),
        veto=rx(r"\bpolicy of\b"),
    ),
    Rule(
        OTHER,
        NEWS,
        needs=need_words("ban|bar|prohibit"),
        # A ban on all U.S. sales to one company is a denial order, whatever the headline calls it; the ban that
        # follows from a listing ("which bars U.S. firms from selling") is the listing.
        sentence=rx(
            r"\b(?:bar\w*|ban\w*|prohibit\w*)\s+(?:u\.?s\.?|american)\s+(?:companies|firms|suppliers|exporters)\s+from\s+(?:selling|exporting|shipping)\b",
            r"\b(?:ban|bar)\s+on\s+(?:u\.?s\.?|american)\s+(?:companies|firms|suppliers)\s+(?:selling|exporting)\b",
            r"\bcommerce\b[^.;]{0,40}?\b(?:lift\w*|remov\w*)\s+(?:its\s+|the\s+)?ban on\b",
        ),
        veto=rx(r"\bwhich\b|\bentity list\b|\bblacklist\w*|\bunverified list\b"),
    ),
)
