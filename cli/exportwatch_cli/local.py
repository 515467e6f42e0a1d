"""Local stand-ins for what AWS and the internet do in production, for the demo and the tests.

- the table and topic are created on moto from ``template.yaml`` itself (one schema, not two);
- sample sources are served by a real HTTP server on loopback, with ETag / 304 like a real feed;
- DynamoDB stream records are read from moto and delivered to ``notify`` as Lambda would:
  same event shape, same filter criteria (read from the template), batches of the template's size.

Needs the ``local`` extra (moto, PyYAML); nothing here is imported by a Lambda function.
"""

from __future__ import annotations

import copy
import functools
import hashlib
import importlib.util
import json
import threading
import urllib.parse
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import ModuleType
from typing import Any

import yaml


class _TemplateLoader(yaml.SafeLoader):
    """YAML loader that reads CloudFormation's short-form intrinsics (``!Ref``, ``!GetAtt`` ...)."""


def _intrinsic(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> dict[str, Any]:
    name = "Ref" if suffix == "Ref" else f"Fn::{suffix}"
    if isinstance(node, yaml.ScalarNode):
        value: Any = loader.construct_scalar(node)
        if suffix == "GetAtt":
            value = str(value).split(".", 1)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)
    return {name: value}


_TemplateLoader.add_multi_constructor("!", _intrinsic)


def repo_root(start: Path | None = None) -> Path:
    """The folder holding ``template.yaml``: the working directory or above, else the package's checkout."""
    candidates = [start or Path.cwd(), Path(__file__).resolve().parent]
    for base in candidates:
        for folder in (base, *base.parents):
            if (folder / "template.yaml").is_file() and (folder / "functions").is_dir():
                return folder
    raise FileNotFoundError("template.yaml not found: run from the exportwatch repository")


def load_template(path: Path) -> dict[str, Any]:
    """Parse a SAM/CloudFormation template, intrinsics included (a fresh copy each call)."""
    stat = path.stat()
    return copy.deepcopy(_parsed_template(path.resolve(), stat.st_mtime_ns, stat.st_size))


@functools.lru_cache(maxsize=4)
def _parsed_template(path: Path, _mtime_ns: int, _size: int) -> dict[str, Any]:
    """The parse itself, once per version of the file: the demo and every test build stacks from it."""
    with path.open(encoding="utf-8") as stream:
        return dict(yaml.load(stream, Loader=_TemplateLoader))  # a SafeLoader subclass


def create_table(dynamodb: Any, template: dict[str, Any], name: str, logical_id: str = "Table") -> str:
    """Create the template's table on (moto) DynamoDB; returns its stream ARN."""
    props = template["Resources"][logical_id]["Properties"]
    kwargs: dict[str, Any] = {
        "TableName": name,
        "AttributeDefinitions": props["AttributeDefinitions"],
        "KeySchema": props["KeySchema"],
        "BillingMode": props.get("BillingMode", "PAY_PER_REQUEST"),
    }
    if props.get("GlobalSecondaryIndexes"):
        kwargs["GlobalSecondaryIndexes"] = props["GlobalSecondaryIndexes"]
    if props.get("StreamSpecification"):
        kwargs["StreamSpecification"] = {"StreamEnabled": True, **props["StreamSpecification"]}
    response = dynamodb.create_table(**kwargs)
    ttl = props.get("TimeToLiveSpecification")
    if ttl:
        dynamodb.update_time_to_live(TableName=name, TimeToLiveSpecification=ttl)
    return str(response["TableDescription"].get("LatestStreamArn", ""))


def create_topic(sns: Any, template: dict[str, Any], name: str, logical_id: str = "AlertsTopic") -> str:
    """Create the template's topic (its plain attributes; KMS is not emulated) and return its ARN."""
    props = template["Resources"][logical_id].get("Properties", {})
    attributes = {"DisplayName": str(props["DisplayName"])} if isinstance(props.get("DisplayName"), str) else {}
    return str(sns.create_topic(Name=name, Attributes=attributes)["TopicArn"])


def stream_source(template: dict[str, Any], function: str = "NotifyFunction") -> dict[str, Any]:
    """The DynamoDB stream mapping of a function in the template (batch size, filter patterns).

    Declared as an ``AWS::Lambda::EventSourceMapping`` (so the function's role reads only the table's
    stream), or as a SAM ``DynamoDB`` event.
    """
    sources = [
        r["Properties"]
        for r in template["Resources"].values()
        if r["Type"] == "AWS::Lambda::EventSourceMapping" and r["Properties"].get("FunctionName") == {"Ref": function}
    ]
    events = template["Resources"][function]["Properties"].get("Events", {}).values()
    sources += [e["Properties"] for e in events if e["Type"] == "DynamoDB"]
    for props in sources:
        patterns = [json.loads(f["Pattern"]) for f in props.get("FilterCriteria", {}).get("Filters", [])]
        return {"batch_size": int(props.get("BatchSize", 100)), "patterns": patterns}
    raise KeyError(f"{function} has no DynamoDB event source")


def matches(pattern: Any, value: Any) -> bool:
    """A small EventBridge-style matcher: nested keys, exact values and ``prefix`` (what our template uses)."""
    if isinstance(pattern, dict):
        return isinstance(value, dict) and all(k in value and matches(v, value[k]) for k, v in pattern.items())
    if isinstance(pattern, list):
        for option in pattern:
            if isinstance(option, dict) and "prefix" in option:
                if isinstance(value, str) and value.startswith(option["prefix"]):
                    return True
            elif option == value:
                return True
        return False
    return bool(pattern == value)


@dataclass
class StreamReader:
    """Reads new records from a moto DynamoDB stream and shapes them as Lambda stream events."""

    streams: Any
    stream_arn: str
    patterns: list[dict[str, Any]] = field(default_factory=list)
    batch_size: int = 10
    _checkpoints: dict[str, str] = field(default_factory=dict)

    def records(self) -> list[dict[str, Any]]:
        """Every record added since the last call, filtered by the template's patterns.

        Like Lambda, the reader checkpoints a sequence number, not an iterator: each call starts a
        fresh iterator after the last record read. (moto also rebuilds a table when it rolls back a
        failed transaction, which leaves older iterators reading a stale shard.)
        """
        found: list[dict[str, Any]] = []
        shards = self.streams.describe_stream(StreamArn=self.stream_arn)["StreamDescription"]["Shards"]
        for shard in shards:
            shard_id = shard["ShardId"]
            after = self._checkpoints.get(shard_id)
            position = (
                {"ShardIteratorType": "AFTER_SEQUENCE_NUMBER", "SequenceNumber": after}
                if after
                else {"ShardIteratorType": "TRIM_HORIZON"}
            )
            iterator = self.streams.get_shard_iterator(StreamArn=self.stream_arn, ShardId=shard_id, **position)[
                "ShardIterator"
            ]
            while iterator:
                response = self.streams.get_records(ShardIterator=iterator)
                if not response["Records"]:
                    break
                found += [self._lambda_record(r) for r in response["Records"]]
                self._checkpoints[shard_id] = response["Records"][-1]["dynamodb"]["SequenceNumber"]
                iterator = response.get("NextShardIterator")
        return [r for r in found if not self.patterns or any(matches(p, r) for p in self.patterns)]

    def events(self) -> list[dict[str, Any]]:
        """New records as Lambda events of at most ``batch_size`` records each."""
        records = self.records()
        return [{"Records": records[i : i + self.batch_size]} for i in range(0, len(records), self.batch_size)]

    def _lambda_record(self, record: dict[str, Any]) -> dict[str, Any]:
        change = dict(record["dynamodb"])
        created = change.get("ApproximateCreationDateTime")
        if isinstance(created, datetime):
            change["ApproximateCreationDateTime"] = int(created.timestamp())
        return {
            "eventID": record["eventID"], "eventName": record["eventName"],
            "eventVersion": record.get("eventVersion", "1.1"), "eventSource": "aws:dynamodb",
            "awsRegion": record.get("awsRegion", "us-east-1"), "dynamodb": change, "eventSourceARN": self.stream_arn,
        }  # fmt: skip


@dataclass(frozen=True)
class Route:
    """A body served at a path, with the validators a real server would send."""

    body: bytes
    content_type: str
    status: int = 200
    headers: tuple[tuple[str, str], ...] = ()

    @property
    def etag(self) -> str:
        """A strong validator derived from the body."""
        return '"' + hashlib.sha256(self.body).hexdigest()[:16] + '"'


class SampleServer:
    """A real HTTP server on 127.0.0.1 serving fixed routes; answers 304 to a matching If-None-Match."""

    def __init__(self, routes: Mapping[str, Route | Callable[[BaseHTTPRequestHandler], Route]]) -> None:
        self.routes = routes
        self.requests: list[tuple[str, dict[str, str]]] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                path = self.path.split("?", 1)[0]
                server.requests.append((self.path, {k.lower(): v for k, v in self.headers.items()}))
                route = server.routes.get(path)
                if callable(route):
                    route = route(self)
                if route is None:
                    self.send_error(404)
                    return
                if route.status == 200 and self.headers.get("If-None-Match") == route.etag:
                    self.send_response(304)
                    self.send_header("ETag", route.etag)
                    self.end_headers()
                    return
                self.send_response(route.status)
                self.send_header("Content-Type", route.content_type)
                self.send_header("Content-Length", str(len(route.body)))
                if route.status == 200:
                    self.send_header("ETag", route.etag)
                for name, value in route.headers:
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(route.body)

            def log_message(self, format: str, *args: Any) -> None:
                return

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)

    @property
    def base(self) -> str:
        """``http://127.0.0.1:<port>``."""
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def __enter__(self) -> SampleServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)


@dataclass
class FakeLambdaContext:
    """Enough of ``LambdaContext`` for Powertools (logger, idempotency)."""

    function_name: str = "exportwatch-local"
    memory_limit_in_mb: int = 512
    invoked_function_arn: str = "arn:aws:lambda:us-east-1:123456789012:function:exportwatch-local"
    aws_request_id: str = "00000000-0000-0000-0000-000000000000"
    log_group_name: str = "/aws/lambda/exportwatch-local"
    log_stream_name: str = "local"
    remaining_millis: int = 120_000

    def get_remaining_time_in_millis(self) -> int:
        """What a real invocation would have left (idempotency's in-progress expiry derives from it)."""
        return self.remaining_millis


def load_handler(root: Path, name: str) -> ModuleType:
    """Import ``functions/<name>/app.py`` as Lambda would load it (its folder is the code root)."""
    path = root / "functions" / name / "app.py"
    spec = importlib.util.spec_from_file_location(f"exportwatch_function_{name}", path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def subscribe_queue(sns: Any, sqs: Any, topic_arn: str, name: str, filter_policy: dict[str, Any] | None) -> str:
    """An SQS queue subscribed to the topic (raw delivery, optional filter policy); returns its URL."""
    url = str(sqs.create_queue(QueueName=name)["QueueUrl"])
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    attributes = {"RawMessageDelivery": "true"}
    if filter_policy:
        attributes["FilterPolicy"] = json.dumps(filter_policy)
    sns.subscribe(TopicArn=topic_arn, Protocol="sqs", Endpoint=arn, Attributes=attributes)
    return url


def drain(sqs: Any, queue_url: str) -> list[dict[str, Any]]:
    """Receive and delete every message waiting in a queue; bodies parsed as JSON."""
    messages: list[dict[str, Any]] = []
    while True:
        response = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=0)
        batch = response.get("Messages", [])
        if not batch:
            return messages
        for message in batch:
            messages.append(json.loads(message["Body"]))
            sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])


@contextmanager
def environment(values: dict[str, str]) -> Iterator[None]:
    """Set environment variables for the block, then restore them."""
    import os

    saved = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


class RecordedRegister:
    """The Federal Register API's ``documents.json`` search over recorded real documents, for loopback servers.

    It honours what the pollers and the backfill ask: ``conditions[agencies][]`` (OR), the publication-date
    range, ``order`` and ``per_page``, and pages through ``next_page_url`` as the API does. ``fault`` may
    answer a request instead (a 429 with ``Retry-After``, a 503, an outage): it gets the request's number
    (from 1) and path, and returns a route or None.
    """

    def __init__(
        self,
        documents: list[dict[str, Any]],
        fault: Callable[[int, str], Route | None] | None = None,
    ) -> None:
        self.documents = documents
        self.fault = fault
        self.served: list[str] = []

    def __call__(self, request: BaseHTTPRequestHandler) -> Route:
        """Answer one request of ``/api/v1/documents.json``."""
        self.served.append(request.path)
        failed = self.fault(len(self.served), request.path) if self.fault else None
        if failed is not None:
            return failed
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(request.path).query)
        agencies = set(query.get("conditions[agencies][]", []))
        first = query.get("conditions[publication_date][gte]", [""])[0]
        last = query.get("conditions[publication_date][lte]", ["9999-12-31"])[0]
        found = [
            doc
            for doc in self.documents
            if first <= doc["publication_date"] <= last
            and (not agencies or agencies & {a.get("slug") for a in doc.get("agencies", [])})
        ]
        found.sort(
            key=lambda d: (d["publication_date"], d["document_number"]), reverse=query.get("order") == ["newest"]
        )
        per_page = int(query.get("per_page", ["20"])[0])
        page = int(query.get("page", ["1"])[0])
        body: dict[str, Any] = {"count": len(found), "description": "recorded documents"}
        if found:
            body["results"] = found[(page - 1) * per_page : page * per_page]
            body["total_pages"] = -(-len(found) // per_page)
        if page * per_page < len(found):
            parts = urllib.parse.urlsplit(request.path)
            pairs = [(k, v) for k, v in urllib.parse.parse_qsl(parts.query) if k != "page"] + [("page", str(page + 1))]
            host = request.headers.get("Host", "")  # the address the client used, as the API's own links do
            body["next_page_url"] = f"http://{host}{parts.path}?{urllib.parse.urlencode(pairs)}"
        return Route(json.dumps(body).encode(), "application/json")
