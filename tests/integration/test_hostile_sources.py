"""A source's own data fails that source at most: oversized stories and impossible dates (issue 10, items 1-2).

The feeds are built here, in RSS 2.0 and Atom 1.0 as their specifications give them
(https://www.rssboard.org/rss-specification, https://www.rfc-editor.org/rfc/rfc4287); their texts
paraphrase the Entity List additions of 16 May 2019 (84 FR 22961).
"""

from __future__ import annotations

import json
import os
from typing import Any
from xml.sax.saxutils import escape

import boto3
import pytest

from exportwatch.aws.store import Store, story_from_record
from exportwatch.models import Story, StoryItem
from exportwatch.ports import ItemTooLarge
from exportwatch.stories.bounds import RECORD_BUDGET, bound, record_bytes
from exportwatch_cli.demo import TABLE, local_stack
from exportwatch_cli.local import Route

ADDED = "The Commerce Department added {who} to the Entity List on Wednesday, barring US suppliers without a license."


def _rss(entries: list[tuple[str, str, str, str]]) -> bytes:
    """entries: (title, link, pubDate, description)."""
    items = "".join(
        f"<item><title>{escape(t)}</title><link>{escape(link)}</link><guid>{escape(link)}</guid>"
        f"<pubDate>{d}</pubDate><description>{escape(text)}</description></item>"
        for t, link, d, text in entries
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>t</title>'
        f"<link>https://news.example/</link><description>d</description>{items}</channel></rss>"
    ).encode()


def _poll_and_deliver(stack: Any) -> tuple[dict[str, Any], dict[str, list[dict[str, Any]]]]:
    result = stack.handlers["poll_feeds"].lambda_handler({}, stack.context)
    for event in stack.reader.events():
        assert stack.handlers["notify"].lambda_handler(event, stack.context) == {"batchItemFailures": []}
    return result, stack.inbox()


def test_a_story_too_large_to_store_fails_no_feed_and_the_next_feed_alerts() -> None:
    # Given a dozen entries about one event whose links are long and non-ASCII (9x longer once
    # percent-encoded), then a good feed in the same poll
    long_path = "/" + "华为实体清单" * 1200
    big = _rss([
        (f"Huawei added to the Entity List, report {n}", f"https://news.example/{n}{long_path}",
         "Wed, 15 May 2019 18:00:00 +0000", ADDED.format(who="Huawei"))
        for n in range(12)
    ])  # fmt: skip
    good = _rss([
        ("Commerce adds Hikvision to the Entity List", "https://other.example/hikvision",
         "Wed, 15 May 2019 18:00:00 +0000", ADDED.format(who="Hikvision"))
    ])  # fmt: skip
    routes = {"/big.xml": Route(big, "application/rss+xml"), "/good.xml": Route(good, "application/rss+xml")}
    with local_stack(routes) as stack:
        os.environ["FEED_URLS"] = f"{stack.server.base}/big.xml,{stack.server.base}/good.xml"
        # When the feeds are polled
        result, inbox = _poll_and_deliver(stack)
        stories = [
            story_from_record(row)[0]
            for row in boto3.client("dynamodb").scan(TableName=TABLE)["Items"]
            if row["pk"]["S"].startswith("STORY#")
        ]
    # Then the invocation succeeded, the good feed alerted, and the big event is one stored story
    assert [s["status"] for s in result["sources"]] == ["ok", "ok"]
    subjects = [m["subject"] for m in inbox["compliance-team"]]
    assert "Hikvision added to the Entity List" in subjects
    assert "Huawei added to the Entity List" in subjects
    huawei = next(s for s in stories if "Huawei" in s.entities)
    assert record_bytes(huawei) <= RECORD_BUDGET


def _huge(n_sources: int = 400) -> Story:
    source = StoryItem("url:https://news.example/" + "x" * 1500, "t" * 250, "https://news.example/" + "y" * 1500,
                       "news", "2019-05-15", "news")  # fmt: skip
    return Story(
        story_id="s-huge", title="Huawei", labels=("entity_list.addition",), severity="high", entities=("Huawei",),
        countries=("CN",), dates={}, evidence=(), sources=(source,) * n_sources, keys=("k",), first_seen="2019-05-15",
        last_seen="2019-05-15", published="2019-05-15", official=False,
    )  # fmt: skip


def test_a_record_the_table_refuses_for_its_size_is_the_sources_fault_not_the_tables(table: str, dynamodb: Any) -> None:
    # Given a story record larger than DynamoDB's 400 KB (as if unbounded)
    store = Store(dynamodb, "exportwatch-test")
    # When it is written, Then the refusal is ItemTooLarge (the source's data), not StoreError (the table)
    with pytest.raises(ItemTooLarge):
        store.save_many([], _huge(), previous_rev=None, new_keys=[], labels=[])


def test_bounding_keeps_the_first_and_official_sources_and_every_field_short() -> None:
    official = StoryItem("fr:2019-10616", "Addition of Entities to the Entity List", "", "federal_register",
                         "2019-05-21", "published")  # fmt: skip
    story = _huge()
    story = Story(**{**{f: getattr(story, f) for f in story.__slots__}, "sources": (*story.sources[:200], official,
                                                                                    *story.sources[200:])})  # fmt: skip
    bounded = bound(story)
    assert record_bytes(bounded) <= RECORD_BUDGET < record_bytes(story)
    assert bounded.sources[0] == bound(_huge(1)).sources[0] and official in bounded.sources
    assert all(len(s.url) <= 2048 and len(s.id) <= 512 for s in bounded.sources)


def test_an_entry_dated_year_9999_fails_nothing_and_the_good_entries_beside_it_alert() -> None:
    # Given a feed with entries dated 9999 (plain, and shifted into year 10000 by a time zone) beside a good one,
    # and a Federal Register answer dating a rule 9999
    atom = (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>t</title>'
        "<id>urn:feed</id><updated>2019-05-16T00:00:00Z</updated>"
        '<entry><title>Huawei added to the Entity List</title><id>urn:a</id><link href="https://e.example/a"/>'
        f"<updated>9999-12-31T23:59:59-05:00</updated><summary>{ADDED.format(who='Huawei')}</summary></entry>"
        '<entry><title>ZTE added to the Entity List</title><id>urn:b</id><link href="https://e.example/b"/>'
        f"<updated>9999-12-31T12:00:00Z</updated><summary>{ADDED.format(who='ZTE')}</summary></entry>"
        '<entry><title>Hikvision added to the Entity List</title><id>urn:c</id><link href="https://e.example/c"/>'
        f"<updated>2019-05-15T10:00:00Z</updated><summary>{ADDED.format(who='Hikvision')}</summary></entry></feed>"
    ).encode()
    routes = {"/a.xml": Route(atom, "application/atom+xml")}
    with local_stack(routes) as stack:
        os.environ["FEED_URLS"] = f"{stack.server.base}/a.xml"
        # When the feed is polled
        result, inbox = _poll_and_deliver(stack)
        published = {
            row["title"]["S"]: row["published"]["S"]
            for row in boto3.client("dynamodb").scan(TableName=TABLE)["Items"]
            if row["pk"]["S"].startswith("STORY#")
        }
    # Then every entry alerts, and no story carries an impossible day
    assert result["sources"][0]["status"] == "ok"
    assert sorted(m["subject"] for m in inbox["compliance-team"]) == [
        "Hikvision added to the Entity List", "Huawei added to the Entity List", "ZTE added to the Entity List"
    ]  # fmt: skip
    assert published["Hikvision added to the Entity List"] == "2019-05-15"
    assert all("1990" <= day <= "2100" for day in published.values()), json.dumps(published)


def test_an_item_updated_in_place_is_analysed_again_and_alerts_only_on_a_material_change() -> None:
    link = "https://news.example/2019/05/huawei"
    teaser = ("Commerce Department news", link, "Wed, 15 May 2019 18:00:00 +0000", "Read the full story on our site.")
    full = ("Commerce adds Huawei to the Entity List", link, "Wed, 15 May 2019 18:00:00 +0000",
            ADDED.format(who="Huawei"))  # fmt: skip
    extended = (*full[:3], full[3] + " It also extended the temporary general license for Huawei by 90 days.")
    other = ("Markets close higher", "https://news.example/markets", "Wed, 15 May 2019 19:00:00 +0000", "Stocks rose.")
    # Two entries that share one GUID but link to different articles
    shared = _rss([
        ("Commerce adds ZTE to the Entity List", "https://news.example/zte", "Wed, 15 May 2019 18:00:00 +0000",
         ADDED.format(who="ZTE")),
        ("Commerce adds Hikvision to the Entity List", "https://news.example/hikvision",
         "Wed, 15 May 2019 18:00:00 +0000", ADDED.format(who="Hikvision")),
    ]).replace(b"<guid>https://news.example/zte</guid>", b'<guid isPermaLink="false">same</guid>').replace(
        b"<guid>https://news.example/hikvision</guid>", b'<guid isPermaLink="false">same</guid>'
    )  # fmt: skip
    routes = {"/feed.xml": Route(_rss([teaser]), "application/rss+xml"), "/shared.xml": Route(shared, "text/xml")}
    with local_stack(routes) as stack:
        os.environ["FEED_URLS"] = f"{stack.server.base}/feed.xml,{stack.server.base}/shared.xml"
        # Given a teaser (not an export-control item), and two entries under one GUID
        _result, first = _poll_and_deliver(stack)
        # When the article is updated in place with its full text, then with a new deadline, then re-served
        stack.server.routes["/feed.xml"] = Route(_rss([full]), "application/rss+xml")
        _result, second = _poll_and_deliver(stack)
        stack.server.routes["/feed.xml"] = Route(_rss([extended]), "application/rss+xml")
        _result, third = _poll_and_deliver(stack)
        stack.server.routes["/feed.xml"] = Route(_rss([extended, other]), "application/rss+xml")
        _result, fourth = _poll_and_deliver(stack)
    # Then both entries under one GUID alert; the full text alerts once, the new label updates it, and
    # the same text served again sends nothing
    assert sorted(m["subject"] for m in first["compliance-team"]) == [
        "Hikvision added to the Entity List", "ZTE added to the Entity List"
    ]  # fmt: skip
    assert [m["subject"] for m in second["compliance-team"]] == ["Huawei added to the Entity List"]
    (update,) = third["compliance-team"]
    assert update["kind"] == "update" and update["story_id"] == second["compliance-team"][0]["story_id"]
    assert "extension" in update["labels"]
    assert fourth["compliance-team"] == []
