"""Reports of one action that share no party or words in common, joined by what paraphrase keeps.

A late write-up that states the day of the action, a party the list of names does not know yet named in
both leads, and two outlets each leading with a different party of one rule while naming the other. These
wider tests only join what alerts anyway or would not alert at all: an unlabelled follower, a silent story.
A labelled item they alone would join to a story that alerts with its labels stays apart: joined wrongly,
its action would send no alert.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from exportwatch.classify.parties import party_key
from exportwatch.models import Item, Story
from exportwatch.stories.cluster import Analysis, analyse, belongs, merge, new_story, silent_story
from exportwatch.stories.ingest import ingest
from exportwatch.stories.words import counts, rare_names
from exportwatch_cli.memory import MemoryStore
from tests.helpers import news, unlabelled

NOW = "2020-06-08T12:00:00+00:00"


def story_of(*items: Item) -> Story:
    story = new_story(analyse(items[0]), now=NOW)
    for item in items[1:]:
        assert belongs(story, analyse(item))
        story = merge(story, analyse(item), now=NOW)
    return story


ANNOUNCED = news(
    "announced",
    "2020-05-25",
    "Commerce adds Chinese firms and institutions to the Entity List",
    "The Bureau of Industry and Security announced on May 22, 2020 that it would add 33 Chinese companies and "
    "institutions, Qihoo 360 among them, to the Entity List over support for military end use.",
)


HUAWEI_LISTING = news(
    "listing",
    "2019-05-16",
    "Commerce adds Huawei to the Entity List",
    "The Commerce Department added Huawei Technologies and its affiliates to the Entity List, barring "
    "American suppliers from selling to the company without a licence.",
)


def test_a_write_up_weeks_later_stating_the_day_follows_unlabelled_but_alone_never_hides_a_labelled_one() -> None:
    # Given a story of news only, and a law-firm note sixteen days later stating the day and the count
    story = story_of(ANNOUNCED)
    note = news(
        "note",
        "2020-06-08",
        "U.S. Department of Commerce added 33 Chinese entities to Entity List",
        "BIS declared on May 22, 2020 that 33 entities from China and Hong Kong, Qihoo 360 among them, would be added "
        "to the Entity List; the listings took effect June 5, 2020.",
    )
    other_day = news("other", "2020-06-08", note.title, note.text.replace("May 22", "May 12"))
    # When the note is labelled as the story is, it would send no alert if it joined: it stays apart (it may
    # be another action of that count); left unlabelled, it follows, and stating another day it does not
    assert set(analyse(note).classification.labels) <= set(story.labels)
    assert not belongs(story, analyse(note))
    assert belongs(story, unlabelled(note))
    assert not belongs(story, unlabelled(other_day))


def test_a_party_the_list_does_not_know_gathers_reports_in_a_silent_story_never_in_one_that_alerts() -> None:
    # Given an unlabelled report naming a start-up no list of names knows yet, and a labelled one naming it
    first = news(
        "first",
        "2025-01-16",
        "US curbs Chinese AI firms",
        "Washington put the AI company Qorvixa and the chip designer Sophgo on its trade blacklist, accusing them "
        "of helping China's military.",
    )
    second = news(
        "second",
        "2025-01-16",
        "US blacklists Tencent-backed AI start-up",
        "Washington has put the start-up Qorvixa on its Entity List, a move that bars American suppliers from "
        "selling to it without a licence.",
    )
    other = news("other", "2025-01-16", second.title, second.text.replace("Qorvixa", "Zentrova"))
    silent = silent_story(unlabelled(first), now=NOW)
    listed = news(
        "listed",
        "2025-01-16",
        "US adds Chinese AI firms to the Entity List",
        "The Commerce Department added the AI company Qorvixa and the chip designer Sophgo to its Entity List, "
        "accusing them of helping China's military.",
    )
    alerting = new_story(analyse(listed), now=NOW)
    # Then the name joins both reports in the silent story (the labelled one alerts then, as new), not a report
    # naming another start-up; in a story that alerts with the same label, the name alone joins nothing
    assert analyse(second).relevant and not analyse(first).relevant
    assert belongs(silent, analyse(second)) and belongs(silent, unlabelled(second))
    assert not belongs(silent, unlabelled(other))
    assert set(analyse(second).classification.labels) <= set(alerting.labels)
    assert not belongs(alerting, analyse(second))


def test_outlets_leading_with_different_parties_of_one_rule_follow_when_each_names_the_other() -> None:
    # Given a report leading with DJI that names SMIC too
    dji = news(
        "dji",
        "2020-12-18",
        "US blacklists DJI and dozens of other Chinese companies",
        "Commerce added DJI, the drone maker, and chipmaker SMIC to its Entity List along with dozens more Chinese "
        "companies, so they now need a license to obtain U.S. technology.",
    )
    story = story_of(dji)
    # When another leads with SMIC and names DJI, or leads with SMIC and never names DJI
    smic = news(
        "smic",
        "2020-12-21",
        "BIS adds entities to the Entity List, including China's SMIC",
        "BIS added parties to the Entity List, SMIC and DJI among them, and SMIC exports face a presumption of denial.",
    )
    smic_alone = news("alone", "2020-12-21", smic.title, smic.text.replace("SMIC and DJI among them", "SMIC too"))
    # Then, labelled as the story is, it stays apart (another party leads: it may be another list); left
    # unlabelled, only the one naming DJI follows
    assert set(analyse(smic).classification.labels) <= set(story.labels)
    assert not belongs(story, analyse(smic))
    assert belongs(story, unlabelled(smic))
    assert not belongs(story, unlabelled(smic_alone))


def test_a_licence_for_a_listed_party_is_another_story_than_its_listing() -> None:
    # Given the story of Huawei's listing
    story = story_of(HUAWEI_LISTING)
    # When a temporary general licence for Huawei is reported four days later, and another outlet's listing report
    licence = news(
        "licence",
        "2019-05-20",
        "Commerce issues temporary general license for Huawei",
        "The Commerce Department issued a 90-day temporary general license allowing American suppliers some "
        "transactions with Huawei Technologies and its affiliates, so that networks keep running.",
    )
    report = news(
        "report",
        "2019-05-17",
        "US puts Huawei on trade blacklist",
        "Washington added Huawei to its Entity List on Thursday, a move that bars the company from buying "
        "American parts without a licence.",
    )
    # Then the licence starts its own story (it alerts as its own action); the other report joins
    assert analyse(licence).classification.labels == ("extension",)
    assert not belongs(story, analyse(licence))
    assert belongs(story, analyse(report))


def test_a_party_the_reports_of_a_counted_list_never_name_is_another_list() -> None:
    # Given news of twelve entities listed, naming none of them
    counted = news(
        "counted",
        "2019-05-14",
        "US puts Chinese, Pakistani companies on entity list",
        "The Commerce Department added 12 entities in China, Pakistan and the United Arab Emirates to its "
        "Entity List over nuclear and missile programmes.",
    )
    story = story_of(counted)
    # When the next day's news of Huawei's listing, naming no count, and another report of the twelve arrive
    huawei = news(
        "huawei",
        "2019-05-15",
        "US adds Huawei to trade blacklist",
        "The Commerce Department added Huawei Technologies and affiliates in China to its Entity List over "
        "national security, a day after it listed companies in Pakistan and the United Arab Emirates.",
    )
    twelve = news(
        "twelve",
        "2019-05-15",
        "Commerce adds 12 entities to the Entity List",
        "The Bureau of Industry and Security added 12 entities in China, Pakistan and the UAE to the Entity List.",
    )
    # Then Huawei is another list; the other report of the twelve joins
    assert not belongs(story, analyse(huawei))
    assert belongs(story, analyse(twelve))


def test_names_of_officials_who_speak_of_every_action_are_no_party() -> None:
    # Given two leads of different actions quoting the same official, and one naming an unknown start-up
    quoted = "Commerce listed the firms on Tuesday, Secretary Lutnick said, and Kessler said more would follow."
    again = "Commerce Secretary Howard Lutnick announced new rules, and Kessler warned of more."
    startup = "Washington has put the start-up Qorvixa on its Entity List."
    # Then the officials' names count for nothing, the start-up's name does
    assert not rare_names(quoted) & rare_names(again)
    assert rare_names(startup)


def test_a_brand_and_the_listed_legal_name_are_one_party() -> None:
    # Given a report naming the legal name of a listed party, and one naming its brand, days apart
    legal = news(
        "legal",
        "2019-06-21",
        "Commerce adds Chinese supercomputer maker to the Entity List",
        "The Commerce Department added Dawning Information Industry Co., Ltd. and four other entities to the "
        "Entity List for supporting China's military.",
    )
    brand = news(
        "brand",
        "2019-06-24",
        "Sugon shares fall after US blacklisting",
        "Shares of the supercomputer maker Sugon fell after Washington put it on its trade blacklist for its "
        "military work.",
    )
    # Then they name one party, not two (the legal name folds into the listed entry's)
    assert analyse(legal).parties == analyse(brand).parties
    assert party_key("Dawning Information Industry Co., Ltd.") == party_key("Sugon")
    assert belongs(story_of(legal), analyse(brand))


def test_a_reaction_that_follows_a_story_does_not_carry_it_on_to_a_later_action() -> None:
    # Given the story of Huawei's listing and, three days later, an unlabelled reaction that follows it
    reaction = news(
        "reaction",
        "2019-05-19",
        "Huawei shares of suppliers slide after blacklist",
        "Shares of Huawei suppliers fell as investors weighed the Commerce Department's blacklist of the company.",
    )
    story = new_story(analyse(HUAWEI_LISTING), now=NOW)
    assert not analyse(reaction).relevant and belongs(story, analyse(reaction))
    story = merge(story, analyse(reaction), now=NOW)
    # When a report of the same kind of action on Huawei comes four days after the reaction, a week after the listing
    later = news(
        "later",
        "2019-05-23",
        "Commerce adds more Huawei affiliates to the Entity List",
        "The Commerce Department added Huawei Technologies affiliates to the Entity List, barring American "
        "suppliers from selling to them without a licence.",
    )
    # Then it is measured from the listing's reports, not the reaction's day: another story
    assert [s.follows for s in story.sources] == [False, True]
    assert not belongs(story, analyse(later))


def test_a_reaction_follows_within_days_of_the_actions_first_report_not_its_latest_write_up() -> None:
    # Given Huawei's listing and another outlet's report of it three days later
    write_up = news(
        "write-up",
        "2019-05-19",
        "US puts Huawei on trade blacklist",
        "The Commerce Department added Huawei Technologies and its affiliates to the Entity List, barring "
        "American suppliers from selling to the company without a licence.",
    )
    story = story_of(HUAWEI_LISTING, write_up)
    reaction = (
        "Shares of Huawei suppliers fell as investors weighed the Commerce Department's blacklist of the company."
    )
    # When an unlabelled reaction naming Huawei and its blacklist comes two days after the write-up, or the day after it
    late = news("late", "2019-05-21", "Huawei suppliers slide after blacklist", reaction)
    soon = news("soon", "2019-05-20", "Huawei suppliers slide after blacklist", reaction)
    # Then only the one within days of the listing's first report follows it (the later one may react to another action)
    assert not analyse(late).relevant
    assert belongs(story, analyse(soon))
    assert not belongs(story, analyse(late))


def test_a_follower_brings_its_own_keys_not_the_documents_it_quotes() -> None:
    # Given the story of Huawei's listing and an unlabelled reaction that quotes a Federal Register document
    reaction = news(
        "quoting",
        "2019-05-17",
        "Huawei suppliers slide after blacklist",
        "Shares of Huawei suppliers fell as investors weighed the Commerce Department's blacklist of the company, "
        "published as FR Doc. 2019-10616.",
    )
    story = new_story(analyse(HUAWEI_LISTING), now=NOW)
    followed = analyse(reaction)
    assert not followed.relevant and belongs(story, followed) and "doc:2019-10616" in followed.keys
    # When it follows the story
    story = merge(story, followed, now=NOW)
    # Then the story owns its page, not the number it quotes: a labelled report of that document would join by
    # the proven rules or alert on its own, never through a follower's quotation
    assert any(k.startswith("url:") and k.endswith("/quoting") for k in story.keys)
    assert "doc:2019-10616" not in story.keys
    # and so does an unlabelled report that starts or joins a silent story (which may alert later)
    silent = silent_story(followed, now=NOW)
    gathered = merge(silent_story(unlabelled(HUAWEI_LISTING), now=NOW), followed, now=NOW)
    assert "doc:2019-10616" not in silent.keys + gathered.keys
    assert {"quoting", "listing"} <= set(gathered.keys)


TSMC_ORDER = news(
    "order",
    "2024-11-11",
    "US directs TSMC to stop shipping advanced AI chips to China",
    "The Commerce Department ordered Taiwan Semiconductor Manufacturing Co to halt shipments of advanced chips to "
    "Chinese customers, imposing a license requirement on 7 nanometer or more advanced designs.",
)


def test_a_report_not_speaking_of_exports_follows_the_story_of_its_party_when_it_states_its_action() -> None:
    # Given the story of an order to TSMC, which alerts
    store = MemoryStore()
    story_id = ingest([TSMC_ORDER], store, now=lambda: datetime(2024, 11, 11, 12, tzinfo=UTC)).story_of["order"]
    # When, the next day, one report names TSMC and states the halt in words of no export, licence or order (the
    # classifier leaves it unlabelled), and a lawmakers' letter names TSMC in many of the story's words but states
    # no action
    halt = news(
        "halt",
        "2024-11-12",
        "TSMC to halt advanced AI chip shipments to Chinese customers, source says",
        "Taiwan Semiconductor Manufacturing Co will stop shipping advanced chips used in artificial intelligence "
        "applications to its Chinese customers, a person familiar with the matter said.",
    )
    letter = news(
        "letter",
        "2024-11-12",
        "Lawmakers question TSMC over advanced chips shipped to Chinese customers",
        "Two lawmakers wrote to Taiwan Semiconductor Manufacturing Co asking how its advanced chips reached Chinese "
        "customers used in artificial intelligence applications.",
    )
    assert not analyse(halt).may_follow and analyse(halt).may_follow_its_party
    report = ingest([halt, letter], store, now=lambda: datetime(2024, 11, 12, 12, tzinfo=UTC))
    # Then the report follows the order's story silently; the letter stays apart, in a silent story of its own
    assert report.story_of["halt"] == story_id
    assert report.story_of["letter"] != story_id and report.stories_silent == [report.story_of["letter"]]


PENTAGON = news(
    "pentagon",
    "2020-12-03",
    "Pentagon blacklists China's largest chipmaker SMIC and oil producer CNOOC",
    "The Defense Department added chipmaker SMIC and China National Offshore Oil Corp to its list of companies it "
    "says are owned or controlled by the Chinese military.",
)


def test_a_report_leading_with_a_party_its_story_names_after_another_joins_it() -> None:
    # Given the silent story of a Pentagon list, led with SMIC and naming CNOOC
    story = silent_story(analyse(PENTAGON), now="2020-12-03T12:00:00+00:00")

    def led_with(party: str, name: str) -> Item:
        return news(
            party,
            "2020-12-04",
            f"Defense Department adds {party} to list of Chinese military companies",
            f"The Pentagon added {name} to its list of companies owned or controlled by the Chinese military, "
            "alongside other firms.",
        )

    other_action = news(
        "block",
        "2020-12-04",
        "China National Offshore Oil wins deepwater exploration block in Brazilian auction",
        "China National Offshore Oil Corp won a deepwater exploration block in the Santos basin at Brazil's latest "
        "auction, bidding with Petrobras and beating Shell and TotalEnergies.",
    )
    # When the next day's reports lead with CNOOC, or with Xiaomi, which the story never names, or lead with
    # CNOOC on another action, sharing only some of the story's words
    # Then only the one leading with a party the story names, in its specifics too, joins it
    assert belongs(story, analyse(led_with("CNOOC", "China National Offshore Oil Corp")))
    assert not belongs(story, analyse(led_with("Xiaomi", "smartphone maker Xiaomi")))
    assert not analyse(other_action).relevant and not belongs(story, analyse(other_action))


def _read_as(item: Item, *labels: str) -> Analysis:
    """The item as the classifier read it with these labels: outlets word one licence action differently."""
    analysis = analyse(item)
    return replace(analysis, classification=replace(analysis.classification, labels=labels))


def test_one_licence_action_read_as_a_decision_and_as_a_policy_joins_as_an_update_that_alerts() -> None:
    # Given the story of licences amended for Huawei's suppliers, read as a licence decision
    amended = news(
        "amended",
        "2021-03-12",
        "US tightens the licences of Huawei's suppliers",
        "The administration has amended licences held by companies selling to Huawei Technologies, barring items "
        "for use with 5G devices, according to people familiar with the matter.",
    )
    story = new_story(_read_as(amended, "license.decision"), now=NOW)
    # When another outlet's report of it that day is read as a licence policy, and a listing of Huawei is reported
    limits = _read_as(
        news(
            "limits",
            "2021-03-12",
            "Washington imposes fresh 5G curbs on some Huawei vendors",
            "Chipmakers and antenna makers that ship to Huawei Technologies were told of stricter conditions on "
            "permits already approved, a ban on parts for 5G handsets that took effect this week.",
        ),
        "license.policy",
    )
    listing = _read_as(
        news(
            "listing",
            "2021-03-12",
            "US adds Huawei units to the Entity List",
            "The Commerce Department added more Huawei Technologies affiliates to the Entity List.",
        ),
        "entity_list.addition",
    )
    # Then the policy report joins as an update that alerts with its label; the listing, another kind, does not
    assert belongs(story, limits)
    merged = merge(story, limits, now=NOW)
    assert merged.version == story.version + 1
    assert "license.policy" in merged.labels
    assert not belongs(story, listing)


def test_a_pronoun_opening_a_lead_is_no_party_that_keeps_reports_of_one_list_apart() -> None:
    # Given the story of a report of entities listed, naming one of them
    report = news(
        "report",
        "2022-08-23",
        "US adds Chinese aerospace institutes to the Entity List",
        "The Commerce Department added Chinese space and aerospace research institutes of China Aerospace Science "
        "and Technology Corporation to the Entity List for supporting military modernization.",
    )
    story = story_of(report)
    # When the release arrives that day, naming none of them and no count ("They were listed ...")
    release = analyse(
        news(
            "release",
            "2022-08-23",
            "Commerce adds Chinese aerospace entities to the Entity List",
            "The Commerce Department has added Chinese space and aerospace research entities to the Entity List. "
            "They were listed for acquiring US-origin items in support of military modernization.",
        )
    )
    # Then "They" is no party of the release, which would have refused it as another party's action: it joins
    assert not release.parties and not release.proven_parties
    assert belongs(story, release)


def test_a_count_is_read_through_a_hyphenated_adjective_and_a_year_is_no_count() -> None:
    assert counts("The US added seven China-related entities to its list.") == {7}
    assert counts("In 2024 state-owned companies were added.") == set()


def test_a_count_told_country_by_country_is_summed_and_a_count_of_additions_is_read() -> None:
    # Two reports of the 11 Entity List additions of 11 April 2024 (tests/fixtures/stories/dev_check3.jsonl):
    # one counts five drone suppliers "among 11 additions", the other three, six and two by country.
    by_country = news(
        "by-country",
        "2024-04-12",
        "The US imposed new sanctions on companies from Russia, China and the UAE",
        "The Commerce Department imposed export restrictions on three companies in Russia, six in China and two in "
        "the United Arab Emirates, in a list published on April 11. Some were punished for buying parts for the "
        "Shahed drones that Russia uses against Ukraine and the Houthis use against ships.",
    )
    among = news(
        "among",
        "2024-04-10",
        "US restricts trade with companies tied to drones used by Russia, Houthis",
        "Washington restricted trade on Wednesday with five companies it accused of helping make and buy drones flown "
        "by Russia in Ukraine and by the Iran-backed Houthis against shipping in the Red Sea. The Russian and Chinese "
        "firms are among 11 additions the Commerce Department made to its Entity List, Jiangxi Xintuo Enterprise "
        "Company among them for Russian drones. Suppliers must now obtain licences before shipping to them.",
    )
    assert counts(by_country.text) == {3, 11}
    assert counts(among.text) == {5, 11}
    assert counts("BIS adds 29 entries to the Entity List") == {29}
    # Each part names its place too, the noun repeated or not; a number that is no part of the list adds nothing.
    assert counts("three companies from Russia, six companies from China and two companies from the UAE") == {3, 6, 11}
    assert counts("12 entities from China, Iran, and Pakistan") == {12}
    assert counts("12 entities in China, one of which is a university") == {12}
    assert counts("22 companies from China, 12 of them chipmakers") == {22}
    assert counts("12 entities in December, 2023 and 2024") == {12}
    assert counts("seven entities from China and two years ago") == {7}
    assert counts("twenty-one entities in China and three in Iran") == {21, 24}
    # Read as three against five, the two were two lists; read whole, they are one.
    assert belongs(new_story(analyse(among), now=NOW), analyse(by_country))
