"""Stories end to end: a Federal Register rule confirming a news story sends exactly one "now official" update."""

from __future__ import annotations

import json
from datetime import date, timedelta
from html import escape
from importlib import resources

from exportwatch_cli.demo import local_stack
from exportwatch_cli.local import Route
from tests.helpers import FIXTURES

SAMPLES = resources.files("exportwatch_cli") / "samples"
EMPTY_SEARCH = json.dumps({"count": 0, "description": "Documents published from Industry and Security Bureau"})


def register_with(*numbers: str) -> bytes:
    docs = []
    for number in numbers:
        doc = json.loads((FIXTURES / "federal_register" / f"{number}.json").read_text())
        doc.pop("_provenance")
        docs.append(doc)
    return json.dumps({"count": len(docs), "results": docs}).encode()


def test_a_later_federal_register_rule_sends_one_now_official_update() -> None:
    # Given the seeds in the news and, at first, nothing in the Federal Register
    routes = {
        "/feeds/news.xml": Route((SAMPLES / "news.xml").read_bytes(), "application/rss+xml"),
        "/api/v1/documents.json": Route(EMPTY_SEARCH.encode(), "application/json"),
        "/api/v1/public-inspection-documents/current.json": Route(b'{"count": 0}', "application/json"),
    }
    with local_stack(routes) as stack:
        stack.poll()
        first = stack.inbox()["compliance-team"]
        # When the TGL extension rule (FR 2019-25189, 84 FR 64018) is published
        stack.server.routes["/api/v1/documents.json"] = Route(register_with("2019-25189"), "application/json")
        stack.poll()
        second = stack.inbox()["compliance-team"]
        stack.poll()
        third = stack.inbox()["compliance-team"]
    # Then one alert from the news, one update when official, and nothing after
    assert len(first) == 1 and first[0]["kind"] == "new" and not first[0]["official"]
    assert len(second) == 1
    update = second[0]
    assert update["story_id"] == first[0]["story_id"]
    assert update["kind"] == "update" and update["official"] and update["version"] == 2
    assert update["subject"].startswith("UPDATE: ")
    assert "now official: Federal Register 2019-25189 (84 FR 64018)" in update["email"]
    assert third == []


def test_rewritten_guids_do_not_flood_subscribers() -> None:
    # Given a feed that changes every entry's GUID on each build (same links)
    original = (SAMPLES / "news.xml").read_bytes()
    routes = {
        "/feeds/news.xml": Route(original, "application/rss+xml"),
        "/api/v1/documents.json": Route(EMPTY_SEARCH.encode(), "application/json"),
        "/api/v1/public-inspection-documents/current.json": Route(b'{"count": 0}', "application/json"),
    }
    with local_stack(routes) as stack:
        stack.poll()
        stack.inbox()
        rebuilt = original.replace(b'isPermaLink="false">exportwatch-seed', b'isPermaLink="false">rebuilt-seed')
        rebuilt = rebuilt.replace(
            b'<guid isPermaLink="true">https://techxplore', b'<guid isPermaLink="false">tag:rebuilt,2019:techxplore'
        )
        stack.server.routes["/feeds/news.xml"] = Route(rebuilt, "application/rss+xml")
        # When
        stack.poll()
        again = stack.inbox()
    # Then entries with links are the same items; GUID-only entries are new items but join the same story
    assert all(messages == [] for messages in again.values())


def test_the_two_pollers_in_the_same_second_make_one_story_and_the_news_becomes_official(monkeypatch) -> None:
    from exportwatch.aws.store import Store
    from exportwatch.ports import Window, week_of

    # Given the seeds in the news and their TGL rule (FR 2019-25189) in the Federal Register at once
    routes = {
        "/feeds/news.xml": Route((SAMPLES / "news.xml").read_bytes(), "application/rss+xml"),
        "/api/v1/documents.json": Route(register_with("2019-25189"), "application/json"),
        "/api/v1/public-inspection-documents/current.json": Route(b'{"count": 0}', "application/json"),
    }
    with local_stack(routes) as stack:
        # When both schedules fire in the same second: the Federal Register poller read the table
        # just before the feed poller wrote its story (each of its reads is stale once)
        stack.handlers["poll_feeds"].lambda_handler({}, stack.context)
        stale = {"stored_items", "stories_for_keys", "story_window", "stories_published"}

        def once(name: str, before: object, real):
            def read(self, *args, **kwargs):
                if name in stale:
                    stale.discard(name)
                    return before if not callable(before) else before(*args, **kwargs)
                return real(self, *args, **kwargs)

            return read

        def empty_window(first: str, last: str, days=None) -> Window:  # the table before the feed poller's story
            start = date.fromisoformat(first)
            span = [(start + timedelta(days=n)).isoformat() for n in range((date.fromisoformat(last) - start).days + 1)]
            return Window([], dict.fromkeys(map(week_of, days if days is not None else span), 0))

        monkeypatch.setattr(Store, "stored_items", once("stored_items", {}, Store.stored_items))
        monkeypatch.setattr(Store, "stories_for_keys", once("stories_for_keys", {}, Store.stories_for_keys))
        real_window = getattr(Store, "story_window", None)
        monkeypatch.setattr(Store, "story_window", once("story_window", empty_window, real_window), raising=False)
        monkeypatch.setattr(Store, "stories_published", once("stories_published", [], Store.stories_published))
        register = stack.handlers["poll_federal_register"].lambda_handler({}, stack.context)
        for event in stack.reader.events():
            stack.handlers["notify"].lambda_handler(event, stack.context)
        inbox = stack.inbox()["compliance-team"]
    # Then one story: one "new" alert from the news and one "now official" update, not two new stories
    assert [(m["kind"], m["version"]) for m in inbox] == [("new", 1), ("update", 2)]
    assert inbox[0]["story_id"] == inbox[1]["story_id"] and inbox[1]["official"]
    assert register["stories_created"] == [] and stale <= {"story_window"}


def rss(*entries: tuple[str, str, str, str]) -> bytes:
    """A news feed of (link, RFC 822 day, title, text) entries."""
    items = "".join(
        f'<item><title>{escape(title)}</title><link>{link}</link><guid isPermaLink="true">{link}</guid>'
        f"<pubDate>{day}</pubDate><description>{escape(text)}</description></item>"
        for link, day, title, text in entries
    )
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>news</title>{items}</channel></rss>'.encode()


RUSSIA_CONTROLS = (
    "https://news.example/russia-controls",
    "Fri, 25 Feb 2022 09:00:00 +0000",
    "Commerce imposes export controls on Russia over invasion of Ukraine",
    "The Bureau of Industry and Security on Thursday imposed sweeping export controls on Russia, requiring a licence "
    "for semiconductors, computers, telecommunications equipment, lasers and sensors under a policy of denial. The "
    "controls target Russia's defense, aerospace and maritime sectors.",
)
RUSSIA_LISTINGS = (
    "https://news.example/russia-listings",
    "Fri, 25 Feb 2022 15:00:00 +0000",
    "U.S. imposes sweeping export restrictions on technology to Russia",
    "After the invasion of Ukraine, the administration imposed broad export controls cutting off Russia's defense, "
    "aerospace and maritime sectors from semiconductors, computers, lasers and sensors. Forty-nine Russian military "
    "entities were also added to the Entity List.",
)


def test_a_report_bringing_a_new_label_joins_its_story_as_an_update_every_subscriber_of_that_label_gets() -> None:
    # Given a news feed reporting the Russia controls, as a licence policy
    routes = {
        "/feeds/news.xml": Route(rss(RUSSIA_CONTROLS), "application/rss+xml"),
        "/api/v1/documents.json": Route(EMPTY_SEARCH.encode(), "application/json"),
        "/api/v1/public-inspection-documents/current.json": Route(b'{"count": 0}', "application/json"),
    }
    with local_stack(routes) as stack:
        stack.poll()
        first = stack.inbox()
        # When a later report of the same controls also tells of the listings made with them
        stack.server.routes["/feeds/news.xml"] = Route(rss(RUSSIA_CONTROLS, RUSSIA_LISTINGS), "application/rss+xml")
        stack.poll()
        second = stack.inbox()
    # Then the team got the story once, then its update naming the new label and what it tells
    (new,) = first["compliance-team"]
    assert new["kind"] == "new" and new["labels"] == ["license.policy"]
    (update,) = second["compliance-team"]
    assert update["story_id"] == new["story_id"] and update["kind"] == "update" and update["version"] == 2
    assert update["subject"].startswith("UPDATE: ")
    assert "What changed: new action: Entity List addition" in update["email"]
    assert "Entity List addition: " in update["email"]
    # and the Entity List desk, told nothing of a licence policy, gets the update that brings the listings
    assert first["entity-list-desk"] == []
    assert [m["story_id"] for m in second["entity-list-desk"]] == [new["story_id"]]
