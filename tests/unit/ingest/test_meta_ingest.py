"""Meta deliveries through the generic `WebhookIngest.accept` with Meta's mapper and verifier:
verify, keep the raw delivery, split it into one message per change.

The outside world is replaced by small in-memory fakes that implement `uppsikt.ingest.ports`;
the registry is a set of (platform, account id) pairs.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from uppsikt.ingest.common import Receipt
from uppsikt.ingest.errors import EnqueueFailed, PayloadTooLarge, SignatureInvalid
from uppsikt.ingest.ports import Alerts, MessageQueue, RawStore
from uppsikt.ingest.webhook import WebhookIngest
from uppsikt.model.events import ObjectKind, Platform, RawPointer
from uppsikt.model.messages import EventMessage, UnmappedMessage
from uppsikt.platforms.meta import signature
from uppsikt.platforms.meta.mapper import META
from uppsikt.platforms.meta.signature import sign
from uppsikt.privacy.pseudonym import Pseudonymiser

SAMPLES = Path(__file__).resolve().parents[3].parent / "shared" / "platform-samples"
FACEBOOK = SAMPLES / "facebook"
INSTAGRAM = SAMPLES / "instagram"

if not (FACEBOOK.is_dir() and INSTAGRAM.is_dir()):
    pytest.skip(f"Meta samples not found under {SAMPLES}", allow_module_level=True)

SECRET = "test_app_secret"
PSEUDONYMISER = Pseudonymiser(b"unit-test-pseudonym-key-0123456789")
RECEIVED_AT = datetime(2026, 11, 21, 9, 30, tzinfo=UTC)
DAY = "2026/11/21"
PAGE_ID = "1234567890321"  # the Page of the saved Facebook samples
IG_ACCOUNT = "17841400123456789"
REGISTRY = {(Platform.FACEBOOK, PAGE_ID), (Platform.INSTAGRAM, IG_ACCOUNT)}


def registered(platform: Platform, account_id: str) -> bool:
    return (platform, account_id) in REGISTRY


Message = EventMessage | UnmappedMessage


# --- fakes ---------------------------------------------------------------------------------------


@dataclass
class FakeRawStore:
    bucket: str = "raw-bucket"
    objects: dict[str, tuple[bytes, dict[str, str]]] = field(default_factory=dict)

    def put_delivery(self, key: str, body: bytes, metadata: dict[str, str]) -> None:
        self.objects[key] = (body, dict(metadata))


def pointer_of(message: Message) -> RawPointer:
    return message.event.raw if isinstance(message, EventMessage) else message.raw


@dataclass
class FakeQueue:
    """Collects messages; refuses any batch whose raw delivery is not stored yet."""

    store: FakeRawStore
    sent: list[Message] = field(default_factory=list)
    calls: int = 0
    fail: bool = False

    def send(self, messages: Sequence[Message]) -> None:
        self.calls += 1
        assert self.store.objects, "send() called before the raw delivery was stored"
        for message in messages:
            assert pointer_of(message).key in self.store.objects, "queued before stored"
        if self.fail:
            raise EnqueueFailed(f"{len(messages)} messages could not be queued")
        self.sent.extend(messages)


@dataclass
class FakeAlerts:
    sent: list[tuple[str, dict[str, str]]] = field(default_factory=list)

    def alert(self, subject: str, details: dict[str, str]) -> None:
        self.sent.append((subject, dict(details)))


@dataclass
class Harness:
    store: FakeRawStore
    queue: FakeQueue
    alerts: FakeAlerts
    ingest: WebhookIngest

    def accept(self, body: bytes, header: str | None = "sign") -> Receipt:
        if header == "sign":
            header = sign(body, SECRET)
        # What the route does: Meta's verifier, then the generic ingest with Meta's mapper.
        return self.ingest.accept(
            META,
            body,
            signed=signature.is_valid(body, header, SECRET),
            registered=registered,
            pseudonymiser=PSEUDONYMISER,
            received_at=RECEIVED_AT,
        )

    @property
    def nothing_happened(self) -> bool:
        return not self.store.objects and self.queue.calls == 0 and not self.alerts.sent


def harness(max_body_bytes: int | None = None) -> Harness:
    store = FakeRawStore()
    queue = FakeQueue(store)
    alerts = FakeAlerts()
    # The fakes must satisfy the ports the production code is written against.
    ports: tuple[RawStore, MessageQueue, Alerts] = (store, queue, alerts)
    kwargs: dict[str, Any] = {} if max_body_bytes is None else {"max_body_bytes": max_body_bytes}
    return Harness(store, queue, alerts, WebhookIngest(*ports, **kwargs))


@pytest.fixture
def h() -> Harness:
    return harness()


def sample(name: str) -> bytes:
    folder = INSTAGRAM if name.startswith("restfb-wh-") else FACEBOOK
    return (folder / name).read_bytes()


def delivery_key(body: bytes) -> str:
    return f"deliveries/meta/{DAY}/{hashlib.sha256(body).hexdigest()}.json"


def quarantine_key(body: bytes) -> str:
    return f"quarantine/meta/{DAY}/{hashlib.sha256(body).hexdigest()}.json"


def envelope_of(*entries: dict[str, Any], obj: str = "page") -> bytes:
    return json.dumps({"object": obj, "entry": list(entries)}).encode()


def entry_of(
    *changes: dict[str, Any], entry_id: str = PAGE_ID, time: int = 1449135003
) -> dict[str, Any]:
    return {"id": entry_id, "time": time, "changes": list(changes)}


def first_change(name: str) -> dict[str, Any]:
    change: dict[str, Any] = json.loads(sample(name))["entry"][0]["changes"][0]
    return change


def change_at(body: bytes, pointer: RawPointer) -> dict[str, Any]:
    change: dict[str, Any] = json.loads(body)["entry"][pointer.entry_index]["changes"][
        pointer.change_index
    ]
    return change


CPR_TEXT = "Mit CPR er 211062-5629, hilsen Mette Hansen"


# --- the happy path ------------------------------------------------------------------------------


def test_a_signed_delivery_is_stored_byte_for_byte_before_its_message_is_queued(h: Harness) -> None:
    body = sample("restfb-feed-comment-add-211.json")
    receipt = h.accept(body)

    key = delivery_key(body)
    assert list(h.store.objects) == [key]
    stored, metadata = h.store.objects[key]
    assert stored == body
    assert metadata["sha256"] == hashlib.sha256(body).hexdigest()
    assert metadata["platform"] == "meta"
    assert "object" not in metadata  # a value from the body: not repeated outside it
    assert metadata["received-at"] == RECEIVED_AT.isoformat()
    assert h.queue.calls == 1
    (message,) = h.queue.sent
    assert isinstance(message, EventMessage)
    assert message.event.raw == RawPointer(
        bucket="raw-bucket", key=key, entry_index=0, change_index=0
    )
    assert message.event.item_id == "901097836652708_903438993085259"
    assert receipt.delivery_key == key
    assert (receipt.changes, receipt.enqueued, receipt.quarantined) == (1, 1, False)
    assert not h.alerts.sent


def test_the_same_delivery_received_twice_is_stored_under_the_same_key(h: Harness) -> None:
    body = sample("restfb-feed-status-add-25.json")
    first = h.accept(body)
    second = h.accept(body)
    assert first.delivery_key == second.delivery_key
    assert len(h.store.objects) == 1
    keys = [m.event.idempotency_key for m in h.queue.sent if isinstance(m, EventMessage)]
    assert len(keys) == 2
    assert keys[0] == keys[1], "the evaluator dedupes the redelivery on this key"


def test_a_batch_merged_from_several_samples_becomes_one_message_per_change(h: Harness) -> None:
    comment = first_change("restfb-feed-comment-add-211.json")
    edited = first_change("restfb-feed-comment-edited-25.json")
    reaction = first_change("restfb-feed-reaction-add.json")
    post = first_change("restfb-feed-post-add-25.json")
    status = first_change("restfb-feed-status-edited-25.json")
    removed = first_change("restfb-feed-comment-remove-25.json")
    body = envelope_of(
        entry_of(comment, reaction, edited),
        entry_of(post),
        entry_of(status, removed, time=1452107182),
    )

    receipt = h.accept(body)

    assert (receipt.changes, receipt.enqueued, sum(receipt.ignored.values())) == (6, 5, 1)
    assert h.queue.calls == 1, "one delivery is queued in one call"
    pointers = [(pointer_of(m).entry_index, pointer_of(m).change_index) for m in h.queue.sent]
    assert pointers == [(0, 0), (0, 2), (1, 0), (2, 0), (2, 1)]
    stored, _ = h.store.objects[delivery_key(body)]
    for message in h.queue.sent:
        assert isinstance(message, EventMessage)
        event = message.event
        assert event.raw.key == delivery_key(body)
        raw_value = change_at(stored, event.raw)["value"]
        assert event.item_id == raw_value.get("comment_id", raw_value["post_id"])
    keys = {m.event.idempotency_key for m in h.queue.sent if isinstance(m, EventMessage)}
    assert len(keys) == 5


def test_every_message_of_a_batch_points_into_the_one_stored_delivery(h: Harness) -> None:
    changes = [
        first_change(n) for n in ("restfb-feed-status-add-25.json", "restfb-feed-video-add.json")
    ]
    body = envelope_of(entry_of(*changes))
    h.accept(body)
    assert {pointer_of(m).key for m in h.queue.sent} == {delivery_key(body)}
    assert {pointer_of(m).bucket for m in h.queue.sent} == {"raw-bucket"}


# --- refused before anything is kept ------------------------------------------------------------


@pytest.mark.parametrize(
    "header",
    [
        None,
        "",
        "sha1=" + "0" * 40,
        sign(b"some other body", SECRET),
        sign(b'{"object":"page","entry":[]}', "not-the-secret"),
        "sha256=",
    ],
)
def test_a_missing_or_wrong_signature_is_refused_and_nothing_is_kept(
    h: Harness, header: str | None
) -> None:
    body = sample("restfb-feed-comment-add-211.json")
    with pytest.raises(SignatureInvalid):
        h.accept(body, header)
    assert h.nothing_happened


def test_a_body_signed_with_another_secret_is_refused(h: Harness) -> None:
    body = sample("restfb-feed-comment-add-211.json")
    with pytest.raises(SignatureInvalid):
        h.accept(body, sign(body, SECRET + "-old"))
    assert h.nothing_happened


def test_a_body_over_the_limit_is_refused_before_the_signature_is_looked_at() -> None:
    small = harness(max_body_bytes=64)
    body = b'{"object":"page","entry":[' + b" " * 64 + b"]}"
    # No signature at all: if the signature were checked first this would be SignatureInvalid.
    with pytest.raises(PayloadTooLarge) as caught:
        small.accept(body, None)
    assert (caught.value.size, caught.value.limit) == (len(body), 64)
    with pytest.raises(PayloadTooLarge):
        small.accept(body)  # a valid signature does not help either
    assert small.nothing_happened


def test_a_body_exactly_at_the_limit_is_accepted() -> None:
    body = b'{"object":"page","entry":[]}'
    exact = harness(max_body_bytes=len(body))
    receipt = exact.accept(body)
    assert receipt.changes == 0
    assert list(exact.store.objects) == [delivery_key(body)]


# --- signed but unusable: quarantined, acknowledged ---------------------------------------------


def assert_quarantined(h: Harness, body: bytes, receipt: Receipt, content: Sequence[str]) -> None:
    key = quarantine_key(body)
    assert receipt.quarantined is True
    assert receipt.delivery_key == key
    assert list(h.store.objects) == [key]
    stored, metadata = h.store.objects[key]
    assert stored == body
    assert metadata["quarantined"] == "true"
    assert h.queue.calls == 0
    (subject, details) = h.alerts.sent[0]
    assert len(h.alerts.sent) == 1
    assert details["quarantine_key"] == key
    assert details["bytes"] == str(len(body))
    assert details["error"]
    said = subject + json.dumps(details, ensure_ascii=False)
    for fragment in content:
        assert fragment not in said
    assert receipt.as_dict()["quarantined"] is True


def test_malformed_json_with_a_valid_signature_is_quarantined_with_an_alert_but_no_content(
    h: Harness,
) -> None:
    body = (
        '{"object":"page","entry":[{"id":"104729561234567","changes":[{"field":"feed",'
        f'"value":{{"item":"comment","message":"{CPR_TEXT}'
    ).encode()
    receipt = h.accept(body)
    assert_quarantined(h, body, receipt, ["211062", "5629", "Mette", "Hansen", "CPR"])
    assert "JSON" in h.alerts.sent[0][1]["error"]


def test_a_body_that_is_not_utf8_is_quarantined(h: Harness) -> None:
    body = b'{"object":"page","entry":[{"id":"1","x":"\xff\xfe Mette"}]}'
    receipt = h.accept(body)
    assert_quarantined(h, body, receipt, ["Mette"])


@pytest.mark.parametrize(
    "document",
    [
        {"object": "page", "entry": CPR_TEXT},
        {"entry": [], "note": CPR_TEXT},
        [CPR_TEXT],
    ],
    ids=["entry-is-a-string", "no-object", "a-list"],
)
def test_valid_json_in_the_wrong_envelope_shape_is_quarantined(
    h: Harness, document: object
) -> None:
    body = json.dumps(document).encode()
    receipt = h.accept(body)
    assert_quarantined(h, body, receipt, ["211062", "5629", "Mette", "Hansen"])
    assert "validation failed" in h.alerts.sent[0][1]["error"]


# --- stored but not queued ----------------------------------------------------------------------


def test_an_object_that_is_not_monitored_is_stored_counted_as_ignored_and_not_queued(
    h: Harness,
) -> None:
    body = envelope_of(entry_of({"field": "name", "value": {"name": "Mette"}}), obj="user")
    receipt = h.accept(body)
    assert list(h.store.objects) == [delivery_key(body)]
    assert h.queue.calls == 0
    assert h.queue.sent == []
    assert receipt.as_dict()["ignored"] == 1
    assert receipt.enqueued == 0


@pytest.mark.parametrize(
    "name",
    [
        "restfb-wh-comments.json",
        "restfb-wh-comments-2021.json",
        "restfb-wh-livecomments.json",
        "restfb-wh-mentions.json",
        "restfb-mention-post-add.json",
    ],
)
def test_dashboard_test_changes_are_counted_and_not_queued(h: Harness, name: str) -> None:
    body = sample(name)
    receipt = h.accept(body)
    assert (receipt.changes, receipt.test, receipt.enqueued) == (1, 1, 0)
    assert h.queue.sent == []
    assert delivery_key(body) in h.store.objects


def test_a_test_change_in_a_real_batch_only_drops_the_test_change(h: Harness) -> None:
    test_change = first_change("restfb-mention-post-add.json")
    real = first_change("restfb-feed-comment-add-211.json")
    body = envelope_of(entry_of(test_change, real))
    receipt = h.accept(body)
    assert (receipt.changes, receipt.test, receipt.enqueued) == (2, 1, 1)
    (message,) = h.queue.sent
    assert pointer_of(message).change_index == 1


@pytest.mark.parametrize(
    "name", ["restfb-feed-reaction-add.json", "restfb-feed-reaction-add-reply.json"]
)
def test_reactions_are_counted_as_ignored(h: Harness, name: str) -> None:
    receipt = h.accept(sample(name))
    assert receipt.ignored == {"reactions carry no content to check": 1}
    assert receipt.as_dict()["ignored"] == 1
    assert h.queue.sent == []


def test_unmonitored_fields_in_two_entries_are_each_counted_as_ignored(h: Harness) -> None:
    receipt = h.accept(sample("restfb-feed-two-entries-25.json"))
    assert (receipt.changes, sum(receipt.ignored.values()), receipt.enqueued) == (2, 2, 0)


# --- monitored but unmappable -------------------------------------------------------------------


def test_a_comment_without_comment_id_becomes_an_unmapped_message_that_names_the_gap(
    h: Harness,
) -> None:
    change = first_change("restfb-feed-comment-add-211.json")
    del change["value"]["comment_id"]
    change["value"]["message"] = CPR_TEXT
    good = first_change("restfb-feed-status-add-25.json")
    body = envelope_of(entry_of(good, change))

    receipt = h.accept(body)

    assert (receipt.changes, receipt.enqueued, receipt.unmapped) == (2, 2, 1)
    unmapped = [m for m in h.queue.sent if isinstance(m, UnmappedMessage)]
    (message,) = unmapped
    assert "comment_id" in message.error
    for fragment in ("211062", "5629", "Mette", "Hansen", "CPR", "Tester"):
        assert fragment not in message.error
    assert message.platform is Platform.FACEBOOK
    assert message.raw == RawPointer(
        bucket="raw-bucket", key=delivery_key(body), entry_index=0, change_index=1
    )
    # Only the pointer travels: the raw change (text, raw user ids) stays in the raw store.
    serialised = message.model_dump_json()
    for fragment in ("Mette", "Hansen", "1234567890321_9", "message"):
        assert fragment not in serialised


def test_a_change_whose_ids_are_too_long_for_the_model_becomes_unmapped(h: Harness) -> None:
    change = first_change("restfb-feed-comment-add-211.json")
    change["value"]["comment_id"] = "9" * 600
    receipt = h.accept(envelope_of(entry_of(change)))
    assert receipt.unmapped == 1
    (message,) = h.queue.sent
    assert isinstance(message, UnmappedMessage)
    assert "idempotency_key" in message.error
    assert "and the next one" not in message.error


def test_an_unknown_verb_becomes_unmapped(h: Harness) -> None:
    change = first_change("restfb-feed-status-add-25.json")
    change["value"]["verb"] = "Mette Hansen 211062-5629"
    receipt = h.accept(envelope_of(entry_of(change)))
    assert receipt.unmapped == 1
    (message,) = h.queue.sent
    assert isinstance(message, UnmappedMessage)
    assert "verb" in message.error
    for fragment in ("Mette", "Hansen", "211062"):
        assert fragment not in message.error, "the error names the field, not its value"


def test_a_change_whose_value_is_not_an_object_is_unmapped_and_the_rest_goes_through(
    h: Harness,
) -> None:
    good = first_change("restfb-feed-comment-add-211.json")
    odd = {"field": "feed", "value": CPR_TEXT}
    receipt = h.accept(envelope_of(entry_of(good, odd)))
    assert (receipt.quarantined, receipt.enqueued, receipt.unmapped) == (False, 2, 1)
    (unmapped,) = [m for m in h.queue.sent if isinstance(m, UnmappedMessage)]
    assert "value object" in unmapped.error
    assert "211062" not in unmapped.model_dump_json()


def test_a_status_whose_photos_is_not_a_list_becomes_unmapped_without_failing_the_batch(
    h: Harness,
) -> None:
    bad = first_change("restfb-feed-status-add-photos.json")
    bad["value"]["photos"] = 3
    good = first_change("restfb-feed-comment-add-211.json")
    receipt = h.accept(envelope_of(entry_of(good, bad)))
    assert (receipt.enqueued, receipt.unmapped) == (2, 1)


def test_a_change_with_an_out_of_range_created_time_does_not_fail_the_batch(h: Harness) -> None:
    bad = first_change("restfb-feed-status-add-25.json")
    bad["value"]["created_time"] = 10**14
    good = first_change("restfb-feed-comment-add-211.json")
    receipt = h.accept(envelope_of(entry_of(good, bad)))
    assert receipt.enqueued == 2


# --- the receipt and failures -------------------------------------------------------------------


def test_the_receipt_says_what_happened_without_any_content(h: Harness) -> None:
    change = first_change("restfb-feed-comment-add-211.json")
    change["value"]["message"] = CPR_TEXT
    change["value"]["from"] = {"id": "7300112233449876", "name": "Mette Hansen"}
    body = envelope_of(entry_of(change, first_change("restfb-feed-reaction-add.json")))

    receipt = h.accept(body)

    summary = receipt.as_dict()
    assert summary == {
        "delivery": delivery_key(body),
        "changes": 2,
        "enqueued": 1,
        "test": 0,
        "unmapped": 0,
        "ignored": 1,
        "quarantined": False,
    }
    said = json.dumps(summary)
    for fragment in ("211062", "5629", "Mette", "Hansen", "7300112233449876", "901097836652708"):
        assert fragment not in said


def test_the_queued_event_carries_a_pseudonym_instead_of_the_visitors_id(h: Harness) -> None:
    change = first_change("restfb-feed-comment-add-211.json")
    change["value"]["from"] = {"id": "7300112233449876", "name": "Mette Hansen"}
    h.accept(envelope_of(entry_of(change)))
    (message,) = h.queue.sent
    assert isinstance(message, EventMessage)
    dumped = message.model_dump_json()
    assert "7300112233449876" not in dumped
    assert "Mette" not in dumped
    assert message.event.author is not None
    assert message.event.author.is_account is False
    assert message.event.object_kind is ObjectKind.COMMENT


def test_a_queue_failure_propagates_so_the_platform_retries_and_the_delivery_is_kept() -> None:
    failing = harness()
    failing.queue.fail = True
    body = sample("restfb-feed-comment-add-211.json")
    with pytest.raises(EnqueueFailed):
        failing.accept(body)
    assert failing.store.objects[delivery_key(body)][0] == body
    assert failing.queue.sent == []


# --- one malformed element costs only itself -----------------------------------------------------


def test_an_entry_whose_time_is_a_string_is_unmapped_alone_and_its_siblings_are_queued(
    h: Harness,
) -> None:
    good = entry_of(first_change("restfb-feed-comment-add-211.json"))
    bad = entry_of(first_change("restfb-feed-status-add-25.json"))
    bad["time"] = CPR_TEXT
    body = envelope_of(good, bad, entry_of(first_change("restfb-feed-video-add.json")))

    receipt = h.accept(body)

    assert (receipt.quarantined, receipt.changes, receipt.enqueued, receipt.unmapped) == (
        False,
        3,
        3,
        1,
    )
    events = [m for m in h.queue.sent if isinstance(m, EventMessage)]
    assert [m.event.raw.entry_index for m in events] == [0, 2]
    (pointer,) = [m for m in h.queue.sent if isinstance(m, UnmappedMessage)]
    assert (pointer.raw.entry_index, pointer.raw.change_index) == (1, 0)
    assert pointer.raw.key == delivery_key(body)
    assert "time" in pointer.error
    for fragment in ("211062", "5629", "Mette", "Hansen"):
        assert fragment not in pointer.model_dump_json()
    assert not h.alerts.sent


def test_an_entry_without_an_id_is_unmapped_alone(h: Harness) -> None:
    anonymous = {"changes": [{"field": "feed", "value": {"message": CPR_TEXT}}]}
    body = envelope_of(anonymous, entry_of(first_change("restfb-feed-comment-add-211.json")))

    receipt = h.accept(body)

    assert (receipt.quarantined, receipt.enqueued, receipt.unmapped) == (False, 2, 1)
    (pointer,) = [m for m in h.queue.sent if isinstance(m, UnmappedMessage)]
    assert pointer.raw.entry_index == 0
    assert "id" in pointer.error
    assert "Mette" not in pointer.model_dump_json()


def test_a_change_without_a_field_is_unmapped_alone_within_its_entry(h: Harness) -> None:
    odd = {"value": {"message": CPR_TEXT}}
    body = envelope_of(entry_of(first_change("restfb-feed-comment-add-211.json"), odd))

    receipt = h.accept(body)

    assert (receipt.changes, receipt.enqueued, receipt.unmapped) == (2, 2, 1)
    (pointer,) = [m for m in h.queue.sent if isinstance(m, UnmappedMessage)]
    assert (pointer.raw.entry_index, pointer.raw.change_index) == (0, 1)
    assert "field" in pointer.error
    assert "Mette" not in pointer.error


def test_an_entry_whose_changes_is_not_a_list_is_unmapped_alone(h: Harness) -> None:
    bad = {"id": PAGE_ID, "time": 1449135003, "changes": CPR_TEXT}
    body = envelope_of(bad, entry_of(first_change("restfb-feed-comment-add-211.json")))

    receipt = h.accept(body)

    assert (receipt.enqueued, receipt.unmapped) == (2, 1)
    (pointer,) = [m for m in h.queue.sent if isinstance(m, UnmappedMessage)]
    assert "changes" in pointer.error
    assert "211062" not in pointer.error


# --- direct messages ------------------------------------------------------------------------------


def messaging_entry(count: int = 1) -> dict[str, Any]:
    event = {"sender": {"id": "7300112233449876"}, "message": {"text": CPR_TEXT}}
    return {"id": PAGE_ID, "time": 1449135003, "messaging": [event] * count}


def test_a_delivery_of_direct_messages_only_is_counted_as_ignored_with_its_reason(
    h: Harness,
) -> None:
    body = envelope_of(messaging_entry(2))

    receipt = h.accept(body)

    assert receipt.ignored == {"direct messages are not monitored": 2}
    assert (receipt.changes, receipt.enqueued) == (2, 0)
    assert receipt.as_dict()["ignored"] == 2
    assert h.queue.sent == []
    assert list(h.store.objects) == [delivery_key(body)]


def test_an_entry_with_neither_changes_nor_messages_is_counted_as_ignored(h: Harness) -> None:
    receipt = h.accept(envelope_of({"id": PAGE_ID, "time": 1449135003}))

    assert receipt.ignored == {"the entry carries no changes": 1}


# --- accounts the registry does not list ---------------------------------------------------------


def test_a_delivery_for_a_page_the_registry_does_not_list_is_quarantined_with_an_alert(
    h: Harness,
) -> None:
    change = first_change("restfb-feed-comment-add-211.json")
    change["value"]["message"] = CPR_TEXT
    body = envelope_of(entry_of(change, entry_id="999000999000"))

    receipt = h.accept(body)

    assert_quarantined(h, body, receipt, ["211062", "Mette", "999000999000"])
    _, metadata = h.store.objects[quarantine_key(body)]
    assert metadata["entries"] == "0"
    assert "registry" in metadata["reason"]


def test_an_instagram_account_is_looked_up_as_an_instagram_account(h: Harness) -> None:
    comment = {"field": "comments", "value": {"id": "17870913679156914", "text": "Hej"}}
    as_page = envelope_of(entry_of(comment, entry_id=IG_ACCOUNT), obj="page")
    as_instagram = envelope_of(entry_of(comment, entry_id=IG_ACCOUNT), obj="instagram")

    assert h.accept(as_instagram).enqueued == 1
    assert h.accept(as_page).quarantined is True


def test_only_the_unregistered_entries_are_quarantined_and_the_others_are_queued(
    h: Harness,
) -> None:
    stranger = entry_of(first_change("restfb-feed-status-add-25.json"), entry_id="999000999000")
    ours = entry_of(first_change("restfb-feed-comment-add-211.json"))
    body = envelope_of(stranger, ours, stranger)

    receipt = h.accept(body)

    assert (receipt.quarantined, receipt.enqueued, receipt.delivery_key) == (
        True,
        1,
        delivery_key(body),
    )
    (message,) = h.queue.sent
    assert pointer_of(message).entry_index == 1
    assert set(h.store.objects) == {delivery_key(body), quarantine_key(body)}
    _, metadata = h.store.objects[quarantine_key(body)]
    assert (metadata["quarantined"], metadata["entries"]) == ("true", "0,2")
    ((subject, details),) = h.alerts.sent
    assert details["quarantine_key"] == quarantine_key(body)
    assert "999000999000" not in subject + json.dumps(details)


def test_a_replay_of_the_quarantined_entries_queues_only_them(h: Harness) -> None:
    stranger = entry_of(first_change("restfb-feed-status-add-25.json"), entry_id="999000999000")
    ours = entry_of(first_change("restfb-feed-comment-add-211.json"))
    body = envelope_of(stranger, ours)
    REGISTRY.add((Platform.FACEBOOK, "999000999000"))
    try:
        receipt = h.ingest.accept(
            META,
            body,
            signed=True,
            registered=registered,
            pseudonymiser=PSEUDONYMISER,
            received_at=RECEIVED_AT,
            entries={0},
        )
    finally:
        REGISTRY.discard((Platform.FACEBOOK, "999000999000"))

    assert (receipt.quarantined, receipt.enqueued) == (False, 1)
    (message,) = h.queue.sent
    assert pointer_of(message).entry_index == 0


def test_without_a_registry_no_entry_is_taken_for_a_monitored_account(h: Harness) -> None:
    body = sample("restfb-feed-comment-add-211.json")

    receipt = h.ingest.accept(
        META, body, signed=True, pseudonymiser=PSEUDONYMISER, received_at=RECEIVED_AT
    )

    assert receipt.quarantined is True
    assert h.queue.sent == []
