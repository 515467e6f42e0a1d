"""``exportwatch subscribe | unsubscribe | subscriptions``: SNS subscriptions without hand-written JSON.

Filters become an SNS filter policy on the message attributes every alert carries (render.py):
``labels``, ``severity``, ``countries``, ``entities``, ``watchlists`` and ``kind``. SNS takes at most
5 keys and 150 value combinations (the product of each key's number of values) in one policy, and
at most 256 KB of it (AWS, "Filter policy constraints in Amazon SNS"): a filter that does not fit is
refused whole with a one-line error, never cut, since a cut filter would silently drop alerts.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from exportwatch.alerts.render import LABEL_NAMES
from exportwatch.classify.parties import entity_key
from exportwatch.countries import BY_CODE, name_of
from exportwatch.ports import WATCHLIST_NAME

MAX_KEYS = 5
MAX_COMBINATIONS = 150
MAX_POLICY_BYTES = 256 * 1024
SEVERITIES = ("high", "medium", "low")
# The same pattern as template.yaml's AlertPhoneNumber: E.164, a plus and 7 to 15 digits.
E164 = re.compile(r"\+[1-9][0-9]{6,14}")
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]+")
SQS_ARN = re.compile(r"arn:aws[a-z-]*:sqs:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]{1,80}(\.fifo)?")


class SubscriptionError(ValueError):
    """Bad endpoint or filter, or a filter SNS cannot take: one line for stderr."""


@dataclass(frozen=True, slots=True)
class Endpoint:
    """Where SNS delivers: its protocol and address."""

    protocol: str
    address: str


@dataclass(frozen=True, slots=True)
class Filters:
    """What a subscriber asked for, validated; ``policy`` turns it into an SNS filter policy."""

    labels: tuple[str, ...] = ()
    min_severity: str = ""
    countries: tuple[str, ...] = ()
    entities: tuple[str, ...] = ()
    watchlist: str = ""
    digest: bool = False


def endpoint(*, email: str = "", sms: str = "", sqs: str = "", https: str = "") -> Endpoint:
    """The one endpoint given, checked the way SNS would refuse it (or worse, accept it and never deliver)."""
    given = [(p, a.strip()) for p, a in (("email", email), ("sms", sms), ("sqs", sqs), ("https", https)) if a.strip()]
    if len(given) != 1:
        raise SubscriptionError("give exactly one endpoint: --email, --sms, --sqs or --https")
    protocol, address = given[0]
    if protocol == "email" and not EMAIL.fullmatch(address):
        raise SubscriptionError(f"not an e-mail address: {address!r}")
    if protocol == "sms" and not E164.fullmatch(address):
        raise SubscriptionError("--sms takes a phone number in E.164 form, e.g. +15551234567")
    if protocol == "sqs" and not SQS_ARN.fullmatch(address):
        raise SubscriptionError("--sqs takes a queue ARN, e.g. arn:aws:sqs:us-east-1:123456789012:alerts")
    if protocol == "https":
        parts = urlsplit(address)
        if parts.scheme != "https" or not parts.hostname:
            raise SubscriptionError("--https takes an https:// URL (plain http is refused)")
    return Endpoint(protocol, address)


def _split(value: str) -> list[str]:
    """Comma-separated values; ';' instead when given (party names can hold commas: "Co., Ltd.")."""
    separator = ";" if ";" in value else ","
    return [part.strip() for part in value.split(separator) if part.strip()]


def filters(
    *,
    labels: str = "",
    min_severity: str = "",
    countries: str = "",
    entities: str = "",
    watchlist: str = "",
    digest: bool = False,
) -> Filters:
    """Validate the command line's filters against what alerts carry, so a filter can match something."""
    label_list = list(dict.fromkeys(_split(labels)))
    unknown = [label for label in label_list if label not in LABEL_NAMES]
    if unknown:
        raise SubscriptionError(f"unknown label {unknown[0]!r}; labels are: {', '.join(LABEL_NAMES)}")
    if min_severity and min_severity not in SEVERITIES:
        raise SubscriptionError("--min-severity is low, medium or high")
    codes = list(dict.fromkeys(code.upper() for code in _split(countries)))
    unknown = [code for code in codes if code not in BY_CODE]
    if unknown:
        raise SubscriptionError(f"unknown country code {unknown[0]!r}; alerts carry: {', '.join(sorted(BY_CODE))}")
    keys: list[str] = []
    for name in _split(entities):
        key = entity_key(name)
        if not key:
            raise SubscriptionError(f"{name!r} is not a party name (separate names holding commas with ';')")
        keys.append(key)
    if watchlist and not WATCHLIST_NAME.fullmatch(watchlist):
        raise SubscriptionError("a watchlist name is 1-64 letters, digits, '_', '.' or '-'")
    chosen = Filters(tuple(label_list), min_severity, tuple(codes), tuple(dict.fromkeys(keys)), watchlist, digest)
    if digest and (
        chosen.labels or chosen.countries or chosen.entities or watchlist or min_severity in ("medium", "high")
    ):
        raise SubscriptionError(
            "--digest takes no other filter: the daily digest has no labels, countries, parties or watchlists, "
            "and low severity"
        )
    return chosen


def policy(chosen: Filters) -> dict[str, list[str]]:
    """The SNS filter policy (scope: message attributes); empty for every message. Raises if SNS cannot take it."""
    rules: dict[str, list[str]] = {}
    if chosen.digest:
        rules["kind"] = ["digest"]
    if chosen.labels:
        rules["labels"] = list(chosen.labels)
    if chosen.min_severity in ("medium", "high"):  # at least low is every message: no key
        rules["severity"] = list(SEVERITIES[: SEVERITIES.index(chosen.min_severity) + 1])
    if chosen.countries:
        rules["countries"] = list(chosen.countries)
    if chosen.entities:
        rules["entities"] = list(chosen.entities)
    if chosen.watchlist:
        rules["watchlists"] = [chosen.watchlist]
    check_limits(rules)
    return rules


def check_limits(rules: dict[str, list[str]]) -> None:
    """Refuse a policy past SNS's limits, saying which and by how much (never cut it to fit)."""
    if len(rules) > MAX_KEYS:
        raise SubscriptionError(f"the filter uses {len(rules)} attributes; SNS takes at most {MAX_KEYS} in one policy")
    combinations = math.prod(len(values) for values in rules.values()) if rules else 0
    if combinations > MAX_COMBINATIONS:
        sizes = " x ".join(f"{len(values)} {key}" for key, values in rules.items())
        raise SubscriptionError(
            f"the filter makes {combinations} value combinations ({sizes}); SNS takes at most {MAX_COMBINATIONS}: "
            "use fewer values, or split it across subscriptions"
        )
    size = len(json.dumps(rules, ensure_ascii=False).encode())
    if size > MAX_POLICY_BYTES:
        raise SubscriptionError(f"the filter policy is {size:,} bytes; SNS takes at most {MAX_POLICY_BYTES:,}")


def describe(rules: dict[str, Any] | None) -> str:
    """A filter policy in words: "labels: Entity List addition; severity at least medium"."""
    if not rules:
        return "everything (alerts, reminders and the daily digest)"
    words = []
    for key, values in rules.items():
        plain = [v for v in values if isinstance(v, str)] if isinstance(values, list) else []
        if not isinstance(values, list) or len(plain) != len(values):
            words.append(f"{key}: {json.dumps(values)}")  # a policy written by hand, with operators
        elif key == "kind" and plain == ["digest"]:
            words.append("daily digest only")
        elif key == "labels":
            words.append("labels: " + ", ".join(LABEL_NAMES.get(v, v) for v in plain))
        elif key == "severity" and set(plain) in ({"high"}, {"high", "medium"}):
            words.append("severity at least " + ("high" if plain == ["high"] else "medium"))
        elif key == "countries":
            words.append("countries: " + ", ".join(name_of(v) for v in plain))
        elif key == "entities":
            words.append("parties: " + ", ".join(plain))
        elif key == "watchlists":
            words.append(("watchlist: " if len(plain) == 1 else "watchlists: ") + ", ".join(plain))
        else:
            words.append(f"{key}: " + ", ".join(plain))
    return "; ".join(words)


def mask(protocol: str, address: str) -> str:
    """The endpoint as a listing may show it: e-mail and phone partly hidden, no URL path or query."""
    if protocol in ("email", "email-json") and "@" in address:
        local, domain = address.rsplit("@", 1)
        return f"{local[:1]}***@{domain}"
    if protocol == "sms":
        return address[:2] + "*" * max(len(address) - 6, 0) + address[-4:]
    if protocol in ("https", "http"):
        parts = urlsplit(address)
        return f"{parts.scheme}://{parts.hostname}/..." if parts.path.strip("/") or parts.query else address
    return address


# ---------------------------------------------------------------- on SNS


def subscribe(
    sns: Any, topic_arn: str, where: Endpoint, rules: dict[str, list[str]], *, dead_letter_arn: str = ""
) -> str:
    """Subscribe the endpoint with its filter policy; returns the subscription ARN (pending until confirmed).

    With ``dead_letter_arn`` (the stack's SubscriptionDLQ), messages SNS gives up delivering land there, where
    the stack's alarm sees them, as for the subscriptions the template makes.
    """
    attributes: dict[str, str] = {}
    if rules:
        attributes = {"FilterPolicyScope": "MessageAttributes", "FilterPolicy": json.dumps(rules)}
    if dead_letter_arn:
        attributes["RedrivePolicy"] = json.dumps({"deadLetterTargetArn": dead_letter_arn})
    if where.protocol == "sqs":  # the JSON alert itself, attributes and all (as the local stack subscribes queues)
        attributes["RawMessageDelivery"] = "true"
    response = sns.subscribe(
        TopicArn=topic_arn,
        Protocol=where.protocol,
        Endpoint=where.address,
        Attributes=attributes,
        ReturnSubscriptionArn=True,
    )
    return str(response["SubscriptionArn"])


@dataclass(frozen=True, slots=True)
class Listed:
    """One subscription of the topic, as ``exportwatch subscriptions`` prints it."""

    arn: str
    protocol: str
    endpoint: str
    filter: str


def listed(sns: Any, topic_arn: str) -> Iterator[Listed]:
    """The topic's subscriptions with their endpoints masked and their filters in words."""
    for page in sns.get_paginator("list_subscriptions_by_topic").paginate(TopicArn=topic_arn):
        for sub in page.get("Subscriptions", []):
            arn = sub["SubscriptionArn"]
            rules = None
            if arn.startswith("arn:"):
                attributes = sns.get_subscription_attributes(SubscriptionArn=arn).get("Attributes", {})
                rules = json.loads(attributes["FilterPolicy"]) if attributes.get("FilterPolicy") else None
            yield Listed(arn, sub["Protocol"], mask(sub["Protocol"], sub["Endpoint"]), describe(rules))


def unsubscribe(sns: Any, topic_arn: str, arn: str) -> None:
    """Remove one subscription of this topic (an ARN of another topic is refused, not removed)."""
    from botocore.exceptions import ClientError

    if not arn.startswith(topic_arn + ":"):
        raise SubscriptionError(f"{arn} is not a subscription of {topic_arn}")
    try:
        sns.get_subscription_attributes(SubscriptionArn=arn)
    except ClientError as exc:
        raise SubscriptionError(f"no subscription {arn}") from exc
    sns.unsubscribe(SubscriptionArn=arn)


# ---------------------------------------------------------------- where the stack is


def stack_outputs(cloudformation: Any, stack: str) -> dict[str, str]:
    """The deployed stack's outputs (AlertsTopicArn, TableName, ...)."""
    from botocore.exceptions import ClientError

    try:
        stacks = cloudformation.describe_stacks(StackName=stack)["Stacks"]
    except ClientError as exc:
        raise SubscriptionError(f"stack {stack!r}: {exc.response['Error'].get('Message', exc)}") from exc
    return {o["OutputKey"]: o["OutputValue"] for o in stacks[0].get("Outputs", [])} if stacks else {}


def stack_output(cloudformation: Any, stack: str, key: str) -> str:
    """One output of the stack, or a one-line error naming what is missing."""
    value = stack_outputs(cloudformation, stack).get(key, "")
    if not value:
        raise SubscriptionError(f"stack {stack!r} has no {key} output (is it an exportwatch stack?)")
    return value
