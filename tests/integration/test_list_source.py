"""The Entity List itself as a source, on moto and loopback HTTP, through the real handlers.

The list is served as a CSL CSV built from real rows (tests/fixtures/entity_list/csl/, provenance in the README
there), each snapshot leaving some rows out, as the list looked before the rule that added them. The rule is
2021-27406 (86 FR 71557), served as in tests/integration/test_rule_entries.py.
"""

from __future__ import annotations

from typing import Any

import pytest

from exportwatch.aws import clients
from exportwatch.entity_list.poll import ListSourceFailing
from exportwatch_cli.demo import LocalStack, local_stack
from exportwatch_cli.local import Route, load_handler
from tests.helpers import ROOT
from tests.integration.test_rule_entries import TEXTS, _empty, _published
from tests.unit.test_list_source import ECFR, OLD, RULE_2021_27406, RUSSIA_2022, before_both, cites, part_744, rows

LIST_PATH = "/list/consolidated.csv"


def before_rule(row: dict[str, str]) -> bool:
    """The list after 87 FR 20299 (with three old entries gone), before 2021-27406."""
    russia = row["federal_register_notice"].strip() == RUSSIA_2022
    return (before_both(row) or russia) and row["name"].strip() not in OLD


def after_rule(row: dict[str, str]) -> bool:
    return before_rule(row) or cites(row, RULE_2021_27406)


def poll_list(stack: LocalStack) -> dict[str, Any]:
    """Run the list poller once (as its daily schedule would), then deliver the stream to notify."""
    result: dict[str, Any] = load_handler(ROOT, "poll_entity_list").lambda_handler({}, stack.context)
    for event in stack.reader.events():
        assert not stack.handlers["notify"].lambda_handler(event, stack.context)["batchItemFailures"]
    return result


def test_list_changes_alert_once_on_their_own_and_join_their_rules_story_silently(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Given the list before both rules, and no rule in the Federal Register
    routes: dict[str, Any] = {
        "/feeds/news.xml": Route(
            b"<rss version='2.0'><channel><title>t</title></channel></rss>", "application/rss+xml"
        ),
        "/api/v1/documents.json": _empty,
        "/api/v1/public-inspection-documents/current.json": _empty,
        LIST_PATH: Route(rows(before_both), "text/csv; charset=utf-8"),
        **{path: Route(body, "text/plain; charset=utf-8") for path, body in TEXTS.items()},
    }
    with local_stack(routes) as stack:
        monkeypatch.setenv("ENTITY_LIST_SOURCE", stack.server.base + LIST_PATH)
        clients.clear_caches()
        # When the list is polled for the first time
        first = poll_list(stack)
        # Then it only primes: no story, no alert
        assert first["sources"][0]["status"] == "ok" and not first["stories_created"]
        assert all(not messages for messages in stack.inbox().values())

        # Given the list the next day: 87 FR 20299's entries added, three old entries removed, and no rule story
        routes[LIST_PATH] = Route(rows(before_rule), "text/csv; charset=utf-8")
        # When
        second = poll_list(stack)
        # Then one story, and one alert to each subscriber, naming the entries
        assert len(second["stories_created"]) == 1
        inbox = stack.inbox()
        assert sorted((name, len(messages)) for name, messages in inbox.items()) == [
            ("compliance-team", 1), ("entity-list-desk", 1), ("on-call-phone", 1)
        ]  # fmt: skip
        alert = inbox["compliance-team"][0]
        assert alert["subject"].startswith("List updated: 12 entries added, 3 removed under Belarus, Russia")
        assert alert["subject"].endswith(f"({RUSSIA_2022})")
        assert alert["entries_total"] == 15 and len(alert["entries"]) == 15
        assert (
            "- added: 140 Repair Plant JSC (also: JSC 140 Repair Plant; Open Joint Stock Company 140 Repair Plant)"
            in alert["email"]
        )
        assert "- removed: 32 Group China Ltd." in alert["email"]
        assert "Entries changed on the Entity List (15):" in alert["email"]
        assert "federalregister.gov/d/" not in alert["email"]  # no document number is known: no wrong link
        assert "140 Repair Plant JSC" in inbox["on-call-phone"][0]["sms"]

        # Given the rule 2021-27406 published (86 FR 71557), alerted by the Federal Register poller
        routes["/api/v1/documents.json"] = _published
        stack.poll()
        (rule_alert,) = stack.inbox()["compliance-team"]
        assert rule_alert["subject"] == "40 entries (China, Georgia, Malaysia, Turkey) added to the Entity List"
        # When the list that follows shows the rule's entries
        routes[LIST_PATH] = Route(rows(after_rule), "text/csv; charset=utf-8")
        third = poll_list(stack)
        # Then the change joins the rule's story without alerting again
        assert third["stories_extended"] == [rule_alert["story_id"]] and not third["stories_created"]
        assert all(not messages for messages in stack.inbox().values())

        # When the list is polled again, unchanged (a conditional request answered 304)
        stack.server.requests.clear()
        fourth = poll_list(stack)
        # Then nothing
        assert fourth["sources"][0]["status"] == "unchanged"
        assert [headers.get("if-none-match") for path, headers in stack.server.requests] == [routes[LIST_PATH].etag]
        # When it is served again with the same rows in another order (a new ETag, the same list)
        routes[LIST_PATH] = Route(rows(after_rule, shuffle=True), "text/csv; charset=utf-8")
        fifth = poll_list(stack)
        # Then nothing either
        assert fifth["sources"][0]["status"] == "unchanged" and not fifth["stories_created"]
        assert all(not messages for messages in stack.inbox().values())


def test_the_ecfr_versioner_api_as_the_source_primes_then_alerts_an_added_row(monkeypatch: pytest.MonkeyPatch) -> None:
    # Given the eCFR versioner API on loopback, serving part 744 before the Zhipu row
    part = "/api/versioner/v1/full/2026-06-16/title-15.xml"
    routes: dict[str, Any] = {
        "/api/versioner/v1/titles.json": Route((ECFR / "titles.json").read_bytes(), "application/json"),
        part: Route(part_744(without_zhipu=True), "application/xml"),
    }
    with local_stack(routes) as stack:
        monkeypatch.setenv("ENTITY_LIST_SOURCE", stack.server.base + "/api/versioner/v1")
        clients.clear_caches()
        # When polled twice: before, and after the row was added (titles.json changed with it)
        first = poll_list(stack)
        routes[part] = Route(part_744(without_zhipu=False), "application/xml")
        routes["/api/versioner/v1/titles.json"] = Route((ECFR / "titles.json").read_bytes() + b" ", "application/json")
        second = poll_list(stack)
        # Then the first primed, the second alerted once, naming the row
        assert first["sources"][0]["status"] == "ok" and not first["stories_created"]
        assert len(second["stories_created"]) == 1
        (alert,) = stack.inbox()["compliance-team"]
        assert alert["subject"] == "List updated: 1 entry added under China (90 FR 4619)"
        assert [e["name"] for e in alert["entries"]] == ["Beijing Zhipu Huazhang Technology Co., Ltd."]
        assert (part + "?part=744", "") in [(path, h.get("if-none-match", "")) for path, h in stack.server.requests]


def test_two_failed_daily_polls_in_a_row_fail_the_invocation_and_alert_nobody(monkeypatch: pytest.MonkeyPatch) -> None:
    # Given a list source that answers 404 (moved, say)
    with local_stack({}) as stack:
        monkeypatch.setenv("ENTITY_LIST_SOURCE", stack.server.base + LIST_PATH)
        clients.clear_caches()
        handler = load_handler(ROOT, "poll_entity_list")
        # When the first daily poll fails, it is counted and the invocation succeeds
        first = handler.lambda_handler({}, stack.context)
        assert first["sources"][0] == {
            "source": "entity_list", "status": "failed", "items": 0, "reason": "http_error", "failures": 1
        }  # fmt: skip
        # When the second fails too, the invocation fails (to the poll dead-letter queue, whose alarm says so)
        with pytest.raises(ListSourceFailing, match="2 polls in a row: http_error"):
            handler.lambda_handler({}, stack.context)
        # and nobody was alerted
        assert not stack.reader.events() and all(not m for m in stack.inbox().values())
