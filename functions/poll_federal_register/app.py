"""Scheduled by EventBridge Scheduler: poll the Federal Register (documents and public inspection).

The agencies watched are a list (``FederalRegisterAgencies``; BIS by default). New or materially changed
stories reach subscribers through the table's stream and ``notify``.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from exportwatch import settings
from exportwatch.aws import clients
from exportwatch.aws.ops import ops_topic
from exportwatch.aws.store import Store
from exportwatch.observability import handler, metrics
from exportwatch.sources.poll import deployment_options, poll_federal_register, record_poll, report_json


@handler
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    """Poll the agencies' recent documents and today's public inspection list."""
    config = settings.load()
    report = poll_federal_register(
        config.federal_register_base,
        config.federal_register_agencies,
        Store(clients.dynamodb(), config.table_name),
        lookback_days=config.lookback_days,
        ops=ops_topic(clients.sns, config.ops_topic_arn),
        **deployment_options(config, context.get_remaining_time_in_millis()),
    )
    record_poll(metrics, report)
    return report_json(report)
