"""The Entity List itself as a source: real CSL rows -> snapshot -> diff -> the story of its rule, or its own.

Rows are real (tests/fixtures/entity_list/csl/, provenance in the README there); each snapshot is built by
leaving some of them out, as a list looks before the rule that adds them.
"""

from __future__ import annotations

import csv
import io
import random
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from exportwatch.alerts.render import render
from exportwatch.entity_list.diff import ADD, REMOVE, REVISE, ListChange, by_rule, diff
from exportwatch.entity_list.ecfr import current_day, parse_supplement_4
from exportwatch.entity_list.poll import ListSourceFailing, poll_entity_list, raise_if_failing
from exportwatch.entity_list.snapshot import ListFormatError, entry_key, parse_csl_csv, snapshot_of
from exportwatch.models import Entry, Item, ListSnapshot, Story, StoryItem
from exportwatch.sources.fetch import FetchError, Response
from exportwatch.stories.ingest import ingest
from exportwatch.stories.list_changes import headline, ingest_list_changes
from exportwatch_cli.memory import MemoryStore
from tests.helpers import FIXTURES

CSL = FIXTURES / "entity_list" / "csl"
SUBSET = (CSL / "el_csl_2022_subset.csv").read_bytes()
RULE_2021_27406 = "86 FR 71557"
RUSSIA_2022 = "87 FR 20299"
OLD = ("32 Group China Ltd.", "3K Aviation Consulting and Logistics", "33rd Scientific Research and Testing Institute")
URL = "https://lists.example/consolidated.csv"


def rows(keep: Callable[[dict[str, str]], bool], *, shuffle: bool = False) -> bytes:
    """The subset's real rows that ``keep`` accepts, as a CSL CSV again (header first)."""
    reader = csv.DictReader(io.StringIO(SUBSET.decode()))
    kept = [row for row in reader if keep(row)]
    if shuffle:
        random.Random(7).shuffle(kept)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(reader.fieldnames or ()), lineterminator="\n")
    writer.writeheader()
    writer.writerows(kept)
    return out.getvalue().encode()


def cites(row: dict[str, str], citation: str) -> bool:
    return citation in row["federal_register_notice"]


def reformatted(body: bytes) -> bytes:
    """The same rows with every licence review policy re-worded, as a source that changed its format would."""
    reader = csv.DictReader(io.StringIO(body.decode()))
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(reader.fieldnames or ()), lineterminator="\n")
    writer.writeheader()
    writer.writerows({**row, "license_policy": f"Policy code {n}"} for n, row in enumerate(reader))
    return out.getvalue().encode()


def before_both(row: dict[str, str]) -> bool:
    """The list before 2021-27406 and 87 FR 20299: neither rule's rows."""
    return not cites(row, RULE_2021_27406) and not cites(row, RUSSIA_2022)


def snap(body: bytes) -> ListSnapshot:
    return snapshot_of(parse_csl_csv(body), source=URL, taken="2026-12-06T06:00:00+00:00")


def by_name(entries: tuple[Entry, ...] | list[Entry], name: str) -> list[Entry]:
    return [e for e in entries if e.name == name]


# ---------------------------------------------------------------- parsing and grouping


def test_rows_of_one_party_become_one_entry_per_country_with_every_address() -> None:
    # Given the five real rows of one party (one per address, in South Africa and Norway)
    entries = parse_csl_csv(SUBSET)
    # Then they are two entries, each holding its country's addresses
    migeotte = {e.country: e for e in by_name(entries, "Gunther Migeotte")}
    assert set(migeotte) == {"South Africa", "Norway"}  # named, not left as the address's code
    assert len(migeotte["Norway"].addresses) == 4
    assert "Titangata 1, 1630, Fredrikstad, NO" in migeotte["Norway"].addresses
    assert migeotte["South Africa"].citation == "75 FR 36516; 77 FR 58006"  # every citation of its rows, oldest first
    # 80 rows: Migeotte's 5 are 2 entries; 3 rows name two countries in one addresses cell, 2 entries each
    assert len(entries) == 80


def test_csl_quirks_are_read_as_the_list_means_them() -> None:
    entries = parse_csl_csv(SUBSET)
    # "?" stands for a quote mark; "and " before the last alias goes; "A; and B" addresses are two
    (yalta,) = [e for e in entries if e.name.startswith("Aktsionernoe Obschestvo 'Yaltinskaya")]
    assert yalta.country == "Ukraine"
    (cetc,) = by_name(entries, "China Electronics Technology Group Corporation 13th Research Institute (CETC 13)")
    assert "CETC Research Institute 13" in cetc.aliases
    assert cetc.addresses[0] == "113 Hezuo Road, Shijiazhuang, Hebei, China"
    assert len(cetc.addresses) == 3


def test_other_lists_rows_are_left_out() -> None:
    # Given the real 2023 file: one Entity List row, one Military End User row
    entries = parse_csl_csv((CSL / "el_csl_2023_cetc13_and_meu.csv").read_bytes())
    assert [e.name for e in entries] == [
        "China Electronics Technology Group Corporation 13th Research Institute (CETC 13)"
    ]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"name,country\nA,CN\n", "no source, addresses, federal_register_notice column"),
        (b"\xff\xfe\x00", "not UTF-8"),
    ],
)
def test_a_body_that_is_not_the_csl_is_a_one_line_error(body: bytes, message: str) -> None:
    with pytest.raises(ListFormatError, match=message) as error:
        parse_csl_csv(body)
    assert "\n" not in str(error.value)


# ---------------------------------------------------------------- diff


def test_the_same_list_reordered_is_the_same_snapshot_and_no_change() -> None:
    # Given the same real rows in another order (the CSL is rebuilt hourly)
    first, second = snap(rows(lambda r: True)), snap(rows(lambda r: True, shuffle=True))
    # Then the snapshot's digest is the same and the diff is empty
    assert first.digest == second.digest
    assert diff(first, second) == []


def test_a_rule_and_a_removal_are_one_change_under_the_rules_citation() -> None:
    # Given the list before 87 FR 20299, and after it, with three old entries gone the same day
    old = snap(rows(before_both))
    new = snap(
        rows(
            lambda r: (
                (before_both(r) or r["federal_register_notice"].strip() == RUSSIA_2022) and r["name"].strip() not in OLD
            )
        )
    )
    # When
    changed = diff(old, new)
    changes = by_rule(changed, old)
    # Then the 12 added and 3 removed are one change, of the rule whose citation the added carry
    assert sorted(e.action for e in changed) == [ADD] * 12 + [REMOVE] * 3
    assert len(changes) == 1 and changes[0].citation == RUSSIA_2022
    assert {e.name for e in changes[0].entries if e.action == REMOVE} == set(OLD)
    assert "140 Repair Plant JSC" in {e.name for e in changes[0].entries}


def test_a_new_citation_and_licence_text_on_a_listed_party_is_a_revision_of_its_rule() -> None:
    # Given CETC 13 as the 2022 list has it, and as the 2023 list has it (revised by 87 FR 77505)
    old = snap(
        rows(
            lambda r: r["name"].startswith(
                "China Electronics Technology Group Corporation 13th Research Institute (CETC 13)"
            )
        )
    )
    cetc_2022 = by_name(old.entries, "China Electronics Technology Group Corporation 13th Research Institute (CETC 13)")
    new = snapshot_of(
        [
            *(e for e in old.entries if e not in cetc_2022),
            *parse_csl_csv((CSL / "el_csl_2023_cetc13_and_meu.csv").read_bytes()),
        ],
        source=URL,
        taken="t",
    )
    # When
    changes = by_rule(diff(old, new), old)
    # Then it is one revision, told under the citation it gained
    assert [(c.citation, [(e.action, e.name[:20]) for e in c.entries]) for c in changes] == [
        ("87 FR 77505", [(REVISE, "China Electronics Te")])
    ]
    assert changes[0].entries[0].license_policy.startswith("Policy of denial")  # type: ignore[union-attr]


def test_cosmetic_rewrites_of_a_row_are_no_revision() -> None:
    # Given a row whose spacing, case, trailing period and alias order change, nothing else
    (entry,) = by_name(snap(SUBSET).entries, "Gunther Migeotte")[:1]
    rewritten = Entry(
        action=entry.action,
        name=entry.name.upper() + ",",
        country=entry.country,
        aliases=tuple(reversed(entry.aliases)),
        addresses=tuple(a.replace(", ", ",  ") for a in reversed(entry.addresses)),
        license_requirement=(entry.license_requirement or "") + ".",
        license_policy=entry.license_policy,
        citation=entry.citation,
    )
    assert entry_key(rewritten) == entry_key(entry)
    assert diff(snapshot_of([entry], source=URL, taken="t"), snapshot_of([rewritten], source=URL, taken="t")) == []


def test_headline_counts_actions_countries_and_citation() -> None:
    change = ListChange(
        "90 FR 1234",
        (
            Entry(ADD, "A", "China"),
            Entry(ADD, "B", "China"),
            Entry(ADD, "C", "Russia"),
            Entry(REMOVE, "D", "China"),
        ),
    )
    assert headline(change) == "List updated: 3 entries added, 1 removed under China, Russia (90 FR 1234)"
    assert headline(ListChange("", (Entry(REVISE, "E", "Iran"),))) == "List updated: 1 entry revised under Iran"


# ---------------------------------------------------------------- ingestion


def stamp() -> str:
    return "2026-12-06T06:00:00+00:00"


def rule_story(*, keys: tuple[str, ...], entries: tuple[Entry, ...] = ()) -> Story:
    return Story(
        story_id="s-rule", title="Addition of Certain Entities to the Entity List", labels=("entity_list.addition",),
        severity="high", entities=(), countries=("CN",), dates={}, evidence=(), keys=keys,
        sources=(StoryItem("fr:2021-27406", "Addition", "", "federal_register", "2026-12-01", "published"),),
        first_seen="2026-12-01T12:00:00+00:00", last_seen="2026-12-01T12:00:00+00:00", published="2026-12-01",
        official=True, entries=entries,
    )  # fmt: skip


def the_change(citation: str) -> list[ListChange]:
    old = snap(rows(before_both))
    new = snap(rows(lambda r: before_both(r) or cites(r, citation)))
    return by_rule(diff(old, new), old)


def test_a_change_with_no_rule_story_makes_its_own_story_naming_the_entries() -> None:
    store = MemoryStore()
    (change,) = the_change(RUSSIA_2022)
    # When
    report = ingest_list_changes([change], store, source=URL, url=URL, now=stamp)
    # Then one new story (version 1: it alerts) carries the entries, and owns the citation
    (story_id,) = report.stories_created
    story, _rev = store.stories[story_id]
    assert story.version == 1 and story.official
    assert story.title == "List updated: 12 entries added under Belarus, Russia (87 FR 20299)"
    assert len(story.entries) == 12 and {e.action for e in story.entries} == {ADD}
    assert store.keys[f"cite:{RUSSIA_2022}"] == story_id
    # When the same change is seen again (a crash before the snapshot was written)
    again = ingest_list_changes([change], store, source=URL, url=URL, now=stamp)
    # Then nothing is written
    assert again.already_seen == 1 and not again.stories_created and not again.stories_extended


def test_a_change_joins_the_story_holding_its_citation_without_a_new_version() -> None:
    store = MemoryStore()
    rule = rule_story(keys=("fr:2021-27406", f"cite:{RULE_2021_27406}"))
    store.save_many([], rule, previous_rev=None, new_keys=rule.keys, labels=[])
    (change,) = the_change(RULE_2021_27406)
    # When
    report = ingest_list_changes([change], store, source=URL, url=URL, now=stamp)
    # Then it is recorded in the rule's story as a source; the version (what alerts) is unchanged
    assert report.stories_extended == ["s-rule"] and not report.stories_created
    story, rev = store.stories["s-rule"]
    assert story.version == 1 and rev == 2
    assert [s.source for s in story.sources] == ["federal_register", "entity_list"]
    assert len(store.stories) == 1


def test_a_change_joins_a_recent_rule_story_naming_its_entries_when_no_citation_matches() -> None:
    # Given a rule story (from public inspection: no citation yet) whose entries name the parties
    store = MemoryStore()
    (change,) = the_change(RULE_2021_27406)
    rule = replace(
        rule_story(keys=("pi:2021-27406",), entries=tuple(Entry(ADD, e.name, e.country) for e in change.entries[:3])),
        sources=(StoryItem("pi:2021-27406", "Addition", "", "federal_register", "2026-12-01", "public_inspection"),),
    )
    store.save_many([], rule, previous_rev=None, new_keys=rule.keys, labels=[])
    # When
    report = ingest_list_changes([change], store, source=URL, url=URL, now=stamp)
    # Then it joins that story
    assert report.stories_extended == ["s-rule"] and len(store.stories) == 1


def test_a_later_change_to_parties_the_list_added_alerts_on_its_own() -> None:
    # Given a story the list made when it added 87 FR 20299's entries
    store = MemoryStore()
    (added,) = the_change(RUSSIA_2022)
    ingest_list_changes([added], store, source=URL, url=URL, now=stamp)
    # When one of them is revised later, with no new citation (an alias added)
    first = added.entries[0]
    revised = ListChange("", (replace(first, action=REVISE, aliases=(*first.aliases, "New Alias")),))
    report = ingest_list_changes([revised], store, source=URL, url=URL, now=stamp)
    # Then it is a story (and an alert) of its own, not a silent source of the earlier one
    assert len(report.stories_created) == 1 and not report.stories_extended
    assert len(store.stories) == 2


SMIC = Entry(ADD, "Semiconductor Manufacturing International Corporation", "China", aliases=("SMIC",))


def rumour(store: MemoryStore) -> Story:
    """A news-only story that SMIC was added (no Federal Register document yet), as the poller stores it."""
    news = Item(
        id="n1",
        title="US adds SMIC to Entity List, sources say",
        text="The Commerce Department has added Semiconductor Manufacturing International Corporation (SMIC) to "
        "the Entity List, people familiar said; the rule has not been published yet.",
        source="news",
        url="https://example.com/n1",
        published="2026-11-20",
    )
    (story_id,) = ingest([news], store, now=lambda: datetime(2026, 11, 20, 12, tzinfo=UTC)).stories_created
    story, _rev = store.stories[story_id]
    assert story.labels == ("entity_list.addition",) and not story.official and story.version == 1
    return story


def test_a_removal_never_hides_in_a_rumoured_addition_of_the_same_party() -> None:
    # Given the news reporting, before any rule or list, that SMIC was added
    store = MemoryStore()
    news = rumour(store)
    # When the list shows SMIC removed (no citation: a removal leaves none)
    report = ingest_list_changes(
        [ListChange("", (replace(SMIC, action=REMOVE),))], store, source=URL, url=URL, now=stamp
    )
    # Then the removal is a story of its own, version 1 (it alerts), and the rumour is untouched
    (story_id,) = report.stories_created
    story, _rev = store.stories[story_id]
    assert story.version == 1 and story.labels == ("entity_list.removal",)
    assert store.stories[news.story_id][0] == news


def test_an_addition_the_news_only_rumoured_alerts_once_as_now_on_the_list() -> None:
    # Given the news reporting, before any rule or list, that SMIC was added
    store = MemoryStore()
    news = rumour(store)
    # When the list shows SMIC added (no citation known)
    change = ListChange("", (SMIC,))
    report = ingest_list_changes([change], store, source=URL, url=URL, now=stamp)
    # Then the news story is confirmed: one version more (it alerts once), naming the entry
    assert report.stories_updated == [news.story_id] and not report.stories_created
    story, _rev = store.stories[news.story_id]
    assert story.version == 2 and story.changes == ("now on the Entity List: 1 entry added under China",)
    assert story.entries == (SMIC,) and story.sources[-1].source == "entity_list"
    assert "Seen on the Entity List itself" in render(story).email
    # and the same change seen again writes nothing
    assert ingest_list_changes([change], store, source=URL, url=URL, now=stamp).already_seen == 1


def test_a_removal_does_not_join_a_rule_story_that_only_added_the_party() -> None:
    # Given a published rule that added parties (its story names them)
    store = MemoryStore()
    (change,) = the_change(RULE_2021_27406)
    rule = rule_story(keys=("fr:2021-27406",), entries=change.entries[:3])
    store.save_many([], rule, previous_rev=None, new_keys=rule.keys, labels=[])
    # When the list later shows one of them removed
    removed = ListChange("", (replace(change.entries[0], action=REMOVE),))
    report = ingest_list_changes([removed], store, source=URL, url=URL, now=stamp)
    # Then it alerts as a story of its own; the rule's story is unchanged
    assert len(report.stories_created) == 1 and not report.stories_extended
    assert store.stories["s-rule"][0] == rule


# ---------------------------------------------------------------- polling


class Source:
    """A list source answering with the body given, and 304 to its own ETag."""

    def __init__(self, body: bytes) -> None:
        self.body = body
        self.calls: list[dict[str, object]] = []

    def __call__(self, url: str, **kwargs: object) -> Response:
        self.calls.append(kwargs)
        etag = f'"{hash(self.body)}"'
        if kwargs.get("etag") == etag:
            return Response(url, 304, b"", {"etag": etag})
        return Response(url, 200, self.body, {"etag": etag})


def clock() -> datetime:
    return datetime(2026, 12, 6, 6, tzinfo=UTC)


def test_first_poll_primes_then_unchanged_costs_a_conditional_request() -> None:
    store, source = MemoryStore(), Source(rows(before_both))
    # When the list is polled for the first time
    first = poll_entity_list(URL, store, fetcher=source, now=clock)
    # Then it stores the snapshot and no story
    assert first.sources[0].status == "ok" and not store.stories
    assert store.list_snapshot(URL) is not None
    # When polled again with nothing changed: a conditional request, answered 304
    second = poll_entity_list(URL, store, fetcher=source, now=clock)
    assert second.sources[0].status == "unchanged"
    assert source.calls[-1]["etag"] and not store.stories


@pytest.mark.parametrize(
    ("later", "reason"),
    [
        (rows(lambda r: False), "parse_error"),  # the header only: no Entity List rows
        (rows(lambda r: r["federal_register_notice"].strip() == RUSSIA_2022), "implausible_change"),
        (reformatted(rows(before_both)), "implausible_change"),  # every entry "revised": the source's format moved
    ],
)
def test_a_broken_list_fails_the_source_and_keeps_the_snapshot(later: bytes, reason: str) -> None:
    # Given a primed snapshot
    store = MemoryStore()
    poll_entity_list(URL, store, fetcher=Source(rows(before_both)), now=clock)
    kept = store.list_snapshot(URL)
    # When the source serves a list that lost (nearly) everything
    report = poll_entity_list(URL, store, fetcher=Source(later), now=clock)
    # Then the source failed (counted towards the alarm), nothing was alerted, the snapshot is kept
    assert report.sources[0].status == "failed" and report.sources[0].reason == reason
    assert store.feed_state(URL).failures == 1
    assert not store.stories and store.list_snapshot(URL) == kept


def test_the_second_failed_daily_poll_in_a_row_fails_the_invocation() -> None:
    def down(url: str, **_kwargs: object) -> Response:
        raise FetchError(url, "server_error", "503")

    store = MemoryStore()
    # Given a first failed poll: counted, not raised (one bad day of a public server is not an incident)
    first = poll_entity_list(URL, store, fetcher=down, now=clock)
    assert first.sources[0].reason == "server_error" and first.worst_streak == 1
    raise_if_failing(first)
    # When the next daily poll fails too
    second = poll_entity_list(URL, store, fetcher=down, now=clock)
    # Then the invocation fails (the poll dead-letter queue's alarm says so)
    with pytest.raises(ListSourceFailing, match="failed 2 polls in a row: server_error"):
        raise_if_failing(second)
    # and a success resets the streak
    poll_entity_list(URL, store, fetcher=Source(rows(before_both)), now=clock)
    assert store.feed_state(URL).failures == 0


def test_with_no_snapshot_the_list_is_fetched_whole_even_if_validators_are_remembered() -> None:
    # Given a source whose validators are remembered but whose snapshot is gone
    store, source = MemoryStore(), Source(rows(before_both))
    poll_entity_list(URL, store, fetcher=source, now=clock)
    store.snapshots.clear()
    # When polled
    report = poll_entity_list(URL, store, fetcher=source, now=clock)
    # Then it asked unconditionally and primed again (no alert)
    assert source.calls[-1]["etag"] == "" and report.sources[0].status == "ok"
    assert store.list_snapshot(URL) is not None and not store.stories


# ---------------------------------------------------------------- the eCFR versioner API as the source

ECFR = FIXTURES / "entity_list" / "ecfr"
VERSIONER = "https://ecfr.example/api/versioner/v1"
ZHIPU = "<TR><TD>CHINA, PEOPLE'S REPUBLIC OF</TD><TD>Beijing Zhipu"


def part_744(*, without_zhipu: bool) -> bytes:
    """The assembled part 744 XML, or the same before the Zhipu row was added (China's heading moves down)."""
    text = (ECFR / "title-15-part-744.xml").read_text(encoding="utf-8")
    if without_zhipu:
        start = text.index(ZHIPU)
        end = text.index("</TR>", start) + len("</TR>")
        china = "<TR><TD>CHINA, PEOPLE'S REPUBLIC OF</TD><TD>China Electronics"
        text = text[:start] + text[end:].replace("<TR><TD></TD><TD>China Electronics", china, 1)
    return text.encode()


class Versioner:
    """The eCFR versioner API: titles.json (304 to its own ETag) and part 744 on the day it names."""

    def __init__(self, part: bytes) -> None:
        self.part = part
        self.urls: list[str] = []

    def __call__(self, url: str, **kwargs: object) -> Response:
        self.urls.append(url)
        if url == f"{VERSIONER}/titles.json":
            body = (ECFR / "titles.json").read_bytes()
            etag = f'"{hash(body + self.part)}"'
            status = 304 if kwargs.get("etag") == etag else 200
            return Response(url, status, b"" if status == 304 else body, {"etag": etag})
        assert url == f"{VERSIONER}/full/2026-06-16/title-15.xml?part=744"
        return Response(url, 200, self.part, {})


def test_supplement_4_rows_are_entries_with_their_country_and_no_reserved_row() -> None:
    entries = parse_supplement_4(part_744(without_zhipu=False))
    assert [(e.name[:24], e.country) for e in entries] == [
        ("Fazal Rahim Farid", "Afghanistan"),
        ("Zurmat Construction Comp", "Afghanistan"),
        ("Beijing Zhipu Huazhang T", "China"),
        ("China Electronics Techno", "China"),
        ("Huawei Technologies Co.,", "China"),
        ("Murat Peker", "Turkey"),
    ]
    assert entries[2].aliases == ("Zhipu AI", "Beijing Knowledge Atlas Technology Co., Ltd.")
    assert current_day((ECFR / "titles.json").read_bytes()) == "2026-06-16"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"<html>maintenance</html>", "no Supplement No. 4"),
        (b'<DIV9 N="Supplement No. 4 to Part 744"></DIV9>', "no entries"),
    ],
)
def test_an_ecfr_answer_without_the_list_is_a_one_line_error(body: bytes, message: str) -> None:
    with pytest.raises(ListFormatError, match=message):
        parse_supplement_4(body)
    with pytest.raises(ListFormatError, match="no up_to_date_as_of"):
        current_day(b'{"titles": [{"number": 15, "up_to_date_as_of": "current"}]}')


def test_the_ecfr_source_primes_then_alerts_an_added_row_under_its_citation() -> None:
    store = MemoryStore()
    # Given the list before the Zhipu row, polled once (primes), then unchanged (titles.json answers 304)
    before = Versioner(part_744(without_zhipu=True))
    poll_entity_list(VERSIONER, store, fetcher=before, now=clock)
    unchanged = poll_entity_list(VERSIONER, store, fetcher=before, now=clock)
    assert unchanged.sources[0].status == "unchanged" and before.urls[-1].endswith("/titles.json")
    # When the list adds the row
    report = poll_entity_list(VERSIONER, store, fetcher=Versioner(part_744(without_zhipu=False)), now=clock)
    # Then it is a story of its own, under the row's citation (its date dropped)
    (story_id,) = report.ingest.stories_created
    story, _rev = store.stories[story_id]
    assert story.title == "List updated: 1 entry added under China (90 FR 4619)"
    assert [e.name for e in story.entries] == ["Beijing Zhipu Huazhang Technology Co., Ltd."]
