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
            "The Entity List has added 36 firms that now face license requirements, among them Shanghai Micro "
            "Electronics Equipment and Yangtze Memory Technologies.",
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
        "It points to the probable damage for American suppliers such as Qualcomm and Broadcom.",
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
            "The firms have been added to the Entity List, joining over 260 other Chinese businesses including Huawei.",
            "Huawei",
            None,
        ),
        ("Five more entities were listed, following Huawei's blacklisting in May.", "Huawei", None),
        ("The department listed five entities; AMD's joint-venture partner Higon is among them.", "AMD", "Higon"),
        ("Listing them harms American suppliers such as Qualcomm and Broadcom.", "Qualcomm", None),
        ("It sanctioned four firms buying parts, including European-made engines, for drones.", "European-made", None),
        ("Shares of US chipmakers that sell to Huawei, including Qualcomm and Micron, rose.", "Micron", None),
        ("It ends TSMC Nanjing's status, mirroring earlier US moves against Samsung and SK Hynix.", "Samsung", None),
        ("Samsung Display got licences; neither LG Display nor SK Hynix has been approved.", "SK hynix", None),
        (
            "Regulators extended orders against carriers Nordwind and S7 (a/k/a Siberian Airlines).",
            "Siberian Airlines",
            "Nordwind",
        ),
        (
            "It ends TSMC's VEU status, mirroring what was done earlier to the China fabs of SK Hynix and Samsung "
            "Electronics.",
            "SK hynix",
            "TSMC",
        ),
        ("Trump let Nvidia sell H200 chips in China and said Intel and AMD would also be eligible.", "Intel", None),
        ("Nvidia may export H200 chips; Intel Corp. and AMD will be allowed to sell on similar terms.", "AMD", None),
        ("Nvidia may export H200 chips, and Commerce will apply a similar approach to AMD and Intel.", "Intel", None),
        ("The terms are still being finalised, and Trump said they will also apply to Intel and AMD.", "AMD", None),
        (
            "After Microsoft, Micron is the next company to receive US licences to work with Huawei.",
            "Microsoft",
            "Micron",
        ),
        ("Two firms were listed for acquiring US chipmaking equipment for SMIC in Beijing.", "SMIC", None),
        (
            "Nine entities were said to act as fronts for Pakistan's already blacklisted Advanced Engineering "
            "Research Organization.",
            "Advanced Engineering Research Organization (AERO)",
            None,
        ),
        (
            "Licences to supply COMAC were suspended; its C919 relies on engines from the GE Aerospace-Safran venture.",
            "GE Aerospace",
            "COMAC",
        ),
        (
            "AMD faces a charge after the new requirement; Nvidia expects a write-off from the same curbs.",
            "Nvidia",
            None,
        ),
        ("The listing of about 80 companies sent Nvidia and other chipmakers' shares lower.", "Nvidia", None),
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
        "another-name",
        "mirroring",
        "would-also-be-eligible",
        "on-similar-terms",
        "a-similar-approach",
        "will-also-apply-to",
        "after-another",
        "whom-a-party-bought-for",
        "already-listed",
        "the-maker-of-the-goods",
        "the-same-curbs",
        "shares",
    ],
)
def test_names_given_as_context_are_no_parties(text: str, context: str, party: str | None) -> None:
    # When a sentence names a company only to place the party acted on: a list it joins, an earlier action, a tie,
    # another name, others a decision may reach, whom it bought for, who makes its goods
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
            "On Friday the Commerce Department added six Chinese entities to the trade blacklist, after the balloon "
            "was shot down. The department pointed to their support for the PLA; YMTC had been listed in December."
        ),
        published="2023-02-11",
    )
    removal = Item(
        id="r",
        title="US takes Chinese police lab off the Entity List",
        text=(
            "The Commerce Department removed a Chinese police laboratory from its Entity List on Thursday under a "
            "fentanyl deal with Beijing. The Institute of Forensic Science was first listed in 2020 for its part in "
            "abuses in Xinjiang."
        ),
        published="2023-11-17",
    )
    # When
    added, removed = classify(addition), classify(removal)
    # Then the earlier listing names no party of the addition, and names the party the removal takes off
    assert added.labels == ("entity_list.addition",) and added.entities == ()
    assert "entity_list.removal" in removed.labels and "Institute of Forensic Science of China" in removed.entities


@pytest.mark.parametrize(
    ("text", "maker", "party"),
    [
        ("BIS eased its review of Nvidia H200 chips and AMD's MI325X chips bound for China.", "Nvidia", None),
        ("The guidance says using Huawei Ascend AI chips anywhere may violate US export controls.", "Huawei", None),
        ("The rule covers certain commodities, including the Nvidia H200 and equivalent chips.", "Nvidia", None),
        ("Microsoft will ship 60,000 Nvidia AI Chips to the UAE under licence.", "Nvidia", "Microsoft"),
        (
            "Israel's NSO Group, maker of the Pegasus spyware, was put on the list.",
            "Pegasus General Trading FZC",
            "NSO Group",
        ),
    ],
    ids=["a-chip-model", "a-product-line", "a-model-in-a-chip-text", "capitalised-chips", "spyware"],
)
def test_a_name_that_makes_a_product_is_no_party(text: str, maker: str, party: str | None) -> None:
    # When a text names a company only as the maker of the goods an action is about
    found = read_parties(text).named
    # Then the maker is no party, and the party acted on still is
    assert maker not in found
    assert party is None or party in found


@pytest.mark.parametrize(
    "text",
    [
        "The US launched a review of Nvidia AI chip sales to China.",
        "Trump approves Nvidia H200 exports to China.",
        "U.S. Allows Nvidia's H200 Chip Exports to China",
        "The Trump administration granted General Electric a license to supply engines for China's COMAC C919 jet.",
    ],
    ids=["its-own-sales", "its-own-exports", "its-own-exports-in-a-headline", "a-model-outside-a-chip-text"],
)
def test_a_maker_whose_own_sales_are_the_news_is_a_party(text: str) -> None:
    # When
    found = read_parties(text).named
    # Then
    assert {"Nvidia", "COMAC"} & set(found), found


def test_names_still_waiting_beyond_the_statement_are_not_acted_on() -> None:
    # Given a statement naming the licensee, and a lede naming others that have applied or wait
    title = "Samsung Display gains licence from US to sell OLED panels to Huawei"
    text = (
        f"{title}. SK Hynix, LG Display and Samsung Electronics have applied for licences too but have not yet "
        "received them. MediaTek and Qualcomm are still seeking approvals; Intel still sells some chips under license."
    )
    # When
    found = read_parties(text, within=len(title)).named
    # Then only the statement's parties are named
    assert {"Samsung", "Huawei"} <= set(found)
    assert not {"SK hynix", "MediaTek", "Qualcomm", "Intel"} & set(found), found
    # And where the request is the statement itself, its party is named
    assert "SK hynix" in read_parties("SK Hynix has applied for a US licence to supply Huawei").named


@pytest.mark.parametrize(
    ("text", "unwanted"),
    [
        (
            "U.S. Department of Commerce Rescinds Biden Administration's AI Diffusion Export Control Rule and Issues "
            "New Guidance on Huawei, Chips for AI Purposes, and Diligence Expectations",
            {"Chips for AI Purposes", "Diligence Expectations"},
        ),
        ("Taiwan Company Used Iranian Airline to Send Controlled Items to Russia, BIS Says", {"Taiwan Company"}),
        (
            "Commerce suspended licences to supply the Commercial Aircraft Corporation of China (Comac).",
            {"Commercial Aircraft Corporation"},
        ),
        (
            "Sony and OmniVision were licensed after Samsung Display won an earlier approval, Nikkei Asia and the "
            "Financial Times reported.",
            {"Financial Times"},
        ),
        ("The restrictions hit firms the Trump administration accuses of acting against US interests.", {"Trump"}),
        (
            "Commerce added 11 entities to the Entity List. Four were listed for supporting the PRC's military.",
            {"Four"},
        ),
        ("The department said removing the Cold War-era restrictions would ease cooperation.", {"Cold War-era"}),
    ],
    ids=[
        "headline-topics",
        "a-place-and-a-form",
        "part-of-a-known-name",
        "news-sources",
        "a-government",
        "a-number",
        "a-description",
    ],
)
def test_shapes_that_look_like_names_are_no_parties(text: str, unwanted: set[str]) -> None:
    # When
    found = read_parties(text).named
    # Then
    assert not unwanted & set(found), found


def test_an_acronym_beside_its_spelled_out_name_is_that_party_once() -> None:
    # Given a headline's acronyms (one of them also a listed Iranian company's) and a lede that spells them out
    title = "US Adds Myanmar's Defense Ministry, Home Affairs Ministry, MEC and MEHL to Entity List"
    text = (
        f"{title}. The US Commerce Department added four Myanmar institutions to the Entity List: Myanmar Economic "
        "Holding Limited, the Myanmar Economic Corporation, the Ministry of Home Affairs and the Ministry of Defense."
    )
    # When
    found = read_parties(text).named
    # Then the acronyms are no parties of their own
    assert not {"MEC", "MEHL", "Mesbah Energy Company"} & set(found), found
    assert "Myanmar Economic Corporation" in found
    # And a listed party a list names by its acronym is the listed party once
    lead = "Commerce restricted Xinjiang Production and Construction Corps (XPCC), Hoshine and the XPCC's units."
    assert "XPCC" not in read_parties(lead).named


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Commerce added BGI Research, Forensic Genomics International and BGI Tech Solutions (Hongkong) over "
            "surveillance risks.",
            ["BGI Tech Solutions (Hongkong)", "BGI Research", "Forensic Genomics International"],
        ),
        (
            "Grace Air, Livingston Aerospace, Global Training Solutions and Smartech Future were listed for their "
            "ties to a flight-test academy.",
            ["Global Training Solutions", "Smartech Future", "Grace Air", "Livingston Aerospace"],
        ),
        (
            "Shenzhen-backed fab PXW Semiconductor Manufactory Co was also named.",
            ["PXW Semiconductor Manufactory Co"],
        ),
        (
            "Among the Russian firms accused of backing the armed forces are the Burevestnik Research Institute, the "
            "Kazan Powder Plant and the Bryansk Automobile Plant.",
            ["Kazan Powder Plant", "Bryansk Automobile Plant", "Burevestnik Research Institute"],
        ),
        (
            "The department also added six Chinese companies, including Detail Technology and Beijing Moreget "
            "Creative Technology Co, to the list.",
            ["Beijing Moreget Creative Technology Co", "Detail Technology"],
        ),
        (
            "Two foreign firms, Kyrgyzstan's Tro.Ya and Armenia's Medisar, are also subject to the restrictions.",
            ["Medisar", "Tro.Ya"],
        ),
        (
            "Commerce added GMC Semiconductor Technology (Wuxi) Co. and Jicun Semiconductor Technology to the Entity "
            "List.",
            ["GMC Semiconductor Technology (Wuxi) Co", "Jicun Semiconductor Technology"],
        ),
    ],
    ids=[
        "an-action-s-object",
        "said-of-a-list",
        "named",
        "among-them-are",
        "named-after-a-city",
        "a-place-s",
        "co-dot",
    ],
)
def test_names_an_action_verb_takes_are_parties(text: str, expected: list[str]) -> None:
    # When
    found = read_parties(text).named
    # Then
    assert all(name in found for name in expected), found


def test_a_clause_telling_what_was_done_earlier_names_no_party() -> None:
    # Given a denial order whose lede recalls the orders issued earlier against other airlines
    item = Item(
        id="d",
        title="BIS Issues Denial Order for Another Russian Airline",
        text=(
            "The Bureau of Industry and Security suspended the export privileges of another Russian airline, issuing "
            "a temporary denial order against Rossiya Airlines. BIS earlier issued denial orders for Aeroflot, Azur "
            "Air and UTair."
        ),
        published="2022-05-03",
    )
    # When
    result = classify(item)
    # Then the airline the order is against is the party, and those of the earlier orders are not
    assert result.labels and "Rossiya Airlines" in result.entities
    assert not {"Aeroflot", "Azur Air", "UTair"} & set(result.entities), result.entities


def test_stories_join_on_the_maker_of_the_goods_they_are_about() -> None:
    # Given a lede about new rules on a maker's chips, which names no party acted on
    lead = "The new rules curb sales of Nvidia's A800 and H800 chips to China."
    # When / Then the classifier's parties leave the maker out, and the names stories join on keep it
    assert "Nvidia" not in read_parties(lead).named
    assert find_parties(lead) == ["Nvidia"]


def test_a_headline_lists_names_but_not_topics() -> None:
    # Given headlines whose capitals make every item of a list look like a name
    topics = (
        "Commerce Issues New Guidance on Huawei, Chips for AI Purposes, and Diligence Expectations. On May 13 the "
        "department formally rescinded the rule."
    )
    names = "US Renews Orders Against Aeroflot, Utair and Azur Air; Flights to Russia Continue"
    # Then a topic (a plural common noun) is no party, and the airlines are
    assert find_parties(topics) == ["Huawei"]
    assert {"Utair", "Azur Air"} <= set(find_parties(names))


def test_the_us_is_no_party_when_its_last_period_ends_a_list_item() -> None:
    # Given a lede whose list of those the reprieve covers ends in "the U.S." before "companies"
    text = (
        "The Commerce Department said Monday the Trump administration is extending for 90 days the reprieve given to "
        "Huawei Technologies and the U.S. companies that work with it."
    )
    # When
    found = read_parties(text).named
    # Then Huawei is the party, and "U.S" is none
    assert "Huawei Technologies" in found or "Huawei" in found
    assert not any(name.replace(".", "").replace(" ", "").upper() == "US" for name in found)
