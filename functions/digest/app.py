"""Scheduled daily by EventBridge Scheduler: one digest of yesterday's stories, extra articles included."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from exportwatch import settings
from exportwatch.alerts.digest import digest_day, render_digest
from exportwatch.aws import clients
from exportwatch.aws.sender import sender_for
from exportwatch.aws.store import Store
from exportwatch.observability import handler, metrics


@handler
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    """Publish the digest of yesterday (UTC) if any story changed.

    The schedule sends no date; an operator may pass ``{"day": "YYYY-MM-DD"}`` to send a missed
    day's digest (never twice).
    """
    config = settings.load()
    send = sender_for(context)
    day = date.fromisoformat(event["day"]).isoformat() if event.get("day") else digest_day(datetime.now(UTC).date())
    stories = Store(clients.dynamodb(), config.table_name).stories_seen_on([day])
    digest = render_digest(stories, day)
    if digest is not None:
        send(digest)
    metrics.add_metric(name="DigestStories", unit=MetricUnit.Count, value=len(stories))
    return {"day": day, "stories": len(stories), "sent": digest is not None}
