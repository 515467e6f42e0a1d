"""One Entity List rule in the Federal Register's three full-text formats gives the same entries, and they are right.

The rule is 2021-27406 (86 FR 71557): 37 parties added under China, Georgia, Malaysia and Turkey, 40 entries once
the parties listed under two countries are counted under each. Its gold (``2021-27406.gold.json``) was taken from
the trade.gov Consolidated Screening List rows of that rule and checked by hand against the cells; the README says
which cells are verbatim Supplement No. 4 text and which were rebuilt from the list rows.
"""

from __future__ import annotations

import json

import pytest

from exportwatch.entity_list.rule_text import Entry, parse_entries
from tests.helpers import FIXTURES

ENTITY_LIST = FIXTURES / "entity_list"
FORMATS = ("xml", "html", "txt")


def _gold() -> dict[tuple[str, str], dict[str, list[str]]]:
    rows = json.loads((ENTITY_LIST / "2021-27406.gold.json").read_text(encoding="utf-8"))
    return {(row["name"], row["country"]): row for row in rows}


def _parsed(fmt: str) -> list[Entry]:
    return parse_entries((ENTITY_LIST / f"2021-27406.{fmt}").read_text(encoding="utf-8"))


@pytest.mark.parametrize("fmt", FORMATS)
def test_real_rule_entries_are_found_none_invented_and_aliases_and_addresses_right(fmt: str) -> None:
    # Given the rule in one format and the hand-checked gold
    gold = _gold()
    # When
    entries = _parsed(fmt)
    # Then >= 98% of (name, country) found, none invented, aliases and addresses right for >= 95% of those found
    found = {(entry.name, entry.country): entry for entry in entries}
    hits = [key for key in gold if key in found]
    invented = [key for key in found if key not in gold]
    right = [
        key
        for key in hits
        if list(found[key].aliases) == gold[key]["aliases"] and list(found[key].addresses) == gold[key]["addresses"]
    ]
    assert len(hits) / len(gold) >= 0.98, sorted(set(gold) - set(found))
    assert invented == []
    assert len(right) / len(hits) >= 0.95
    assert {entry.action for entry in entries} == {"add"}
    assert {entry.citation for entry in entries} == {"86 FR 71557, 12/17/21"}
    assert {entry.license_policy for entry in entries} == {"Presumption of denial"}


def test_the_three_formats_give_the_same_entries() -> None:
    # Given / When
    xml, body_html, raw = (_parsed(fmt) for fmt in FORMATS)
    # Then (raw text writes "Sec." for "§"; everything else is equal)
    assert [entry.name for entry in xml] == [entry.name for entry in body_html] == [entry.name for entry in raw]
    assert xml == body_html
    assert [entry.to_json() | {"license_requirement": None} for entry in raw] == [
        entry.to_json() | {"license_requirement": None} for entry in xml
    ]


def test_xml_table_header_is_not_read_into_the_first_name() -> None:
    # Given the GPOTABLE with its BOXHD header (Country | Entity | License requirement | ...)
    # When
    first = _parsed("xml")[0]
    # Then
    assert first.name == "Academy of Military Medical Sciences"
    assert first.aliases == ("AMMS",)


def test_xml_continuation_row_address_stays_with_its_entry() -> None:
    # Given Aerosun's fifth address printed in a row of its own, with no licence or citation cells
    # When
    by_name = {entry.name: entry for entry in _parsed("xml")}
    # Then it is Aerosun's, and the next entry starts clean
    assert by_name["Aerosun Corporation"].addresses[-1] == (
        "No. 9399 Shangchuan Road, South District, Jinqiao Processing Zone, Pudong New District, Shanghai, China"
    )
    assert len(by_name["Aerosun Corporation"].addresses) == 5
    assert by_name["Changsha Jingjia Microelectronics Co., Ltd"].addresses[0].startswith("902, Building B1")


def test_xml_amendatory_instructions_invent_no_entries() -> None:
    # Given AMDPARs quoting all 37 names (one under several countries) and an authority citation
    # When
    entries = _parsed("xml")
    # Then one entry per printed row, no more
    assert len(entries) == 40


def test_one_party_under_several_countries_is_an_entry_under_each_without_the_see_note() -> None:
    # Given Gensis Engineering under Georgia and Turkey, each "See alternate address under ..."
    # When
    gensis = [entry for entry in _parsed("xml") if entry.name == "Gensis Engineering"]
    # Then
    assert [(entry.country, entry.addresses) for entry in gensis] == [
        ("Georgia", ("No. 2 Flat Loselianis Ave., Tbilisi, Georgia",)),
        ("Turkey", ("Fevzi Cakmak Mah., Malazgirt Cad 58/5, Pendik, Istanbul, Turkey",)),
    ]


def test_xml_revision_and_removal_with_footnote_marker_placeholder_and_continuation() -> None:
    # Given a public-inspection XML: a revised row (<SU>3</SU> in its licence cell, "[INSERT FR PAGE NUMBER]",
    # its last address in a continuation row) and a removal named only in the instruction
    # When
    revised, removed = parse_entries((ENTITY_LIST / "2022-27151-cetc13-revision.xml").read_text(encoding="utf-8"))
    # Then
    assert (revised.action, revised.country) == ("revise", "China")
    assert revised.name == "China Electronics Technology Group Corporation 13th Research Institute (CETC 13)"
    assert len(revised.aliases) == 6 and revised.aliases[-1] == "CETC Research Institute 13"
    assert revised.addresses[-1] == "21 Changsheng Road, Shijiazhuang, Hebei, China"
    assert revised.license_requirement == (
        "For all items subject to the EAR. (See §§ 734.9(g), 746.8(a)(3), and 744.21(b) of the EAR)"
    )
    assert revised.citation == "83 FR 37423, 8/1/18; 87 FR [INSERT FR PAGE NUMBER] 12/19/22"
    assert (removed.action, removed.name, removed.country, removed.addresses) == (
        "remove",
        "Ministry of Public Security's Institute of Forensic Science of China",
        "China",
        (),
    )


# Cells where the source's own split of the name is not the cell's: its two CASC names swallow the alias
# introduction ("..., and the following two aliases: —811th Institute"); the NSCC cell is ambiguous.
_SOURCE_SPLIT_DISAGREES = {
    "China Aerospace Science and Technology Corporation (CASC) 8th Academy 811 Research Institute, "
    "and the following two aliases: —811th Institute",
    "China Aerospace Science and Technology Corporation (CASC) 8th Academy, "
    "and the following three aliases: —Shanghai Academy of Spaceflight Technology (SAST)",
    "National Supercomputing Center Guangzhou (NSCC-GZ), Sun Yat-Sen University",
}


def test_verbatim_supplement_cells_split_into_the_listed_names() -> None:
    # Given 60 verbatim Entity cells of Supplement No. 4 (Chinese universities and institutes) in one HTML table
    cells = json.loads((ENTITY_LIST / "supp4-cells-cn-universities.json").read_text(encoding="utf-8"))["entries"]
    rows = "".join(
        f"<tr><td></td><td>{cell['raw']}</td><td>For all items subject to the EAR</td>"
        "<td>Presumption of denial</td><td>85 FR 1, 1/1/20</td></tr>"
        for cell in cells
    )
    # When
    entries = parse_entries(f"<table><tr><td>CHINA, PEOPLE'S REPUBLIC OF</td></tr>{rows}</table>")
    # Then every name is the listed one (where the source split it right), no alternate-address note is an address
    assert len(entries) == len(cells)
    expected = [cell["name"] for cell in cells if cell["name"] not in _SOURCE_SPLIT_DISAGREES]
    got = [
        entry.name for entry, cell in zip(entries, cells, strict=True) if cell["name"] not in _SOURCE_SPLIT_DISAGREES
    ]
    assert got == expected
    assert not any("alternat" in address for entry in entries for address in entry.addresses)
    radiation = entries[
        [cell["name"] for cell in cells].index(
            "Academy of Military Medical Sciences, Institute of Radiation and Radiation Medicine"
        )
    ]
    assert radiation.aliases == (
        "Institute of Radiation Medicine",
        "Institute of Electromagnetic and Particle Radiation Medicine",
    )
