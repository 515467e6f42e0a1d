"""The remind and digest handlers with their sample events, on moto, after a real poll."""

from __future__ import annotations

from datetime import UTC, datetime

from exportwatch_cli.demo import local_stack


def test_remind_sends_each_threshold_once_and_only_to_interested_subscribers(load_event) -> None:
    with local_stack() as stack:
        # Given the seeds' story (TGL expires 2020-02-16) stored and alerted
        stack.poll()
        stack.inbox()
        event = {**load_event("remind"), "today": "2020-02-09"}
        # When the daily run happens twice on the same day, then the day before the expiry
        first = stack.handlers["remind"].lambda_handler(event, stack.context)
        again = stack.handlers["remind"].lambda_handler(event, stack.context)
        week = stack.inbox()
        stack.handlers["remind"].lambda_handler({**event, "today": "2020-02-15"}, stack.context)
        eve = stack.inbox()
    # Then
    assert len(first["reminders"]) == 1 and again["reminders"] == first["reminders"]
    assert [m["subject"] for m in week["compliance-team"]] == [
        "Reminder: Temporary general license for Huawei expires in 7 days (16 Feb 2020)"
    ]
    assert len(week["on-call-phone"]) == 1 and week["entity-list-desk"] == []
    assert "tomorrow" in eve["on-call-phone"][0]["sms"]


def test_digest_sends_yesterdays_stories_once_to_unfiltered_subscribers(load_event) -> None:
    with local_stack() as stack:
        stack.poll()
        stack.inbox()
        day = datetime.now(UTC).date().isoformat()  # the stories were seen by the poll just now
        event = {**load_event("digest"), "day": day}
        result = stack.handlers["digest"].lambda_handler(event, stack.context)
        stack.handlers["digest"].lambda_handler(event, stack.context)
        inbox = stack.inbox()
    assert result["sent"] and result["stories"] == 4
    (digest,) = inbox["compliance-team"]
    assert digest["kind"] == "digest" and "Sources" not in digest["subject"]
    assert inbox["on-call-phone"] == [] and inbox["entity-list-desk"] == []
