"""The metrics detail level: the cheapest deployment publishes only what an alarm watches."""

from __future__ import annotations

import json

import pytest
from aws_lambda_powertools.metrics import MetricUnit

from exportwatch.observability import ALARMED_METRICS, SelectiveMetrics
from exportwatch_cli.local import load_template
from tests.helpers import ROOT


def published(metrics: SelectiveMetrics, capsys: pytest.CaptureFixture[str]) -> set[str]:
    metrics.clear_metrics()  # Powertools metrics share one set across instances: start from none
    metrics.add_metric(name="FeedsPolled", unit=MetricUnit.Count, value=3)
    metrics.add_metric(name="SourceFailureStreak", unit=MetricUnit.Count, value=1)
    metrics.flush_metrics()
    emf = json.loads(capsys.readouterr().out.splitlines()[-1])
    return {m["Name"] for m in emf["_aws"]["CloudWatchMetrics"][0]["Metrics"]}


def test_all_detail_publishes_every_metric(capsys: pytest.CaptureFixture[str]) -> None:
    assert published(SelectiveMetrics(), capsys) == {"FeedsPolled", "SourceFailureStreak"}


def test_alarms_detail_publishes_only_what_an_alarm_watches(capsys: pytest.CaptureFixture[str]) -> None:
    assert published(SelectiveMetrics(only=ALARMED_METRICS), capsys) == {"SourceFailureStreak"}


def test_every_alarm_on_an_exportwatch_metric_watches_one_the_alarms_detail_keeps() -> None:
    resources = load_template(ROOT / "template.yaml")["Resources"]
    watched = {
        r["Properties"]["MetricName"]
        for r in resources.values()
        if r["Type"] == "AWS::CloudWatch::Alarm" and r["Properties"].get("Namespace") == "ExportWatch"
    }
    assert watched and watched <= ALARMED_METRICS
