from __future__ import annotations

from exportwatch.alerts.render import render
from exportwatch.models import Item, Story
from exportwatch.screening.watchlists import story_parties
from exportwatch.stories.cluster import analyse, belongs, find_story, merge, new_story
from tests.helpers import CORPUS, FIXTURES, read_jsonl

NOW = "2019-11-22T12:00:00+00:00"


def start(item: Item) -> Story:
    return new_story(analyse(item), now=NOW)


def joins(story: Story, item: Item) -> bool:
    return belongs(story, analyse(item))


def test_the_three_seeds_make_one_story() -> None:
    # Given
    seeds = sorted((Item.from_json(r) for r in read_jsonl(CORPUS / "seeds.jsonl")), key=lambda i: i.published)
    # When
    story = start(seeds[0])
    for item in seeds[1:]:
        assert joins(story, item)
        story = merge(story, analyse(item), now=NOW)
    # Then
    assert len(story.sources) == 3
    assert set(story.labels) == {"license.decision", "extension"}


def test_same_party_months_apart_is_another_story() -> None:
    # Given a May 2019 addition and the November 2019 licences
    may = Item(
        id="may",
        title="U.S. adds Huawei to trade blacklist",
        published="2019-05-16",
        text="The Commerce Department said it is adding Huawei Technologies Co. Ltd to its Entity List.",
    )
    november = Item.from_json(read_jsonl(CORPUS / "seeds.jsonl")[2])
    # When / Then
    assert not joins(start(may), november)


def test_two_federal_register_documents_are_two_stories() -> None:
    # Given two Entity List rules of the same day with near-identical boilerplate abstracts
    text = "BIS amends the EAR by adding entities to the Entity List under the destination of China."
    a = Item(
        id="fr:2020-1",
        title="Addition of Entities to the Entity List",
        text=text,
        source="federal_register",
        document_number="2020-1",
        published="2020-06-05",
        agencies=("Industry and Security Bureau",),
    )
    b = Item(
        id="fr:2020-2",
        title="Addition of Entities to the Entity List",
        text=text,
        source="federal_register",
        document_number="2020-2",
        published="2020-06-05",
        agencies=("Industry and Security Bureau",),
    )
    # When / Then
    assert not joins(start(a), b)


def test_public_inspection_copy_and_published_rule_share_the_document_number() -> None:
    # Given
    common = {
        "title": "Entity List Removal",
        "text": "BIS removes one entity from the Entity List.",
        "source": "federal_register",
        "document_number": "2023-25557",
        "agencies": ("Industry and Security Bureau",),
    }
    on_inspection = Item(id="pi:2023-25557", stage="public_inspection", published="2023-11-16", **common)
    published = Item(id="fr:2023-25557", stage="published", published="2023-11-17", citation="88 FR 80000", **common)
    story = start(on_inspection)
    # When
    merged = merge(story, analyse(published), now=NOW)
    # Then it joins and the material change says so
    assert find_story([story], analyse(published)) is story
    assert merged.official and merged.version == 2
    assert merged.changes[0].startswith("now official")


def test_another_article_is_not_a_material_change() -> None:
    # Given
    seeds = sorted((Item.from_json(r) for r in read_jsonl(CORPUS / "seeds.jsonl")), key=lambda i: i.published)
    story = start(seeds[0])  # 002: licence decision + extension
    # When 000 (licence decision only) joins
    merged = merge(story, analyse(seeds[1]), now=NOW)
    # Then
    assert merged.version == story.version
    assert len(merged.sources) == 2


def _rule(number: str, title: str, text: str, published: str, citation: str = "") -> Item:
    return Item(
        id=f"fr:{number}",
        title=title,
        text=text,
        source="federal_register",
        document_number=number,
        citation=citation,
        published=published,
        stage="published",
        agencies=("Industry and Security Bureau",),
    )


def test_a_correction_joins_the_rule_it_corrects_without_an_alert() -> None:
    # Given the December 2020 Entity List rule and, weeks later, its correction quoting it
    rule = _rule(
        "2020-28031",
        "Addition of Entities to the Entity List, Revision of Entry on the Entity List, and Removal of Entities",
        "BIS adds 77 entities to the Entity List, among them SMIC and DJI.",
        "2020-12-22",
        citation="85 FR 83416",
    )
    correction = _rule(
        "2021-02000",
        "Addition of Entities to the Entity List; Correction",
        "In rule FR Doc. 2020-28031 appearing on page 83416 in the issue of December 22, 2020, an address "
        "is corrected.",
        "2021-02-01",
    )
    story = start(rule)
    # When
    analysis = analyse(correction)
    merged = merge(story, analysis, now=NOW)
    # Then it joins as one more source: a correction is no new action and alerts nobody
    assert belongs(story, analysis)
    assert merged.version == story.version and len(merged.sources) == 2
    assert merged.labels == story.labels


def test_a_rule_weeks_after_its_news_joins_but_another_partys_does_not() -> None:
    # Given the ZTE news of 13 July 2018, and the termination order published ten days later
    news = Item(
        id="n1",
        title="Commerce lifts ZTE export ban",
        text="Commerce Secretary Ross terminated the denial order issued on April 15, 2018 against ZTE, after "
        "Zhongxing Telecommunications Equipment deposited $400 million in escrow.",
        published="2018-07-13",
    )
    order = _rule(
        "2018-15633",
        "Order Terminating Denial Order Issued on April 15, 2018, Against Zhongxing Telecommunications "
        "Equipment Corporation and ZTE Kangxun Telecommunications Ltd.",
        "",
        "2018-07-23",
    )
    other = _rule(
        "2018-15700",
        "Order Terminating Denial Order Against Huawei Technologies",
        "",
        "2018-07-23",
    )
    story = start(news)
    # When / Then
    assert joins(story, order)
    assert not joins(story, other)


def test_news_only_stories_do_not_collect_reports_weeks_later() -> None:
    # Given a news story with no rule, and a report of the same party three weeks later
    story = start(
        Item(id="a", title="US blacklists Chinese chipmaker SMIC", text="SMIC was added.", published="2020-12-18")
    )
    later = Item(id="b", title="US blacklists Chinese chipmaker SMIC", text="SMIC was added.", published="2021-01-10")
    # Then
    assert not joins(story, later)


def test_an_unlabelled_reaction_follows_its_story_silently() -> None:
    # Given the seeds' story and two items the classifier does not label
    seeds = sorted((Item.from_json(r) for r in read_jsonl(CORPUS / "seeds.jsonl")), key=lambda i: i.published)
    story = start(seeds[0])
    for item in seeds[1:]:
        story = merge(story, analyse(item), now=NOW)
    reaction = Item(  # from the stories fixture
        id="r",
        title="Senators to Trump: pump the brakes on Huawei licenses",
        text="Led by Schumer and Cotton, fifteen senators urged President Trump to pause the Huawei licensing that "
        "had only just begun until Congress is given criteria for weighing national security risk. Their letter "
        "came after reports that roughly half of around 150 applications processed so far had been approved.",
        published="2019-11-21",
    )
    phone = Item(id="p", title="Huawei launches a new phone", published="2019-11-21")
    # When
    followed = analyse(reaction)
    # Then the reaction is recorded without an alert; the phone launch reports another event
    assert not followed.relevant and belongs(story, followed)
    merged = merge(story, followed, now=NOW)
    assert merged.version == story.version and merged.labels == story.labels
    assert merged.signature == story.signature
    assert not joins(story, phone)


def test_lists_of_different_sizes_without_a_common_party_are_two_actions() -> None:
    # Given 38 Huawei affiliates (17 Aug 2020) and 24 companies over the South China Sea nine days later
    huawei = _rule(
        "2020-18213",
        "Addition of Huawei Non-U.S. Affiliates to the Entity List",
        "BIS adds 38 non-U.S. affiliates of Huawei Technologies to the Entity List.",
        "2020-08-20",
    )
    scs = Item(
        id="scs",
        title="Commerce adds 24 Chinese companies to the Entity List",
        text="The 24 companies helped China's military build artificial islands in the South China Sea.",
        published="2020-08-26",
    )
    # Then
    assert not joins(start(huawei), scs)


def _stories_fixture(name: str, *lines: int) -> list[Item]:
    """Items of a stories training set, by their line number (1-based)."""
    rows = read_jsonl(FIXTURES / "stories" / name)
    return [Item.from_json(rows[n - 1]) for n in lines]


def test_the_same_large_count_joins_outlets_that_lead_with_different_parties() -> None:
    # Given two reports of the 33 listings of May 2020: one names Huawei first, the other CloudMinds
    first, second = _stories_fixture("train_extra.jsonl", 42, 41)
    other_list = Item(
        id="c",
        title="CloudMinds among 11 Chinese companies on US trade blacklist",
        text="The Commerce Department added 11 Chinese companies, CloudMinds among them, to the Entity List.",
        published=second.published,
    )
    story = start(first)
    # When / Then: one list of 33, whoever each leads with; a list of 11 is another action
    assert analyse(first).parties != analyse(second).parties
    assert joins(story, second)
    assert not joins(story, other_list)


def test_on_words_alone_a_listing_does_not_join_that_weeks_chip_rule() -> None:
    # Given the October 2023 chip rule, and the 13 Entity List additions of the next day in similar words
    rule_news, listing = _stories_fixture("train_extra.jsonl", 14, 17)
    # When / Then: neither joins the other's story
    assert not joins(start(rule_news), listing)
    assert not joins(start(listing), rule_news)


def test_a_reaction_naming_the_party_and_its_action_follows_in_its_own_words() -> None:
    # Given the November 2019 Huawei story as its reports built it, and the senators' letter in other words
    reports = _stories_fixture("events.jsonl", 34, 35, 36, 37, 38, 39, 40, 41, 42)
    story = start(reports[0])
    for item in reports[1:]:
        story = merge(story, analyse(item), now=NOW)
    (letter,) = _stories_fixture("events.jsonl", 43)
    unrelated = Item(
        id="u",
        title="Huawei says the US export ban cut its phone shipments",
        text="Huawei said its smartphone shipments fell after the US blacklisting, and it would rely on its own chips.",
        published="2019-11-21",
    )
    # When
    followed = analyse(letter)
    # Then the letter follows silently; a report naming Huawei but none of the story's actions does not
    assert not followed.relevant and belongs(story, followed)
    assert merge(story, followed, now=NOW).version == story.version
    assert not joins(story, unrelated)


def test_news_finds_the_one_rule_of_its_days_that_names_no_party() -> None:
    # Given the June 2019 supercomputing rule, published with no abstract, and a report of it that day
    (report,) = _stories_fixture("events.jsonl", 19)
    title = "Addition of Entities to the Entity List and Revision of an Entry on the Entity List"
    rule = _rule("2019-13245", title, "", "2019-06-24")
    other = _rule("2019-13300", "Addition of Entities to the Entity List", "", "2019-06-25")
    removal = _rule("2019-13400", "Removal of Certain Entities From the Entity List", "", "2019-06-24")
    # When / Then: the one rule of its kind is the rule the news reports; of two, neither
    assert not joins(start(rule), report)
    assert find_story([start(rule), start(removal)], analyse(report)) == start(rule)
    assert find_story([start(rule), start(other)], analyse(report)) is None


def test_the_alert_names_every_party_its_lede_lists_and_stories_keep_the_stated_one_to_join_on() -> None:
    # Given a renewal whose headline names one airline and whose lede lists two more
    renewal = Item(
        id="renewal",
        title="US renews export denial orders against Aeroflot",
        published="2023-03-01",
        text="The Commerce Department renewed on Tuesday its orders denying export privileges to Russian airlines "
        "Aeroflot, Utair and Azur Air for another year, citing flights in violation of US export controls.",
    )
    # When
    story = start(renewal)
    # Then the alert and the watchlist screening see all three; stories compare the one its action is stated of
    assert story.entities == ("Aeroflot", "Utair", "Azur Air")
    assert [party.name for party in story_parties(story)] == ["Aeroflot", "Utair", "Azur Air"]
    assert "Utair" in render(story).email
    assert story.stated == ("Aeroflot",)
