"""Powertools wiring written once for every handler: a masking logger, metrics, the entry decorator.

Each handler module does ``from exportwatch.observability import handler, logger, metrics`` and
decorates its ``lambda_handler`` with ``@handler``: the context is injected into logs with state
cleared per invocation, metrics are flushed at the end, and no e-mail address, phone number or
URL secret reaches a log line (``redact``).
"""

from __future__ import annotations

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


logger = Logger(logger_formatter=MaskingFormatter())
metrics = Metrics()

Handler = Callable[[dict[str, Any], Any], dict[str, Any]]


def handler(function: Handler) -> Handler:
    """Wrap a Lambda entry point: context in the logs (state cleared per invocation), metrics flushed."""
    return logger.inject_lambda_context(clear_state=True)(metrics.log_metrics(function))
