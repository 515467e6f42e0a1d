"""Entity List rule text -> entries: who was added, removed or revised, with aliases, addresses and policy.

The fixtures under tests/fixtures/entity_list/ are built from real Entity List text (their README says which parts
are verbatim and which are the standard amendatory scaffolding around them), in the three forms a rule arrives in:
raw text, body HTML and a pipe table.
"""

from __future__ import annotations

import html
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from exportwatch.entity_list.rule_text import Entry, parse_entries
from exportwatch_cli.main import main
from tests.helpers import FIXTURES

ENTITY_LIST = FIXTURES / "entity_list"
CONTRACT_KEYS = [
    "action",
    "name",
    "aliases",
    "country",
    "addresses",
    "license_requirement",
    "license_policy",
    "citation",
]


def _entries(name: str) -> list[Entry]:
    return parse_entries((ENTITY_LIST / name).read_text(encoding="utf-8"))


def _by_name(entries: list[Entry]) -> dict[str, Entry]:
    return {entry.name: entry for entry in entries}


def test_sugon_rule_in_raw_text_adds_five_entities_with_their_aliases() -> None:
    # Given the June 2019 rule (2019-13245) as govinfo-style raw text, "--" alias lines, wrapped lines
    # When
    entries = _by_name(_entries("2019-13245-sugon.txt"))
    # Then the five additions come out with the alias counts the law-firm summaries give
    alias_counts = {name: len(entry.aliases) for name, entry in entries.items() if entry.action == "add"}
    assert alias_counts == {
        "Chengdu Haiguang Integrated Circuit": 2,
        "Chengdu Haiguang Microelectronics Technology": 2,
        "Higon": 5,
        "Sugon": 9,
        "Wuxi Jiangnan Institute of Computing Technology": 2,
    }
    sugon = entries["Sugon"]
    assert sugon.country == "China"
    assert sugon.license_policy == "Presumption of denial"
    assert sugon.license_requirement == "For all items subject to the EAR. (See Sec. 744.11 of the EAR)"
    assert sugon.citation == "84 FR [INSERT FR PAGE NUMBER] 6/24/19"
    assert sugon.aliases[-1] == "Tianjin Shuguang Computer Industry"


def test_aliases_wrapped_over_lines_are_joined_and_placeholders_kept_whole() -> None:
    # Given Higon's entry, whose aliases and citation wrap onto the next line
    # When
    higon = _by_name(_entries("2019-13245-sugon.txt"))["Higon"]
    # Then
    assert higon.aliases == (
        "Higon Information Technology",
        "Haiguang Xinxi Jishu Youxian Gongsi",
        "THATIC",
        "Tianjing Haiguang Advanced Technology Investment",
        "Tianjing Haiguang Xianjin Jishu Touzi Youxian Gongsi",
    )
    assert higon.citation == "84 FR [INSERT FR PAGE NUMBER] 6/24/19"
    assert higon.license_requirement == "For all items subject to the EAR. (See Sec. 744.11 of the EAR)"


def test_a_revision_named_without_a_row_is_still_an_entry_and_background_citations_are_not() -> None:
    # Given the same rule: NUDT is revised by instruction only; its background cites "(80 FR 8527)"
    # When
    entries = _entries("2019-13245-sugon.txt")
    # Then
    assert len(entries) == 6
    nudt = entries[-1]
    assert (nudt.action, nudt.name, nudt.country) == (
        "revise",
        "National University of Defense Technology (NUDT)",
        "China",
    )
    assert nudt.aliases == () and nudt.license_policy is None


@pytest.mark.parametrize(
    ("before", "line", "after"),
    [("<div>", "<p>{}</p>", "</div>"), ("<table><tr><td>", "<p>{}</p>", "</td></tr></table>")],
    ids=["paragraphs", "layout-table"],
)
def test_raw_text_reads_the_same_when_its_lines_come_as_html_paragraphs(before: str, line: str, after: str) -> None:
    # Given the Sugon rule's lines as HTML paragraphs, bare or inside a one-cell layout table
    raw = (ENTITY_LIST / "2019-13245-sugon.txt").read_text(encoding="utf-8")
    wrapped = before + "".join(line.format(html.escape(text)) for text in raw.splitlines()) + after
    # When / Then
    assert parse_entries(wrapped) == parse_entries(raw)


def test_smic_rule_in_body_html_carries_the_country_down_the_table() -> None:
    # Given 2020-28031 as body HTML: country only on the first row, a 4-cell row, "* * *" rows, a script
    # holding a fake row, a metadata table and navigation around it
    # When
    entries = _entries("2020-28031-smic.html")
    # Then the eleven SMIC entries, all added under China, nothing from the script or the metadata table
    assert len(entries) == 11
    assert {entry.action for entry in entries} == {"add"}
    assert {entry.country for entry in entries} == {"China"}
    assert "Not An Entity" not in {entry.name for entry in entries}
    smic = _by_name(entries)["Semiconductor Manufacturing International Corporation Incorporated (SMIC)"]
    assert smic.license_requirement == "For all items subject to the EAR"
    assert smic.license_policy is not None
    assert smic.license_policy.startswith("Presumption of denial for items uniquely required")
    assert "10 nanometers and below" in smic.license_policy
    assert smic.license_policy.endswith("case-by-case for all other items")
    assert smic.citation == "85 FR 83416, 12/22/20"
    assert "SMIC Northern Integrated Circuit Manufacturing (Beijing) Co., Ltd." in _by_name(entries)


def test_zhipu_html_cell_splits_into_name_dash_aliases_and_address() -> None:
    # Given the eCFR Zhipu entry as an HTML cell with <br/> and em-dash alias lines
    # When
    [zhipu] = _entries("2025-00704-zhipu.html")
    # Then
    assert zhipu.name == "Beijing Zhipu Huazhang Technology Co., Ltd."
    assert zhipu.aliases == ("Zhipu AI", "Beijing Knowledge Atlas Technology Co., Ltd.")
    assert zhipu.addresses == (
        "Floor 10, Building 9, No. 1, Zhongguancun East Road, Haidian District, Beijing, 100080, China",
    )
    assert zhipu.license_requirement == "For all items subject to the EAR. (See § 744.11 of the EAR)"
    assert (zhipu.license_policy, zhipu.citation, zhipu.action) == (
        "Presumption of denial",
        "90 FR 4619, 1/16/25",
        "add",
    )


def test_the_same_entry_reads_the_same_from_html_and_from_a_flattened_pipe_row() -> None:
    # Given the Zhipu entry as HTML and as the flattened eCFR line in the pipe-table excerpt
    # When
    from_html = _entries("2025-00704-zhipu.html")[0]
    from_pipes = _by_name(_entries("supplement-no-4-excerpt.md"))["Beijing Zhipu Huazhang Technology Co., Ltd."]
    # Then
    assert from_pipes == from_html


def test_pipe_table_excerpt_reads_countries_aliases_and_addresses() -> None:
    # Given an excerpt of Supplement No. 4 rebuilt from Consolidated Screening List records, no instructions
    # When
    entries = _entries("supplement-no-4-excerpt.md")
    by_name = _by_name(entries)
    # Then every row is "on the list" (add), under its carried-down country
    assert [entry.country for entry in entries] == ["Afghanistan", "Afghanistan", "China", "China", "China", "Turkey"]
    assert {entry.action for entry in entries} == {"add"}
    farid = by_name["Fazal Rahim Farid"]
    assert farid.aliases == ("Fazel Rahim Farid", "Farid", "Engineer Idris")
    assert farid.addresses == (
        "Microrayan 3rd Apt. 45, block #21, Kabul, Afghanistan",
        "A2 Ground Floor, City Computer Plaza, Shar-e-Naw, Kabul, Afghanistan",
    )
    assert farid.citation == "76 FR 71867, 11/21/11"
    zurmat = by_name["Zurmat Construction Company offices"]
    assert len(zurmat.addresses) == 7
    assert (
        "House No. 01, Street No. 01, Muhaqeq Road (Behind Pakistan and Turkish Embassies), Mazar-e-Sharif, Afghanistan"
        in zurmat.addresses
    )
    assert by_name["Murat Peker"].addresses == (
        "Mah. Idris Kosku Caddesi Kutu, Sokak No:1 Pierreloti/Eyup, Istanbul, Turkey",
    )


def test_names_ending_in_company_forms_keep_them_and_citation_chains_stay_whole() -> None:
    # Given the Huawei and CETC 13 rows of the excerpt
    # When
    by_name = _by_name(_entries("supplement-no-4-excerpt.md"))
    # Then "Co., Ltd." stays in the name, and every citation of the cell is kept in order
    huawei = by_name["Huawei Technologies Co., Ltd."]
    assert huawei.addresses[0] == "Bantian Huawei Base, Longgang District, Shenzhen, 518129, China"
    assert len(huawei.addresses) == 4
    assert huawei.citation is not None
    assert huawei.citation.startswith("84 FR 22964, 5/21/2019; 84 FR 43495, 8/21/19")
    assert huawei.citation.endswith("87 FR 55250, 9/9/22")
    cetc = by_name["China Electronics Technology Group Corporation 13th Research Institute (CETC 13)"]
    assert cetc.citation == "83 FR 37423; 87 FR 77505"
    assert cetc.license_policy is not None and cetc.license_policy.startswith("Policy of denial for all items")


def test_revision_in_public_inspection_text_is_a_revise_with_the_new_row() -> None:
    # Given the CETC 13 revision as public-inspection text: header cells one a line, em-dash aliases, curly quotes
    # When
    [cetc] = _entries("2022-27151-cetc13-revision.txt")
    # Then
    assert cetc.action == "revise"
    assert cetc.name == "China Electronics Technology Group Corporation 13th Research Institute (CETC 13)"
    assert len(cetc.aliases) == 6 and cetc.aliases[-1] == "CETC Research Institute 13"
    assert cetc.addresses == (
        "113 Hezuo Road, Shijiazhuang, Hebei, China",
        "21 Changsheng Street, Shijiazhuang, Hebei, China",
        "21 Changsheng Road, Shijiazhuang, Hebei, China",
    )
    assert cetc.country == "China"


def test_removal_lists_only_the_name_and_the_summary_adds_nothing() -> None:
    # Given 2023-25557, whose summary also says "by removing one entity under the destination of ... China"
    # When
    entries = _entries("2023-25557-removal.txt")
    # Then
    assert [entry.to_json() for entry in entries] == [
        {
            "action": "remove",
            "name": "Ministry of Public Security’s Institute of Forensic Science of China",
            "aliases": [],
            "country": "China",
            "addresses": [],
            "license_requirement": None,
            "license_policy": None,
            "citation": None,
        }
    ]


def test_instruction_forms_and_countries_outside_a_full_rule() -> None:
    # Given bare instructions in the forms rules use, with no table and no "is amended" sentence
    text = (
        "a. By removing under RUSSIA, the entries for “Alpha Trading LLC” and “Beta Systems OOO”; and\n"
        "b. Under KOREA, REPUBLIC OF, by revising the entry for ``Gamma Co., Ltd.''."
    )
    # When
    entries = parse_entries(text)
    # Then
    assert [(entry.action, entry.name, entry.country) for entry in entries] == [
        ("remove", "Alpha Trading LLC", "Russia"),
        ("remove", "Beta Systems OOO", "Russia"),
        ("revise", "Gamma Co., Ltd.", "South Korea"),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   \n\t",
        'Commerce said it was adding "Huawei" to a list of companies.',
        "<html><body><table><tr><td>a</td><td>b</td></tr></table></body></html>",
        '| label | means | example |\n|---|---|---|\n| extension | a TGL | "third 90-day" |',
    ],
)
def test_text_without_entries_gives_an_empty_list(text: str) -> None:
    # Given text that is not an Entity List rule / When / Then
    assert parse_entries(text) == []


def test_a_news_report_about_the_entity_list_gives_no_entries() -> None:
    # Given a real news report (seed 002) about Huawei licences on the Entity List
    text = (FIXTURES / "seeds" / "002_d78ed51c9c7a1c31.txt").read_text(encoding="utf-8")
    # When / Then
    assert parse_entries(text) == []


def test_to_json_has_exactly_the_contract_keys_in_order() -> None:
    # Given
    entry = Entry(
        "add", "Sugon", "China", ("Dawning",), ("Beijing",), "For all items", "Presumption of denial", "84 FR 1"
    )
    # When
    data = entry.to_json()
    # Then
    assert list(data) == CONTRACT_KEYS
    assert data["aliases"] == ["Dawning"] and data["addresses"] == ["Beijing"]


def test_cli_prints_one_json_line_per_entry(capsys: pytest.CaptureFixture[str]) -> None:
    # Given the removal fixture
    path = ENTITY_LIST / "2023-25557-removal.txt"
    # When
    code = main(["entries", str(path)])
    # Then
    lines = capsys.readouterr().out.splitlines()
    assert code == 0
    assert [list(json.loads(line)) for line in lines] == [CONTRACT_KEYS]


def test_cli_says_on_stderr_when_a_text_holds_no_entries(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # Given a text that is not an Entity List rule
    path = tmp_path / "notice.txt"
    path.write_text("Notice of a public meeting of the Sensors and Instrumentation Technical Advisory Committee.")
    # When
    code = main(["entries", str(path)])
    # Then stdout stays empty (the contract), and stderr says why
    captured = capsys.readouterr()
    assert code == 0 and captured.out == ""
    assert "no Entity List entries found" in captured.err


_FRAGMENTS = st.sampled_from(
    [
        "<table>", "<tr>", "<td>", "</td>", "</tr>", "<br/>", "<![ x [", "<script>", "|", " | ", "\n", "—", "--",
        "a.k.a., the following two aliases:", "; and ", "By adding under CHINA, PEOPLE'S REPUBLIC OF, ",
        "Supplement No. 4 to part 744 is amended by removing under ", "the entry for “", "”", "``", "''",
        "Supplement No. 4 to Part 744—Entity List", "CHINA, PEOPLE'S REPUBLIC OF", "* * * * * *",
        "For all items subject to the EAR.", "Presumption of denial.", "84 FR [INSERT FR PAGE NUMBER] 6/24/19.",
        "83 FR 37423; ", "Sugon, ", "Co., Ltd. ", "No. 1 Road. ", "(", ")", "[", "]",
    ]
)  # fmt: skip


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.text(max_size=400), st.lists(st.one_of(_FRAGMENTS, st.text(max_size=8)), max_size=60).map("".join)))
def test_arbitrary_text_never_raises(text: str) -> None:
    # Given any text, including shuffled pieces of real rules / When
    entries = parse_entries(text)
    # Then a list of well-formed entries comes back
    assert isinstance(entries, list)
    for entry in entries:
        assert list(entry.to_json()) == CONTRACT_KEYS
        assert entry.action in {"add", "remove", "revise"}
        assert entry.name
