"""Every saved Meta sample (shared/platform-samples/{facebook,instagram}) maps to an event or to
an explicit `Ignored`, never to an exception; one expectation per file, enforced by a meta-test."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from uppsikt.model.events import (
    Action,
    AttachmentKind,
    Ignored,
    NormalisedEvent,
    ObjectKind,
    Platform,
    RawPointer,
)
from uppsikt.platforms.meta.envelope import Change, Entry, Envelope
from uppsikt.platforms.meta.normalise import Context, normalise
from uppsikt.privacy.pseudonym import Pseudonymiser

SAMPLES = Path(__file__).resolve().parents[3].parent / "shared" / "platform-samples"
FOLDERS = ("facebook", "instagram")

if not all((SAMPLES / folder).is_dir() for folder in FOLDERS):
    pytest.skip(f"Meta samples not found under {SAMPLES}", allow_module_level=True)

PSEUDONYMISER = Pseudonymiser(b"unit-test-pseudonym-key-0123456789")
RECEIVED_AT = datetime(2026, 11, 21, 9, 30, tzinfo=UTC)
OBJECT_PLATFORM = {"page": Platform.FACEBOOK, "instagram": Platform.INSTAGRAM}

# (object_kind, action) for a mapped change, or ("ignored", <substring of the reason>).
Expected = tuple[str, str]
C, P, M = ObjectKind.COMMENT.value, ObjectKind.POST.value, ObjectKind.MENTION.value
CREATED, EDITED, DELETED = Action.CREATED.value, Action.EDITED.value, Action.DELETED.value
HIDDEN, UNHIDDEN = Action.HIDDEN.value, Action.UNHIDDEN.value

EXPECTED: dict[str, list[Expected]] = {
    "facebook/restfb-feed-comment-add-211.json": [(C, CREATED)],
    "facebook/restfb-feed-comment-add-25.json": [(C, CREATED)],
    "facebook/restfb-feed-comment-add-with-photo.json": [(C, CREATED)],
    "facebook/restfb-feed-comment-add-with-video.json": [(C, CREATED)],
    "facebook/restfb-feed-comment-edited-25.json": [(C, EDITED)],
    "facebook/restfb-feed-comment-hide.json": [(C, HIDDEN)],
    "facebook/restfb-feed-comment-remove-25.json": [(C, DELETED)],
    "facebook/restfb-feed-comment-unhide.json": [(C, UNHIDDEN)],
    "facebook/restfb-feed-photo-add-25.json": [(P, CREATED)],
    "facebook/restfb-feed-photo-add-message.json": [(P, CREATED)],
    "facebook/restfb-feed-post-add-25.json": [(P, CREATED)],
    "facebook/restfb-feed-post-edit.json": [(P, EDITED)],
    "facebook/restfb-feed-post-hide.json": [(P, HIDDEN)],
    "facebook/restfb-feed-post-remove-25.json": [(P, DELETED)],
    "facebook/restfb-feed-reaction-add-reply.json": [("ignored", "reactions")],
    "facebook/restfb-feed-reaction-add.json": [("ignored", "reactions")],
    "facebook/restfb-feed-share-add-25.json": [(P, CREATED)],
    "facebook/restfb-feed-status-add-25.json": [(P, CREATED)],
    "facebook/restfb-feed-status-add-photos.json": [(P, CREATED)],
    "facebook/restfb-feed-status-edited-25.json": [(P, EDITED)],
    "facebook/restfb-feed-status-hide-25.json": [(P, HIDDEN)],
    "facebook/restfb-feed-status-unhide.json": [(P, UNHIDDEN)],
    "facebook/restfb-feed-two-entries-25.json": [
        ("ignored", "changes of this field are not monitored"),
        ("ignored", "changes of this field are not monitored"),
    ],
    "facebook/restfb-feed-video-add.json": [(P, CREATED)],
    "facebook/restfb-mention-comment-add.json": [(M, CREATED)],
    "facebook/restfb-mention-post-add-real.json": [(M, CREATED)],
    "facebook/restfb-mention-post-add.json": [(M, CREATED)],
    "facebook/restfb-ratings-rating-add-31.json": [("ignored", "ratings")],
    "instagram/restfb-wh-comments-2021.json": [(ObjectKind.REPLY.value, CREATED)],
    "instagram/restfb-wh-comments.json": [(C, CREATED)],
    "instagram/restfb-wh-livecomments.json": [(ObjectKind.LIVE_COMMENT.value, CREATED)],
    "instagram/restfb-wh-mentions.json": [(M, CREATED)],
}

# Dashboard "Test" payloads (platforms.md §1.3): entry id "0", or post id 44444444_444444444.
TEST_DELIVERIES = frozenset(
    {
        "facebook/restfb-mention-post-add.json",
        "instagram/restfb-wh-comments-2021.json",
        "instagram/restfb-wh-comments.json",
        "instagram/restfb-wh-livecomments.json",
        "instagram/restfb-wh-mentions.json",
    }
)


def sample_names() -> list[str]:
    return sorted(
        f"{folder}/{path.name}"
        for folder in FOLDERS
        for path in (SAMPLES / folder).iterdir()
        if path.is_file()
    )


@dataclass(frozen=True)
class Mapped:
    """One change of one sample file, with what `normalise` made of it."""

    name: str
    entry: Entry
    change: Change
    result: NormalisedEvent | Ignored

    @property
    def event(self) -> NormalisedEvent:
        assert isinstance(self.result, NormalisedEvent), f"{self.name} was {self.result}"
        return self.result


def context(
    platform: Platform, entry: Entry, e_index: int, c_index: int, *, received_at: datetime
) -> Context:
    pointer = RawPointer(
        bucket="raw-bucket",
        key="deliveries/meta/2026/11/21/abc.json",
        entry_index=e_index,
        change_index=c_index,
    )
    return Context(platform, entry, pointer, received_at, PSEUDONYMISER)


def envelope(name: str) -> Envelope:
    return Envelope.model_validate(json.loads((SAMPLES / name).read_bytes()))


@cache
def mapped(name: str) -> tuple[Mapped, ...]:
    env = envelope(name)
    platform = OBJECT_PLATFORM[env.object]
    results = []
    for e_index, entry in enumerate(env.entry):
        for c_index, change in enumerate(entry.changes):
            ctx = context(platform, entry, e_index, c_index, received_at=RECEIVED_AT)
            results.append(Mapped(name, entry, change, normalise(change, ctx)))
    return tuple(results)


def single_event(name: str) -> NormalisedEvent:
    (only,) = mapped(name)
    return only.event


def raw_value(name: str) -> dict[str, Any]:
    (only,) = mapped(name)
    value = only.change.value
    assert isinstance(value, dict)
    return value


def all_events() -> list[Mapped]:
    return [
        m for name in sample_names() for m in mapped(name) if isinstance(m.result, NormalisedEvent)
    ]


# --- the table itself --------------------------------------------------------------------------


def test_the_expectation_table_has_exactly_one_entry_per_sample_file() -> None:
    on_disk = sample_names()
    assert on_disk, "no sample files found"
    assert sorted(EXPECTED) == on_disk


def test_the_test_delivery_list_only_names_files_in_the_table() -> None:
    assert EXPECTED.keys() >= TEST_DELIVERIES


@pytest.mark.parametrize("name", sample_names())
def test_every_change_in_the_sample_maps_as_the_table_expects(name: str) -> None:
    results = mapped(name)
    expected = EXPECTED.get(name)
    assert expected is not None, f"add {name} to EXPECTED"
    assert len(results) == len(expected)
    for got, (first, second) in zip(results, expected, strict=True):
        if first == "ignored":
            assert isinstance(got.result, Ignored), f"{name}: {got.result}"
            assert second in got.result.reason
        else:
            assert isinstance(got.result, NormalisedEvent), f"{name}: {got.result}"
            assert (got.result.object_kind.value, got.result.action.value) == (first, second)


@pytest.mark.parametrize("name", sample_names())
def test_the_sample_maps_to_its_own_platform_and_account(name: str) -> None:
    for m in mapped(name):
        assert m.result.platform is OBJECT_PLATFORM[envelope(name).object]
        if isinstance(m.result, NormalisedEvent):
            assert m.result.account_id == m.entry.id
            assert m.result.received_at == RECEIVED_AT


@pytest.mark.parametrize("name", sample_names())
def test_only_dashboard_test_samples_are_marked_as_test_deliveries(name: str) -> None:
    for m in mapped(name):
        if isinstance(m.result, NormalisedEvent):
            assert m.result.test_delivery is (name in TEST_DELIVERIES)


# --- ids -----------------------------------------------------------------------------------------


def test_every_id_on_every_mapped_event_is_a_string() -> None:
    events = all_events()
    assert len(events) > 20
    for m in events:
        event = m.event
        for value in (event.account_id, event.item_id, event.post_id, event.parent_id):
            assert value is None or isinstance(value, str), m.name
        for attachment in event.attachments:
            assert attachment.platform_id is None or isinstance(attachment.platform_id, str)


def test_a_numeric_sender_id_still_yields_a_pseudonymous_author() -> None:
    assert isinstance(raw_value("facebook/restfb-feed-comment-add-25.json")["sender_id"], int)
    author = single_event("facebook/restfb-feed-comment-add-25.json").author
    assert author is not None
    assert author.pseudonym == PSEUDONYMISER.pseudonym(Platform.FACEBOOK, "1234567890321")


def test_a_numeric_from_id_is_treated_like_the_same_id_as_a_string() -> None:
    # post-edit sends from.id as a number, post-add-25 as a string, for the same person.
    edited = single_event("facebook/restfb-feed-post-edit.json").author
    added = single_event("facebook/restfb-feed-post-add-25.json").author
    assert isinstance(raw_value("facebook/restfb-feed-post-edit.json")["from"]["id"], int)
    assert edited is not None
    assert added is not None
    assert edited.pseudonym == added.pseudonym


@pytest.mark.parametrize(
    ("name", "kind", "platform_id", "url"),
    [
        (
            "facebook/restfb-feed-photo-add-25.json",
            AttachmentKind.PHOTO,
            "900767076685784",
            "https://www.example.org/test.jpg",
        ),
        (
            "facebook/restfb-feed-video-add.json",
            AttachmentKind.VIDEO,
            "900767076685784",
            "https://www.example.org/test.mp4",
        ),
        (
            "facebook/restfb-feed-share-add-25.json",
            AttachmentKind.SHARE,
            "98735342324352",
            "http://www.google.com/",
        ),
    ],
)
def test_numeric_attachment_ids_become_strings(
    name: str, kind: AttachmentKind, platform_id: str, url: str
) -> None:
    (attachment,) = single_event(name).attachments
    assert attachment.kind is kind
    assert attachment.platform_id == platform_id
    assert attachment.url == url


def test_comment_photo_and_video_urls_become_attachments() -> None:
    (photo,) = single_event("facebook/restfb-feed-comment-add-with-photo.json").attachments
    (video,) = single_event("facebook/restfb-feed-comment-add-with-video.json").attachments
    assert photo.kind is AttachmentKind.PHOTO
    assert photo.url is not None
    assert photo.url.startswith("https://scontent-fra3-1.xx.fbcdn.net/")
    assert video == video.model_copy(
        update={"kind": AttachmentKind.VIDEO, "url": "https://example.fbcdn.net/video.mp4"}
    )


def test_a_status_with_several_photos_gets_one_attachment_per_photo() -> None:
    attachments = single_event("facebook/restfb-feed-status-add-photos.json").attachments
    assert [a.kind for a in attachments] == [AttachmentKind.PHOTO] * 3
    assert [a.url for a in attachments] == [
        f"https://scontent-frt3-1.xx.fbcdn.net/exampleimage{i}.png" for i in (1, 2, 3)
    ]


# --- comments, replies and mentions -------------------------------------------------------------


def test_a_top_level_facebook_comment_is_a_comment_on_its_post() -> None:
    event = single_event("facebook/restfb-feed-comment-add-211.json")
    assert event.object_kind is ObjectKind.COMMENT
    assert event.item_id == "901097836652708_903438993085259"
    assert event.post_id == "1234567890321_901097836652708"
    assert event.text == "and the next one"
    assert event.event_time == datetime.fromtimestamp(1449135003, tz=UTC)


def test_a_facebook_comment_whose_parent_is_another_comment_is_a_reply() -> None:
    # No reply fixture is saved (platforms.md §1.5): build one from the comment sample, with the
    # parent comment id laid out as in restfb-feed-reaction-add-reply.json.
    env = envelope("facebook/restfb-feed-comment-add-211.json")
    entry = env.entry[0]
    value = dict(entry.changes[0].value or {})
    value["parent_id"] = "901097836652708_903438993000001"
    value["comment_id"] = "901097836652708_903438993000002"
    change = Change(field="feed", value=value)
    event = normalise(change, context(Platform.FACEBOOK, entry, 0, 0, received_at=RECEIVED_AT))
    assert isinstance(event, NormalisedEvent)
    assert event.object_kind is ObjectKind.REPLY
    assert event.parent_id == "901097836652708_903438993000001"
    assert event.post_id == "1234567890321_901097836652708"


def test_an_instagram_comment_with_a_parent_id_is_a_reply() -> None:
    event = single_event("instagram/restfb-wh-comments-2021.json")
    assert event.object_kind is ObjectKind.REPLY
    assert event.parent_id == "987654321"
    assert event.post_id == "76543987"
    assert event.item_id == "123456789"
    assert event.text == "This is an example."


def test_an_instagram_comment_without_a_parent_id_is_a_comment_without_author_or_media() -> None:
    event = single_event("instagram/restfb-wh-comments.json")
    assert event.object_kind is ObjectKind.COMMENT
    assert event.parent_id is None
    assert event.post_id is None
    assert event.author is None


@pytest.mark.parametrize(
    "name",
    ["facebook/restfb-mention-post-add-real.json", "facebook/restfb-mention-comment-add.json"],
)
def test_a_real_facebook_mention_carries_no_author(name: str) -> None:
    assert "from" not in raw_value(name)
    assert "sender_id" not in raw_value(name)
    event = single_event(name)
    assert event.object_kind is ObjectKind.MENTION
    assert event.author is None
    assert event.text


def test_an_instagram_mention_carries_neither_author_nor_text() -> None:
    event = single_event("instagram/restfb-wh-mentions.json")
    assert event.author is None
    assert event.text is None
    assert event.post_id == "17887498072083520"


def test_a_removed_comment_carries_no_text() -> None:
    event = single_event("facebook/restfb-feed-comment-remove-25.json")
    assert event.action is Action.DELETED
    assert event.text is None
    assert event.event_time is None


# --- authors -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "is_account"),
    [
        ("facebook/restfb-feed-status-add-25.json", True),
        ("facebook/restfb-feed-comment-add-211.json", True),
        ("facebook/restfb-feed-post-remove-25.json", True),
        ("facebook/restfb-feed-comment-add-25.json", True),
        ("facebook/restfb-feed-post-add-25.json", False),
        ("facebook/restfb-feed-post-edit.json", False),
        ("facebook/restfb-feed-status-hide-25.json", False),
        ("facebook/restfb-feed-status-unhide.json", False),
        ("instagram/restfb-wh-comments-2021.json", False),
    ],
)
def test_the_author_is_the_account_exactly_when_its_id_is_the_entry_id(
    name: str, is_account: bool
) -> None:
    event = single_event(name)
    assert event.author is not None
    assert event.author.is_account is is_account
    assert event.is_visitor_content is not is_account


def raw_author(value: dict[str, Any]) -> tuple[str, str | None] | None:
    sender = value.get("from")
    if isinstance(sender, dict) and "id" in sender:
        return str(sender["id"]), sender.get("name") or sender.get("username")
    if "sender_id" in value:
        return str(value["sender_id"]), value.get("sender_name")
    return None


def test_a_visitors_raw_id_and_name_never_appear_in_the_serialised_event() -> None:
    checked = 0
    for m in all_events():
        found = raw_author(m.change.value or {})
        if found is None:
            continue
        raw_id, name = found
        event = m.event
        assert event.author is not None, m.name
        assert event.author.pseudonym != raw_id
        if raw_id == m.entry.id:
            continue  # the organisation itself: its id is the account id by definition
        if event.post_id and event.post_id.startswith(raw_id + "_"):
            continue  # the dashboard's fake post id is built from its fake sender id
        dumped = event.model_dump_json()
        assert raw_id not in dumped, m.name
        if name:
            assert name not in dumped, m.name
        checked += 1
    assert checked >= 5


def test_pseudonyms_are_hex_of_the_documented_length() -> None:
    for m in all_events():
        if m.event.author is not None:
            assert re.fullmatch(r"[0-9a-f]{32}", m.event.author.pseudonym)


# --- idempotency ---------------------------------------------------------------------------------


def test_mapping_the_same_change_twice_gives_the_same_key_even_on_a_later_redelivery() -> None:
    for name in sample_names():
        env = envelope(name)
        platform = OBJECT_PLATFORM[env.object]
        for e_index, entry in enumerate(env.entry):
            for c_index, change in enumerate(entry.changes):
                first = normalise(
                    change, context(platform, entry, e_index, c_index, received_at=RECEIVED_AT)
                )
                later = RECEIVED_AT + timedelta(hours=7)
                again = normalise(
                    change, context(platform, entry, e_index, c_index, received_at=later)
                )
                if isinstance(first, NormalisedEvent):
                    assert isinstance(again, NormalisedEvent)
                    assert again.idempotency_key == first.idempotency_key
                    assert again.event_id == first.event_id
                else:
                    assert again == first


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("facebook/restfb-feed-comment-hide.json", "facebook/restfb-feed-comment-unhide.json"),
        (
            "facebook/restfb-feed-comment-add-211.json",
            "facebook/restfb-feed-comment-edited-25.json",
        ),
        ("facebook/restfb-feed-status-add-25.json", "facebook/restfb-feed-status-edited-25.json"),
        ("facebook/restfb-feed-post-add-25.json", "facebook/restfb-feed-post-edit.json"),
        ("facebook/restfb-feed-post-edit.json", "facebook/restfb-feed-post-hide.json"),
        ("facebook/restfb-mention-post-add-real.json", "facebook/restfb-mention-comment-add.json"),
        ("instagram/restfb-wh-comments.json", "instagram/restfb-wh-livecomments.json"),
        ("instagram/restfb-wh-comments.json", "instagram/restfb-wh-mentions.json"),
        ("facebook/restfb-feed-photo-add-25.json", "facebook/restfb-feed-video-add.json"),
    ],
)
def test_two_different_changes_have_different_idempotency_keys(one: str, other: str) -> None:
    assert single_event(one).idempotency_key != single_event(other).idempotency_key


def test_changes_sharing_a_key_are_the_same_item_action_and_moment() -> None:
    """Several restfb fixtures are one item captured in different API versions (Instagram's old
    minimal shape has no parent or media); sharing a key is right for them, and only for them."""
    by_key: dict[str, set[tuple[object, ...]]] = {}
    for m in all_events():
        e = m.event
        identity = (e.platform, e.action, e.item_id, e.event_time)
        by_key.setdefault(e.idempotency_key, set()).add(identity)
    assert len(by_key) >= 20
    for key, identities in by_key.items():
        assert len(identities) == 1, key
