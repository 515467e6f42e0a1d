"""What exportwatch costs a month, from AWS calls measured on the real handlers (run: `make cost`).

The handlers run on moto (the demo's stack): a first poll of the sample sources (new items, new
stories, alerts), a second poll of the same sources (the steady state: nothing new), one reminder
run and one digest run. Every AWS call they make is counted, with the DynamoDB request units its
items take. The monthly model multiplies those measured counts by the schedules' invocations and
by list prices; what is assumed rather than measured is named in ASSUMED and printed.

docs/cost.md holds the tables this prints.
"""

from __future__ import annotations

import json
import math
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "layers" / "core"), str(ROOT / "cli")]

# US East (N. Virginia) list prices, USD, as published on the AWS pricing pages in 2025.
PRICES_AS_OF = "2025 list prices, us-east-1"
PRICE = {
    "lambda_gb_second_arm": 0.0000133334,
    "lambda_request": 0.20 / 1e6,
    "dynamodb_wru": 0.625 / 1e6,  # on-demand write request unit
    "dynamodb_rru": 0.125 / 1e6,  # on-demand read request unit
    "dynamodb_gb_month": 0.25,
    "sns_publish": 0.50 / 1e6,
    "sns_email": 2.00 / 1e5,
    "kms_key_month": 1.00,
    "kms_request": 0.03 / 1e4,
    "cloudwatch_metric_month": 0.30,
    "cloudwatch_alarm_month": 0.10,
    "logs_ingest_gb": 0.50,
    "xray_trace": 5.00 / 1e6,
    "scheduler_invocation": 1.00 / 1e6,
}
ASSUMED = {
    "feed_schedule_per_month": 30 * 24 * 6,  # FeedSchedule rate(10 minutes)
    "register_schedule_per_month": 30 * 24 * 4,  # FederalRegisterSchedule rate(15 minutes)
    "daily_runs_per_month": 30,  # remind, digest
    "alerts_per_month": 30,  # stories that alert (BIS actions and the news about them)
    "new_items_per_feed_per_month": 60,
    "new_register_documents_per_month": 40,
    "seconds_per_poll": 0.4,
    "seconds_per_feed": 0.15,
    "seconds_per_notify": 0.2,
    "memory_gb": 0.5,  # Globals MemorySize 512
    "log_kb_per_invocation": 1.5,
    "kms_requests_per_invocation": 2,  # data keys are cached by the services; a conservative count
    "table_gb": 0.05,
    # poll_entity_list (EntityListSchedule rate(1 day), MemorySize 1024): a 17 MB download and 2,000 rows parsed
    # (0.5 s measured); the snapshot read is about 60 read units (README "The Entity List itself").
    "list_polls_per_month": 30,
    "seconds_per_list_poll": 10.0,
    "list_memory_gb": 1.0,
    "list_rru_per_poll": 60,
}
METRICS = {"all": 13, "alarms": 1}  # custom metric names published (see test_observability)


@dataclass
class Phase:
    """The AWS calls one phase made, and the DynamoDB request units they took."""

    calls: Counter[str] = field(default_factory=Counter)
    rru: float = 0.0
    wru: float = 0.0


def _size(value: Any) -> int:
    return len(json.dumps(value, default=str))


def _units(operation: str, params: dict[str, Any], parsed: dict[str, Any], phase: Phase) -> None:
    """DynamoDB's request units for one call: reads per 4 KB (half when eventually consistent), writes per 1 KB."""
    if operation == "GetItem" and "Item" in parsed:
        phase.rru += math.ceil(_size(parsed["Item"]) / 4096) * (1 if params.get("ConsistentRead") else 0.5)
    elif operation == "BatchGetItem":
        for table, rows in parsed.get("Responses", {}).items():
            consistent = params["RequestItems"].get(table, {}).get("ConsistentRead")
            phase.rru += sum(math.ceil(_size(r) / 4096) for r in rows) * (1 if consistent else 0.5)
    elif operation in ("Query", "Scan"):
        phase.rru += max(1, math.ceil(sum(_size(r) for r in parsed.get("Items", [])) / 4096)) * 0.5
    elif operation in ("PutItem", "UpdateItem", "DeleteItem"):
        phase.wru += math.ceil(_size(params.get("Item", params.get("Key", {}))) / 1024)
    elif operation == "TransactWriteItems":
        phase.wru += 2 * sum(
            math.ceil(_size(next(iter(a.values())).get("Item", {})) / 1024) for a in params["TransactItems"]
        )


def measure() -> dict[str, Phase]:
    """Run the demo stack's handlers through four phases, counting what each costs."""
    import boto3

    from exportwatch_cli.demo import local_stack

    phases: dict[str, Phase] = {}
    current: list[Phase] = []

    def before(params: dict[str, Any], context: dict[str, Any], **_: Any) -> None:
        context["cost_params"] = params

    def after(event_name: str, parsed: dict[str, Any], context: dict[str, Any], **_: Any) -> None:
        service, operation = event_name.split(".")[1:3]
        phase = current[-1]
        phase.calls[f"{service}:{operation}"] += 1
        if service == "dynamodb":
            _units(operation, context.get("cost_params", {}), parsed, phase)

    with local_stack() as stack:
        boto3.DEFAULT_SESSION.events.register("before-parameter-build.*.*", before)
        boto3.DEFAULT_SESSION.events.register("after-call.*.*", after)
        current.append(phases.setdefault("first poll: new items, stories and alerts", Phase()))
        stack.poll()
        current.append(phases.setdefault("feed poll, nothing new (1 feed)", Phase()))
        stack.handlers["poll_feeds"].lambda_handler({}, stack.context)
        current.append(phases.setdefault("Federal Register poll, nothing new", Phase()))
        stack.handlers["poll_federal_register"].lambda_handler({}, stack.context)
        current.append(phases.setdefault("remind + digest", Phase()))
        stack.handlers["remind"].lambda_handler({"today": "2020-02-02"}, stack.context)
        stack.handlers["digest"].lambda_handler({"day": "2019-11-22"}, stack.context)
    return phases


@dataclass(frozen=True)
class Scenario:
    """A deployment to price."""

    name: str
    feeds: int
    email_subscribers: int
    encryption: str = "customer-managed-key"
    metrics: str = "all"
    tracing: bool = True


def monthly(scenario: Scenario, phases: dict[str, Phase], alarms: int) -> dict[str, float]:
    """The monthly bill, by service, for one scenario."""
    a, new = ASSUMED, phases["first poll: new items, stories and alerts"]
    feed, register = phases["feed poll, nothing new (1 feed)"], phases["Federal Register poll, nothing new"]
    feed_polls, register_polls = a["feed_schedule_per_month"], a["register_schedule_per_month"]
    new_items = a["new_items_per_feed_per_month"] * scenario.feeds + a["new_register_documents_per_month"]
    items_in_demo = 9  # the demo's first poll: 6 news entries and 3 Federal Register documents
    rru = feed_polls * scenario.feeds * feed.rru + register_polls * register.rru
    wru = feed_polls * scenario.feeds * feed.wru + register_polls * register.wru
    rru += new.rru / items_in_demo * new_items
    wru += new.wru / items_in_demo * new_items
    invocations = feed_polls * (1 if scenario.feeds else 0) + register_polls + 2 * a["daily_runs_per_month"]
    invocations += a["alerts_per_month"]  # notify, about one invocation per alert
    invocations += a["list_polls_per_month"]
    rru += a["list_polls_per_month"] * a["list_rru_per_poll"]
    list_gb_seconds = a["list_polls_per_month"] * a["seconds_per_list_poll"] * a["list_memory_gb"]
    seconds = (
        feed_polls * (a["seconds_per_poll"] + a["seconds_per_feed"] * scenario.feeds) * (1 if scenario.feeds else 0)
        + register_polls * (a["seconds_per_poll"] + 2 * a["seconds_per_feed"])
        + (2 * a["daily_runs_per_month"] + a["alerts_per_month"]) * a["seconds_per_notify"]
    )
    publishes = a["alerts_per_month"] + a["daily_runs_per_month"]  # alerts and digests
    cost = {
        "Lambda": (seconds * a["memory_gb"] + list_gb_seconds) * PRICE["lambda_gb_second_arm"]
        + invocations * PRICE["lambda_request"],
        "DynamoDB": rru * PRICE["dynamodb_rru"]
        + wru * PRICE["dynamodb_wru"]
        + a["table_gb"] * PRICE["dynamodb_gb_month"],
        "SNS": publishes * PRICE["sns_publish"] + publishes * scenario.email_subscribers * PRICE["sns_email"],
        "KMS": (
            PRICE["kms_key_month"] + invocations * a["kms_requests_per_invocation"] * PRICE["kms_request"]
            if scenario.encryption == "customer-managed-key"
            else 0.0
        ),
        "CloudWatch": METRICS[scenario.metrics] * PRICE["cloudwatch_metric_month"]
        + alarms * PRICE["cloudwatch_alarm_month"]
        + invocations * a["log_kb_per_invocation"] / 1e6 * PRICE["logs_ingest_gb"],
        "X-Ray": invocations * PRICE["xray_trace"] if scenario.tracing else 0.0,
        "Scheduler": (invocations - a["alerts_per_month"]) * PRICE["scheduler_invocation"],
    }
    cost["total"] = sum(cost.values())
    return cost


SCENARIOS = (
    Scenario("cheapest: Federal Register only, aws-managed keys, alarm metrics only", 0, 1, "aws-managed", "alarms"),
    Scenario("template defaults: Federal Register only, the stack's key, all metrics", 0, 1),
    Scenario("a team: 5 feeds, 3 e-mail subscribers", 5, 3),
    Scenario("10x: 50 feeds, 30 e-mail subscribers", 50, 30),
    Scenario("100x: 500 feeds, 300 e-mail subscribers", 500, 300),
)


def main() -> None:
    """Measure, then print the monthly model as a Markdown table (docs/cost.md)."""
    from exportwatch_cli.local import load_template

    template = load_template(ROOT / "template.yaml")
    alarms = sum(1 for r in template["Resources"].values() if r["Type"] == "AWS::CloudWatch::Alarm")
    phases = measure()
    print("Measured AWS calls (demo stack on moto):\n")
    for name, phase in phases.items():
        calls = ", ".join(f"{op} {n}" for op, n in sorted(phase.calls.items()))
        print(f"- {name}: {calls}; DynamoDB {phase.rru:g} RRU, {phase.wru:g} WRU")
    print(f"\nMonthly cost, USD ({PRICES_AS_OF}; no free tier; SMS not included; {alarms} alarms):\n")
    services = ["Lambda", "DynamoDB", "SNS", "KMS", "CloudWatch", "X-Ray", "Scheduler", "total"]
    print("| scenario | " + " | ".join(services) + " |")
    print("|---|" + "---:|" * len(services))
    for scenario in SCENARIOS:
        cost = monthly(scenario, phases, alarms)
        print(f"| {scenario.name} | " + " | ".join(f"{cost[s]:.2f}" for s in services) + " |")
    print("\nAssumed (not measured): " + ", ".join(f"{k} {v}" for k, v in ASSUMED.items()))


if __name__ == "__main__":
    main()
