"""`WebhookIngest.accept` with `account_id=None`: a delivery signed with our secret for an account
the registry does not list is kept in quarantine with an alert, never mapped or queued, and
acknowledged (the platform would retry it for ever otherwise)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

import pytest

from uppsikt.ingest.errors import PayloadTooLarge, SignatureInvalid
from uppsikt.ingest.ports import Alerts, MessageQueue, RawStore
from uppsikt.ingest.webhook import WebhookIngest
from uppsikt.model.events import Platform
from uppsikt.model.messages import EventMessage, UnmappedMessage
from uppsikt.platforms.delivery import DeliveryContext
from uppsikt.platforms.mappers import MAPPERS, PlatformMapper, Result
from uppsikt.privacy.pseudonym import Pseudonymiser

PSEUDONYMISER = Pseudonymiser(b"unit-test-pseudonym-key-0123456789")
RECEIVED_AT = datetime(2026, 11, 21, 9, 30, tzinfo=UTC)
DAY = "2026/11/21"
# A comment that names a person and an organisation id the registry does not list.
BODY = json.dumps(
    {
        "organizationalEntity": "urn:li:organization:9990009",
        "text": "Mette Hansen skriver: mitt personnummer är 850101-1234",
    }
).encode()
SECRET_CONTENT = ("9990009", "Mette", "Hansen", "850101")


@dataclass
class FakeRawStore:
    bucket: str = "raw-bucket"
    objects: dict[str, tuple[bytes, dict[str, str]]] = field(default_factory=dict)

    def put_delivery(self, key: str, body: bytes, metadata: dict[str, str]) -> None:
        self.objects[key] = (body, dict(metadata))


@dataclass
class FakeQueue:
    calls: list[Sequence[EventMessage | UnmappedMessage]] = field(default_factory=list)

    def send(self, messages: Sequence[EventMessage | UnmappedMessage]) -> None:
        self.calls.append(list(messages))


@dataclass
class FakeAlerts:
    sent: list[tuple[str, dict[str, str]]] = field(default_factory=list)

    def alert(self, subject: str, details: dict[str, str]) -> None:
        self.sent.append((subject, dict(details)))


@dataclass
class Spy:
    """A mapper's `read`; records whether the body was ever read."""

    calls: int = 0

    def __call__(self, body: bytes) -> object:
        self.calls += 1
        return json.loads(body)


def never_normalise(data: object, ctx: DeliveryContext) -> list[Result]:
    raise AssertionError("an unregistered account's delivery must not be mapped")


@dataclass
class Harness:
    store: FakeRawStore = field(default_factory=FakeRawStore)
    queue: FakeQueue = field(default_factory=FakeQueue)
    alerts: FakeAlerts = field(default_factory=FakeAlerts)
    read: Spy = field(default_factory=Spy)
    max_body_bytes: int = 1024 * 1024

    @property
    def ingest(self) -> WebhookIngest:
        ports: tuple[RawStore, MessageQueue, Alerts] = (self.store, self.queue, self.alerts)
        return WebhookIngest(*ports, max_body_bytes=self.max_body_bytes)

    @property
    def mapper(self) -> PlatformMapper:
        return PlatformMapper(Platform.LINKEDIN, self.read, never_normalise)

    def accept(self, body: bytes = BODY, *, signed: bool = True) -> dict[str, object]:
        receipt = self.ingest.accept(
            self.mapper,
            body,
            signed=signed,
            account_id=None,
            pseudonymiser=PSEUDONYMISER,
            received_at=RECEIVED_AT,
        )
        return receipt.as_dict()


def quarantine_key(body: bytes, platform: str = "linkedin") -> str:
    return f"quarantine/{platform}/{DAY}/{hashlib.sha256(body).hexdigest()}.json"


def test_a_signed_delivery_for_an_unregistered_account_is_quarantined_and_acknowledged() -> None:
    h = Harness()

    receipt = h.accept()

    key = quarantine_key(BODY)
    assert receipt == {
        "delivery": key,
        "changes": 0,
        "enqueued": 0,
        "test": 0,
        "unmapped": 0,
        "ignored": 0,
        "quarantined": True,
    }
    assert list(h.store.objects) == [key]
    stored, metadata = h.store.objects[key]
    assert stored == BODY
    assert metadata == {
        "platform": "linkedin",
        "sha256": hashlib.sha256(BODY).hexdigest(),
        "received-at": RECEIVED_AT.isoformat(),
        "quarantined": "true",
        "reason": "NotConfigured: the linkedin account is not in the registry",
    }


def test_nothing_is_mapped_or_queued_for_an_unregistered_account() -> None:
    h = Harness()

    h.accept()

    assert h.read.calls == 0
    assert h.queue.calls == []
    assert not any(k.startswith("deliveries/") for k in h.store.objects)


def test_the_operator_is_alerted_with_where_it_is_kept_but_not_what_it_says() -> None:
    h = Harness()

    h.accept()

    ((subject, details),) = h.alerts.sent
    assert "quarantined" in subject
    assert "linkedin" in subject
    assert details["quarantine_key"] == quarantine_key(BODY)
    assert details["bytes"] == str(len(BODY))
    assert details["error"] == "NotConfigured: the linkedin account is not in the registry"
    said = subject + json.dumps(details, ensure_ascii=False)
    for fragment in SECRET_CONTENT:
        assert fragment not in said


@pytest.mark.parametrize("platform", [Platform.X, Platform.YOUTUBE, Platform.MASTODON])
def test_every_wired_platform_quarantines_its_own_unregistered_deliveries(
    platform: Platform,
) -> None:
    h = Harness()

    receipt = h.ingest.accept(
        MAPPERS[platform],
        BODY,
        signed=True,
        account_id=None,
        pseudonymiser=PSEUDONYMISER,
        received_at=RECEIVED_AT,
    )

    assert receipt.quarantined is True
    assert list(h.store.objects) == [quarantine_key(BODY, platform.value)]
    assert h.queue.calls == []
    assert platform.value in h.alerts.sent[0][0]


def test_an_unsigned_delivery_for_an_unregistered_account_is_refused_not_quarantined() -> None:
    h = Harness()

    with pytest.raises(SignatureInvalid):
        h.accept(signed=False)

    assert h.store.objects == {}
    assert h.alerts.sent == []
    assert h.queue.calls == []


def test_an_oversized_delivery_is_refused_before_the_registry_question_arises() -> None:
    h = Harness(max_body_bytes=16)

    with pytest.raises(PayloadTooLarge):
        h.accept()

    assert h.store.objects == {}
    assert h.alerts.sent == []


def test_the_same_delivery_twice_is_kept_once_under_its_digest() -> None:
    h = Harness()

    first, second = h.accept(), h.accept()

    assert first["delivery"] == second["delivery"]
    assert len(h.store.objects) == 1
    assert len(h.alerts.sent) == 2  # each arrival is worth telling: the platform keeps sending
