"""The ``exportwatch`` command line (contract in docs/architecture.md; outside checks rely on it).

demo, classify, cluster, parse-feed, eval, entries, screen, watchlist, subscribe, unsubscribe, subscriptions,
replay. JSON lines in and out; bad input
lines get an error object, unusable input a one-line error on stderr and exit 2.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
from pathlib import Path
from typing import IO, Any

from exportwatch_cli.jsonlines import json_lines

EXIT_USAGE = 2


class CliError(Exception):
    """A one-line error for stderr; exit 2."""


def _open(path: str) -> IO[str]:
    if path == "-":
        return sys.stdin
    try:
        return Path(path).open(encoding="utf-8", errors="replace")  # closed by the caller
    except OSError as exc:
        raise CliError(f"cannot read {path}: {exc.strerror}") from exc


def _emit(data: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False) + "\n")


def _emit_error(command: str, ident: object, error: str) -> None:
    """A bad input line: its error in its place on stdout (outputs stay one per line), and said on stderr."""
    _emit({"id": ident, "error": error})
    sys.stderr.write(f"exportwatch {command}: {error}\n")


def cmd_classify(args: argparse.Namespace) -> int:
    """JSON lines in, one classification per line out, in order and streaming."""
    from exportwatch.classify import classify
    from exportwatch.models import InputError, Item

    with _open(args.file) as stream:
        for number, data, error in json_lines(stream):
            ident = data.get("id") if isinstance(data, dict) else None
            if error is None:
                try:
                    _emit(classify(Item.from_json(data)).to_json(str(ident)))
                    sys.stdout.flush()
                    continue
                except InputError as exc:
                    error = f"line {number}: {exc}"
                except Exception as exc:  # one line's bug must not cost the others theirs
                    error = f"line {number}: cannot classify ({type(exc).__name__}: {exc})"
            _emit_error("classify", ident, error)
    return 0


def _read_items(path: str) -> list[tuple[int, Any, str | None]]:
    """Parse JSON lines into items; a bad line keeps its place with an error message."""
    from exportwatch.models import InputError, Item

    with _open(path) as stream:
        rows = list(json_lines(stream))
    items: list[tuple[int, Any, str | None]] = []
    for number, data, error in rows:
        if error is None:
            try:
                items.append((number, Item.from_json(data), None))
                continue
            except InputError as exc:
                error = f"line {number}: {exc}"
        items.append((number, None, error))
    return items


def cmd_cluster(args: argparse.Namespace) -> int:
    """JSON lines in, ``{"id", "story_id"}`` per line out (stories formed in publication order)."""
    from exportwatch_cli.evaluate import cluster_by_ingestion

    rows = _read_items(args.file)
    good = [item for _, item, _ in rows if item is not None]
    story_ids = iter(cluster_by_ingestion(good))
    for _number, item, error in rows:
        if item is None:
            _emit_error("cluster", None, str(error))
        else:
            _emit({"id": item.id, "story_id": next(story_ids)})
    return 0


def cmd_cluster_eval(args: argparse.Namespace) -> int:
    """Items with a gold ``story`` key -> pairwise precision and recall of the clustering."""
    from exportwatch.models import InputError, Item
    from exportwatch.stories.cluster import story_id_for
    from exportwatch_cli.evaluate import alert_scores, ingested, pairwise_scores, story_errors

    with _open(args.file) as stream:
        rows = list(json_lines(stream))
    bad = [error or f"line {number}: not a JSON object" for number, data, error in rows if not isinstance(data, dict)]
    if bad:
        raise CliError(f"{len(bad)} unusable line(s), e.g. {bad[0]}")
    records = [data for _, data, _ in rows]
    if not records:
        raise CliError(f"{args.file}: no items to score")
    missing = [str(r.get("id")) for r in records if not isinstance(r.get("story"), str) or not r["story"]]
    if missing:
        raise CliError(f"{len(missing)} record(s) without a gold 'story' key, e.g. {missing[0]}")
    try:
        items = [Item.from_json(r) for r in records]
    except InputError as exc:
        raise CliError(str(exc)) from exc
    story_of, alerting, repeats = ingested(items)
    predicted = [story_of.get(item.id) or story_id_for(item.id) for item in items]
    gold = [str(r["story"]) for r in records]
    scores = pairwise_scores(predicted, gold, unclustered=[item.id not in story_of for item in items])
    # Alerts are scored where the items carry gold labels (a stories set without them says nothing of alerts).
    labelled = any("labels" in r for r in records)
    alerts = (
        alert_scores(predicted, gold, [bool(r.get("labels")) for r in records], alerting, repeats) if labelled else {}
    )
    errors = story_errors(predicted, gold, [item.id for item in items]) if args.misses else {}
    if args.json:
        _emit({**scores, **({"alerts": alerts} if alerts else {}), **errors})
    else:
        print(
            f"pairwise precision {scores['precision']:.3f}, recall {scores['recall']:.3f} over {scores['items']} "
            f"items: {scores['gold_stories']} gold stories, {scores['predicted_stories']} predicted "
            f"(pairs: {scores['pairs_tp']} right, {scores['pairs_fp']} wrongly joined, {scores['pairs_fn']} missed, "
            f"{scores['pairs_fn_unclustered']} of them with an item that joined no story)"
        )
        if alerts:
            print(
                f"alerts: {alerts['alerts']} stories alerted; of {alerts['events_labelled']} events with a gold label, "
                f"{alerts['events_alerted_once']} alerted once, {alerts['events_alerted_more']} more than once "
                f"({alerts['extra_alerts']} extra alerts, {alerts['extra_alerts_flagged']} of them naming the earlier "
                f"alert they repeat), {alerts['events_never_alerted']} never; events with no gold label that alerted: "
                f"{alerts['events_unlabelled_alerted']}; alerts naming another event's as one they may repeat: "
                f"{alerts['wrong_flags']}"
            )
        _print_errors(errors, {item.id: record for record, item in zip(records, items, strict=True)}, story_of)
    return 0


def _print_errors(errors: dict[str, Any], records: dict[str, dict[str, Any]], story_of: dict[str, str]) -> None:
    """The gold stories split and the stories wrongly joined (``cluster-eval --misses``), one item a line."""
    from exportwatch.text import one_line

    for kind, found in errors.items():
        for number, parts in enumerate(found, 1):
            print(f"\n{kind} {number}: gold story | story joined | published source | title")
            for part in parts:
                print("  --")
                for item_id in part:
                    record, joined = records[item_id], (story_of.get(item_id) or "none")[-6:]
                    title = one_line(str(record.get("title", "")), max_chars=100)
                    when = f"{record.get('published', '')} {record.get('source', 'news')}"
                    print(f"  {record['story']} | {joined} | {when} | {title}")


def cmd_parse_feed(args: argparse.Namespace) -> int:
    """A feed (file or URL) -> normalized items as JSON lines."""
    from exportwatch.sources.feeds import ParseError, parse_feed
    from exportwatch.sources.fetch import FetchError, fetch

    source = args.source
    try:
        if source.startswith(("http://", "https://")):
            response = fetch(source, allow_loopback=os.environ.get("EXPORTWATCH_ALLOW_LOOPBACK") == "1", retries=1)
            body, url, ctype = response.body, response.url, response.headers.get("content-type", "")
        else:
            path = Path(source)
            if not path.is_file():
                raise CliError(f"no such file: {source}")
            if path.stat().st_size > 10 * 1024 * 1024:
                raise CliError(f"{source}: larger than 10 MB")
            body, url, ctype = path.read_bytes(), path.resolve().as_uri(), ""
        parsed = parse_feed(body, url=url, content_type=ctype)
    except (FetchError, ParseError) as exc:
        raise CliError(f"{source}: {exc}") from exc
    for item in parsed.items:
        _emit(
            {
                "id": item.id,
                "title": item.title,
                "text": item.text,
                "source": item.source,
                "url": item.url,
                "published": item.published or None,
            }
        )
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    """Gold-labelled JSON lines -> per-label precision/recall/F1 (table, or --json)."""
    from exportwatch.models import InputError
    from exportwatch_cli.evaluate import evaluate

    records = []
    for path in args.files:
        with _open(path) as stream:
            for _number, data, error in json_lines(stream):
                if error is not None or not isinstance(data, dict):
                    raise CliError(f"{path}: {error or 'not an object'}")
                records.append(data)
    if not records:
        raise CliError(f"{', '.join(args.files)}: no items to score")
    if args.title_only:
        # A document on public inspection shows its title a day before its abstract: what the first alert reads.
        records = [{**record, "text": ""} for record in records]
    try:
        result = evaluate(records)
    except InputError as exc:
        raise CliError(str(exc)) from exc
    if args.json:
        payload: dict[str, Any] = result.to_json()
        if args.errors:
            payload["errors"] = result.errors
        _emit(payload)
    else:
        print(result.table())
        if args.errors:
            for miss in result.errors:
                print(json.dumps(miss, ensure_ascii=False))
    return 0


def cmd_entries(args: argparse.Namespace) -> int:
    """An Entity List rule's text -> one JSON line per entry."""
    from exportwatch.entity_list.rule_text import parse_entries

    with _open(args.file) as stream:
        text = stream.read()
    entries = parse_entries(text)
    for entry in entries:
        _emit(entry.to_json())
    if not entries:
        # Still exit 0 (no entries is an answer), but say so: an empty output must not read as a clean rule.
        print(f"{args.file}: no Entity List entries found (not an Entity List rule's text?)", file=sys.stderr)
    return 0


def cmd_screen(args: argparse.Namespace) -> int:
    """A watchlist CSV against listed parties (``entries`` JSON lines) -> one JSON line per match."""
    from exportwatch.screening import Index
    from exportwatch_cli.watchlist_files import WatchlistError, read_entries, read_watchlist

    if args.watchlist == "-" and args.entries == "-":
        raise CliError("the watchlist and the entries cannot both be standard input")
    if not 0.0 < args.threshold <= 1.0:
        raise CliError("--threshold must be above 0 and at most 1")
    try:
        with _open(args.watchlist) as stream:
            counterparties = read_watchlist(stream)
        with _open(args.entries) as stream:
            listed = read_entries(stream)
    except (WatchlistError, csv.Error, UnicodeDecodeError) as exc:
        raise CliError(str(exc)) from exc
    index = Index(listed)
    for counterparty in counterparties:
        for match in index.screen(counterparty, args.threshold):
            _emit(match.to_json())
    return 0


def _watchlist_store(stack: str = "") -> Any:
    """The deployed stack's table (``--stack``: its TableName output) or the one TABLE_NAME names."""
    from exportwatch import settings
    from exportwatch.aws import clients
    from exportwatch.aws.store import Store

    try:
        return Store(clients.dynamodb(), _stack_output(stack, "TableName") if stack else settings.load().table_name)
    except settings.SettingsError as exc:
        raise CliError(f"{exc} (or give --stack NAME)") from exc


def _current_list(store: Any) -> tuple[list[Any], str]:
    """The list as the stack's last poll of its source kept it, else the snapshot bundled with the layer."""
    import os

    from exportwatch.screening import Listed
    from exportwatch.settings import Settings
    from exportwatch_cli.watchlist_files import BUNDLED_SNAPSHOT, read_bundled

    source = os.environ.get("ENTITY_LIST_SOURCE", "").strip() or Settings.entity_list_source
    stored = store.list_snapshot(source)
    if stored is None or not stored.entries:
        return read_bundled(), BUNDLED_SNAPSHOT
    listed = [Listed(entry.name, tuple(entry.aliases), entry.country) for entry in stored.entries]
    return listed, f"the stack's list snapshot of {stored.taken[:10]}, from {source}"


def _stack_output(stack: str, key: str) -> str:
    """One output of the deployed stack, read with CloudFormation's DescribeStacks."""
    import boto3

    from exportwatch.aws.clients import RETRIES
    from exportwatch_cli.subscriptions import SubscriptionError, stack_output

    try:
        return stack_output(boto3.client("cloudformation", config=RETRIES), stack, key)
    except SubscriptionError as exc:
        raise CliError(str(exc)) from exc


def _alerts_topic(stack: str) -> str:
    """The alerts topic: the stack's AlertsTopicArn output, else ALERTS_TOPIC_ARN (the local moto stack's)."""
    topic = _stack_output(stack, "AlertsTopicArn") if stack else os.environ.get("ALERTS_TOPIC_ARN", "").strip()
    if not topic:
        raise CliError("give --stack NAME (the deployed stack) or set ALERTS_TOPIC_ARN")
    return topic


def cmd_subscribe(args: argparse.Namespace) -> int:
    """Subscribe one endpoint to the alerts, with its filters as an SNS filter policy."""
    from exportwatch.aws import clients
    from exportwatch_cli import subscriptions as subs

    try:
        where = subs.endpoint(email=args.email, sms=args.sms, sqs=args.sqs, https=args.https)
        rules = subs.policy(
            subs.filters(
                labels=args.labels, min_severity=args.min_severity, countries=args.countries,
                entities=args.entities, watchlist=args.watchlist, digest=args.digest,
            )
        )  # fmt: skip
    except subs.SubscriptionError as exc:
        raise CliError(str(exc)) from exc
    topic = _alerts_topic(args.stack)
    dlq = os.environ.get("SUBSCRIPTION_DLQ_ARN", "")
    if args.stack:
        try:
            dlq = _stack_output(args.stack, "SubscriptionDLQArn")
        except CliError:  # a stack deployed before the output existed
            dlq = ""
    arn = subs.subscribe(clients.sns(), topic, where, rules, dead_letter_arn=dlq.strip())
    if not dlq.strip():
        print(
            "exportwatch: no dead-letter queue (give --stack NAME or set SUBSCRIPTION_DLQ_ARN): messages SNS cannot "
            "deliver to this endpoint are dropped without an alarm",
            file=sys.stderr,
        )
    print(f"{arn}\t{where.protocol}\t{subs.mask(where.protocol, where.address)}\t{subs.describe(rules)}")
    if where.protocol in ("email", "https"):
        print(f"exportwatch: the {where.protocol} endpoint must confirm the subscription first", file=sys.stderr)
    if where.protocol == "sqs":
        print(
            "exportwatch: the queue's policy must let sns.amazonaws.com send messages from the topic", file=sys.stderr
        )
    return 0


def cmd_unsubscribe(args: argparse.Namespace) -> int:
    """Remove one subscription of the alerts topic."""
    from exportwatch.aws import clients
    from exportwatch_cli import subscriptions as subs

    try:
        subs.unsubscribe(clients.sns(), _alerts_topic(args.stack), args.arn)
    except subs.SubscriptionError as exc:
        raise CliError(str(exc)) from exc
    print(f"unsubscribed {args.arn}")
    return 0


def cmd_subscriptions(args: argparse.Namespace) -> int:
    """List the alerts topic's subscriptions: endpoint (partly hidden) and filter in words."""
    from exportwatch.aws import clients
    from exportwatch_cli import subscriptions as subs

    for sub in subs.listed(clients.sns(), _alerts_topic(args.stack)):
        print(f"{sub.arn}\t{sub.protocol}\t{sub.endpoint}\t{sub.filter}")
    return 0


def cmd_watchlist(args: argparse.Namespace) -> int:
    """Import, list or remove watchlists; an import can be screened against a list snapshot at once."""
    from exportwatch.ports import WATCHLIST_NAME, StoreError
    from exportwatch.screening import Index
    from exportwatch_cli.watchlist_files import WatchlistError, describe, read_snapshot, read_watchlist

    name = getattr(args, "name", "")
    if args.action != "list" and not WATCHLIST_NAME.fullmatch(name):
        raise CliError("a watchlist name is 1-64 letters, digits, '_', '.' or '-', starting with a letter or digit")
    try:
        if args.action == "import":
            if not 0.0 < args.threshold <= 1.0:
                raise CliError("--threshold must be above 0 and at most 1")
            with _open(args.file) as stream:
                counterparties = read_watchlist(stream)
            store = _watchlist_store(args.stack)
            if args.snapshot:
                listed, snapshot = read_snapshot(args.snapshot), Path(args.snapshot).name
            else:
                listed, snapshot = _current_list(store)
            info = store.put_watchlist(name, counterparties, threshold=args.threshold)
            print(f"watchlist '{info.name}': {info.count:,} counterparties stored (threshold {info.threshold})")
            matches = Index(listed).screen_all(counterparties, info.threshold)
            found = len({id(m.counterparty) for m in matches})
            print(f"{found} of your {info.count:,} counterparties are on the Entity List today "
                  f"(snapshot {snapshot}, {len(listed):,} listed parties)")  # fmt: skip
            for match in matches:
                print("  " + describe(match))
        elif args.action == "list":
            for info in _watchlist_store(args.stack).watchlists():
                print(f"{info.name}\t{info.count} counterparties\tthreshold {info.threshold}\timported {info.imported}")
        elif not _watchlist_store(args.stack).remove_watchlist(name):
            raise CliError(f"no watchlist named '{name}'")
        else:
            print(f"watchlist '{name}' removed")
    except (WatchlistError, csv.Error, UnicodeDecodeError, StoreError) as exc:
        raise CliError(str(exc)) from exc
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    """The whole pipeline on moto, with bundled sample sources served on loopback."""
    try:
        from exportwatch_cli.demo import run_demo
    except ImportError as exc:  # moto and PyYAML are the "local" extra
        raise CliError(f"the demo needs the local extra: pip install 'exportwatch[local]' ({exc})") from exc
    return run_demo(as_json=args.json)


def cmd_preview(args: argparse.Namespace) -> int:
    """What the sample subscribers would have received from the real sources over the last days."""
    from exportwatch_cli.preview import PreviewError, run_preview

    if not 1 <= args.days <= 3650:
        raise CliError("--days must be between 1 and 3650 (for years of history into a table: exportwatch backfill)")
    feeds = [url.strip() for url in args.feeds.split(",") if url.strip()]
    try:
        return run_preview(days=args.days, feeds=feeds, base=args.base, as_json=args.json)
    except PreviewError as exc:
        raise CliError(str(exc)) from exc


def cmd_backfill(args: argparse.Namespace) -> int:
    """Federal Register history into the table: stories built as in production, no alert sent; resumable."""
    from exportwatch_cli.backfill import BackfillError, backfill_command

    try:
        return backfill_command(
            since=args.since,
            until=args.until,
            stack=args.stack,
            base=args.base,
            pause=args.pause,
            restart=args.restart,
            as_json=args.json,
        )
    except BackfillError as exc:
        raise CliError(str(exc)) from exc
    except KeyboardInterrupt as exc:
        raise CliError("interrupted: what was loaded stays; run the same command again to resume") from exc


def cmd_replay(args: argparse.Namespace) -> int:
    """Re-send recent stories' alerts that were never published, then clear the on-failure queue."""
    from exportwatch import settings
    from exportwatch.aws import clients
    from exportwatch.aws.sender import OutsideLambda, idempotent_sender
    from exportwatch.aws.store import Store
    from exportwatch.screening.watchlists import WatchlistScreener
    from exportwatch_cli.replay import replay

    try:
        config = settings.load()
    except settings.SettingsError as exc:
        raise CliError(str(exc)) from exc
    if not config.alerts_topic_arn:
        raise CliError("environment variable ALERTS_TOPIC_ARN is required")
    send, idempotency = idempotent_sender(
        clients.sns(), config.alerts_topic_arn, clients.dynamodb(), config.table_name,
        chat_topic_arn=config.chat_topic_arn,
    )  # fmt: skip
    idempotency.register_lambda_context(OutsideLambda())  # type: ignore[arg-type]
    sqs = clients.sqs() if args.queue_url else None
    store = Store(clients.dynamodb(), config.table_name)
    screener = WatchlistScreener(store)
    report = replay(store, send, since=args.since, sqs=sqs, queue_url=args.queue_url, screener=screener)
    _emit(
        {
            "stories_checked": report.stories_checked,
            "sent_or_confirmed": report.sent_or_confirmed,
            "already_sent": report.already_sent,
            "failed": report.failed,
            "failures_cleared": report.failures_cleared,
            "failed_batches": report.batches,
        }
    )
    if report.failed:
        print(
            f"exportwatch: replay: {len(report.failed)} stories could not be sent; the failure queue was kept",
            file=sys.stderr,
        )
        return 1
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (exposed for tests and docs)."""
    summary = (__doc__.splitlines()[0] if __doc__ else "").replace("``", "")  # plain text, not reST, in --help
    parser = argparse.ArgumentParser(prog="exportwatch", description=summary)
    sub = parser.add_subparsers(dest="command", required=True)
    demo = sub.add_parser("demo", help="run the full pipeline locally on moto and print what subscribers got")
    demo.add_argument("--json", action="store_true", help="one JSON line per message received")
    demo.set_defaults(func=cmd_demo)
    preview = sub.add_parser("preview", help="what the sample subscribers would have received from the real sources")
    preview.add_argument("--days", type=int, default=30, help="how many days back to poll (default 30)")
    preview.add_argument("--feeds", default="", help="news feeds to poll too, comma-separated https URLs")
    preview.add_argument("--base", default="", help="the Federal Register API base URL (default: the real one)")
    preview.add_argument("--json", action="store_true", help="one JSON line per message received")
    preview.set_defaults(func=cmd_preview)
    backfill = sub.add_parser("backfill", help="Federal Register history into the table (no alert sent; resumable)")
    backfill.add_argument("--since", required=True, help="first publication day, YYYY-MM-DD")
    backfill.add_argument("--until", default="", help="last publication day, YYYY-MM-DD (default: yesterday, UTC)")
    backfill.add_argument("--stack", default="", help="a deployed stack (its TableName output); else TABLE_NAME")
    backfill.add_argument("--base", default="", help="the Federal Register API base URL (default: the real one)")
    backfill.add_argument("--pause", type=float, default=1.0, help="seconds between API requests (default 1)")
    backfill.add_argument("--restart", action="store_true", help="ignore the saved progress and start over")
    backfill.add_argument("--json", action="store_true", help="print the summary as one JSON line")
    backfill.set_defaults(func=cmd_backfill)
    classify = sub.add_parser("classify", help="JSON lines in -> classifications out")
    classify.add_argument("file", nargs="?", default="-")
    classify.set_defaults(func=cmd_classify)
    cluster = sub.add_parser("cluster", help='JSON lines in -> {"id", "story_id"} per line')
    cluster.add_argument("file", nargs="?", default="-")
    cluster.set_defaults(func=cmd_cluster)
    cluster_eval = sub.add_parser("cluster-eval", help="items with a gold 'story' key -> pairwise precision/recall")
    cluster_eval.add_argument("file")
    cluster_eval.add_argument("--json", action="store_true", help="machine-readable output")
    cluster_eval.add_argument(
        "--misses", action="store_true", help="also list the gold stories split and the stories wrongly joined"
    )
    cluster_eval.set_defaults(func=cmd_cluster_eval)
    parse_feed = sub.add_parser("parse-feed", help="a feed file or URL -> normalized items")
    parse_feed.add_argument("source")
    parse_feed.set_defaults(func=cmd_parse_feed)
    evaluate = sub.add_parser("eval", help="gold-labelled JSON lines -> per-label precision/recall/F1")
    evaluate.add_argument("files", nargs="+", metavar="FILE")
    evaluate.add_argument("--json", action="store_true", help="machine-readable output")
    evaluate.add_argument("--errors", action="store_true", help="also list the misclassified items")
    evaluate.add_argument(
        "--title-only", action="store_true", help="score each item on its title alone, as public inspection shows it"
    )
    evaluate.set_defaults(func=cmd_eval)
    entries = sub.add_parser("entries", help="an Entity List rule's text -> one JSON line per entry")
    entries.add_argument("file", nargs="?", default="-")
    entries.set_defaults(func=cmd_entries)
    screen = sub.add_parser("screen", help="a watchlist CSV against listed parties -> one JSON line per match")
    screen.add_argument("watchlist", metavar="WATCHLIST")
    screen.add_argument("entries", nargs="?", default="-", metavar="ENTRIES")
    screen.add_argument("--threshold", type=float, default=0.85, help="lowest score that is a match (default 0.85)")
    screen.set_defaults(func=cmd_screen)
    watchlist = sub.add_parser("watchlist", help="store, list or remove watchlists (the table named by TABLE_NAME)")
    actions = watchlist.add_subparsers(dest="action", required=True)
    imports = actions.add_parser("import", help="store a counterparties CSV under NAME (replaces one of that name)")
    imports.add_argument("name", metavar="NAME")
    imports.add_argument("file", metavar="FILE.csv")
    imports.add_argument("--threshold", type=float, default=0.85, help="lowest score that is a match (default 0.85)")
    imports.add_argument(
        "--snapshot",
        default="",
        help="screen it now against this list snapshot (CSL CSV or entries); default: the bundled snapshot",
    )
    listing = actions.add_parser("list", help="the stored watchlists")
    removes = actions.add_parser("remove", help="delete a watchlist")
    removes.add_argument("name", metavar="NAME")
    for action in (imports, listing, removes):
        action.add_argument("--stack", default="", help="the deployed stack's name (its TableName output)")
    watchlist.set_defaults(func=cmd_watchlist)
    _subscription_parsers(sub)
    replay = sub.add_parser("replay", help="re-send alerts that failed every retry (idempotent), clear the DLQ")
    replay.add_argument("--since", required=True, help="stories changed on or after this ISO date")
    replay.add_argument("--queue-url", default="", help="the NotifyFailureQueueUrl stack output")
    replay.set_defaults(func=cmd_replay)
    return parser


def _subscription_parsers(sub: Any) -> None:
    """``subscribe``, ``unsubscribe`` and ``subscriptions`` (README, "Subscribe")."""
    stack_help = "the deployed stack's name (its AlertsTopicArn output); default: ALERTS_TOPIC_ARN"
    subscribe = sub.add_parser("subscribe", help="subscribe one endpoint to the alerts, with filters")
    where = subscribe.add_mutually_exclusive_group(required=True)
    where.add_argument("--email", default="", metavar="ADDR", help="an e-mail address (it must confirm)")
    where.add_argument("--sms", default="", metavar="NUMBER", help="a phone number in E.164 form (+15551234567)")
    where.add_argument("--sqs", default="", metavar="ARN", help="an SQS queue ARN (raw delivery of the JSON alert)")
    where.add_argument("--https", default="", metavar="URL", help="an https:// endpoint (it must confirm)")
    subscribe.add_argument("--labels", default="", help="comma-separated labels, e.g. entity_list.addition")
    subscribe.add_argument("--min-severity", default="", choices=["low", "medium", "high"], help="lowest severity")
    subscribe.add_argument("--countries", default="", help="comma-separated ISO codes, e.g. CN,RU")
    subscribe.add_argument("--entities", default="", help="party names, comma- (or ';'-) separated")
    subscribe.add_argument("--watchlist", default="", metavar="NAME", help="alerts matching this watchlist only")
    subscribe.add_argument("--digest", action="store_true", help="the daily digest only")
    unsubscribe = sub.add_parser("unsubscribe", help="remove one subscription of the alerts topic")
    unsubscribe.add_argument("arn", metavar="ARN")
    listing = sub.add_parser("subscriptions", help="the alerts topic's subscriptions and their filters in words")
    for parser, func in ((subscribe, cmd_subscribe), (unsubscribe, cmd_unsubscribe), (listing, cmd_subscriptions)):
        parser.add_argument("--stack", default="", help=stack_help)
        parser.set_defaults(func=func)


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``exportwatch`` script."""
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except CliError as exc:
        print(f"exportwatch {args.command}: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:
        return 0
    except Exception as exc:
        # No region, no credentials, an expired token, a denied call: one line that says what to set, not a
        # traceback (botocore is imported only by the commands that talk to AWS).
        if not type(exc).__module__.startswith("botocore"):
            raise
        print(f"exportwatch {args.command}: AWS: {exc}{_aws_hint(exc)}", file=sys.stderr)
        return EXIT_USAGE


def _aws_hint(exc: Exception) -> str:
    name = type(exc).__name__
    if name == "NoRegionError":
        return " (set AWS_REGION, or AWS_PROFILE with a region, to the stack's region)"
    if name in ("NoCredentialsError", "PartialCredentialsError", "ProfileNotFound"):
        return " (set AWS_PROFILE or AWS credentials for the account that runs the stack)"
    return ""


if __name__ == "__main__":
    sys.exit(main())
