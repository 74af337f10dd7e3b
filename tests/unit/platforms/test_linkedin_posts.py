"""LinkedIn's polled mappers: the organisation's posts (Posts API) and the comment listings of the
hidden-comments stream, including what a vanished comment becomes. Shapes as documented for
`/rest/posts` and `/rest/socialActions/{urn}/comments` (no captures are shipped); the demo's
recorded answers in `events/poll/linkedin` are mapped too.
"""

from __future__ import annotations

import contextlib
import json
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from support.paths import EVENTS
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
from uppsikt.platforms.linkedin.comments import (
    listing,
    normalise_comments,
    normalise_vanished,
)
from uppsikt.platforms.linkedin.normalise import normalise_delivery
from uppsikt.platforms.linkedin.posts import normalise_posts, plain_text
from uppsikt.privacy.pseudonym import Pseudonymiser

PSEUDONYMISER = Pseudonymiser(b"unit-test-pseudonym-key-0123456789")
RECEIVED_AT = datetime(2026, 11, 21, 9, 30, tzinfo=UTC)
ORG_ID = "5550001"
ORG = f"urn:li:organization:{ORG_ID}"
MEMBER = "urn:li:person:DemoMedlem0002"
ACTIVITY = "urn:li:activity:7300000000000000103"
SHARE = "urn:li:share:7300000000000000003"
DEMO = EVENTS / "poll" / "linkedin"
T0, T1, T2 = 1795161600000, 1795168920000, 1795245000000

Result = NormalisedEvent | Ignored | Unmappable


def context(account_id: str = ORG, platform: Platform = Platform.LINKEDIN) -> DeliveryContext:
    return DeliveryContext(
        platform=platform,
        account_id=account_id,
        raw_bucket="raw-bucket",
        raw_key="polls/linkedin/seko-linkedin/linkedin.posts/2026/11/21/abc.json",
        received_at=RECEIVED_AT,
        pseudonymiser=PSEUDONYMISER,
    )


CTX = context()


def post(**fields: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "id": SHARE,
        "author": ORG,
        "commentary": "Avtalsrörelsen är igång!",
        "createdAt": T0,
        "lastModifiedAt": T0,
        "publishedAt": T0,
        "lifecycleState": "PUBLISHED",
        "visibility": "PUBLIC",
    }
    return {**base, **fields}


def posts(*elements: object) -> dict[str, Any]:
    return {"elements": list(elements), "paging": {"start": 0, "count": 10}}


def only_event(results: list[Result]) -> NormalisedEvent:
    (result,) = results
    assert isinstance(result, NormalisedEvent), result
    return result


def comment(number: int = 1002, **fields: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "id": str(number),
        "commentUrn": f"urn:li:comment:({ACTIVITY},{number})",
        "actor": MEMBER,
        "message": {"text": "Mitt CPR er 070761-4285, ring mig."},
        "created": {"time": T1, "actor": MEMBER},
        "lastModified": {"time": T1, "actor": MEMBER},
        "object": ACTIVITY,
    }
    return {**base, **fields}


def urn(number: int = 1002) -> str:
    return f"urn:li:comment:({ACTIVITY},{number})"


def vanished(*entries: tuple[str, str]) -> bytes:
    record = {
        "stream": "linkedin.comments",
        "account": "seko-linkedin",
        "vanished": [{"id": i, "fingerprint": f} for i, f in entries],
    }
    return json.dumps(record).encode()


# --- posts -----------------------------------------------------------------------------------


def test_a_never_modified_post_is_created_by_the_organisation() -> None:
    event = only_event(normalise_posts(posts(post()), CTX, since=T0 - 1))
    assert (event.object_kind, event.action) == (ObjectKind.POST, Action.CREATED)
    assert (event.item_id, event.post_id) == (SHARE, SHARE)
    assert event.idempotency_key == f"linkedin:post:{SHARE}:{T0}"
    assert event.author is not None
    assert event.author.is_account
    assert event.author.pseudonym == PSEUDONYMISER.pseudonym(Platform.LINKEDIN, ORG)
    assert event.event_time == datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
    assert event.raw.entry_index == 0


def test_a_post_modified_after_the_last_sweep_that_we_saw_before_is_edited() -> None:
    event = only_event(normalise_posts(posts(post(lastModifiedAt=T2)), CTX, since=T1))
    assert event.action is Action.EDITED
    assert event.idempotency_key == f"linkedin:post:{SHARE}:{T2}"
    assert event.event_time == datetime(2026, 11, 21, 7, 10, tzinfo=UTC)


@pytest.mark.parametrize(
    ("since", "published"),
    [(None, T0), (T0 - 1, T0)],
    ids=["first-run", "published-after-the-last-sweep"],
)
def test_a_modified_post_we_cannot_have_seen_is_created(since: int | None, published: int) -> None:
    element = post(createdAt=T0 - 10_000, publishedAt=published, lastModifiedAt=T2)
    event = only_event(normalise_posts(posts(element), CTX, since=since))
    assert event.action is Action.CREATED
    assert event.idempotency_key == f"linkedin:post:{SHARE}:{T2}"  # one key per version


@pytest.mark.parametrize("state", ["DRAFT", "PUBLISH_REQUESTED", "PUBLISH_FAILED", None, 7])
def test_a_post_that_is_not_published_is_ignored_with_the_reason(state: object) -> None:
    (result,) = normalise_posts(posts(post(lifecycleState=state)), CTX, since=None)
    assert isinstance(result, Ignored)
    assert "not published" in result.reason


def test_an_unknown_lifecycle_state_is_not_repeated_in_the_reason() -> None:
    (result,) = normalise_posts(posts(post(lifecycleState="Karin Lindqvist")), CTX, since=None)
    assert isinstance(result, Ignored)
    assert result.reason == "post lifecycle unknown, not published"


def test_a_bare_account_number_still_recognises_the_organisation_as_author() -> None:
    event = only_event(normalise_posts(posts(post()), context(ORG_ID), since=None))
    assert event.author is not None
    assert event.author.is_account
    assert event.account_id == ORG_ID


def test_little_text_becomes_what_a_reader_sees_without_member_urns() -> None:
    little = (
        "Grattis @[Anna Berg](urn:li:person:AbC123) och @[Seko \\[Syd\\]](urn:li:organization:9)! "
        "{hashtag|\\#|avtal2026} \\(länk\\) 070761\\-4285 \\\\ \\_"
    )
    assert (
        plain_text(little)
        == "Grattis @Anna Berg och @Seko [Syd]! #avtal2026 (länk) 070761-4285 \\ _"
    )
    event = only_event(normalise_posts(posts(post(commentary=little)), CTX, since=None))
    assert event.text is not None
    assert "urn:li:" not in event.text


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (
            {"media": {"id": "urn:li:image:C4D1"}},
            [(AttachmentKind.PHOTO, None, "urn:li:image:C4D1")],
        ),
        (
            {"media": {"id": "urn:li:video:C5D1"}},
            [(AttachmentKind.VIDEO, None, "urn:li:video:C5D1")],
        ),
        (
            {"media": {"id": "urn:li:document:D1"}},
            [(AttachmentKind.MEDIA, None, "urn:li:document:D1")],
        ),
        (
            {"article": {"source": "https://seko.example/a", "title": "A"}},
            [(AttachmentKind.LINK, "https://seko.example/a", None)],
        ),
        (
            {"multiImage": {"images": [{"id": "urn:li:image:1"}, {"id": "urn:li:image:2"}]}},
            [
                (AttachmentKind.PHOTO, None, "urn:li:image:1"),
                (AttachmentKind.PHOTO, None, "urn:li:image:2"),
            ],
        ),
        ({"poll": {"question": "Strejk?", "options": []}}, [(AttachmentKind.MEDIA, None, None)]),
    ],
    ids=["image", "video", "document", "article", "multi-image", "poll"],
)
def test_post_content_becomes_attachments(
    content: dict[str, Any], expected: list[tuple[AttachmentKind, str | None, str | None]]
) -> None:
    event = only_event(normalise_posts(posts(post(content=content)), CTX, since=None))
    assert [(a.kind, a.url, a.platform_id) for a in event.attachments] == expected


def test_a_reshare_names_the_post_it_shares() -> None:
    element = post(reshareContext={"parent": "urn:li:share:1", "root": "urn:li:share:1"})
    event = only_event(normalise_posts(posts(element), CTX, since=None))
    assert [(a.kind, a.platform_id) for a in event.attachments] == [
        (AttachmentKind.SHARE, "urn:li:share:1")
    ]


@pytest.mark.parametrize(
    "bad",
    [
        post(id="urn:li:person:x"),
        post(id=None),
        post(lastModifiedAt=None),
        post(lastModifiedAt="1795161600000"),
        post(lastModifiedAt=10**20),
        post(commentary=["x"]),
        post(content="image"),
        post(content={"multiImage": {"images": "x"}}),
        post(author="not a urn"),
        "a string",
    ],
    ids=[
        "member-id",
        "no-id",
        "no-time",
        "text-time",
        "huge-time",
        "list-text",
        "text-content",
        "bad-images",
        "bad-author",
        "not-an-object",
    ],
)
def test_an_unreadable_post_is_unmappable_on_its_own(bad: object) -> None:
    first, second = normalise_posts(posts(bad, post()), CTX, since=None)
    assert isinstance(first, Unmappable)
    assert isinstance(second, NormalisedEvent)


@pytest.mark.parametrize(
    "body", [{"status": 401, "message": "x"}, [], {"elements": {}}, "x", b"\xff", b"{"]
)
def test_a_body_that_is_not_a_posts_collection_is_a_value_error(body: object) -> None:
    with pytest.raises(ValueError):  # noqa: PT011 - only the type is the contract
        normalise_posts(body, CTX, since=None)


def test_a_context_for_another_platform_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="linkedin"):
        normalise_posts(posts(post()), context(platform=Platform.X), since=None)


def test_the_demo_posts_map_as_their_readme_says() -> None:
    run_1 = normalise_posts((DEMO / "posts-run-1.json").read_bytes(), CTX, since=None)
    assert [type(r).__name__ for r in run_1] == ["NormalisedEvent", "NormalisedEvent", "Ignored"]
    mark = max(r.event_time for r in run_1 if isinstance(r, NormalisedEvent) and r.event_time)
    run_2 = normalise_posts(
        (DEMO / "posts-run-2.json").read_bytes(), CTX, since=int(mark.timestamp() * 1000)
    )
    assert [(r.item_id, r.action) for r in run_2 if isinstance(r, NormalisedEvent)][:2] == [
        ("urn:li:share:7300000000000000004", Action.CREATED),
        ("urn:li:ugcPost:7300000000000000002", Action.EDITED),
    ]


# --- comments --------------------------------------------------------------------------------


def test_a_comment_not_in_the_snapshot_is_created_with_its_creation_key() -> None:
    event = only_event(normalise_comments({"elements": [comment()]}, CTX, {}))
    assert (event.object_kind, event.action) == (ObjectKind.COMMENT, Action.CREATED)
    assert event.item_id == urn()
    assert (event.post_id, event.parent_id) == (ACTIVITY, ACTIVITY)
    assert event.idempotency_key == f"linkedin:comment:{urn()}:created"
    assert event.text == "Mitt CPR er 070761-4285, ring mig."
    assert event.author is not None
    assert not event.author.is_account
    assert event.author.pseudonym == PSEUDONYMISER.pseudonym(Platform.LINKEDIN, MEMBER)


def test_a_comment_unchanged_since_the_snapshot_is_ignored() -> None:
    (result,) = normalise_comments({"elements": [comment()]}, CTX, {urn(): f"{T1} {SHARE}"})
    assert isinstance(result, Ignored)
    assert result.reason == "comment unchanged since the last sweep"


def test_a_comment_modified_since_the_snapshot_is_edited() -> None:
    element = comment(lastModified={"time": T2}, message={"text": "Ändrad."})
    event = only_event(normalise_comments({"elements": [element]}, CTX, {urn(): f"{T1} {SHARE}"}))
    assert event.action is Action.EDITED
    assert event.idempotency_key == f"linkedin:comment:{urn()}:edited:{T2}"
    assert event.event_time == datetime(2026, 11, 21, 7, 10, tzinfo=UTC)


def test_a_comment_first_seen_already_edited_is_keyed_as_that_edit() -> None:
    # Had the webhook brought the creation but lost the edit, a `created` key would be a
    # duplicate and the edited text would never be checked.
    element = comment(lastModified={"time": T2}, message={"text": "Ändrad innan vi såg den."})
    event = only_event(normalise_comments({"elements": [element]}, CTX, {}))
    assert event.action is Action.EDITED
    assert event.idempotency_key == f"linkedin:comment:{urn()}:edited:{T2}"


def notification(action: str, entity: str, notification_id: int, modified: int) -> dict[str, Any]:
    """A webhook notification for a comment, shaped as in test_linkedin_normalise.py."""
    activity_id = ACTIVITY.rsplit(":", 1)[1]
    comment_id = entity.rsplit(",", 1)[1].rstrip(")")
    return {
        "notificationId": notification_id,
        "action": action,
        "organizationalEntity": ORG,
        "subscriber": "urn:li:person:AdminSubscriber01",
        "sourcePost": ACTIVITY,
        "generatedActivity": f"urn:li:comment:(activity:{activity_id},{comment_id})",
        "decoratedGeneratedActivity": {
            "comment": {
                "entity": entity,
                "owner": MEMBER,
                "text": "Mitt CPR er 070761-4285, ring mig.",
                "object": ACTIVITY,
            }
        },
        "lastModifiedAt": modified,
    }


def webhook_event(*notifications: dict[str, Any]) -> NormalisedEvent:
    body = {
        "type": "ORGANIZATION_SOCIAL_ACTION_NOTIFICATIONS",
        "notifications": list(notifications),
    }
    return only_event(normalise_delivery(json.loads(json.dumps(body)), CTX))


SHORT = f"urn:li:comment:(activity:{ACTIVITY.rsplit(':', 1)[1]},1002)"


@pytest.mark.parametrize("entity", [urn(), SHORT], ids=["long", "short"])
@pytest.mark.parametrize("by_urn", [True, False], ids=["commentUrn", "object-and-id"])
def test_a_comment_from_the_webhook_and_from_the_poll_has_one_key_and_item(
    entity: str, by_urn: bool
) -> None:
    element = comment()
    if not by_urn:
        del element["commentUrn"]
    hooked = webhook_event(notification("COMMENT", entity, -1_487_254_829, T1))
    polled = only_event(normalise_comments({"elements": [element]}, CTX, {}))
    assert hooked.item_id == polled.item_id == urn()
    assert hooked.idempotency_key == polled.idempotency_key == f"linkedin:comment:{urn()}:created"
    assert hooked.event_id == polled.event_id


@pytest.mark.parametrize("entity", [urn(), SHORT], ids=["long", "short"])
def test_an_edit_from_the_webhook_and_from_the_poll_has_one_key(entity: str) -> None:
    element = comment(lastModified={"time": T2})
    del element["commentUrn"]
    hooked = webhook_event(notification("COMMENT_EDIT", entity, 6_780_000_009, T2))
    polled = only_event(normalise_comments({"elements": [element]}, CTX, {urn(): f"{T1} {SHARE}"}))
    assert (hooked.action, polled.action) == (Action.EDITED, Action.EDITED)
    assert hooked.item_id == polled.item_id == urn()
    assert (
        hooked.idempotency_key
        == polled.idempotency_key
        == (f"linkedin:comment:{urn()}:edited:{T2}")
    )


def test_the_demo_webhook_comments_are_keyed_as_the_poll_keys_comments() -> None:
    webhook = normalise_delivery(
        json.loads((EVENTS / "linkedin" / "comments.json").read_bytes()), CTX
    )
    events = [r for r in webhook if isinstance(r, NormalisedEvent)]
    assert events
    assert [e.idempotency_key for e in events] == [
        f"linkedin:comment:{e.item_id}:created" for e in events
    ]


def test_a_reply_names_its_parent_comment() -> None:
    element = comment(1003, parentComment=urn())
    event = only_event(normalise_comments({"elements": [element]}, CTX, {}))
    assert (event.object_kind, event.parent_id, event.post_id) == (
        ObjectKind.REPLY,
        urn(),
        ACTIVITY,
    )


def test_a_comment_by_the_organisation_is_the_accounts_own() -> None:
    event = only_event(normalise_comments({"elements": [comment(actor=ORG)]}, CTX, {}))
    assert event.author is not None
    assert event.author.is_account


def test_a_comment_without_its_urn_is_named_by_its_object_and_id() -> None:
    element = comment()
    del element["commentUrn"]
    event = only_event(normalise_comments({"elements": [element]}, CTX, {}))
    assert event.item_id == urn()


def test_no_member_urn_reaches_a_comment_event() -> None:
    event = only_event(normalise_comments({"elements": [comment()]}, CTX, {}))
    assert "urn:li:person" not in event.model_dump_json()


@pytest.mark.parametrize(
    "bad",
    [
        comment(commentUrn="urn:li:share:1"),
        comment(commentUrn=None, object=None),
        comment(lastModified=None, created=None),
        comment(lastModified={"time": "soon"}),
        comment(lastModified=5),
        comment(message="text"),
        comment(message={"text": 5}),
        comment(object=MEMBER),
        comment(content="image"),
        7,
    ],
    ids=[
        "share-urn",
        "no-urn",
        "no-time",
        "text-time",
        "bare-time",
        "text-message",
        "number-text",
        "member-object",
        "text-content",
        "number",
    ],
)
def test_an_unreadable_comment_is_unmappable_on_its_own(bad: object) -> None:
    first, second = normalise_comments({"elements": [bad, comment(1003)]}, CTX, {})
    assert isinstance(first, Unmappable)
    assert isinstance(second, NormalisedEvent)


def test_a_listing_names_the_post_and_fingerprints_each_readable_comment() -> None:
    page = {"elements": [comment(), comment(1003, lastModified={"time": T2}), {"id": 3}]}
    assert listing(page, SHARE) == {
        f"post:{SHARE}": "listed",
        urn(): f"{T1} {SHARE}",
        urn(1003): f"{T2} {SHARE}",
    }


# --- vanished comments -----------------------------------------------------------------------


def test_a_comment_gone_from_a_post_still_listed_is_hidden() -> None:
    (event,) = normalise_vanished(vanished((urn(), f"{T1} {SHARE}")), CTX)
    assert isinstance(event, NormalisedEvent)
    assert (event.object_kind, event.action) == (ObjectKind.COMMENT, Action.HIDDEN)
    assert (event.item_id, event.post_id) == (urn(), ACTIVITY)
    assert event.idempotency_key == f"linkedin:comment:{urn()}:vanished"
    assert (event.author, event.text) == (None, None)


def test_comments_of_a_post_that_left_the_window_are_not_hidden() -> None:
    results = normalise_vanished(
        vanished((urn(), f"{T1} {SHARE}"), (f"post:{SHARE}", "listed")), CTX
    )
    assert [type(r) for r in results] == [Ignored, Ignored]
    assert [r.reason for r in results if isinstance(r, Ignored)] == [
        "its post left the polling window",
        "a post left the polling window",
    ]


def test_a_vanished_entry_that_is_not_a_comment_is_unmappable() -> None:
    (result,) = normalise_vanished(vanished(("urn:li:share:1", "")), CTX)
    assert isinstance(result, Unmappable)


@pytest.mark.parametrize(
    "body", [{}, {"vanished": {}}, {"vanished": [{"id": 5}]}, {"vanished": ["x"]}, "[]"]
)
def test_a_record_that_is_not_a_vanished_record_is_a_value_error(body: object) -> None:
    with pytest.raises(ValueError, match="vanished"):
        normalise_vanished(body, CTX)


# --- properties: any JSON in, results or ValueError out --------------------------------------

JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False)
    | st.text(max_size=20)
    | st.sampled_from([ORG, MEMBER, SHARE, ACTIVITY, urn(), "PUBLISHED", "urn:li:comment:("]),
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


POST_PAGES = JSON | st.fixed_dictionaries(
    {"elements": st.lists(mutated(post()) | JSON, max_size=4)}
)
COMMENT_PAGES = JSON | st.fixed_dictionaries(
    {"elements": st.lists(mutated(comment()) | JSON, max_size=4)}
)
RECORDS = JSON | st.fixed_dictionaries(
    {
        "vanished": st.lists(
            st.fixed_dictionaries({"id": JSON | st.just(urn()), "fingerprint": JSON}) | JSON,
            max_size=4,
        )
    }
)


def check(results: list[Result]) -> None:
    for result in results:
        assert isinstance(result, NormalisedEvent | Ignored | Unmappable)
        if isinstance(result, NormalisedEvent):
            assert "urn:li:person" not in result.model_dump_json()


@settings(suppress_health_check=[HealthCheck.too_slow], max_examples=200)
@given(POST_PAGES, st.none() | st.integers(min_value=0, max_value=2 * T2))
def test_posts_map_any_json_to_results_or_a_value_error(page: Any, since: int | None) -> None:
    with contextlib.suppress(ValueError):
        results = normalise_posts(page, CTX, since=since)
        assert len(results) == len(page["elements"])
        check(results)


@settings(suppress_health_check=[HealthCheck.too_slow], max_examples=200)
@given(COMMENT_PAGES, st.dictionaries(st.sampled_from([urn(), "x"]), st.text(max_size=20)))
def test_comments_map_any_json_to_results_or_a_value_error(
    page: Any, snapshot: dict[str, str]
) -> None:
    with contextlib.suppress(ValueError):
        results = normalise_comments(page, CTX, snapshot)
        assert len(results) == len(page["elements"])
        check(results)
    with contextlib.suppress(ValueError):
        listing(page, SHARE)


@settings(suppress_health_check=[HealthCheck.too_slow], max_examples=200)
@given(RECORDS)
def test_vanished_records_map_to_results_or_a_value_error(record: Any) -> None:
    with contextlib.suppress(ValueError):
        results = normalise_vanished(record, CTX)
        assert len(results) == len(record["vanished"])
        check(results)


@given(st.binary() | st.text())
def test_arbitrary_bytes_raise_only_value_error(raw: bytes | str) -> None:
    with contextlib.suppress(ValueError):
        check(normalise_posts(raw, CTX, since=None))
    with contextlib.suppress(ValueError):
        check(normalise_comments(raw, CTX, {}))
    with contextlib.suppress(ValueError):
        check(normalise_vanished(raw, CTX))
