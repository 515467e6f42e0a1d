"""The words a pattern needs: text holding none of them skips the pattern, so every match must hold one.

A word list that misses one alternative of its pattern would silently drop that alternative's matches.
"""

from __future__ import annotations

import re

import pytest

from exportwatch.classify import labels
from exportwatch.classify.labels import scope_of
from exportwatch.classify.rules import RULES, holds_any
from exportwatch.classify.sentences import plain
from exportwatch.models import Item
from tests.helpers import FIXTURES, read_jsonl

GATED = {
    "strong off-topic": (labels._STRONG_OFF, labels._STRONG_OFF_NEEDS),
    "weak off-topic": (labels._WEAK_OFF, labels._WEAK_OFF_NEEDS),
    "explainer": (labels._EXPLAINER, labels._EXPLAINER_NEEDS),
    "out of scope (Federal Register)": (labels._FR_OUT, labels._FR_OUT_NEEDS),
    "recall (Federal Register)": (labels._FR_RECALL, labels._FR_RECALL_NEEDS),
}


def _lines() -> list[str]:
    """Every line the rules read in the corpus and story fixtures, as they read it (lower case, plain)."""
    records = [
        record
        for folder in ("corpus", "stories")
        for path in sorted((FIXTURES / folder).glob("*.jsonl"))
        for record in read_jsonl(path)
    ]
    return [plain(line).lower() for record in records for line in scope_of(Item.from_json(record))]


LINES = _lines()


def _unheld(pattern: re.Pattern[str], words: tuple[str, ...], texts: list[str]) -> list[str]:
    return [m.group() for text in texts for m in pattern.finditer(text) if not holds_any(m.group(), words)]


@pytest.mark.parametrize("name", GATED)
def test_every_match_in_the_fixtures_holds_a_needed_word(name: str) -> None:
    # Given a pattern and the words its matches need
    pattern, words = GATED[name]
    # When it runs over every line of the fixtures
    # Then each match holds one of the words, and some lines hold none (the test can skip a search)
    assert _unheld(pattern, words, LINES) == []
    assert any(not holds_any(line, words) for line in LINES)


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("strong off-topic", "he renewed his driver's license"),
        ("strong off-topic", "a driving licence"),
        ("strong off-topic", "licence plate readers"),
        ("strong off-topic", "a new licensing deal with the studio"),
        ("strong off-topic", "the software license agreement"),
        ("strong off-topic", "an open-source license"),
        ("strong off-topic", "h-1b visas"),
        ("strong off-topic", "the rip-and-replace program"),
        ("strong off-topic", "liquefied natural gas exports"),
        ("strong off-topic", "taxes on chips"),
        ("strong off-topic", "the irs said"),
        ("strong off-topic", "china's unreliable entities list"),
        ("weak off-topic", "the department of defense list"),
        ("weak off-topic", "the dod list"),
        ("weak off-topic", "the sdn list"),
        ("weak off-topic", "the federal communications commission"),
        ("explainer", "understanding the entity list"),
        ("explainer", "no new listing actions were reported"),
        ("explainer", "what it is and how it works"),
    ],
)
def test_each_kind_of_match_holds_a_needed_word(name: str, text: str) -> None:
    # Given a phrase of one alternative of the pattern
    pattern, words = GATED[name]
    # Then the pattern matches it, and its match holds one of the words
    assert pattern.search(text)
    assert _unheld(pattern, words, [text]) == []


@pytest.mark.parametrize("index", [index for index, rule in enumerate(RULES) if rule.needs])
def test_a_rules_matches_in_the_fixtures_hold_a_word_it_needs(index: int) -> None:
    # Given a rule that lets text without its words skip it
    rule = RULES[index]
    # Then its title and sentence patterns match nothing in the fixtures without one
    for pattern in (rule.title, rule.sentence):
        if pattern is not None:
            assert _unheld(pattern, rule.needs, LINES) == []


@pytest.mark.parametrize(
    "text",
    [
        "revocation of validated end-user authorizations",
        "release of technology to certain entities on the entity list",
        "standards-related activities and the export administration regulations",
        "countries excluded from certain license exceptions",
        "end-use and end-user based export controls",
        "implementation of additional sanctions against russia",
        "expansion of validated end user authorization",
        "clarifications and corrections; organization of part 744",
        "request for comments on the temporary general license",
        "export privileges; temporary denial order",
        "technical amendments to the export administration regulations: eccn 0y521",
    ],
)
def test_a_rules_rarer_title_matches_hold_a_word_it_needs(text: str) -> None:
    # Given a Federal Register title of a kind the fixtures hold few of
    matched = [
        (p, rule.needs) for rule in RULES if rule.needs for p in (rule.title, rule.sentence) if p and p.search(text)
    ]
    # Then some rule with needed words matches it, and each such match holds one of them
    assert matched
    assert all(_unheld(pattern, words, [text]) == [] for pattern, words in matched)
