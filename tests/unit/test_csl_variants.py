"""The list source on real CSL files of other vintages and mirrors: each layout read, or refused in one line.

Every file is real list data (tests/fixtures/entity_list/csl/, provenance in the README there): two 2019 downloads
without the ``_id`` column, a 2023 one with every field quoted, a mirror's malformed file, the 2014 spreadsheet
layout, the 2026 JSON shape, and 2022 rows whose one addresses cell spans several countries.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace

import pytest

from exportwatch.entity_list.diff import diff
from exportwatch.entity_list.poll import poll_entity_list
from exportwatch.entity_list.snapshot import (
    CSL_CSV_URL,
    READER,
    ListFormatError,
    by_country,
    normalized,
    parse_csl_csv,
    snapshot_of,
)
from exportwatch.models import Entry
from exportwatch_cli.memory import MemoryStore
from tests.helpers import FIXTURES
from tests.unit.test_list_source import CSL, RULE_2021_27406, URL, Source, before_both, cites, clock, rows

CETC_13 = "China Electronics Technology Group Corporation 13th Research Institute (CETC 13)"


def read(name: str) -> list[Entry]:
    return parse_csl_csv((CSL / name).read_bytes())


def by_name(entries: list[Entry]) -> dict[tuple[str, str], Entry]:
    return {(e.name, e.country): e for e in entries}


def test_a_2019_download_without_the_id_column_reads_by_column_name() -> None:
    # Given a 2019 CSL: no _id column, 7 Entity List rows (one repeated verbatim) among SDN, FSE and DPL rows
    entries = by_name(read("csl_2019_no_id_column.csv"))
    # Then each party is one entry under its country; the repeated row adds nothing
    assert sorted(entries) == [
        ("AL-AMIR ELECTRONICS", "Egypt"), ("APEX", "Russia"), ("APEX Kazakhstan", "Kazakhstan"),
        ("APEX St. Petersburg", "Russia"), ("APEX Yekaterinburg", "Russia"), ("AR Kompozit Kimya", "Turkey"),
    ]  # fmt: skip
    apex = entries["APEX", "Russia"]
    assert apex.aliases == ("APEKS", "APEX Ltd.", "APEX Systems", "OOO APEX")  # "and APEX Ltd." without the "and"
    assert len(apex.addresses) == 3 and apex.citation == "77 FR 61249"  # "77 FR 61249 No. 195": the issue dropped
    assert entries["AL-AMIR ELECTRONICS", "Egypt"].addresses == ("46 Falaki St. BabLouk Area, Cairo, EG",)


def test_a_2019_mirror_reads_each_party_under_its_countries_and_leaves_other_lists_out() -> None:
    # Given 22 Entity List rows of a 2019 download (among DPL and UVL rows), one of them spanning two countries
    entries = by_name(read("csl_2019_watchman_excerpt.csv"))
    # Then 20 entries: Migeotte's 5 rows are 2, the Kabul and Dubai addresses of one row are 2
    assert len(entries) == 20
    assert len(entries["Gulf Gate Sea Cargo LLC", "Afghanistan"].addresses) == 1
    assert len(entries["Gulf Gate Sea Cargo LLC", "United Arab Emirates"].addresses) == 2
    # An addresses cell that is only the code, and citations joined by commas with an issue number
    institute = entries["54th Research Institute of China", "China"]
    assert institute.addresses == ("CN",) and institute.citation == "66 FR 24266; 77 FR 58006; 81 FR 64694"
    assert not {name for name, _ in entries} & {"ADRIAN MANUEL HERNANDEZ", "Guangdong University of Technology"}


def test_a_party_read_from_the_2019_and_the_2022_download_is_no_change() -> None:
    # Given Gunther Migeotte's rows in 2019 ("1630 , Fredrikstad"; "75 FR 36516, 77 FR 58006 (no. 182)") and in 2022
    old = [e for e in read("csl_2019_watchman_excerpt.csv") if e.name == "Gunther Migeotte"]
    new = [e for e in read("el_csl_2022_subset.csv") if e.name == "Gunther Migeotte"]
    # Then the two readings say the same: the diff is empty
    assert len(old) == len(new) == 2
    assert diff(snapshot_of(old, source=URL, taken="a"), snapshot_of(new, source=URL, taken="b")) == []


def test_an_apostrophe_the_2019_download_dropped_and_the_2022_one_writes_as_a_question_mark_is_no_revision() -> None:
    # Given A. Leib Ltd. at "HAAssif 19, Binyamina, IL" in 2019 and at "HA?Assif 19, Binyamina, IL" in 2022
    old = [e for e in read("csl_2019_watchman_excerpt.csv") if e.name == "A. Leib Ltd."]
    new = [e for e in read("el_csl_2022_quirks.csv") if e.name == "A. Leib Ltd."]
    assert old[0].addresses != new[0].addresses
    # Then the diff reports nothing
    assert diff(snapshot_of(old, source=URL, taken="a"), snapshot_of(new, source=URL, taken="b")) == []


def test_every_field_quoted_reads_as_the_unquoted_file_and_other_bis_lists_stay_out() -> None:
    # Given one CETC 13 row in a 2023 file quoting every field (next to UVL, MEU, DPL and ISN rows), and in the
    # 2026 file that quotes only where needed
    quoted, plain = read("csl_2023_every_field_quoted.csv"), read("el_csl_2023_cetc13_and_meu.csv")
    # Then both give the same single entry
    assert quoted == plain and [(e.name, e.country) for e in quoted] == [(CETC_13, "China")]


def test_a_malformed_row_is_no_entry_and_a_list_without_entity_list_rows_fails_the_poll() -> None:
    # Given a mirror's file: the CSL header, a two-field row "/,1" and one SSI row
    body = (CSL / "csl_malformed_row_no_el.csv").read_bytes()
    assert parse_csl_csv(body) == []
    # When the primed source serves it
    store = MemoryStore()
    poll_entity_list(URL, store, fetcher=Source(rows(before_both)), now=clock)
    report = poll_entity_list(URL, store, fetcher=Source(body), now=clock)
    # Then the source fails (an empty list is a broken download, not a list that lost every entry)
    assert report.sources[0].status == "failed" and report.sources[0].reason == "parse_error"
    assert not store.stories


@pytest.mark.parametrize(
    "saved",
    [lambda body: b"\xef\xbb\xbf" + body, lambda body: body.replace(b"\n", b"\r\n")],
    ids=["byte-order mark", "crlf"],
)
def test_a_byte_order_mark_or_crlf_line_ends_change_nothing(saved: Callable[[bytes], bytes]) -> None:
    # No real download with a byte-order mark was found (one saved by a spreadsheet has it); the 2022 one is CRLF
    body = (CSL / "csl_2019_no_id_column.csv").read_bytes()
    assert parse_csl_csv(saved(body)) == parse_csl_csv(body)


@pytest.mark.parametrize(
    ("name", "message"),
    [
        # 2014: a "Last updated" line before the header, "Source List" / "Address" / "Country" columns
        ("csl_2014_export_gov_layout.csv", 'first line: \'"Last updated: May 23, 2014"'),
        # the JSON download or API answer: {"results": [...]}, addresses as objects
        ("csl_json_shape_2026.json", f"the list is JSON .* use {CSL_CSV_URL}"),
    ],
)
def test_a_layout_this_source_does_not_read_is_a_one_line_error_saying_what_came(name: str, message: str) -> None:
    with pytest.raises(ListFormatError, match=message) as error:
        read(name)
    assert "\n" not in str(error.value)


def test_one_addresses_cell_across_countries_is_one_entry_per_country() -> None:
    # Given 2022 rows whose addresses cell names two countries (older entries keep every address in one row)
    entries = by_name(read("el_csl_2022_quirks.csv"))
    # Then each country is an entry of its own, holding its own addresses, with the row's aliases and citation
    ghoura_af, ghoura_pk = entries["Abdul Satar Ghoura", "Afghanistan"], entries["Abdul Satar Ghoura", "Pakistan"]
    assert all(a.endswith(", AF") for a in ghoura_af.addresses) and len(ghoura_af.addresses) == 2
    assert all(a.endswith(", PK") for a in ghoura_pk.addresses) and len(ghoura_pk.addresses) == 2
    assert ghoura_af.citation == ghoura_pk.citation == "76 FR 71867"
    assert {"Action Global"} == {n for n, c in entries if c == "Singapore"}
    # An address cut in two by a ";" inside it ("..., Istanbul, Turkey; Yesil Tulumba A, ..., TR") stays whole
    # under the country its end names
    assert len(entries["Abbas Goldoozan", "Turkey"].addresses) == 2
    assert len(entries["Abbas Goldoozan", "Iran"].addresses) == 1
    # A cell naming the country only in words is read by the name; one naming none is kept, under no country
    assert ("Biznest, LTD", "Hong Kong") in entries
    assert ("Huawei Technologies Morocco", "") in entries


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("113 Hezuo Road, Shijiazhuang, Hebei, China; and 21 Changsheng Street, Shijiazhuang, Hebei, CN",
         {"China": ["113 Hezuo Road, Shijiazhuang, Hebei, China", "21 Changsheng Street, Shijiazhuang, Hebei, CN"]}),
        ("5 Cheng Wen Road, Chengdu, China 610036", {"China": ["5 Cheng Wen Road, Chengdu, China 610036"]}),
        ("AF; PK", {"Afghanistan": ["AF"], "Pakistan": ["PK"]}),
        ("", {"": []}),
    ],
)  # fmt: skip
def test_addresses_by_country(cell: str, expected: dict[str, list[str]]) -> None:
    # Real cells (2022 and 2023 CSL), the last "AF; PK" the whole cell of Khalil Zadran Company
    assert by_country(cell) == expected


def test_the_rule_2021_27406_reads_as_many_entries_from_the_list_as_from_its_text() -> None:
    # Given the 37 CSL rows citing 86 FR 71557, and the entries the rule's own table gives (three parties are listed
    # under two countries each)
    entries = parse_csl_csv(rows(lambda r: cites(r, RULE_2021_27406)))
    gold = json.loads((FIXTURES / "entity_list" / "2021-27406.gold.json").read_text(encoding="utf-8"))
    # Then the list gives the same 40 (name, country) entries
    assert len(entries) == 40
    assert {(normalized(e.name), e.country) for e in entries} == {(normalized(g["name"]), g["country"]) for g in gold}


def test_a_snapshot_from_an_earlier_reader_is_replaced_without_alerting() -> None:
    # Given a snapshot stored by the reader before this one (one entry per party, whatever its countries)
    store = MemoryStore()
    body = rows(before_both)
    poll_entity_list(URL, store, fetcher=Source(body), now=clock)
    stored = store.list_snapshot(URL)
    assert stored is not None and stored.reader == READER
    store.put_list_snapshot(replace(stored, reader="", digest="older", entries=stored.entries[:-1]))
    # When the list is polled again
    report = poll_entity_list(URL, store, fetcher=Source(body + b"\n"), now=clock)
    # Then the new reading replaces it and primes again: no story, no alert
    assert report.sources[0].status == "ok" and not report.ingest.stories_created and not store.stories
    new = store.list_snapshot(URL)
    assert new is not None and new.reader == READER and new.entries == stored.entries
