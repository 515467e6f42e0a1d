"""Chat messages in the custom-notification format Amazon Q Developer in chat applications posts."""

from __future__ import annotations

import json
from dataclasses import replace

from exportwatch.alerts.chat import DESCRIPTION_MAX, chat_message, chat_notification
from exportwatch.alerts.digest import render_digest
from exportwatch.alerts.render import render
from exportwatch.models import StoryItem
from tests.unit.test_render import seeds_story

RULE = StoryItem("fr:2021-27406", "Additions to the Entity List", "", "federal_register", "2021-12-17", "published")


def test_an_alert_becomes_a_custom_notification_with_title_description_link_and_keywords() -> None:
    # Given the seeds' story, confirmed by a published rule
    alert = render(replace(seeds_story(), sources=(*seeds_story().sources, RULE), official=True))
    # When
    notification = json.loads(chat_message(alert))
    # Then it has the shape the service requires, and says what the alert says
    assert notification["version"] == "1.0" and notification["source"] == "custom"
    content = notification["content"]
    assert content["textType"] == "client-markdown"
    assert content["title"] == alert.subject
    assert "*Severity:* medium · official" in content["description"]
    assert "Huawei" in content["description"]
    assert content["description"].endswith("https://www.federalregister.gov/d/2021-27406")
    assert content["nextSteps"] == ["Read the source: https://www.federalregister.gov/d/2021-27406"]
    assert content["keywords"] == ["License decision", "Extension / deadline", "medium", *alert.countries, "update"]
    # and updates of the story thread under its first alert
    assert notification["metadata"]["threadId"] == alert.story_id
    assert notification["id"] == alert.dedup_key


def test_text_from_feeds_cannot_mention_the_channel_or_make_links() -> None:
    # Given a party name crafted to ping everyone and link elsewhere
    story = replace(seeds_story(), entities=("<!channel> @here <https://evil.example|Huawei>",))
    # When
    description = chat_notification(render(story))["content"]["description"]
    # Then no chat markup survives
    assert "<" not in description and ">" not in description
    assert "@here" not in description


def test_a_rule_naming_hundreds_of_parties_stays_within_the_description_limit() -> None:
    alert = render(replace(seeds_story(), sources=(RULE,)))
    alert = replace(
        alert, entities=tuple(f"Party {n} " + "Electronics " * 20 for n in range(400)), countries=("CN",) * 900
    )
    description = chat_notification(alert)["content"]["description"]
    assert len(description) <= DESCRIPTION_MAX
    assert "Party 9 " in description and "Party 10 " not in description
    assert description.endswith(" ...\nhttps://www.federalregister.gov/d/2021-27406")


def test_the_digest_lists_its_stories() -> None:
    digest = render_digest([seeds_story()], "2019-11-21")
    assert digest is not None
    content = chat_notification(digest)["content"]
    assert content["title"].startswith("exportwatch digest 2019-11-21")
    assert "Licenses granted for sales to Huawei" in content["description"]
