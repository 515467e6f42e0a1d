"""Triggered by the table's DynamoDB stream (story records only): publish one SNS alert per story version.

Each alert is screened against the stored watchlists first; a match makes it high severity, led by the match.

Returns a partial batch response; failed records are retried, bisected, and finally sent to the
encrypted on-failure queue.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from exportwatch.alerts.notify import process_stream
from exportwatch.aws.screener import default_screener
from exportwatch.aws.sender import sender_for
from exportwatch.observability import handler, metrics


@handler
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    """Publish the alerts the batch's story records call for."""
    send = sender_for(context)
    metrics.add_metric(name="StreamRecords", unit=MetricUnit.Count, value=len(event.get("Records", [])))
    response = process_stream(event, context, send, default_screener())
    metrics.add_metric(
        name="StreamRecordsFailed", unit=MetricUnit.Count, value=len(response.get("batchItemFailures", []))
    )
    return response
