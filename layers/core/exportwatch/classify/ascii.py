r"""Patterns matched in ASCII mode on ASCII text: the same matches, found with fewer instructions.

In Unicode mode every ``\w``, ``\b`` or ``\s`` test asks the Unicode database whether a character is a letter,
a digit or a space (four look-ups for a non-word character); in ASCII mode it is one table look-up. Classifying an
item spends a third of its time in the regular expression engine, and most items are ASCII. On ASCII text the two
modes agree on ``\w``, ``\W``, ``\b``, ``\B``, ``\d`` and ``\D``, and on case folding (a folding into another
alphabet has nothing to meet); ``\s`` differs only in the separators U+001C to U+001F, which the ASCII variant
adds to each ``\s``. Text with any other character is matched by the Unicode pattern itself.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator

# An escape, a character class (its escapes included), or a run of anything else.
_PART = re.compile(r"\\.|\[\^?\]?(?:\\.|[^\]\\])*\]|[^\\\[]+|\[", re.DOTALL)
# The ASCII characters Unicode's \s holds: ASCII's \s lacks U+001C to U+001F. A class of ranges compiles to a bitmap,
# one test per character.
_SPACES = r"\t-\r\x1c-\x20"
_CLASS_ESCAPE = re.compile(r"\\.")


def ascii_source(pattern: str, flags: int = 0) -> str | None:
    r"""The pattern to compile with ``re.ASCII`` that matches ASCII text as ``pattern`` does, or None.

    ``\s`` becomes the class of the ASCII characters it holds, ``\S`` its complement, and inside a class ``\s`` those
    characters. A class holding ``\S`` has no such rewrite: None. Nor has a verbose pattern or one with comments (a
    bracket in a comment would be read as a class), nor a case-insensitive one with a non-ASCII letter: Unicode folds
    "ſ" and the Kelvin sign into "s" and "k", ASCII mode does not.

    Examples
    --------
    >>> ascii_source(r"a\s+[^\s,]\S")
    'a[\\t-\\r\\x1c-\\x20]+[^\\t-\\r\\x1c-\\x20,][^\\t-\\r\\x1c-\\x20]'
    """
    if flags & re.VERBOSE or "(?x" in pattern or "(?#" in pattern:
        return None
    if (flags & re.IGNORECASE or "(?i" in pattern) and not pattern.isascii():
        return None
    parts: list[str] = []
    for part in _PART.findall(pattern):
        if part == r"\s":
            parts.append(f"[{_SPACES}]")
        elif part == r"\S":
            parts.append(f"[^{_SPACES}]")
        elif part.startswith("[") and len(part) > 1:
            escapes = _CLASS_ESCAPE.findall(part)
            if r"\S" in escapes:
                return None
            if r"\s" in escapes:
                part = _CLASS_ESCAPE.sub(lambda m: _SPACES if m.group() == r"\s" else m.group(), part)
            parts.append(part)
        else:
            parts.append(part)
    return "".join(parts)


class Dual:
    """A pattern compiled twice: ``variants[text.isascii()]`` matches ``text`` (see the module docstring).

    ``search``, ``match``, ``finditer`` and ``pattern`` stand in for ``re.Pattern``'s; a caller that runs several
    searches on one text, or one over many texts, picks the variant once.
    """

    __slots__ = ("pattern", "variants")

    def __init__(self, pattern: str, flags: int = 0) -> None:
        self.pattern = pattern
        unicode = re.compile(pattern, flags)
        source = ascii_source(pattern, flags)
        self.variants = (unicode, unicode if source is None else re.compile(source, flags | re.ASCII))

    def search(self, text: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[str] | None:
        """``re.Pattern.search`` with the variant for ``text``."""
        return self.variants[text.isascii()].search(text, pos, endpos)

    def match(self, text: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[str] | None:
        """``re.Pattern.match`` with the variant for ``text``."""
        return self.variants[text.isascii()].match(text, pos, endpos)

    def finditer(self, text: str, pos: int = 0, endpos: int = sys.maxsize) -> Iterator[re.Match[str]]:
        """``re.Pattern.finditer`` with the variant for ``text``."""
        return self.variants[text.isascii()].finditer(text, pos, endpos)
