"""The country table covers every country the Entity List lists parties under, by ISO code and by name."""

from __future__ import annotations

import csv
import io
import re

import pytest

from exportwatch.classify import classify
from exportwatch.classify.parties import find_countries
from exportwatch.countries import BY_CODE, COUNTRIES, name_of, name_of_form
from exportwatch.models import Item
from exportwatch.stories.list_changes import headline
from exportwatch_cli.subscriptions import filters, policy
from tests.unit.test_list_source import RULE_2021_27406, SUBSET, by_name, the_change


def test_classify_names_malaysia_germany_and_georgia() -> None:
    # Given a lede naming three countries the first table did not know
    item = Item(
        id="n-1",
        title="Commerce adds firms in Malaysia, Germany and Georgia to the Entity List",
        text="The Bureau of Industry and Security added companies in Malaysia, Germany and Georgia to the Entity List.",
    )
    # Then each is found, in order of mention, under its ISO code (Georgia is GE, Germany DE)
    assert classify(item).countries == ("MY", "DE", "GE")
    assert find_countries("a German supplier and a Malaysian broker") == ["DE", "MY"]


def test_a_surname_or_a_chip_design_term_is_not_a_country() -> None:
    # "Jordan" is left to its demonym (a congressman's name must not add a country), "DRC" to design rule checks
    assert find_countries("Rep. Jim Jordan asked the Commerce Department") == []
    assert find_countries("EDA tools for layout and DRC are controlled") == []


def test_a_phrase_holding_a_countrys_word_names_no_country_and_a_demonym_its_own() -> None:
    # The Australia Group is an export-control regime; New Mexico a US state; a North Korean is not South Korean
    assert find_countries("controls to implement Australia Group decisions") == []
    assert find_countries("Sandia National Laboratories in New Mexico, and Mexico") == ["MX"]
    assert find_countries("North Korean hackers and South Korean chipmakers") == ["KP", "KR"]
    assert find_countries("exports to Australia and Canada") == ["AU", "CA"]
    assert find_countries("a Jordanian trading company") == ["JO"]
    # Georgia the US state where the text says so; Georgia the country otherwise
    assert find_countries("a distributor in Norcross, Georgia, shipped to Moscow") == ["RU"]
    assert find_countries("indicted in the Northern District of Georgia for exports to Russia") == ["RU"]
    assert find_countries("a freight forwarder in Georgia and Armenia") == ["GE", "AM"]


def test_every_country_the_list_writes_an_address_under_has_a_name() -> None:
    # Given the country code that ends each address of the real list rows
    codes = set()
    for row in csv.DictReader(io.StringIO(SUBSET.decode())):
        for address in row["addresses"].split(";"):
            code = re.search(r"(?:^|,)\s*([A-Z]{2})\s*$", address)
            if code:
                codes.add(code.group(1))
    # Then every one is in the table, and prints as a name, never the code
    assert {"GE", "MY", "DE", "NO", "ZA"} <= codes
    assert all(code in BY_CODE and name_of(code) != code for code in codes)


def test_codes_and_names_are_unique_and_the_list_headings_read_as_names() -> None:
    assert len({c.code for c in COUNTRIES}) == len({c.name for c in COUNTRIES}) == len(COUNTRIES)
    assert (name_of("GE"), name_of("MY"), name_of("DE")) == ("Georgia", "Malaysia", "Germany")
    assert name_of_form("GEORGIA") == "Georgia" and name_of_form("VIET NAM") == "Vietnam"


@pytest.mark.parametrize("code", ["MY", "GE", "DE", "KG", "AM"])
def test_subscribe_accepts_a_country_the_list_names(code: str) -> None:
    assert policy(filters(countries=code.lower())) == {"countries": [code]}


def test_a_list_made_story_headline_names_georgia_not_its_code() -> None:
    # Given the real rows of 86 FR 71557, which list parties at addresses in Georgia and Malaysia
    (change,) = the_change(RULE_2021_27406)
    # Then the entries and the headline carry country names
    assert [e.country for e in by_name(change.entries, "SAEROS Safety ERO Company")] == ["Georgia"]
    title = headline(change)
    assert "Georgia" in title and "Malaysia" in title and " GE" not in title and " MY" not in title
