"""Parties named in news ledes: lists of names, the lede beyond the evidence sentence, and what is no party."""

from __future__ import annotations

import random
import re

import pytest

from exportwatch.classify import classify
from exportwatch.classify.parties import _trie, _Words, enumerated, find_parties, read_parties
from exportwatch.models import Item


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Orders renewed against Russian airlines Aeroflot, Utair and Azur Air.", ["Utair", "Azur Air"]),
        ("It denied three Russian airlines, Nordwind, Pobeda and S7, their privileges.", ["Nordwind", "Pobeda", "S7"]),
        (
            "The 36 firms added to the Entity List, among them Yangtze Memory Technologies and Shanghai Micro "
            "Electronics Equipment, face license requirements.",
            ["Shanghai Micro Electronics Equipment"],
        ),
        ("It put 28 bureaus and companies, including Hikvision, iFlytek and Meiya Pico, on the list.", ["Meiya Pico"]),
        ("Nine Indian organizations, including units of ISRO and DRDO, were removed.", ["ISRO", "DRDO"]),
        ("The orders against Aeroflot, Utair and Azur Air were renewed.", ["Utair", "Azur Air"]),
        ("Rossiya Airlines stays under a denial order.", ["Rossiya Airlines"]),
    ],
    ids=[
        "after-a-noun",
        "after-a-comma",
        "after-a-cue",
        "lower-case-start",
        "units-of",
        "with-a-known-party",
        "airline",
    ],
)
def test_names_listed_in_a_lede_are_parties(text: str, expected: list[str]) -> None:
    # When
    found = find_parties(text)
    # Then
    assert all(name in found for name in expected), found


@pytest.mark.parametrize(
    "text",
    [
        "It notes the likely harm to U.S. suppliers such as Qualcomm and Broadcom.",
        "Allies including the EU, Japan and the UK planned similar measures.",
        "The pause exempts Ukraine, Israel and Country Group A:1.",
        "US Blacklists Chinese AI Company Amid Rising Tech Tensions",
        "China's Largest Chip Maker, SMIC, and Commercial Drone Manufacturer, DJI, Added",
        "It added 28 organizations, including Hikvision and AI start-ups, to the list.",
        "American companies such as Anduril and Palantir can no longer ship.",
        "The list includes firms The Commerce Department named on Monday.",
    ],
    ids=["suppliers", "places", "a-group-letter", "headline", "descriptions", "two-letters", "us-companies", "opener"],
)
def test_what_a_list_shape_does_not_make_a_party(text: str) -> None:
    # When
    found = find_parties(text)
    # Then
    unwanted = {
        "Qualcomm", "Broadcom", "EU", "UK", "KGB Alpha", "US Blacklists Chinese AI Company",
        "Commercial Drone Manufacturer", "AI", "Anduril", "Palantir", "The Commerce Department",
    }  # fmt: skip
    assert not unwanted & set(found), found


def test_confirmed_names_come_first_and_the_stated_part_is_kept_apart() -> None:
    # Given a title naming one party and a lede sentence listing more
    title = "US renews export curbs on Aeroflot"
    text = f"{title}. Orders against Aeroflot, Utair and Azur Air were renewed; Rossiya Airlines stays listed."
    # When
    parties = read_parties(text, within=len(title))
    # Then only the title's confirmed party is stated, and every party is named
    assert parties.stated == ["Aeroflot"]
    assert parties.named[0] == "Aeroflot" and {"Utair", "Azur Air", "Rossiya Airlines"} <= set(parties.named)
    assert "Rossiya Airlines" in parties.confirmed and "Utair" not in parties.confirmed
    assert enumerated("Nine entities, among them Wuxi Biologics, were removed.") == ["Wuxi Biologics"]


def test_the_lede_names_the_parties_and_its_background_does_not() -> None:
    # Given news whose title names one party, its lede two more and a background sentence another
    item = Item(
        id="n1",
        title="US revokes licenses for exports to Huawei",
        text=(
            "The Commerce Department has revoked licenses that let Qualcomm and Intel supply Huawei, the department "
            "confirmed on Wednesday. In 2019 the department had listed Hikvision over abuses in Xinjiang."
        ),
        published="2024-05-08",
    )
    # When
    result = classify(item)
    # Then the lede's parties are named, the background's are not, and stories join on the title's party alone
    assert result.labels
    assert {"Huawei", "Qualcomm", "Intel"} <= set(result.entities)
    assert "Hikvision" not in result.entities
    assert result.stated == ("Huawei",)


def test_word_finder_matches_as_the_word_boundary_pattern_does() -> None:
    """The faster scan for listed words finds what the word-boundary pattern finds: start, neighbours, non-ASCII."""
    words = ["zte", "ztec", "huawei", "huawei technologies", "new mexico", "a1", "b"]
    plain = re.compile(r"\b(" + _trie(words) + r")\b")
    fast = _Words(words)
    pieces = [*words, " ", ",", "x", "é", "_", "-", ".", "1", "ü"]
    rng = random.Random(7)
    texts = ["zte", "b b", "ztec,zte", "xzte zte", "éb b_", "new mexico", "a1b a1"]
    texts += ["".join(rng.choice(pieces) for _ in range(rng.randint(1, 12))) for _ in range(3000)]
    for text in texts:
        want = [(m.start(1), m.end(1), m.group(1)) for m in plain.finditer(text)]
        assert [(m.start(1), m.end(1), m.group(1)) for m in fast.finditer(text)] == want, text
        first = fast.search(text)
        assert (first.group(1) if first else None) == (want[0][2] if want else None)
    with pytest.raises(ValueError):
        _Words(["-x"])


@pytest.mark.parametrize(
    ("text", "context", "party"),
    [
        (
            "The firms were added to the Entity List, joining more than 260 Chinese businesses including Huawei.",
            "Huawei",
            None,
        ),
        ("Five more entities were listed, following Huawei's blacklisting in May.", "Huawei", None),
        ("The department listed five entities; AMD's joint-venture partner Higon is among them.", "AMD", "Higon"),
        ("Listing them harms U.S. suppliers such as Qualcomm and Broadcom.", "Qualcomm", None),
        ("It sanctioned four firms buying parts, including European-made engines, for drones.", "European-made", None),
        ("Shares of US chipmakers that sell to Huawei, including Qualcomm and Micron, rose.", "Micron", None),
        ("It ends TSMC Nanjing's status, mirroring earlier US moves against Samsung and SK Hynix.", "Samsung", None),
        ("Samsung Display got licences; neither LG Display nor SK Hynix has been approved.", "SK hynix", None),
    ],
    ids=[
        "joining-a-list",
        "after-an-earlier-listing",
        "a-party-s-partner",
        "suppliers",
        "a-described-thing",
        "a-market-s-reaction",
        "earlier-moves",
        "not-acted-on",
    ],
)
def test_names_given_as_context_are_no_parties(text: str, context: str, party: str | None) -> None:
    # When a sentence names a company only to place the party acted on: a list it joins, an earlier action, a tie
    found = read_parties(text).named
    # Then that company is no party, and the party itself still is
    assert context not in found
    assert party is None or party in found


def test_a_clause_recalling_the_past_names_a_removal_s_party_never_an_addition_s() -> None:
    # Given an addition and a removal whose ledes name a party only in a clause that recalls an earlier listing
    addition = Item(
        id="a",
        title="US adds Chinese entities tied to spy balloon programme to export blacklist",
        text=(
            "The Commerce Department on Friday added six Chinese entities to its trade blacklist after the balloon "
            "was shot down. The department cited their support for the PLA; YMTC had been listed in December."
        ),
        published="2023-02-11",
    )
    removal = Item(
        id="r",
        title="US takes Chinese police lab off the Entity List",
        text=(
            "The Commerce Department took a Chinese police laboratory off its Entity List on Thursday as part of a "
            "deal on fentanyl. The Institute of Forensic Science had been listed in 2020 over abuses in Xinjiang."
        ),
        published="2023-11-17",
    )
    # When
    added, removed = classify(addition), classify(removal)
    # Then the earlier listing names no party of the addition, and names the party the removal takes off
    assert added.labels == ("entity_list.addition",) and added.entities == ()
    assert "entity_list.removal" in removed.labels and "Institute of Forensic Science of China" in removed.entities
