"""Benchmarks behind the budgets in docs/architecture.md (run: `make bench`).

1. Classification throughput on one core, over the labelled corpus (items/s).
2. Cold-start cost: a handler's import time over importing boto3 alone (ms, median of 7 fresh processes).
3. An unchanged feed polled again: HTTP requests, DynamoDB calls and classifications it costs.

Numbers depend on the machine; the printed lines say what was measured.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "layers" / "core")]

from exportwatch.classify import labels as classify_module  # noqa: E402
from exportwatch.models import Item  # noqa: E402


def corpus_items() -> list[Item]:
    items = []
    for path in sorted((ROOT / "tests" / "fixtures" / "corpus").glob("*.jsonl")):
        items += [Item.from_json(json.loads(line)) for line in path.read_text().splitlines() if line.strip()]
    return items


def bench_classify(rounds: int = 20) -> None:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})  # one core, as the budget says
    items = corpus_items()
    classify_module.classify(items[0])  # warm the regex caches
    best = float("inf")
    for _ in range(5):
        started = time.perf_counter()
        for _ in range(rounds):
            for item in items:
                classify_module.classify(item)
        best = min(best, time.perf_counter() - started)
    total = rounds * len(items)
    chars = sum(len(i.title) + len(i.text) for i in items) / len(items)
    print(
        f"classify: {total / best:,.0f} items/s on one core "
        f"({len(items)} corpus items x {rounds}, mean {chars:,.0f} characters; best of 5)"
    )


def _import_ms(statement: str) -> float:
    code = f"import time; t = time.perf_counter(); {statement}; print((time.perf_counter() - t) * 1000)"
    env = {
        "PYTHONPATH": f"{ROOT}:{ROOT / 'layers' / 'core'}",
        "POWERTOOLS_SERVICE_NAME": "bench",
        "POWERTOOLS_METRICS_NAMESPACE": "Bench",
        "PATH": "/usr/bin:/bin",
    }
    samples = []
    for _ in range(7):
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
        samples.append(float(out.stdout.strip()))
    return statistics.median(samples)


def bench_imports() -> None:
    base = _import_ms("import boto3")
    print(f"import boto3 alone: {base:.0f} ms (median of 7 fresh processes)")
    for name in ("poll_feeds", "poll_federal_register", "notify", "remind", "digest"):
        path = ROOT / "functions" / name / "app.py"
        spec = (
            f"import boto3, importlib.util as u; s = u.spec_from_file_location('app', '{path}');"
            " m = u.module_from_spec(s); s.loader.exec_module(m)"
        )
        total = _import_ms(spec)
        print(f"cold start, functions/{name}: +{total - base:.0f} ms over boto3 (budget 150 ms)")


def bench_unchanged_feed() -> None:
    import boto3
    from moto import mock_aws

    from exportwatch.aws.store import Store
    from exportwatch.sources.fetch import fetch
    from exportwatch.sources.poll import poll_feeds
    from exportwatch_cli.local import Route, SampleServer, create_table, environment, load_template

    body = (ROOT / "cli" / "exportwatch_cli" / "samples" / "news.xml").read_bytes()
    env = {"AWS_ACCESS_KEY_ID": "x", "AWS_SECRET_ACCESS_KEY": "x", "AWS_DEFAULT_REGION": "us-east-1"}
    with environment(env), mock_aws(), SampleServer({"/feed": Route(body, "application/rss+xml")}) as server:
        client = boto3.client("dynamodb")
        create_table(client, load_template(ROOT / "template.yaml"), "bench")
        store = Store(client, "bench")
        url = f"{server.base}/feed"
        calls: list[str] = []
        client.meta.events.register("before-call.dynamodb.*", lambda model, **_: calls.append(model.name))
        classified = []
        original = classify_module.classify

        def counting(item: Item, **kwargs: object) -> object:
            classified.append(item.id)
            return original(item, **kwargs)  # type: ignore[arg-type]

        import exportwatch.ingest as ingest_module

        ingest_module.classify = counting  # type: ignore[assignment]
        fetcher = lambda u, **kw: fetch(u, allow_loopback=True, **kw)  # noqa: E731
        now = lambda: datetime(2019, 11, 22, tzinfo=UTC)  # noqa: E731
        poll_feeds([url], store, fetcher=fetcher, now=now)
        calls.clear(), classified.clear(), server.requests.clear()
        report = poll_feeds([url], store, fetcher=fetcher, now=now)
        ingest_module.classify = original
    print(
        f"unchanged feed polled again: status {report.sources[0].status}, {len(server.requests)} HTTP request "
        f"(conditional: {'if-none-match' in server.requests[0][1]}), {len(calls)} DynamoDB call(s) {calls}, "
        f"{len(classified)} classifications"
    )


if __name__ == "__main__":
    bench_classify()
    bench_imports()
    bench_unchanged_feed()
