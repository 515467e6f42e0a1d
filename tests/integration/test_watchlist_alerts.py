"""Rule-time screening on moto and loopback HTTP: an Entity List rule adds a customer, listed under an alias.

The rule is the real 2021-27406 (86 FR 71557), served on loopback as in test_rule_entries: its raw text adds
"HMN International Co., Ltd" a.k.a. "Huahai Communication International Co., Ltd." (tests/fixtures/entity_list/).
The customers watchlist holds that party under its alias, written as a customer file would ("Company Limited");
the suppliers watchlist holds nobody the rule names. Subscribers are SQS queues with SNS filter policies.
"""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import boto3
import pytest

from exportwatch.aws.store import Store
from exportwatch.models import Counterparty
from exportwatch.observability import logger as handler_logger
from exportwatch_cli.demo import REGION, TABLE, Subscriber, local_stack
from exportwatch_cli.local import Route
from tests.integration.test_rule_entries import TEXTS, _empty, _public_inspection

CUSTOMER = Counterparty("Huahai Communication International Company Limited", (), "CN", "C-1042")
CUSTOMERS = [CUSTOMER, Counterparty("Acme Widgets Ltd", ("Acme",), "GB", "C-9")]
SUPPLIERS = [Counterparty("Northwind Traders Ltd", (), "GB", "S-1"), Counterparty("Contoso Optics GmbH", (), "DE")]
SUBSCRIBERS = (
    Subscriber("customers-desk", "email", {"watchlists": ["customers"]}, "matches of the customers watchlist"),
    Subscriber("suppliers-desk", "email", {"watchlists": ["suppliers"]}, "matches of the suppliers watchlist"),
)
CONFIDENTIAL = ("Huahai", "Acme", "Northwind", "Contoso", "C-1042")


def _routes() -> dict[str, Route]:
    return {
        "/feeds/news.xml": Route(
            b"<rss version='2.0'><channel><title>t</title></channel></rss>", "application/rss+xml"
        ),
        "/api/v1/documents.json": _empty,
        "/api/v1/public-inspection-documents/current.json": _public_inspection,
        **{path: Route(body, "text/plain; charset=utf-8") for path, body in TEXTS.items()},
    }


@pytest.fixture
def handler_logs() -> Iterator[io.StringIO]:
    """Everything the handlers log (their Powertools logger, at DEBUG), as Lambda would ship it to CloudWatch."""
    stream = io.StringIO()
    capture = logging.StreamHandler(stream)
    capture.setFormatter(handler_logger.registered_formatter)
    level = handler_logger.log_level
    handler_logger.addHandler(capture)
    handler_logger.setLevel(logging.DEBUG)
    yield stream
    handler_logger.removeHandler(capture)
    handler_logger.setLevel(level)


def test_a_rule_adding_a_customer_alerts_the_customers_watchlist_subscriber_once_and_nobody_else(
    handler_logs: io.StringIO,
) -> None:
    with local_stack(_routes(), subscribers=SUBSCRIBERS) as stack:
        # Given two stored watchlists, the customers one holding a party under the alias the rule lists
        store = Store(boto3.client("dynamodb", region_name=REGION), TABLE)
        store.put_watchlist("customers", CUSTOMERS, threshold=0.85)
        store.put_watchlist("suppliers", SUPPLIERS, threshold=0.9)
        # When the rule appears on public inspection and the pollers run
        report = stack.poll()
        inbox = stack.inbox()
        # Then the subscriber filtered on the customers watchlist gets exactly one alert, led by the match
        assert report["stream_failures"] == 0
        assert len(inbox["customers-desk"]) == 1
        assert inbox["suppliers-desk"] == []
        alert = inbox["customers-desk"][0]
        lead = (
            "Matches your watchlist 'customers': Huahai Communication International Company Limited ↔ listed "
            "'Huahai Communication International Co., Ltd.' (alias), score 1.00; your ref C-1042"
        )
        assert alert["email"].split("\n", 1)[0] == lead
        assert "(alias of the entry 'HMN International Co., Ltd', same name)" in alert["email"]
        assert alert["severity"] == "high"
        assert alert["subject"].startswith("Watchlist 'customers': Huahai Communication International Company")
        assert alert["sms"].startswith("Watchlist 'customers': Huahai Communication...")
        assert "(C-1042). HIGH: Entity List, 40 added" in alert["sms"]
        assert len(alert["sms"]) <= 160 and alert["sms"].endswith(" https://www.federalregister.gov/d/2021-27406")
        assert alert["watchlist_matches"] == [
            {
                "watchlist": "customers", "counterparty": CUSTOMER.name, "counterparty_alias": None,
                "reference": "C-1042", "party": "HMN International Co., Ltd",
                "matched": "Huahai Communication International Co., Ltd.", "kind": "alias", "score": 1.0,
                "why": "same name", "basis": "entry",
            }
        ]  # fmt: skip
        assert len(alert["entries"]) == 40  # the alert is still the rule's, every entry included

        # When the pollers run again (nothing new)
        stack.poll()
        # Then the story version is not sent a second time
        assert all(not messages for messages in stack.inbox().values())

    # And the handlers' logs name the watchlist, never a counterparty
    logs = handler_logs.getvalue()
    matched = [json.loads(line) for line in logs.splitlines() if '"story matches watchlists"' in line]
    assert [line["watchlists"] for line in matched] == [["customers"]] and matched[0]["matches"] == 1
    assert not [word for word in CONFIDENTIAL if word in logs]


def test_the_demo_imports_a_sample_watchlist_and_shows_a_match(capsys: pytest.CaptureFixture[str]) -> None:
    # Given / When the demo runs
    from exportwatch_cli.demo import run_demo

    run_demo()
    out = capsys.readouterr().out
    # Then the compliance team's Huawei e-mail leads with the sample customer it names (named by the news: not
    # called listed)
    assert out.startswith("Watchlist 'customers' imported: 3 sample counterparties")
    assert (
        "Subject: Watchlist 'customers' (in news): Huawei Technologies Co. Ltd. · Licenses granted for sales to…\n\n"
        "Matches your watchlist 'customers': Huawei Technologies Co. Ltd. (as 'Huawei') ↔ named in this story "
        "'Huawei' (name), score 1.00; your ref C-1042\n"
    ) in out
    assert out.count("Matches your watchlist") == 1
