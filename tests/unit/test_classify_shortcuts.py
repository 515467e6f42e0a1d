"""Work classification skips must not change what it decides.

News reads the rules only of the labels whose evidence can count (``Model.weighed``), and those of a label
decided without them once it is; evidence lines are scored from the model's fused table. Reading every rule
must give the same classification.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Collection

import pytest

from exportwatch.classify import classify, labels, parties, sentences
from exportwatch.classify import model as trained
from exportwatch.models import LABELS, Classification, Item
from tests.helpers import FIXTURES, read_jsonl

ITEMS = [
    Item.from_json(record)
    for folder in ("corpus", "stories")
    for path in sorted((FIXTURES / folder).glob("*.jsonl"))
    for record in read_jsonl(path)
]


def _classified() -> list[Classification]:
    return [classify(item) for item in ITEMS]


SHORTCUT = _classified()


def _read_every_rule(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(trained.Model, "weighed", lambda _model, _chances: set(LABELS))


def test_reading_every_labels_rules_changes_no_classification(monkeypatch: pytest.MonkeyPatch) -> None:
    # Given classification that reads every label's rules
    _read_every_rule(monkeypatch)
    # When every fixture item is classified again
    # Then each comes out as it did with the shortcut
    assert _classified() == SHORTCUT


def test_a_label_decided_without_its_rules_reads_them_for_its_evidence(monkeypatch: pytest.MonkeyPatch) -> None:
    # Given a model whose rules' labels count only above 0.9, so most labels it decides are not weighed
    strict = dataclasses.replace(trained.load(), ruled_floor=0.9)
    monkeypatch.setattr(trained, "load", lambda: strict)
    second_reads = []
    read = labels.rule_evidence

    def spy(item: Item, scope: list[str], wanted: Collection[str] | None = None) -> dict[str, int]:
        if isinstance(wanted, list):
            second_reads.append(item.id)
        return read(item, scope, wanted)

    monkeypatch.setattr(labels, "rule_evidence", spy)
    shortcut = _classified()
    # When every label's rules are read at once
    _read_every_rule(monkeypatch)
    # Then the labels decided without their rules read them afterwards, and nothing changes
    assert second_reads
    assert _classified() == shortcut


def test_the_weighed_labels_are_those_whose_rule_evidence_decide_counts() -> None:
    # Given the shipped model and some items' chances
    model = trained.load()
    for item in ITEMS[:200]:
        found = trained.features([item.title, item.text[:400]], item.source, item.agencies)
        chances = model.chances(found)
        if not model.gate_open(chances):
            continue
        weighed = model.weighed(chances)
        # Then rule evidence for the other labels changes no decision
        for label in LABELS:
            assert model.decide(chances, [label]) == model.decide(chances, [label] if label in weighed else [])


def test_a_lines_score_from_the_fused_table_is_the_labels_own() -> None:
    # Given the shipped model and the features of fixture items' lines
    model = trained.load()
    lines = [
        line for item in ITEMS[:300] for line in trained.lines_features(trained.tokenize([item.title, item.text[:300]]))
    ]
    # Then every label scores every line as its own weights do
    for label, linear in model.labels.items():
        assert [model.line_score(label, found) for found in lines] == [linear.line_score(found) for found in lines]


def test_sentence_ends_found_from_one_character_class_are_those_of_the_plain_alternatives() -> None:
    # Given the sentence-end pattern as two alternatives, which the engine tries at every character
    plain_ends = re.compile(r"[.!?][\"”’)]?\s+(?=[A-Z\"“‘(])|\n\s*(?=[^\sa-z])")
    texts = [item.text for item in ITEMS] + ["Ends here.\n\nNext one? (Yes.) ”Quoted” and\nwrapped\n  Line"]
    # Then the shipped pattern finds the same ends in every fixture text (its ASCII variant in every ASCII one)
    for text in texts:
        for pattern in sentences._SENTENCE_END[: 1 + text.isascii()]:
            assert [m.span() for m in pattern.finditer(text)] == [m.span() for m in plain_ends.finditer(text)]


def test_an_items_features_are_its_lines_features_and_its_source() -> None:
    # Given fixture items' lines as the model reads them
    for item in ITEMS[:300]:
        tokens = trained.tokenize(trained.scope(item.title, [item.text[:200], item.text[200:400]], item.source))
        # Then the features built in one set are the union of each line's, with the source's
        lines = set().union(*trained.lines_features(tokens))
        assert trained.item_features(tokens, item.source, item.agencies) - lines == {
            feature for feature in trained.features(["x"], item.source, item.agencies) if "=" in feature
        }
        assert lines <= trained.item_features(tokens, item.source, item.agencies)


def test_recalls_found_from_the_character_before_a_word_are_those_of_the_word_boundary_scan() -> None:
    # Given every clause of the fixtures' lines, lower-cased, and clauses that open or close on a cue
    clauses = [clause.lower() for item in ITEMS for line in labels.scope_of(item) for clause in line.split(";")]
    clauses += ["in 2019 it was added", "previously listed in may 2020", "it had been added", "since 2018"]
    # Then the matches have the same groups and ends as the plain scan's
    for clause in clauses:
        found = [(m.groups(), m.end()) for m in labels._recalls(clause)]
        assert found == [(m.groups(), m.end()) for m in labels._RECALLS.finditer(clause)]


def test_a_context_pattern_matches_only_texts_where_its_cue_is_found() -> None:
    # Given each context pattern of the party reading with the cheap cue that decides whether it runs
    texts = [item.text for item in ITEMS] + [item.title for item in ITEMS]
    texts += ["suppliers such as Qualcomm and Broadcom", "joining 260 businesses including Huawei", "Neither A nor B"]
    # Then wherever a pattern matches, its cue is found, and wherever its cue is found, one of the cue's literals;
    # a cue without literals starts with one of its own (the engine finds it in C)
    for stems, cue, pattern in parties._contexts():
        assert all(cue.search(text) for text in texts if pattern.search(text)), pattern.pattern[:60]
        if stems:
            assert all(any(stem in text for stem in stems) for text in texts if cue.search(text)), cue.pattern
        else:
            assert re.match(r"\\[(]|[\w ]", cue.pattern), cue.pattern
