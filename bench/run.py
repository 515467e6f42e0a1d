"""Benchmarks behind the budgets in docs/architecture.md (run: `make bench`).

1. Classification: its cost as a ratio of reading and writing the same JSON lines (budget 30x), and
   items/s on one core here, today.
2. Cold start: a handler's import time as a ratio of importing boto3 alone (budget 1.75x; median of
   7 fresh processes each).
3. An unchanged feed polled again: HTTP requests, DynamoDB calls and classifications it costs.
4. DynamoDB calls per new item: a poll of 30 new items forming 10 stories (budget 40 calls).
5. The Lambda layer's zipped size: the package plus the distributions its lock pins.
6. Screening: 10,000 counterparties against 3,000 listed entries with 10,000 aliases, as a ratio of
   reading the two files (budget 50x); both lists generated with a fixed seed from real Entity List rows.
7. Importing a 10,000-row watchlist into the table (on moto): seconds, here, today.
8. Backfill: 1,000 Federal Register documents (recorded real ones, replicated with distinct numbers and
   days) served on loopback and loaded through the real ingestion into the in-memory store that keeps the
   table's contract, as a ratio of only fetching and parsing the same pages, with the peak memory. Not on
   moto: moto deep-copies every table on each transaction, so its time grows with the square of the table
   (about 60 s for the first 100 documents here) and would measure moto (tests/integration/test_backfill.py
   runs the backfill on moto).

This machine's speed drifts between runs: speeds are stated as ratios against a reference measured
in the same run.
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

from exportwatch.classify import classify  # noqa: E402
from exportwatch.models import Item  # noqa: E402


def corpus_items() -> list[Item]:
    items = []
    for path in sorted((ROOT / "tests" / "fixtures" / "corpus").glob("*.jsonl")):
        items += [Item.from_json(json.loads(line)) for line in path.read_text().splitlines() if line.strip()]
    return items


def big_gazetteer(entries: int = 3000, aliases: int = 10_000):
    """The bundled list grown to ``entries`` parties and ``aliases`` aliases (names varied, shapes kept)."""
    from exportwatch.entity_list.gazetteer import Gazetteer, Listed, gazetteer

    real = gazetteer().entries
    grown = [
        Listed(f"{e.name} Branch {n}" if n else e.name, e.aliases, e.countries)
        for n in range(entries // len(real) + 1)
        for e in real
    ][:entries]
    have = sum(len(e.aliases) for e in grown)
    extra = (aliases - have) // len(grown) + 1
    grown = [
        Listed(e.name, (*e.aliases, *(f"{e.name.split()[0]} Alias {i} Trading Co., Ltd." for i in range(extra))),
               e.countries)
        for e in grown
    ]  # fmt: skip
    return Gazetteer(grown)


def bench_classify(rounds: int = 20) -> None:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})  # one core, as the budget says
    lines = []
    for path in sorted((ROOT / "tests" / "fixtures" / "corpus").glob("*.jsonl")):
        lines += [line for line in path.read_text().splitlines() if line.strip()]
    classify(Item.from_json(json.loads(lines[0])))  # warm the regex caches

    def best_of(work) -> float:
        best = float("inf")
        for _ in range(5):
            started = time.perf_counter()
            for _ in range(rounds):
                for line in lines:
                    work(line)
            best = min(best, time.perf_counter() - started)
        return best

    def read_write(line: str) -> str:
        data = json.loads(line)
        return json.dumps({"id": data["id"], "item": Item.from_json(data).title})

    def read_classify_write(line: str) -> str:
        data = json.loads(line)
        return json.dumps(classify(Item.from_json(data)).to_json(data["id"]))

    reference, classifying = best_of(read_write), best_of(read_classify_write)
    total = rounds * len(lines)
    print(
        f"classify: {classifying / reference:.1f}x the cost of reading and writing the same JSON lines (budget 30x); "
        f"here, today: {total / classifying:,.0f} items/s on one core ({len(lines)} corpus items x {rounds}, best of 5)"
    )
    from exportwatch.classify import parties

    big = big_gazetteer()
    bundled, parties.gazetteer = parties.gazetteer, lambda: big
    try:
        with_big = best_of(read_classify_write)
    finally:
        parties.gazetteer = bundled
    print(
        f"classify with a gazetteer of {len(big.entries):,} parties and "
        f"{sum(len(e.aliases) for e in big.entries):,} aliases ({big.forms:,} forms): "
        f"{with_big / reference:.1f}x (budget 30x)"
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
    print(f"import boto3 alone: {base:.0f} ms here, today (median of 7 fresh processes): the reference")
    for name in ("poll_feeds", "poll_federal_register", "poll_entity_list", "notify", "remind", "digest"):
        path = ROOT / "functions" / name / "app.py"
        spec = (
            "import importlib.util as u; s = u.spec_from_file_location('app', "
            f"'{path}'); m = u.module_from_spec(s); s.loader.exec_module(m)"
        )
        total = _import_ms(spec)
        print(f"cold start, functions/{name}: {total / base:.2f}x importing boto3 alone (budget 1.75x)")
    # The notify handler imports the matcher above; rapidfuzz comes with its first score, counted here.
    screening = _import_ms("import exportwatch.screening, rapidfuzz.distance")
    print(f"import exportwatch.screening (rapidfuzz included): {screening / base:.2f}x importing boto3 alone")


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
        import exportwatch.classify.labels as labels_module

        original = labels_module.classify

        def counting(item: Item, **kwargs: object) -> object:
            classified.append(item.id)
            return original(item, **kwargs)  # type: ignore[arg-type]

        labels_module.classify = counting
        fetcher = lambda u, **kw: fetch(u, allow_loopback=True, **kw)  # noqa: E731
        now = lambda: datetime(2019, 11, 22, tzinfo=UTC)  # noqa: E731
        poll_feeds([url], store, fetcher=fetcher, now=now)
        calls.clear(), classified.clear(), server.requests.clear()
        report = poll_feeds([url], store, fetcher=fetcher, now=now)
        labels_module.classify = original
    print(
        f"unchanged feed polled again: status {report.sources[0].status}, {len(server.requests)} HTTP request "
        f"(conditional: {'if-none-match' in server.requests[0][1]}), {len(calls)} DynamoDB call(s) {calls}, "
        f"{len(classified)} classifications"
    )


def bench_calls_per_new_item() -> None:
    import boto3
    from moto import mock_aws

    from exportwatch.aws.store import Store
    from exportwatch.models import FeedState
    from exportwatch.stories.ingest import ingest
    from exportwatch_cli.local import create_table, environment, load_template
    from tests.integration.test_store import clock, thirty_items

    env = {"AWS_ACCESS_KEY_ID": "x", "AWS_SECRET_ACCESS_KEY": "x", "AWS_DEFAULT_REGION": "us-east-1"}
    with environment(env), mock_aws():
        client = boto3.client("dynamodb")
        create_table(client, load_template(ROOT / "template.yaml"), "bench")
        calls: list[str] = []
        client.meta.events.register("before-call.dynamodb.*", lambda model, **_: calls.append(model.name))
        store = Store(client, "bench", now=clock)
        store.feed_state("https://news.example/feed")
        items = thirty_items()
        report = ingest(items, store, now=clock)
        store.put_feed_state(FeedState(url="https://news.example/feed"))
    print(
        f"new items: {len(calls)} DynamoDB calls for {len(items)} new items forming {len(report.stories_created)} "
        f"stories, {len(calls) / len(items):.2f} per item (budget 40 calls)"
    )


def bench_layer_size() -> None:
    import io
    import zipfile
    from importlib import metadata

    lock = (ROOT / "layers" / "core" / "requirements.txt").read_text()
    pinned = [line.split("==")[0].strip() for line in lock.splitlines() if "==" in line and not line.startswith("#")]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in (ROOT / "layers" / "core" / "exportwatch").rglob("*"):
            if path.is_file() and "__pycache__" not in path.parts:
                archive.write(path, Path("python") / path.relative_to(ROOT / "layers" / "core"))
        for name in pinned:
            for file in metadata.distribution(name).files or []:
                located = Path(str(file.locate()))
                if located.is_file() and "__pycache__" not in located.parts:
                    archive.write(located, Path("python") / str(file))
    print(
        f"layer: {buffer.tell() / 1e6:.2f} MB zipped (the exportwatch package and the {len(pinned)} distributions "
        "its lock pins; Lambda's limit is 50 MB zipped)"
    )


def _screening_lists(seed: int = 12) -> tuple[list[dict[str, str]], list[dict[str, object]]]:
    """A 10,000-row watchlist and 3,000 entries with 10,000 aliases, from the real rows (seeded variants).

    Entries: every real listed name with its real aliases, then variants of real names with one distinctive
    word taken from another entry (new parties that share vocabulary), aliases topped up with real
    spellings rewritten (case, legal form, word order). Watchlist: 5% variants of listed names (hits),
    the rest new names made of real listed words, the hardest case for blocking.
    """
    import csv
    import random

    rng = random.Random(seed)
    with (ROOT / "tests" / "fixtures" / "screening" / "el_csl_snapshot_2022.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    real: dict[str, list[str]] = {}
    for row in rows:
        aliases = real.setdefault(row["name"].strip(" ,"), [])
        aliases += [a.strip() for a in row["alt_names"].split(";") if a.strip() and a.strip() not in aliases]
    names = sorted(real)
    words = sorted({w for name in names for w in name.replace(",", " ").split() if len(w) > 3 and w.isalpha()})
    forms = ["Co., Ltd.", "LLC", "JSC", "Limited", "GmbH", "FZE", "Sdn Bhd", "Pvt Ltd", "Inc.", "OOO", "AO"]

    def rewrite(name: str) -> str:
        parts = name.split()
        choice = rng.randrange(4)
        if choice == 0:
            return name.upper()
        if choice == 1:
            return f"{name} {rng.choice(forms)}"
        if choice == 2 and len(parts) > 1:
            return " ".join(parts[1:] + parts[:1])
        return name.replace(",", "").replace(".", "")

    entries: list[dict[str, object]] = []
    for i in range(3000):
        base = names[i % len(names)]
        name = base
        if i >= len(names):
            parts = base.split()
            parts[rng.randrange(len(parts))] = rng.choice(words)
            name = " ".join(parts)
        aliases = list(real[base]) if i < len(names) else []
        entries.append({"action": "add", "name": name, "aliases": aliases, "country": "", "addresses": [],
                        "license_requirement": None, "license_policy": None, "citation": None})  # fmt: skip
    total = sum(len(e["aliases"]) for e in entries)  # type: ignore[arg-type]
    while total < 10_000:
        entry = entries[rng.randrange(len(entries))]
        entry["aliases"].append(rewrite(str(entry["name"])))  # type: ignore[attr-defined]
        total += 1
    watchlist = []
    for i in range(10_000):
        if i % 20 == 0:
            name = rewrite(str(entries[rng.randrange(len(entries))]["name"]))
        else:
            name = " ".join(rng.sample(words, rng.randint(2, 3))) + " " + rng.choice(forms)
        watchlist.append({"name": name, "country": "", "aliases": "", "reference": f"C-{i}"})
    return watchlist, entries


def bench_screening() -> None:
    import csv
    import io

    from exportwatch.screening import Index, analyse
    from exportwatch_cli.watchlist_files import read_entries, read_watchlist

    watchlist, entries = _screening_lists()
    csv_buffer = io.StringIO()
    writer = csv.DictWriter(csv_buffer, fieldnames=["name", "country", "aliases", "reference"])
    writer.writeheader()
    writer.writerows(watchlist)
    csv_text = csv_buffer.getvalue()
    jsonl_text = "".join(json.dumps(entry) + "\n" for entry in entries)

    def read() -> tuple[list, list]:
        return read_watchlist(io.StringIO(csv_text)), read_entries(io.StringIO(jsonl_text))

    def screen() -> int:
        analyse.cache_clear()  # each round normalizes every name afresh
        counterparties, listed = read()
        index = Index(listed)
        return sum(len(index.screen(party)) for party in counterparties)

    reading, screening = float("inf"), float("inf")
    for _ in range(3):  # interleaved, so both see the same load on this shared machine
        for _ in range(3):
            started = time.perf_counter()
            read()
            reading = min(reading, time.perf_counter() - started)
        started = time.perf_counter()
        matches = screen()
        screening = min(screening, time.perf_counter() - started)
    aliases = sum(len(e["aliases"]) for e in entries)  # type: ignore[arg-type]
    print(
        f"screening: {len(watchlist):,} counterparties against {len(entries):,} entries with {aliases:,} aliases: "
        f"{screening / reading:.1f}x the time of reading the two files (budget 50x); here, today: "
        f"{screening:.2f} s, {matches} matches (best of 3; reading best of 9)"
    )


def bench_watchlist_import() -> None:
    import boto3
    from moto import mock_aws

    from exportwatch.aws.store import Store
    from exportwatch.screening import Counterparty
    from exportwatch_cli.local import create_table, environment, load_template

    watchlist, _ = _screening_lists()
    parties = [Counterparty(row["name"], (), row["country"], row["reference"]) for row in watchlist]
    env = {"AWS_ACCESS_KEY_ID": "x", "AWS_SECRET_ACCESS_KEY": "x", "AWS_DEFAULT_REGION": "us-east-1"}
    with environment(env), mock_aws():
        client = boto3.client("dynamodb")
        create_table(client, load_template(ROOT / "template.yaml"), "bench")
        store = Store(client, "bench")
        started = time.perf_counter()
        store.put_watchlist("bench", parties, threshold=0.85)
        stored = time.perf_counter() - started
        started = time.perf_counter()
        found = store.get_watchlist("bench")
        loaded = time.perf_counter() - started
    count = len(found[1]) if found else 0
    print(
        f"watchlist import: {len(parties):,} rows stored in {stored:.2f} s, read back ({count:,}) in {loaded:.2f} s "
        "on moto, here, today (rows packed in 300 KB items: a handful of writes)"
    )


def _replicated_documents(count: int) -> list[dict[str, object]]:
    """``count`` documents: the recorded real ones in turn, each with its own number and publication day."""
    from datetime import date, timedelta

    folder = ROOT / "tests" / "fixtures" / "federal_register"
    recorded = [json.loads(path.read_text()) for path in sorted(folder.rglob("*.json"))]
    documents = []
    for n in range(count):
        day = date(2021, 1, 1) + timedelta(days=n)
        source = {k: v for k, v in recorded[n % len(recorded)].items() if k != "_provenance"}
        documents.append({**source, "document_number": f"{day.year}-{90000 + n}", "publication_date": day.isoformat()})
    return documents


def bench_backfill(count: int = 1000) -> None:
    import functools
    import io
    import resource
    import tracemalloc
    from datetime import date, timedelta

    from exportwatch.sources import federal_register
    from exportwatch.sources.fetch import fetch
    from exportwatch_cli.backfill import PER_PAGE, date_slices, run_backfill
    from exportwatch_cli.local import RecordedRegister, SampleServer
    from exportwatch_cli.memory import MemoryStore

    documents = _replicated_documents(count)
    agencies = ("industry-and-security-bureau", "state-department")
    since = date(2021, 1, 1)
    until = since + timedelta(days=count - 1)
    fetcher = functools.partial(fetch, allow_loopback=True)
    register = RecordedRegister(documents)
    with SampleServer({"/api/v1/documents.json": register}) as server:
        base = f"{server.base}/api/v1"
        # The reference: the same pages only fetched and parsed (what any backfill must at least do).
        started = time.perf_counter()
        parsed = 0
        for part in date_slices(since, until):
            url = federal_register.documents_url(base, agencies, part.first, until=part.last, per_page=PER_PAGE)
            while url:
                items, url, _problems = federal_register.parse_documents(fetcher(url).body, agency=agencies)
                parsed += len(items)
        reading = time.perf_counter() - started
        store = MemoryStore()
        started = time.perf_counter()
        report = run_backfill(
            store, since=since, until=until, agencies=agencies, base=base, fetcher=fetcher, pause=0.0, err=io.StringIO()
        )
        elapsed = time.perf_counter() - started
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        tracemalloc.start()  # a second run, into a fresh store, for the peak of what the backfill allocates
        run_backfill(
            MemoryStore(), since=since, until=until, agencies=agencies, base=base, fetcher=fetcher, pause=0.0,
            err=io.StringIO(),
        )  # fmt: skip
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    scale = 1024 if sys.platform != "darwin" else 1024 * 1024  # ru_maxrss: KiB on Linux, bytes on macOS
    print(
        f"backfill: {report.documents:,} documents ({parsed:,} read by the reference) in {report.requests} requests, "
        f"{report.ingest.stored:,} stored in {len(report.ingest.stories_created):,} stories by {store.writes} "
        "item-and-story transactions: "
        f"{elapsed / reading:.1f}x the time of only fetching and parsing the same pages; here, today: {elapsed:.1f} s "
        f"({report.documents / elapsed:.0f} documents/s, no pause between requests); peak memory: "
        f"{peak / 2**20:.1f} MB allocated at most by the backfill (tracemalloc; the bench process peaked at "
        f"{rss / scale:.0f} MB resident, earlier benchmarks included)"
    )


def _full_csl(target_bytes: int = 17 * 2**20) -> tuple[bytes, bytes]:
    """A CSL download the size of the real one (about 17 MB): the real 2022 Entity List rows, then other lists'.

    The real file's other lists (SDN, DPL, UVL, MEU ...) are not in the project; the same rows under another
    list's ``source`` stand in for them, since the poller reads and drops every such row. The second download is
    the first with the last 20 Entity List rows gone and 20 new ones: a rule's worth of change.
    """
    import csv
    import io

    path = ROOT / "tests" / "fixtures" / "screening" / "el_csl_snapshot_2022.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        fields = list(reader.fieldnames or ())
        rows = list(reader)

    def written(el_rows: list[dict[str, str]]) -> bytes:
        out = io.StringIO()
        writer = csv.DictWriter(out, fields)
        writer.writeheader()
        writer.writerows(el_rows)
        size, copy = out.tell(), 0
        while size < target_bytes:
            copy += 1
            for row in rows:
                writer.writerow({**row, "source": "Specially Designated Nationals (SDN) - Treasury Department",
                                 "_id": f"{row['_id']}-{copy}"})  # fmt: skip
            size = out.tell()
        return out.getvalue().encode()

    added = [{**row, "name": f"{row['name']} Trading Branch {n}", "_id": f"new-{n}"} for n, row in enumerate(rows[:20])]
    return written(rows), written(rows[:-20] + added)


def bench_entity_list_poll() -> None:
    import csv
    import functools
    import io
    import tracemalloc
    from datetime import UTC, datetime

    from exportwatch.entity_list.poll import poll_entity_list
    from exportwatch.sources.fetch import fetch
    from exportwatch_cli.local import Route, SampleServer
    from exportwatch_cli.memory import MemoryStore

    first, second = _full_csl()
    body = {"now": first}
    fetcher = functools.partial(fetch, allow_loopback=True)
    clock = iter(datetime(2026, 1, day, 6, tzinfo=UTC) for day in range(1, 30))
    with SampleServer({"/csl.csv": lambda _request: Route(body["now"], "text/csv")}) as server:
        url = f"{server.base}/csl.csv"
        # The reference: the same download fetched and read as CSV rows (what any poll of it must at least do).
        started = time.perf_counter()
        rows = sum(1 for _ in csv.DictReader(io.StringIO(fetcher(url, max_bytes=64 * 2**20).body.decode())))
        reading = time.perf_counter() - started

        def poll(store: MemoryStore) -> float:
            began = time.perf_counter()
            report = poll_entity_list(url, store, fetcher=fetcher, now=lambda: next(clock))
            assert report.count("failed") == 0, report.sources
            return time.perf_counter() - began

        store = MemoryStore()
        priming = poll(store)
        body["now"] = second
        changing = poll(store)
        body["now"] = first
        tracemalloc.start()  # the peak one changed download allocates: the function's memory must hold it
        poll(store)
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    print(
        f"entity list poll: a {len(first) / 2**20:.1f} MB CSL download ({rows:,} rows, 2,001 of them Entity List): "
        f"first snapshot {priming / reading:.1f}x, a changed list (20 added, 20 removed) {changing / reading:.1f}x the "
        f"time of fetching and reading the same CSV; here, today: {changing:.2f} s; peak memory {peak / 2**20:.0f} MB "
        "allocated (tracemalloc) against the function's 1,024 MB"
    )


if __name__ == "__main__":
    bench_classify()
    bench_imports()
    bench_unchanged_feed()
    bench_calls_per_new_item()
    bench_layer_size()
    bench_screening()
    bench_watchlist_import()
    bench_backfill()
    bench_entity_list_poll()
