"""Every SMS carries exactly one short link, whole, and still fits one segment."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date

from exportwatch.alerts.digest import render_digest
from exportwatch.alerts.remind import due, render_reminder
from exportwatch.alerts.render import FR_SHORT_LINK, SMS_MAX, render, sms_link, sms_with_link
from exportwatch.models import Entry, Evidence, StoryItem
from tests.unit.test_render import seeds_story

LINK = re.compile(r"https?://\S+")
RULE = StoryItem(
    "fr:2021-27406", "Additions to the Entity List", "https://www.federalregister.gov/documents/2021/12/17/2021-27406/x",
    "federal_register", "2021-12-17", "published",
)  # fmt: skip


def news_story():  # the seeds' story, its three reports with (example) links
    base = seeds_story()
    return replace(
        base, sources=tuple(replace(s, url=f"https://news.example.com/2019/11/{n}") for n, s in enumerate(base.sources))
    )


def _one_link(sms: str) -> str:
    links = LINK.findall(sms)
    assert len(links) == 1, sms
    assert sms.endswith(" " + links[0])
    assert len(sms) <= SMS_MAX
    return links[0]


def test_a_news_story_links_its_first_source() -> None:
    # Given the seeds' story: three news reports, no Federal Register document
    story = news_story()
    assert story.sources[0].url
    # When
    alert = render(story)
    # Then the SMS ends with the first source's link, whole
    assert _one_link(alert.sms) == story.sources[0].url == alert.link


def test_a_story_with_a_federal_register_document_links_its_short_link() -> None:
    # Given a news story that the published rule has since confirmed
    story = replace(news_story(), sources=(*news_story().sources, RULE), version=2, changes=("official",))
    # When
    alert = render(story)
    # Then the link is the Federal Register's short one, not the news article's
    assert _one_link(alert.sms) == f"{FR_SHORT_LINK}2021-27406"
    assert alert.sms.startswith("UPDATE ")


def test_a_long_headline_is_shortened_and_the_link_kept_whole() -> None:
    # Given a story whose headline alone is longer than an SMS
    long_party = "Very Long Named Research Institute of Advanced Electronic Countermeasures and Systems " * 3
    story = replace(news_story(), entities=(long_party,), sources=(*news_story().sources, RULE))
    # When
    sms = render(story).sms
    # Then
    assert _one_link(sms) == f"{FR_SHORT_LINK}2021-27406"
    assert "..." in sms


def test_an_over_long_first_link_gives_way_to_the_next_source() -> None:
    # Given a first source whose URL would leave the text no room
    base = news_story()
    long_first = replace(base.sources[0], url="https://example.com/" + "a" * 150)
    story = replace(base, sources=(long_first, *base.sources[1:]))
    # When
    link = _one_link(render(story).sms)
    # Then
    assert link == base.sources[1].url


def test_a_link_outside_the_gsm_alphabet_is_percent_encoded_not_cut() -> None:
    # Given a first source whose URL carries non-ASCII letters
    base = news_story()
    story = replace(
        base, sources=(replace(base.sources[0], url="https://example.com/nachrichten/exportkontrolle-über"),)
    )
    # When
    sms = render(story).sms
    # Then the SMS stays GSM 7-bit with the link whole
    assert _one_link(sms) == "https://example.com/nachrichten/exportkontrolle-%C3%BCber"
    assert sms.isascii()


def test_a_new_entity_list_rule_sms_carries_only_its_short_link() -> None:
    # Given a rule naming entries, with its news sources too
    entries = tuple(Entry("add", f"Party {n} Electronics Co., Ltd.", "China") for n in range(12))
    sources = (RULE, *news_story().sources)
    story = replace(news_story(), labels=("entity_list.addition",), entries=entries, sources=sources, version=1,
                    entries_source="fr:2021-27406")  # fmt: skip
    # When
    sms = render(story).sms
    # Then
    assert _one_link(sms) == f"{FR_SHORT_LINK}2021-27406"
    assert "12 added" in sms


def test_reminders_and_the_digest_carry_a_link() -> None:
    # Given the seeds' story, whose TGL expires on 16 Feb 2020, and a rule story of higher severity
    story = news_story()
    rule = replace(story, story_id="rule", severity="high", sources=(RULE,))
    # When
    reminder = render_reminder(due([story], date(2020, 2, 9))[0])
    digest = render_digest([story, rule], "2020-02-08")
    # Then the reminder links the story's source, the digest its most severe story
    assert _one_link(reminder.sms) == story.sources[0].url
    assert digest is not None
    assert _one_link(digest.sms) == f"{FR_SHORT_LINK}2021-27406"


def test_a_ucs2_sms_keeps_its_link_within_70_characters() -> None:
    # Given a party named only in Chinese script, and the rule's short link
    name = "华为技术有限公司"
    story = replace(
        news_story(), labels=("entity_list.addition",), entities=(name,), aliases={}, sources=(RULE,),
        evidence=(Evidence("entity_list.addition", f"商务部将{name}列入实体清单。"),),
    )  # fmt: skip
    # When
    sms = render(story).sms
    # Then
    assert LINK.findall(sms) == [f"{FR_SHORT_LINK}2021-27406"]
    assert len(sms) <= 70


def test_without_any_link_the_text_has_the_whole_segment() -> None:
    story = replace(news_story(), sources=tuple(replace(s, url="") for s in news_story().sources))
    assert sms_link(story) == ""
    assert sms_with_link("x" * 300, "") == "x" * 157 + "..."
