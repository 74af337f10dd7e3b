"""Meta ingest (`WebhookIngest` with Meta's mapper) leaves a look-up reference for every
Instagram mention (which arrives with ids only), and only once the mention itself is queued.

The fakes write to one shared log, so the order of "queued" and "reference left" is observable.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pytest

from uppsikt.ingest.common import Receipt
from uppsikt.ingest.errors import EnqueueFailed
from uppsikt.ingest.ports import Alerts, LookupRequests, MessageQueue, RawStore
from uppsikt.ingest.webhook import WebhookIngest
from uppsikt.model.events import ObjectKind, Platform
from uppsikt.model.messages import EventMessage, UnmappedMessage
from uppsikt.platforms.meta.mapper import META
from uppsikt.platforms.meta.normalise import mention_ref
from uppsikt.platforms.meta.signature import is_valid, sign
from uppsikt.privacy.pseudonym import Pseudonymiser

SECRET = "test_app_secret"
PSEUDONYMISER = Pseudonymiser(b"unit-test-pseudonym-key-0123456789")
RECEIVED_AT = datetime(2026, 11, 21, 9, 30, tzinfo=UTC)
IG_ACCOUNT = "17841400123456789"
PAGE = "104729561234567"
OTHER_IG = "17841400999999999"
MEDIA = "17887498072083520"
COMMENT = "17870913679156914"
STREAM = "instagram.mentions"

Message = EventMessage | UnmappedMessage


@dataclass
class Log:
    steps: list[str] = field(default_factory=list)


@dataclass
class FakeRawStore:
    log: Log
    bucket: str = "raw-bucket"
    objects: dict[str, bytes] = field(default_factory=dict)

    def put_delivery(self, key: str, body: bytes, metadata: dict[str, str]) -> None:
        self.log.steps.append("stored")
        self.objects[key] = body


@dataclass
class FakeQueue:
    log: Log
    sent: list[Message] = field(default_factory=list)
    fail: bool = False

    def send(self, messages: Sequence[Message]) -> None:
        if self.fail:
            raise EnqueueFailed(f"{len(messages)} message(s) could not be queued")
        self.log.steps.append(f"queued {len(messages)}")
        self.sent.extend(messages)


@dataclass
class FakeAlerts:
    sent: list[tuple[str, dict[str, str]]] = field(default_factory=list)

    def alert(self, subject: str, details: dict[str, str]) -> None:
        self.sent.append((subject, dict(details)))


@dataclass
class FakeLookupStore:
    """Records every reference left, in order, as (platform, account id, stream, ref)."""

    log: Log
    requested: list[tuple[Platform, str, str, str]] = field(default_factory=list)

    def request(
        self, platform: Platform, account_id: str, stream: str, ref: str, org_id: str | None = None
    ) -> None:
        self.log.steps.append(f"lookup {ref}")
        self.requested.append((platform, account_id, stream, ref))

    def pending(self, platform: Platform, account_id: str, stream: str, limit: int) -> list[str]:
        return [r for p, a, s, r in self.requested if (p, a, s) == (platform, account_id, stream)]

    def done(self, platform: Platform, account_id: str, stream: str, ref: str) -> None:
        self.requested.remove((platform, account_id, stream, ref))


@dataclass
class Harness:
    log: Log
    queue: FakeQueue
    lookups: FakeLookupStore
    alerts: FakeAlerts
    ingest: WebhookIngest

    def accept(self, body: bytes) -> Receipt:
        return self.ingest.accept(
            META,
            body,
            signed=is_valid(body, sign(body, SECRET), SECRET),
            registered=lambda platform, account: account in (IG_ACCOUNT, OTHER_IG, PAGE),
            pseudonymiser=PSEUDONYMISER,
            received_at=RECEIVED_AT,
        )


def harness(*, with_lookups: bool = True) -> Harness:
    log = Log()
    store, queue, alerts, lookups = FakeRawStore(log), FakeQueue(log), FakeAlerts(), None
    recorder = FakeLookupStore(log)
    if with_lookups:
        lookups = recorder
    ports: tuple[RawStore, MessageQueue, Alerts, LookupRequests | None] = (
        store,
        queue,
        alerts,
        lookups,
    )
    return Harness(log, queue, recorder, alerts, WebhookIngest(*ports))


@pytest.fixture
def h() -> Harness:
    return harness()


def envelope(obj: str, *entries: tuple[str, list[dict[str, Any]]]) -> bytes:
    return json.dumps(
        {
            "object": obj,
            "entry": [
                {"id": entry_id, "time": 1763717400, "changes": changes}
                for entry_id, changes in entries
            ],
        }
    ).encode()


def ig_mention(media: str = MEDIA, comment: str | None = COMMENT) -> dict[str, Any]:
    value: dict[str, Any] = {"media_id": media}
    if comment is not None:
        value["comment_id"] = comment
    return {"field": "mentions", "value": value}


def test_an_instagram_mention_in_a_comment_leaves_a_media_and_comment_reference(
    h: Harness,
) -> None:
    receipt = h.accept(envelope("instagram", (IG_ACCOUNT, [ig_mention()])))

    assert receipt.enqueued == 1
    (message,) = h.queue.sent
    assert isinstance(message, EventMessage)
    assert (message.event.object_kind, message.event.text) == (ObjectKind.MENTION, None)
    assert h.lookups.requested == [
        (Platform.INSTAGRAM, IG_ACCOUNT, STREAM, f"{MEDIA}:{COMMENT}"),
    ]


def test_an_instagram_mention_in_a_caption_leaves_a_reference_with_a_dash(h: Harness) -> None:
    h.accept(envelope("instagram", (IG_ACCOUNT, [ig_mention(comment=None)])))

    assert h.lookups.requested == [(Platform.INSTAGRAM, IG_ACCOUNT, STREAM, f"{MEDIA}:-")]


@pytest.mark.parametrize("comment", [COMMENT, None])
def test_the_reference_is_the_one_the_mention_look_up_reads(
    h: Harness, comment: str | None
) -> None:
    h.accept(envelope("instagram", (IG_ACCOUNT, [ig_mention(comment=comment)])))

    ((_, _, _, ref),) = h.lookups.requested
    assert ref == mention_ref(MEDIA, comment)


def test_every_mention_of_a_batch_leaves_its_own_reference_under_its_own_account(
    h: Harness,
) -> None:
    other = OTHER_IG
    body = envelope(
        "instagram",
        (IG_ACCOUNT, [ig_mention(), ig_mention("17887498072083521", None)]),
        (other, [ig_mention("17887498072083522", "17870913679156915")]),
    )

    h.accept(body)

    assert h.lookups.requested == [
        (Platform.INSTAGRAM, IG_ACCOUNT, STREAM, f"{MEDIA}:{COMMENT}"),
        (Platform.INSTAGRAM, IG_ACCOUNT, STREAM, "17887498072083521:-"),
        (Platform.INSTAGRAM, other, STREAM, "17887498072083522:17870913679156915"),
    ]


def test_references_are_left_only_after_the_queue_accepted_the_messages(h: Harness) -> None:
    h.accept(envelope("instagram", (IG_ACCOUNT, [ig_mention(), ig_mention(comment=None)])))

    assert h.log.steps == ["stored", "queued 2", f"lookup {MEDIA}:{COMMENT}", f"lookup {MEDIA}:-"]


def test_when_the_queue_fails_no_reference_is_left_and_the_error_propagates() -> None:
    failing = harness()
    failing.queue.fail = True

    with pytest.raises(EnqueueFailed):
        failing.accept(envelope("instagram", (IG_ACCOUNT, [ig_mention()])))

    assert failing.lookups.requested == []
    assert failing.log.steps == ["stored"]


def test_facebook_mentions_leave_no_reference_even_without_text(h: Harness) -> None:
    mention = {
        "field": "mention",
        "value": {
            "post_id": f"{PAGE}_7363534231324",
            "comment_id": "7363534231324_3754798971271444",
            "created_time": 1763717400,
            "item": "comment",
            "verb": "add",
        },
    }

    h.accept(envelope("page", (PAGE, [mention])))

    (message,) = h.queue.sent
    assert isinstance(message, EventMessage)
    assert (message.event.platform, message.event.object_kind) == (
        Platform.FACEBOOK,
        ObjectKind.MENTION,
    )
    assert message.event.text is None
    assert h.lookups.requested == []


def test_instagram_comments_leave_no_reference(h: Harness) -> None:
    comment = {
        "field": "comments",
        "value": {
            "id": COMMENT,
            "text": "Bra jobbat!",
            "from": {"id": "17841405309211844", "username": "jonas_b"},
            "media": {"id": MEDIA, "media_product_type": "FEED"},
        },
    }

    h.accept(envelope("instagram", (IG_ACCOUNT, [comment])))

    assert len(h.queue.sent) == 1
    assert h.lookups.requested == []


def test_an_unmappable_mention_is_queued_as_a_pointer_and_leaves_no_reference(h: Harness) -> None:
    receipt = h.accept(envelope("instagram", (IG_ACCOUNT, [{"field": "mentions", "value": {}}])))

    assert receipt.unmapped == 1
    assert isinstance(h.queue.sent[0], UnmappedMessage)
    assert h.lookups.requested == []


def test_a_dashboard_test_mention_is_neither_queued_nor_looked_up(h: Harness) -> None:
    receipt = h.accept(envelope("instagram", ("0", [ig_mention()])))

    assert (receipt.test, receipt.enqueued) == (1, 0)
    assert h.lookups.requested == []


def test_without_a_lookup_store_the_mention_is_still_queued() -> None:
    plain = harness(with_lookups=False)

    receipt = plain.accept(envelope("instagram", (IG_ACCOUNT, [ig_mention()])))

    assert receipt.enqueued == 1
    assert plain.lookups.requested == []
