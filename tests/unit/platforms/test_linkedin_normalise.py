"""LinkedIn social-action notifications (platforms.md §4.4) mapped to the event model.

No captures are shipped (licence), so the fixtures below are built from the documented shapes:
the envelope, the element fields, the owner as author, LIKE without an actor, negative
notification ids, and the two spellings of one comment URN in one payload. Comments are keyed by
the comment version (as the comments poll keys them), shares by their notificationId.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from uppsikt.model.events import (
    Action,
    AttachmentKind,
    Ignored,
    NormalisedEvent,
    ObjectKind,
    Platform,
)
from uppsikt.platforms.delivery import DeliveryContext
from uppsikt.platforms.errors import Unmappable
from uppsikt.platforms.linkedin.normalise import ENVELOPE_TYPE, normalise_delivery
from uppsikt.privacy.pseudonym import Pseudonymiser

PSEUDONYMISER = Pseudonymiser(b"unit-test-pseudonym-key-0123456789")
RECEIVED_AT = datetime(2026, 11, 21, 9, 30, tzinfo=UTC)
BUCKET, KEY = "raw-bucket", "deliveries/linkedin/2026/11/21/abc.json"

ORG_ID = "2414183"
ORG = f"urn:li:organization:{ORG_ID}"
SUBSCRIBER = "urn:li:person:AdminSubscriber01"
COMMENTER = "urn:li:person:VisitorAbC123"
SHARER = "urn:li:person:SharerXyZ789"
ACTIVITY_ID = "7090000000000000001"
POST = f"urn:li:activity:{ACTIVITY_ID}"
POST_SHARE = "urn:li:share:7090000000000000000"
COMMENT_ID = "7090000000000000002"
# platforms.md §4.4: one payload spells the same comment two ways.
COMMENT_SHORT = f"urn:li:comment:(activity:{ACTIVITY_ID},{COMMENT_ID})"
COMMENT_LONG = f"urn:li:comment:(urn:li:activity:{ACTIVITY_ID},{COMMENT_ID})"
RESHARE = "urn:li:share:7090000000000000009"
MODIFIED_AT = 1690812345678  # 2023-07-31T14:05:45.678Z


def context(account_id: str = ORG_ID, *, received_at: datetime = RECEIVED_AT) -> DeliveryContext:
    return DeliveryContext(
        platform=Platform.LINKEDIN,
        account_id=account_id,
        raw_bucket=BUCKET,
        raw_key=KEY,
        received_at=received_at,
        pseudonymiser=PSEUDONYMISER,
    )


def pseudonym(urn: str) -> str:
    return PSEUDONYMISER.pseudonym(Platform.LINKEDIN, urn)


def source_post() -> dict[str, Any]:
    return {
        "entity": POST_SHARE,
        "owner": ORG,
        "text": "Vi söker nya medlemmar till styrelsen.",
        "mediaCategory": "NONE",
    }


def base(action: str, notification_id: int) -> dict[str, Any]:
    return {
        "notificationId": notification_id,
        "action": action,
        "organizationalEntity": ORG,
        "subscriber": SUBSCRIBER,
        "sourcePost": POST,
        "decoratedSourcePost": source_post(),
        "lastModifiedAt": MODIFIED_AT,
    }


def comment_element(
    action: str = "COMMENT",
    notification_id: int = 6_780_000_001,
    *,
    owner: str | None = COMMENTER,
    text: str | None = "Bra initiativ, äntligen!",
    **comment: Any,
) -> dict[str, Any]:
    element = base(action, notification_id)
    body: dict[str, Any] = {"entity": COMMENT_LONG, "object": POST}
    if owner is not None:
        body["owner"] = owner
    if text is not None:
        body["text"] = text
    body.update(comment)
    element["generatedActivity"] = COMMENT_SHORT
    element["decoratedGeneratedActivity"] = {"comment": body}
    return element


def share_element(
    action: str = "SHARE", notification_id: int = -1_487_254_829, **share: Any
) -> dict[str, Any]:
    element = base(action, notification_id)
    body: dict[str, Any] = {
        "entity": RESHARE,
        "owner": SHARER,
        "text": "Läs det här!",
        "mediaCategory": "NONE",
    }
    body.update(share)
    element["generatedActivity"] = "urn:li:activity:7090000000000000008"
    element["decoratedGeneratedActivity"] = {"share": body}
    return element


def like_element(notification_id: int = -2_000_000_017) -> dict[str, Any]:
    # platforms.md §4.4: "LIKE notifications carry no actor at all."
    return base("LIKE", notification_id)


def delivery(*elements: object) -> dict[str, Any]:
    # Round-trip through JSON bytes, as the receiver sees it.
    body = {"type": ENVELOPE_TYPE, "notifications": list(elements)}
    loaded: dict[str, Any] = json.loads(json.dumps(body).encode())
    return loaded


def results(*elements: object, ctx: DeliveryContext | None = None) -> list[Any]:
    return list(normalise_delivery(delivery(*elements), ctx or context()))


def event(element: dict[str, Any], ctx: DeliveryContext | None = None) -> NormalisedEvent:
    (only,) = results(element, ctx=ctx)
    assert isinstance(only, NormalisedEvent), only
    return only


def unmappable(element: object) -> Unmappable:
    (only,) = results(element)
    assert isinstance(only, Unmappable), only
    return only


ELEMENTS: dict[str, dict[str, Any]] = {
    "COMMENT": comment_element(),
    "ADMIN_COMMENT": comment_element("ADMIN_COMMENT", 6_780_000_002, owner=ORG, text="Tack!"),
    "COMMENT_EDIT": comment_element("COMMENT_EDIT", 6_780_000_003, text="Bra initiativ!"),
    "COMMENT_DELETE": comment_element("COMMENT_DELETE", -6_780_000_004, text=None),
    "SHARE": share_element(),
    "SHARE_MENTION": share_element("SHARE_MENTION", 5_550_000_001, text="Hej @Förbundet"),
    "LIKE": like_element(),
}
EXPECTED: dict[str, tuple[ObjectKind, Action] | str] = {
    "COMMENT": (ObjectKind.COMMENT, Action.CREATED),
    "ADMIN_COMMENT": (ObjectKind.COMMENT, Action.CREATED),
    "COMMENT_EDIT": (ObjectKind.COMMENT, Action.EDITED),
    "COMMENT_DELETE": (ObjectKind.COMMENT, Action.DELETED),
    "SHARE": (ObjectKind.POST, Action.CREATED),
    "SHARE_MENTION": (ObjectKind.MENTION, Action.CREATED),
    "LIKE": "no actor",
}

COMMENT_ACTIONS = ("COMMENT", "ADMIN_COMMENT", "COMMENT_EDIT", "COMMENT_DELETE")
MAPPED_ACTIONS = (*COMMENT_ACTIONS, "SHARE", "SHARE_MENTION")


# --- the table -----------------------------------------------------------------------------------


def test_every_documented_action_has_a_fixture_and_an_expectation() -> None:
    documented = {
        "LIKE",
        "COMMENT",
        "SHARE",
        "SHARE_MENTION",
        "ADMIN_COMMENT",
        "COMMENT_EDIT",
        "COMMENT_DELETE",
    }
    assert set(ELEMENTS) == set(EXPECTED) == documented


@pytest.mark.parametrize("action", sorted(ELEMENTS))
def test_each_action_maps_as_the_table_expects(action: str) -> None:
    (got,) = results(ELEMENTS[action])
    expected = EXPECTED[action]
    if isinstance(expected, str):
        assert isinstance(got, Ignored), got
        assert got.platform is Platform.LINKEDIN
        assert expected in got.reason
    else:
        assert isinstance(got, NormalisedEvent), got
        assert (got.object_kind, got.action) == expected


def test_all_actions_in_one_delivery_map_in_order_with_their_own_pointers() -> None:
    actions = sorted(ELEMENTS)
    got = results(*(ELEMENTS[a] for a in actions))
    assert len(got) == len(actions)
    for index, (action, result) in enumerate(zip(actions, got, strict=True)):
        if isinstance(result, NormalisedEvent):
            assert result.raw.entry_index == index, action
            assert result.raw.change_index == 0
            assert (result.raw.bucket, result.raw.key) == (BUCKET, KEY)
        else:
            assert action == "LIKE"


# --- the envelope --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [
        None,
        [],
        "ORGANIZATION_SOCIAL_ACTION_NOTIFICATIONS",
        {},
        {"notifications": []},
        {"type": "ORGANIZATION_SOCIAL_ACTION_NOTIFICATION", "notifications": []},
        {"type": ENVELOPE_TYPE.lower(), "notifications": []},
        {"type": ENVELOPE_TYPE},
        {"type": ENVELOPE_TYPE, "notifications": None},
        {"type": ENVELOPE_TYPE, "notifications": {"0": comment_element()}},
        {"type": ENVELOPE_TYPE, "notifications": comment_element()},
        {"object": "page", "entry": []},
    ],
)
def test_a_body_that_is_not_a_linkedin_delivery_raises_value_error(data: object) -> None:
    with pytest.raises(ValueError, match="LinkedIn delivery"):
        normalise_delivery(data, context())


def test_a_context_for_another_platform_raises_value_error() -> None:
    ctx = DeliveryContext(Platform.FACEBOOK, ORG_ID, BUCKET, KEY, RECEIVED_AT, PSEUDONYMISER)
    with pytest.raises(ValueError, match="LinkedIn"):
        normalise_delivery(delivery(comment_element()), ctx)


def test_an_empty_notifications_list_maps_to_nothing() -> None:
    assert results() == []


def test_extra_top_level_fields_are_tolerated() -> None:
    body = delivery(comment_element())
    body["somethingNew"] = {"x": 1}
    (got,) = normalise_delivery(body, context())
    assert isinstance(got, NormalisedEvent)


def test_ten_notifications_in_one_post_map_to_ten_results_in_order() -> None:
    elements = [share_element(notification_id=-(i + 1)) for i in range(10)]
    got = results(*elements)
    assert len(got) == 10
    for index, result in enumerate(got):
        assert isinstance(result, NormalisedEvent)
        assert result.raw.entry_index == index
        assert result.idempotency_key == f"linkedin:-{index + 1}"


def test_more_than_the_documented_ten_are_still_all_mapped() -> None:
    # "up to 10 per POST" is [secondary]; a larger batch is mapped rather than refused.
    got = results(*(comment_element(notification_id=i) for i in range(25)))
    assert len(got) == 25
    assert all(isinstance(r, NormalisedEvent) for r in got)


def test_a_bad_notification_does_not_sink_the_others_in_its_delivery() -> None:
    got = results(comment_element(), "not an object", like_element(), share_element())
    assert [type(r) for r in got] == [NormalisedEvent, Unmappable, Ignored, NormalisedEvent]
    assert got[3].raw.entry_index == 3


# --- ids and keys --------------------------------------------------------------------------------


@pytest.mark.parametrize("action", ["SHARE", "SHARE_MENTION"])
def test_a_share_is_keyed_on_its_notification_id_with_its_sign(action: str) -> None:
    assert event(share_element(action, notification_id=-1_487_254_829)).idempotency_key == (
        "linkedin:-1487254829"
    )
    assert event(share_element(action, notification_id=6_780_000_001)).idempotency_key == (
        "linkedin:6780000001"
    )


def test_a_comment_is_keyed_on_its_canonical_urn_and_version_not_the_notification() -> None:
    keys = {action: event(ELEMENTS[action]).idempotency_key for action in COMMENT_ACTIONS}
    assert keys == {
        "COMMENT": f"linkedin:comment:{COMMENT_LONG}:created",
        "ADMIN_COMMENT": f"linkedin:comment:{COMMENT_LONG}:created",
        "COMMENT_EDIT": f"linkedin:comment:{COMMENT_LONG}:edited:{MODIFIED_AT}",
        "COMMENT_DELETE": f"linkedin:comment:{COMMENT_LONG}:deleted",
    }


def test_two_subscribers_notifications_of_one_comment_creation_share_a_key() -> None:
    # Two admins subscribed for the organisation: one comment, two notificationIds.
    first = comment_element(notification_id=6_780_000_001)
    second = comment_element(notification_id=-9_120_000_077)
    second["subscriber"] = "urn:li:person:AdminSubscriber02"
    second["decoratedGeneratedActivity"]["comment"]["entity"] = COMMENT_SHORT
    one, other = results(first, second)
    assert isinstance(one, NormalisedEvent)
    assert isinstance(other, NormalisedEvent)
    assert (
        one.idempotency_key == other.idempotency_key == (f"linkedin:comment:{COMMENT_LONG}:created")
    )
    assert one.event_id == other.event_id
    assert one.item_id == other.item_id == COMMENT_LONG


def test_each_edit_of_a_comment_is_keyed_on_its_own_last_modified_at() -> None:
    edit = comment_element("COMMENT_EDIT", 11)
    later = comment_element("COMMENT_EDIT", 12)
    later["lastModifiedAt"] = MODIFIED_AT + 60_000
    same_edit_other_subscriber = comment_element("COMMENT_EDIT", 13)
    keys = [event(e).idempotency_key for e in (edit, later, same_edit_other_subscriber)]
    assert keys == [
        f"linkedin:comment:{COMMENT_LONG}:edited:{MODIFIED_AT}",
        f"linkedin:comment:{COMMENT_LONG}:edited:{MODIFIED_AT + 60_000}",
        f"linkedin:comment:{COMMENT_LONG}:edited:{MODIFIED_AT}",
    ]


def test_an_edit_without_last_modified_at_keeps_its_notifications_key() -> None:
    # No version to name; keyed per notification rather than merged with every other such edit.
    element = comment_element("COMMENT_EDIT", -77)
    del element["lastModifiedAt"]
    got = event(element)
    assert got.action is Action.EDITED
    assert got.idempotency_key == "linkedin:-77"


def test_a_negative_and_a_positive_id_are_different_notifications() -> None:
    one = event(share_element(notification_id=42))
    other = event(share_element(notification_id=-42))
    assert one.idempotency_key != other.idempotency_key
    assert one.event_id != other.event_id


def test_a_string_notification_id_keys_like_the_same_number() -> None:
    as_string = share_element()
    as_string["notificationId"] = "-6780000001"
    assert event(as_string).idempotency_key == "linkedin:-6780000001"
    padded = share_element()
    padded["notificationId"] = "-0006780000001"
    assert event(padded).idempotency_key == "linkedin:-6780000001"
    # A comment's key does not use the id, but the id is still read the same way.
    padded_comment = comment_element()
    padded_comment["notificationId"] = "-0006780000001"
    assert event(padded_comment).idempotency_key == f"linkedin:comment:{COMMENT_LONG}:created"


def test_a_64_bit_notification_id_keeps_every_digit() -> None:
    got = event(share_element(notification_id=-(2**63)))
    assert got.idempotency_key == "linkedin:-9223372036854775808"


def test_a_redelivery_maps_to_the_same_key_and_event_id() -> None:
    later = context(received_at=RECEIVED_AT + timedelta(hours=8))
    for action, element in ELEMENTS.items():
        first = results(element)[0]
        again = results(element, ctx=later)[0]
        if isinstance(first, NormalisedEvent):
            assert isinstance(again, NormalisedEvent), action
            assert (again.idempotency_key, again.event_id) == (
                first.idempotency_key,
                first.event_id,
            )
        else:
            assert again == first


@pytest.mark.parametrize("action", MAPPED_ACTIONS)
@pytest.mark.parametrize(
    "value",
    [None, "", "abc", "12a", 1.0, 6.78e9, True, False, [1], {"id": 1}, 10**40, "1" * 31],
)
def test_a_missing_or_non_integer_notification_id_is_unmappable(action: str, value: object) -> None:
    # Comment keys do not carry the id, yet every notification must still have a valid one.
    element = dict(ELEMENTS[action])
    element["notificationId"] = value
    assert "notificationId" in str(unmappable(element))


@pytest.mark.parametrize("action", MAPPED_ACTIONS)
def test_a_missing_notification_id_is_unmappable(action: str) -> None:
    element = dict(ELEMENTS[action])
    del element["notificationId"]
    assert "notificationId" in str(unmappable(element))


def test_every_id_on_every_event_is_a_string_and_the_account_is_the_contexts() -> None:
    for element in ELEMENTS.values():
        for got in results(element):
            if not isinstance(got, NormalisedEvent):
                continue
            assert got.platform is Platform.LINKEDIN
            assert got.account_id == ORG_ID
            assert got.received_at == RECEIVED_AT
            assert got.test_delivery is False
            for value in (got.item_id, got.post_id, got.parent_id):
                assert value is None or isinstance(value, str)
            for attachment in got.attachments:
                assert attachment.platform_id is None or isinstance(attachment.platform_id, str)


# --- the URN inconsistency -----------------------------------------------------------------------


def test_the_two_spellings_of_the_comment_in_one_payload_give_one_item_id() -> None:
    element = comment_element()
    assert element["generatedActivity"] == COMMENT_SHORT
    assert element["decoratedGeneratedActivity"]["comment"]["entity"] == COMMENT_LONG
    assert event(element).item_id == COMMENT_LONG

    only_generated = comment_element()
    del only_generated["decoratedGeneratedActivity"]["comment"]["entity"]
    assert event(only_generated).item_id == COMMENT_LONG


def test_create_edit_and_delete_of_one_comment_share_an_item_ref_whichever_spelling() -> None:
    created = comment_element()
    created["decoratedGeneratedActivity"]["comment"]["entity"] = COMMENT_SHORT
    edited = comment_element("COMMENT_EDIT", 2)
    deleted = comment_element("COMMENT_DELETE", 3, owner=None, text=None)
    del deleted["decoratedGeneratedActivity"]
    refs = {event(e).item_ref for e in (created, edited, deleted)}
    assert refs == {f"linkedin#{ORG_ID}#{COMMENT_LONG}"}


def test_the_post_id_is_the_normalised_source_post() -> None:
    element = comment_element()
    element["sourcePost"] = f"  URN:LI:activity:{ACTIVITY_ID} "
    assert event(element).post_id == POST


def test_a_comment_notification_that_names_no_comment_is_unmappable() -> None:
    element = comment_element()
    del element["generatedActivity"]
    del element["decoratedGeneratedActivity"]["comment"]["entity"]
    assert "names no comment" in str(unmappable(element))


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("sourcePost", "activity:7090000000000000001"),
        ("sourcePost", 7090000000000000001),
        ("generatedActivity", "urn:li:comment:(activity:1,2"),
        ("organizationalEntity", "2414183x"),
    ],
)
def test_a_malformed_urn_is_unmappable_and_named(field: str, value: object) -> None:
    element = comment_element()
    element[field] = value
    assert field in str(unmappable(element))


def test_a_member_urn_in_place_of_content_is_unmappable_so_it_never_becomes_an_id() -> None:
    element = comment_element()
    element["decoratedGeneratedActivity"]["comment"]["entity"] = COMMENTER
    assert "member" in str(unmappable(element))
    element = comment_element()
    element["sourcePost"] = SUBSCRIBER
    assert "member" in str(unmappable(element))


# --- comments, replies, authors ------------------------------------------------------------------


def test_a_visitor_comment_carries_its_text_post_parent_and_pseudonymous_author() -> None:
    got = event(comment_element())
    assert got.object_kind is ObjectKind.COMMENT
    assert got.text == "Bra initiativ, äntligen!"
    assert got.post_id == POST
    assert got.parent_id == POST
    assert got.author is not None
    assert got.author.pseudonym == pseudonym(COMMENTER)
    assert got.author.is_account is False
    assert got.is_visitor_content


def test_the_event_time_is_last_modified_at_in_milliseconds() -> None:
    got = event(comment_element())
    assert got.event_time == datetime(2023, 7, 31, 14, 5, 45, 678000, tzinfo=UTC)
    assert int(got.event_time.timestamp() * 1000) == MODIFIED_AT


def test_a_notification_without_last_modified_at_has_no_event_time() -> None:
    element = comment_element()
    del element["lastModifiedAt"]
    assert event(element).event_time is None


@pytest.mark.parametrize("value", ["1690812345678", 1690812345678.0, -1, 0, True, 10**20])
def test_a_last_modified_at_that_is_not_epoch_ms_is_unmappable(value: object) -> None:
    element = comment_element()
    element["lastModifiedAt"] = value
    assert "lastModifiedAt" in str(unmappable(element))


def test_the_subscriber_is_never_taken_for_the_author() -> None:
    with_owner = event(comment_element())
    assert with_owner.author is not None
    assert with_owner.author.pseudonym != pseudonym(SUBSCRIBER)
    without_owner = event(comment_element(owner=None))
    assert without_owner.author is None


def test_an_admin_comment_is_the_organisations_own() -> None:
    got = event(ELEMENTS["ADMIN_COMMENT"])
    assert got.author is not None
    assert got.author.is_account is True
    assert got.author.pseudonym == pseudonym(ORG)
    assert not got.is_visitor_content


def test_an_admin_comment_without_an_owner_is_still_the_organisations() -> None:
    got = event(comment_element("ADMIN_COMMENT", owner=None))
    assert got.author is not None
    assert got.author.is_account is True
    assert got.author.pseudonym == pseudonym(ORG)


def test_a_plain_comment_whose_owner_is_the_organisation_is_the_accounts() -> None:
    got = event(comment_element(owner=ORG))
    assert got.author is not None
    assert got.author.is_account is True


def test_a_comment_by_another_organisation_is_visitor_content() -> None:
    got = event(comment_element(owner="urn:li:organization:999"))
    assert got.author is not None
    assert got.author.is_account is False


def test_the_same_person_gets_the_same_pseudonym_across_notifications() -> None:
    one = event(comment_element())
    other = event(comment_element("COMMENT_EDIT", 99))
    assert one.author == other.author


def test_a_reply_is_a_comment_whose_parent_is_a_comment() -> None:
    parent_short = f"urn:li:comment:(activity:{ACTIVITY_ID},7090000000000000005)"
    element = comment_element(object=parent_short)
    got = event(element)
    assert got.object_kind is ObjectKind.REPLY
    assert got.parent_id == f"urn:li:comment:(urn:li:activity:{ACTIVITY_ID},7090000000000000005)"
    assert got.post_id == POST


def test_a_parent_comment_field_takes_precedence_over_object() -> None:
    parent = f"urn:li:comment:({POST},7090000000000000006)"
    got = event(comment_element(parentComment=parent))
    assert got.object_kind is ObjectKind.REPLY
    assert got.parent_id == parent


def test_a_comment_without_object_has_no_parent() -> None:
    element = comment_element()
    del element["decoratedGeneratedActivity"]["comment"]["object"]
    got = event(element)
    assert got.parent_id is None
    assert got.object_kind is ObjectKind.COMMENT


def test_a_deleted_comment_carries_no_text() -> None:
    got = event(ELEMENTS["COMMENT_DELETE"])
    assert got.action is Action.DELETED
    assert got.text is None
    assert got.idempotency_key == f"linkedin:comment:{COMMENT_LONG}:deleted"


@pytest.mark.parametrize("text", [{"text": "hej"}, ["hej"], 5])
def test_text_that_is_not_a_string_is_unmappable(text: object) -> None:
    element = comment_element()
    element["decoratedGeneratedActivity"]["comment"]["text"] = text
    assert "comment.text" in str(unmappable(element))
    element = share_element()
    element["decoratedGeneratedActivity"]["share"]["text"] = text
    assert "share.text" in str(unmappable(element))


@pytest.mark.parametrize("decorated", [[], "comment", 1])
def test_a_decorated_activity_that_is_not_an_object_is_unmappable(decorated: object) -> None:
    element = comment_element()
    element["decoratedGeneratedActivity"] = decorated
    assert "decoratedGeneratedActivity" in str(unmappable(element))


def test_a_comment_part_that_is_not_an_object_is_unmappable() -> None:
    element = comment_element()
    element["decoratedGeneratedActivity"]["comment"] = "Bra!"
    assert "comment" in str(unmappable(element))


def test_an_owner_that_is_not_a_urn_is_unmappable() -> None:
    assert "owner" in str(unmappable(comment_element(owner="VisitorAbC123")))


# --- the account ---------------------------------------------------------------------------------


def test_the_account_may_be_registered_as_a_urn() -> None:
    got = event(comment_element(), ctx=context(ORG))
    assert got.account_id == ORG


def test_an_organisation_brand_page_matches_its_bare_id() -> None:
    element = comment_element()
    element["organizationalEntity"] = f"urn:li:organizationBrand:{ORG_ID}"
    assert event(element).account_id == ORG_ID


def test_a_notification_for_another_organisation_is_unmappable_not_misattributed() -> None:
    element = comment_element()
    element["organizationalEntity"] = "urn:li:organization:999"
    assert "organizationalEntity" in str(unmappable(element))


def test_a_notification_without_an_organisation_belongs_to_the_contexts_account() -> None:
    element = comment_element("ADMIN_COMMENT", owner=None)
    del element["organizationalEntity"]
    got = event(element)
    assert got.author is not None
    assert got.author.pseudonym == pseudonym(ORG)


def test_an_event_the_model_refuses_is_unmappable_for_that_item_only() -> None:
    element = comment_element()
    del element["organizationalEntity"]
    (got,) = results(element, ctx=context(""))
    assert isinstance(got, Unmappable)
    assert "event model" in str(got)


# --- shares and mentions -------------------------------------------------------------------------


def test_a_share_of_the_organisations_post_is_the_sharers_post_pointing_at_it() -> None:
    got = event(ELEMENTS["SHARE"])
    assert got.object_kind is ObjectKind.POST
    assert got.item_id == RESHARE
    assert got.post_id == POST
    assert got.parent_id is None
    assert got.text == "Läs det här!"
    assert got.author is not None
    assert got.author.pseudonym == pseudonym(SHARER)
    assert got.is_visitor_content
    (attachment,) = got.attachments
    assert attachment.kind is AttachmentKind.SHARE
    assert attachment.platform_id == POST


@pytest.mark.parametrize(
    ("category", "kind"),
    [
        ("IMAGE", AttachmentKind.PHOTO),
        ("VIDEO", AttachmentKind.VIDEO),
        ("ARTICLE", AttachmentKind.LINK),
        ("CAROUSEL", AttachmentKind.MEDIA),
    ],
)
def test_a_shares_media_category_becomes_an_attachment(category: str, kind: AttachmentKind) -> None:
    got = event(share_element(mediaCategory=category))
    assert [a.kind for a in got.attachments] == [AttachmentKind.SHARE, kind]


def test_a_share_without_its_own_urn_falls_back_to_the_generated_activity() -> None:
    element = share_element()
    del element["decoratedGeneratedActivity"]["share"]["entity"]
    assert event(element).item_id == "urn:li:activity:7090000000000000008"


def test_a_share_that_names_no_share_is_unmappable() -> None:
    element = share_element()
    del element["decoratedGeneratedActivity"]
    del element["generatedActivity"]
    assert "names no share" in str(unmappable(element))


def test_a_mention_carries_the_mentioning_text_and_author() -> None:
    got = event(ELEMENTS["SHARE_MENTION"])
    assert got.object_kind is ObjectKind.MENTION
    assert got.text == "Hej @Förbundet"
    assert got.item_id == RESHARE
    assert got.attachments == ()
    assert got.author is not None
    assert got.author.pseudonym == pseudonym(SHARER)


def test_a_mention_with_nothing_but_its_source_post_is_keyed_on_that_post() -> None:
    element = share_element("SHARE_MENTION")
    del element["decoratedGeneratedActivity"]
    del element["generatedActivity"]
    got = event(element)
    assert got.item_id == got.post_id == POST
    assert got.author is None


def test_a_mention_made_in_a_comment_is_read_from_the_comment() -> None:
    element = comment_element("SHARE_MENTION", text="Tack @Förbundet")
    got = event(element)
    assert got.object_kind is ObjectKind.MENTION
    assert got.item_id == COMMENT_LONG
    assert got.text == "Tack @Förbundet"


# --- ignored -------------------------------------------------------------------------------------


def test_a_like_without_an_actor_is_ignored_with_its_reason() -> None:
    element = like_element()
    assert "decoratedGeneratedActivity" not in element
    (got,) = results(element)
    assert got == Ignored(
        platform=Platform.LINKEDIN, reason="likes carry no actor and no content to check"
    )


def test_a_like_by_the_subscriber_is_ignored_too() -> None:
    element = like_element(7)
    element["generatedActivity"] = f"urn:li:reaction:({SUBSCRIBER},{POST})"
    (got,) = results(element)
    assert isinstance(got, Ignored)


@pytest.mark.parametrize("action", ["REACTION", "like", "REPOST", "X" * 500])
def test_an_unknown_action_is_ignored_without_repeating_it(action: str) -> None:
    (got,) = results(comment_element(action))
    assert isinstance(got, Ignored)
    assert got.reason == "action is not monitored"  # reasons are logged: never the sender's text


@pytest.mark.parametrize("action", [None, "", 3, ["COMMENT"]])
def test_a_missing_action_is_unmappable(action: object) -> None:
    element = comment_element()
    element["action"] = action
    assert "action" in str(unmappable(element))


# --- privacy -------------------------------------------------------------------------------------


def test_no_person_urn_or_member_id_ever_appears_in_a_serialised_event() -> None:
    members = (COMMENTER, SUBSCRIBER, SHARER)
    checked = 0
    for element in ELEMENTS.values():
        for got in results(element):
            if not isinstance(got, NormalisedEvent):
                continue
            dumped = got.model_dump_json()
            assert "urn:li:person" not in dumped
            for urn in members:
                assert urn.rsplit(":", 1)[1] not in dumped
            checked += 1
    assert checked == 6


def test_an_unmappable_message_never_carries_content_or_member_ids() -> None:
    bad = comment_element(owner="not-a-urn " + COMMENTER, text=None)
    message = str(unmappable(bad))
    assert COMMENTER not in message
    assert "VisitorAbC123" not in message


# --- properties ----------------------------------------------------------------------------------

JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=True)
    | st.text(max_size=20)
    | st.sampled_from([ENVELOPE_TYPE, POST, COMMENT_SHORT, COMMENTER, ORG, "COMMENT", "LIKE"]),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=20,
)
RESULT_TYPES = (NormalisedEvent, Ignored, Unmappable)


@given(data=JSON)
def test_arbitrary_json_raises_nothing_but_value_error(data: object) -> None:
    try:
        got = normalise_delivery(data, context())
    except ValueError:
        return
    assert all(isinstance(r, RESULT_TYPES) for r in got)


@given(elements=st.lists(JSON, max_size=12))
def test_any_notifications_list_maps_one_result_per_element_without_raising(
    elements: list[object],
) -> None:
    got = normalise_delivery({"type": ENVELOPE_TYPE, "notifications": elements}, context())
    assert len(got) == len(elements)
    assert all(isinstance(r, RESULT_TYPES) for r in got)


_FIELD_VALUES = {
    "notificationId": st.integers() | st.text(max_size=12) | JSON,
    "action": st.sampled_from(sorted(ELEMENTS)) | st.text(max_size=12),
    "organizationalEntity": st.sampled_from([ORG, "urn:li:organization:1", "x"]) | JSON,
    "sourcePost": st.sampled_from([POST, POST_SHARE, COMMENT_SHORT, SUBSCRIBER]) | JSON,
    "generatedActivity": st.sampled_from([COMMENT_SHORT, COMMENT_LONG, RESHARE]) | JSON,
    "lastModifiedAt": st.integers() | JSON,
    "decoratedGeneratedActivity": st.fixed_dictionaries(
        {},
        optional={
            "comment": st.fixed_dictionaries(
                {},
                optional={
                    "entity": st.sampled_from([COMMENT_SHORT, COMMENT_LONG, "urn:li:x:(("]) | JSON,
                    "owner": st.sampled_from([COMMENTER, ORG, "urn:li:person:"]) | JSON,
                    "text": st.text() | JSON,
                    "object": st.sampled_from([POST, COMMENT_SHORT]) | JSON,
                    "parentComment": st.sampled_from([COMMENT_LONG]) | JSON,
                },
            )
            | JSON,
            "share": st.fixed_dictionaries(
                {},
                optional={
                    "entity": st.sampled_from([RESHARE, COMMENT_LONG]) | JSON,
                    "owner": st.sampled_from([SHARER, ORG]) | JSON,
                    "text": st.text() | JSON,
                    "mediaCategory": st.sampled_from(["NONE", "IMAGE", "VIDEO"]) | JSON,
                },
            )
            | JSON,
        },
    )
    | JSON,
}
NEAR_MISSES = st.fixed_dictionaries({}, optional=_FIELD_VALUES)


@settings(max_examples=300)
@given(elements=st.lists(NEAR_MISSES, min_size=1, max_size=10))
def test_near_miss_notifications_never_raise_and_events_never_carry_person_urns(
    elements: list[dict[str, Any]],
) -> None:
    got = normalise_delivery({"type": ENVELOPE_TYPE, "notifications": elements}, context())
    assert len(got) == len(elements)
    for result in got:
        assert isinstance(result, RESULT_TYPES)
        if isinstance(result, NormalisedEvent):
            assert "urn:li:person" not in result.model_dump_json()
            assert result.idempotency_key.startswith("linkedin:")
