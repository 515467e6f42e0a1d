"""Subscription filters -> SNS filter policies: validated against what alerts carry, within SNS's limits."""

from __future__ import annotations

import json

import pytest

from exportwatch.alerts.digest import render_digest
from exportwatch.alerts.render import LABEL_NAMES, render
from exportwatch_cli.subscriptions import (
    MAX_COMBINATIONS,
    SubscriptionError,
    describe,
    endpoint,
    filters,
    mask,
    policy,
)
from tests.unit.test_render import seeds_story


def test_filters_become_a_policy_on_the_alerts_attributes() -> None:
    # Given every kind of filter but the digest
    chosen = filters(
        labels="entity_list.addition,license.decision", min_severity="medium", countries="cn, ru",
        entities="Huawei Technologies Co.; SMIC", watchlist="customers",
    )  # fmt: skip
    # When
    rules = policy(chosen)
    # Then each becomes the attribute an alert carries, values normalized as the alert's are
    assert rules == {
        "labels": ["entity_list.addition", "license.decision"],
        "severity": ["high", "medium"],
        "countries": ["CN", "RU"],
        "entities": ["huawei", "smic"],
        "watchlists": ["customers"],
    }
    assert describe(rules) == (
        "labels: Entity List addition, License decision; severity at least medium; countries: China, Russia; "
        "parties: huawei, smic; watchlist: customers"
    )


def test_the_policy_names_the_attributes_and_values_an_alert_is_published_with() -> None:
    # Given the seeds' alert (licences for Huawei, medium) and a filter meant to catch it
    alert = render(seeds_story())
    rules = policy(filters(labels="license.decision", min_severity="medium", entities="Huawei"))
    # Then every key is an attribute of the alert, and one of its values is among the alert's
    attributes = alert.attributes()
    for key, values in rules.items():
        carried = attributes[key]["StringValue"]
        sent = json.loads(carried) if attributes[key]["DataType"] == "String.Array" else [carried]
        assert set(values) & set(sent), key


def test_severity_at_least_medium_is_the_templates_sms_filter_and_low_is_no_filter() -> None:
    assert policy(filters(min_severity="medium")) == {"severity": ["high", "medium"]}
    assert policy(filters(min_severity="high")) == {"severity": ["high"]}
    assert policy(filters(min_severity="low")) == {}
    assert describe({}) == "everything (alerts, reminders and the daily digest)"


def test_the_digest_filter_matches_the_digests_attributes_and_takes_no_other() -> None:
    # Given the digest as published
    digest = render_digest([seeds_story()], "2019-11-21")
    assert digest is not None
    rules = policy(filters(digest=True))
    # Then
    assert rules == {"kind": ["digest"]}
    assert digest.attributes()["kind"]["StringValue"] == "digest"
    assert describe(rules) == "daily digest only"
    with pytest.raises(SubscriptionError, match="--digest takes no other filter"):
        filters(digest=True, labels="extension")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"labels": "entity_list.add"}, "unknown label 'entity_list.add'"),
        ({"countries": "CN,XX"}, "unknown country code 'XX'"),
        ({"min_severity": "urgent"}, "--min-severity is low, medium or high"),
        ({"entities": "Huawei; Co., Ltd."}, "is not a party name"),
        ({"watchlist": "../x"}, "a watchlist name"),
    ],
)
def test_a_filter_no_alert_could_match_is_refused(kwargs: dict[str, str], message: str) -> None:
    with pytest.raises(SubscriptionError, match=message):
        filters(**kwargs)  # type: ignore[arg-type]


def test_every_label_the_alerts_carry_is_accepted() -> None:
    assert policy(filters(labels=",".join(LABEL_NAMES))) == {"labels": list(LABEL_NAMES)}


def test_150_combinations_fit_and_151_are_refused_whole() -> None:
    # Given 150 parties (150 combinations) and then 151 of them, or 2 labels x 76 parties
    parties = [f"Party {n:03d}" for n in range(151)]
    # Then
    assert len(policy(filters(entities=",".join(parties[:150])))["entities"]) == MAX_COMBINATIONS
    with pytest.raises(SubscriptionError, match=r"151 value combinations \(151 entities\); SNS takes at most 150"):
        policy(filters(entities=",".join(parties)))
    with pytest.raises(SubscriptionError, match=r"152 value combinations \(2 labels x 76 entities\)"):
        policy(filters(labels="extension,license.policy", entities=",".join(parties[:76])))


def test_five_attributes_at_most() -> None:
    # Given a policy of 5 keys (the most the builder can make), and a sixth
    from exportwatch_cli.subscriptions import check_limits

    five = policy(filters(labels="extension", min_severity="high", countries="CN", entities="Huawei", watchlist="w"))
    assert len(five) == 5
    with pytest.raises(SubscriptionError, match="6 attributes; SNS takes at most 5"):
        check_limits({**five, "kind": ["new"]})


def test_a_policy_over_256_kb_is_refused() -> None:
    from exportwatch_cli.subscriptions import check_limits

    with pytest.raises(SubscriptionError, match="bytes; SNS takes at most 262,144"):
        check_limits({"entities": ["x" * 2000 for _ in range(140)]})


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({}, "give exactly one endpoint"),
        ({"email": "a@example.com", "sms": "+15551234567"}, "give exactly one endpoint"),
        ({"email": "not-an-address"}, "not an e-mail address"),
        ({"sms": "5551234567"}, "E.164"),
        ({"sqs": "my-queue"}, "queue ARN"),
        ({"https": "http://example.com/hook"}, "https://"),
    ],
)
def test_bad_endpoints_are_refused(kwargs: dict[str, str], message: str) -> None:
    with pytest.raises(SubscriptionError, match=message):
        endpoint(**kwargs)


def test_endpoints_are_partly_hidden_when_listed() -> None:
    assert mask("email", "desk@example.com") == "d***@example.com"
    assert mask("sms", "+15551234567") == "+1******4567"
    assert mask("https", "https://hooks.example.com/T000/secret-token") == "https://hooks.example.com/..."
    assert mask("sqs", "arn:aws:sqs:us-east-1:123456789012:q") == "arn:aws:sqs:us-east-1:123456789012:q"


def test_a_hand_written_policy_with_operators_is_shown_as_written() -> None:
    rules = {"severity": [{"anything-but": "low"}]}
    assert describe(rules) == 'severity: [{"anything-but": "low"}]'
