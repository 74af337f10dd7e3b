"""Bluesky Jetstream (platforms.md §6): every saved sample maps to an event or an explicit
`Ignored`, for each organisation it could concern (one expectation table, enforced by a
meta-test); fixtures built from the sample shapes cover replies to, mentions and quotes of the
organisation, edits, embeds, malformed commits, and that no visitor's DID reaches an event."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
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
)
from uppsikt.platforms.bluesky.jetstream import normalise_event
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
THIRD = "did:plc:thirdpartyzzzz2345abcdef"

# The DIDs in the samples (real production output, platforms.md §6 / PROVENANCE.md).
POST_AUTHOR = "did:plc:amnbije7mr5g3pgxuun7q44o"
REPLY_AUTHOR = "did:plc:o2rolxey6s5k7d4lxcz3inl4"
REPLY_PARENT_AUTHOR = "did:plc:i5y2f3gtpjxs3qg6fwgb6jb4"
IMAGES_AUTHOR = "did:plc:6aw7u7xjbaiznddugigmdhvc"
DELETE_AUTHOR = "did:plc:4smmjsqf6l5jkzczvw6vsrqc"
LIKE_AUTHOR = "did:plc:wq4aajammjtxdomz3e23667t"
LIKED_AUTHOR = "did:plc:r2zybk6op3ymzpz6jhqpkoy5"
IDENTITY_DID = "did:plc:hqvhxrowqbemo5e4wjnj6zao"
SAMPLE_DIDS = (
    POST_AUTHOR,
    REPLY_AUTHOR,
    REPLY_PARENT_AUTHOR,
    IMAGES_AUTHOR,
    DELETE_AUTHOR,
    LIKE_AUTHOR,
    LIKED_AUTHOR,
    IDENTITY_DID,
)


def ctx(account_id: str = ORG, *, received_at: datetime = RECEIVED_AT) -> DeliveryContext:
    return DeliveryContext(
        platform=Platform.BLUESKY,
        account_id=account_id,
        raw_bucket="raw-bucket",
        raw_key="jetstream/2026/07/04/abc.jsonl",
        received_at=received_at,
        pseudonymiser=PSEUDONYMISER,
    )


@cache
def sample_bytes(name: str) -> bytes:
    return (FOLDER / name).read_bytes()


def sample(name: str) -> dict[str, Any]:
    data = json.loads(sample_bytes(name))
    assert isinstance(data, dict)
    return data


def pseudonym(did: str) -> str:
    return PSEUDONYMISER.pseudonym(Platform.BLUESKY, did)


def single(results: list[Result]) -> NormalisedEvent:
    (only,) = results
    assert isinstance(only, NormalisedEvent), only
    return only


# --- the expectation table: file → which organisation → one expectation ---------------------------

Expected = tuple[str, str]
POST, REPLY, MENTION = ObjectKind.POST.value, ObjectKind.REPLY.value, ObjectKind.MENTION.value
CREATED, DELETED = Action.CREATED.value, Action.DELETED.value
NOT_ABOUT = ("ignored", "not about the account")

EXPECTED: dict[str, dict[str, Expected]] = {
    "jetstream-account.json": {
        ORG: ("ignored", "account status events"),
        IDENTITY_DID: ("ignored", "account status events"),
    },
    "jetstream-commit-create-like.json": {
        ORG: ("ignored", "likes"),
        LIKED_AUTHOR: ("ignored", "likes"),  # even a like of the organisation's post
    },
    "jetstream-commit-create-post-images.json": {ORG: NOT_ABOUT, IMAGES_AUTHOR: (POST, CREATED)},
    "jetstream-commit-create-post-reply.json": {
        ORG: NOT_ABOUT,
        REPLY_PARENT_AUTHOR: (REPLY, CREATED),
        REPLY_AUTHOR: (POST, CREATED),
    },
    "jetstream-commit-create-post.json": {ORG: NOT_ABOUT, POST_AUTHOR: (POST, CREATED)},
    "jetstream-commit-delete-post.json": {ORG: (REPLY, DELETED), DELETE_AUTHOR: (POST, DELETED)},
    "jetstream-identity.json": {
        ORG: ("ignored", "identity events"),
        IDENTITY_DID: ("ignored", "identity events"),
    },
}


def sample_names() -> list[str]:
    return sorted(path.name for path in FOLDER.iterdir() if path.is_file())


def cases() -> list[tuple[str, str]]:
    return [(name, org) for name in sorted(EXPECTED) for org in EXPECTED[name]]


def test_the_expectation_table_has_exactly_one_entry_per_sample_file() -> None:
    on_disk = sample_names()
    assert on_disk, "no sample files found"
    assert sorted(EXPECTED) == on_disk
    assert all(EXPECTED[name] for name in on_disk)


@pytest.mark.parametrize(("name", "org"), cases())
def test_every_sample_maps_as_the_table_expects(name: str, org: str) -> None:
    (result,) = normalise_event(sample_bytes(name), ctx(org))
    first, second = EXPECTED[name][org]
    if first == "ignored":
        assert isinstance(result, Ignored), result
        assert second in result.reason
        assert result.platform is Platform.BLUESKY
    else:
        assert isinstance(result, NormalisedEvent), result
        assert (result.object_kind.value, result.action.value) == (first, second)
        assert result.platform is Platform.BLUESKY
        assert result.account_id == org
        assert result.received_at == RECEIVED_AT
        assert result.raw.entry_index == 0


@pytest.mark.parametrize(("name", "org"), cases())
def test_the_raw_line_and_its_parsed_form_map_alike(name: str, org: str) -> None:
    from_bytes = normalise_event(sample_bytes(name), ctx(org))
    from_text = normalise_event(sample_bytes(name).decode(), ctx(org))
    assert from_bytes == from_text == normalise_event(sample(name), ctx(org))


@pytest.mark.parametrize(("name", "org"), cases())
def test_no_raw_did_other_than_the_organisations_reaches_an_event(name: str, org: str) -> None:
    (result,) = normalise_event(sample(name), ctx(org))
    assert not isinstance(result, Unmappable)
    dumped = result.model_dump_json()
    for did in SAMPLE_DIDS:
        if did != org:
            assert did not in dumped, f"{name}: {did}"


# --- the samples in detail ------------------------------------------------------------------------


def test_the_organisations_post_with_images_maps_text_time_photo_and_key() -> None:
    event = single(
        normalise_event(sample("jetstream-commit-create-post-images.json"), ctx(IMAGES_AUTHOR))
    )
    uri = f"at://{IMAGES_AUTHOR}/app.bsky.feed.post/3mptbxs3hq22j"
    assert event.item_id == event.post_id == uri
    assert event.parent_id is None
    assert (
        event.text
        == "Вечерок с Аватаром, дошли и в мульте до Тоф 😍🔥\n\nТакая крутышка, я не могу :"
    )
    assert event.event_time == datetime(2026, 7, 4, 14, 37, 36, 557000, tzinfo=UTC)
    (photo,) = event.attachments
    assert photo.kind is AttachmentKind.PHOTO
    assert photo.platform_id == "bafkreicwsq23gkygrgpijv7ocssxdyjokfv3quss3f2dg4csds3jpeqkwe"
    assert photo.url is None
    assert event.idempotency_key == (
        f"bluesky:{uri}:bafyreib5wrlfg3fjbf4tzllvotvke6cnk6pasjt6eshnert5p6x2fjf7za"
    )
    assert event.author is not None
    assert event.author.is_account
    assert event.author.pseudonym == pseudonym(IMAGES_AUTHOR)


def test_a_reply_to_the_organisation_names_the_visitor_only_by_pseudonym() -> None:
    event = single(
        normalise_event(sample("jetstream-commit-create-post-reply.json"), ctx(REPLY_PARENT_AUTHOR))
    )
    parent = f"at://{REPLY_PARENT_AUTHOR}/app.bsky.feed.post/3mpt7u2vlgs2c"
    assert event.item_id == f"at://{pseudonym(REPLY_AUTHOR)}/app.bsky.feed.post/3mptbyp7lu223"
    assert event.parent_id == event.post_id == parent
    assert event.text == "이쁘시네용~~~"
    assert event.author is not None
    assert not event.author.is_account
    assert event.is_visitor_content
    assert event.idempotency_key == (
        f"bluesky:{event.item_id}:bafyreifq66rnqqmr62ussjdhneebgoeaci5extyyjyqymkqwgtr4667gsi"
    )


def test_a_deletion_has_no_text_and_is_timed_by_time_us() -> None:
    event = single(normalise_event(sample("jetstream-commit-delete-post.json"), ctx()))
    assert event.action is Action.DELETED
    assert event.text is None
    assert event.attachments == ()
    assert event.item_id == f"at://{pseudonym(DELETE_AUTHOR)}/app.bsky.feed.post/3mpt73z3ejc2p"
    assert event.event_time == datetime(2026, 7, 4, 14, 38, 8, 377628, tzinfo=UTC)
    assert event.idempotency_key == f"bluesky:{event.item_id}:deleted-3mptbypuw3t2q"


def test_the_deletion_of_a_post_lines_up_with_the_post_it_deletes() -> None:
    created = copy.deepcopy(sample("jetstream-commit-create-post-reply.json"))
    created["commit"]["record"]["reply"]["parent"]["uri"] = f"at://{ORG}/app.bsky.feed.post/a"
    deleted = copy.deepcopy(sample("jetstream-commit-delete-post.json"))
    deleted["did"] = created["did"]
    deleted["commit"]["rkey"] = created["commit"]["rkey"]
    one = single(normalise_event(created, ctx()))
    other = single(normalise_event(deleted, ctx()))
    assert one.item_ref == other.item_ref
    assert one.idempotency_key != other.idempotency_key


# --- fixtures built from the sample shapes --------------------------------------------------------


def reply_to_org() -> dict[str, Any]:
    event = copy.deepcopy(sample("jetstream-commit-create-post-reply.json"))
    reply = event["commit"]["record"]["reply"]
    reply["parent"]["uri"] = f"at://{ORG}/app.bsky.feed.post/3mpt7u2vlgs2c"
    reply["root"]["uri"] = f"at://{ORG}/app.bsky.feed.post/3mpt7u2vlgs2c"
    return event


def mention_of_org() -> dict[str, Any]:
    event = copy.deepcopy(sample("jetstream-commit-create-post.json"))
    record = event["commit"]["record"]
    record["text"] = "Hej @fackforbundet.se, när öppnar ni?"
    record["facets"] = [
        {
            "index": {"byteStart": 4, "byteEnd": 21},
            "features": [{"$type": "app.bsky.richtext.facet#mention", "did": ORG}],
        },
        {
            "index": {"byteStart": 0, "byteEnd": 3},
            "features": [{"$type": "app.bsky.richtext.facet#link", "uri": "https://example.org"}],
        },
    ]
    return event


def test_a_reply_to_the_organisation_is_a_reply() -> None:
    event = single(normalise_event(reply_to_org(), ctx()))
    assert event.object_kind is ObjectKind.REPLY
    assert event.parent_id == f"at://{ORG}/app.bsky.feed.post/3mpt7u2vlgs2c"


def test_a_reply_deeper_in_the_organisations_thread_is_a_reply_with_a_pseudonymous_parent() -> None:
    event = reply_to_org()
    event["commit"]["record"]["reply"]["parent"]["uri"] = f"at://{THIRD}/app.bsky.feed.post/p1"
    mapped = single(normalise_event(event, ctx()))
    assert mapped.object_kind is ObjectKind.REPLY
    assert mapped.post_id == f"at://{ORG}/app.bsky.feed.post/3mpt7u2vlgs2c"
    assert mapped.parent_id == f"at://{pseudonym(THIRD)}/app.bsky.feed.post/p1"
    assert THIRD not in mapped.model_dump_json()


def test_a_did_that_merely_contains_the_organisations_did_is_not_the_organisation() -> None:
    event = reply_to_org()
    longer = ORG + "x"
    for part in ("parent", "root"):
        event["commit"]["record"]["reply"][part]["uri"] = f"at://{longer}/app.bsky.feed.post/a"
    (result,) = normalise_event(event, ctx())
    assert isinstance(result, Ignored)


def test_a_mention_facet_naming_the_organisation_is_a_mention() -> None:
    event = single(normalise_event(mention_of_org(), ctx()))
    assert event.object_kind is ObjectKind.MENTION
    assert event.text == "Hej @fackforbundet.se, när öppnar ni?"
    assert event.post_id == event.item_id
    assert event.parent_id is None
    assert POST_AUTHOR not in event.model_dump_json()


def test_a_mention_facet_naming_someone_else_is_not_about_the_account() -> None:
    event = mention_of_org()
    event["commit"]["record"]["facets"][0]["features"][0]["did"] = THIRD
    (result,) = normalise_event(event, ctx())
    assert isinstance(result, Ignored)
    assert "not about the account" in result.reason


def test_malformed_facets_are_skipped_not_fatal() -> None:
    event = mention_of_org()
    event["commit"]["record"]["facets"].insert(0, "junk")
    event["commit"]["record"]["facets"].insert(0, {"features": "junk"})
    assert single(normalise_event(event, ctx())).object_kind is ObjectKind.MENTION


def test_a_quote_of_the_organisations_post_is_a_mention_with_a_share() -> None:
    event = copy.deepcopy(sample("jetstream-commit-create-post.json"))
    event["commit"]["record"]["embed"] = {
        "$type": "app.bsky.embed.record",
        "record": {
            "cid": "bafyreiftot7eltsc3f6g4qktykmbv6jcmdmhcx5osscan6jpdxkpqcmcza",
            "uri": f"at://{ORG}/app.bsky.feed.post/3mpsjbtci2c2o",
        },
    }
    mapped = single(normalise_event(event, ctx()))
    assert mapped.object_kind is ObjectKind.MENTION
    (share,) = mapped.attachments
    assert share.kind is AttachmentKind.SHARE
    assert share.platform_id == f"at://{ORG}/app.bsky.feed.post/3mpsjbtci2c2o"


def test_an_update_is_an_edit() -> None:
    event = reply_to_org()
    event["commit"]["operation"] = "update"
    event["commit"]["rev"] = "3mptbzzzzzz2a"
    event["commit"]["cid"] = "bafyreieditededitededitededitededitededitededitededitedi"
    event["commit"]["record"]["text"] = "이쁘시네용!"
    edited = single(normalise_event(event, ctx()))
    created = single(normalise_event(reply_to_org(), ctx()))
    assert edited.action is Action.EDITED
    assert edited.item_ref == created.item_ref
    assert edited.idempotency_key != created.idempotency_key


@pytest.mark.parametrize(
    ("embed", "expected"),
    [
        (
            {
                "$type": "app.bsky.embed.external",
                "external": {"uri": "https://example.org/a", "title": "t", "description": "d"},
            },
            [(AttachmentKind.LINK, "https://example.org/a", None)],
        ),
        (
            {
                "$type": "app.bsky.embed.video",
                "video": {
                    "$type": "blob",
                    "ref": {"$link": "bafkreivideocid234567"},
                    "mimeType": "video/mp4",
                    "size": 1,
                },
            },
            [(AttachmentKind.VIDEO, None, "bafkreivideocid234567")],
        ),
        (
            {
                "$type": "app.bsky.embed.images",
                "images": [
                    {"alt": "", "image": {"cid": "bafkreilegacycid2345", "mimeType": "image/png"}},
                    {"alt": "", "image": None},
                ],
            },
            [
                (AttachmentKind.PHOTO, None, "bafkreilegacycid2345"),
                (AttachmentKind.PHOTO, None, None),
            ],
        ),
        (
            {
                "$type": "app.bsky.embed.recordWithMedia",
                "record": {
                    "record": {
                        "uri": f"at://{THIRD}/app.bsky.feed.post/q",
                        "cid": "bafyreiabc234567",
                    }
                },
                "media": {
                    "$type": "app.bsky.embed.external",
                    "external": {"uri": "https://x.example"},
                },
            },
            [
                (AttachmentKind.SHARE, None, f"at://{pseudonym(THIRD)}/app.bsky.feed.post/q"),
                (AttachmentKind.LINK, "https://x.example", None),
            ],
        ),
        (
            {"$type": "app.bsky.embed.somethingNew", "things": []},
            [(AttachmentKind.MEDIA, None, None)],
        ),
    ],
)
def test_embeds_become_attachments(embed: dict[str, Any], expected: list[tuple[Any, ...]]) -> None:
    event = copy.deepcopy(sample("jetstream-commit-create-post.json"))
    event["commit"]["record"]["embed"] = embed
    mapped = single(normalise_event(event, ctx(POST_AUTHOR)))
    assert [(a.kind, a.url, a.platform_id) for a in mapped.attachments] == expected
    assert THIRD not in mapped.model_dump_json()


def test_an_unreadable_created_at_falls_back_to_time_us() -> None:
    event = reply_to_org()
    event["commit"]["record"]["createdAt"] = "sometime last week"
    mapped = single(normalise_event(event, ctx()))
    assert mapped.event_time == datetime(1970, 1, 1, tzinfo=UTC) + timedelta(
        microseconds=event["time_us"]
    )


def test_the_cid_keys_the_commit_with_or_without_rev() -> None:
    event = reply_to_org()
    keyed = single(normalise_event(event, ctx())).idempotency_key
    del event["commit"]["rev"]
    mapped = single(normalise_event(event, ctx()))
    assert mapped.idempotency_key == keyed == f"bluesky:{mapped.item_id}:{event['commit']['cid']}"


def test_another_rev_with_the_same_cid_is_the_same_record_version() -> None:
    event = reply_to_org()
    event["commit"]["rev"] = "3mptbzzzzzz2a"
    again = single(normalise_event(event, ctx()))
    assert again.idempotency_key == single(normalise_event(reply_to_org(), ctx())).idempotency_key


def test_without_cid_the_rev_keys_the_commit_apart_from_any_cid() -> None:
    event = reply_to_org()
    del event["commit"]["cid"]
    mapped = single(normalise_event(event, ctx()))
    assert mapped.idempotency_key == f"bluesky:{mapped.item_id}:rev-{event['commit']['rev']}"


def test_a_deletion_without_rev_is_unmappable() -> None:
    event = copy.deepcopy(sample("jetstream-commit-delete-post.json"))
    del event["commit"]["rev"]
    (result,) = normalise_event(event, ctx())
    assert isinstance(result, Unmappable), result
    assert "rev" in str(result)
    assert DELETE_AUTHOR not in str(result)


def test_the_same_event_twice_has_the_same_key_even_on_a_later_delivery() -> None:
    one = single(normalise_event(reply_to_org(), ctx()))
    again = single(
        normalise_event(reply_to_org(), ctx(received_at=RECEIVED_AT + timedelta(days=1)))
    )
    assert one.idempotency_key == again.idempotency_key
    assert one.event_id == again.event_id


# --- ignored and unmappable -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("collection", "reason"),
    [
        ("app.bsky.feed.repost", "reposts"),
        ("app.bsky.graph.follow", "follows"),
        ("app.bsky.actor.profile", "collection is not monitored"),
        ("app.bsky.actor.status", "not monitored"),
    ],
)
def test_other_collections_are_ignored_with_a_reason(collection: str, reason: str) -> None:
    event = copy.deepcopy(sample("jetstream-commit-create-like.json"))
    event["commit"]["collection"] = collection
    (result,) = normalise_event(event, ctx())
    assert isinstance(result, Ignored)
    assert reason in result.reason
    assert collection not in result.reason  # reasons are logged: never the sender's names


def test_an_unknown_event_kind_is_ignored_with_a_reason_that_does_not_name_it() -> None:
    (result,) = normalise_event({"did": ORG, "time_us": 1, "kind": "sync"}, ctx())
    assert isinstance(result, Ignored)
    assert result.reason == "event kind is not monitored"


def _set(path: tuple[str, ...], value: Any) -> Callable[[dict[str, Any]], None]:
    def apply(event: dict[str, Any]) -> None:
        target = event
        for key in path[:-1]:
            target = target[key]
        if value is KeyError:
            del target[path[-1]]
        else:
            target[path[-1]] = value

    return apply


@pytest.mark.parametrize(
    ("mutate", "part"),
    [
        (_set(("commit",), KeyError), "commit"),
        (_set(("commit", "operation"), "upsert"), "operation"),
        (_set(("commit", "record"), KeyError), "record"),
        (_set(("commit", "record", "$type"), "app.bsky.feed.like"), "app.bsky.feed.post"),
        (_set(("commit", "record", "text"), 42), "text"),
        (_set(("commit", "record", "reply"), "at://x"), "reply"),
        (_set(("commit", "record", "reply", "parent", "uri"), "https://bsky.app/x"), "parent"),
        (_set(("commit", "rkey"), "../../etc"), "rkey"),
        (_set(("commit", "rev"), KeyError), "rev"),
        (_set(("did",), "alice"), "did"),
        (_set(("commit", "collection"), 7), "collection"),
        (_set(("commit", "record", "embed"), {"$type": "app.bsky.embed.images"}), "images"),
    ],
)
def test_a_malformed_post_commit_is_returned_as_unmappable(
    mutate: Callable[[dict[str, Any]], None], part: str
) -> None:
    event = reply_to_org()
    if part == "rev":
        del event["commit"]["cid"]
    mutate(event)
    (result,) = normalise_event(event, ctx())
    assert isinstance(result, Unmappable), result
    assert part in str(result)
    assert "이쁘시네용" not in str(result)
    assert REPLY_AUTHOR not in str(result)


@pytest.mark.parametrize(
    "data",
    [None, [], 3, "not json", b"\x00", {"did": ORG}, {"kind": 1}, "[1]", {"commit": {}}],
)
def test_input_that_is_no_jetstream_event_raises_value_error(data: object) -> None:
    with pytest.raises(ValueError, match=r"Jetstream|Expecting|Extra data|UTF-8"):
        normalise_event(data, ctx())


def test_a_context_for_another_platform_is_refused() -> None:
    wrong = DeliveryContext(Platform.MASTODON, ORG, "b", "k", RECEIVED_AT, PSEUDONYMISER)
    with pytest.raises(ValueError, match="mastodon"):
        normalise_event(reply_to_org(), wrong)
