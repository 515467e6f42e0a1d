"""Parse an Entity List rule's amendatory text into one entry per listed party.

Why: "BIS changed the Entity List" is not an answer a compliance officer can act on. They need to know who was
added, removed or changed, under which country, under which other names and at which addresses, and what the
license requirement and review policy now are. A Federal Register rule says it in its amendatory text: instructions
("By adding under CHINA, PEOPLE'S REPUBLIC OF, in alphabetical order, entries for ...", "By removing under RUSSIA,
the entry for ...", "By revising under ... the entry for ...") followed by the new rows of Supplement No. 4 to part
744, ``Country | Entity | License requirement | License review policy | Federal Register citation``.

Forms read
----------
- Federal Register full-text XML (GPO's schema): the ``GPOTABLE`` is read as the table it renders to (``BOXHD``
  header skipped, ``ROW``/``ENT`` cells), ``AMDPAR`` paragraphs as prose, footnote markers (``<SU>3</SU>``) dropped.
  A row with text only in the entity column continues the entry above it (its last addresses).
- Body HTML (federalregister.gov, eCFR): ``<table>`` rows, ``<br>`` line breaks inside a cell; scripts, styles and
  tags dropped, character references decoded.
- Pipe tables (Markdown, flattened eCFR text): one row a line, cells split on ``|``.
- Raw text (govinfo, public-inspection text): the cells of a row one after another over as many lines as they
  need, the row closed by its Federal Register citation; country headings in capitals; ``* * *`` lines skipped.

In an entity cell the name comes first (a name the instructions quote is taken whole, commas and all), then aliases
(``a.k.a., the following N aliases:`` and one ``—alias`` per item, ``--`` in govinfo text), then addresses separated
by ``;`` (usually ``; and``).

Values
------
action
    ``"add"``, ``"remove"`` or ``"revise"``, from the instruction naming the entry: *adding* gives ``add``,
    *removing* ``remove``, and *revising*, *modifying*, *amending* or *correcting* give ``revise``. A row that no
    instruction names takes its country's instruction (``add`` where a country is both added to and revised,
    since revised entries are named); a row with no instruction at all (an excerpt of the list itself) is ``add``,
    read as "on the list". An instruction naming an entry that has no row (every removal; an addition or revision
    whose row is not in the text) gives an entry with the name and country only.
country
    A readable English name, not an ISO code: ``CHINA, PEOPLE'S REPUBLIC OF`` gives ``China``, ``KOREA, REPUBLIC
    OF`` gives ``South Korea``, any other heading is title-cased (``UNITED ARAB EMIRATES`` gives ``United Arab
    Emirates``). ``""`` when the text names no country.
license_requirement, license_policy, citation
    The column's text with whitespace collapsed and one trailing period dropped, ``None`` when absent. A citation
    keeps every citation of its cell (``83 FR 37423; 87 FR 77505``) and placeholders as printed
    (``84 FR [INSERT FR PAGE NUMBER] 6/24/19``).

Text with neither instructions nor rows gives ``[]``; no input makes :func:`parse_entries` raise.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from html.parser import HTMLParser

from exportwatch.countries import name_of_form
from exportwatch.models import Entry
from exportwatch.text import strip_tags, without_controls

__all__ = ["ADD", "REMOVE", "REVISE", "Entry", "parse_entries"]

ADD = "add"
REMOVE = "remove"
REVISE = "revise"

_MAX_CHARS = 4_000_000  # a rule with hundreds of entries is well under 1 MB
_MAX_RECORD_CHARS = 20_000  # raw-text rows longer than this are prose, not a row
_VERBS = {
    "adding": ADD,
    "removing": REMOVE,
    "revising": REVISE,
    "modifying": REVISE,
    "amending": REVISE,
    "correcting": REVISE,
}
_HEADER_CELLS = frozenset(
    {"country", "entity", "license requirement", "license review policy", "federal register citation"}
)
_KEEP_FINAL_DOT = frozenset({"ltd", "inc", "corp", "co", "jr", "sr", "bhd", "pte", "pvt", "pty", "ltda", "sdn"})
_NOT_SENTENCE_END = frozenset(
    {"no", "nos", "st", "ave", "rd", "bldg", "blvd", "apt", "co", "mr", "mrs", "ms", "dr", "mt", "ft", "nr", "str"}
)
_NOT_A_COUNTRY = frozenset(
    {"PART", "SUPPLEMENT", "DEPARTMENT", "BUREAU", "AGENCY", "ACTION", "SUMMARY", "DATES", "BILLING", "CODE",
     "FEDERAL", "REGISTER", "AUTHORITY", "ENTITY", "LIST", "COUNTRY", "EAR", "CFR", "RIN", "AMENDED", "COMMERCE"}
)  # fmt: skip
_NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
                 "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15}  # fmt: skip
_SMALL_WORDS = frozenset({"of", "and", "the", "da", "de", "del", "du"})
_SKIP_TAGS = frozenset({"script", "style", "noscript", "template", "svg", "math", "head", "su", "ttitle", "ftref"})
_BREAK_TAGS = frozenset(
    {"br", "p", "div", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "section",
     "amdpar", "fp", "hd", "auth", "stars", "subject", "sig", "frdoc", "bilcod"}
)  # fmt: skip
# Federal Register XML (GPO's GPOTABLE) read as the HTML table it is rendered to
_XML_TABLE_TAGS = {"gpotable": "table", "boxhd": "tr", "row": "tr", "ent": "td", "ched": "th"}

_SPACES = re.compile(r"[ \t\f\v\u00a0\u2002-\u200a\u202f]+")
_WHITESPACE = re.compile(r"\s+")
_HTML_HINT = re.compile(
    r"<(?:html|body|p|div|br|span|h[1-6]|td|tr|table|rule|regtext|amdpar|gpotable)\b[^>]*>", re.IGNORECASE
)
_TABLE_TAG = re.compile(r"<(?:t[dr]|row|ent)\b", re.IGNORECASE)
_ALTERNATE = re.compile(r"[\s.,;]*\(\s*See\s+alternat(?:e|ive)\s+address(?:es)?\s+under\b[^)]*\)\s*\.?", re.IGNORECASE)
_STARS = re.compile(r"(?:\*\s*)+")
_PIPE_RULE = re.compile(r":?-{2,}:?")
_DOUBLE_HYPHEN = re.compile(r"(?:^|(?<=[\s;]))--(?=\s*\S)")

# Amendatory instructions.
_AMENDED = re.compile(r"supplement\s+no\.?\s*4\s+to\s+part\s+744\s+(?:of\s+the\s+EAR\s+)?is\s+amended", re.IGNORECASE)
_TABLE_HEADING = re.compile(r"supplement\s+no\.?\s*4\s+to\s+part\s+744\s*(?:[—–]|--?)\s*entity\s+list", re.IGNORECASE)
_TABLE_END = re.compile(
    r"^\s*(?:Dated:|\[FR\s+Doc|BILLING\s+CODE|\[Signature|Supplement\s+No\.\s*\d+\s+to\s+Part\s+\d+)",
    re.IGNORECASE | re.MULTILINE,
)
_VERB = r"(?i:adding|removing|revising|modifying|amending|correcting)"
_UNDER = r"(?i:\bunder)\s+(?i:the\s+destination\s+of\s+)?"
_COUNTRY_TAIL = (
    r"(?=\s*[,;:(]|\.(?:\s|$)|\s*$|\s+(?i:in\s+alphabetical|the\s+entr|an?\s+entr|entries|entry|by\b|for\b|to\b|"
    r"under\b|and\b))"
)


def _country_group(name: str) -> str:
    return (
        rf"(?:the\s+)?(?P<{name}>[A-Z][\w'’.\-]*(?:\s+(?:of|and|the|[A-Z][\w'’.\-]*))*?"
        r"(?:,\s+(?i:(?:democratic\s+)?people['’]s\s+republic\s+of|(?:islamic\s+)?republic\s+of))?)" + _COUNTRY_TAIL
    )


_INSTRUCTION_TOKEN = re.compile(
    rf"(?P<t1>(?i:\bby\s+)?(?P<v1>{_VERB})\s+{_UNDER}{_country_group('c1')})"
    rf"|(?P<t2>{_UNDER}{_country_group('c2')}\s*,?\s*(?i:by\s+)?(?P<v2>{_VERB}))"
    rf"|(?P<t4>{_UNDER}{_country_group('c4')})"
    rf"|(?P<t3>(?i:\bby\s+)(?P<v3>{_VERB}))"
    r"|(?P<q>[“\"](?P<q1>[^”\"]{2,300}?)[”\"]|``(?P<q2>.{1,300}?)''|‘(?P<q3>[^’]{2,300}?)’)"
)

# Row fields.
_CITATION = re.compile(
    r"(?:\b\d{2,3}\s*F\.?\s?R\.?\s*(?:\d[\d,]*\d|\d|\[[^\]]{0,80}\])|\[INSERT[^\]]{0,80}\])"
    r"(?:\s*\([^)]{0,40}\))?(?:\s*,?\s*(?:\d{1,2}/\d{1,2}/\d{2,4}|\[[^\]]{0,80}\]))?\.?"
)
_CITATION_AT_END = re.compile(_CITATION.pattern + r"\s*[;,]?\s*$")
_CITATION_GAP = re.compile(r"[\s;,]*(?:and\s*)?")
_CONTINUATION = re.compile(r"^(?:[;,]|and\s+\d|\d{2,3}\s*F\.?\s?R\b|\d{1,2}/\d{1,2}/\d{2,4}|\[)", re.IGNORECASE)
_REQUIREMENT = re.compile(r"\bFor\s+(?:all|any)\s+items?\b|\bAll\s+items\s+subject\s+to\s+the\s+EAR\b")
_POLICY = re.compile(
    r"\b(?:presumption\s+of\s+(?:denial|approval)|case[-\s]+by[-\s]+case|(?:a\s+)?policy\s+of\s+denial|"
    r"the\s+license\s+application\s+procedure)",
    re.IGNORECASE,
)
_COUNTRY_LINE = re.compile(r"(?P<c>[A-Z][A-Z'’ .,()&\-]{1,60}?)[\s.]*(?:\*[\s*]*)?")

# Entity cells.
_AKA = re.compile(
    r"[,;]?\s*\b(?:a\.k\.a\.?|f\.k\.a\.?|also\s+known\s+as|and(?=\s+the\s+following\s+[\w-]+\s+alias))(?:\s*,)?\s*"
    r"(?:(?:the\s+)?following\s+(?P<count>[\w-]+)\s+alias(?:es)?\s*:?)?",
    re.IGNORECASE,
)
_DASH = re.compile(r"\s*(?:[—–]|-{1,2}(?=\s*\S))\s*")
_NEXT_ALIAS = re.compile(r"\s*(?:;|\n|(?=and\s*[—–]))\s*(?:and\b\s*)?(?=[—–]|-{1,2}\s*\S)", re.IGNORECASE)
_PERIOD = re.compile(r"\.(?=\s|$)")
_LAST_WORD = re.compile(r"(\S*)$")
_NAME_GOES_ON = re.compile(
    r"(?:Ltd|Limited|Inc|LLC|L\.L\.C|LLP|Co|Corp|S\.A|SA|S\.L|GmbH|AG|B\.V|N\.V|Pte|Pvt|Pty|Sdn|Bhd|JSC|PJSC|OJSC|"
    r"CJSC|OOO|PLC|S\.r\.l|SRL|S\.p\.A|Kft|FZE|FZCO|FZ-LLC|DMCC|Ltda|Jr|Sr)\.?(?=[\s,;.)]|$)"
    r"|(?:Institute|Academy|Ministry|Bureau|University|Laboratory|Department|School|Branch|Division)\b[^,\d]*(?=,|$)"
    r"|[^,\d]*\b(?:Institute|Institution|Academy|University|Laboratory|Center|Centre|Hospital|College|Factory|"
    r"Company|Corporation|Group)(?=,|$)"
)  # a sub-unit after the comma ("Academy of ..., Field Blood Transfusion Institution") belongs to the name
_SUB_BLOCK = re.compile(r"\b(?:Affiliated\s+entit(?:y|ies)|Subordinate\s+institu\w*)\s*:", re.IGNORECASE)
_ADDRESS_SPLIT = re.compile(
    r"\s*;\s*(?:and\s+)?|\s*\n\s*(?:and\s+)?"
    r"|,\s+and\s+(?=No\.|Room|Rm\b|Building|Bldg|Floor|Flat|Unit|Suite|Block|P\.\s?O\.|\d)",
    re.IGNORECASE,
)
_KEY_WORDS = re.compile(r"[0-9a-z]+")
_COMMA = re.compile(r",\s*")
_CAPITAL_WORDS = re.compile(r"[A-Z]+")
_ALIAS_SPLIT = re.compile(r"\s*;\s*(?:and\s+)?")
_LEADING_AND = re.compile(r"^and\s+", re.IGNORECASE)
_LEADING_THE = re.compile(r"^the\s+", re.IGNORECASE)
_PARENTHESES = re.compile(r"\s*\([^)]*\)")


@dataclass(frozen=True, slots=True)
class _Instruction:
    action: str
    country: str
    name: str


@dataclass(frozen=True, slots=True)
class _Row:
    country: str
    entity: str
    requirement: str | None
    policy: str | None
    citation: str | None


def parse_entries(text: str) -> list[Entry]:
    """Return the entries an Entity List rule's text adds, removes or revises.

    Parameters
    ----------
    text : str
        The rule as raw text, body HTML or a pipe table; any other text gives ``[]``.

    Returns
    -------
    list of Entry
        In the order of the rule: rows first, then entries named only by an instruction.
    """
    if not isinstance(text, str) or not text.strip():
        return []
    source = _read(without_controls(text[:_MAX_CHARS]))
    instructions, verbs_by_country = _instructions(source.prose)
    if not instructions and source.full != source.prose:
        instructions, verbs_by_country = _instructions(source.full)
    rows = _table_rows(source.table) or _raw_text_rows(source.full)
    return _assemble(rows, instructions, verbs_by_country)


# --- reading the three forms ------------------------------------------------------------------------------------


class _HtmlReader(HTMLParser):
    """Split body HTML into table rows (cells keep their line breaks), the text around the tables, and all text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.rows: list[list[str]] = []
        self.text: list[str] = []
        self.everything: list[str] = []
        self._row: list[str] | None = None
        self._cell: list[str] | None = None
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        tag = _XML_TABLE_TAGS.get(tag, tag)
        if tag == "stars":
            self._put("\n* * * * *\n")
        elif tag in _SKIP_TAGS:
            self._skip += 1
        elif tag == "tr":
            self._end_row()
            self._row = []
        elif tag in ("td", "th"):
            self._end_cell()
            if self._row is None:
                self._row = []
            self._cell = []
        elif tag in _BREAK_TAGS:
            self._put("\n")

    def handle_endtag(self, tag: str) -> None:
        tag = _XML_TABLE_TAGS.get(tag, tag)
        if tag in _SKIP_TAGS:
            self._skip = max(0, self._skip - 1)
        elif tag in ("td", "th"):
            self._end_cell()
        elif tag in ("tr", "table"):
            self._end_row()
        elif tag in _BREAK_TAGS:
            self._put("\n")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self._put(data)

    def close(self) -> None:
        super().close()
        self._end_row()

    def _put(self, value: str) -> None:
        (self._cell if self._cell is not None else self.text).append(value)
        self.everything.append(value)

    def _end_cell(self) -> None:
        if self._cell is not None and self._row is not None:
            self._row.append("".join(self._cell))
            self.everything.append("\n")
        self._cell = None

    def _end_row(self) -> None:
        self._end_cell()
        if self._row:
            self.rows.append(self._row)
        self._row = None


@dataclass(frozen=True, slots=True)
class _Source:
    prose: str  # text outside tables: where the instructions are
    full: str  # all text, a cell a line: where raw-text rows are when tables hold no Entity List rows
    table: list[list[str]]  # HTML or pipe table rows


def _read(text: str) -> _Source:
    """Read raw text, body HTML or a pipe table into prose, full text and table rows."""
    if not (_TABLE_TAG.search(text) or _HTML_HINT.search(text)):
        return _Source(text, text, _pipe_rows(text))
    reader = _HtmlReader()
    try:
        reader.feed(text)
        reader.close()
    except (AssertionError, ValueError):  # html.parser gives up on a few malformed declarations
        plain = strip_tags(text)
        return _Source(plain, plain, [])
    table = reader.rows if _TABLE_TAG.search(text) else _pipe_rows(text)
    return _Source("".join(reader.text), "".join(reader.everything), table)


def _pipe_rows(text: str) -> list[list[str]]:
    rows = []
    for line in text.splitlines():
        if line.count("|") < 3:
            continue
        cells = line.strip().strip("|").split("|")
        if all(_PIPE_RULE.fullmatch(cell.strip()) for cell in cells):
            continue
        rows.append([strip_tags(cell) if "<" in cell else html.unescape(cell) for cell in cells])
    return rows


# --- instructions -----------------------------------------------------------------------------------------------


def _instructions(prose: str) -> tuple[list[_Instruction], dict[str, list[str]]]:
    """Return the named instructions and, per country, the actions the instructions take there."""
    flat = _WHITESPACE.sub(" ", prose)
    amended = _AMENDED.search(flat)
    if amended:
        heading = _TABLE_HEADING.search(flat, amended.end())
        region = flat[amended.start() : heading.start() if heading else amended.start() + 50_000]
    else:
        region = flat
    strict = amended is None  # outside a rule's amendatory text only "by adding under X" forms count
    action: str | None = None
    country: str | None = None
    bound = False
    named: list[_Instruction] = []
    verbs: dict[str, list[str]] = {}
    for match in _INSTRUCTION_TOKEN.finditer(region):
        if match["t1"] or match["t2"]:
            action = _VERBS[(match["v1"] or match["v2"]).lower()]
            country = _country(match["c1"] or match["c2"])
            bound = True
            verbs.setdefault(country, []).append(action)
        elif match["t4"]:
            country = _country(match["c4"])
            if action:
                bound = True
                verbs.setdefault(country, []).append(action)
        elif match["t3"]:
            action = _VERBS[match["v3"].lower()]
            bound = not strict or country is not None
        elif action and bound:
            name = _clean_quoted(match["q1"] or match["q2"] or match["q3"] or "")
            if name and name.casefold() not in _HEADER_CELLS:
                named.append(_Instruction(action, country or "", name))
    return named, verbs


def _clean_quoted(value: str) -> str:
    return _trim_name(_WHITESPACE.sub(" ", value).strip().rstrip(",;:").strip())


# --- rows -------------------------------------------------------------------------------------------------------


def _table_rows(table: list[list[str]]) -> list[_Row]:
    """Rows of an HTML, XML or pipe table; the country cell is carried down the rows that leave it empty.

    A row whose only text is in the entity column continues the entry above it (a long cell the printer
    split: its last addresses), unless a ``* * *`` row stands between them.
    """
    rows: list[_Row] = []
    country = ""
    open_row = False  # the last row read is an entry a continuation may extend
    for raw in table:
        cells = [cell.strip() for cell in raw]
        if sum(_line(cell).casefold() in _HEADER_CELLS for cell in cells) >= 2:
            open_row = False
            continue
        if len(cells) >= 5:
            heading, entity, requirement, policy, citation = *cells[:4], " ".join(cells[4:])
        elif len(cells) == 4:
            heading, (entity, requirement, policy, citation) = "", cells
        elif len(cells) in (2, 3) and open_row and not _STARS.sub("", cells[0]).strip():
            heading, entity, requirement, policy, citation = cells[0], " ".join(cells[1:]), "", "", ""
        else:
            open_row = False
            continue  # not a row of the five-column table (layout or metadata tables)
        heading = _STARS.sub(" ", heading).strip()
        if any(char.isalpha() for char in heading):
            country = _country(heading)
            open_row = False
        entity = _STARS.sub(" ", entity).strip()
        if not entity or entity.lower().startswith("[reserved") or not any(char.isalpha() for char in entity):
            open_row = False
            continue
        if not (requirement.strip() or policy.strip() or citation.strip()) and not heading:
            if open_row:
                last = rows[-1]
                rows[-1] = _Row(last.country, f"{last.entity}\n{entity}", last.requirement, last.policy, last.citation)
            continue
        if not (_REQUIREMENT.search(requirement) or _POLICY.search(policy) or _CITATION.search(citation)):
            open_row = False
            continue  # a table, but not the Entity List's
        rows.append(_Row(country, entity, _field(requirement), _field(policy), _field(citation)))
        open_row = True
    return rows


def _raw_text_rows(prose: str) -> list[_Row]:
    """Rows of a raw-text table: cells one after another over several lines, each row closed by its citation."""
    heading = _TABLE_HEADING.search(prose)
    start = heading.end() if heading else 0
    end = _TABLE_END.search(prose, start)
    lines = [_line(line) for line in prose[start : end.start() if end else len(prose)].splitlines()]
    lines = [line for line in lines if line and not _STARS.fullmatch(line) and line.casefold() not in _HEADER_CELLS]
    rows: list[_Row] = []
    country = ""
    record = ""
    for index, line in enumerate(lines):
        if not record:
            heading_country = _country_heading(line)
            if heading_country is not None:
                country = heading_country
                continue
        record = f"{record} {_STARS.sub(' ', line).strip()}".strip()
        if len(record) > _MAX_RECORD_CHARS:
            record = ""
            continue
        following = lines[index + 1] if index + 1 < len(lines) else ""
        if _CITATION_AT_END.search(record[-400:]) and not _CONTINUATION.match(following):
            split = _split_row(record)
            if split is not None and _REQUIREMENT.search(split[1] or ""):
                entity, requirement, policy, citation = split
                rows.append(_Row(country, entity, _field(requirement), _field(policy), _field(citation)))
            record = ""
    return rows


def _split_row(record: str) -> tuple[str, str, str, str] | None:
    """Split a flattened row into entity, requirement, policy and citation; ``None`` if it is not a row."""
    citations = list(_CITATION.finditer(record))
    if not citations or record[citations[-1].end() :].strip(" ;,."):
        return None
    start = citations[-1].start()
    for previous in reversed(citations[:-1]):
        if not _CITATION_GAP.fullmatch(record[previous.end() : start]):
            break
        start = previous.start()
    body, citation = record[:start], record[start:]
    requirement = _REQUIREMENT.search(body)
    policy = _POLICY.search(body, requirement.end() if requirement else 0)
    first = requirement or policy
    if first is None:
        return None
    entity = body[: first.start()]
    requirement_text = body[requirement.start() : policy.start() if policy else len(body)] if requirement else ""
    policy_text = body[policy.start() :] if policy else ""
    return entity.strip(), requirement_text, policy_text, citation


def _country_heading(line: str) -> str | None:
    match = _COUNTRY_LINE.fullmatch(line)
    if match is None:
        return None
    words = set(_CAPITAL_WORDS.findall(match["c"]))
    if not words or words & _NOT_A_COUNTRY or sum(len(word) for word in words) < 3:
        return None
    return _country(match["c"])


# --- entity cells -----------------------------------------------------------------------------------------------


def _entity_cell(cell: str, known: tuple[str, ...] = ()) -> tuple[str, tuple[str, ...], tuple[str, ...]]:
    """Split an entity cell into name, aliases and addresses.

    ``known`` are the names the rule's instructions quote: a cell that starts with one of them has that name,
    which settles where a name with commas ("Academy of ..., Institute of ...") ends and its address begins.
    """
    cell = _ALTERNATE.sub(".", cell)
    lines = [_line(_DOUBLE_HYPHEN.sub("—", line)) for line in cell.replace("\r", "\n").split("\n")]
    text = "\n".join(line for line in lines if line)
    aka = _AKA.search(text)
    aliases: list[str] = []
    if aka:
        name = text[: aka.start()]
        rest = _take_aliases(text[aka.end() :], _count(aka["count"]), aliases)
    else:
        name, rest = _known_name(text, known) or _split_name(text)
    name = _trim_name(_line(name.replace("\n", " ")).strip(" ,;:"))
    return name, tuple(aliases), tuple(_addresses(rest))


def _take_aliases(text: str, count: int | None, out: list[str]) -> str:
    """Append the aliases at the head of ``text`` to ``out``; return what follows them (the addresses)."""
    position = 0
    while True:
        dash = _DASH.match(text, position)
        if dash is None:
            if out:
                return text[position:]
            break  # no dash list: aliases written inline
        start = dash.end()
        following = _NEXT_ALIAS.search(text, start)
        if following is not None:  # the stated count is sometimes wrong; the dashes are not
            _add_alias(out, text[start : following.start()])
            position = following.end()
            continue
        end = _alias_end(text, start)
        _add_alias(out, text[start:end])
        return text[end:]
    end = _alias_end(text, 0)
    for alias in _ALIAS_SPLIT.split(text[:end]):
        _add_alias(out, alias)
    return text[end:]


def _add_alias(out: list[str], alias: str) -> None:
    alias = _line(alias.replace("\n", " ")).strip(" ;,")
    alias = _LEADING_AND.sub("", alias)
    trimmed = _trim_name(alias)
    alias = alias if trimmed in out else trimmed  # "—ISM Tech; and —ISM Tech." lists two aliases
    if alias and any(char.isalpha() for char in alias):
        out.append(alias)


def _alias_end(text: str, start: int) -> int:
    """Index where the alias starting at ``start`` ends: a line break or a period that ends a sentence."""
    newline = text.find("\n", start)
    limit = newline if newline >= 0 else len(text)
    for period in _PERIOD.finditer(text, start, limit + 1):
        word = _LAST_WORD.search(text, max(start, period.start() - 40), period.start())
        token = (word.group(1) if word else "").strip("().,;").lower()
        if len(token) <= 1 or "." in token or token in _NOT_SENTENCE_END:
            continue
        return period.start() + 1
    return limit


def _known_name(text: str, known: tuple[str, ...]) -> tuple[str, str] | None:
    """The longest quoted name the cell starts with, followed by a comma, a period or the end."""
    flat = _WHITESPACE.sub(" ", text)
    folded = flat.casefold()
    best = ""
    for name in known:
        if len(name) > len(best) and folded.startswith(name.casefold()):
            after = flat[len(name) : len(name) + 1]
            if after in ("", ",", ".", ";", "\n", " ") and not flat[len(name) :].lstrip().startswith("("):
                best = name
    if not best:
        return None
    return flat[: len(best)], flat[len(best) :]


def _split_name(text: str) -> tuple[str, str]:
    """Name and the rest of a cell without ``a.k.a.``: the name ends at the first comma not part of a name."""
    first, _, tail = text.partition("\n")
    for comma in _COMMA.finditer(first):
        if not _NAME_GOES_ON.match(first, comma.end()):
            return first[: comma.start()], "\n".join(part for part in (first[comma.end() :], tail) if part)
    return first, tail


def _trim_name(name: str) -> str:
    """Drop a final period unless it closes an abbreviation (``Co., Ltd.``, ``S.A.``)."""
    if not name.endswith("."):
        return name
    last = name[:-1].rsplit(None, 1)[-1] if name[:-1].split() else ""
    if last.lower().strip("(),") in _KEEP_FINAL_DOT or "." in last or len(last) <= 1:
        return name
    return name[:-1].rstrip()


def _addresses(text: str) -> list[str]:
    sub_block = _SUB_BLOCK.search(text)
    if sub_block:
        text = text[: sub_block.start()]
    text = text.lstrip(" \n.,;:").rstrip(" \n,;:")
    addresses = []
    for part in _ADDRESS_SPLIT.split(text):
        part = _line(part).strip(" ,;:")
        part = _trim_name(_LEADING_AND.sub("", part))
        if any(char.isalnum() for char in part):
            addresses.append(part)
    return addresses


def _count(word: str | None) -> int | None:
    if not word:
        return None
    word = word.lower()
    return int(word) if word.isdigit() and len(word) < 4 else _NUMBER_WORDS.get(word)


# --- assembly ---------------------------------------------------------------------------------------------------


def _assemble(rows: list[_Row], instructions: list[_Instruction], verbs: dict[str, list[str]]) -> list[Entry]:
    entries: list[Entry] = []
    used: set[int] = set()
    known = tuple(instruction.name for instruction in instructions)
    for row in rows:
        name, aliases, addresses = _entity_cell(row.entity, known)
        if not name:
            continue
        index = _matching_instruction(name, row.country, instructions, used)
        if index is None:
            action, country = _default_action(row.country, verbs), row.country
        else:
            used.add(index)
            action, country = instructions[index].action, row.country or instructions[index].country
        entries.append(Entry(action, name, country, aliases, addresses, row.requirement, row.policy, row.citation))
    # An instruction with no row is still an entry (a removal prints no row; a revision may be named only), except
    # an addition where rows were printed under its country: every added party has its row, so an unmatched quote
    # there is a quotation the rows already answer (a heading, a name cut at a quote mark), not another party.
    entries.extend(
        Entry(instruction.action, instruction.name, instruction.country)
        for index, instruction in enumerate(instructions)
        if index not in used and not (instruction.action == ADD and _rows_under(rows, instruction))
    )
    unique: dict[Entry, None] = dict.fromkeys(entries)
    return list(unique)


def _rows_under(rows: list[_Row], instruction: _Instruction) -> bool:
    return any(row.country == instruction.country or not instruction.country for row in rows)


def _matching_instruction(name: str, country: str, instructions: list[_Instruction], used: set[int]) -> int | None:
    key = _key(name)
    fallback = None
    for index, instruction in enumerate(instructions):
        if instruction.country and country and instruction.country != country:
            continue
        wanted = _key(instruction.name)
        if wanted == key and index not in used:
            return index
        if fallback is None and wanted and (key.startswith(wanted + " ") or wanted.startswith(key + " ")):
            fallback = index
    return fallback


def _default_action(country: str, verbs: dict[str, list[str]]) -> str:
    actions = verbs.get(country) or [action for listed in verbs.values() for action in listed]
    if not actions or ADD in actions:
        return ADD
    return REVISE  # a row printed under removals or revisions only is an entry that stays, changed


# --- small text helpers -----------------------------------------------------------------------------------------


def _line(value: str) -> str:
    return _SPACES.sub(" ", value).strip()


def _field(value: str | None) -> str | None:
    if value is None:
        return None
    value = _WHITESPACE.sub(" ", _STARS.sub(" ", value)).strip()
    if value.endswith("."):
        value = value[:-1].rstrip()
    return value or None


def _key(value: str) -> str:
    return " ".join(_KEY_WORDS.findall(value.casefold()))


def _country(raw: str) -> str:
    """A country heading as a readable name (``CHINA, PEOPLE'S REPUBLIC OF`` -> ``China``)."""
    value = _line(_STARS.sub(" ", raw.replace("’", "'"))).strip(" .,:;")
    value = _LEADING_THE.sub("", value)
    if not value:
        return ""
    known = name_of_form(value)
    if known:
        return known
    value = _PARENTHESES.sub("", value).split(",", 1)[0].strip()
    words = []
    for position, word in enumerate(value.split()):
        lower = word.lower()
        if position and lower in _SMALL_WORDS:
            words.append(lower)
        else:
            words.append("-".join(part[:1].upper() + part[1:] for part in lower.split("-")))
    return " ".join(words)
