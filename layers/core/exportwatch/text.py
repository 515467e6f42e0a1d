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
    "…": "...", "[": "(", "]": ")", "{": "(", "}": ")", "|": "/", "^": "", "~": "-", "\\": "/", "€": "EUR",
    "\u00a0": " ",
})  # fmt: skip


def sms_text(value: str, *, max_chars: int = 160) -> str:
    """Plain ASCII (a subset of the GSM 7-bit alphabet) on one line, at most ``max_chars``: one SMS segment."""
    line = " ".join(plain_text(value).split()).translate(_GSM_REPLACE)
    line = unicodedata.normalize("NFKD", line).encode("ascii", "ignore").decode("ascii")
    return _shorten(line, max_chars, "...")
