"""Measure the classifier and the clustering against gold labels and gold stories.

Classification: per-label precision/recall/F1, macro-F1, false alarms, and the parties found (entity recall and
precision against ``entities_gold``, where a record has it and is labelled). Clustering: pairwise
precision and recall of the stories that ingestion itself forms (``cluster_by_ingestion``).

A predicted label listed in an item's ``allowed`` (labels its title implies that are not wrong to
add) is neither a true nor a false positive. The false-alarm rate is the share of items with no
gold label that get any label: the number a subscriber feels. The miss rate is the share of items with a
gold label that get none: the actions a subscriber never hears of.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from exportwatch.classify import classify
from exportwatch.classify.dates import to_date
from exportwatch.classify.parties import entity_key, find_countries
from exportwatch.entity_list.gazetteer import gazetteer, words
from exportwatch.models import LABELS, InputError, Item
from exportwatch.screening.normalize import PLACE_WEIGHT, weight
from exportwatch.stories.cluster import story_id_for
from exportwatch.stories.ingest import ingest
from exportwatch_cli.memory import MemoryStore


@dataclass(slots=True)
class LabelScore:
    """Counts for one label."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def support(self) -> int:
        """Items whose gold labels include this label."""
        return self.tp + self.fn

    @property
    def precision(self) -> float:
        """Share of predictions that were right (1.0 when nothing was predicted)."""
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        """Share of gold labels found (1.0 when there were none)."""
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        """Harmonic mean of precision and recall."""
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def same_party(gold: str, found: str) -> bool:
    """Whether a found party is the gold one.

    The same name (up to legal form), the same listed entry ("SMIC" and "Semiconductor Manufacturing International
    Corporation"), what either's brackets hold ("IRGC" of "Islamic Revolutionary Guard Corps (IRGC)"), or a short form
    with a distinctive word of its own: the start of the name ("Fujian Jinhua" of "Fujian Jinhua Integrated Circuit",
    "Aeroflot" of "Aeroflot Russian Airlines"; not "Bank" of "Bank of China"), or the name without the city it starts
    with or the generic words it ends with ("Haige Communications" of "Guangzhou Haige Communications Group"). A
    fragment is not the party: "Mobile" of "China Mobile" (a country is part of a name), "Aircraft" of "United
    Aircraft Corporation", "Academy of" of anything, a name cut at its "and" ("Xinjiang Production" of "Xinjiang
    Production and Construction Corps"), or two names joined as one ("ISRO and DRDO"). A place that describes a name
    is not part of it ("Russia's Rossiya Airlines", "Hong Kong-based Corad Technology").
    """
    golds, founds = _forms(gold), _forms(found)
    if golds & founds:
        return True
    listed = gazetteer().lookup(gold)
    if listed is not None and listed == gazetteer().lookup(found):
        return True
    return any(_short_form(a.split(), b.split()) for a in golds for b in founds)


def _forms(name: str) -> set[str]:
    """The keys a name goes by: itself, without a place that describes it, without or only its brackets' content."""
    described = _DESCRIBED.match(name)
    rest = name[described.end() :] if described else ""
    # Only where the rest names a party by itself: "Russia's Ministry of Defence" is not Belarus's.
    if described and all(map(_place, described.group(1).split())) and any(map(_distinctive, entity_key(rest).split())):
        name = rest
    forms = {name, _BRACKETS.sub(" ", name), *_BRACKETS_CONTENT.findall(name)}
    return {key for key in map(entity_key, forms) if key}


def _short_form(x: list[str], y: list[str]) -> bool:
    short, long = sorted((x, y), key=len)
    at = _find_words(long, short)
    if at < 0 or not any(_distinctive(word) for word in short):
        return False
    before, after = long[:at], long[at + len(short) :]
    if "and" in after or "&" in after:
        return False  # "ISRO" of "ISRO and DRDO", "Xinjiang Production" of "... Production and Construction Corps"
    if not before:  # the start of the name, unless the rest says where it is ("Bank" of "Bank of China")
        return not any(word == "of" and _place(following) for word, following in itertools.pairwise(after))
    return all(_place(word) and not find_countries(word) for word in before) and not any(map(_distinctive, after))


def _distinctive(word: str) -> bool:
    return len(word) > 1 and word not in _STOP and weight(word) == 1.0


def _place(word: str) -> bool:
    return weight(word.lower()) == PLACE_WEIGHT or bool(find_countries(word))


_STOP = frozenset(("of", "the", "and", "for", "de", "del", "s"))
# "Russia's Rossiya Airlines", "Hong Kong-based Corad Technology": a place before the name describes it.
_DESCRIBED = re.compile(r"^\s*((?:[A-Z][\w.]*\s+){0,2}[A-Z][\w.]*)(?:'s|’s|-based|-backed)\s+")
_BRACKETS = re.compile(r"\([^()]*\)")
_BRACKETS_CONTENT = re.compile(r"\(([^()]*)\)")


def _find_words(words: list[str], part: list[str]) -> int:
    """Where ``part`` occurs in ``words`` as whole words, or -1."""
    for start in range(len(words) - len(part) + 1):
        if words[start : start + len(part)] == part:
            return start
    return -1


@dataclass(slots=True)
class EntityScore:
    """Parties found against gold parties, over labelled records that have ``entities_gold``.

    ``in_text`` counts the gold parties whose words occur in the record's title or text: a party the text never
    names cannot be found by reading it, so ``recall_in_text`` is the ceiling-free figure.
    """

    tp: int = 0
    fn: int = 0
    fp: int = 0
    in_text: int = 0
    tp_in_text: int = 0

    def add(self, record: dict[str, Any], found: Sequence[str]) -> None:
        """Score one record (skipped unless it has gold labels and a gold list of parties)."""
        gold = record.get("entities_gold")
        if not record.get("labels") or not isinstance(gold, list):
            return
        text = " " + " ".join(words(f"{record.get('title', '')} {record.get('text', '')}")) + " "
        for name in gold:
            hit = any(same_party(str(name), party) for party in found)
            self.tp += hit
            self.fn += not hit
            if f" {' '.join(words(entity_key(str(name))))} " in text:
                self.in_text += 1
                self.tp_in_text += hit
        self.fp += sum(1 for party in found if not any(same_party(str(name), party) for name in gold))

    @property
    def recall(self) -> float:
        """Share of gold parties found."""
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def precision(self) -> float:
        """Share of found parties that are gold ones."""
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall_in_text(self) -> float:
        """Share of the gold parties the text names that were found."""
        return self.tp_in_text / self.in_text if self.in_text else 1.0


@dataclass(slots=True)
class Evaluation:
    """The result of one evaluation run."""

    scores: dict[str, LabelScore] = field(default_factory=lambda: {label: LabelScore() for label in LABELS})
    items: int = 0
    negatives: int = 0
    false_alarms: int = 0
    positives: int = 0
    misses: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)
    entities: EntityScore = field(default_factory=EntityScore)

    @property
    def macro_f1(self) -> float:
        """Mean F1 over the labels that occur in the gold data."""
        present = [s for s in self.scores.values() if s.support]
        return sum(s.f1 for s in present) / len(present) if present else 0.0

    @property
    def false_alarm_rate(self) -> float:
        """Share of gold-negative items that got a label."""
        return self.false_alarms / self.negatives if self.negatives else 0.0

    @property
    def miss_rate(self) -> float:
        """Share of gold-positive items that got no label at all: the actions a subscriber never hears of."""
        return self.misses / self.positives if self.positives else 0.0

    def tally(self, item_id: str, title: str, gold: set[str], allowed: set[str], predicted: set[str]) -> None:
        """Count one item's predicted labels against its gold and allowed labels."""
        self.items += 1
        if not gold:
            self.negatives += 1
            if predicted - allowed:
                self.false_alarms += 1
        else:
            self.positives += 1
            if not predicted:
                self.misses += 1
        for label in LABELS:
            score = self.scores[label]
            if label in gold and label in predicted:
                score.tp += 1
            elif label in gold:
                score.fn += 1
            elif label in predicted and label not in allowed:
                score.fp += 1
        if (predicted - allowed) != (gold - allowed) and gold - predicted | (predicted - gold - allowed):
            self.errors.append(
                {"id": item_id, "gold": sorted(gold), "predicted": sorted(predicted), "title": title[:120]}
            )

    def to_json(self) -> dict[str, Any]:
        """The machine-readable report (``exportwatch eval --json``)."""
        return {
            "items": self.items,
            "labels": {
                label: {
                    "precision": round(s.precision, 4),
                    "recall": round(s.recall, 4),
                    "f1": round(s.f1, 4),
                    "support": s.support,
                    "tp": s.tp,
                    "fp": s.fp,
                    "fn": s.fn,
                }
                for label, s in self.scores.items()
            },
            "macro_f1": round(self.macro_f1, 4),
            "negatives": self.negatives,
            "false_alarms": self.false_alarms,
            "false_alarm_rate": round(self.false_alarm_rate, 4),
            "positives": self.positives,
            "misses": self.misses,
            "miss_rate": round(self.miss_rate, 4),
            "entities": {
                "recall": round(self.entities.recall, 4),
                "precision": round(self.entities.precision, 4),
                "gold": self.entities.tp + self.entities.fn,
                "gold_in_text": self.entities.in_text,
                "recall_in_text": round(self.entities.recall_in_text, 4),
            },
        }

    def table(self) -> str:
        """The report for people."""
        rows = [f"{'label':<24} {'precision':>9} {'recall':>7} {'F1':>6} {'support':>8}"]
        for label, s in self.scores.items():
            rows.append(f"{label:<24} {s.precision:>9.3f} {s.recall:>7.3f} {s.f1:>6.3f} {s.support:>8}")
        rows.append(f"{'macro-F1':<24} {'':>9} {'':>7} {self.macro_f1:>6.3f} {self.items:>8}")
        rows.append(
            f"false alarms on {self.negatives} unlabelled items: {self.false_alarms} ({self.false_alarm_rate:.1%})"
        )
        rows.append(f"misses on {self.positives} labelled items: {self.misses} ({self.miss_rate:.1%})")
        e = self.entities
        if e.tp + e.fn:
            rows.append(
                f"entities: recall {e.recall:.3f} precision {e.precision:.3f} ({e.tp + e.fn} gold parties); "
                f"recall {e.recall_in_text:.3f} on the {e.in_text} the text names"
            )
        return "\n".join(rows)


def gold_labels(record: dict[str, Any], key: str) -> set[str]:
    """A record's gold ``labels`` (or ``allowed``), checked: a list of known labels.

    Raises
    ------
    InputError
        When the value is not a list of strings or names a label that does not exist.
    """
    value = record.get(key) or []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise InputError(f"'{key}' must be a list of label names")
    unknown = set(value) - set(LABELS)
    if unknown:
        raise InputError(f"unknown label(s) in '{key}': {', '.join(sorted(unknown))}")
    return set(value)


def evaluate(records: Iterable[dict[str, Any]]) -> Evaluation:
    """Classify every record and compare with its gold ``labels``.

    Raises
    ------
    InputError
        When a record is not a usable item or its labels are not a list of known labels.
    """
    result = Evaluation()
    for record in records:
        item = Item.from_json(record)
        gold = gold_labels(record, "labels")
        allowed = gold_labels(record, "allowed")
        classification = classify(item)
        result.entities.add(record, classification.entities)
        result.tally(item.id, item.title, gold, allowed, set(classification.labels))
    return result


def _clock(moment: datetime) -> Callable[[], datetime]:
    return lambda: moment


def cluster_by_ingestion(items: Sequence[Item]) -> list[str]:
    """Story ids for ``items`` (in their order), formed by the very code that polls run.

    The items are ingested into an in-memory store one publication day at a time, in date order,
    as daily polls would deliver them. An item that is not relevant joins no story in production;
    here it gets a story id of its own (it would never alert).
    """
    story_of = stories_by_ingestion(items)
    return [story_of.get(item.id) or story_id_for(item.id) for item in items]


def stories_by_ingestion(items: Sequence[Item]) -> dict[str, str]:
    """The story each item joined through ingestion, by item id; an item that joined none is absent."""
    return ingested(items)[0]


def ingested(items: Sequence[Item]) -> tuple[dict[str, str], set[str], dict[str, set[str]]]:
    """:func:`stories_by_ingestion`, the stories that alerted, and the earlier ones each alert said it may repeat.

    A story alerted when it carries labels; the rest are silent.
    """
    store = MemoryStore()
    story_of: dict[str, str] = {}
    by_day: dict[str, list[Item]] = {}
    for item in items:
        by_day.setdefault(item.published if to_date(item.published) else "", []).append(item)
    last = max((day for day in by_day if day), default="2000-01-01")
    for day in sorted(by_day, key=lambda d: d or "~"):
        noon = datetime.fromisoformat(day or last).replace(hour=12, tzinfo=UTC)
        story_of.update(ingest(by_day[day], store, now=_clock(noon)).story_of)
    return (
        story_of,
        {story_id for story_id, (story, _) in store.stories.items() if story.labels},
        {
            story_id: {earlier.story_id for earlier in story.may_repeat}
            for story_id, (story, _) in store.stories.items()
            if story.may_repeat
        },
    )


def alert_scores(
    predicted: Sequence[str],
    gold: Sequence[str],
    labelled: Sequence[bool],
    alerting: set[str],
    repeats: dict[str, set[str]] | None = None,
) -> dict[str, int]:
    """What a subscriber receives: the stories that alerted, by gold event.

    Pairwise recall counts every split alike, a silent story's too; a subscriber feels only the splits that
    alert twice. An event is labelled when any of its items carries a gold label. ``extra_alerts``: the
    stories beyond the first that alerted for one labelled event (each its own first alert); material
    updates of one story are not counted, since they bring something new. ``repeats`` (story -> the earlier
    stories its alert says it may repeat): ``extra_alerts_flagged`` counts the alerts that named an earlier
    story of their own event, ``wrong_flags`` those that named a story of another event only.
    """
    events: dict[str, set[str]] = {}
    wanted: dict[str, bool] = {}
    event_of: dict[str, set[str]] = {}
    for story, event, has_labels in zip(predicted, gold, labelled, strict=True):
        wanted[event] = wanted.get(event, False) or has_labels
        event_of.setdefault(story, set()).add(event)
        stories = events.setdefault(event, set())
        if story in alerting:
            stories.add(story)
    alerted = [len(events[event]) for event, want in wanted.items() if want]
    named = {story: earlier for story, earlier in (repeats or {}).items() if story in alerting and earlier}
    right = {
        story for story, earlier in named.items() if any(event_of[story] & event_of.get(e, set()) for e in earlier)
    }
    return {
        "events_labelled": len(alerted),
        "events_alerted_once": sum(1 for n in alerted if n == 1),
        "events_alerted_more": sum(1 for n in alerted if n > 1),
        "events_never_alerted": sum(1 for n in alerted if n == 0),
        "extra_alerts": sum(n - 1 for n in alerted if n > 1),
        "events_unlabelled_alerted": sum(1 for event, want in wanted.items() if not want and events[event]),
        "alerts": len(alerting & set(predicted)),
        "extra_alerts_flagged": len(right),
        "wrong_flags": len(named) - len(right),
    }


def pairwise_scores(
    predicted: Sequence[str], gold: Sequence[str], *, unclustered: Sequence[bool] = ()
) -> dict[str, float | int]:
    """Pairwise precision and recall of a clustering against gold story keys.

    A pair of items is a true positive when both clusterings put them together. ``unclustered`` marks
    the items that joined no story (unlabelled: production never clusters them); the missed pairs with
    such an item are counted apart, as what the classifier costs rather than the clusterer.
    """
    tp = fp = fn = fn_unclustered = 0
    alone = list(unclustered) or [False] * len(predicted)
    for i in range(len(predicted)):
        for j in range(i + 1, len(predicted)):
            same_predicted, same_gold = predicted[i] == predicted[j], gold[i] == gold[j]
            tp += same_predicted and same_gold
            fp += same_predicted and not same_gold
            fn += same_gold and not same_predicted
            fn_unclustered += same_gold and not same_predicted and (alone[i] or alone[j])
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    return {
        "pairs_tp": tp,
        "pairs_fp": fp,
        "pairs_fn": fn,
        "pairs_fn_unclustered": fn_unclustered,
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "items": len(predicted),
        "gold_stories": len(set(gold)),
        "predicted_stories": len(set(predicted)),
    }


def story_errors(predicted: Sequence[str], gold: Sequence[str], ids: Sequence[str]) -> dict[str, list[list[list[str]]]]:
    """Where a clustering differs from gold: item ids grouped for reading.

    ``split``: each gold story that ended in several predicted ones, its items by predicted story (the
    missed pairs). ``joined``: each predicted story holding several gold ones, its items by gold story
    (the wrongly joined pairs).
    """
    return {"split": _grouped(gold, predicted, ids), "joined": _grouped(predicted, gold, ids)}


def _grouped(outer: Sequence[str], inner: Sequence[str], ids: Sequence[str]) -> list[list[list[str]]]:
    """For each ``outer`` group whose items fall in several ``inner`` groups, its ids by inner group."""
    groups: dict[str, dict[str, list[str]]] = {}
    for key, part, item_id in zip(outer, inner, ids, strict=True):
        groups.setdefault(key, {}).setdefault(part, []).append(item_id)
    return [list(parts.values()) for parts in groups.values() if len(parts) > 1]
