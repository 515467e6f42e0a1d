"""Stories: which items report the same real-world event, and when a story changes materially.

An item joins a story when they share an identity key (Federal Register document number,
citation such as "84 FR 64018", canonical URL), or when, within a few days, they share a party
and a label, or their texts are near-duplicates (MinHash over word shingles). Two different
Federal Register documents are never one story: each rule is its own action.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from exportwatch.classify import classify
from exportwatch.classify.dates import to_date
from exportwatch.classify.parties import canonical_name, entity_key, find_parties
from exportwatch.classify.sentences import Reading, read
from exportwatch.models import Classification, Item, Story, StoryItem
from exportwatch.sources.federal_register import citations
from exportwatch.sources.urls import canonical_url
from exportwatch.text import one_line

WINDOW_DAYS = 4
RULE_LAG_DAYS = 8
SAME_TOPIC = 0.15  # estimated Jaccard of distinctive words, with a shared label, within the window
_PERMUTATIONS = 64
_PRIME = (1 << 61) - 1
_SEEDS = [
    (
        int.from_bytes(hashlib.blake2b(f"a{i}".encode(), digest_size=8).digest(), "big") % _PRIME | 1,
        int.from_bytes(hashlib.blake2b(f"b{i}".encode(), digest_size=8).digest(), "big") % _PRIME,
    )
    for i in range(_PERMUTATIONS)
]
_WORD = re.compile(r"[a-z0-9]+")
_DEADLINES = ("expires", "effective", "comments_close")
_MAX_SOURCES = 50
_EVIDENCE_PER_LABEL = 2


@dataclass(frozen=True, slots=True)
class Analysis:
    """Everything ingestion and clustering need to know of an item, computed once.

    The text is read once (``classify.sentences.read``); the classification, identity keys,
    MinHash signature, main parties and summary are derived from that one reading.
    """

    item: Item
    classification: Classification
    keys: tuple[str, ...]
    signature: tuple[int, ...]
    parties: frozenset[str]
    summary: str

    @property
    def relevant(self) -> bool:
        """An item with no label is not an export-control action and joins no story."""
        return self.classification.relevant


def analyse(item: Item, *, watched: frozenset[str] = frozenset()) -> Analysis:
    """Read, classify and fingerprint an item once; irrelevant items stop after classification."""
    reading = read(item)
    classification = classify(item, watched=watched, reading=reading)
    if not classification.relevant:
        return Analysis(item, classification, (), (), frozenset(), "")
    return Analysis(
        item=item,
        classification=classification,
        keys=item_keys(item),
        signature=signature(reading),
        parties=frozenset(_main_parties(reading, classification)),
        summary=one_line(reading.body[0], max_chars=400) if reading.body else "",
    )


def item_keys(item: Item) -> tuple[str, ...]:
    """Identity keys an item shares with any other report of the same document."""
    keys: dict[str, None] = {item.id: None}
    if item.document_number:
        keys[f"doc:{item.document_number}"] = None
    for citation in citations([item.citation, item.title, item.text[:5000]]):
        keys[f"cite:{citation}"] = None
    if item.url:
        keys[f"url:{canonical_url(item.url)}"] = None
    return tuple(keys)


_STOPWORDS = frozenset(
    """a an the and or of to in on for by with from at as is are was were be been has have had it its this that
    these those their they them he she his her will would said says say after before over under into about than
    more most some other new also not no but which who whom what when where while amid against between during
    u s us usa united states american america washington department commerce bis bureau industry security
    government administration official officials trump biden export exports exported exporting controls control
    entity entities list lists blacklist trade add adds added adding rule rules final amend amends regulations
    ear federal register company companies firm firms chinese china news report reports week monday tuesday
    wednesday thursday friday saturday sunday""".split()  # noqa: SIM905 - a word list reads better as text
)


def signature(reading: Reading) -> tuple[int, ...]:
    """MinHash signature of the item's distinctive words (title and lead, minus common and domain words).

    Words, not shingles: two outlets rarely share phrasing, but they share the specifics (names,
    numbers, places) that make an event; reposts share everything and score near 1.
    """
    words = _WORD.findall(f"{reading.title} {reading.lead}".lower())
    tokens = {w for w in words if w not in _STOPWORDS and (len(w) > 2 or w.isdigit())}
    hashes = [int.from_bytes(hashlib.blake2b(t.encode(), digest_size=8).digest(), "big") for t in tokens]
    if not hashes:
        return ()
    return tuple(min((a * h + b) % _PRIME for h in hashes) for a, b in _SEEDS)


def similarity(a: Sequence[int], b: Sequence[int]) -> float:
    """Estimated Jaccard similarity of two MinHash signatures."""
    if not a or not b or len(a) != len(b):
        return 0.0
    return sum(x == y for x, y in zip(a, b, strict=True)) / len(a)


def story_id_for(first_key: str) -> str:
    """Stable story id: derived from the key of the item that started the story."""
    return "s-" + hashlib.sha256(first_key.encode()).hexdigest()[:16]


def _days_apart(a: str, b: str) -> int | None:
    da, db = to_date(a), to_date(b)
    return abs((da - db).days) if da and db else None


def _document_numbers(keys: Iterable[str]) -> set[str]:
    return {k[4:] for k in keys if k.startswith("doc:")}


def belongs(story: Story, analysis: Analysis) -> bool:
    """Whether the analysed item reports the event of ``story``."""
    item, classification, keys, sig = analysis.item, analysis.classification, analysis.keys, analysis.signature
    item_docs, story_docs = _document_numbers(keys), _document_numbers(story.keys)
    if item_docs and story_docs and not item_docs & story_docs:
        return False  # two Federal Register documents are two actions
    if set(keys) & set(story.keys):
        return True
    gaps = [d for d in (_days_apart(item.published, s.published) for s in story.sources) if d is not None]
    apart = min(gaps, default=_days_apart(item.published, story.published))
    story_has_rule = any(s.source == "federal_register" for s in story.sources)
    item_is_rule = item.source == "federal_register"
    # The Federal Register can trail the announcement by a week (orders, interim final rules).
    limit = RULE_LAG_DAYS if item_is_rule != story_has_rule else WINDOW_DAYS
    if apart is None or apart > limit:
        return False
    item_parties, story_parties = analysis.parties, {entity_key(e) for e in story.entities[:3]}
    if item_parties and story_parties:
        return bool(item_parties & story_parties)  # same named parties within days: the same event
    if not set(classification.labels) & set(story.labels):
        return False
    if similarity(sig, story.signature) >= SAME_TOPIC:
        return True
    # A rule's abstract rarely names the parties its news names: the one rule of that kind, in those
    # days, for the same countries, is the rule the news reports.
    if item_is_rule != story_has_rule:
        countries, story_countries = set(classification.countries), set(story.countries)
        return not countries or not story_countries or bool(countries & story_countries)
    return False


def _main_parties(reading: Reading, classification: Classification) -> set[str]:
    """The parties an item is about: known parties in its title, else the first named in its text.

    Only known names count in a title: in a Title Case headline any run of capitals looks like a name.
    """
    in_title = {entity_key(p) for p in find_parties(reading.title) if canonical_name(p)}
    if in_title:
        return in_title
    named = classification.entities or tuple(find_parties(reading.lead))
    return {entity_key(e) for e in named[:2]}


def find_story(candidates: Iterable[Story], analysis: Analysis) -> Story | None:
    """The story the analysed item belongs to: a shared key first, then the closest in time and text."""
    matches = [s for s in candidates if belongs(s, analysis)]
    if not matches:
        return None
    keys, published = set(analysis.keys), analysis.item.published
    return max(
        matches,
        key=lambda s: (
            bool(keys & set(s.keys)),
            similarity(analysis.signature, s.signature),
            -(_days_apart(published, s.published) or 0),
        ),
    )


def _source(item: Item) -> StoryItem:
    return StoryItem(item.id, item.title, item.url, item.source, item.published, item.stage)


def _merge_unique(a: Iterable[str], b: Iterable[str], *, key: object = None) -> tuple[str, ...]:
    seen: dict[str, str] = {}
    for value in [*a, *b]:
        seen.setdefault(entity_key(value) if key == "entity" else value, value)
    return tuple(seen.values())


def new_story(analysis: Analysis, *, now: str) -> Story:
    """Start a story from its first item."""
    item, classification, keys = analysis.item, analysis.classification, analysis.keys
    return Story(
        story_id=story_id_for(keys[0]),
        title=item.title,
        labels=classification.labels,
        severity=classification.severity,
        entities=classification.entities,
        countries=classification.countries,
        dates=dict(classification.dates),
        evidence=classification.evidence,
        sources=(_source(item),),
        keys=tuple(keys),
        first_seen=now,
        last_seen=now,
        published=item.published or now[:10],
        official=item.official,
        version=1,
        changes=("new",),
        signature=analysis.signature,
        summary=analysis.summary,
        aliases=dict(classification.aliases),
    )


_SEVERITY_RANK = {"high": 3, "medium": 2, "low": 1, None: 0}


def merge(story: Story, analysis: Analysis, *, now: str) -> Story:
    """Add an item to its story; the version goes up only on a material change.

    Material: the first official Federal Register document, a new label, a new or changed
    deadline. Another article about the same event is recorded and changes nothing else.
    """
    item, classification, keys = analysis.item, analysis.classification, analysis.keys
    changes: list[str] = []
    if item.official and not story.official:
        cite = f" ({item.citation})" if item.citation else ""
        changes.append(f"now official: Federal Register {item.document_number}{cite}")
    new_labels = [label for label in classification.labels if label not in story.labels]
    changes += [f"new label: {label}" for label in new_labels]
    dates = dict(story.dates)
    for name, value in classification.dates.items():
        if name in _DEADLINES and dates.get(name) != value and (item.official or name not in dates):
            changes.append(f"{name.replace('_', ' ')}: {value}" + (f" (was {dates[name]})" if name in dates else ""))
            dates[name] = value
        else:
            dates.setdefault(name, value)
    evidence = list(story.evidence)
    for found in classification.evidence:
        same_label = [e for e in evidence if e.label == found.label]
        if len(same_label) < _EVIDENCE_PER_LABEL and all(e.text != found.text for e in same_label):
            evidence.append(found)
    known = any(s.id == item.id for s in story.sources)  # an update in place: its entry shows the new title
    sources = tuple(_source(item) if s.id == item.id else s for s in story.sources) if known else story.sources
    sources = sources if known else story.sources + (_source(item),)
    severity = max(story.severity, classification.severity, key=lambda s: _SEVERITY_RANK[s])
    return replace(
        story,
        title=item.title if item.official and not story.official else story.title,
        summary=(analysis.summary or story.summary) if item.official and not story.official else story.summary,
        labels=story.labels + tuple(new_labels),
        severity=severity,
        entities=_merge_unique(story.entities, classification.entities, key="entity"),
        countries=_merge_unique(story.countries, classification.countries),
        dates=dates,
        evidence=tuple(evidence),
        sources=sources[:_MAX_SOURCES],
        keys=_merge_unique(story.keys, keys)[:200],
        last_seen=now,
        official=story.official or item.official,
        aliases=_merge_aliases(story.aliases, classification.aliases),
        version=story.version + (1 if changes else 0),
        changes=tuple(changes) if changes else story.changes,
    )


def _merge_aliases(a: dict[str, tuple[str, ...]], b: dict[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
    merged = {name: dict.fromkeys(forms) for name, forms in a.items()}
    for name, forms in b.items():
        merged.setdefault(name, {}).update(dict.fromkeys(forms))
    return {name: tuple(list(forms)[:8]) for name, forms in merged.items()}
