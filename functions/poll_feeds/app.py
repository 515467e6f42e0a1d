"""Scheduled by EventBridge Scheduler: poll the news feeds, store new items and their stories.

New or materially changed stories reach subscribers through the table's stream and ``notify``.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from exportwatch import settings
from exportwatch.aws import clients
from exportwatch.aws.ops import ops_topic
from exportwatch.aws.store import Store
from exportwatch.observability import handler, metrics
from exportwatch.sources.poll import deployment_options, poll_feeds, record_poll, report_json


@handler
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    """Poll every configured feed; the schedule's payload is not used."""
    config = settings.load()
    report = poll_feeds(
        config.feed_urls,
        Store(clients.dynamodb(), config.table_name),
        ops=ops_topic(clients.sns, config.ops_topic_arn),
        **deployment_options(config, context.get_remaining_time_in_millis()),
    )
    record_poll(metrics, report)
    return report_json(report)
