"""A pattern's ASCII variant finds on ASCII text exactly what the pattern finds: same spans, same groups.

The variants exist for speed only (``exportwatch.classify.ascii``); a difference would change what is classified.
"""

from __future__ import annotations

import re

import pytest

from exportwatch.classify import dates, labels, model, sentences
from exportwatch.classify.ascii import Dual, ascii_source
from exportwatch.classify.rules import RULES
from tests.helpers import corpus
from tests.unit.test_rule_prefilters import LINES  # every line the rules read in the fixtures, as they read it

# Every character class the patterns test, at and around the boundaries where Unicode and ASCII could differ.
_EDGES = "".join(map(chr, range(128)))


def _found(pattern: re.Pattern[str], text: str) -> list[tuple[tuple[int, int], tuple[str | None, ...]]]:
    return [(match.span(), match.groups()) for match in pattern.finditer(text)]


@pytest.mark.parametrize(
    "pattern", [r"\s+x\S", r"[^\s,]+", r"[\s.]\w+\b", r"\d+\D", r"\W(ab|c)\b", r"(?i:ease)\b", r"\B.\B"]
)
def test_the_ascii_variant_agrees_on_every_ascii_character(pattern: str) -> None:
    # Given a pattern built of the escapes whose meaning depends on the mode
    unicode, ascii_variant = Dual(pattern).variants
    # When each finds in text holding every ASCII character next to every other (separators U+001C-U+001F too)
    texts = [f"{a}x{b}ab c1 {a}{b}EASE" for a in _EDGES for b in " \x1c\x1fx1_.,\t"]
    # Then they find the same
    assert all(_found(unicode, text) == _found(ascii_variant, text) for text in texts)


def test_a_class_holding_the_complement_of_space_keeps_the_unicode_pattern() -> None:
    # Given a class with \S, which no class of ASCII characters rewrites
    # Then there is no ASCII variant: the Unicode pattern matches all text
    assert ascii_source(r"[\S,]+") is None
    unicode, ascii_variant = Dual(r"[\S,]+").variants
    assert ascii_variant is unicode


@pytest.mark.parametrize(
    ("pattern", "flags", "text"),
    [
        ("\u017f", re.IGNORECASE, "s"),  # the long s folds into "s" in Unicode mode only
        ("[^\u212a]", re.IGNORECASE, "k"),  # so does the Kelvin sign into "k"
        (r"a(?#[)\s+b(?#])", 0, "a b"),  # a bracket in a comment is no class
        ("a # [\n \\s+ b # ]", re.VERBOSE, "a b"),
    ],
    ids=["long-s", "kelvin-sign", "comment", "verbose"],
)
def test_patterns_ascii_mode_would_read_otherwise_keep_the_unicode_pattern(pattern: str, flags: int, text: str) -> None:
    # Given a pattern whose ASCII-mode compile would match an ASCII text otherwise
    assert bool(re.search(pattern, text, flags)) != bool(re.search(pattern, text, flags | re.ASCII)) or "#" in pattern
    # Then it gets no ASCII variant, and the pattern matches as it does in Unicode mode
    assert ascii_source(pattern, flags) is None
    unicode, ascii_variant = Dual(pattern, flags).variants
    assert ascii_variant is unicode
    assert bool(Dual(pattern, flags).search(text)) == bool(re.search(pattern, text, flags))


def test_the_rules_find_the_same_in_every_fixture_line_with_either_variant() -> None:
    # Given every rule pattern and the fixture lines (lower case, as the rules read them)
    patterns = [p for rule in RULES for p in (rule.title, rule.sentence, rule.veto) if p is not None]
    patterns += [labels._STRONG_OFF, labels._WEAK_OFF, labels._BACKGROUND, labels._RECALLS_AFTER, labels._ANCHOR]
    lines = [line for line in LINES if line.isascii()]
    # When each variant runs over them
    # Then both find the same spans and groups
    for pattern in patterns:
        unicode, ascii_variant = pattern.variants
        assert ascii_variant is not unicode
        assert [_found(unicode, line) for line in lines] == [_found(ascii_variant, line) for line in lines]


def test_the_patterns_kept_as_their_two_variants_find_the_same_in_every_corpus_text() -> None:
    # Given the patterns the hot paths keep as (Unicode, ASCII) pairs and index by the text themselves
    pairs = [model._NUMBER, dates._DATE_LOWER, dates._DIGIT, sentences._SENTENCE_END, sentences._ABBREVIATION]
    texts = [t for record in corpus() for t in (record["title"], record.get("text") or "") if t.isascii()]
    texts += [text.lower() for text in texts]
    # When each variant runs over the corpus's titles and texts, as written and lower-cased
    # Then both find the same spans and groups
    for unicode, ascii_variant in pairs:
        assert ascii_variant is not unicode
        assert [_found(unicode, text) for text in texts] == [_found(ascii_variant, text) for text in texts]
