"""In-memory stand-ins for the poll runner's ports, and a scripted source over the `Http` port.

The source speaks a tiny JSON API of its own: `GET {api_base}/items[?page=…]` answers
`{"items": [...], "next": token | null, "position": mark | null}`, where an item is
`{"id", "fp"}` (an event), `{"id", "ignore": reason}` or `{"id", "bad": true}` (unmappable);
`GET {api_base}/items/{ref}` answers one page holding that item.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from uppsikt.ingest.errors import EnqueueFailed
from uppsikt.model.events import Action, Ignored, NormalisedEvent, ObjectKind, Platform
from uppsikt.model.messages import EventMessage, UnmappedMessage
from uppsikt.platforms.delivery import DeliveryContext
from uppsikt.platforms.mappers import Result
from uppsikt.polling.errors import CursorConflict, Malformed, PollError
from uppsikt.polling.http import checked, json_body
from uppsikt.polling.ports import Cursor, Fetched, Http, HttpRequest, HttpResponse, PollAccount

Message = EventMessage | UnmappedMessage
START = datetime(2026, 11, 21, 9, 30, tzinfo=UTC)


class Crash(Exception):
    """Raised by a fake to stop a run the way a killed process would: mid-step."""


# --- the runner's stores -------------------------------------------------------------------------


@dataclass
class FakeClock:
    now: datetime = START

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@dataclass
class FakeCursors:
    rows: dict[tuple[str, str], Cursor] = field(default_factory=dict)
    history: list[Cursor] = field(default_factory=list)  # every cursor saved, in order
    crash_on_save: bool = False

    def load(self, account_key: str, stream: str) -> Cursor:
        return self.rows.get((account_key, stream), Cursor())

    def save(self, account_key: str, stream: str, cursor: Cursor, expected_version: int) -> Cursor:
        if self.crash_on_save:
            raise Crash("killed before the cursor was saved")
        if self.rows.get((account_key, stream), Cursor()).version != expected_version:
            raise CursorConflict(f"{stream} moved")
        saved = replace(
            cursor,
            snapshot=dict(cursor.snapshot),
            listing=dict(cursor.listing),
            version=expected_version + 1,
        )
        self.rows[(account_key, stream)] = saved
        self.history.append(saved)
        return saved


@dataclass
class FakeLedger:
    keys: set[str] = field(default_factory=set)

    def seen(self, keys: Sequence[str]) -> set[str]:
        return {key for key in keys if key in self.keys}

    def mark(self, keys: Sequence[str], org_id: str | None = None) -> None:
        self.keys.update(keys)


@dataclass
class FakeLookups:
    refs: dict[tuple[Platform, str, str], list[str]] = field(default_factory=dict)

    def request(
        self, platform: Platform, account_id: str, stream: str, ref: str, org_id: str | None = None
    ) -> None:
        waiting = self.refs.setdefault((platform, account_id, stream), [])
        if ref not in waiting:
            waiting.append(ref)

    def pending(self, platform: Platform, account_id: str, stream: str, limit: int) -> list[str]:
        return sorted(self.refs.get((platform, account_id, stream), []))[:limit]

    def done(self, platform: Platform, account_id: str, stream: str, ref: str) -> None:
        waiting = self.refs.get((platform, account_id, stream), [])
        if ref in waiting:
            waiting.remove(ref)


@dataclass
class FakeRawStore:
    bucket: str = "raw-bucket"
    objects: dict[str, tuple[bytes, dict[str, str]]] = field(default_factory=dict)

    def put_delivery(self, key: str, body: bytes, metadata: dict[str, str]) -> None:
        self.objects[key] = (body, dict(metadata))


def pointer_key(message: Message) -> str:
    return message.event.raw.key if isinstance(message, EventMessage) else message.raw.key


@dataclass
class FakeQueue:
    """Collects messages; refuses any whose raw answer is not stored yet."""

    store: FakeRawStore
    sent: list[Message] = field(default_factory=list)
    fail: bool = False

    def send(self, messages: Sequence[Message]) -> None:
        for message in messages:
            assert pointer_key(message) in self.store.objects, "queued before stored raw"
        if self.fail:
            raise EnqueueFailed(f"{len(messages)} message(s) could not be queued")
        self.sent.extend(messages)

    def item_ids(self) -> list[str]:
        return [m.event.item_id for m in self.sent if isinstance(m, EventMessage)]


@dataclass
class FakeAlerts:
    sent: list[tuple[str, dict[str, str]]] = field(default_factory=list)

    def alert(self, subject: str, details: dict[str, str]) -> None:
        self.sent.append((subject, dict(details)))


# --- the platform side ---------------------------------------------------------------------------


def page_body(items: list[dict[str, Any]], next_page: str | None, position: str | None) -> bytes:
    return json.dumps({"items": items, "next": next_page, "position": position}).encode()


def ok(body: bytes, content_type: str = "application/json") -> HttpResponse:
    return HttpResponse(200, {"content-type": content_type}, body)


@dataclass
class FakeHttp:
    """Answers by path and `page` parameter ("" for none); each script answers in turn and then
    repeats its last answer. An exception in a script is raised (a timeout is `Transient`)."""

    scripts: dict[tuple[str, str], list[HttpResponse | PollError]] = field(default_factory=dict)
    requests: list[tuple[HttpRequest, float]] = field(default_factory=list)

    def on(self, path: str, page: str, *answers: HttpResponse | PollError) -> None:
        self.scripts[(path, page)] = list(answers)

    def send(self, request: HttpRequest, *, timeout: float) -> HttpResponse:
        self.requests.append((request, timeout))
        path = request.url.split("://", 1)[-1].split("/", 1)[-1]
        answers = self.scripts[("/" + path, dict(request.params).get("page", ""))]
        answer = answers.pop(0) if len(answers) > 1 else answers[0]
        if isinstance(answer, PollError):
            raise answer
        return answer

    def pages_asked(self) -> list[str]:
        return [dict(r.params).get("page", "") for r, _ in self.requests]


def account(base: str = "https://api.example") -> PollAccount:
    return PollAccount(
        account_key="seko-test",
        platform=Platform.YOUTUBE,
        platform_account_id="UC-seko",
        api_base=base,
        credentials={"token": "secret-token-never-logged"},
    )


def _event(
    item: dict[str, Any], ctx: DeliveryContext, index: int, action: Action, key: str
) -> NormalisedEvent:
    return NormalisedEvent(
        platform=ctx.platform,
        account_id=ctx.account_id,
        object_kind=ObjectKind.COMMENT,
        action=action,
        item_id=str(item["id"]),
        text=item.get("text"),
        received_at=ctx.received_at,
        raw=ctx.pointer(index),
        idempotency_key=key,
    )


def _items(body: bytes, name: str) -> list[dict[str, Any]]:
    data = json.loads(body)  # JSONDecodeError is a ValueError
    items = data.get(name) if isinstance(data, dict) else None
    if not isinstance(items, list):
        raise ValueError(f"no {name} list")
    return items


def map_items(body: bytes, ctx: DeliveryContext, cursor: Cursor) -> list[Result]:
    results: list[Result] = []
    for index, item in enumerate(_items(body, "items")):
        if "ignore" in item:
            results.append(Ignored(platform=ctx.platform, reason=item["ignore"]))
        elif item.get("bad"):
            results.append(ValueError("item has no text"))
        else:
            item_id, fp = str(item["id"]), str(item["fp"])
            before = cursor.snapshot.get(item_id)
            action = Action.EDITED if before is not None and before != fp else Action.CREATED
            results.append(_event(item, ctx, index, action, f"test:{item_id}:{fp}"))
    return results


@dataclass(frozen=True)
class ScriptedSource:
    """A paged stream; with `diffs=True` it lists id → fingerprint for vanish detection."""

    diffs: bool = False
    platform: Platform = Platform.YOUTUBE
    stream: str = "test.items"

    @property
    def diffs_listings(self) -> bool:
        return self.diffs

    def fetch(self, http: Http, account: PollAccount, cursor: Cursor) -> Fetched:
        params = (("page", cursor.page),) if cursor.page else ()
        request = HttpRequest(
            "GET",
            f"{account.api_base}/items",
            params=params,
            headers={"Authorization": f"Bearer {account.credentials['token']}"},
        )
        response = checked(http.send(request, timeout=10.0), "test items")
        data = json_body(response, "test items")
        if not isinstance(data, dict):
            raise Malformed("test items: not an object", response.body)
        listed = {
            str(i["id"]): str(i["fp"]) for i in data.get("items") or [] if "fp" in i and self.diffs
        }
        return Fetched(
            body=response.body,
            next_page=data.get("next"),
            position=data.get("position"),
            listed=listed,
            content_type=response.headers.get("content-type", "application/json"),
        )

    def map(self, body: bytes, ctx: DeliveryContext, cursor: Cursor) -> list[Result]:
        return map_items(body, ctx, cursor)

    def vanished(self, body: bytes, ctx: DeliveryContext) -> list[Result]:
        results: list[Result] = []
        for index, item in enumerate(_items(body, "vanished")):
            key = f"test:{item['id']}:vanished:{item['fingerprint']}"
            results.append(_event(item, ctx, index, Action.DELETED, key))
        return results


@dataclass(frozen=True)
class ScriptedLookupSource:
    platform: Platform = Platform.YOUTUBE
    stream: str = "test.lookups"

    def fetch_one(self, http: Http, account: PollAccount, ref: str) -> Fetched:
        request = HttpRequest("GET", f"{account.api_base}/items/{ref}")
        response = checked(http.send(request, timeout=10.0), "test item")
        json_body(response, "test item")
        return Fetched(body=response.body, next_page=None, position=None)

    def map(self, body: bytes, ctx: DeliveryContext, cursor: Cursor) -> list[Result]:
        return map_items(body, ctx, cursor)
