"""Bluesky `app.bsky.notification.listNotifications` (platforms.md §6): mentions, replies and quotes
become events, everything else is `Ignored` with its reason, and one bad notification never sinks
the page. No saved response exists, so the page is built from the lexicon's shape around the
saved Jetstream post records, with the DIDs changed."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from datetime import UTC, datetime
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
)
from uppsikt.platforms.bluesky.jetstream import normalise_event
from uppsikt.platforms.bluesky.notifications import normalise_notifications
from uppsikt.platforms.bluesky.records import Result
from uppsikt.platforms.delivery import DeliveryContext
from uppsikt.platforms.errors import Unmappable
from uppsikt.privacy.pseudonym import Pseudonymiser

SAMPLES = Path(__file__).resolve().parents[3].parent / "shared" / "platform-samples"
FOLDER = SAMPLES / "bluesky"

if not FOLDER.is_dir():
    pytest.skip(f"Bluesky samples not found under {FOLDER}", allow_module_level=True)

PSEUDONYMISER = Pseudonymiser(b"unit-test-pseudonym-key-0123456789")
RECEIVED_AT = datetime(2026, 11, 21, 9, 30, tzinfo=UTC)
ORG = "did:plc:fackforbundetorg2345abcd"
VISITOR = "did:plc:visitorvisitor2345abcdef"
OTHER = "did:plc:anotherperson2345abcdefg"
VISITOR_HANDLE = "vera-visitor.bsky.social"
CID = "bafyreifq66rnqqmr62ussjdhneebgoeaci5extyyjyqymkqwgtr4667gsi"


def ctx(
    account_id: str = ORG, *, raw_key: str = "bluesky/notifications/2026/11/21/abc.json"
) -> DeliveryContext:
    return DeliveryContext(
        platform=Platform.BLUESKY,
        account_id=account_id,
        raw_bucket="raw-bucket",
        raw_key=raw_key,
        received_at=RECEIVED_AT,
        pseudonymiser=PSEUDONYMISER,
    )


def commit_of(name: str) -> dict[str, Any]:
    event = json.loads((FOLDER / name).read_bytes())
    assert isinstance(event, dict)
    return event


def record_of(name: str) -> dict[str, Any]:
    record = commit_of(name)["commit"]["record"]
    assert isinstance(record, dict)
    return record


def pseudonym(did: str) -> str:
    return PSEUDONYMISER.pseudonym(Platform.BLUESKY, did)


def notification(
    reason: str,
    rkey: str,
    record: dict[str, Any] | None = None,
    *,
    author: str = VISITOR,
    subject: str | None = None,
) -> dict[str, Any]:
    item: dict[str, Any] = {
        "uri": f"at://{author}/app.bsky.feed.post/{rkey}",
        "cid": CID,
        "author": {
            "did": author,
            "handle": VISITOR_HANDLE,
            "displayName": "Vera Visitor",
            "avatar": f"https://cdn.bsky.app/img/avatar/plain/{author}/bafkreiavatar@jpeg",
            "labels": [],
        },
        "reason": reason,
        "record": record if record is not None else {"$type": "app.bsky.feed.like"},
        "isRead": False,
        "indexedAt": "2026-07-04T14:38:10.000Z",
        "labels": [],
    }
    if subject is not None:
        item["reasonSubject"] = subject
    return item


def reply_record() -> dict[str, Any]:
    record = copy.deepcopy(record_of("jetstream-commit-create-post-reply.json"))
    record["reply"]["parent"]["uri"] = f"at://{ORG}/app.bsky.feed.post/3mpt7u2vlgs2c"
    record["reply"]["root"]["uri"] = f"at://{ORG}/app.bsky.feed.post/3mpt7u2vlgs2c"
    return record


def mention_record() -> dict[str, Any]:
    record = copy.deepcopy(record_of("jetstream-commit-create-post.json"))
    record["text"] = "@fackforbundet.se hej"
    record["facets"] = [
        {
            "index": {"byteStart": 0, "byteEnd": 17},
            "features": [{"$type": "app.bsky.richtext.facet#mention", "did": ORG}],
        }
    ]
    return record


def quote_record() -> dict[str, Any]:
    record = copy.deepcopy(record_of("jetstream-commit-create-post-images.json"))
    images = record.pop("embed")
    record["embed"] = {
        "$type": "app.bsky.embed.recordWithMedia",
        "record": {"record": {"uri": f"at://{ORG}/app.bsky.feed.post/3mpsjbtci2c2o", "cid": CID}},
        "media": images,
    }
    return record


def page() -> dict[str, Any]:
    subject = f"at://{ORG}/app.bsky.feed.post/3mpt7u2vlgs2c"
    broken_reply = reply_record()
    broken_reply["reply"]["parent"] = "nope"
    return {
        "cursor": "2026-07-04T14:38:10.000Z",
        "notifications": [
            notification("reply", "3mptbyp7lu223", reply_record(), subject=subject),
            notification("mention", "3mptbyqhi7s2f", mention_record()),
            notification("quote", "3mptbxs3hq22j", quote_record(), subject=subject),
            notification("like", "3mptbyplj5d2a", subject=subject),
            notification("repost", "3mptbyplj5d2b", subject=subject),
            notification("follow", "3mptbyplj5d2c"),
            notification("starterpack-joined", "3mptbyplj5d2d"),
            notification("like-via-repost", "3mptbyplj5d2e"),
            notification("something-new", "3mptbyplj5d2f"),
            notification("reply", "3mptbyplj5d2g", broken_reply),
            "not a notification",
            {**notification("mention", "3mptbyplj5d2h", mention_record()), "uri": "https://x"},
            notification("mention", "3mptbyplj5d2i", mention_record(), author=OTHER)
            | {"uri": f"at://{VISITOR}/app.bsky.feed.post/3mptbyplj5d2i"},
            notification("mention", "3mptbyplj5d2j", {"$type": "app.bsky.feed.like"}),
        ],
        "seenAt": "2026-07-04T14:00:00.000Z",
        "priority": False,
    }


Expected = tuple[str, str]
EXPECTED: list[Expected] = [
    (ObjectKind.REPLY.value, ""),
    (ObjectKind.MENTION.value, ""),
    (ObjectKind.MENTION.value, ""),
    ("ignored", "likes"),
    ("ignored", "reposts"),
    ("ignored", "follows"),
    ("ignored", "starter pack"),
    ("ignored", "likes"),
    ("ignored", "notification reason is not monitored"),
    ("unmappable", "reply"),
    ("unmappable", "valid dictionary"),
    ("unmappable", "uri"),
    ("unmappable", "author"),
    ("unmappable", "app.bsky.feed.post"),
]


def results() -> list[Result]:
    return normalise_notifications(page(), ctx())


def test_a_page_maps_notification_by_notification_without_raising() -> None:
    got = results()
    assert len(got) == len(EXPECTED)
    for index, (result, (first, second)) in enumerate(zip(got, EXPECTED, strict=True)):
        if first == "ignored":
            assert isinstance(result, Ignored), (index, result)
            assert second in result.reason
            assert result.platform is Platform.BLUESKY
        elif first == "unmappable":
            assert isinstance(result, Unmappable), (index, result)
            assert second in str(result)
        else:
            assert isinstance(result, NormalisedEvent), (index, result)
            assert result.object_kind.value == first
            assert result.action is Action.CREATED
            assert result.raw.entry_index == index
            assert result.account_id == ORG


def event_at(index: int) -> NormalisedEvent:
    result = results()[index]
    assert isinstance(result, NormalisedEvent), result
    return result


def test_a_reply_names_the_thread_and_keys_on_uri_and_cid() -> None:
    event = event_at(0)
    item = f"at://{pseudonym(VISITOR)}/app.bsky.feed.post/3mptbyp7lu223"
    assert event.item_id == item
    assert event.parent_id == event.post_id == f"at://{ORG}/app.bsky.feed.post/3mpt7u2vlgs2c"
    assert event.text == "이쁘시네용~~~"
    assert event.event_time == datetime(2026, 7, 4, 14, 38, 7, 112000, tzinfo=UTC)
    assert event.idempotency_key == f"bluesky:{item}:{CID}"
    assert event.author is not None
    assert event.author.pseudonym == pseudonym(VISITOR)
    assert not event.author.is_account


def test_a_mention_is_its_own_post() -> None:
    event = event_at(1)
    assert event.post_id == event.item_id
    assert event.parent_id is None
    assert event.text == "@fackforbundet.se hej"


def test_a_quote_is_a_mention_with_the_quoted_post_and_its_images() -> None:
    event = event_at(2)
    assert [a.kind for a in event.attachments] == [AttachmentKind.SHARE, AttachmentKind.PHOTO]
    assert event.attachments[0].platform_id == f"at://{ORG}/app.bsky.feed.post/3mpsjbtci2c2o"


def test_no_visitor_did_handle_or_name_reaches_any_event() -> None:
    for result in results():
        if isinstance(result, NormalisedEvent):
            dumped = result.model_dump_json()
            for raw in (VISITOR, OTHER, VISITOR_HANDLE, "Vera Visitor"):
                assert raw not in dumped


def test_an_unreadable_created_at_falls_back_to_indexed_at() -> None:
    record = reply_record() | {"createdAt": 12}
    (result,) = normalise_notifications([notification("reply", "r1", record)], ctx())
    assert isinstance(result, NormalisedEvent)
    assert result.event_time == datetime(2026, 7, 4, 14, 38, 10, tzinfo=UTC)


def test_the_key_differs_per_post_version_and_is_stable_across_polls() -> None:
    item = notification("reply", "r1", reply_record())
    first = normalise_notifications([item], ctx())
    again = normalise_notifications({"notifications": [item]}, ctx())
    changed = normalise_notifications([item | {"cid": "bafyreiothercid234567"}], ctx())
    keys = [r.idempotency_key for r in (*first, *again, *changed) if isinstance(r, NormalisedEvent)]
    assert len(keys) == 3
    assert keys[0] == keys[1] != keys[2]


def test_the_raw_response_body_maps_like_the_parsed_one() -> None:
    def comparable(found: list[Result]) -> list[object]:
        return [str(r) if isinstance(r, Unmappable) else r for r in found]

    body = json.dumps(page()).encode()
    assert comparable(normalise_notifications(body, ctx())) == comparable(results())


def test_an_empty_page_maps_to_nothing() -> None:
    assert normalise_notifications({"notifications": [], "cursor": None}, ctx()) == []


@pytest.mark.parametrize(
    "response", [None, {}, {"notifications": {}}, "nope", b"{}", 1, {"feed": []}]
)
def test_input_that_is_no_notifications_page_raises_value_error(response: object) -> None:
    with pytest.raises(ValueError, match=r"listNotifications|Expecting"):
        normalise_notifications(response, ctx())


def test_a_context_for_another_platform_is_refused() -> None:
    wrong = DeliveryContext(Platform.MASTODON, ORG, "b", "k", RECEIVED_AT, PSEUDONYMISER)
    with pytest.raises(ValueError, match="mastodon"):
        normalise_notifications(page(), wrong)


# --- the same post by Jetstream and by notification -----------------------------------------------


def jetstream_ctx() -> DeliveryContext:
    return ctx(raw_key="jetstream/2026/07/04/abc.jsonl")


def seen_both_ways(
    reason: str, name: str, record: dict[str, Any]
) -> tuple[NormalisedEvent, NormalisedEvent]:
    """The sample commit `name` carrying `record`, and the notification listing that post."""
    commit = commit_of(name)
    commit["commit"]["record"] = record
    streamed = normalise_event(commit, jetstream_ctx())
    item = notification(reason, commit["commit"]["rkey"], record, author=commit["did"])
    item["cid"] = commit["commit"]["cid"]
    polled = normalise_notifications({"notifications": [item]}, ctx())
    (one,), (other,) = streamed, polled
    assert isinstance(one, NormalisedEvent), one
    assert isinstance(other, NormalisedEvent), other
    return one, other


@pytest.mark.parametrize(
    ("reason", "name", "make"),
    [
        ("reply", "jetstream-commit-create-post-reply.json", reply_record),
        ("mention", "jetstream-commit-create-post.json", mention_record),
    ],
)
def test_a_post_from_jetstream_and_from_notifications_has_one_key_and_item(
    reason: str, name: str, make: Callable[[], dict[str, Any]]
) -> None:
    streamed, polled = seen_both_ways(reason, name, make())
    sent = commit_of(name)
    assert streamed.idempotency_key == polled.idempotency_key
    assert streamed.idempotency_key == f"bluesky:{streamed.item_id}:{sent['commit']['cid']}"
    assert streamed.event_id == polled.event_id
    assert streamed.item_id == polled.item_id
    assert streamed.item_id.startswith(f"at://{pseudonym(sent['did'])}/")  # no raw DID in the key
    assert (streamed.post_id, streamed.parent_id) == (polled.post_id, polled.parent_id)


def test_the_deletion_of_a_notified_post_has_its_own_key() -> None:
    streamed, polled = seen_both_ways(
        "reply", "jetstream-commit-create-post-reply.json", reply_record()
    )
    created = commit_of("jetstream-commit-create-post-reply.json")
    deletion = commit_of("jetstream-commit-delete-post.json")
    deletion["did"], deletion["commit"]["rkey"] = created["did"], created["commit"]["rkey"]
    (deleted,) = normalise_event(deletion, jetstream_ctx())
    assert isinstance(deleted, NormalisedEvent), deleted
    assert deleted.action is Action.DELETED
    assert deleted.item_id == streamed.item_id == polled.item_id
    assert deleted.idempotency_key not in (streamed.idempotency_key, polled.idempotency_key)
