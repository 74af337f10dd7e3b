"""Every saved X sample (shared/platform-samples/x, AAA v1.1 captures from tock) maps to an event
or an explicit `Ignored`; one expectation per file, enforced by a meta-test."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from uppsikt.model.events import Action, Ignored, NormalisedEvent, ObjectKind, Platform
from uppsikt.platforms.delivery import DeliveryContext
from uppsikt.platforms.x.normalise import Result, Unmappable, normalise_delivery
from uppsikt.privacy.pseudonym import Pseudonymiser

SHARED = Path(__file__).resolve().parents[3].parent / "shared"
SAMPLES = SHARED / "platform-samples" / "x"

if not SAMPLES.is_dir():
    pytest.skip(f"X samples not found under {SAMPLES}", allow_module_level=True)

PSEUDONYMISER = Pseudonymiser(b"unit-test-pseudonym-key-0123456789")
RECEIVED_AT = datetime(2026, 11, 21, 9, 30, tzinfo=UTC)
ACCOUNT = "602907365"  # for_user_id in all three captures
VISITOR = "14235326"

# (object_kind, action, author is the account) per item, or ("ignored", <reason substring>, None).
Expected = tuple[str, str, bool | None]
EXPECTED: dict[str, list[Expected]] = {
    "aaa-v1-incoming_tweet_sent.json": [(ObjectKind.POST, Action.CREATED, True)],
    "aaa-v1-incoming_tweet_with_mention.json": [(ObjectKind.MENTION, Action.CREATED, False)],
    "aaa-v1-incoming_tweet_with_mention_reply.json": [(ObjectKind.REPLY, Action.CREATED, False)],
}


def sample_names() -> list[str]:
    return sorted(path.name for path in SAMPLES.iterdir() if path.is_file())


def body(name: str) -> dict[str, Any]:
    loaded = json.loads((SAMPLES / name).read_bytes())
    assert isinstance(loaded, dict)
    return loaded


def context(account: str = ACCOUNT, received_at: datetime = RECEIVED_AT) -> DeliveryContext:
    return DeliveryContext(
        platform=Platform.X,
        account_id=account,
        raw_bucket="raw-bucket",
        raw_key="deliveries/x/2026/11/21/abc.json",
        received_at=received_at,
        pseudonymiser=PSEUDONYMISER,
    )


def mapped(name: str, ctx: DeliveryContext | None = None) -> list[Result]:
    return normalise_delivery(body(name), ctx or context())


def single_event(name: str) -> NormalisedEvent:
    (only,) = mapped(name)
    assert isinstance(only, NormalisedEvent), f"{name}: {only!r}"
    return only


def raw_tweet(name: str) -> dict[str, Any]:
    (tweet,) = body(name)["tweet_create_events"]
    assert isinstance(tweet, dict)
    return tweet


def test_the_expectation_table_has_exactly_one_entry_per_sample_file() -> None:
    assert sample_names(), "no sample files found"
    assert sorted(EXPECTED) == sample_names()


@pytest.mark.parametrize("name", sample_names())
def test_every_item_in_the_sample_maps_as_the_table_expects(name: str) -> None:
    results = mapped(name)
    expected = EXPECTED.get(name)
    assert expected is not None, f"add {name} to EXPECTED"
    assert len(results) == len(expected)
    for got, (first, second, is_account) in zip(results, expected, strict=True):
        assert not isinstance(got, Unmappable), f"{name}: {got}"
        if first == "ignored":
            assert isinstance(got, Ignored), f"{name}: {got}"
            assert second in got.reason
        else:
            assert isinstance(got, NormalisedEvent), f"{name}: {got}"
            assert (got.object_kind, got.action) == (first, second)
            assert got.author is not None
            assert got.author.is_account is is_account
            assert got.is_visitor_content is not is_account


@pytest.mark.parametrize("name", sample_names())
def test_the_sample_maps_to_x_the_account_and_its_raw_pointer(name: str) -> None:
    for index, result in enumerate(mapped(name)):
        assert isinstance(result, NormalisedEvent)
        assert result.platform is Platform.X
        assert result.account_id == ACCOUNT
        assert result.received_at == RECEIVED_AT
        assert result.raw == context().pointer(index)
        assert result.test_delivery is False


@pytest.mark.parametrize("name", sample_names())
def test_the_item_id_is_id_str_never_the_rounded_numeric_id(name: str) -> None:
    tweet = raw_tweet(name)
    event = single_event(name)
    assert event.item_id == tweet["id_str"]
    assert event.post_id == tweet["id_str"]
    # The captures' numeric ids already lost their last digits (platforms.md §0.5).
    assert str(tweet["id"]) != tweet["id_str"]
    assert str(tweet["id"]) not in event.model_dump_json()


@pytest.mark.parametrize("name", sample_names())
def test_the_text_and_time_come_from_the_tweet(name: str) -> None:
    tweet = raw_tweet(name)
    event = single_event(name)
    assert event.text == tweet["text"]
    assert event.event_time is not None
    assert int(event.event_time.timestamp() * 1000) == int(tweet["timestamp_ms"])
    created = datetime.strptime(tweet["created_at"], "%a %b %d %H:%M:%S %z %Y")
    assert timedelta(0) <= event.event_time - created < timedelta(seconds=1)


def test_the_reply_sample_has_no_parent_because_the_capture_has_none() -> None:
    # in_reply_to_status_id is null in that capture (platforms.md §2.4); only the user is named.
    tweet = raw_tweet("aaa-v1-incoming_tweet_with_mention_reply.json")
    assert tweet["in_reply_to_status_id_str"] is None
    assert tweet["in_reply_to_user_id_str"] == ACCOUNT
    event = single_event("aaa-v1-incoming_tweet_with_mention_reply.json")
    assert event.parent_id is None


def test_the_own_post_mentioning_someone_else_stays_a_post() -> None:
    tweet = raw_tweet("aaa-v1-incoming_tweet_sent.json")
    assert tweet["entities"]["user_mentions"]
    assert single_event("aaa-v1-incoming_tweet_sent.json").object_kind is ObjectKind.POST


def test_no_sample_carries_attachments() -> None:
    for name in sample_names():
        assert single_event(name).attachments == ()


def test_the_visitors_id_names_and_handle_never_appear_in_the_serialised_events() -> None:
    checked = 0
    for name in sample_names():
        user = raw_tweet(name)["user"]
        event = single_event(name)
        assert event.author is not None
        assert event.author.pseudonym == PSEUDONYMISER.pseudonym(Platform.X, user["id_str"])
        if user["id_str"] == ACCOUNT:
            continue  # the organisation itself: its id is the account id by definition
        dumped = event.model_dump_json()
        for raw in (user["id_str"], user["name"], user["screen_name"]):
            assert raw not in dumped, name
        checked += 1
    assert checked == 2


def test_the_same_visitor_gets_the_same_pseudonym_in_both_samples() -> None:
    mention = single_event("aaa-v1-incoming_tweet_with_mention.json").author
    reply = single_event("aaa-v1-incoming_tweet_with_mention_reply.json").author
    assert mention is not None
    assert reply is not None
    assert mention.pseudonym == reply.pseudonym
    assert re.fullmatch(r"[0-9a-f]{32}", mention.pseudonym)
    assert PSEUDONYMISER.pseudonym(Platform.X, VISITOR) == mention.pseudonym


@pytest.mark.parametrize("name", sample_names())
def test_the_idempotency_key_is_id_str_type_and_for_user_id(name: str) -> None:
    event = single_event(name)
    tweet_id = raw_tweet(name)["id_str"]
    assert event.idempotency_key == f"x:aaa:tweet_create_events:{tweet_id}:{ACCOUNT}"


def test_a_redelivery_later_gives_the_same_key_and_event_id() -> None:
    for name in sample_names():
        first = single_event(name)
        (again,) = mapped(name, context(received_at=RECEIVED_AT + timedelta(hours=7)))
        assert isinstance(again, NormalisedEvent)
        assert again.idempotency_key == first.idempotency_key
        assert again.event_id == first.event_id
        assert again.received_at != first.received_at


def test_the_samples_have_three_different_keys() -> None:
    assert len({single_event(name).idempotency_key for name in sample_names()}) == 3


def test_a_delivery_routed_to_another_account_is_unmappable_not_dropped() -> None:
    for name in sample_names():
        (result,) = mapped(name, context(account="783214"))
        assert isinstance(result, Unmappable)
        assert "another account" in str(result)


def test_the_same_tweet_delivered_to_two_subscribed_accounts_keeps_two_keys() -> None:
    # Each subscribed user gets its own copy (platforms.md §2.3), told apart by for_user_id.
    delivery = body("aaa-v1-incoming_tweet_with_mention.json")
    other = {**delivery, "for_user_id": "783214"}
    (mine,) = normalise_delivery(delivery, context())
    (theirs,) = normalise_delivery(other, context(account="783214"))
    assert isinstance(mine, NormalisedEvent)
    assert isinstance(theirs, NormalisedEvent)
    assert mine.item_id == theirs.item_id
    assert mine.idempotency_key != theirs.idempotency_key
    # Neither a reply to nor a mention of 783214: AAA only sends such posts because they involve
    # the account, so the fallback is MENTION.
    assert theirs.object_kind is ObjectKind.MENTION
