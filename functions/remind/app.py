"""Scheduled daily by EventBridge Scheduler: remind subscribers of deadlines about to run out.

Each story with an expiry date within 14 days gets one reminder per threshold (14, 7, 1 days).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from exportwatch import settings
from exportwatch.alerts.remind import send_due, window
from exportwatch.aws import clients
from exportwatch.aws.sender import sender_for
from exportwatch.aws.store import Store
from exportwatch.observability import handler, metrics


@handler
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    """Send today's reminders.

    The schedule sends no date; an operator may pass ``{"today": "YYYY-MM-DD"}`` to re-run a missed
    day (reminders already sent are not sent again).
    """
    config = settings.load()
    send = sender_for(context)
    today = date.fromisoformat(event["today"]) if event.get("today") else datetime.now(UTC).date()
    stories = Store(clients.dynamodb(), config.table_name).stories_expiring(*window(today))
    sent = send_due(stories, today, send)
    metrics.add_metric(name="RemindersDue", unit=MetricUnit.Count, value=len(sent))
    return {"today": today.isoformat(), "reminders": sent}
