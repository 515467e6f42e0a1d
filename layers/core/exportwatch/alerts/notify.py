"""DynamoDB stream -> alerts on SNS, once per story version.

A story record whose ``version`` went up (or a new story) is one alert, unless a backfill of history
wrote that version (``quiet_version``): loading years of documents must not alert anyone. Sends are idempotent,
keyed by story id and version (Powertools idempotency, records in the same table), so a batch
retried after a partial failure, or a stream record delivered twice, publishes once. Failed
records are reported back (partial batch response) and, after the retries, land in the
on-failure queue with their stream coordinates for ``exportwatch replay``.

Each alert is screened against the stored watchlists first (``screening.watchlists``): a story naming a
counterparty is sent as high severity, led by the match, with the watchlist's name in the ``watchlists``
attribute. The dedup key stays the story version's, so a retry sends it once whatever the watchlists say then.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from exportwatch.alerts.render import Alert, Sender, render, with_watchlist_matches
from exportwatch.aws.store import PK, STORY_PREFIX, story_from_record
from exportwatch.models import Story
from exportwatch.screening.watchlists import WatchlistScreener

logger = Logger(child=True)


def alert_for(record: dict[str, Any], screener: WatchlistScreener | None = None) -> Alert | None:
    """The alert a stream record calls for, or None (not a story, or no material change).

    With a ``screener``, the story is screened against every watchlist and a match leads the alert.
    """
    change = record.get("dynamodb") or {}
    new_image = change.get("NewImage")
    if record.get("eventName") not in ("INSERT", "MODIFY") or not new_image:
        return None
    if not new_image.get(PK, {}).get("S", "").startswith(STORY_PREFIX):
        return None
    story, _ = story_from_record(new_image)
    if story.version <= story.quiet_version:
        return None  # written by a backfill of history: recorded, never alerted
    old_image = change.get("OldImage")
    if old_image:
        old_version = int(old_image.get("version", {}).get("N", "0"))
        if story.version <= old_version:
            return None  # another article, nothing material
    return screened_alert(story, screener)


def screened_alert(story: Story, screener: WatchlistScreener | None) -> Alert:
    """The story's alert; high severity and led by the match when it names a watchlist's counterparty."""
    matches = screener.screen(story) if screener is not None else []
    if matches:
        return with_watchlist_matches(render(replace(story, severity="high")), matches)
    return render(story)


def process_stream(
    event: dict[str, Any], context: LambdaContext, send: Sender, screener: WatchlistScreener | None = None
) -> dict[str, Any]:
    """Handle one stream batch; returns the partial batch response Lambda expects.

    The watchlists are listed at most once per batch (their counterparties are cached by the screener).
    """
    processor = BatchProcessor(event_type=EventType.DynamoDBStreams)
    if screener is not None:
        screener.new_batch()

    def handle(record: DynamoDBRecord) -> None:
        alert = alert_for(record.raw_event, screener)
        if alert is not None:
            send(alert)

    return dict(process_partial_response(event=event, record_handler=handle, processor=processor, context=context))
