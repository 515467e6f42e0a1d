"""Scheduled by EventBridge Scheduler (daily): poll the Entity List itself, a safety net for missed rules.

The first poll stores a snapshot and alerts nothing. Later polls diff the list against the last snapshot: a
change joins the story of its rule without alerting again, or makes a story of its own, which reaches
subscribers through the table's stream and ``notify``.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from exportwatch import settings
from exportwatch.aws import clients
from exportwatch.aws.store import Store
from exportwatch.entity_list.poll import poll_entity_list, raise_if_failing, record_list_poll
from exportwatch.observability import handler, metrics
from exportwatch.sources.poll import deployment_options, report_json


@handler
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    """Poll the configured list source once; the schedule's payload is not used."""
    config = settings.load()
    options = deployment_options(config, context.get_remaining_time_in_millis())
    report = poll_entity_list(
        config.entity_list_source,
        Store(clients.dynamodb(), config.table_name),
        fetcher=options["fetcher"],
        ttl_days=config.item_ttl_days,
    )
    record_list_poll(metrics, report)
    raise_if_failing(report)  # two failed daily polls in a row: the poll DLQ's alarm says so
    return {**report_json(report), "stories_extended": report.ingest.stories_extended}
