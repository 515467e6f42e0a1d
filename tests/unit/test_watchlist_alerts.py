"""Rule-time screening: a story's parties against the watchlists, and the alert that leads with the match."""

from __future__ import annotations

import json
from dataclasses import replace

from exportwatch.alerts.render import (
    MESSAGE_BUDGET,
    SMS_MAX,
    SUBJECT_MAX,
    WATCHLIST_MATCHES_MAX,
    Alert,
    render,
    with_watchlist_matches,
)
from exportwatch.models import Counterparty, Entry, Story, WatchlistMatch
from exportwatch.screening.watchlists import WatchlistScreener, screen_story, story_parties
from exportwatch_cli.memory import MemoryStore
from exportwatch_cli.replay import replay
from tests.unit.test_render import seeds_story

# A real entry of rule 2021-27406 (86 FR 71557), with its listed alias.
HMN = Entry("add", "HMN International Co., Ltd", "China", ("Huahai Communication International Co., Ltd.",))
CUSTOMER = Counterparty("Huahai Communication International Company Limited", (), "CN", "C-1042")


def rule_story() -> Story:
    return replace(
        seeds_story(), version=1, entries=(HMN,), entries_total=1, entries_source="fr:2021-27406", severity="medium"
    )


def match(watchlist: str = "customers", counterparty: str = CUSTOMER.name) -> WatchlistMatch:
    return WatchlistMatch(
        watchlist, counterparty, counterparty, "C-1042", HMN.name, HMN.aliases[0], 0.963,
        f"alias '{HMN.aliases[0]}': same name, legal form differs",
    )  # fmt: skip


def test_a_story_is_screened_by_its_entries_aliases_and_the_parties_news_named() -> None:
    # Given a story whose rule names HMN (listed alias "Huahai ...") and whose news names Huawei
    story = replace(rule_story(), aliases={"Huawei": ("Huawei Technologies Co., Ltd.",)})
    lists = [
        (MemoryStore().put_watchlist("customers", [CUSTOMER, Counterparty("Acme Widgets Ltd")], threshold=0.85),
         [CUSTOMER, Counterparty("Acme Widgets Ltd")]),
        (MemoryStore().put_watchlist("suppliers", [], threshold=0.85), [Counterparty("HUAWEI TECHNOLOGIES CO LTD")]),
    ]  # fmt: skip
    # When
    found = screen_story(story, lists)
    # Then the customer matches the entry under its alias, and the supplier the party named in news
    assert [(m.watchlist, m.counterparty, m.party, m.matched, m.kind) for m in found] == [
        ("customers", CUSTOMER.name, HMN.name, HMN.aliases[0], "alias"),
        ("suppliers", "HUAWEI TECHNOLOGIES CO LTD", "Huawei", "Huawei Technologies Co., Ltd.", "alias"),
    ]
    assert found[0].reference == "C-1042" and found[0].score >= 0.85
    assert [p.name for p in story_parties(story)] == [HMN.name, "Huawei", "Microsoft"]


def test_the_alert_leads_with_the_match_in_email_sms_subject_and_json() -> None:
    # Given the rule's alert and one match
    alert = render(replace(rule_story(), severity="high"))
    # When
    led = with_watchlist_matches(alert, [match()])
    # Then the e-mail's first line is the match, in the words a compliance officer reads
    assert led.email.split("\n", 1)[0] == (
        "Matches your watchlist 'customers': Huahai Communication International Company Limited ↔ listed "
        "'Huahai Communication International Co., Ltd.' (alias), score 0.96; your ref C-1042"
    )
    assert "(alias of the entry 'HMN International Co., Ltd', same name, legal form differs)" in led.email
    assert led.email.endswith(alert.email)
    # and the SMS and the subject start with it, within their limits, the rule's link still last
    assert led.sms.startswith("Watchlist 'customers': Huahai Communication...")
    assert "(C-1042). HIGH: Entity List, 1 added" in led.sms
    assert len(led.sms) <= SMS_MAX and led.sms.endswith(" https://www.federalregister.gov/d/2021-27406")
    assert led.subject.startswith("Watchlist 'customers': Huahai") and len(led.subject) <= SUBJECT_MAX
    assert led.severity == "high" and led.dedup_key == alert.dedup_key
    body = json.loads(led.message_structure()["sqs"])
    assert body["watchlist_matches"][0]["counterparty"] == CUSTOMER.name
    assert body["watchlist_matches"][0]["why"] == "same name, legal form differs"
    assert body["watchlist_matches_total"] == 1


def test_the_watchlists_attribute_names_watchlists_never_counterparties() -> None:
    # Given matches in two watchlists
    led = with_watchlist_matches(render(rule_story()), [match("suppliers"), match("customers"), match("customers")])
    # When
    attributes = led.attributes()
    # Then filter policies can match the watchlists' names, and no attribute carries a counterparty
    assert attributes["watchlists"] == {"DataType": "String.Array", "StringValue": '["customers", "suppliers"]'}
    assert len(attributes) <= 10
    assert not [a for a in attributes.values() if "Huahai Communication International Company" in a["StringValue"]]
    assert led.subject.startswith("Watchlists 'customers', 'suppliers': Huahai")
    # and without a match the alert is the same, with no watchlists attribute
    plain = render(rule_story())
    assert with_watchlist_matches(plain, []) is plain and "watchlists" not in plain.attributes()
    assert json.loads(plain.message_structure()["sqs"])["watchlist_matches"] == []


def test_a_thousand_matches_keep_the_message_within_sns_limits() -> None:
    # Given a watchlist whose thousand rows all match (a sloppy import of one name many times)
    matches = [match(counterparty=f"{CUSTOMER.name} {n}") for n in range(1000)]
    # When
    led = with_watchlist_matches(render(rule_story()), matches)
    # Then the alert carries the first hundred, says how many there are, and fits
    body = json.loads(led.message_structure()["sqs"])
    assert len(body["watchlist_matches"]) == WATCHLIST_MATCHES_MAX and body["watchlist_matches_total"] == 1000
    assert "... and 980 more matches" in led.email
    assert led.size() <= MESSAGE_BUDGET and len(led.sms) <= SMS_MAX


class CountingStore(MemoryStore):
    def __init__(self) -> None:
        super().__init__()
        self.listed = 0
        self.read: list[str] = []

    def watchlists(self):  # type: ignore[no-untyped-def]
        self.listed += 1
        return super().watchlists()

    def get_watchlist(self, name: str):  # type: ignore[no-untyped-def]
        self.read.append(name)
        return super().get_watchlist(name)


def test_watchlists_are_listed_once_per_batch_and_read_again_only_when_reimported() -> None:
    # Given a stored watchlist and a screener on it
    store = CountingStore()
    store.put_watchlist("customers", [CUSTOMER], threshold=0.85)
    screener = WatchlistScreener(store)
    # When a batch screens three stories, then a second batch screens one
    screener.new_batch()
    assert [len(screener.screen(rule_story())) for _ in range(3)] == [1, 1, 1]
    screener.new_batch()
    screener.screen(rule_story())
    # Then the list of lists is read once per batch, the counterparties once
    assert (store.listed, store.read) == (2, ["customers"])
    # When the watchlist is imported again without the customer
    store.put_watchlist(
        "customers", [Counterparty("Acme Widgets Ltd"), Counterparty("Northwind Traders")], threshold=0.9
    )
    screener.new_batch()
    # Then it is read again, once, and screens by its new rows
    assert screener.screen(rule_story()) == [] and store.read == ["customers", "customers"]
    # When it is imported back, then removed
    store.put_watchlist("customers", [CUSTOMER], threshold=0.85)
    screener.new_batch()
    assert len(screener.screen(rule_story())) == 1
    store.remove_watchlist("customers")
    screener.new_batch()
    # Then a removed watchlist no longer screens
    assert screener.screen(rule_story()) == []


def test_a_replayed_alert_is_screened_as_notify_would_have_screened_it() -> None:
    # Given a story never sent, and a watchlist naming its entry's alias
    store = MemoryStore()
    story = replace(rule_story(), last_seen="2021-12-16T14:00:00+00:00")
    store.stories[story.story_id] = (story, 1)
    store.put_watchlist("customers", [CUSTOMER], threshold=0.85)
    sent: list[Alert] = []
    # When it is replayed
    replay(store, lambda alert: sent.append(alert) or "id", since="2021-12-16", screener=WatchlistScreener(store))
    # Then the alert leads with the match
    assert [a.watchlist_matches[0].counterparty for a in sent] == [CUSTOMER.name]
    assert sent[0].severity == "high" and "watchlists" in sent[0].attributes()


def test_a_counterparty_only_the_news_named_is_never_called_listed() -> None:
    # Given a news story naming Huawei (no rule entry) and a customer of that name
    story = replace(rule_story(), entries=(), entries_total=0, aliases={"Huawei": ("Huawei Technologies Co., Ltd.",)})
    customer = Counterparty("HUAWEI TECHNOLOGIES CO LTD", (), "CN", "C-7")
    info = MemoryStore().put_watchlist("customers", [customer], threshold=0.85)
    # When it is screened and the alert led by the match
    found = screen_story(story, [(info, [customer])])
    led = with_watchlist_matches(render(replace(story, severity="high")), found)
    # Then the match says the party was named in this story, in every body, and is still high severity
    assert [m.basis for m in found] == ["news"]
    assert led.email.split("\n", 1)[0].startswith(
        "Matches your watchlist 'customers': HUAWEI TECHNOLOGIES CO LTD ↔ named in this story 'Huawei Technologies"
    )
    assert "listed '" not in led.email and "of the party named in the news 'Huawei'" in led.email
    assert led.subject.startswith("Watchlist 'customers' (in news): HUAWEI")
    assert led.sms.startswith("Watchlist 'customers' (in news): HUAWEI TECHNOLOGIES CO LTD (C-7). ")
    assert json.loads(led.message_structure()["sqs"])["watchlist_matches"][0]["basis"] == "news"
    assert led.severity == "high"
    # and an entry's match is listed, with basis "entry", ahead of the news party's
    both = screen_story(replace(story, entries=(HMN,), entries_total=1), [(info, [customer, CUSTOMER])])
    assert [m.basis for m in both] == ["entry", "news"]


def test_the_sms_lead_is_compact_and_leaves_the_headline_room_beside_a_long_link() -> None:
    # Given a news story whose only link is 120 characters, and three matches of two counterparties
    link = "https://example.com/" + "a" * 100
    source = replace(seeds_story().sources[0], url=link)
    story = replace(rule_story(), entries=(), entries_source="", sources=(source,), severity="high")
    alert = render(story)
    assert alert.link == link and len(link) == 120
    other = match(counterparty="Acme Trading Co")
    matches = [match(), replace(match(), matched=HMN.name, why="name: same name"), other]
    # When
    led = with_watchlist_matches(alert, matches)
    # Then the lead names the first counterparty and counts the one other counterparty (not the matches)
    assert led.sms.startswith("Watchlist 'customers': Huahai Communication... (C-1042) +1 more. ")
    assert led.subject.startswith("Watchlist 'customers': Huahai Communication International Company Limited +1 ·")
    # and at least 40 characters of the alert's own text follow it, within one SMS: a link that long leaves
    # no room for both, so it is left to the e-mail
    shown = led.sms.split(" +1 more. ", 1)[1]
    assert len(shown) >= 40 and f"HIGH: {alert.subject}".startswith(shown.removesuffix("...")[:40])
    assert len(led.sms) <= SMS_MAX and link not in led.sms and link in led.email
    # and beside a Federal Register link (43 characters) the rule's whole SMS text and its link follow the lead
    rule_alert = render(replace(rule_story(), severity="high"))
    ruled = with_watchlist_matches(rule_alert, matches)
    assert ruled.sms.endswith(" +1 more. " + rule_alert.sms) and len(ruled.sms) <= SMS_MAX


def test_a_news_match_beside_a_news_link_names_the_counterparty_and_keeps_the_headline() -> None:
    # Given a news story whose link is 71 characters, and a customer only the news named
    link = "https://techxplore.com/news/2019-11-authorizes-firms-huawei-sanctions.html"
    source = replace(seeds_story().sources[0], url=link)
    story = replace(rule_story(), entries=(), entries_source="", sources=(source,), severity="high")
    alert = render(story)
    news = replace(match(counterparty="Microsoft Corporation"), basis="news", reference="C-77")
    # When
    led = with_watchlist_matches(alert, [news])
    # Then the lead names the counterparty (shortened), and 40 characters or more of the alert's text follow
    lead, shown = led.sms.removesuffix(f" {link}").split("... ", 1)
    assert lead == "Watchlist (in news): Microsoft" and led.sms.endswith(f" {link}")  # the list's name gave way
    assert len(shown) >= 40 and len(led.sms) <= SMS_MAX
