"""docs/cost.md's model: measured on the real handlers, and the cheapest configuration under $1 a month."""

from __future__ import annotations

import importlib.util
import re
import sys

from tests.helpers import ROOT

spec = importlib.util.spec_from_file_location("cost", ROOT / "bench" / "cost.py")
assert spec and spec.loader
cost = importlib.util.module_from_spec(spec)
sys.modules["cost"] = cost  # dataclasses look their module up
spec.loader.exec_module(cost)


def test_the_cheapest_configuration_costs_under_a_dollar_a_month_before_sms() -> None:
    # Given the AWS calls the handlers make, measured on moto
    phases = cost.measure()
    assert phases["first poll: new items, stories and alerts"].calls["sns:Publish"] >= 1
    assert phases["feed poll, nothing new (1 feed)"].calls == {"dynamodb:GetItem": 1}  # one state read per feed
    alarms = 5
    # When the month is priced
    bills = {scenario.name: cost.monthly(scenario, phases, alarms)["total"] for scenario in cost.SCENARIOS}
    # Then the cheapest stays under $1 and more feeds and subscribers cost more
    assert bills[cost.SCENARIOS[0].name] < 1.0
    totals = [bills[s.name] for s in cost.SCENARIOS[2:]]
    assert totals == sorted(totals)


def test_the_model_counts_every_custom_metric_the_code_publishes() -> None:
    names = set()
    for path in [*(ROOT / "layers" / "core").rglob("*.py"), *(ROOT / "functions").rglob("*.py")]:
        names |= set(re.findall(r'add_metric\(\s*name="([A-Za-z]+)"', path.read_text()))
    assert len(names) == cost.METRICS["all"]
