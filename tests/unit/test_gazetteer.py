"""Listed names in news: the Entity List's own names and aliases (a 2022 snapshot of the list) found in text."""

from __future__ import annotations

import pytest

from exportwatch.classify.parties import find_parties
from exportwatch.entity_list.gazetteer import Gazetteer, Listed, gazetteer
from exportwatch_cli.evaluate import evaluate, same_party


def test_an_acronym_and_the_full_name_lead_to_the_same_listed_entry() -> None:
    # Given the bundled list
    listed = gazetteer()
    # When
    by_acronym = listed.find("Washington blacklisted SMIC on Friday.")
    by_name = listed.find("Semiconductor Manufacturing International Corporation was added.")
    # Then
    assert by_acronym == by_name
    assert by_acronym[0].name == "Semiconductor Manufacturing International Corporation (SMIC)"
    assert listed.lookup("Semiconductor Mfg International Corp.") == by_acronym[0]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Hikmicro was added.", ["Hangzhou Hikmicro Sensing Technology Co."]),
        ("The Bhabha Atomic Research Centre was removed.", ["Bhabha Atomic Research Center (BARC)"]),
        ("Its engineers said ITS was listed.", ["Innovative Technology Systems (ITS)"]),
        ("We honor the Global Trading Company deal in beijing.", []),
        ("sugon, in lower case, is not a name here", []),
        ("(Hikmicro) was added.", ["Hangzhou Hikmicro Sensing Technology Co."]),
        ("NotHikmicro and 7Hikmicro were added.", []),
    ],
    ids=[
        "alias",
        "british-spelling",
        "acronym-in-capitals-only",
        "generic-words",
        "lower-case",
        "after-a-mark",
        "inside-a-word",
    ],
)
def test_listed_names_are_found_only_as_names(text: str, expected: list[str]) -> None:
    assert [entry.name for entry in gazetteer().find(text)] == expected


def test_the_longest_form_wins_and_each_party_is_reported_once() -> None:
    # Given two entries, one name inside the other
    listed = Gazetteer([Listed("Zhejiang Dahua Technology Co., Ltd.", ("Dahua Technology",)), Listed("Dahua Group")])
    # When
    found = listed.find("Zhejiang Dahua Technology Co., Ltd. and Dahua Technology, again Zhejiang Dahua Technology")
    # Then
    assert [entry.name for entry in found] == ["Zhejiang Dahua Technology Co., Ltd."]


def test_news_parties_include_listed_names_the_alias_table_does_not_know() -> None:
    # Given a sentence naming a listed party by its alias
    text = "Commerce added Jiangsu Hengtong Optic-Electric and its unit HTGD to the Entity List."
    # When / Then
    assert "Jiangsu Hengtong Optic-Electric Co., Ltd." in find_parties(text)


def test_entity_recall_counts_an_alias_of_the_gold_party_as_found() -> None:
    # Given a labelled record whose gold party is named by its acronym in the text
    record = {
        "id": "x",
        "title": "US adds SMIC to the Entity List",
        "text": "The Commerce Department added SMIC to the Entity List.",
        "labels": ["entity_list.addition"],
        "entities_gold": ["Semiconductor Manufacturing International Corporation", "Tencent"],
    }
    # When
    scores = evaluate([record]).to_json()["entities"]
    # Then one of two gold parties found, the other never named by the text
    assert same_party("Semiconductor Manufacturing International Corporation", "SMIC")
    assert scores == {"recall": 0.5, "precision": 1.0, "gold": 2, "gold_in_text": 1, "recall_in_text": 1.0}


@pytest.mark.parametrize(
    "text",
    [
        "The UK and the US said the curbs would stay.",  # "Huawei Technologies (UK) Co., Ltd.": a place, not Huawei
        "The IAEA said inspections would resume.",  # "... not under International Atomic Energy Agency (IAEA)"
    ],
)
def test_a_place_or_a_trailing_part_in_parentheses_is_no_party(text: str) -> None:
    # Given real list names that carry "(UK)" and "(IAEA)" in parentheses
    # When a text names only the place or the agency
    # Then no listed party is found, while the party's own acronym still is
    assert find_parties(text) == []
    assert find_parties("Commerce added SMIC to the list.") == ["SMIC"]


def test_the_bundled_list_gives_a_party_every_country_of_its_addresses() -> None:
    # Given the 2022 rows of Brian Douglas Woodford (addresses in Singapore and the United Kingdom, one cell) and of
    # Volga Group (Luxembourg and Russia), and of Huawei Technologies Japan K.K. (its address's country only)
    entries = {entry.name: entry for entry in gazetteer().entries}
    # Then each names every country, not the last one of the cell
    assert set(entries["Brian Douglas Woodford"].countries) == {"SG", "GB"}
    assert set(entries["Volga Group"].countries) == {"LU", "RU"}
    assert entries["Huawei Technologies Japan K.K."].countries == ("JP",)
