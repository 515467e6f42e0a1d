from __future__ import annotations

import json
from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st

from exportwatch.alerts.render import SMS_MAX, SUBJECT_MAX, render
from exportwatch.models import EarlierAlert, Evidence, Item, Story
from exportwatch.stories.cluster import analyse, merge, new_story
from tests.helpers import CORPUS, read_jsonl


def seeds_story() -> Story:
    items = sorted((Item.from_json(r) for r in read_jsonl(CORPUS / "seeds.jsonl")), key=lambda i: i.published)
    story = None
    for item in items:
        analysis = analyse(item)
        story = (
            new_story(analysis, now="2019-11-22T12:00:00+00:00")
            if story is None
            else merge(story, analysis, now="2019-11-22T12:00:00+00:00")
        )
    assert story is not None
    return story


def test_seeds_alert_reads_as_one_precise_headline() -> None:
    # Given the story the three seeds make
    story = seeds_story()
    # When
    alert = render(replace(story, version=1))
    # Then
    assert alert.subject.startswith("Licenses granted for sales to Huawei (Entity List)")
    assert "TGL extended 90 days to 16 Feb 2020" in alert.subject
    assert len(alert.subject) <= SUBJECT_MAX
    assert len(alert.sms) <= SMS_MAX
    assert "Sources (3)" in alert.email
    assert "2020-02-16" in alert.email


def test_message_structure_has_a_body_per_protocol_and_machine_json() -> None:
    # Given
    alert = render(seeds_story())
    # When
    structure = alert.message_structure()
    # Then
    assert {"default", "email", "sms", "sqs"} <= set(structure)
    machine = json.loads(structure["sqs"])
    assert machine["story_id"] == alert.story_id
    assert machine["labels"] == list(alert.labels)


def test_attributes_are_what_filter_policies_match() -> None:
    # Given
    alert = render(seeds_story())
    # When
    attributes = alert.attributes()
    # Then
    assert attributes["labels"]["DataType"] == "String.Array"
    assert set(json.loads(attributes["labels"]["StringValue"])) == {"license.decision", "extension"}
    assert attributes["severity"] == {"DataType": "String", "StringValue": "medium"}
    assert "huawei" in json.loads(attributes["entities"]["StringValue"])


_text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=400)


@settings(max_examples=150, deadline=None)
@given(title=_text, evidence=_text, entity=st.text(min_size=1, max_size=80), source_title=_text)
def test_any_story_renders_within_limits_and_without_markup(
    title: str, evidence: str, entity: str, source_title: str
) -> None:
    # Given a story with arbitrary (hostile) text in every field
    story = Story(
        story_id="s-1",
        title=title,
        labels=("license.decision", "extension"),
        severity="medium",
        entities=(entity,),
        countries=("CN",),
        dates={"expires": "2020-02-16"},
        evidence=(Evidence("license.decision", evidence + "<script>x</script>"),),
        sources=(),
        keys=("k",),
        first_seen="",
        last_seen="",
        published="2019-11-20",
        official=False,
        may_repeat=(EarlierAlert("s-0", source_title, "2019-11-01"),),
    )
    # When
    alert = render(story)
    # Then
    assert len(alert.subject) <= SUBJECT_MAX and "\n" not in alert.subject
    # one segment: GSM 7-bit (ASCII here) within 160 characters, or UCS-2 within 70 when a name needs it
    assert (alert.sms.isascii() and len(alert.sms) <= SMS_MAX) or len(alert.sms) <= 70
    for body in (alert.subject, alert.sms, alert.email, alert.default):
        assert "<script" not in body.lower()


def test_a_huge_digest_still_fits_in_one_sns_message() -> None:
    # Given 30 stories of 50 sources each, with long non-ASCII titles
    from exportwatch.alerts.digest import render_digest
    from exportwatch.models import StoryItem

    base = seeds_story()
    sources = tuple(
        StoryItem(f"id{i}", "Ûnïcödé " * 30, f"https://example.com/{i}", "news", "2019-11-20", "news")
        for i in range(50)
    )
    stories = [replace(base, story_id=f"s-{n}", sources=sources) for n in range(30)]
    # When
    digest = render_digest(stories, "2019-11-22")
    assert digest is not None
    message = json.dumps(digest.message_structure(), ensure_ascii=False).encode()
    # Then
    assert len(message) < 256 * 1024
    assert "and 38 more" in digest.email


def test_sms_bodies_are_one_gsm_segment() -> None:
    alert = render(seeds_story())
    assert alert.sms.isascii() and len(alert.sms) <= 160
    assert "·" not in alert.sms and "…" not in alert.sms


# The GSM 03.38 default alphabet (3GPP TS 23.038, section 6.2.1): text in it fits 160 characters a segment.
GSM_7 = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿"
    "abcdefghijklmnopqrstuvwxyzäöñüà"
)


def test_one_backtick_does_not_turn_an_sms_into_ucs2() -> None:
    # Given a story whose parties and title carry a backtick and other ASCII outside the GSM alphabet
    story = replace(seeds_story(), entities=("Huawei `Technologies` Co.",), title="`Huawei` ^ {licences}")
    # When
    sms = render(story).sms
    # Then every character is in the GSM 7-bit alphabet, within one 160-character segment
    assert set(sms) <= GSM_7, set(sms) - GSM_7
    assert len(sms) <= SMS_MAX


def test_a_party_named_in_chinese_script_survives_in_the_sms() -> None:
    # Given a story about a party the source names only in Chinese script
    base = seeds_story()
    name = "华为技术有限公司"
    story = replace(
        base,
        labels=("entity_list.addition",),
        entities=(name,),
        evidence=(Evidence("entity_list.addition", f"商务部将{name}列入实体清单。"),),
        aliases={},
    )
    # When
    sms = render(story).sms
    # Then the name is in the SMS, which fits one UCS-2 segment (70 characters)
    assert name in sms
    assert len(sms) <= 70


def test_an_update_names_its_new_action_in_words_not_as_a_label_key() -> None:
    # Given the seeds' story, updated by a report that brings an Entity List addition and a new expiry
    story = replace(
        seeds_story(), version=2, changes=("new label: entity_list.addition", "expires: 2020-04-01 (was 2020-02-16)")
    )
    # When
    alert = render(story)
    # Then the subscriber reads the action as the alert's other lines name it
    assert "What changed: new action: Entity List addition; expires: 2020-04-01 (was 2020-02-16)" in alert.email
    assert "entity_list.addition" not in alert.email
