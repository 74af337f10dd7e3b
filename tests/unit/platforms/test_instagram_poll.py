"""Instagram's polled mappers: comment listings compared with the last sweep's snapshot (created,
edited, hidden, unhidden, deleted), mention lookups, and the promise that matters most: a comment
the webhook delivered and the poll then lists is one idempotency key, not two events.
"""

from __future__ import annotations

import contextlib
import json
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from support.paths import EVENTS, SAMPLES
from uppsikt.model.events import (
    Action,
    AttachmentKind,
    Ignored,
    NormalisedEvent,
    ObjectKind,
    Platform,
    RawPointer,
)
from uppsikt.platforms.delivery import DeliveryContext
from uppsikt.platforms.errors import Unmappable
from uppsikt.platforms.meta.envelope import Envelope
from uppsikt.platforms.meta.instagram_poll import (
    fingerprint,
    listing,
    normalise_comments,
    normalise_mention,
    normalise_vanished,
    text_hash,
)
from uppsikt.platforms.meta.normalise import Context, normalise
from uppsikt.privacy.pseudonym import Pseudonymiser

PSEUDONYMISER = Pseudonymiser(b"unit-test-pseudonym-key-0123456789")
RECEIVED_AT = datetime(2026, 11, 21, 9, 30, tzinfo=UTC)
IG = "17841400123456789"
MEDIA = "17900000000000002"
VISITOR = "17841455500000002"
USERNAME = "anna.medlem.1985"
DEMO = EVENTS / "poll" / "instagram"
WEBHOOK_SAMPLE = SAMPLES / "instagram" / "restfb-wh-comments-2021.json"
MENTION_SAMPLE = SAMPLES / "instagram" / "restfb-wh-mentions.json"

Result = NormalisedEvent | Ignored | Unmappable


def context(account_id: str = IG, platform: Platform = Platform.INSTAGRAM) -> DeliveryContext:
    return DeliveryContext(
        platform=platform,
        account_id=account_id,
        raw_bucket="raw-bucket",
        raw_key="polls/instagram/kommunal-instagram/instagram.comments/2026/11/21/abc.json",
        received_at=RECEIVED_AT,
        pseudonymiser=PSEUDONYMISER,
    )


CTX = context()


def comment(cid: str = "17850000000000003", text: object = "Hej!", **fields: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "id": cid,
        "text": text,
        "timestamp": "2026-11-20T08:40:00+0000",
        "hidden": False,
        "from": {"id": VISITOR, "username": USERNAME},
        "username": USERNAME,
        "media": {"id": MEDIA},
    }
    return {**base, **fields}


def page(*items: object) -> dict[str, Any]:
    return {"data": list(items), "paging": {"cursors": {"after": "QVFI"}}}


def mapped(
    items: list[object], snapshot: dict[str, str] | None = None, sweep: str = "3"
) -> list[Result]:
    return normalise_comments(page(*items), CTX, snapshot or {}, sweep=sweep)


def only_event(results: list[Result]) -> NormalisedEvent:
    (result,) = results
    assert isinstance(result, NormalisedEvent), result
    return result


def was(text: str = "Hej!", *, hidden: bool = False) -> str:
    return fingerprint(text, hidden, MEDIA)


def vanished(*entries: tuple[str, str]) -> bytes:
    record = {
        "stream": "instagram.comments",
        "account": "kommunal-instagram",
        "vanished": [{"id": i, "fingerprint": f} for i, f in entries],
    }
    return json.dumps(record).encode()


# --- transitions against the snapshot --------------------------------------------------------


def test_a_comment_not_in_the_snapshot_is_created_under_the_webhooks_key() -> None:
    event = only_event(mapped([comment()]))
    assert (event.object_kind, event.action) == (ObjectKind.COMMENT, Action.CREATED)
    assert event.idempotency_key == "instagram:comments:17850000000000003"
    assert (event.item_id, event.post_id, event.parent_id) == ("17850000000000003", MEDIA, None)
    assert event.event_time == datetime(2026, 11, 20, 8, 40, tzinfo=UTC)
    assert event.author is not None
    assert event.author.pseudonym == PSEUDONYMISER.pseudonym(Platform.INSTAGRAM, VISITOR)
    assert not event.author.is_account


def test_an_unchanged_comment_is_ignored() -> None:
    (result,) = mapped([comment()], {"17850000000000003": was()})
    assert isinstance(result, Ignored)
    assert result.reason == "comment unchanged since the last sweep"


def test_a_changed_text_is_an_edit_keyed_by_the_new_texts_hash() -> None:
    event = only_event(mapped([comment(text="Ny text")], {"17850000000000003": was()}))
    assert event.action is Action.EDITED
    assert event.text == "Ny text"
    digest = text_hash("Ny text")
    assert len(digest) == 16
    assert event.idempotency_key == f"instagram:comments:17850000000000003:edited:{digest}"


def test_hiding_and_unhiding_are_keyed_by_the_flag_and_the_snapshots_sweep() -> None:
    hidden = only_event(mapped([comment(hidden=True)], {"17850000000000003": was()}, sweep="3"))
    assert hidden.action is Action.HIDDEN
    assert hidden.idempotency_key == "instagram:comments:17850000000000003:hidden:true:3"

    shown = only_event(mapped([comment()], {"17850000000000003": was(hidden=True)}, sweep="4"))
    assert shown.action is Action.UNHIDDEN
    assert shown.idempotency_key == "instagram:comments:17850000000000003:hidden:false:4"


def test_a_page_read_again_before_its_sweep_completes_gives_the_same_keys() -> None:
    snapshot = {"17850000000000003": was()}
    first = mapped([comment(hidden=True)], snapshot, sweep="3")
    again = mapped([comment(hidden=True)], snapshot, sweep="3")
    assert first == again


def test_hiding_again_after_an_unhide_is_a_new_event() -> None:
    first = only_event(mapped([comment(hidden=True)], {"17850000000000003": was()}, sweep="3"))
    later = only_event(mapped([comment(hidden=True)], {"17850000000000003": was()}, sweep="5"))
    assert first.idempotency_key != later.idempotency_key


def test_an_edit_and_a_hide_in_one_sweep_are_two_events() -> None:
    results = mapped([comment(text="Ny", hidden=True)], {"17850000000000003": was()})
    assert [r.action for r in results if isinstance(r, NormalisedEvent)] == [
        Action.EDITED,
        Action.HIDDEN,
    ]


def test_replies_follow_their_comment_with_its_id_as_parent_and_its_media() -> None:
    reply = {"id": "17850000000000004", "text": "Tack!", "from": {"id": IG}, "hidden": False}
    top = comment("17850000000000001", replies={"data": [reply], "paging": {}})
    top_event, reply_event = (only_event([r]) for r in mapped([top]))
    assert top_event.object_kind is ObjectKind.COMMENT
    assert (reply_event.object_kind, reply_event.parent_id, reply_event.post_id) == (
        ObjectKind.REPLY,
        "17850000000000001",
        MEDIA,
    )
    assert reply_event.author is not None
    assert reply_event.author.is_account
    assert (top_event.raw.change_index, reply_event.raw.change_index) == (0, 1)


def test_a_comment_gone_from_a_media_still_listed_is_deleted() -> None:
    (event,) = normalise_vanished(vanished(("17850000000000005", was())), CTX)
    assert isinstance(event, NormalisedEvent)
    assert (event.action, event.item_id, event.post_id) == (
        Action.DELETED,
        "17850000000000005",
        MEDIA,
    )
    assert event.idempotency_key == "instagram:comments:17850000000000005:deleted"


def test_comments_of_a_media_that_left_the_window_are_not_deleted() -> None:
    results = normalise_vanished(
        vanished(("17850000000000005", was()), (f"media:{MEDIA}", "listed")), CTX
    )
    assert [r.reason for r in results if isinstance(r, Ignored)] == [
        "its media left the polling window",
        "a media left the polling window",
    ]


def test_a_listing_fingerprints_comments_and_replies_and_names_the_media() -> None:
    reply = {"id": "17850000000000004", "text": "Tack!", "hidden": True}
    body = page(comment("17850000000000001", replies={"data": [reply]}), {"id": None})
    assert listing(body, MEDIA) == {
        f"media:{MEDIA}": "listed",
        "17850000000000001": f"{text_hash('Hej!')}|shown|{MEDIA}",
        "17850000000000004": f"{text_hash('Tack!')}|hidden|{MEDIA}",
    }


# --- webhook and poll agree ------------------------------------------------------------------


@pytest.mark.skipif(not WEBHOOK_SAMPLE.is_file(), reason=f"no sample under {SAMPLES}")
def test_a_comment_from_the_webhook_and_from_the_poll_has_one_idempotency_key() -> None:
    envelope = Envelope.model_validate(json.loads(WEBHOOK_SAMPLE.read_bytes()))
    entry = envelope.entry[0]
    raw = RawPointer(bucket="raw-bucket", key="deliveries/x.json", entry_index=0, change_index=0)
    webhook = normalise(
        entry.changes[0], Context(Platform.INSTAGRAM, entry, raw, RECEIVED_AT, PSEUDONYMISER)
    )
    assert isinstance(webhook, NormalisedEvent)
    value = entry.changes[0].value
    # The same comment as the Graph API lists it: a reply, inlined under its parent.
    listed = {
        "id": value["parent_id"],
        "text": "Parent",
        "media": value["media"],
        "replies": {"data": [{**value, "hidden": False, "timestamp": "2018-02-23T15:21:47+0000"}]},
    }
    polled = normalise_comments(page(listed), context(entry.id), {}, sweep="0")[1]
    assert isinstance(polled, NormalisedEvent)

    assert polled.idempotency_key == webhook.idempotency_key == "instagram:comments:123456789"
    same = ("item_id", "post_id", "parent_id", "object_kind", "author", "text", "account_id")
    assert {f: getattr(polled, f) for f in same} == {f: getattr(webhook, f) for f in same}


@pytest.mark.skipif(not MENTION_SAMPLE.is_file(), reason=f"no sample under {SAMPLES}")
def test_an_enriched_mention_does_not_collide_with_the_webhooks_id_only_mention() -> None:
    envelope = Envelope.model_validate(json.loads(MENTION_SAMPLE.read_bytes()))
    entry = envelope.entry[0]
    raw = RawPointer(bucket="raw-bucket", key="deliveries/x.json", entry_index=0, change_index=0)
    webhook = normalise(
        entry.changes[0], Context(Platform.INSTAGRAM, entry, raw, RECEIVED_AT, PSEUDONYMISER)
    )
    assert isinstance(webhook, NormalisedEvent)
    value = entry.changes[0].value
    answer = {
        "mentioned_comment": {
            "id": value["comment_id"],
            "text": "@org hej",
            "timestamp": "2026-11-20T15:30:00+0000",
            "from": {"id": VISITOR, "username": USERNAME},
            "media": {"id": value["media_id"]},
        },
        "id": entry.id,
    }
    enriched = only_event(normalise_mention(answer, context(entry.id)))
    assert enriched.idempotency_key == webhook.idempotency_key + ":enriched"
    assert (enriched.item_id, enriched.post_id) == (webhook.item_id, webhook.post_id)


# --- usernames never get in ------------------------------------------------------------------


def test_no_username_reaches_any_event() -> None:
    reply = {
        "id": "17850000000000004",
        "text": "Tack!",
        "username": USERNAME,
        "from": {"id": VISITOR, "username": USERNAME},
    }
    body = page(comment(replies={"data": [reply]}))
    results: list[Result] = []
    results += normalise_comments(body, CTX, {}, sweep="1")
    results += normalise_comments(body, CTX, {"17850000000000003": was("x")}, sweep="1")
    results += normalise_comments(
        page(comment(hidden=True)), CTX, {"17850000000000003": was()}, sweep="1"
    )
    results += normalise_vanished(vanished(("17850000000000003", was())), CTX)
    results += normalise_mention(
        {"mentioned_comment": {**comment(), "media": {"id": MEDIA}}, "id": IG}, CTX
    )
    results += normalise_mention(
        {"mentioned_media": {"id": MEDIA, "caption": "Hej", "username": USERNAME}, "id": IG}, CTX
    )
    produced = [r for r in results if isinstance(r, NormalisedEvent)]
    assert len(produced) == 8
    for event in produced:
        dumped = event.model_dump_json()
        assert USERNAME not in dumped
        assert VISITOR not in dumped  # the raw id neither: only its pseudonym


# --- mentions --------------------------------------------------------------------------------


def test_a_comment_mention_carries_its_text_and_pseudonymised_author() -> None:
    event = only_event(normalise_mention((DEMO / "mention-comment.json").read_bytes(), CTX))
    assert (event.object_kind, event.action) == (ObjectKind.MENTION, Action.CREATED)
    assert (event.item_id, event.post_id) == ("17850000000000021", "17900000000000777")
    assert (
        event.idempotency_key == "instagram:mentions:17900000000000777:17850000000000021:enriched"
    )
    assert event.author is not None
    assert event.author.pseudonym == PSEUDONYMISER.pseudonym(
        Platform.INSTAGRAM, "17841455500000007"
    )
    assert event.text is not None
    assert "äldreboendet" in event.text


def test_a_caption_mention_carries_the_caption_and_no_author() -> None:
    event = only_event(normalise_mention((DEMO / "mention-media.json").read_bytes(), CTX))
    assert (event.item_id, event.post_id, event.author) == (
        "17900000000000888",
        "17900000000000888",
        None,
    )
    assert event.idempotency_key == "instagram:mentions:17900000000000888:-:enriched"
    assert [(a.kind, a.platform_id) for a in event.attachments] == [
        (AttachmentKind.PHOTO, "17900000000000888")
    ]


@pytest.mark.parametrize(
    "answer",
    [
        {"mentioned_comment": {"id": "1", "text": "x"}},  # no media: no key to match the webhook
        {"mentioned_comment": "x"},
        {"mentioned_media": {"id": None}},
        {"mentioned_media": {"id": "1", "caption": 5}},
        {"mentioned_comment": {"id": "1", "media": {"id": "2"}, "timestamp": "yesterday"}},
    ],
)
def test_an_unreadable_mention_is_unmappable(answer: dict[str, Any]) -> None:
    (result,) = normalise_mention(answer, CTX)
    assert isinstance(result, Unmappable)


@pytest.mark.parametrize("body", [{"id": IG}, [], "x", b"{", {"error": {"code": 100}}])
def test_an_answer_that_is_not_a_mention_lookup_is_a_value_error(body: object) -> None:
    with pytest.raises(ValueError):  # noqa: PT011 - only the type is the contract
        normalise_mention(body, CTX)


# --- unreadable input ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "bad",
    [
        comment(id=None),
        comment(id="12:34"),
        comment(id=1.5),
        comment(text=["x"]),
        comment(hidden="yes"),
        comment(**{"from": "x"}),
        comment(media="x"),
        comment(timestamp="yesterday"),
        "x",
    ],
    ids=[
        "no-id",
        "colon-id",
        "float-id",
        "list-text",
        "text-hidden",
        "text-from",
        "text-media",
        "bad-time",
        "string",
    ],
)
def test_an_unreadable_comment_is_unmappable_on_its_own(bad: object) -> None:
    first, second = mapped([bad, comment("17850000000000009")])
    assert isinstance(first, Unmappable)
    assert isinstance(second, NormalisedEvent)


def test_a_time_without_a_zone_is_read_as_utc_like_on_every_platform() -> None:
    (event,) = mapped([comment(timestamp="2026-11-20T08:40:00")])
    assert isinstance(event, NormalisedEvent)
    assert event.event_time == datetime(2026, 11, 20, 8, 40, tzinfo=UTC)


@pytest.mark.parametrize("body", [{"error": {"code": 1}}, [], {"data": {}}, "x", b"\xff"])
def test_a_body_that_is_not_a_comments_edge_is_a_value_error(body: object) -> None:
    with pytest.raises(ValueError):  # noqa: PT011 - only the type is the contract
        normalise_comments(body, CTX, {}, sweep="0")


def test_a_context_for_another_platform_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="instagram"):
        normalise_comments(page(comment()), context(platform=Platform.FACEBOOK), {}, sweep="0")


# --- properties: any JSON in, results or ValueError out --------------------------------------

JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False)
    | st.text(max_size=20)
    | st.sampled_from([IG, MEDIA, "17850000000000003", "2026-11-20T08:40:00+0000", "media:1"]),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=20,
)


@st.composite
def mutated(draw: st.DrawFn, base: dict[str, Any]) -> dict[str, Any]:
    item = dict(base)
    for key in draw(st.lists(st.sampled_from(sorted(base)), max_size=4, unique=True)):
        if draw(st.booleans()):
            item.pop(key)
        else:
            item[key] = draw(JSON)
    return item


COMMENT = mutated(comment(replies={"data": [comment("17850000000000004")]}))
PAGES = JSON | st.fixed_dictionaries({"data": st.lists(COMMENT | JSON, max_size=4)})
SNAPSHOTS = st.dictionaries(
    st.sampled_from(["17850000000000003", "17850000000000004", "x"]),
    st.sampled_from([was(), was(hidden=True), "", "a|b", "||"]) | st.text(max_size=12),
)
RECORDS = JSON | st.fixed_dictionaries(
    {
        "vanished": st.lists(
            st.fixed_dictionaries({"id": JSON, "fingerprint": JSON | st.just(was())}) | JSON,
            max_size=4,
        )
    }
)
MENTIONS = (
    JSON
    | st.fixed_dictionaries({"mentioned_comment": mutated(comment()) | JSON})
    | st.fixed_dictionaries({"mentioned_media": mutated({"id": MEDIA, "caption": "x"}) | JSON})
)


def check(results: list[Result]) -> None:
    for result in results:
        assert isinstance(result, NormalisedEvent | Ignored | Unmappable)
        if isinstance(result, NormalisedEvent):
            assert USERNAME not in result.model_dump_json()


@settings(suppress_health_check=[HealthCheck.too_slow], max_examples=200)
@given(PAGES, SNAPSHOTS)
def test_comments_map_any_json_to_results_or_a_value_error(
    body: Any, snapshot: dict[str, str]
) -> None:
    with contextlib.suppress(ValueError):
        check(normalise_comments(body, CTX, snapshot, sweep="2"))
    with contextlib.suppress(ValueError):
        listing(body, MEDIA)


@settings(suppress_health_check=[HealthCheck.too_slow], max_examples=200)
@given(RECORDS)
def test_vanished_records_map_to_one_result_each_or_a_value_error(record: Any) -> None:
    with contextlib.suppress(ValueError):
        results = normalise_vanished(record, CTX)
        assert len(results) == len(record["vanished"])
        check(results)


@settings(suppress_health_check=[HealthCheck.too_slow], max_examples=200)
@given(MENTIONS)
def test_mention_answers_map_to_one_result_or_a_value_error(answer: Any) -> None:
    with contextlib.suppress(ValueError):
        results = normalise_mention(answer, CTX)
        assert len(results) == 1
        check(results)


@given(st.binary() | st.text())
def test_arbitrary_bytes_raise_only_value_error(raw: bytes | str) -> None:
    with contextlib.suppress(ValueError):
        check(normalise_comments(raw, CTX, {}, sweep="0"))
    with contextlib.suppress(ValueError):
        check(normalise_vanished(raw, CTX))
    with contextlib.suppress(ValueError):
        check(normalise_mention(raw, CTX))
