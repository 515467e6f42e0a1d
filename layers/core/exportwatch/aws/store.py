"""DynamoDB access: the only module that reads or writes the table.

One table holds items, stories, key lookups, feed state and idempotency records:

=================  ==========  ==============================================================
pk                 sk          what
=================  ==========  ==============================================================
ITEM#<item id>     ITEM        an item seen (relevant or not), with its content fingerprint: stored once per version
STORY#<story id>   STORY       a story; its ``version`` counts alerts, the stream drives notify
KEY#<key>          KEY         document number / citation / URL -> story id
FEED#<url hash>    STATE       ETag, Last-Modified and failure count of one source
DOC#<doc number>   TEXT        the entries of a document's full text, and which version they came from
IDEMPOTENCY#...    <hash>      Powertools idempotency records of notify
WATCHLISTS         <name>      a watchlist's name, size, threshold, import time and the import its rows are
WATCHLIST#<name>   ROWS#<import>#<n>  its counterparties, packed as JSON in chunks under 300 KB, one set per import
WEEK#<yyyy-Www>    WEEK        the stories first published that ISO week, and their count (new stories' lock)
LIST#<url hash>    HEAD        the Entity List snapshot of a list source: its digest, count and chunk count
LIST#<url hash>    CHUNK#<d>#n  the snapshot's entries, gzipped JSON cut in chunks under 300 KB (d: its digest)
IDEMPOTENCY#...    <hash>      Powertools idempotency records of notify (16 days)
IDEMPOTENCY#notify SENT#<id>   the highest version of a story published (replay sends only later ones)
CHECKPOINT#<job>   STATE       how far a long job got (a backfill's finished date slices and next page URL)
=================  ==========  ==============================================================

"Seen" is enforced by conditional writes, not by reading first: an item and its story change
are written in one transaction whose item put requires ``attribute_not_exists(pk)``, so two
pollers racing on the same item store it once and alert once.

Every SDK error leaves this module as a ``ports.StoreError`` (or as the outcomes
``ItemAlreadyStored`` / ``StoryChanged``): logic above never sees botocore.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from boto3.dynamodb.types import Binary, TypeDeserializer, TypeSerializer
from botocore.exceptions import BotoCoreError, ClientError

from exportwatch.models import (
    Counterparty,
    EarlierAlert,
    Entry,
    Evidence,
    FeedState,
    Item,
    ListSnapshot,
    RuleText,
    Story,
    StoryItem,
)
from exportwatch.ports import (
    ItemAlreadyStored,
    ItemTooLarge,
    Stored,
    StoreError,
    StoryChanged,
    Versioned,
    WatchlistChanged,
    WatchlistInfo,
    Window,
    week_of,
)
from exportwatch.stories.bounds import MAX_ID, MAX_URL

PK, SK = "pk", "sk"
GSI1, GSI1_PK, GSI1_SK = "ByPublished", "gsi1pk", "gsi1sk"  # stories by first publication day, per year
GSI2, GSI2_PK, GSI2_SK = "ByDeadline", "gsi2pk", "gsi2sk"  # sparse: stories with an expiry date
GSI3, GSI3_PK, GSI3_SK = "BySeenDay", "gsi3pk", "gsi3sk"  # stories by the day they last changed
DEADLINE_PK = "DEADLINE"
TTL_ATTRIBUTE = "expiration"
ITEM_PREFIX, STORY_PREFIX, KEY_PREFIX, FEED_PREFIX, WEEK_PREFIX = "ITEM#", "STORY#", "KEY#", "FEED#", "WEEK#"
DOC_PREFIX = "DOC#"
CHECKPOINT_PREFIX = "CHECKPOINT#"
# Entries travel gzipped in one binary attribute of the story (and of the text record): the story's stream image
# then carries them to notify with no read, written in the same transaction as the story. About 100 bytes an
# entry compressed; past this budget the last entries are left out and ``entries_total`` keeps the count.
ENTRIES_BUDGET = 250_000
IDEMPOTENCY_PK = "IDEMPOTENCY#notify"
IRRELEVANT_TTL_DAYS = 30
SENT_PREFIX = "SENT#"  # sort key of a story's send marker, under IDEMPOTENCY_PK
SENT_TTL_DAYS = 400
WATCHLISTS_PK, WATCHLIST_PREFIX, ROWS_PREFIX = "WATCHLISTS", "WATCHLIST#", "ROWS#"
_CHUNK_BYTES = 300_000  # a DynamoDB item holds 400 KB
LIST_PREFIX, CHUNK_PREFIX = "LIST#", "CHUNK#"  # the Entity List snapshot of a list source

_ser, _de = TypeSerializer(), TypeDeserializer()


@contextmanager
def _table_errors(what: str) -> Iterator[None]:
    """Turn an SDK failure (after botocore's own retries) into the domain's ``StoreError``."""
    try:
        yield
    except ClientError as exc:
        if _too_large(exc):
            raise ItemTooLarge(f"{what} refused: a record exceeds the item size limit") from exc
        code = exc.response.get("Error", {}).get("Code", "")
        raise StoreError(f"{what} failed: {code or exc}") from exc
    except BotoCoreError as exc:
        code = exc.response.get("Error", {}).get("Code", "") if isinstance(exc, ClientError) else type(exc).__name__
        raise StoreError(f"{what} failed: {code or exc}") from exc


def _too_large(exc: ClientError) -> bool:
    """Whether the table refused a record for its size (a ValidationException, or a cancelled transaction's reason)."""
    error = exc.response.get("Error", {})
    messages = [str(error.get("Message", ""))]
    messages += [str(r.get("Message", "")) for r in exc.response.get("CancellationReasons") or []]
    return error.get("Code") in ("ValidationException", "TransactionCanceledException") and any(
        "size" in m.lower() and "exceed" in m.lower() for m in messages
    )


def _key(value: str) -> str:
    return value if len(value) <= 512 else "sha256:" + hashlib.sha256(value.encode()).hexdigest()


def _dump(data: dict[str, Any]) -> dict[str, Any]:
    return {k: _ser.serialize(v) for k, v in data.items() if v is not None and v != "" and v != [] and v != {}}


def _load(image: dict[str, Any]) -> dict[str, Any]:
    return {k: _de.deserialize(_bytes_in(v)) for k, v in image.items()}


def _bytes_in(value: dict[str, Any]) -> dict[str, Any]:
    """A Lambda stream event carries binary attributes base64-encoded; boto3 and moto give bytes."""
    if isinstance(value, dict) and isinstance(value.get("B"), str):
        return {"B": base64.b64decode(value["B"])}
    return value


def pack_entries(entries: Sequence[Entry], *, budget: int = ENTRIES_BUDGET) -> tuple[bytes, int]:
    """Entries as gzipped JSON within ``budget`` bytes; returns the bytes and how many entries they hold."""
    keep = len(entries)
    while True:
        packed = gzip.compress(
            json.dumps([e.to_json() for e in entries[:keep]], ensure_ascii=False, separators=(",", ":")).encode(),
            mtime=0,
        )
        if len(packed) <= budget or keep == 0:
            return packed, keep
        keep = keep * budget // len(packed) * 9 // 10  # shrink in proportion, with a margin


def unpack_entries(value: Any) -> tuple[Entry, ...]:
    """Entries from the binary attribute (``Binary`` once read; see ``_bytes_in`` for Lambda's base64)."""
    if value is None or value == "":
        return ()
    raw = value.value if isinstance(value, Binary) else value
    return tuple(Entry.from_json(e) for e in json.loads(gzip.decompress(bytes(raw)).decode()))


def story_to_record(story: Story, *, rev: int) -> dict[str, Any]:
    """A story as a DynamoDB item (typed JSON); also the shape of stream images."""
    return _dump({
        PK: STORY_PREFIX + story.story_id, SK: "STORY",
        GSI1_PK: "PUB#" + story.published[:4], GSI1_SK: f"{story.published}#{story.story_id}",
        GSI2_PK: DEADLINE_PK if story.dates.get("expires") else None,
        GSI2_SK: f"{story.dates['expires']}#{story.story_id}" if story.dates.get("expires") else None,
        GSI3_PK: "SEEN#" + story.last_seen[:10] if story.last_seen else None, GSI3_SK: story.story_id,
        "story_id": story.story_id, "title": story.title, "labels": list(story.labels),
        "severity": story.severity, "entities": list(story.entities), "countries": list(story.countries),
        "dates": dict(story.dates),
        "evidence": [{"label": e.label, "text": e.text} for e in story.evidence],
        "sources": [{"id": s.id, "title": s.title, "url": s.url, "source": s.source, "published": s.published,
                     "stage": s.stage, **({"follows": True} if s.follows else {})} for s in story.sources],
        "keys": list(story.keys), "first_seen": story.first_seen, "last_seen": story.last_seen,
        "published": story.published, "official": story.official, "version": story.version,
        "changes": list(story.changes), "signature": list(story.signature), "rev": rev,
        "summary": story.summary,
        "aliases": {name: list(forms) for name, forms in story.aliases.items()},
        **({"quiet_version": story.quiet_version} if story.quiet_version else {}),
        # Stories written before ``stated`` joined on ``entities``; one whose reports named no one else needs no copy.
        **({"stated": list(story.stated)} if story.stated != story.entities else {}),
        **({"may_repeat": [{"story_id": e.story_id, "title": e.title, "published": e.published}
                           for e in story.may_repeat]} if story.may_repeat else {}),
        **_entries_attributes(story),
    })  # fmt: skip


def _entries_attributes(story: Story) -> dict[str, Any]:
    if not story.entries:
        return {}
    packed, _kept = pack_entries(story.entries)
    return {"entries": packed, "entries_source": story.entries_source,
            "entries_total": story.entries_total or len(story.entries)}  # fmt: skip


def story_from_record(record: dict[str, Any]) -> tuple[Story, int]:
    """Read a story from a DynamoDB item or stream image; returns it with its revision."""
    data = _load(record)
    story = Story(
        story_id=str(data["story_id"]),
        title=str(data.get("title", "")),
        labels=tuple(data.get("labels", [])),
        severity=data.get("severity"),
        entities=tuple(data.get("entities", [])),
        stated=tuple(data.get("stated", data.get("entities", []))),
        countries=tuple(data.get("countries", [])),
        dates={str(k): str(v) for k, v in data.get("dates", {}).items()},
        evidence=tuple(Evidence(str(e["label"]), str(e["text"])) for e in data.get("evidence", [])),
        sources=tuple(
            StoryItem(
                str(s["id"]),
                str(s.get("title", "")),
                str(s.get("url", "")),
                str(s.get("source", "")),
                str(s.get("published", "")),
                str(s.get("stage", "")),
                bool(s.get("follows", False)),
            )
            for s in data.get("sources", [])
        ),
        keys=tuple(data.get("keys", [])),
        first_seen=str(data.get("first_seen", "")),
        last_seen=str(data.get("last_seen", "")),
        published=str(data.get("published", "")),
        official=bool(data.get("official", False)),
        version=int(data.get("version", 1)),
        changes=tuple(data.get("changes", [])),
        signature=tuple(int(x) for x in data.get("signature", [])),
        summary=str(data.get("summary", "")),
        aliases={str(k): tuple(str(f) for f in v) for k, v in data.get("aliases", {}).items()},
        entries=unpack_entries(data.get("entries")),
        entries_source=str(data.get("entries_source", "")),
        entries_total=int(data.get("entries_total", 0)),
        quiet_version=int(data.get("quiet_version", 0)),
        may_repeat=tuple(
            EarlierAlert(str(e["story_id"]), str(e.get("title", "")), str(e.get("published", "")))
            for e in data.get("may_repeat", [])
        ),
    )
    return story, int(data.get("rev", 0))


def feed_key(url: str) -> str:
    """The state key of a source; a hash keeps URLs (with their query strings) out of keys."""
    return FEED_PREFIX + hashlib.sha256(url.encode()).hexdigest()[:32]


class Store:
    """The table, through a low-level client (transactions need it)."""

    def __init__(self, client: Any, table_name: str, *, now: Callable[[], datetime] | None = None) -> None:
        self.client = client
        self.table = table_name
        self._now = now or (lambda: datetime.now(UTC))

    def _expiry(self, days: int) -> int:
        return int((self._now() + timedelta(days=days)).timestamp())

    def _batch_get(self, keys: Sequence[dict[str, Any]], **options: Any) -> list[dict[str, Any]]:
        """BatchGetItem in chunks of 100, following UnprocessedKeys (throttled reads come back there)."""
        rows: list[dict[str, Any]] = []
        for start in range(0, len(keys), 100):
            request: dict[str, Any] = {self.table: {"Keys": list(keys[start : start + 100]), **options}}
            for _ in range(8):
                with _table_errors("BatchGetItem"):
                    response = self.client.batch_get_item(RequestItems=request)
                rows += response.get("Responses", {}).get(self.table, [])
                request = response.get("UnprocessedKeys") or {}
                if not request:
                    break
            else:
                raise StoreError("BatchGetItem left keys unprocessed after 8 tries")
        return rows

    def _query(self, **kwargs: Any) -> list[dict[str, Any]]:
        """Every page of a Query (or, with ``scan=True``, a Scan)."""
        operation = self.client.scan if kwargs.pop("scan", False) else self.client.query
        rows: list[dict[str, Any]] = []
        while True:
            with _table_errors(operation.__name__):
                response = operation(TableName=self.table, **kwargs)
            rows += response.get("Items", [])
            if "LastEvaluatedKey" not in response:
                return rows
            kwargs["ExclusiveStartKey"] = response["LastEvaluatedKey"]

    def seen(self, item_ids: Sequence[str]) -> set[str]:
        """Which of ``item_ids`` are stored already (one BatchGetItem per 100 ids)."""
        return set(self.stored_items(item_ids))

    def stored_items(self, item_ids: Sequence[str]) -> dict[str, Stored]:
        """Id -> (fingerprint, story id) of the stored ones (one BatchGetItem per 100 ids)."""
        by_key = {ITEM_PREFIX + _key(i): i for i in dict.fromkeys(item_ids)}
        keys = [{PK: {"S": k}, SK: {"S": "ITEM"}} for k in by_key]
        rows = self._batch_get(
            keys,
            ProjectionExpression="#pk, #fp, #sid",
            ExpressionAttributeNames={"#pk": PK, "#fp": "fingerprint", "#sid": "story_id"},
        )
        return {
            by_key[row[PK]["S"]]: (row.get("fingerprint", {}).get("S", ""), row.get("story_id", {}).get("S", ""))
            for row in rows
        }

    def stories_published(self, first: str, last: str) -> list[Versioned]:
        """Stories first published between two ISO days (inclusive): one Query per calendar year spanned.

        The index row carries the story's revision, so a candidate needs no second read before its
        conditional write; a stale index row makes that write fail with ``StoryChanged``, never lose.
        """
        found: list[Versioned] = []
        for year in range(int(first[:4]), int(last[:4]) + 1):
            found += [
                story_from_record(row)
                for row in self._query(
                    IndexName=GSI1,
                    KeyConditionExpression="#p = :p AND #s BETWEEN :a AND :b",
                    ExpressionAttributeNames={"#p": GSI1_PK, "#s": GSI1_SK},
                    ExpressionAttributeValues={
                        ":p": {"S": f"PUB#{year}"},
                        ":a": {"S": first},
                        ":b": {"S": last + "#~"},
                    },
                )
            ]
        return found

    def story_window(self, first: str, last: str, days: Sequence[str] | None = None) -> Window:
        """Stories first published between two ISO days and each week's story count, read consistently.

        A ``WEEK#<week>`` row lists the stories created for that week and counts them; it is what makes
        a story a concurrent poller created a moment ago visible (the index is eventually consistent) and
        what ``save_many`` checks before creating another. Stories from before week rows come from the index.
        """
        if days is None:
            start, end = date.fromisoformat(first[:10]), date.fromisoformat(last[:10])
            days = [(start + timedelta(days=n)).isoformat() for n in range((end - start).days + 1)]
        weeks = list(dict.fromkeys(week_of(d) for d in days))
        rows = self._batch_get([{PK: {"S": WEEK_PREFIX + w}, SK: {"S": "WEEK"}} for w in weeks], ConsistentRead=True)
        counts = dict.fromkeys(weeks, 0)
        story_ids: list[str] = []
        for row in rows:
            counts[row[PK]["S"][len(WEEK_PREFIX) :]] = int(row.get("n", {}).get("N", "0"))
            story_ids += row.get("stories", {}).get("SS", [])
        found = {story.story_id: (story, rev) for story, rev in self.stories_published(first, last)}
        keys = [{PK: {"S": STORY_PREFIX + sid}, SK: {"S": "STORY"}} for sid in dict.fromkeys(story_ids)]
        consistent = map(story_from_record, self._batch_get(keys, ConsistentRead=True))
        found.update({f[0].story_id: f for f in consistent if first <= f[0].published <= last + "~"})
        return Window(list(found.values()), counts)

    def _stories(self, index: str, condition: str, names: dict[str, str], values: dict[str, Any]) -> list[Story]:
        rows = self._query(
            IndexName=index,
            KeyConditionExpression=condition,
            ExpressionAttributeNames=names,
            ExpressionAttributeValues=values,
        )
        return [story_from_record(row)[0] for row in rows]

    def stories_expiring(self, first: str, last: str) -> list[Story]:
        """Stories whose expiry date is between two ISO dates (inclusive)."""
        return self._stories(
            GSI2,
            "#p = :p AND #s BETWEEN :a AND :b",
            {"#p": GSI2_PK, "#s": GSI2_SK},
            {":p": {"S": DEADLINE_PK}, ":a": {"S": first}, ":b": {"S": last + "#~"}},
        )

    def stories_seen_on(self, days: Iterable[str]) -> list[Story]:
        """Stories that changed (a new source included) on any of ``days``."""
        stories: list[Story] = []
        for day in days:
            stories += self._stories(GSI3, "#p = :p", {"#p": GSI3_PK}, {":p": {"S": "SEEN#" + day}})
        return stories

    def stories_changed_since(self, since: str) -> list[Story]:
        """Stories whose ``last_seen`` is on or after ``since``: one Query per day up to today."""
        first = date.fromisoformat(since[:10])
        days = [(first + timedelta(days=n)).isoformat() for n in range((self._now().date() - first).days + 1)]
        return [s for s in self.stories_seen_on(days) if s.last_seen >= since]

    def stories_for_keys(self, keys: Sequence[str]) -> dict[str, Versioned]:
        """Key -> the story that owns it: one batch read of the key rows, one of their stories."""
        wanted = {KEY_PREFIX + _key(k): k for k in dict.fromkeys(keys)}
        if not wanted:
            return {}
        rows = self._batch_get([{PK: {"S": k}, SK: {"S": "KEY"}} for k in wanted], ConsistentRead=True)
        owner = {wanted[row[PK]["S"]]: row["story_id"]["S"] for row in rows}
        story_keys = [{PK: {"S": STORY_PREFIX + sid}, SK: {"S": "STORY"}} for sid in dict.fromkeys(owner.values())]
        stories = {
            found[0].story_id: found
            for found in map(story_from_record, self._batch_get(story_keys, ConsistentRead=True))
        }
        return {key: stories[sid] for key, sid in owner.items() if sid in stories}

    def get_story(self, story_id: str) -> Versioned | None:
        """A story and its revision, read consistently."""
        with _table_errors("GetItem"):
            response = self.client.get_item(
                TableName=self.table,
                ConsistentRead=True,
                Key={PK: {"S": STORY_PREFIX + story_id}, SK: {"S": "STORY"}},
            )
        return story_from_record(response["Item"]) if "Item" in response else None

    def _item_put(
        self, item: Item, story_id: str, labels: Sequence[str], ttl_days: int, replacing: str | None = None
    ) -> dict[str, Any]:
        condition: dict[str, Any] = {
            "ConditionExpression": "attribute_not_exists(#pk)",
            "ExpressionAttributeNames": {"#pk": PK},
        }
        if replacing:  # an update in place: only over the version that was read
            condition = {
                "ConditionExpression": "#fp = :fp",
                "ExpressionAttributeNames": {"#fp": "fingerprint"},
                "ExpressionAttributeValues": {":fp": {"S": replacing}},
            }
        return {
            "Put": {
                "TableName": self.table,
                "Item": _dump(
                    {
                        PK: ITEM_PREFIX + _key(item.id),
                        SK: "ITEM",
                        "item_id": item.id[:MAX_ID],
                        "story_id": story_id,
                        "title": item.title[:500],
                        "url": item.url if len(item.url) <= MAX_URL else "",
                        "source": item.source,
                        "published": item.published,
                        "labels": list(labels),
                        "stage": item.stage,
                        "fingerprint": item.fingerprint,
                        TTL_ATTRIBUTE: self._expiry(ttl_days),
                    }
                ),
                **condition,
            }
        }

    def save_many(
        self,
        items: Sequence[Item],
        story: Story,
        *,
        previous_rev: int | None,
        new_keys: Sequence[str],
        labels: Sequence[Sequence[str]],
        ttl_days: int = 400,
        replacing: Mapping[str, str] | None = None,
        window: Mapping[str, int] | None = None,
    ) -> None:
        """Store new items and their story's new state in one transaction.

        A new story with a ``window`` (week -> story count read by ``story_window``) is created only if no
        story was created in those weeks since, and counts itself in its publication week.

        Items in ``replacing`` (id -> fingerprint read) overwrite their row only if it is unchanged.

        Raises
        ------
        ItemAlreadyStored
            One of the items was stored before: nothing was written.
        StoryChanged
            The story moved on since it was read (``previous_rev``), or another story claimed one of
            ``new_keys`` first: nothing was written.
        StoreError
            The table failed.
        """
        rev = (previous_rev or 0) + 1
        story_put: dict[str, Any] = {"TableName": self.table, "Item": story_to_record(story, rev=rev)}
        if previous_rev is None:
            story_put.update(ConditionExpression="attribute_not_exists(#pk)", ExpressionAttributeNames={"#pk": PK})
        else:  # optimistic lock: nobody changed the story since we read it
            story_put.update(
                ConditionExpression="#rev = :rev",
                ExpressionAttributeNames={"#rev": "rev"},
                ExpressionAttributeValues={":rev": {"N": str(previous_rev)}},
            )
        actions = [{"Put": story_put}]
        actions += [
            self._item_put(item, story.story_id, item_labels, ttl_days, (replacing or {}).get(item.id))
            for item, item_labels in zip(items, labels, strict=True)
        ]
        if previous_rev is None and window is not None:
            actions += self._window_actions(story, window, ttl_days)
        item_ids = {item.id for item in items}
        room = 100 - len(actions)
        for key in [k for k in dict.fromkeys(new_keys) if k not in item_ids][:room]:
            # A key another story claimed first means another poller made that story meanwhile: retry,
            # and the fresh read joins it (no second story, no second "new" alert).
            put = {"TableName": self.table, "ConditionExpression": "attribute_not_exists(#pk) OR #sid = :sid",
                   "ExpressionAttributeNames": {"#pk": PK, "#sid": "story_id"},
                   "ExpressionAttributeValues": {":sid": {"S": story.story_id}},
                   "Item": _dump({PK: KEY_PREFIX + _key(key), SK: "KEY", "story_id": story.story_id,
                                  TTL_ATTRIBUTE: self._expiry(ttl_days)})}  # fmt: skip
            actions.append({"Put": put})
        with _table_errors("TransactWriteItems"):
            try:
                self.client.transact_write_items(TransactItems=actions)
            except ClientError as exc:
                reasons = _cancel_reasons(exc)
                if reasons and reasons[0] == "ConditionalCheckFailed":
                    raise StoryChanged() from exc
                if "ConditionalCheckFailed" in reasons[1 : 1 + len(items)]:
                    raise ItemAlreadyStored() from exc
                if "ConditionalCheckFailed" in reasons[1 + len(items) :] or "TransactionConflict" in reasons:
                    raise StoryChanged() from exc
                raise

    def _window_actions(self, story: Story, window: Mapping[str, int], ttl_days: int) -> list[dict[str, Any]]:
        """Count a new story in its week; check that the other weeks read have no story more than read."""

        def unchanged(week: str) -> dict[str, Any]:
            count = window.get(week, 0)
            if not count:
                return {"ConditionExpression": "attribute_not_exists(#n)", "ExpressionAttributeNames": {"#n": "n"}}
            return {"ConditionExpression": "#n = :n", "ExpressionAttributeNames": {"#n": "n"},
                    "ExpressionAttributeValues": {":n": {"N": str(count)}}}  # fmt: skip

        week = week_of(story.published)
        count = unchanged(week) if week in window else {"ExpressionAttributeNames": {"#n": "n"}}
        update = {
            "TableName": self.table,
            "Key": {PK: {"S": WEEK_PREFIX + week}, SK: {"S": "WEEK"}},
            "UpdateExpression": "ADD #n :one, #ids :sid SET #exp = :exp",
            **count,
        }
        update["ExpressionAttributeNames"] = {**count["ExpressionAttributeNames"], "#ids": "stories",
                                              "#exp": TTL_ATTRIBUTE}  # fmt: skip
        update["ExpressionAttributeValues"] = {**count.get("ExpressionAttributeValues", {}), ":one": {"N": "1"},
                                               ":sid": {"SS": [story.story_id]},
                                               ":exp": {"N": str(self._expiry(ttl_days))}}  # fmt: skip
        checks = [
            {"ConditionCheck": {"TableName": self.table, "Key": {PK: {"S": WEEK_PREFIX + w}, SK: {"S": "WEEK"}},
                                **unchanged(w)}}
            for w in sorted(window) if w != week
        ]  # fmt: skip
        return [{"Update": update}, *checks]

    def mark_seen(self, item: Item, *, replacing: Stored | None = None) -> bool:
        """Remember an item that is not relevant, so it is not classified again until it changes; False if known.

        ``replacing`` (fingerprint, story id read) updates an item changed in place; it keeps its story.
        """
        fingerprint, story_id = replacing or ("", "")
        ttl = 400 if story_id else IRRELEVANT_TTL_DAYS
        put = self._item_put(item, story_id, (), ttl, fingerprint or None)
        with _table_errors("TransactWriteItems"):
            try:
                self.client.transact_write_items(TransactItems=[put])
            except ClientError as exc:
                if _cancel_reasons(exc)[:1] == ["ConditionalCheckFailed"]:
                    return False
                raise
        return True

    def rule_text(self, document_number: str) -> RuleText | None:
        """The last text read of a document (its entries and version), or None."""
        with _table_errors("GetItem"):
            response = self.client.get_item(
                TableName=self.table, Key={PK: {"S": DOC_PREFIX + _key(document_number)}, SK: {"S": "TEXT"}}
            )
        if "Item" not in response:
            return None
        data = _load(response["Item"])
        return RuleText(
            document_number=str(data["document_number"]),
            version=str(data.get("version", "")),
            url=str(data.get("url", "")),
            entries=unpack_entries(data.get("entries")),
            fetched_at=str(data.get("fetched_at", "")),
            total=int(data.get("total", 0)),
        )

    def put_rule_text(self, text: RuleText) -> None:
        """Remember a document's text: one item, entries gzipped (hundreds fit in well under 400 KB)."""
        packed, _kept = pack_entries(text.entries)
        with _table_errors("PutItem"):
            self.client.put_item(
                TableName=self.table,
                Item=_dump(
                    {
                        PK: DOC_PREFIX + _key(text.document_number),
                        SK: "TEXT",
                        "document_number": text.document_number,
                        "version": text.version,
                        "url": text.url,
                        "entries": packed,
                        "fetched_at": text.fetched_at,
                        "total": text.total,
                        TTL_ATTRIBUTE: self._expiry(400),
                    }
                ),
            )

    def mark_sent(self, story_id: str, version: int) -> None:
        """Remember that a story's version was published (never lowered; outlives the 16-day send records).

        Kept under the notify function's own key prefix (``IDEMPOTENCY#notify``, sort key ``SENT#<id>``),
        the only part of the table it may write, and expiring with the items (400 days).
        """
        with _table_errors("UpdateItem"):
            try:
                self.client.update_item(
                    TableName=self.table,
                    Key={PK: {"S": IDEMPOTENCY_PK}, SK: {"S": SENT_PREFIX + story_id}},
                    UpdateExpression="SET #v = :v, #exp = :exp",
                    ConditionExpression="attribute_not_exists(#v) OR #v < :v",
                    ExpressionAttributeNames={"#v": "sent_version", "#exp": TTL_ATTRIBUTE},
                    ExpressionAttributeValues={
                        ":v": {"N": str(version)},
                        ":exp": {"N": str(self._expiry(SENT_TTL_DAYS))},
                    },
                )
            except ClientError as exc:
                if exc.response.get("Error", {}).get("Code") != "ConditionalCheckFailedException":
                    raise  # a later version was marked already: nothing to do

    def sent_versions(self, story_ids: Sequence[str]) -> dict[str, int]:
        """Story id -> the highest version published, for the stories with a send marker."""
        keys = [{PK: {"S": IDEMPOTENCY_PK}, SK: {"S": SENT_PREFIX + sid}} for sid in dict.fromkeys(story_ids)]
        rows = self._batch_get(keys, ConsistentRead=True) if keys else []
        return {row[SK]["S"][len(SENT_PREFIX) :]: int(row["sent_version"]["N"]) for row in rows}

    def feed_state(self, url: str) -> FeedState:
        """The remembered validators and failure count of a source."""
        with _table_errors("GetItem"):
            response = self.client.get_item(TableName=self.table, Key={PK: {"S": feed_key(url)}, SK: {"S": "STATE"}})
        data = _load(response.get("Item", {}))
        return FeedState(
            url=url,
            etag=str(data.get("etag", "")),
            last_modified=str(data.get("last_modified", "")),
            failures=int(data.get("failures", 0)),
            last_success=str(data.get("last_success", "")),
            last_error=str(data.get("last_error", "")),
            last_new=str(data.get("last_new", "")),
            intervals=tuple(int(n) for n in data.get("intervals", ())),
            silent_since=str(data.get("silent_since", "")),
        )

    def put_feed_state(self, state: FeedState) -> None:
        """Save a source's state after its items are stored (never before: the cursor must not skip)."""
        with _table_errors("PutItem"):
            self.client.put_item(
                TableName=self.table,
                Item=_dump(
                    {
                        PK: feed_key(state.url),
                        SK: "STATE",
                        "url": state.url,
                        "etag": state.etag,
                        "last_modified": state.last_modified,
                        "failures": state.failures,
                        "last_success": state.last_success,
                        "last_error": state.last_error,
                        "last_new": state.last_new,
                        "intervals": list(state.intervals),
                        "silent_since": state.silent_since,
                    }
                ),
            )

    def checkpoint(self, job: str) -> dict[str, Any] | None:
        """A long job's saved progress (JSON), or None if it never saved any."""
        with _table_errors("GetItem"):
            response = self.client.get_item(
                TableName=self.table, Key={PK: {"S": CHECKPOINT_PREFIX + job}, SK: {"S": "STATE"}}, ConsistentRead=True
            )
        found = _load(response.get("Item", {})).get("progress")
        return dict(json.loads(str(found))) if found else None

    def put_checkpoint(self, job: str, progress: Mapping[str, Any], *, ttl_days: int = 90) -> None:
        """Save a long job's progress, next to the data it describes (a new table starts the job afresh)."""
        with _table_errors("PutItem"):
            self.client.put_item(
                TableName=self.table,
                Item=_dump(
                    {
                        PK: CHECKPOINT_PREFIX + job,
                        SK: "STATE",
                        "progress": json.dumps(progress, sort_keys=True),
                        TTL_ATTRIBUTE: self._expiry(ttl_days),
                    }
                ),  # fmt: skip
            )

    def _batch_write(self, requests: list[dict[str, Any]]) -> None:
        """BatchWriteItem in chunks of 25, following UnprocessedItems."""
        for start in range(0, len(requests), 25):
            pending: dict[str, Any] = {self.table: requests[start : start + 25]}
            for _ in range(8):
                with _table_errors("BatchWriteItem"):
                    response = self.client.batch_write_item(RequestItems=pending)
                pending = response.get("UnprocessedItems") or {}
                if not pending:
                    break
            else:
                raise StoreError("BatchWriteItem left items unprocessed after 8 tries")

    def _watchlist_chunks(self, name: str) -> list[str]:
        rows = self._query(
            KeyConditionExpression="pk = :pk",
            ExpressionAttributeValues={":pk": {"S": WATCHLIST_PREFIX + name}},
            ProjectionExpression="sk",
        )
        return [row[SK]["S"] for row in rows]

    def put_watchlist(self, name: str, counterparties: Sequence[Counterparty], *, threshold: float) -> WatchlistInfo:
        """Store a watchlist, replacing one of that name, so that a reader sees the old list or the new one whole.

        The rows go under keys of this import (``ROWS#<import>#<n>``), then the list's head switches to that
        import (one conditional PutItem), then the rows of the imports before are deleted. Readers read only the
        rows of the head's import: a crash before the switch leaves the old list as it was (the next import
        deletes the stray rows), one after it leaves the new list and some old rows nobody reads. The switch
        succeeds only if the head still points where it did when this import began: of two imports of one name
        at once, one wins and the other raises ``WatchlistChanged``, deleting nothing.
        """
        stale = set(self._watchlist_chunks(name))
        previous = self._watchlist_import(name)
        chunks = _watchlist_chunks_of(counterparties)
        import_id = uuid.uuid4().hex[:16]
        keys = _watchlist_row_keys(import_id, len(chunks))
        self._batch_write(
            [
                {"PutRequest": {"Item": _dump({PK: WATCHLIST_PREFIX + name, SK: k, "rows": c})}}
                for k, c in zip(keys, chunks, strict=True)
            ]  # fmt: skip
        )
        info = WatchlistInfo(name, len(counterparties), threshold, self._now().isoformat(timespec="microseconds"))
        self._switch_watchlist(info, import_id, len(chunks), previous=previous)
        self._batch_write(
            [
                {"DeleteRequest": {"Key": {PK: {"S": WATCHLIST_PREFIX + name}, SK: {"S": k}}}}
                for k in sorted(stale - set(keys))
            ]  # fmt: skip
        )
        return info

    def _watchlist_import(self, name: str) -> str | None:
        """The import a watchlist's head points at (None when there is no such list): read consistently."""
        with _table_errors("GetItem"):
            head = self.client.get_item(
                TableName=self.table, Key={PK: {"S": WATCHLISTS_PK}, SK: {"S": name}}, ConsistentRead=True
            )
        return str(_load(head["Item"]).get("import", "")) if "Item" in head else None

    def _switch_watchlist(self, info: WatchlistInfo, import_id: str, chunks: int, *, previous: str | None) -> None:
        """Point the watchlist's head at an import whose rows are all written, if it still points at ``previous``."""
        condition = (
            {"ConditionExpression": "attribute_not_exists(pk)"}
            if previous is None
            else {"ConditionExpression": "#import = :previous", "ExpressionAttributeNames": {"#import": "import"},
                  "ExpressionAttributeValues": {":previous": {"S": previous}}}
        )  # fmt: skip
        try:
            self.client.put_item(
                TableName=self.table,
                Item=_dump({PK: WATCHLISTS_PK, SK: info.name, "name": info.name, "count": info.count,
                            "threshold": Decimal(str(info.threshold)), "imported": info.imported,
                            "import": import_id, "chunks": chunks}),
                **condition,
            )  # fmt: skip
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException":
                raise WatchlistChanged(f"watchlist {info.name!r} was imported by someone else meanwhile") from exc
            with _table_errors("PutItem"):
                raise

    def watchlists(self) -> list[WatchlistInfo]:
        """Every stored watchlist, by name (one Query)."""
        rows = self._query(KeyConditionExpression="pk = :pk", ExpressionAttributeValues={":pk": {"S": WATCHLISTS_PK}})
        return [_watchlist_info(_load(row)) for row in rows]

    def get_watchlist(self, name: str) -> tuple[WatchlistInfo, list[Counterparty]] | None:
        """A watchlist and its counterparties, or None."""
        with _table_errors("GetItem"):
            meta = self.client.get_item(
                TableName=self.table, Key={PK: {"S": WATCHLISTS_PK}, SK: {"S": name}}, ConsistentRead=True
            )
        if "Item" not in meta:
            return None
        head = _load(meta["Item"])
        info = _watchlist_info(head)
        row_keys = _watchlist_row_keys(str(head.get("import", "")), int(head.get("chunks", 0)))
        keys = [{PK: {"S": WATCHLIST_PREFIX + name}, SK: {"S": k}} for k in row_keys]
        chunks = len(keys)
        found = {row[SK]["S"]: row["rows"]["S"] for row in self._batch_get(keys, ConsistentRead=True)}
        if len(found) != chunks:
            raise StoreError(f"watchlist {name!r} is incomplete ({len(found)} of {chunks} chunks)")
        parties = [
            Counterparty(str(r[0]), tuple(str(a) for a in r[1]), str(r[2]), str(r[3]))
            for key in sorted(found)
            for r in json.loads(found[key])
        ]
        return info, parties

    def remove_watchlist(self, name: str) -> bool:
        """Delete a watchlist's entry, then its rows; False when there was none of that name."""
        with _table_errors("DeleteItem"):
            response = self.client.delete_item(
                TableName=self.table, Key={PK: {"S": WATCHLISTS_PK}, SK: {"S": name}}, ReturnValues="ALL_OLD"
            )
        chunks = self._watchlist_chunks(name)
        self._batch_write(
            [{"DeleteRequest": {"Key": {PK: {"S": WATCHLIST_PREFIX + name}, SK: {"S": k}}}} for k in chunks]
        )
        return "Attributes" in response

    # ------------------------------------------------------------ the Entity List itself as a source
    def list_snapshot(self, source: str) -> ListSnapshot | None:
        """The last snapshot of a list source: its head, then its chunks in one batch read.

        Why DynamoDB and not S3: the snapshot is small once gzipped (the 2022 list, 2,073 entries: 120 KB; the
        whole list of today about twice that), it is written only when the list changed, and the table is
        already encrypted, backed up and granted to the poller; a bucket would add a resource, its key policy,
        its logging and a second IAM grant for the same pennies.
        """
        with _table_errors("GetItem"):
            head = self.client.get_item(
                TableName=self.table, Key={PK: {"S": list_key(source)}, SK: {"S": "HEAD"}}, ConsistentRead=True
            )
        if "Item" not in head:
            return None
        data = _load(head["Item"])
        keys = _chunk_keys(source, str(data["digest"]), int(data["chunks"]))
        found = {row[SK]["S"]: row["data"]["B"] for row in self._batch_get(keys, ConsistentRead=True)}
        if len(found) != len(keys):
            raise StoreError(f"list snapshot is incomplete ({len(found)} of {len(keys)} chunks)")
        packed = b"".join(found[key[SK]["S"]] for key in keys)
        entries = tuple(Entry.from_json(e) for e in json.loads(gzip.decompress(packed).decode()))
        reader = str(data.get("reader", ""))
        return ListSnapshot(str(data["source"]), str(data["taken"]), str(data["digest"]), entries, reader)

    def put_list_snapshot(self, snapshot: ListSnapshot) -> None:
        """Write the new chunks, then switch the head to them, then delete the old chunks.

        The head is the commit point: a reader (or a crash) between two writes sees the old snapshot or the new
        one, whole. Each chunk stays under 300 KB of a DynamoDB item's 400 KB. Written only when the list
        changed: about 1 write unit per KB (some 250 for the whole list), a fraction of a cent a change.
        """
        packed = gzip.compress(
            json.dumps([e.to_json() for e in snapshot.entries], ensure_ascii=False).encode(), mtime=0
        )
        pieces = [packed[i : i + _CHUNK_BYTES] for i in range(0, len(packed), _CHUNK_BYTES)] or [b""]
        keys = _chunk_keys(snapshot.source, snapshot.digest, len(pieces))
        with _table_errors("GetItem"):
            old = self.client.get_item(
                TableName=self.table, Key={PK: {"S": list_key(snapshot.source)}, SK: {"S": "HEAD"}}, ConsistentRead=True
            ).get("Item")
        for key, piece in zip(keys, pieces, strict=True):
            with _table_errors("PutItem"):
                self.client.put_item(TableName=self.table, Item={**key, "data": {"B": piece}})
        head = {PK: list_key(snapshot.source), SK: "HEAD", "source": snapshot.source, "taken": snapshot.taken,
                "digest": snapshot.digest, "chunks": len(pieces), "entries": len(snapshot.entries),
                "reader": snapshot.reader}  # fmt: skip
        with _table_errors("PutItem"):
            self.client.put_item(TableName=self.table, Item=_dump(head))
        if old is None:
            return
        previous = _load(old)
        if str(previous["digest"]) == snapshot.digest:
            return
        for key in _chunk_keys(snapshot.source, str(previous["digest"]), int(previous["chunks"])):
            with _table_errors("DeleteItem"):
                self.client.delete_item(TableName=self.table, Key=key)


def list_key(source: str) -> str:
    """The partition of a list source's snapshot; a hash keeps its URL out of keys."""
    return LIST_PREFIX + hashlib.sha256(source.encode()).hexdigest()[:32]


def _chunk_keys(source: str, digest: str, chunks: int) -> list[dict[str, Any]]:
    return [{PK: {"S": list_key(source)}, SK: {"S": f"{CHUNK_PREFIX}{digest}#{n:04d}"}} for n in range(chunks)]


def _watchlist_chunks_of(counterparties: Sequence[Counterparty]) -> list[str]:
    """A watchlist's rows packed as JSON, in chunks under ``_CHUNK_BYTES``, in order."""
    chunks: list[str] = []
    rows: list[list[Any]] = []
    size = 0
    for party in counterparties:
        row = [party.name, list(party.aliases), party.country, party.reference]
        row_bytes = len(json.dumps(row, ensure_ascii=False).encode())
        if rows and size + row_bytes > _CHUNK_BYTES:
            chunks.append(json.dumps(rows, ensure_ascii=False))
            rows, size = [], 0
        rows.append(row)
        size += row_bytes + 1
    if rows:
        chunks.append(json.dumps(rows, ensure_ascii=False))
    return chunks


def _watchlist_row_keys(import_id: str, chunks: int) -> list[str]:
    """The sort keys of an import's rows; a head written before imports had ids names ``ROWS#<n>``."""
    prefix = f"{ROWS_PREFIX}{import_id}#" if import_id else ROWS_PREFIX
    return [f"{prefix}{n:05d}" for n in range(chunks)]


def _watchlist_info(data: dict[str, Any]) -> WatchlistInfo:
    return WatchlistInfo(str(data["name"]), int(data["count"]), float(data["threshold"]), str(data["imported"]))


def _cancel_reasons(exc: ClientError) -> list[str]:
    if exc.response.get("Error", {}).get("Code") != "TransactionCanceledException":
        return []
    reasons = exc.response.get("CancellationReasons") or []
    if reasons:
        return [str(r.get("Code", "None")) for r in reasons]
    # Some implementations only put the reasons in the message: "[ConditionalCheckFailed, None]".
    message = exc.response.get("Error", {}).get("Message", "")
    if "[" in message:
        return [part.strip() for part in message[message.rfind("[") + 1 : message.rfind("]")].split(",")]
    return []
