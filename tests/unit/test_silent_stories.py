"""Unlabelled reports of one event gather in a silent story: counted once, never alerting."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from exportwatch.alerts.render import render
from exportwatch.models import Item, Story
from exportwatch.stories.cluster import analyse, belongs, merge, silent_story
from exportwatch.stories.ingest import ingest
from exportwatch_cli.memory import MemoryStore
from tests.helpers import news, unlabelled


def clock() -> datetime:
    return datetime(2022, 10, 15, 12, tzinfo=UTC)


def alerts(story: Story) -> bool:
    """Whether notify sends this version (``alerts.notify.alert_for``: above the quiet version)."""
    return story.version > story.quiet_version


DRAFT = news(
    "draft",
    "2022-10-14",
    "US FCC set to ban approvals of new Huawei and ZTE equipment",
    "A draft order shows the US Federal Communications Commission plans to halt approvals of new Huawei and ZTE "
    "telecommunications equipment on national security grounds.",
)
AXIOS = news(
    "axios",
    "2022-10-15",
    "FCC to ban all new Huawei and ZTE equipment on national security grounds",
    "The Federal Communications Commission is likely to ban the sale of any new Huawei and ZTE telecommunications "
    "equipment in the US, citing national security grounds; equipment approved earlier is unaffected.",
)


def test_unlabelled_reports_of_one_event_share_a_silent_story_that_never_alerts() -> None:
    # Given two outlets reporting an action of another agency, which no label covers
    store = MemoryStore()
    # When they arrive in two polls
    first = ingest([DRAFT], store, now=clock)
    second = ingest([AXIOS], store, now=clock)
    # Then they share one story, counted as silent, not as created
    assert first.story_of["draft"] == second.story_of["axios"]
    assert first.stories_created == [] and first.stories_silent == [first.story_of["draft"]]
    (story, _rev) = store.stories[first.story_of["draft"]]
    assert story.labels == () and not alerts(story)


def test_a_labelled_report_of_another_action_on_its_parties_does_not_join_a_silent_story() -> None:
    # Given the silent story of the FCC reports
    store = MemoryStore()
    silent = ingest([DRAFT, AXIOS], store, now=clock).story_of["draft"]
    # When the Commerce Department lists a Huawei unit the same day
    listing = news(
        "listing",
        "2022-10-15",
        "Commerce adds Huawei cloud unit to the Entity List",
        "The Commerce Department added a Huawei cloud computing unit and ZTE's chip arm to the Entity List on "
        "Friday, requiring licences for exports of U.S. technology to them.",
    )
    report = ingest([listing], store, now=clock)
    # Then it starts a story of its own, which alerts as new
    (created,) = report.stories_created
    assert created != silent and alerts(store.stories[created][0])


def test_a_silent_story_that_a_labelled_item_joins_by_key_alerts_as_new() -> None:
    # Given a silent story of a report whose page is later updated with the action itself
    store = MemoryStore()
    silent = ingest([DRAFT], store, now=clock).story_of["draft"]
    updated = news(
        "draft",
        "2022-10-14",
        "Commerce adds Huawei and ZTE units to the Entity List",
        "The Commerce Department added Huawei and ZTE units to the Entity List, requiring licences for exports of "
        "U.S. technology to them.",
    )
    # When the updated page is polled
    report = ingest([updated], store, now=clock)
    # Then the story alerts for the first time, as new
    story = store.stories[silent][0]
    assert report.stories_updated == [silent] and story.labels
    assert alerts(story) and story.version == 2 and render(story).kind == "new"


def test_reports_of_another_agencys_sanctions_gather_silently_and_follow_no_alerting_story() -> None:
    # Given an Entity List story of the day naming Chinese firms
    store = MemoryStore()
    listing = news(
        "listing",
        "2022-10-14",
        "Commerce adds six Chinese firms to the Entity List",
        "The Commerce Department added six firms in China and Hong Kong to the Entity List for supplying "
        "drone parts to Iran, requiring licences for exports of U.S. technology to them.",
    )
    listed = ingest([listing], store, now=clock).story_of["listing"]
    # When two outlets report the Treasury's sanctions on such firms, words no label covers
    treasury = [
        news(
            "ofac-1",
            "2022-10-14",
            "US imposes sanctions on Chinese firms supporting Iran",
            "Six firms based in China and Hong Kong, Dingtai Industrial among them, have been sanctioned by the US "
            "Treasury Department for buying drone components for Iran.",
        ),
        news(
            "ofac-2",
            "2022-10-15",
            "US sanctions six Hong Kong and China firms over Iran drone procurement",
            "The United States has put sanctions on six Hong Kong and Chinese firms, Dingtai Industrial among them, "
            "saying they supplied an Iranian network that procures drones.",
        ),
    ]
    report = ingest(treasury, store, now=clock)
    # Then they share one silent story, apart from the listing
    assert report.story_of["ofac-1"] == report.story_of["ofac-2"] != listed
    assert report.stories_silent and not report.stories_updated


def test_the_first_labelled_report_joins_the_silent_story_of_earlier_ones_and_it_alerts_as_new() -> None:
    # Given a scoop the classifier leaves unlabelled, the day before the action is announced
    store = MemoryStore()
    scoop = news(
        "scoop",
        "2022-10-13",
        "US expands crackdown on Huawei and ZTE cloud units, sources say",
        "The Biden administration is set to impose export restrictions on Huawei and ZTE cloud computing units "
        "over their ties to China's military, according to people familiar with the matter.",
    )
    silent = ingest([scoop], store, now=clock).story_of["scoop"]
    # When the listing itself is reported
    listing = news(
        "listing",
        "2022-10-14",
        "Commerce adds Huawei and ZTE cloud units to the Entity List",
        "The Commerce Department added the Huawei and ZTE cloud computing units to the Entity List over their ties "
        "to China's military, restricting exports of U.S. technology to them.",
    )
    report = ingest([listing], store, now=clock)
    # Then it joins the scoop's story, which alerts for the first time, as new, under the listing's title
    story = store.stories[silent][0]
    assert report.story_of["listing"] == silent and alerts(story)
    assert render(story).kind == "new" and story.title == listing.title


def test_unlabelled_reports_naming_a_party_gather_silently_without_export_or_sanctions_words() -> None:
    # Given two outlets reporting another agency's list naming Huawei, in words of neither exports nor sanctions
    pentagon = [
        news(
            "dod-1",
            "2022-10-14",
            "Pentagon names Huawei among companies tied to China's military",
            "The Defense Department named Huawei and Hikvision among companies it says are owned or controlled by "
            "China's military, a list that carries no penalties by itself.",
        ),
        news(
            "dod-2",
            "2022-10-15",
            "Huawei, Hikvision on Pentagon list of Chinese military companies",
            "Huawei and Hikvision are among the firms the Pentagon lists as owned or controlled by China's "
            "military, according to a document released on Friday.",
        ),
    ]
    # When they are polled
    report = ingest(pentagon, MemoryStore(), now=clock)
    # Then they share one silent story: counted once, alerting no one
    assert report.story_of["dod-1"] == report.story_of["dod-2"]
    assert report.stories_silent and not report.stories_created


def test_reports_of_a_revoked_authority_or_a_list_gather_silently_though_no_party_or_export_word_is_named() -> None:
    # Given two outlets on another agency's revocation, and two on another agency's list, none naming a known party
    store = MemoryStore()
    revoked = [
        news(
            "vote",
            "2022-10-14",
            "FCC votes to terminate Pacific Carrier Americas' authority to provide US services",
            "The Federal Communications Commission voted on Tuesday to end the US unit's authority to offer "
            "telecommunications services, citing national security.",
        ),
        news(
            "order",
            "2022-10-15",
            "US regulator revokes authorization of Pacific Carrier's US unit",
            "The Federal Communications Commission has revoked the authority of the carrier's US unit to provide "
            "telecommunications services, and ordered it to stop within 60 days.",
        ),
    ]
    listed = [
        news(
            "dod",
            "2022-10-14",
            "Pentagon adds companies to Chinese military list, US official says",
            "More than a dozen Chinese companies have been added to a Defense Department list of firms alleged to be "
            "working with Beijing's military, a U.S. official said Wednesday.",
        ),
        news(
            "dod2",
            "2022-10-15",
            "Pentagon updates list of Chinese military companies",
            "More than a dozen Chinese companies have been added by the Defense Department to its list of firms said "
            "to be working with Beijing's military, according to an official.",
        ),
    ]
    # When they arrive
    story_of = ingest([*revoked, *listed], store, now=clock).story_of
    # Then each event's reports share one silent story, and the two events stay apart
    assert story_of["vote"] == story_of["order"] and story_of["dod"] == story_of["dod2"]
    assert story_of["vote"] != story_of["dod"]
    assert not any(alerts(story) for story, _rev in store.stories.values())


def test_a_silent_story_gathers_unnamed_reports_on_fewer_shared_words_than_a_story_that_alerts() -> None:
    # Given one outlet's report of another government's control, and a second outlet's in other words
    first = news(
        "first",
        "2022-10-14",
        "China to impose export controls on strategic metal antimony from Nov. 15",
        "China will restrict exports of antimony products from Nov. 15, the commerce ministry said, citing "
        "national security; exporters will need licences for ores, metals and smelting technology.",
    )
    second = news(
        "second",
        "2022-10-15",
        "China to limit exports of antimony, a mineral used in batteries and weapons",
        "Beijing will require licences to export the metal, used in ammunition, infrared missiles and batteries, "
        "from next month, adding to its curbs on critical minerals.",
    )
    store = MemoryStore()
    # When both arrive
    story_of = ingest([first, second], store, now=clock).story_of
    # Then they share one silent story; the same words would not let the second follow a story that alerts
    assert story_of["first"] == story_of["second"]
    silent = silent_story(analyse(first), now="2022-10-14T12:00:00+00:00")
    assert belongs(silent, analyse(second))
    assert not belongs(replace(silent, labels=("license.policy",)), analyse(second))


def silent_of(item: Item) -> tuple[MemoryStore, str]:
    """A store holding the silent story that ``item`` starts, and that story's id."""
    store = MemoryStore()
    return store, ingest([item], store, now=clock).story_of[item.id]


HEARING = news(
    "hearing",
    "2022-10-14",
    "Lawmakers grill Hikvision over surveillance cameras in US schools",
    "A House panel questioned why Hikvision cameras remain in hundreds of American school districts, citing the "
    "company's role in Xinjiang.",
)


def test_a_report_naming_a_silent_storys_party_and_no_other_joins_it_on_fewer_words() -> None:
    # Given a silent story of a hearing on Hikvision, and the company's answer in other words the next day
    answer = news(
        "answer",
        "2022-10-15",
        "Hikvision tells Congress its cameras are safe for classrooms",
        "Hikvision told a congressional hearing on Thursday that its products pose no risk to American students.",
    )
    store, silent = silent_of(HEARING)
    # When the answer arrives
    report = ingest([answer], store, now=clock)
    # Then it joins the silent story, on fewer shared words than a story that alerts would need
    assert report.story_of["answer"] == silent and not alerts(store.stories[silent][0])


def test_a_report_naming_another_party_beside_a_silent_storys_needs_the_usual_share_of_its_words() -> None:
    # Given the silent story of the Hikvision hearing
    store, silent = silent_of(HEARING)
    # When a report in the same few words also names Dahua, a party the story never named
    both = news(
        "both",
        "2022-10-15",
        "Hikvision and Dahua tell Congress their cameras are safe for classrooms",
        "Hikvision and Dahua told a congressional hearing on Thursday that their products pose no risk to American "
        "students.",
    )
    report = ingest([both], store, now=clock)
    # Then it starts a silent story of its own: another party may be another event
    assert report.story_of["both"] != silent


ANTIMONY = news(
    "antimony",
    "2022-10-14",
    "China to impose export controls on strategic metal antimony from Nov. 15",
    "China will restrict exports of antimony products from Nov. 15, the commerce ministry said, citing national "
    "security; exporters will need licences for ores, metals and smelting technology.",
)
GRIP = news(
    "grip",
    "2022-10-15",
    "Beijing tightens its grip on antimony, a metal used in batteries and weapons",
    "China will require approval to ship antimony ores, metals and smelting technology abroad from Nov. 15, the "
    "commerce ministry said, citing national security.",
)


def test_a_report_in_words_of_neither_exports_nor_sanctions_joins_the_silent_story_of_its_event() -> None:
    # Given the silent story of China's antimony controls
    store, silent = silent_of(ANTIMONY)
    # When another outlet reports them naming no party and no export, licence or sanctions word
    report = ingest([GRIP], store, now=clock)
    # Then it joins that silent story
    assert report.story_of["grip"] == silent and report.stories_silent == [silent]


def test_a_report_in_words_of_neither_exports_nor_sanctions_starts_no_story_and_follows_none_that_alerts() -> None:
    # Given the report without such words, in the words of the antimony story
    grip = analyse(GRIP)
    assert belongs(silent_story(analyse(ANTIMONY), now="2022-10-14T12:00:00+00:00"), grip)
    # When it arrives with no silent story to join
    report = ingest([GRIP], MemoryStore(), now=clock)
    # Then it is remembered only: it starts no silent story, and it may not follow a story that alerts
    assert "grip" not in report.story_of and report.irrelevant == 1
    assert not grip.may_start_silent and not grip.may_follow


GARPIYA = news(
    "garpiya",
    "2022-10-14",
    "US sanctions Chinese firms that helped Russia build Garpiya attack drones",
    "The Treasury sanctioned two Chinese companies that it says helped Russia design and produce Garpiya long-range "
    "attack drones in China for use against Ukraine.",
)


def test_a_silent_storys_report_a_week_later_joins_it_when_it_names_its_party_and_most_of_its_words() -> None:
    # Given the silent story of a sanctions action
    store, silent = silent_of(GARPIYA)
    # When a write-up six days later repeats its specifics
    late = news(
        "late",
        "2022-10-20",
        "Chinese companies helped Russia build Garpiya attack drones, US says",
        "The Treasury says two Chinese companies helped Russia design and produce Garpiya long-range attack drones "
        "in China, which were used against Ukraine.",
    )
    report = ingest([late], store, now=clock)
    # Then it joins that silent story
    assert report.story_of["late"] == silent


def test_a_silent_storys_report_a_week_later_sharing_only_some_of_its_words_stays_apart() -> None:
    # Given the silent story of a sanctions action
    story = silent_story(analyse(GARPIYA), now="2022-10-14T12:00:00+00:00")

    def vague(published: str) -> Item:
        return news(
            f"vague-{published}",
            published,
            "Garpiya drone makers face new pressure from Washington",
            "Two Chinese suppliers accused of working on Garpiya aircraft for Moscow face pressure after Washington "
            "acted.",
        )

    # When a report naming it in fewer of its words comes the next day, six days later, or ten
    # Then only the next day's joins: later, a silent story needs most of its words, and no report after the rule lag
    assert belongs(story, analyse(vague("2022-10-15")))
    assert not belongs(story, analyse(vague("2022-10-20")))
    assert not belongs(story, analyse(news("repost", "2022-10-24", GARPIYA.title, GARPIYA.text)))


def test_a_silent_storys_early_reports_follow_once_it_alerts_so_reactions_count_from_its_action() -> None:
    # Given a silent story of a report that rules are coming, joined four days later by the report of the rules
    preview = news(
        "preview",
        "2022-10-03",
        "U.S. crafting new rules aimed at curbing China's advanced computing",
        "As soon as this week, the Biden administration could issue rules curbing China's advanced computing and chip "
        "production, using the foreign direct product rule to stop sales of advanced chips and chipmaking tools to "
        "Chinese buyers.",
    )
    rules = news(
        "rules",
        "2022-10-07",
        "Biden administration issues rules to curtail China's access to advanced chips",
        "The Commerce Department on Friday issued export controls restricting advanced computing chips, supercomputer "
        "work and chipmaking tools for China, using the foreign direct product rule to block sales to Chinese buyers "
        "without a licence.",
    )
    story = silent_story(unlabelled(preview), now="2022-10-03T12:00:00+00:00")
    assert belongs(story, analyse(rules))
    story = merge(story, analyse(rules), now="2022-10-07T12:00:00+00:00")
    # When an unlabelled editorial on the rules comes three days after them, a week after the preview
    editorial = news(
        "editorial",
        "2022-10-10",
        "US hardening tech war with China",
        "The administration has announced sweeping limits on exports of advanced computing chips and chipmaking tools "
        "to China, the paper's editorial says, using the foreign direct product rule to block sales to Chinese buyers.",
    )
    # Then the preview follows the story that now alerts, and the editorial follows it, within days of the rules
    assert [source.follows for source in story.sources] == [True, False]
    assert belongs(story, unlabelled(editorial))
