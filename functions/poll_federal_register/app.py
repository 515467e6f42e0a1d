"""Scheduled by EventBridge Scheduler: poll the Federal Register API for BIS documents and public inspection.

Public inspection shows a document a day before it is published; the published document later
confirms the same story ("now official").
"""

from __future__ import annotations

import functools
import time
from typing import Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.utilities.typing import LambdaContext

from exportwatch import settings
from exportwatch.aws import clients
from exportwatch.aws.store import Store
from exportwatch.classify.parties import watch_keys
from exportwatch.observability import record_poll
from exportwatch.redact import protect
from exportwatch.sources.fetch import fetch
from exportwatch.sources.poll import poll_federal_register, report_json

logger = Logger()
protect(logger)  # no e-mail address or phone number in any log line
metrics = Metrics()


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    """Poll documents and public inspection for the configured agency; the payload is not used."""
    config = settings.load()
    report = poll_federal_register(
        config.federal_register_base,
        config.federal_register_agency,
        Store(clients.dynamodb(), config.table_name),
        fetcher=functools.partial(fetch, allow_loopback=config.allow_loopback),
        lookback_days=config.lookback_days,
        watched=watch_keys(config.watched_entities),
        max_age_days=config.max_item_age_days,
        # stop starting sources 15 s before the timeout; the next schedule polls what is left
        deadline=time.monotonic() + context.get_remaining_time_in_millis() / 1000 - 15,
    )
    record_poll(metrics, report)
    return report_json(report)
