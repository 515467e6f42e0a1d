"""``exportwatch demo``: the real handlers, in process, on moto, fed by sample sources over loopback HTTP.

Nothing here is a second implementation: the pollers fetch over HTTP like in production, the
table and topic come from ``template.yaml``, stream records reach ``notify`` in Lambda's shape,
and subscribers are SQS queues with SNS filter policies, as an SQS subscriber would be in AWS.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from importlib import resources
from types import ModuleType
from typing import Any

from exportwatch import aws
from exportwatch_cli.local import (
    FakeLambdaContext,
    Route,
    SampleServer,
    StreamReader,
    create_table,
    create_topic,
    drain,
    environment,
    load_handler,
    load_template,
    repo_root,
    stream_source,
    subscribe_queue,
)

REGION = "us-east-1"
TABLE = "exportwatch-demo"
ENTITY_LIST_LABELS = ["entity_list.addition", "entity_list.removal", "entity_list.revision"]


@dataclass(frozen=True)
class Subscriber:
    """A sample subscriber: an SQS queue standing for an e-mail or SMS endpoint, with its filter."""

    name: str
    protocol: str
    filter_policy: dict[str, Any] | None
    wants: str


SUBSCRIBERS = (
    Subscriber("compliance-team", "email", None, "every alert"),
    Subscriber("entity-list-desk", "email", {"labels": ENTITY_LIST_LABELS}, "Entity List changes only"),
    Subscriber("on-call-phone", "sms", {"severity": ["high", "medium"]}, "high and medium severity, by SMS"),
)


RULE_TEXTS = {  # the sample rules' full texts, at the paths documents.json names
    "/text/2021-27406.xml": ("2021-27406.xml", "application/xml; charset=utf-8"),
    "/text/2023-25557.txt": ("2023-25557.txt", "text/plain; charset=utf-8"),
}
_TEXT_FIELDS = ("full_text_xml_url", "body_html_url", "raw_text_url")


Routes = dict[str, Route | Callable[[BaseHTTPRequestHandler], Route]]


def sample_routes() -> Routes:
    """The bundled sample sources, at the paths the pollers will ask for."""
    samples = resources.files("exportwatch_cli") / "samples"
    documents = json.loads((samples / "documents.json").read_text(encoding="utf-8"))

    def documents_route(request: BaseHTTPRequestHandler) -> Route:
        """The search answer, its text URLs on this server (samples/documents.json gives them as paths)."""
        address = request.server.server_address
        base = f"http://{address[0]}:{address[1]}" if isinstance(address, tuple) else ""
        results = [
            {key: base + value if key in _TEXT_FIELDS and str(value).startswith("/") else value
             for key, value in document.items()}
            for document in documents["results"]
        ]  # fmt: skip
        return Route(json.dumps({**documents, "results": results}).encode(), "application/json")

    return {
        "/feeds/news.xml": Route((samples / "news.xml").read_bytes(), "application/rss+xml; charset=utf-8"),
        "/api/v1/documents.json": documents_route,
        "/api/v1/public-inspection-documents/current.json": Route(
            (samples / "public_inspection.json").read_bytes(), "application/json"
        ),
        **{path: Route((samples / name).read_bytes(), kind) for path, (name, kind) in RULE_TEXTS.items()},
    }


@dataclass
class LocalStack:
    """The pipeline running on moto: poll, deliver the stream to notify, read the subscribers' queues."""

    handlers: dict[str, ModuleType]
    reader: StreamReader
    sqs: Any
    queues: dict[str, str]
    server: SampleServer
    context: FakeLambdaContext = field(default_factory=FakeLambdaContext)
    chat_queue: str = ""  # a team channel on the chat topic, when the stack has one (``chat=True``)

    def poll(self) -> dict[str, Any]:
        """Run both pollers once (as their schedules would), then deliver the stream to notify."""
        feeds = self.handlers["poll_feeds"].lambda_handler({}, self.context)
        register = self.handlers["poll_federal_register"].lambda_handler({}, self.context)
        failures = 0
        batches = self.reader.events()
        for event in batches:
            failures += len(self.handlers["notify"].lambda_handler(event, self.context)["batchItemFailures"])
        return {
            "feeds": feeds,
            "federal_register": register,
            "stream_batches": len(batches),
            "stream_failures": failures,
        }

    def inbox(self) -> dict[str, list[dict[str, Any]]]:
        """What each subscriber received since the last look."""
        return {name: drain(self.sqs, url) for name, url in self.queues.items()}

    def chat(self) -> list[dict[str, Any]]:
        """What the team channel on the chat topic received since the last look (custom notifications)."""
        return drain(self.sqs, self.chat_queue) if self.chat_queue else []


@contextmanager
def local_stack(
    routes: Routes | None = None,
    *,
    extra_env: dict[str, str] | None = None,
    subscribers: tuple[Subscriber, ...] = SUBSCRIBERS,
    chat: bool = False,
) -> Iterator[LocalStack]:
    """Start moto, the sample server and the handlers; yields a :class:`LocalStack`."""
    import boto3
    from moto import mock_aws

    root = repo_root()
    template = load_template(root / "template.yaml")
    with ExitStack() as stack:
        stack.enter_context(environment({
            "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_SESSION_TOKEN": "testing",
            "AWS_DEFAULT_REGION": REGION, "AWS_REGION": REGION,
        }))  # fmt: skip
        # Keep boto3's default session (and the service models it has loaded) from one stack to the next.
        stack.enter_context(mock_aws(config={"core": {"reset_boto3_session": False}}))
        server = stack.enter_context(SampleServer(routes if routes is not None else sample_routes()))
        dynamodb = boto3.client("dynamodb", region_name=REGION)
        sns = boto3.client("sns", region_name=REGION)
        sqs = boto3.client("sqs", region_name=REGION)
        stream_arn = create_table(dynamodb, template, TABLE)
        topic_arn = create_topic(sns, template, "exportwatch-demo-alerts")
        queues = {s.name: subscribe_queue(sns, sqs, topic_arn, s.name, s.filter_policy) for s in subscribers}
        chat_env, chat_queue = {}, ""
        if chat:  # the stack with ChatNotifications=enabled: a chat topic, and a channel subscribed to it
            chat_topic = create_topic(sns, template, "exportwatch-demo-chat", logical_id="ChatTopic")
            chat_env, chat_queue = {"CHAT_TOPIC_ARN": chat_topic}, subscribe_queue(sns, sqs, chat_topic, "team", None)
        env = {
            "TABLE_NAME": TABLE, "ALERTS_TOPIC_ARN": topic_arn,
            "FEED_URLS": f"{server.base}/feeds/news.xml", "FEDERAL_REGISTER_BASE": f"{server.base}/api/v1",
            "EXPORTWATCH_ALLOW_LOOPBACK": "1", "POWERTOOLS_SERVICE_NAME": "exportwatch",
            "POWERTOOLS_METRICS_NAMESPACE": "ExportWatchDemo", "POWERTOOLS_METRICS_DISABLED": "true",
            "POWERTOOLS_LOG_LEVEL": os.environ.get("EXPORTWATCH_DEMO_LOG_LEVEL", "CRITICAL"),
            "WATCHED_ENTITIES": "", "LOOKBACK_DAYS": "3",
            "MAX_ITEM_AGE_DAYS": "0",  # the samples are real reports of 2019: no age limit locally
            **chat_env, **(extra_env or {}),
        }  # fmt: skip
        stack.enter_context(environment(env))
        aws.clear_caches()
        stack.callback(aws.clear_caches)
        handlers = {
            name: load_handler(root, name)
            for name in ("poll_feeds", "poll_federal_register", "notify", "remind", "digest")
        }
        source = stream_source(template)
        # Recent botocore sends stream calls to account-based endpoints, which moto does not route yet.
        streams = boto3.client(
            "dynamodbstreams", region_name=REGION, endpoint_url=f"https://streams.dynamodb.{REGION}.amazonaws.com"
        )
        reader = StreamReader(streams, stream_arn, patterns=source["patterns"], batch_size=source["batch_size"])
        yield LocalStack(handlers, reader, sqs, queues, server, chat_queue=chat_queue)


def received(subscriber: Subscriber, message: dict[str, Any]) -> dict[str, Any]:
    """What the subscriber's protocol shows of an alert (the ``demo --json`` line)."""
    line: dict[str, Any] = {"subscriber": subscriber.name, "protocol": subscriber.protocol}
    if subscriber.protocol == "email":
        line["subject"] = message["subject"]
        line["body"] = message["email"]
    elif subscriber.protocol == "sms":
        line["body"] = message["sms"]
    else:
        line["body"] = message["default"]
    line["story_id"] = message["story_id"]
    line["labels"] = list(message["labels"])
    return line


def _summary(result: dict[str, Any]) -> str:
    parts = []
    for poll in (result["feeds"], result["federal_register"]):
        for source in poll["sources"]:
            parts.append(
                f"{source['source'].rsplit('/', 1)[-1]}: {source['status']}"
                + (f" ({source['items']} items)" if source["items"] else "")
            )
    feeds, register = result["feeds"], result["federal_register"]
    created = len(feeds["stories_created"]) + len(register["stories_created"])
    updated = len(feeds["stories_updated"]) + len(register["stories_updated"])
    stored = feeds["stored"] + register["stored"]
    skipped = feeds["irrelevant"] + register["irrelevant"]
    seen = feeds["already_seen"] + register["already_seen"]
    return (
        f"  sources: {'; '.join(parts)}\n  items: {stored} stored in stories, {skipped} not relevant, "
        f"{seen} already seen; stories: {created} new, {updated} materially updated"
    )


def run_demo(*, as_json: bool = False) -> int:
    """Run two polling rounds and print what every sample subscriber received."""
    out = sys.stdout
    with local_stack(chat=not as_json) as stack:
        import_sample_watchlist(None if as_json else out)
        first = stack.poll()
        inbox = stack.inbox()
        chat = stack.chat()
        second = stack.poll()
        again = stack.inbox()
        base = stack.server.base
    if as_json:  # every message of both polls: a duplicate from polling again would show here
        write_inbox(out, {name: [*inbox[name], *again[name]] for name in inbox}, as_json=True)
        return 0
    out.write(f"exportwatch demo: handlers on moto, sample sources served at {base}\n\n")
    out.write("Poll 1\n" + _summary(first) + "\n")
    out.write("Poll 2 (same sources again)\n" + _summary(second) + "\n")
    out.write(f"  new messages after poll 2: {sum(len(v) for v in again.values())}\n")
    write_inbox(out, inbox)
    write_chat(out, chat)
    return 0


def write_chat(out: Any, notifications: list[dict[str, Any]]) -> None:
    """Print what a Slack or Teams channel shows of each custom notification (README, "Subscribe")."""
    out.write(
        f"\n{'=' * 78}\nteam-channel (Slack or Teams, through Amazon Q Developer in chat applications; "
        f"wants every alert): {len(notifications)} message(s)\n{'=' * 78}\n"
    )
    for notification in notifications:
        content = notification["content"]
        out.write(f"*{content['title']}*\n{content['description']}\n")
        out.write(f"keywords: {', '.join(content['keywords'])}\n" + "-" * 78 + "\n")


def import_sample_watchlist(out: Any) -> None:
    """Store the sample customer watchlist in the local table, as ``exportwatch watchlist import`` would.

    notify screens every alert against it: the Huawei story then leads with the match.
    """
    import boto3

    from exportwatch.aws.store import Store
    from exportwatch_cli.watchlist_files import read_watchlist

    with (resources.files("exportwatch_cli") / "samples" / "customers.csv").open(encoding="utf-8") as stream:
        rows = read_watchlist(stream)
    info = Store(boto3.client("dynamodb", region_name=REGION), TABLE).put_watchlist("customers", rows, threshold=0.85)
    if out is not None:
        out.write(f"Watchlist '{info.name}' imported: {info.count} sample counterparties (samples/customers.csv)\n")


def write_inbox(out: Any, inbox: dict[str, list[dict[str, Any]]], *, as_json: bool = False) -> None:
    """Print what each sample subscriber received: as text, or one ``demo --json`` line per message."""
    for subscriber in SUBSCRIBERS:
        messages = inbox.get(subscriber.name, [])
        if as_json:
            for message in messages:
                out.write(json.dumps(received(subscriber, message), ensure_ascii=False) + "\n")
            continue
        out.write(
            f"\n{'=' * 78}\n{subscriber.name} ({subscriber.protocol}; wants {subscriber.wants}): "
            f"{len(messages)} message(s)\n{'=' * 78}\n"
        )
        for message in messages:
            shown = received(subscriber, message)
            if "subject" in shown:
                out.write(f"Subject: {shown['subject']}\n\n")
            out.write(shown["body"].rstrip() + "\n" + "-" * 78 + "\n")
