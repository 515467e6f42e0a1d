"""A labelled report bringing a label its story lacks joins it as a material update, which alerts.

Such a join hides no action (the subscriber is told "new label: ..."), so it may use a wider test than the
proven rules; a report whose labels its story has already would send no alert, and still joins only by them.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from exportwatch.stories.cluster import analyse, belongs, merge, new_story
from exportwatch.stories.ingest import ingest
from exportwatch_cli.memory import MemoryStore
from tests.helpers import news, unlabelled

NOW = "2022-02-25T12:00:00+00:00"


CONTROLS = news(
    "controls",
    "2022-02-25",
    "Commerce imposes export controls on Russia over invasion of Ukraine",
    "The Bureau of Industry and Security on Thursday imposed sweeping export controls on Russia, requiring a licence "
    "for semiconductors, computers, telecommunications equipment, lasers and sensors under a policy of denial. The "
    "controls target Russia's defense, aerospace and maritime sectors.",
)
WITH_LISTINGS = news(
    "listings",
    "2022-02-25",
    "U.S. imposes sweeping export restrictions on technology to Russia",
    "After the invasion of Ukraine, the administration imposed broad export controls cutting off Russia's defense, "
    "aerospace and maritime sectors from semiconductors, computers, lasers and sensors. Forty-nine Russian military "
    "entities were also added to the Entity List.",
)


def test_a_report_bringing_a_list_action_joins_its_rules_story_as_an_update_that_alerts() -> None:
    # Given the story of the Russia controls (a licence policy) and, that day, a report of them with the listings
    story = new_story(analyse(CONTROLS), now=NOW)
    listings = analyse(WITH_LISTINGS)
    assert story.labels == ("license.policy",)
    assert set(listings.classification.labels) == {"entity_list.addition", "license.policy"}
    # When it meets the story
    joined = belongs(story, listings)
    updated = merge(story, listings, now=NOW)
    # Then it joins (the proven rules alone would refuse a list action brought on words), and the story's next
    # version alerts, naming the new label
    assert joined
    assert updated.version == 2 and updated.changes == ("new label: entity_list.addition",)


def test_a_report_with_no_label_its_story_lacks_still_joins_only_by_the_proven_rules() -> None:
    # Given the story of the report with the listings: it alerted with both labels
    story = new_story(analyse(WITH_LISTINGS), now=NOW)
    # When the report of the licence policy alone meets it: joined, it would send no alert
    controls = analyse(CONTROLS)
    # Then it stays apart (on words alone it drops the story's list action: it may be another action)
    assert set(controls.classification.labels) < set(story.labels)
    assert not belongs(story, controls)


def test_two_additions_on_different_parties_the_same_day_stay_apart_even_as_an_update() -> None:
    # Given the listing of ZTE, and the same day a report of Huawei's listing with its licence policy
    zte = news(
        "zte",
        "2019-05-16",
        "US adds ZTE to the Entity List",
        "The Commerce Department added ZTE and its affiliates to the Entity List on Thursday, barring American "
        "suppliers from selling semiconductors, computers, lasers and sensors to the Chinese telecommunications "
        "company.",
    )
    huawei = news(
        "huawei",
        "2019-05-16",
        "US imposes export restrictions on technology to Huawei",
        "The administration imposed broad export controls cutting off the Chinese company's telecommunications "
        "business from semiconductors, computers, lasers and sensors. Huawei and its affiliates were added to the "
        "Entity List.",
    )
    story = new_story(analyse(zte), now=NOW)
    other = analyse(huawei)
    # When / Then: it would alert as an update, in many of the story's words, but two named parties are two
    # actions, each its own alert
    assert set(other.classification.labels) - set(story.labels)
    assert set(other.classification.labels) & set(story.labels)
    assert not belongs(story, other)


def test_the_same_words_on_another_country_stay_apart_as_an_update() -> None:
    # Given the story of the Russia controls, and the next day controls on China in nearly the same words
    story = new_story(analyse(CONTROLS), now=NOW)
    china = news(
        "china",
        "2022-02-26",
        "U.S. imposes export restrictions on technology to China",
        "The administration imposed broad export controls cutting off China's military and aerospace sectors "
        "from semiconductors, computers, lasers and sensors. Twelve Chinese military entities were added to the "
        "Entity List.",
    )
    other = analyse(china)
    # When / Then: it brings a label and shares one, but names another country: another action
    assert set(other.classification.labels) - set(story.labels)
    assert set(other.classification.labels) & set(story.labels)
    assert not set(other.classification.countries) & set(story.countries)
    assert not belongs(story, other)


LISTED_140 = news(
    "blacklist",
    "2024-12-02",
    "US blacklists 140 Chinese chip companies in latest strike on semiconductor industry",
    "The Commerce Department added 140 entities to the Entity List on Monday, most of them Chinese makers of "
    "chipmaking tools, in its third crackdown on China's semiconductor industry in three years.",
)


def test_the_same_large_count_brought_with_a_new_label_joins_up_to_the_rule_lag() -> None:
    # Given the news of 140 listings, and six days later a write-up of the rules that also lists them
    story = new_story(analyse(LISTED_140), now=NOW)
    rules = news(
        "rules",
        "2024-12-08",
        "BIS expands controls on advanced computing and semiconductor manufacturing items",
        "The Bureau of Industry and Security issued rules restricting exports of high-bandwidth memory and chipmaking "
        "equipment to China under a licence requirement, and added 140 entities to the Entity List.",
    )
    same_labels = news(
        "same",
        "2024-12-08",
        "US adds 140 entities to the Entity List",
        "The Bureau of Industry and Security added 140 entities to the Entity List, most of them Chinese makers of "
        "chipmaking equipment.",
    )
    # When / Then: with a label the story lacks it joins as an update; with none it is held to the proven rules
    assert set(analyse(rules).classification.labels) - set(story.labels)
    assert belongs(story, analyse(rules))
    assert not set(analyse(same_labels).classification.labels) - set(story.labels)
    assert not belongs(story, analyse(same_labels))


def test_plainer_reports_of_one_poll_go_first_so_one_bringing_a_label_meets_their_story() -> None:
    # Given one poll bringing both reports of the Russia controls, the one with the listings sorting first by id
    store = MemoryStore()
    first = replace(WITH_LISTINGS, id="a-listings")
    second = replace(CONTROLS, id="b-controls")
    # When ingested
    report = ingest([first, second], store, now=lambda: datetime(2022, 2, 25, 12, tzinfo=UTC))
    # Then they make one story, which alerts once, with both labels
    assert report.story_of["a-listings"] == report.story_of["b-controls"]
    assert len(report.stories_created) == 1


def test_a_report_naming_no_party_that_speaks_of_exports_after_its_first_sentence_follows() -> None:
    # Given the story of the 2023 chip rules, and the next day a commentary whose first sentence sets a scene
    story = new_story(
        analyse(
            news(
                "curbs",
                "2023-10-17",
                "US tightens curbs on AI chip exports to China",
                "Washington on Tuesday tightened its curbs on exports to China of advanced AI chips and chipmaking "
                "tools, plugging gaps left by last year's rules, and Nvidia shares fell.",
            )
        ),
        now=NOW,
    )
    screws = news(
        "screws",
        "2023-10-18",
        "Biden turns a few more screws on China's chip industry",
        "Washington has greeted the autumn with a broadside against China's technology sector for a second year in a "
        "row. On Tuesday the administration unveiled further curbs on exports to China of advanced AI chips and "
        "chipmaking tools, plugging gaps left by last year's rules.",
    )
    letter = replace(screws, id="letter", title="Lawmakers write to Nvidia over chips for China")
    # When unlabelled: one naming no party, one naming Nvidia
    commentary, about_nvidia = unlabelled(screws), unlabelled(letter)
    # Then the one naming no party speaks of exports (its lead) and follows on the story's words; one naming a party
    # and speaking of exports only after its first sentence must state the story's action to follow
    assert commentary.may_follow and belongs(story, commentary)
    assert about_nvidia.parties and not about_nvidia.may_follow
