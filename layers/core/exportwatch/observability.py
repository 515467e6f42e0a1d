"""Powertools wiring written once for every handler: a masking logger, metrics, the entry decorator.

Each handler module does ``from exportwatch.observability import handler, logger, metrics`` and
decorates its ``lambda_handler`` with ``@handler``: the context is injected into logs with state
cleared per invocation, metrics are flushed at the end, and no e-mail address, phone number or
URL secret reaches a log line (``redact``).

Every metric name is a CloudWatch custom metric, billed monthly. ``METRICS_DETAIL=alarms`` (the
template's ``MetricsDetail``) keeps only the metrics an alarm watches: the cheapest deployment.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Callable
from typing import Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.logging.formatter import LambdaPowertoolsFormatter

from exportwatch.redact import mask


class MaskingFormatter(LambdaPowertoolsFormatter):
    """Powertools' JSON formatter, masking the finished line (exception text and appended keys too)."""

    def format(self, record: Any) -> str:
        """Format as Powertools does, then mask."""
        return mask(super().format(record))


ALARMED_METRICS = frozenset({"SourceFailureStreak"})  # template.yaml's SourceFailingAlarm


class SelectiveMetrics(Metrics):
    """Powertools metrics that, in the ``alarms`` detail, publish only what an alarm watches."""

    def __init__(self, *, only: frozenset[str] | None = None) -> None:
        super().__init__()
        self.only = only

    def add_metric(self, name: str, unit: Any, value: float, resolution: Any = 60) -> None:
        """Add a metric unless the detail level leaves it out."""
        if self.only is None or name in self.only:
            super().add_metric(name=name, unit=unit, value=value, resolution=resolution)


logger = Logger(logger_formatter=MaskingFormatter())
_ALARMS_ONLY = os.environ.get("METRICS_DETAIL", "all") == "alarms"
metrics = SelectiveMetrics(only=ALARMED_METRICS if _ALARMS_ONLY else None)
if _ALARMS_ONLY:  # most invocations then publish nothing, on purpose
    warnings.filterwarnings("ignore", message="No application metrics to publish")

Handler = Callable[[dict[str, Any], Any], dict[str, Any]]


def handler(function: Handler) -> Handler:
    """Wrap a Lambda entry point: context in the logs (state cleared per invocation), metrics flushed."""
    return logger.inject_lambda_context(clear_state=True)(metrics.log_metrics(function))
