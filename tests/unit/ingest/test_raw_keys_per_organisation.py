"""Raw deliveries are kept under their organisation, so one organisation's are listed by prefix:
`deliveries/<source>/<organisation>/<day>/<sha256>`, and a Meta delivery whose entries are for
Pages of several organisations is kept once, under `shared`, naming them all."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from support.tenancy import PSEUDONYMS
from uppsikt.ingest.ports import Alerts, MessageQueue, RawStore
from uppsikt.ingest.webhook import WebhookIngest
from uppsikt.model.events import Platform
from uppsikt.model.messages import EventMessage, UnmappedMessage
from uppsikt.platforms.meta.mapper import META

RECEIVED_AT = datetime(2026, 11, 21, 9, 30, tzinfo=UTC)
Message = EventMessage | UnmappedMessage


@dataclass
class FakeRawStore:
    bucket: str = "raw-bucket"
    objects: dict[str, tuple[bytes, dict[str, str]]] = field(default_factory=dict)

    def put_delivery(self, key: str, body: bytes, metadata: dict[str, str]) -> None:
        self.objects[key] = (body, dict(metadata))


@dataclass
class FakeQueue:
    sent: list[Message] = field(default_factory=list)

    def send(self, messages: Sequence[Message]) -> None:
        self.sent.extend(messages)


@dataclass
class FakeAlerts:
    sent: list[tuple[str, dict[str, str]]] = field(default_factory=list)

    def alert(self, subject: str, details: dict[str, str]) -> None:
        self.sent.append((subject, dict(details)))


def pointer_of(message: Message) -> str:
    return (message.event.raw if isinstance(message, EventMessage) else message.raw).key


OWNERS = {
    (Platform.FACEBOOK, "111"): "seko",
    (Platform.FACEBOOK, "222"): "eksempeletaten",
    (Platform.INSTAGRAM, "333"): "seko",
}


def owner(platform: Platform, account_id: str) -> str | None:
    return OWNERS.get((platform, account_id))


def registered(platform: Platform, account_id: str) -> bool:
    return owner(platform, account_id) is not None


def page(page_id: str, n: int) -> dict[str, object]:
    value = {
        "item": "comment",
        "verb": "add",
        "comment_id": f"{page_id}_{n}",
        "post_id": f"{page_id}_1",
        "parent_id": f"{page_id}_1",
        "from": {"id": f"7300{n}", "name": "Someone"},
        "created_time": 1763711950,
        "message": "Tack för svaret!",
    }
    return {"id": page_id, "time": 1763712000, "changes": [{"field": "feed", "value": value}]}


def accept(*entries: dict[str, object]) -> tuple[FakeRawStore, FakeQueue, str]:
    store = FakeRawStore()
    queue = FakeQueue()
    ports: tuple[RawStore, MessageQueue, Alerts] = (store, queue, FakeAlerts())
    ingest = WebhookIngest(*ports, organisation_of=owner)
    body = json.dumps({"object": "page", "entry": list(entries)}).encode()
    receipt = ingest.accept(
        META,
        body,
        signed=True,
        registered=registered,
        pseudonymiser=PSEUDONYMS,
        received_at=RECEIVED_AT,
    )
    assert receipt.delivery_key is not None
    return store, queue, receipt.delivery_key


def test_a_delivery_for_one_organisation_is_kept_under_it() -> None:
    store, queue, key = accept(page("111", 1), page("111", 2))
    assert key.startswith("deliveries/meta/seko/2026/11/21/")
    assert store.objects[key][1]["org-ids"] == "seko"
    # Every queued item points at the key it is kept under.
    assert {pointer_of(m) for m in queue.sent} == {key}


def test_a_delivery_spanning_organisations_is_kept_once_under_shared_naming_them() -> None:
    store, queue, key = accept(page("111", 1), page("222", 2))
    assert key.startswith("deliveries/meta/shared/2026/11/21/")
    assert list(store.objects) == [key]
    assert store.objects[key][1]["org-ids"] == "eksempeletaten,seko"
    assert {pointer_of(m) for m in queue.sent} == {key}
    assert len(queue.sent) == 2


def test_entries_for_unlisted_pages_do_not_decide_the_owner() -> None:
    _, queue, key = accept(page("111", 1), page("999", 2))
    assert key.startswith("deliveries/meta/seko/")
    assert len(queue.sent) == 1
