"""X deliveries built here from the shapes in platforms.md §2.4 (AAA v1.1) and §2.5 (XAA v2): the
documented X Activity examples carry no licence and no AAA delete sample is shipped, so every
fixture below is our own, with made-up ids and text.

Decisions under test (see the module docstring of `uppsikt.platforms.x.normalise`): the
account's own repost is a POST with a SHARE attachment, another user's repost is Ignored; an edit
keeps the original id as `item_id` and carries the new id as `post_id`."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from uppsikt.model.events import (
    Action,
    AttachmentKind,
    Ignored,
    NormalisedEvent,
    ObjectKind,
    Platform,
)
from uppsikt.platforms import errors as platform_errors
from uppsikt.platforms.delivery import DeliveryContext
from uppsikt.platforms.x.normalise import Result, Unmappable, normalise_delivery
from uppsikt.privacy.pseudonym import Pseudonymiser

PSEUDONYMISER = Pseudonymiser(b"unit-test-pseudonym-key-0123456789")
RECEIVED_AT = datetime(2026, 11, 21, 9, 30, tzinfo=UTC)
ACCOUNT = "1850000000000000001"  # the organisation's X user id
VISITOR = "1850000000000000777"
STRANGER = "1850000000000000999"
VISITOR_HANDLE = "besokare_42"
MS = "1795253400123"  # 2026-11-21T09:30:00.123Z

Json = dict[str, Any]


def context(account: str = ACCOUNT, platform: Platform = Platform.X) -> DeliveryContext:
    return DeliveryContext(
        platform=platform,
        account_id=account,
        raw_bucket="raw-bucket",
        raw_key="deliveries/x/2026/11/21/def.json",
        received_at=RECEIVED_AT,
        pseudonymiser=PSEUDONYMISER,
    )


def pseudonym(user_id: str) -> str:
    return PSEUDONYMISER.pseudonym(Platform.X, user_id)


# --- AAA (v1.1) builders -------------------------------------------------------------------------


def v1_user(user_id: str) -> Json:
    handle = "org_official" if user_id == ACCOUNT else VISITOR_HANDLE
    # The numeric id is given as a float on purpose: it must never be read.
    return {"id": float(user_id), "id_str": user_id, "name": "Kim Besökare", "screen_name": handle}


def v1_tweet(tweet_id: str, author: str, text: str = "Hej!", **fields: Any) -> Json:
    tweet: Json = {
        "created_at": "Sat Nov 21 09:30:00 +0000 2026",
        "id": float(tweet_id),
        "id_str": tweet_id,
        "text": text,
        "truncated": False,
        "in_reply_to_status_id": None,
        "in_reply_to_status_id_str": None,
        "in_reply_to_user_id": None,
        "in_reply_to_user_id_str": None,
        "user": v1_user(author),
        "is_quote_status": False,
        "entities": {"hashtags": [], "urls": [], "user_mentions": [], "symbols": []},
        "timestamp_ms": MS,
    }
    tweet.update(fields)
    return tweet


def v1_mention(user_id: str) -> Json:
    return {
        "id_str": user_id,
        "id": float(user_id),
        "screen_name": "org_official",
        "indices": [0, 9],
    }


def aaa(**events: Any) -> Json:
    return {"for_user_id": ACCOUNT, **events}


def aaa_delete(tweet_id: str, user_id: str = ACCOUNT) -> Json:
    return {"status": {"id": tweet_id, "user_id": user_id}, "timestamp_ms": MS}


# --- XAA (v2) builders ---------------------------------------------------------------------------


def v2_post(post_id: str, author: str, text: str = "Hej!", **fields: Any) -> Json:
    post: Json = {
        "id": post_id,
        "author_id": author,
        "text": text,
        "created_at": "2026-11-21T09:30:00.000Z",
        "conversation_id": post_id,
        "edit_history_tweet_ids": [post_id],
        "lang": "sv",
    }
    post.update(fields)
    return post


def v2_user(user_id: str) -> Json:
    return {"id": user_id, "username": VISITOR_HANDLE, "name": "Kim Besökare"}


def xaa(
    event_type: str,
    payload: Json,
    *,
    uuid: str | None = None,
    includes: Json | None = None,
    user_id: str = ACCOUNT,
) -> Json:
    if uuid is None:  # the documented post events use the post id as their event_uuid
        post_id = payload.get("id") if isinstance(payload, dict) else None
        uuid = post_id if isinstance(post_id, str) else "-1850000000000042000"
    return {
        "data": {
            "event_uuid": uuid,
            "filter": {"user_id": user_id},
            "event_type": event_type,
            "tag": "uppsikt",
            "payload": payload,
            "includes": includes if includes is not None else {},
        }
    }


def mapped(delivery: object, ctx: DeliveryContext | None = None) -> list[Result]:
    return normalise_delivery(delivery, ctx or context())


def only(delivery: object, ctx: DeliveryContext | None = None) -> Result:
    (result,) = mapped(delivery, ctx)
    return result


def event(delivery: object, ctx: DeliveryContext | None = None) -> NormalisedEvent:
    result = only(delivery, ctx)
    assert isinstance(result, NormalisedEvent), repr(result)
    return result


# --- the fixture table: every built delivery, with what each item maps to --------------------

POST, REPLY, MENTION = ObjectKind.POST, ObjectKind.REPLY, ObjectKind.MENTION
CREATED, EDITED, DELETED = Action.CREATED, Action.EDITED, Action.DELETED

# (kind, action) per item, or ("ignored", <reason substring>), or ("unmappable", <substring>).
Expected = tuple[str, str]

ORIGINAL = "1850000000000100000"
EDIT = "1850000000000100005"

FIXTURES: dict[str, tuple[Json, list[Expected]]] = {
    "aaa own post": (
        aaa(tweet_create_events=[v1_tweet("1850000000000000010", ACCOUNT)]),
        [(POST, CREATED)],
    ),
    "aaa own reply": (
        aaa(
            tweet_create_events=[
                v1_tweet(
                    "1850000000000000011",
                    ACCOUNT,
                    in_reply_to_status_id_str="1850000000000000050",
                    in_reply_to_user_id_str=VISITOR,
                )
            ]
        ),
        [(REPLY, CREATED)],
    ),
    "aaa visitor reply": (
        aaa(
            tweet_create_events=[
                v1_tweet(
                    "1850000000000000012",
                    VISITOR,
                    in_reply_to_status_id_str="1850000000000000010",
                    in_reply_to_user_id_str=ACCOUNT,
                )
            ]
        ),
        [(REPLY, CREATED)],
    ),
    "aaa visitor mention": (
        aaa(
            tweet_create_events=[
                v1_tweet(
                    "1850000000000000013",
                    VISITOR,
                    "@org_official hej",
                    entities={"urls": [], "user_mentions": [v1_mention(ACCOUNT)]},
                )
            ],
            user_has_blocked=False,
        ),
        [(MENTION, CREATED)],
    ),
    "aaa visitor quote": (
        aaa(
            tweet_create_events=[
                v1_tweet(
                    "1850000000000000014",
                    VISITOR,
                    "Se här",
                    is_quote_status=True,
                    quoted_status_id_str="1850000000000000010",
                    quoted_status=v1_tweet("1850000000000000010", ACCOUNT),
                )
            ]
        ),
        [(POST, CREATED)],
    ),
    "aaa own retweet": (
        aaa(
            tweet_create_events=[
                v1_tweet(
                    "1850000000000000015",
                    ACCOUNT,
                    "RT @besokare_42: Viktigt",
                    retweeted_status=v1_tweet("1850000000000000060", VISITOR, "Viktigt"),
                )
            ]
        ),
        [(POST, CREATED)],
    ),
    "aaa visitor retweet": (
        aaa(
            tweet_create_events=[
                v1_tweet(
                    "1850000000000000016",
                    VISITOR,
                    "RT @org_official: Hej!",
                    retweeted_status=v1_tweet("1850000000000000010", ACCOUNT),
                )
            ]
        ),
        [("ignored", "repost by another user")],
    ),
    "aaa edit": (
        aaa(
            tweet_create_events=[
                v1_tweet(
                    EDIT,
                    ACCOUNT,
                    "Hej (rättad)",
                    edit_history={"initial_tweet_id": ORIGINAL, "edit_tweet_ids": [ORIGINAL, EDIT]},
                )
            ]
        ),
        [(POST, EDITED)],
    ),
    "aaa delete": (aaa(tweet_delete_events=[aaa_delete("1850000000000000010")]), [(POST, DELETED)]),
    "aaa two deletes": (
        aaa(
            tweet_delete_events=[
                aaa_delete("1850000000000000010"),
                aaa_delete("1850000000000000011"),
            ]
        ),
        [(POST, DELETED), (POST, DELETED)],
    ),
    "aaa favourite": (
        aaa(
            favorite_events=[
                {
                    "id": "0b5e4ce6e1cf1a6a4c3d0f6e9a0f8d5c",
                    "created_at": "Sat Nov 21 09:30:00 +0000 2026",
                    "timestamp_ms": int(MS),
                    "favorited_status": v1_tweet("1850000000000000010", ACCOUNT),
                    "user": v1_user(VISITOR),
                }
            ]
        ),
        [("ignored", "likes")],
    ),
    "aaa follow, block, mute": (
        aaa(
            follow_events=[
                {"type": "follow", "source": v1_user(VISITOR), "target": v1_user(ACCOUNT)}
            ],
            block_events=[
                {"type": "block", "source": v1_user(ACCOUNT), "target": v1_user(VISITOR)}
            ],
            mute_events=[{"type": "mute", "source": v1_user(ACCOUNT), "target": v1_user(VISITOR)}],
        ),
        [("ignored", "follows"), ("ignored", "blocks"), ("ignored", "mutes")],
    ),
    "aaa direct messages": (
        aaa(
            direct_message_events=[{"type": "message_create", "id": "1850000000000000070"}],
            direct_message_indicate_typing_events=[{"created_timestamp": MS}],
            direct_message_mark_read_events=[{"created_timestamp": MS}],
            users={VISITOR: {"id": VISITOR}},
            apps={"1": {"id": "1"}},
        ),
        [("ignored", "direct messages")] * 3,
    ),
    "aaa revoke and replay status": (
        aaa(
            user_event={"revoke": {"date_time": "2026-11-21T09:30:00+0000", "source": {}}},
            replay_job_status={"job_state": "Complete"},
        ),
        [("ignored", "revocation"), ("ignored", "replay")],
    ),
    "aaa unknown event type": (
        aaa(tweet_pin_events=[{"id_str": "1"}]),
        [("ignored", "Account Activity event type that is not monitored")],
    ),
    "aaa mixed, in body order": (
        aaa(
            favorite_events=[{"id": "x"}],
            tweet_create_events=[
                v1_tweet("1850000000000000017", ACCOUNT),
                v1_tweet("1850000000000000018", VISITOR, id_str=1.85e18),
                v1_tweet("1850000000000000019", VISITOR, in_reply_to_user_id_str=ACCOUNT),
            ],
            tweet_delete_events=[aaa_delete("1850000000000000017")],
        ),
        [
            ("ignored", "likes"),
            (POST, CREATED),
            ("unmappable", "id_str"),
            (REPLY, CREATED),
            (POST, DELETED),
        ],
    ),
    "aaa empty": (aaa(), []),
    "xaa own post": (
        xaa("post.create", v2_post("1850000000000000020", ACCOUNT)),
        [(POST, CREATED)],
    ),
    "xaa own reply": (
        xaa(
            "post.create",
            v2_post(
                "1850000000000000021",
                ACCOUNT,
                "@besokare_42 tack!",
                in_reply_to_user_id=VISITOR,
                referenced_tweets=[{"type": "replied_to", "id": "1850000000000000030"}],
                conversation_id="1850000000000000020",
            ),
        ),
        [(REPLY, CREATED)],
    ),
    "xaa own repost": (
        xaa(
            "post.create",
            v2_post(
                "1850000000000000022",
                ACCOUNT,
                "RT @besokare_42: Viktigt att…",
                referenced_tweets=[{"type": "retweeted", "id": "1850000000000000061"}],
            ),
            includes={
                "tweets": [v2_post("1850000000000000061", VISITOR, "Viktigt att alla vet detta")],
                "users": [v2_user(VISITOR)],
            },
        ),
        [(POST, CREATED)],
    ),
    "xaa own edit": (
        xaa(
            "post.create",
            v2_post(EDIT, ACCOUNT, "Hej (rättad)", edit_history_tweet_ids=[ORIGINAL, EDIT]),
            uuid=EDIT,
        ),
        [(POST, EDITED)],
    ),
    "xaa delete": (
        xaa(
            "post.delete",
            {"id": "1850000000000000020", "author_id": ACCOUNT},
            uuid="-1850000000000000020",
            includes={"users": [{"data": v2_user(ACCOUNT)}]},  # wrapped, as documented
        ),
        [(POST, DELETED)],
    ),
    "xaa mention": (
        xaa(
            "post.mention.create",
            v2_post(
                "1850000000000000023",
                VISITOR,
                "hej @org_official",
                entities={
                    "mentions": [{"start": 4, "end": 17, "username": "org_official", "id": ACCOUNT}]
                },
            ),
            includes={"users": [v2_user(VISITOR)]},
        ),
        [(MENTION, CREATED)],
    ),
    "xaa reply": (
        xaa(
            "post.reply.create",
            v2_post(
                "1850000000000000024",
                VISITOR,
                "Håller inte med",
                in_reply_to_user_id=ACCOUNT,
                referenced_tweets=[{"type": "replied_to", "id": "1850000000000000020"}],
                conversation_id="1850000000000000020",
            ),
        ),
        [(REPLY, CREATED)],
    ),
    "xaa quote": (
        xaa(
            "post.quote.create",
            v2_post(
                "1850000000000000025",
                VISITOR,
                "Se här",
                referenced_tweets=[{"type": "quoted", "id": "1850000000000000020"}],
            ),
        ),
        [(POST, CREATED)],
    ),
    "xaa repost by a visitor": (
        xaa(
            "post.repost.create",
            v2_post(
                "1850000000000000026",
                VISITOR,
                "RT @org_official: Hej!",
                referenced_tweets=[{"type": "retweeted", "id": "1850000000000000020"}],
            ),
        ),
        [("ignored", "repost by another user")],
    ),
    "xaa like": (
        xaa(
            "like.create",
            {
                "id": "5f0c1d2e3a4b5c6d7e8f9a0b1c2d3e4f",
                "liked_tweet_id": "1850000000000000020",
                "liked_tweet_author_id": ACCOUNT,
                "timestamp_ms": MS,
            },
            uuid="-1850000000000000300",
        ),
        [("ignored", "likes")],
    ),
    "xaa follow": (
        xaa(
            "follow.follow",
            {"source": {"data": v2_user(VISITOR)}, "target": {"data": v2_user(ACCOUNT)}},
        ),
        [("ignored", "follows")],
    ),
    "xaa block": (xaa("block.block", {}), [("ignored", "blocks")]),
    "xaa mute": (xaa("mute.mute", {}), [("ignored", "mutes")]),
    "xaa dm": (xaa("dm.received", {}), [("ignored", "direct messages")]),
    "xaa oauth revoke": (xaa("oauth.revoke", {"client_id": "abc"}), [("ignored", "revocation")]),
    "xaa unknown family": (
        xaa("spaces.start", {}),
        [("ignored", "event type is not monitored")],
    ),
    "xaa unknown post event": (
        xaa("post.bookmark.create", {}),
        [("unmappable", "unknown post event type")],
    ),
}


@pytest.mark.parametrize("name", sorted(FIXTURES))
def test_every_built_delivery_maps_as_the_table_expects(name: str) -> None:
    delivery, expected = FIXTURES[name]
    results = mapped(delivery)
    assert len(results) == len(expected)
    for index, (got, (first, second)) in enumerate(zip(results, expected, strict=True)):
        if first == "ignored":
            assert isinstance(got, Ignored), f"{name}[{index}]: {got!r}"
            assert got.platform is Platform.X
            assert second in got.reason
        elif first == "unmappable":
            assert isinstance(got, Unmappable), f"{name}[{index}]: {got!r}"
            assert second in str(got)
        else:
            assert isinstance(got, NormalisedEvent), f"{name}[{index}]: {got!r}"
            assert (got.object_kind, got.action) == (first, second)
            assert got.platform is Platform.X
            assert got.account_id == ACCOUNT
            assert got.raw == context().pointer(index)
            assert got.received_at == RECEIVED_AT


def test_every_event_type_in_the_brief_has_a_fixture() -> None:
    types = {
        d["data"]["event_type"] for d, _ in FIXTURES.values() if isinstance(d.get("data"), dict)
    }
    assert types >= {
        "post.create",
        "post.delete",
        "post.mention.create",
        "post.reply.create",
        "post.quote.create",
        "post.repost.create",
        "like.create",
        "follow.follow",
        "block.block",
        "oauth.revoke",
    }


def test_the_unmappable_type_is_the_one_every_platform_uses() -> None:
    assert Unmappable is platform_errors.Unmappable


def all_events() -> Iterator[tuple[str, NormalisedEvent]]:
    for name, (delivery, _) in sorted(FIXTURES.items()):
        for result in mapped(delivery):
            if isinstance(result, NormalisedEvent):
                yield name, result


# --- ids and authors -----------------------------------------------------------------------------


def test_every_id_on_every_event_is_a_string() -> None:
    events = list(all_events())
    assert len(events) >= 15
    for name, e in events:
        for value in (e.account_id, e.item_id, e.post_id, e.parent_id):
            assert value is None or isinstance(value, str), name
        for attachment in e.attachments:
            assert attachment.platform_id is None or isinstance(attachment.platform_id, str)


def test_a_visitors_raw_id_handle_and_name_never_appear_in_any_event() -> None:
    checked = 0
    for name, e in all_events():
        assert VISITOR not in e.model_dump_json(), name
        # A handle typed into the text is content; outside the text it must not appear.
        fields = e.model_dump_json(exclude={"text"})
        for raw in (VISITOR_HANDLE, "Kim Besökare", "Kim Bes\\u00f6kare"):
            assert raw not in fields, name
        if e.author is not None and not e.author.is_account:
            assert e.author.pseudonym == pseudonym(VISITOR)
            checked += 1
    assert checked >= 6


@pytest.mark.parametrize(
    ("name", "is_account"),
    [
        ("aaa own post", True),
        ("aaa own reply", True),
        ("aaa own retweet", True),
        ("aaa visitor reply", False),
        ("aaa visitor quote", False),
        ("aaa delete", True),
        ("xaa own post", True),
        ("xaa own repost", True),
        ("xaa delete", True),
        ("xaa mention", False),
        ("xaa reply", False),
        ("xaa quote", False),
    ],
)
def test_the_author_is_the_account_exactly_when_its_id_is_the_subscribed_user(
    name: str, is_account: bool
) -> None:
    e = event(FIXTURES[name][0])
    assert e.author is not None
    assert e.author.is_account is is_account
    assert e.is_visitor_content is not is_account


def test_a_delete_without_a_user_id_has_no_author() -> None:
    e = event(aaa(tweet_delete_events=[{"status": {"id": "1850000000000000010"}}]))
    assert e.author is None
    assert e.event_time is None


def test_numeric_json_ids_that_are_exact_integers_are_read_as_strings() -> None:
    delete = {"status": {"id": 1850000000000000010, "user_id": int(ACCOUNT)}, "timestamp_ms": MS}
    e = event(aaa(tweet_delete_events=[delete]))
    assert e.item_id == "1850000000000000010"
    assert e.author is not None
    assert e.author.is_account


@pytest.mark.parametrize(
    "delivery",
    [
        aaa(tweet_create_events=[v1_tweet("1850000000000000010", ACCOUNT, id_str=1.85e18)]),
        aaa(tweet_delete_events=[{"status": {"id": 1.85e18, "user_id": ACCOUNT}}]),
        aaa(tweet_create_events=[v1_tweet("1850000000000000010", ACCOUNT, id_str=True)]),
        xaa("post.create", v2_post("1850000000000000020", ACCOUNT, id=1.85e18)),
        xaa("post.create", v2_post("1850000000000000020", ACCOUNT, author_id=1.85e18)),
        xaa("post.delete", {"id": 1.85e18, "author_id": ACCOUNT}),
        xaa("post.create", v2_post("1850000000000000020", ACCOUNT), uuid=-1.85e18),  # type: ignore[arg-type]
    ],
)
def test_a_float_or_boolean_id_makes_its_item_unmappable(delivery: Json) -> None:
    result = only(delivery)
    assert isinstance(result, Unmappable)
    assert "id" in str(result)


def test_a_tweet_with_only_the_numeric_id_is_unmappable_not_guessed() -> None:
    tweet = v1_tweet("1850000000000000010", ACCOUNT)
    del tweet["id_str"]
    tweet["id"] = 1850000000000000010
    result = only(aaa(tweet_create_events=[tweet]))
    assert isinstance(result, Unmappable)
    assert "id_str" in str(result)


def test_one_bad_item_does_not_sink_the_others() -> None:
    delivery, _ = FIXTURES["aaa mixed, in body order"]
    kinds = [type(r).__name__ for r in mapped(delivery)]
    assert kinds == [
        "Ignored",
        "NormalisedEvent",
        "Unmappable",
        "NormalisedEvent",
        "NormalisedEvent",
    ]


def test_unmappable_messages_name_the_field_never_the_content() -> None:
    tweet = v1_tweet("1850000000000000010", VISITOR, "Mitt personnummer är 19121212-1212")
    tweet["truncated"] = True
    result = only(aaa(tweet_create_events=[tweet]))
    assert isinstance(result, Unmappable)
    assert "extended_tweet" in str(result)
    assert "1212" not in str(result)
    assert VISITOR not in str(result)


# --- kinds, text, attachments -------------------------------------------------------------------


def test_a_reply_carries_the_post_it_replies_to_as_parent() -> None:
    assert event(FIXTURES["aaa visitor reply"][0]).parent_id == "1850000000000000010"
    assert event(FIXTURES["aaa own reply"][0]).parent_id == "1850000000000000050"
    assert event(FIXTURES["xaa reply"][0]).parent_id == "1850000000000000020"
    assert event(FIXTURES["xaa own reply"][0]).parent_id == "1850000000000000030"
    assert event(FIXTURES["xaa own post"][0]).parent_id is None


def test_a_v2_reply_named_only_by_in_reply_to_tweet_id_still_has_its_parent() -> None:
    post = v2_post("1850000000000000027", ACCOUNT, in_reply_to_tweet_id="1850000000000000020")
    e = event(xaa("post.create", post))
    assert e.object_kind is REPLY
    assert e.parent_id == "1850000000000000020"


def test_a_visitor_reply_to_someone_else_in_a_thread_with_the_account_is_a_reply() -> None:
    tweet = v1_tweet(
        "1850000000000000028",
        VISITOR,
        in_reply_to_status_id_str="1850000000000000080",
        in_reply_to_user_id_str=STRANGER,
    )
    assert event(aaa(tweet_create_events=[tweet])).object_kind is REPLY


def test_a_mention_inside_a_reply_to_someone_else_is_a_mention() -> None:
    tweet = v1_tweet(
        "1850000000000000029",
        VISITOR,
        "@someone @org_official titta",
        in_reply_to_status_id_str="1850000000000000080",
        in_reply_to_user_id_str=STRANGER,
        entities={"user_mentions": [v1_mention(STRANGER), v1_mention(ACCOUNT)]},
    )
    assert event(aaa(tweet_create_events=[tweet])).object_kind is MENTION


def test_a_mention_only_listed_in_extended_tweet_entities_is_found() -> None:
    tweet = v1_tweet(
        "1850000000000000031",
        VISITOR,
        "Lång text …",
        truncated=True,
        extended_tweet={
            "full_text": "Lång text om allt möjligt @org_official",
            "entities": {"user_mentions": [v1_mention(ACCOUNT)]},
        },
    )
    e = event(aaa(tweet_create_events=[tweet]))
    assert e.object_kind is MENTION
    assert e.text == "Lång text om allt möjligt @org_official"


def test_a_truncated_tweet_is_read_from_extended_tweet_full_text() -> None:
    full = "x" * 300
    tweet = v1_tweet(
        "1850000000000000032",
        ACCOUNT,
        full[:140],
        truncated=True,
        extended_tweet={"full_text": full},
    )
    assert event(aaa(tweet_create_events=[tweet])).text == full


def test_a_tweet_that_is_not_truncated_uses_text_even_with_extended_tweet() -> None:
    tweet = v1_tweet("1850000000000000033", ACCOUNT, "kort", extended_tweet={"full_text": "annan"})
    assert event(aaa(tweet_create_events=[tweet])).text == "kort"


def test_the_own_retweet_carries_the_reposted_text_and_a_share() -> None:
    e = event(FIXTURES["aaa own retweet"][0])
    assert e.text == "Viktigt"
    assert e.item_id == "1850000000000000015"
    (share,) = e.attachments
    assert share.kind is AttachmentKind.SHARE
    assert share.platform_id == "1850000000000000060"


def test_the_own_v2_repost_takes_the_full_text_from_includes() -> None:
    e = event(FIXTURES["xaa own repost"][0])
    assert e.text == "Viktigt att alla vet detta"
    assert [a.kind for a in e.attachments] == [AttachmentKind.SHARE]
    assert e.attachments[0].platform_id == "1850000000000000061"


def test_the_own_v2_repost_falls_back_to_its_own_text_without_includes() -> None:
    delivery = copy.deepcopy(FIXTURES["xaa own repost"][0])
    delivery["data"]["includes"] = {}
    assert event(delivery).text == "RT @besokare_42: Viktigt att…"


def test_a_v2_repost_by_another_user_in_post_create_is_ignored_too() -> None:
    post = v2_post(
        "1850000000000000034",
        VISITOR,
        referenced_tweets=[{"type": "retweeted", "id": "1850000000000000020"}],
    )
    result = only(xaa("post.create", post))
    assert isinstance(result, Ignored)


def test_quotes_carry_a_share_of_the_quoted_post_and_their_own_text() -> None:
    for name in ("aaa visitor quote", "xaa quote"):
        e = event(FIXTURES[name][0])
        assert e.text == "Se här"
        shares = [a for a in e.attachments if a.kind is AttachmentKind.SHARE]
        assert [s.platform_id for s in shares] == [
            "1850000000000000010" if name.startswith("aaa") else "1850000000000000020"
        ]


def test_the_accounts_own_quote_is_an_official_post_with_a_share() -> None:
    tweet = v1_tweet(
        "1850000000000000035",
        ACCOUNT,
        "Bra poäng",
        is_quote_status=True,
        quoted_status=v1_tweet("1850000000000000060", VISITOR),
    )
    e = event(aaa(tweet_create_events=[tweet]))
    assert e.object_kind is POST
    assert e.author is not None
    assert e.author.is_account
    assert [(a.kind, a.platform_id) for a in e.attachments] == [
        (AttachmentKind.SHARE, "1850000000000000060")
    ]


def test_v1_media_come_from_extended_entities_with_string_ids() -> None:
    media = [
        {
            "id": 1.85e18,
            "id_str": "1850000000000000901",
            "type": "photo",
            "media_url_https": "https://pbs.twimg.com/media/a.jpg",
        },
        {
            "id_str": "1850000000000000902",
            "type": "video",
            "media_url_https": "https://pbs.twimg.com/media/b.jpg",
        },
        {"id_str": "1850000000000000903", "type": "animated_gif", "media_url": "http://x/c.jpg"},
        {"id_str": "1850000000000000904", "type": "hologram"},
    ]
    tweet = v1_tweet(
        "1850000000000000036",
        ACCOUNT,
        "Bilder https://t.co/abc",
        entities={"urls": [{"url": "https://t.co/l", "expanded_url": "https://example.org/a"}]},
        extended_entities={"media": media},
    )
    e = event(aaa(tweet_create_events=[tweet]))
    assert [(a.kind, a.platform_id, a.url) for a in e.attachments] == [
        (AttachmentKind.PHOTO, "1850000000000000901", "https://pbs.twimg.com/media/a.jpg"),
        (AttachmentKind.VIDEO, "1850000000000000902", "https://pbs.twimg.com/media/b.jpg"),
        (AttachmentKind.VIDEO, "1850000000000000903", "http://x/c.jpg"),
        (AttachmentKind.MEDIA, "1850000000000000904", None),
        (AttachmentKind.LINK, None, "https://example.org/a"),
    ]


def test_v1_media_of_a_truncated_tweet_come_from_extended_tweet() -> None:
    tweet = v1_tweet(
        "1850000000000000037",
        ACCOUNT,
        "kort",
        truncated=True,
        extended_tweet={
            "full_text": "lång " * 70,
            "extended_entities": {"media": [{"id_str": "1850000000000000905", "type": "photo"}]},
        },
    )
    (photo,) = event(aaa(tweet_create_events=[tweet])).attachments
    assert photo.kind is AttachmentKind.PHOTO


def test_v2_media_come_from_media_keys_and_includes_wrapped_or_not() -> None:
    post = v2_post(
        "1850000000000000038",
        ACCOUNT,
        "Bild https://t.co/m",
        attachments={"media_keys": ["3_1850000000000000906", "7_1850000000000000907", "3_missing"]},
        entities={
            "urls": [
                {"url": "https://t.co/m", "media_key": "3_1850000000000000906"},
                {"url": "https://t.co/l", "expanded_url": "https://example.org/b"},
            ]
        },
    )
    includes = {
        "media": [
            {
                "media_key": "3_1850000000000000906",
                "type": "photo",
                "url": "https://pbs.twimg.com/a.jpg",
            },
            {
                "data": {
                    "media_key": "7_1850000000000000907",
                    "type": "video",
                    "preview_image_url": "https://pbs.twimg.com/b.jpg",
                }
            },
        ]
    }
    e = event(xaa("post.create", post, includes=includes))
    assert [(a.kind, a.platform_id, a.url) for a in e.attachments] == [
        (AttachmentKind.PHOTO, "3_1850000000000000906", "https://pbs.twimg.com/a.jpg"),
        (AttachmentKind.VIDEO, "7_1850000000000000907", "https://pbs.twimg.com/b.jpg"),
        (AttachmentKind.MEDIA, "3_missing", None),
        (AttachmentKind.LINK, None, "https://example.org/b"),
    ]


def test_a_long_v2_post_is_read_from_note_tweet() -> None:
    full = "ord " * 100
    post = v2_post("1850000000000000039", ACCOUNT, full[:280], note_tweet={"text": full})
    assert event(xaa("post.create", post)).text == full


def test_event_times_come_from_timestamp_ms_or_created_at() -> None:
    moment = datetime(2026, 11, 21, 9, 30, 0, 123000, tzinfo=UTC)
    assert event(FIXTURES["aaa own post"][0]).event_time == moment
    assert event(FIXTURES["aaa delete"][0]).event_time == moment
    tweet = v1_tweet("1850000000000000040", ACCOUNT)
    del tweet["timestamp_ms"]
    assert event(aaa(tweet_create_events=[tweet])).event_time == moment.replace(microsecond=0)
    assert event(FIXTURES["xaa own post"][0]).event_time == moment.replace(microsecond=0)
    assert event(FIXTURES["xaa delete"][0]).event_time is None


def test_a_v1_created_at_keeps_its_offset() -> None:
    tweet = v1_tweet("1850000000000000042", ACCOUNT, created_at="Sat Nov 21 08:00:00 -0130 2026")
    del tweet["timestamp_ms"]
    moment = event(aaa(tweet_create_events=[tweet])).event_time
    assert moment == datetime(2026, 11, 21, 9, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    "delivery",
    [
        aaa(tweet_create_events=[v1_tweet("1850000000000000041", ACCOUNT, timestamp_ms="soon")]),
        aaa(tweet_create_events=[v1_tweet("1850000000000000041", ACCOUNT, timestamp_ms="9" * 15)]),
        aaa(
            tweet_create_events=[
                v1_tweet("1850000000000000041", ACCOUNT, timestamp_ms=None, created_at="igår")
            ]
        ),
        xaa("post.create", v2_post("1850000000000000041", ACCOUNT, created_at="21/11/2026")),
    ],
)
def test_a_malformed_time_makes_the_item_unmappable(delivery: Json) -> None:
    result = only(delivery)
    assert isinstance(result, Unmappable)
    assert "time" in str(result) or "created_at" in str(result)


# --- edits, deletes and idempotency --------------------------------------------------------------


@pytest.mark.parametrize("name", ["aaa edit", "xaa own edit"])
def test_an_edit_keeps_the_original_id_as_item_and_carries_the_new_id_as_post(name: str) -> None:
    e = event(FIXTURES[name][0])
    assert e.action is EDITED
    assert e.item_id == ORIGINAL
    assert e.post_id == EDIT
    assert e.text == "Hej (rättad)"
    assert e.item_ref == f"x#{ACCOUNT}#{ORIGINAL}"


def test_an_edit_updates_the_same_item_as_the_original_post_but_is_another_delivery() -> None:
    original = event(xaa("post.create", v2_post(ORIGINAL, ACCOUNT), uuid=ORIGINAL))
    edited = event(FIXTURES["xaa own edit"][0])
    assert original.action is CREATED
    assert original.item_ref == edited.item_ref
    assert original.idempotency_key != edited.idempotency_key


def test_a_single_element_edit_history_is_not_an_edit() -> None:
    tweet = v1_tweet(
        ORIGINAL, ACCOUNT, edit_history={"initial_tweet_id": ORIGINAL, "edit_tweet_ids": [ORIGINAL]}
    )
    e = event(aaa(tweet_create_events=[tweet]))
    assert (e.action, e.item_id, e.post_id) == (CREATED, ORIGINAL, ORIGINAL)


def test_a_v1_edit_history_without_initial_id_uses_the_first_edit_id() -> None:
    tweet = v1_tweet(EDIT, ACCOUNT, edit_history={"edit_tweet_ids": [ORIGINAL, EDIT]})
    assert event(aaa(tweet_create_events=[tweet])).item_id == ORIGINAL


@pytest.mark.parametrize(
    ("name", "deleted"),
    [("aaa delete", "1850000000000000010"), ("xaa delete", "1850000000000000020")],
)
def test_a_deletion_carries_the_deleted_id_and_no_text(name: str, deleted: str) -> None:
    e = event(FIXTURES[name][0])
    assert e.action is DELETED
    assert e.item_id == e.post_id == deleted
    assert e.text is None
    assert e.attachments == ()


def test_aaa_keys_are_id_type_and_for_user_id() -> None:
    created = event(FIXTURES["aaa own post"][0])
    deleted = event(FIXTURES["aaa delete"][0])
    assert created.idempotency_key == f"x:aaa:tweet_create_events:1850000000000000010:{ACCOUNT}"
    assert deleted.idempotency_key == f"x:aaa:tweet_delete_events:1850000000000000010:{ACCOUNT}"


def test_xaa_keys_are_the_event_uuid_scoped_by_account_and_event_type() -> None:
    deleted = event(FIXTURES["xaa delete"][0])
    assert deleted.idempotency_key == f"x:xaa:{ACCOUNT}:post.delete:-1850000000000000020"


def test_a_post_and_a_delete_sharing_an_event_uuid_keep_different_keys() -> None:
    uuid = "1850000000000000020"
    created = event(xaa("post.create", v2_post(uuid, ACCOUNT), uuid=uuid))
    deleted = event(xaa("post.delete", {"id": uuid, "author_id": ACCOUNT}, uuid=uuid))
    assert created.idempotency_key != deleted.idempotency_key


def test_the_same_xaa_mention_for_two_accounts_keeps_two_keys() -> None:
    other = "1850000000000000002"
    delivery = FIXTURES["xaa mention"][0]
    theirs = copy.deepcopy(delivery)
    theirs["data"]["filter"]["user_id"] = other
    mine = event(delivery)
    their_event = event(theirs, context(account=other))
    assert mine.item_id == their_event.item_id
    assert mine.idempotency_key != their_event.idempotency_key


def test_every_key_in_the_fixture_table_is_unique_per_item() -> None:
    seen: dict[str, tuple[object, ...]] = {}
    for name, e in all_events():
        identity = (e.account_id, e.action, e.post_id)
        assert seen.setdefault(e.idempotency_key, identity) == identity, name


# --- routing and whole-body errors ---------------------------------------------------------------


@pytest.mark.parametrize("name", ["aaa own post", "aaa delete", "xaa own post", "xaa delete"])
def test_content_for_another_account_is_unmappable(name: str) -> None:
    result = only(FIXTURES[name][0], context(account=STRANGER))
    assert isinstance(result, Unmappable)
    assert "another account" in str(result)


def test_ignorable_items_for_another_account_are_still_just_ignored() -> None:
    result = only(FIXTURES["aaa favourite"][0], context(account=STRANGER))
    assert isinstance(result, Ignored)


@pytest.mark.parametrize(
    "body",
    [
        None,
        [],
        "tweet",
        42,
        {},
        {"data": []},
        {"data": {"payload": {}}},
        {"data": {"event_type": 7}},
        [FIXTURES["xaa own post"][0]],
        {"for_user_id": None},
        {"for_user_id": 6.02907365e8},
        {"for_user_id": "org_official"},
        {"for_user_id": ""},
    ],
)
def test_a_body_that_is_not_an_x_delivery_raises_value_error(body: object) -> None:
    with pytest.raises(ValueError, match=r"X|for_user_id"):
        normalise_delivery(body, context())


def test_a_context_for_another_platform_is_refused() -> None:
    with pytest.raises(ValueError, match="not for X"):
        normalise_delivery(FIXTURES["aaa own post"][0], context(platform=Platform.FACEBOOK))


@pytest.mark.parametrize(
    "delivery",
    [
        aaa(tweet_create_events={"id_str": "1850000000000000010"}),
        aaa(tweet_create_events=["not a tweet"]),
        aaa(tweet_create_events=[{**v1_tweet("1850000000000000010", ACCOUNT), "user": None}]),
        aaa(tweet_delete_events=[{"status": "gone"}]),
        xaa("post.create", v2_post("1850000000000000020", ACCOUNT, referenced_tweets="x")),
        xaa(
            "post.create",
            v2_post("1850000000000000020", ACCOUNT, edit_history_tweet_ids=["a", "b"]),
        ),
        xaa("post.create", {**v2_post("1850000000000000020", ACCOUNT), "text": ["Hej"]}),
        xaa(
            "post.create", v2_post("1850000000000000020", ACCOUNT, attachments={"media_keys": [1]})
        ),
        xaa("post.create", v2_post("1850000000000000020", ACCOUNT), includes=[]),  # type: ignore[arg-type]
        xaa("post.create", "Hej"),  # type: ignore[arg-type]
        {"data": {"event_type": "post.create", "event_uuid": "1", "payload": {}}},
    ],
)
def test_an_odd_shape_inside_a_recognisable_delivery_is_unmappable(delivery: Json) -> None:
    assert isinstance(only(delivery), Unmappable)


# --- property tests ------------------------------------------------------------------------------

SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text(max_size=30)
    | st.sampled_from([ACCOUNT, VISITOR, "", "-1", MS, "Sat Nov 21 09:30:00 +0000 2026"])
)
KEYS = st.sampled_from(
    [
        "for_user_id",
        "data",
        "event_type",
        "event_uuid",
        "filter",
        "user_id",
        "payload",
        "includes",
        "id",
        "id_str",
        "author_id",
        "user",
        "text",
        "truncated",
        "extended_tweet",
        "full_text",
        "tweet_create_events",
        "tweet_delete_events",
        "favorite_events",
        "status",
        "retweeted_status",
        "quoted_status",
        "edit_history",
        "edit_history_tweet_ids",
        "referenced_tweets",
        "extended_entities",
        "media",
        "entities",
        "timestamp_ms",
        "created_at",
    ]
) | st.text(max_size=12)
JSON_VALUES = st.recursive(
    SCALARS,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(KEYS, children, max_size=5),
    max_leaves=40,
)
EVENT_TYPES = st.sampled_from(
    [
        "post.create",
        "post.delete",
        "post.mention.create",
        "post.reply.create",
        "post.quote.create",
        "post.repost.create",
        "like.create",
        "post.other",
    ]
) | st.text(max_size=20)


def check_results(results: list[Result]) -> None:
    assert isinstance(results, list)
    for result in results:
        assert isinstance(result, NormalisedEvent | Ignored | Unmappable)
        if isinstance(result, NormalisedEvent):
            assert result.platform is Platform.X
            assert result.account_id == ACCOUNT
            json.loads(result.model_dump_json())


def survives(body: object) -> None:
    try:
        results = normalise_delivery(body, context())
    except ValidationError:  # also a ValueError, but a model error belongs to one item
        pytest.fail("a ValidationError escaped the mapper")
    except ValueError:  # the whole body is refused: allowed
        return
    check_results(results)


@given(body=JSON_VALUES)
def test_arbitrary_json_never_raises_anything_but_value_error(body: object) -> None:
    survives(body)


@given(
    events=st.dictionaries(
        st.sampled_from(
            ["tweet_create_events", "tweet_delete_events", "favorite_events", "user_event"]
        )
        | st.text(max_size=20),
        st.lists(JSON_VALUES, max_size=4) | JSON_VALUES,
        max_size=4,
    )
)
def test_any_aaa_shaped_body_maps_every_item_without_raising(events: dict[str, object]) -> None:
    events.pop("for_user_id", None)
    results = normalise_delivery({"for_user_id": ACCOUNT, **events}, context())
    check_results(results)
    lists = sum(len(v) for k, v in events.items() if k.endswith("_events") and isinstance(v, list))
    others = sum(
        1
        for k, v in events.items()
        if (k.endswith("_events") and not isinstance(v, list))
        or k in ("user_event", "replay_job_status")
    )
    assert len(results) == lists + others


@given(event_type=EVENT_TYPES, envelope=st.dictionaries(KEYS, JSON_VALUES, max_size=6))
def test_any_xaa_shaped_body_gives_exactly_one_result(
    event_type: str, envelope: dict[str, object]
) -> None:
    envelope["event_type"] = event_type
    results = normalise_delivery({"data": envelope}, context())
    check_results(results)
    assert len(results) == 1


def paths(value: object, prefix: tuple[object, ...] = ()) -> Iterator[tuple[object, ...]]:
    yield prefix
    if isinstance(value, dict):
        for key, child in value.items():
            yield from paths(child, (*prefix, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from paths(child, (*prefix, index))


def replaced(document: Json, path: tuple[object, ...], value: object) -> object:
    if not path:
        return value
    copied = copy.deepcopy(document)
    parent: Any = copied
    for step in path[:-1]:
        parent = parent[step]
    parent[path[-1]] = value
    return copied


@given(name=st.sampled_from(sorted(FIXTURES)), data=st.data())
def test_replacing_any_part_of_a_valid_delivery_with_any_json_never_raises_but_value_error(
    name: str, data: st.DataObject
) -> None:
    document = FIXTURES[name][0]
    path = data.draw(st.sampled_from(list(paths(document))), label="path")
    value = data.draw(JSON_VALUES, label="value")
    survives(replaced(document, path, value))


@given(name=st.sampled_from(sorted(FIXTURES)), data=st.data())
def test_deleting_any_part_of_a_valid_delivery_never_raises_but_value_error(
    name: str, data: st.DataObject
) -> None:
    document = copy.deepcopy(FIXTURES[name][0])
    path = data.draw(st.sampled_from([p for p in paths(document) if p]), label="path")
    parent: Any = document
    for step in path[:-1]:
        parent = parent[step]
    del parent[path[-1]]
    survives(document)
