"""Metrics from reports: PascalCase outcomes, low-cardinality dimensions (never a URL or an id)."""

from __future__ import annotations

from aws_lambda_powertools import Metrics
from aws_lambda_powertools.metrics import MetricUnit

from exportwatch.sources.poll import PollReport


def record_poll(metrics: Metrics, report: PollReport) -> None:
    """Count a poll: sources by outcome, items, stories, and the worst failure streak (alarmed on)."""
    metrics.add_metric(name="FeedsPolled", unit=MetricUnit.Count, value=len(report.sources))
    metrics.add_metric(name="FeedsUnchanged", unit=MetricUnit.Count, value=report.count("unchanged"))
    metrics.add_metric(name="FeedsFailed", unit=MetricUnit.Count, value=report.count("failed"))
    metrics.add_metric(name="FeedsRecovered", unit=MetricUnit.Count, value=sum(s.recovered for s in report.sources))
    metrics.add_metric(name="SourceFailureStreak", unit=MetricUnit.Count, value=report.worst_streak)
    metrics.add_metric(name="ItemsIngested", unit=MetricUnit.Count, value=report.ingest.stored)
    metrics.add_metric(name="ItemsIrrelevant", unit=MetricUnit.Count, value=report.ingest.irrelevant)
    metrics.add_metric(name="StoriesCreated", unit=MetricUnit.Count, value=len(report.ingest.stories_created))
    metrics.add_metric(name="StoriesUpdated", unit=MetricUnit.Count, value=len(report.ingest.stories_updated))
