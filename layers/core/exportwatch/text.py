"""Turn untrusted markup into plain text: no tags, no scripts, no control characters.

Feed titles can carry escaped markup that feedparser hands back unescaped (``<script>``), so
every normalized field passes through :func:`plain_text`.
"""

from __future__ import annotations

import html
import re
import unicodedata
from html.parser import HTMLParser

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u2028\u2029\ufeff]")
_BLANK_LINES = re.compile(r"\n\s*\n+")
_SPACES = re.compile(r"[ \t\r\f\v]+")
_DANGEROUS = re.compile(r"javascript:|vbscript:|data:text/html|<\s*script|\bon\w+\s*=", re.IGNORECASE)
_BLOCK_TAGS = frozenset({"p", "br", "div", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "blockquote"})
_SKIP_TAGS = frozenset({"script", "style", "noscript", "iframe", "object", "template", "svg", "math"})


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP_TAGS:
            self._skip += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP_TAGS and self._skip:
            self._skip -= 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def strip_tags(value: str) -> str:
    """Markup to text: tags dropped (block tags become line breaks, scripts and styles vanish), entities unescaped."""
    parser = _TextExtractor()
    try:
        parser.feed(value)
        parser.close()
        value = "".join(parser.parts)
    except (AssertionError, ValueError):
        value = re.sub(r"<[^>]*>", " ", value)
    return html.unescape(value)


def without_controls(value: str) -> str:
    """Replace control, zero-width and line-separator characters with spaces (no NUL reaches a parser)."""
    return _CONTROL.sub(" ", value)


def plain_text(value: str, *, max_chars: int = 20000) -> str:
    """Return ``value`` as plain text, safe to put in an e-mail, an SMS or a log line."""
    if not value:
        return ""
    value = value[: max_chars * 4]
    for _pass in range(2):  # twice: escaped markup ("&lt;script&gt;") is markup once unescaped
        if "<" not in value and "&" not in value:
            break
        value = strip_tags(value)
    if "<" in value:
        value = re.sub(r"<[^>]*>?", " ", value)
    value = without_controls(value)
    value = _DANGEROUS.sub(" ", value)
    value = _SPACES.sub(" ", value)
    value = _BLANK_LINES.sub("\n\n", value)
    return "\n".join(line.strip() for line in value.split("\n")).strip()[:max_chars]


def one_line(value: str, *, max_chars: int) -> str:
    """Plain text on one line, cut at a word boundary to ``max_chars`` (with an ellipsis)."""
    return _shorten(" ".join(plain_text(value).split()), max_chars, "…")


def _shorten(line: str, max_chars: int, ellipsis: str) -> str:
    """Cut ``line`` to ``max_chars`` with ``ellipsis``, at a word boundary in its second half if there is one."""
    if len(line) <= max_chars:
        return line
    cut = line[: max_chars - len(ellipsis)]
    if " " in cut[max_chars // 2 :]:
        cut = cut[: cut.rfind(" ")]
    return cut.rstrip(" ,;:-·") + ellipsis


# Characters outside the GSM 03.38 default alphabet turn a whole SMS into UCS-2 (70 characters a
# segment instead of 160), and its extension table ([]{}|^~\\ and the euro sign) costs two each.
_GSM_REPLACE = str.maketrans({
    "·": "-", "•": "-", "–": "-", "—": "-", "‘": "'", "’": "'", "‚": "'", "“": '"', "”": '"', "„": '"',
    "…": "...", "`": "'", "´": "'", "[": "(", "]": ")", "{": "(", "}": ")", "|": "/", "^": "", "~": "-",
    "\\": "/", "€": "EUR",
    "\u00a0": " ", "Æ": "AE", "æ": "ae", "Ø": "O", "ø": "o", "ß": "ss", "Œ": "OE", "œ": "oe", "Ł": "L", "ł": "l",
    "Đ": "D", "đ": "d", "Þ": "Th", "þ": "th", "ı": "i",
})  # fmt: skip


SMS_SEGMENT, UCS2_SEGMENT = 160, 70  # characters in one SMS segment: GSM 7-bit, UCS-2


def _vanishes(char: str) -> bool:
    """A letter or digit with no ASCII form (Chinese, Cyrillic...): dropping it would drop a name."""
    return char.isalnum() and not unicodedata.normalize("NFKD", char).encode("ascii", "ignore")


def sms_text(value: str, *, max_chars: int = SMS_SEGMENT) -> str:
    """One SMS segment on one line: GSM 7-bit text where the value allows it, else UCS-2.

    Punctuation outside the GSM alphabet (a backtick, curly quotes, brackets) is replaced and
    accents are stripped, so one odd character never costs the 160-character encoding. Only when a
    letter has no ASCII form (a party named in Chinese script) is the text kept as written, since
    that SMS must be UCS-2 anyway: then at most ``max_chars - 90`` characters (70 for a whole SMS).
    """
    line = " ".join(plain_text(value).split()).translate(_GSM_REPLACE)
    if any(_vanishes(char) for char in line):
        line = unicodedata.normalize("NFC", line)
        return _shorten(line, max(max_chars - (SMS_SEGMENT - UCS2_SEGMENT), 20), "...")
    line = unicodedata.normalize("NFKD", line).encode("ascii", "ignore").decode("ascii")
    return _shorten(line, max_chars, "...")
