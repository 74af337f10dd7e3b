"""The poll-state adapters on the stack's DynamoDB table, and a poller end to end: real HTTP to
the fake platform API, the stack's raw bucket, ingest queue and alert topic."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, cast

import pytest

from support.poll_fakes import FakeClock, ScriptedSource, account, page_body
from support.stack import Stack
from uppsikt.adapters.poll_state import (
    MAX_MAPS_BYTES,
    Cursors,
    CursorTooLarge,
    EmittedLedger,
    Lookups,
)
from uppsikt.adapters.sns import Topic
from uppsikt.adapters.sqs import IngestQueue
from uppsikt.local.fake_api import FakeApi, Reply
from uppsikt.model.events import Platform
from uppsikt.model.messages import QUEUE_MESSAGE, EventMessage
from uppsikt.polling.errors import CursorConflict
from uppsikt.polling.http import UrllibHttp
from uppsikt.polling.ports import Cursor
from uppsikt.polling.runner import Poller
from uppsikt.privacy.pseudonym import Pseudonymiser

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

NOW = datetime(2026, 11, 21, 9, 30, tzinfo=UTC)


def cursors(stack: Stack) -> Cursors:
    return Cursors(stack.rt.dynamodb, stack.settings.poll_state_table)


def scan(stack: Stack) -> list[dict[str, Any]]:
    return stack.rt.dynamodb.scan(TableName=stack.settings.poll_state_table)["Items"]


# --- cursors -------------------------------------------------------------------------------------


def test_a_cursor_round_trips_and_a_stale_save_conflicts(stack: Stack) -> None:
    store = cursors(stack)
    assert store.load("seko-yt", "youtube.comments") == Cursor()
    cursor = Cursor(
        position="2026-11-21T09:00:00Z",
        page="token-2",
        pending="2026-11-21T09:30:00Z",
        snapshot={"c1": "fp1"},
        listing={"c2": "fp2"},
        not_before=NOW,
    )

    saved = store.save("seko-yt", "youtube.comments", cursor, expected_version=0)

    assert saved.version == 1
    assert store.load("seko-yt", "youtube.comments") == saved
    with pytest.raises(CursorConflict):
        store.save("seko-yt", "youtube.comments", Cursor(), expected_version=0)
    moved = store.save("seko-yt", "youtube.comments", Cursor(position="p"), expected_version=1)
    assert moved.version == 2
    with pytest.raises(CursorConflict):  # the other run still holds version 1
        store.save("seko-yt", "youtube.comments", cursor, expected_version=1)
    assert store.load("seko-yt", "youtube.comments") == moved
    assert store.load("seko-yt", "youtube.videos") == Cursor()


def big_snapshot(count: int, fingerprint_chars: int) -> dict[str, str]:
    return {
        f"comment-{i:06d}": hashlib.sha256(str(i).encode()).hexdigest()[:fingerprint_chars]
        for i in range(count)
    }


def test_a_snapshot_beyond_the_item_budget_is_stored_compressed(stack: Stack) -> None:
    store = cursors(stack)
    snapshot = big_snapshot(12_000, 16)
    assert len(json.dumps(snapshot)) > MAX_MAPS_BYTES  # too large for one item uncompressed

    store.save("seko-yt", "youtube.comments", Cursor(snapshot=snapshot), expected_version=0)

    [item] = scan(stack)
    assert "maps_z" in item
    assert "maps" not in item
    assert store.load("seko-yt", "youtube.comments").snapshot == snapshot


def test_a_snapshot_too_large_even_compressed_is_refused_and_the_old_cursor_kept(
    stack: Stack,
) -> None:
    store = cursors(stack)
    kept = store.save("seko-yt", "youtube.comments", Cursor(position="p1"), expected_version=0)

    with pytest.raises(CursorTooLarge, match=r"youtube\.comments"):
        store.save(
            "seko-yt",
            "youtube.comments",
            Cursor(snapshot=big_snapshot(12_000, 64)),
            expected_version=1,
        )

    assert store.load("seko-yt", "youtube.comments") == kept


# --- the emitted ledger --------------------------------------------------------------------------


def ledger(stack: Stack, **options: Any) -> EmittedLedger:
    return EmittedLedger(
        stack.rt.dynamodb, stack.settings.poll_state_table, clock=lambda: NOW, **options
    )


def test_the_ledger_answers_for_more_keys_than_one_batch_holds(stack: Stack) -> None:
    marked = [f"yt:comment:Ugz{i:05d}:v1" for i in range(260)]
    other = [f"yt:comment:Ugz{i:05d}:v2" for i in range(60)]
    store = ledger(stack)

    store.mark(marked + marked[:5])  # a repeated key in one call is fine

    assert store.seen(other + marked) == set(marked)
    assert store.seen([]) == set()
    items = scan(stack)
    assert len(items) == 260
    stored = json.dumps(items)
    assert "Ugz" not in stored  # only digests: the raw keys hold platform ids
    expires = int((NOW + timedelta(days=90)).timestamp())
    assert {item["ttl"]["N"] for item in items} == {str(expires)}
    assert {item["sk"]["S"] for item in items} == {"-"}


@dataclass
class Throttled:
    """The real client, except that each batch call first leaves half its keys unprocessed."""

    client: DynamoDBClient
    table: str
    calls: list[str] = field(default_factory=list)

    def batch_get_item(self, **kwargs: Any) -> Any:
        self.calls.append("get")
        real: Any = self.client
        request = kwargs["RequestItems"][self.table]
        keys = list(request["Keys"])
        if len(self.calls) % 2:
            half = len(keys) // 2
            response = real.batch_get_item(
                RequestItems={self.table: {**request, "Keys": keys[:half]}}
            )
            response["UnprocessedKeys"] = {self.table: {**request, "Keys": keys[half:]}}
            return response
        return real.batch_get_item(**kwargs)

    def batch_write_item(self, **kwargs: Any) -> Any:
        self.calls.append("write")
        real: Any = self.client
        writes = list(kwargs["RequestItems"][self.table])
        if len(self.calls) % 2:
            half = len(writes) // 2
            response = real.batch_write_item(RequestItems={self.table: writes[:half]})
            response["UnprocessedItems"] = {self.table: writes[half:]}
            return response
        return real.batch_write_item(**kwargs)


def test_the_ledger_retries_what_dynamodb_left_unprocessed(stack: Stack) -> None:
    throttled = Throttled(stack.rt.dynamodb, stack.settings.poll_state_table)
    pauses: list[float] = []
    store = EmittedLedger(
        cast("DynamoDBClient", throttled),
        stack.settings.poll_state_table,
        clock=lambda: NOW,
        sleep=pauses.append,
    )
    keys = [f"key-{i}" for i in range(30)]

    store.mark(keys)
    seen = store.seen(keys)

    assert seen == set(keys)
    assert len(scan(stack)) == 30
    assert throttled.calls == ["write", "write", "write", "write", "get", "get"]
    assert len(pauses) == 3


# --- lookups -------------------------------------------------------------------------------------


def test_lookups_are_idempotent_and_done_removes_them(stack: Stack) -> None:
    store = Lookups(stack.rt.dynamodb, stack.settings.poll_state_table, clock=lambda: NOW)
    args = (Platform.INSTAGRAM, "17841400000000000", "instagram.mentions")

    store.request(*args, "m1:c1")
    store.request(*args, "m1:c2")
    store.request(*args, "m1:c1")
    store.request(Platform.INSTAGRAM, "17841400000000000", "instagram.media", "m9")

    assert store.pending(*args, 10) == ["m1:c1", "m1:c2"]
    assert store.pending(*args, 1) == ["m1:c1"]
    store.done(*args, "m1:c1")
    store.done(*args, "m1:c1")  # twice is harmless
    assert store.pending(*args, 10) == ["m1:c2"]
    assert len(scan(stack)) == 2


# --- a poller end to end -------------------------------------------------------------------------

PAGE_1 = page_body([{"id": "v1", "fp": "1"}, {"id": "v2", "fp": "1"}], "p2", "t-9")
PAGE_2 = page_body([{"id": "v3", "fp": "1"}, {"id": "v4", "fp": "1"}], "p3", None)
PAGE_3 = page_body([{"id": "v5", "fp": "1"}, {"id": "v6", "fp": "1"}], None, None)


@pytest.fixture
def api() -> Iterator[FakeApi]:
    with FakeApi() as running:
        yield running


def drain(stack: Stack) -> list[EventMessage]:
    messages: list[EventMessage] = []
    while True:
        batch = stack.rt.sqs.receive_message(
            QueueUrl=stack.settings.ingest_queue_url,
            MaxNumberOfMessages=10,
            VisibilityTimeout=300,
            WaitTimeSeconds=0,
        ).get("Messages", [])
        if not batch:
            return messages
        for message in batch:
            parsed = QUEUE_MESSAGE.validate_json(message["Body"])
            assert isinstance(parsed, EventMessage)
            messages.append(parsed)


def test_a_poller_queues_each_item_once_through_a_429_a_timeout_and_a_second_sweep(
    stack: Stack, api: FakeApi
) -> None:
    api.route(
        "GET",
        "/items",
        Reply(429, b"", {"Retry-After": "30"}),
        Reply(200, b"{}", {"Content-Type": "application/json"}, delay=0.5),  # > the timeout
        Reply.json(json.loads(PAGE_2)),
        match={"page": "p2"},
    )
    api.route("GET", "/items", Reply.json(json.loads(PAGE_3)), match={"page": "p3"})
    api.route("GET", "/items", Reply.json(json.loads(PAGE_1)))
    clock = FakeClock(NOW)
    table = stack.settings.poll_state_table
    raw = stack.rt.raw_deliveries
    poller = Poller(
        http=UrllibHttp(),
        cursors=Cursors(stack.rt.dynamodb, table),
        ledger=EmittedLedger(stack.rt.dynamodb, table, clock=clock),
        lookups=Lookups(stack.rt.dynamodb, table, clock=clock),
        raw_store=raw,
        queue=IngestQueue(stack.rt.sqs, stack.settings.ingest_queue_url, raw),
        alerts=Topic(stack.rt.sns, stack.settings.alerts_topic_arn),
        clock=clock,
        timeout=0.2,
    )
    source = ScriptedSource()
    who = account(api.base_url)
    pseudonymiser = Pseudonymiser(b"functional-pseudonym-key-0123456789")

    def run() -> str:
        return poller.poll(source, who, pseudonymiser).status

    assert run() == "rate_limited"  # page 1 queued, page 2 answered 429
    assert run() == "waiting"
    clock.advance(31)
    assert run() == "failed"  # page 2 timed out
    clock.advance(31)
    assert run() == "complete"
    assert run() == "complete"  # a second sweep over the same pages

    messages = drain(stack)
    ids = sorted(m.event.item_id for m in messages)
    assert ids == ["v1", "v2", "v3", "v4", "v5", "v6"]
    assert len(api.calls("/items")) == 8
    assert len(stack.keys(stack.settings.raw_bucket, "polls/youtube/seko-test/test.items/")) == 3
    for message in messages:
        assert raw.get(message.event.raw.key)  # every event points at its stored page
    saved = Cursors(stack.rt.dynamodb, table).load("seko-test", "test.items")
    assert (saved.position, saved.page, saved.not_before) == ("t-9", None, None)
    assert stack.inbox() == []  # rate limits and timeouts are routine: no alert
