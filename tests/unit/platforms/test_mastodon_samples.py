"""Mastodon (platforms.md §5): every saved sample maps to an event or an explicit `Ignored`, under
each way it can arrive (one expectation table, enforced by a meta-test); fixtures built from the
sample shapes cover replies to and mentions of the organisation, and the notifications API."""

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
from uppsikt.platforms.delivery import DeliveryContext
from uppsikt.platforms.errors import Unmappable
from uppsikt.platforms.mastodon.normalise import (
    Result,
    normalise_notifications,
    normalise_webhook,
)
from uppsikt.privacy.pseudonym import Pseudonymiser

SAMPLES = Path(__file__).resolve().parents[3].parent / "shared" / "platform-samples"
FOLDER = SAMPLES / "mastodon"

if not FOLDER.is_dir():
    pytest.skip(f"Mastodon samples not found under {FOLDER}", allow_module_level=True)

PSEUDONYMISER = Pseudonymiser(b"unit-test-pseudonym-key-0123456789")
RECEIVED_AT = datetime(2026, 11, 21, 9, 30, tzinfo=UTC)

REPORT = "admin-webhook-report.created.json"
STATUS = "entity-Status-example.json"

# The documented status is by Gargron (id "1"), so "the organisation" in fixtures is an account
# with a long id that cannot turn up by accident elsewhere in a serialised event.
ORG_ID = "109876543210987654"
ORG = {
    "id": ORG_ID,
    "username": "fackforbundet",
    "acct": "fackforbundet",
    "display_name": "Fackförbundet",
    "url": "https://social.example.se/@fackforbundet",
}
VISITOR_ID = "110222333444555666"
VISITOR = {
    "id": VISITOR_ID,
    "username": "visitor",
    "acct": "visitor@elsewhere.example",
    "display_name": "Vera Visitor",
    "url": "https://elsewhere.example/@visitor",
}
ORG_MENTION = {key: ORG[key] for key in ("id", "username", "acct", "url")}


def ctx(account_id: str, *, received_at: datetime = RECEIVED_AT) -> DeliveryContext:
    return DeliveryContext(
        platform=Platform.MASTODON,
        account_id=account_id,
        raw_bucket="raw-bucket",
        raw_key="deliveries/mastodon/2026/11/21/abc.json",
        received_at=received_at,
        pseudonymiser=PSEUDONYMISER,
    )


@cache
def sample_bytes(name: str) -> bytes:
    return (FOLDER / name).read_bytes()


def sample(name: str) -> Any:
    return json.loads(sample_bytes(name))


def webhook(event: str, status: dict[str, Any]) -> dict[str, Any]:
    return {"event": event, "created_at": "2026-11-21T09:29:59.000Z", "object": status}


def status_by(account: dict[str, Any], **changes: Any) -> dict[str, Any]:
    """The documented status, written by `account`, with `changes` applied."""
    status: dict[str, Any] = copy.deepcopy(sample(STATUS))
    status["account"] = copy.deepcopy(account)
    status.update(changes)
    return status


def reply_to_org() -> dict[str, Any]:
    return status_by(
        VISITOR,
        id="111000000000000001",
        in_reply_to_id="110999999999999999",
        in_reply_to_account_id=ORG_ID,
        mentions=[ORG_MENTION],
        content=(
            '<p><span class="h-card"><a href="https://social.example.se/@fackforbundet" '
            'class="u-url mention">@<span>fackforbundet</span></a></span> När öppnar ni?</p>'
        ),
        card=None,
    )


def mention_of_org() -> dict[str, Any]:
    return status_by(
        VISITOR,
        id="111000000000000002",
        mentions=[{**ORG_MENTION, "acct": "fackforbundet@social.example.se"}],
        content="<p>Har ni sett vad @fackforbundet skrev?</p>",
        card=None,
    )


def notification(kind: str, status: dict[str, Any] | None, nid: str) -> dict[str, Any]:
    item: dict[str, Any] = {
        "id": nid,
        "type": kind,
        "created_at": "2026-11-21T09:00:00.000Z",
        "group_key": f"ungrouped-{nid}",
        "account": copy.deepcopy(VISITOR),
    }
    if status is not None:
        item["status"] = status
    return item


# --- the expectation table: file → how it arrives → one expectation per item ----------------------

# (object_kind, action) for an event, ("ignored", <part of the reason>), or ("unmappable", "").
Expected = tuple[str, str]
Scenario = Callable[[], list[Result]]
POST, REPLY, MENTION = ObjectKind.POST.value, ObjectKind.REPLY.value, ObjectKind.MENTION.value
CREATED, EDITED = Action.CREATED.value, Action.EDITED.value


def _as_update_notification() -> list[Result]:
    # `update`: a status the organisation boosted was edited; it shows on the account.
    status = sample(STATUS)
    return normalise_notifications([notification("update", status, "900")], ctx(ORG_ID))


SCENARIOS: dict[str, dict[str, tuple[Scenario, list[Expected]]]] = {
    REPORT: {
        "as delivered (raw bytes)": (
            lambda: normalise_webhook(sample_bytes(REPORT), ctx(ORG_ID)),
            [("ignored", "moderation report, not content")],
        ),
        "as report.updated": (
            lambda: normalise_webhook({**sample(REPORT), "event": "report.updated"}, ctx(ORG_ID)),
            [("ignored", "moderation report, not content")],
        ),
        "its reported status, org is the reported account": (
            lambda: normalise_webhook(
                webhook("status.created", sample(REPORT)["object"]["statuses"][0]),
                ctx("123454321"),
            ),
            [(POST, CREATED)],
        ),
        "its reported status, org replied to, given by handle": (
            # The reply's mention resolves the handle to the in_reply_to_account_id.
            lambda: normalise_webhook(
                webhook("status.updated", sample(REPORT)["object"]["statuses"][0]),
                ctx("thirdperson@emailwebsite.com"),
            ),
            [(REPLY, EDITED)],
        ),
        "its reported status as no reply, org mentioned in it": (
            lambda: normalise_webhook(
                webhook(
                    "status.created",
                    sample(REPORT)["object"]["statuses"][0] | {"in_reply_to_account_id": None},
                ),
                ctx("thirdperson@emailwebsite.com"),
            ),
            [(MENTION, CREATED)],
        ),
        "its reported status, not about the org": (
            lambda: normalise_webhook(
                webhook("status.created", sample(REPORT)["object"]["statuses"][0]), ctx(ORG_ID)
            ),
            [("ignored", "not about the account")],
        ),
        "its reported status, org is the replied-to account": (
            lambda: normalise_webhook(
                webhook("status.created", sample(REPORT)["object"]["statuses"][0]),
                ctx("101010101010"),
            ),
            [(REPLY, CREATED)],
        ),
    },
    STATUS: {
        "status.created, org is the author by id": (
            lambda: normalise_webhook(webhook("status.created", sample(STATUS)), ctx("1")),
            [(POST, CREATED)],
        ),
        "status.created, org is the author by handle": (
            lambda: normalise_webhook(
                webhook("status.created", sample(STATUS)), ctx("@gargron@Mastodon.Social")
            ),
            [(POST, CREATED)],
        ),
        "status.updated, org is the author": (
            lambda: normalise_webhook(webhook("status.updated", sample(STATUS)), ctx("Gargron")),
            [(POST, EDITED)],
        ),
        "status.created, not about the org": (
            lambda: normalise_webhook(webhook("status.created", sample(STATUS)), ctx(ORG_ID)),
            [("ignored", "not about the account")],
        ),
        "update notification, org boosted it": (_as_update_notification, [(POST, EDITED)]),
    },
}


def sample_names() -> list[str]:
    return sorted(path.name for path in FOLDER.iterdir() if path.is_file())


def scenario_ids() -> list[tuple[str, str]]:
    return [(name, label) for name in sorted(SCENARIOS) for label in SCENARIOS[name]]


def test_the_expectation_table_has_exactly_one_entry_per_sample_file() -> None:
    on_disk = sample_names()
    assert on_disk, "no sample files found"
    assert sorted(SCENARIOS) == on_disk
    assert all(SCENARIOS[name] for name in on_disk)


def assert_matches(results: list[Result], expected: list[Expected], what: str) -> None:
    assert len(results) == len(expected), what
    for got, (first, second) in zip(results, expected, strict=True):
        if first == "ignored":
            assert isinstance(got, Ignored), f"{what}: {got!r}"
            assert second in got.reason
            assert got.platform is Platform.MASTODON
        elif first == "unmappable":
            assert isinstance(got, Unmappable), f"{what}: {got!r}"
        else:
            assert isinstance(got, NormalisedEvent), f"{what}: {got!r}"
            assert (got.object_kind.value, got.action.value) == (first, second), what
            assert got.platform is Platform.MASTODON
            assert got.received_at == RECEIVED_AT


@pytest.mark.parametrize(("name", "label"), scenario_ids())
def test_every_sample_maps_as_the_table_expects(name: str, label: str) -> None:
    run, expected = SCENARIOS[name][label]
    assert_matches(run(), expected, f"{name} / {label}")


def single(results: list[Result]) -> NormalisedEvent:
    (only,) = results
    assert isinstance(only, NormalisedEvent), only
    return only


# --- the documented status as the organisation's own post -----------------------------------------


def test_the_documented_status_maps_to_text_link_time_and_key() -> None:
    event = single(normalise_webhook(webhook("status.created", sample(STATUS)), ctx("1")))
    assert event.item_id == "103270115826048975"
    assert event.post_id == "103270115826048975"
    assert event.parent_id is None
    assert event.account_id == "1"
    assert event.text == (
        '"I lost my inheritance with one wrong digit on my sort code"\n\n'
        "https://www.theguardian.com/money/2019/dec/07/"
        "i-lost-my-193000-inheritance-with-one-wrong-digit-on-my-sort-code"
    )
    assert event.event_time == datetime(2019, 12, 8, 3, 48, 33, 901000, tzinfo=UTC)
    assert event.idempotency_key == ("mastodon:status:103270115826048975:2019-12-08T03:48:33.901Z")
    (link,) = event.attachments
    assert link.kind is AttachmentKind.LINK
    assert link.url is not None
    assert link.url.startswith("https://www.theguardian.com/money/2019/dec/07/")
    assert event.author is not None
    assert event.author.is_account
    assert event.author.pseudonym == PSEUDONYMISER.pseudonym(Platform.MASTODON, "1")
    assert event.raw.entry_index == 0


def test_an_edit_is_keyed_and_timed_by_edited_at() -> None:
    status = status_by(sample(STATUS)["account"], edited_at="2019-12-08T04:00:00.000Z")
    event = single(normalise_webhook(webhook("status.updated", status), ctx("1")))
    assert event.action is Action.EDITED
    assert event.event_time == datetime(2019, 12, 8, 4, 0, tzinfo=UTC)
    assert event.idempotency_key == ("mastodon:status:103270115826048975:2019-12-08T04:00:00.000Z")


def test_two_edits_of_one_status_have_different_keys_and_a_redelivery_the_same() -> None:
    def key(edited_at: str, received_at: datetime) -> str:
        status = status_by(sample(STATUS)["account"], edited_at=edited_at)
        results = normalise_webhook(
            webhook("status.updated", status), ctx("1", received_at=received_at)
        )
        return single(results).idempotency_key

    first = key("2019-12-08T04:00:00.000Z", RECEIVED_AT)
    assert first == key("2019-12-08T04:00:00.000Z", RECEIVED_AT + timedelta(hours=30))
    assert first != key("2019-12-08T04:05:00.000Z", RECEIVED_AT)


def test_the_spoiler_text_is_prepended_to_the_content() -> None:
    status = status_by(
        sample(STATUS)["account"], spoiler_text="  Politik  ", content="<p>Vi tycker &amp; gör</p>"
    )
    event = single(normalise_webhook(webhook("status.created", status), ctx("1")))
    assert event.text == "Politik\n\nVi tycker & gör"


def test_media_attachments_become_attachments_with_string_ids() -> None:
    media = [
        {
            "id": "22345792",
            "type": "image",
            "url": "https://files.example/a.png",
            "description": "x",
        },
        {"id": 22546306, "type": "gifv", "url": "https://files.example/b.mp4"},
        {"id": "3", "type": "video", "url": None, "remote_url": "https://remote.example/c.mp4"},
        {"id": "4", "type": "audio", "url": "https://files.example/d.mp3"},
        {"id": "5", "type": "unknown", "url": None},
    ]
    status = status_by(sample(STATUS)["account"], media_attachments=media, card=None)
    event = single(normalise_webhook(webhook("status.created", status), ctx("1")))
    assert [(a.kind, a.url, a.platform_id) for a in event.attachments] == [
        (AttachmentKind.PHOTO, "https://files.example/a.png", "22345792"),
        (AttachmentKind.VIDEO, "https://files.example/b.mp4", "22546306"),
        (AttachmentKind.VIDEO, "https://remote.example/c.mp4", "3"),
        (AttachmentKind.MEDIA, "https://files.example/d.mp3", "4"),
        (AttachmentKind.MEDIA, None, "5"),
    ]


# --- replies to and mentions of the organisation --------------------------------------------------


@pytest.mark.parametrize(
    "account_id", [ORG_ID, "fackforbundet", "@FackForbundet@social.example.se"]
)
def test_a_reply_to_the_organisation_is_a_reply_by_id_or_handle(account_id: str) -> None:
    event = single(normalise_webhook(webhook("status.created", reply_to_org()), ctx(account_id)))
    assert event.object_kind is ObjectKind.REPLY
    assert event.action is Action.CREATED
    assert event.item_id == "111000000000000001"
    assert event.parent_id == "110999999999999999"
    assert event.post_id is None  # the thread's root is not in a Mastodon status
    assert event.text == "@fackforbundet När öppnar ni?"
    assert event.author is not None
    assert not event.author.is_account
    assert event.is_visitor_content


@pytest.mark.parametrize("account_id", [ORG_ID, "fackforbundet@social.example.se"])
def test_a_mention_of_the_organisation_is_a_mention(account_id: str) -> None:
    event = single(normalise_webhook(webhook("status.created", mention_of_org()), ctx(account_id)))
    assert event.object_kind is ObjectKind.MENTION
    assert event.post_id == event.item_id == "111000000000000002"
    assert event.parent_id is None
    assert event.text == "Har ni sett vad @fackforbundet skrev?"


def test_a_reply_in_someone_elses_thread_that_mentions_the_org_is_a_mention() -> None:
    status = reply_to_org() | {"in_reply_to_account_id": "777"}
    event = single(normalise_webhook(webhook("status.created", status), ctx(ORG_ID)))
    assert event.object_kind is ObjectKind.MENTION
    assert event.parent_id == "110999999999999999"


def test_a_quote_of_the_organisations_status_is_a_mention() -> None:
    quoted = status_by(ORG, id="110999999999999999")
    status = status_by(
        VISITOR, id="111000000000000003", quote={"state": "accepted", "quoted_status": quoted}
    )
    event = single(normalise_webhook(webhook("status.created", status), ctx(ORG_ID)))
    assert event.object_kind is ObjectKind.MENTION


def test_a_status_naming_someone_else_with_the_same_digits_as_username_is_not_the_org() -> None:
    # An all-digit account_id is an id, never compared to a handle.
    other = {**VISITOR, "id": "5", "username": ORG_ID, "acct": ORG_ID}
    status = status_by(other)
    assert normalise_webhook(webhook("status.created", status), ctx(ORG_ID)) == [
        Ignored(platform=Platform.MASTODON, reason="status is not about the account")
    ]


def test_a_boost_by_the_organisation_is_its_post_with_the_boosted_content() -> None:
    boosted = status_by(VISITOR, id="111000000000000009", content="<p>Boosted words</p>")
    boost = status_by(ORG, id="111000000000000010", content="", reblog=boosted, card=None)
    event = single(normalise_webhook(webhook("status.created", boost), ctx(ORG_ID)))
    assert event.object_kind is ObjectKind.POST
    assert event.item_id == "111000000000000010"
    assert event.text == "Boosted words"
    assert event.attachments[0].kind is AttachmentKind.SHARE
    assert event.attachments[0].platform_id == "111000000000000009"
    assert event.author is not None
    assert event.author.is_account
    assert VISITOR_ID not in event.model_dump_json()


def test_a_boost_of_the_organisation_by_someone_else_is_ignored() -> None:
    boost = status_by(VISITOR, content="", reblog=status_by(ORG))
    (result,) = normalise_webhook(webhook("status.created", boost), ctx(ORG_ID))
    assert isinstance(result, Ignored)
    assert "boosts" in result.reason


@pytest.mark.parametrize(
    ("event", "reason"),
    [
        ("account.approved", "account events"),
        ("account.created", "account events"),
        ("account.updated", "account events"),
        ("report.updated", "moderation report"),
        ("domain_block.created", "event type is not monitored"),
    ],
)
def test_events_without_content_are_ignored_with_a_reason(event: str, reason: str) -> None:
    (result,) = normalise_webhook({"event": event, "created_at": "x", "object": {}}, ctx(ORG_ID))
    assert isinstance(result, Ignored)
    assert reason in result.reason
    assert event not in result.reason  # reasons are logged: never the sender's names


def test_an_unknown_status_event_is_unmappable_not_ignored() -> None:
    (result,) = normalise_webhook(webhook("status.deleted", reply_to_org()), ctx(ORG_ID))
    assert isinstance(result, Unmappable)


# --- privacy --------------------------------------------------------------------------------------


@pytest.mark.parametrize("make", [reply_to_org, mention_of_org])
def test_the_visitors_raw_id_handle_and_name_never_appear_in_the_event(
    make: Callable[[], dict[str, Any]],
) -> None:
    event = single(normalise_webhook(webhook("status.created", make()), ctx(ORG_ID)))
    dumped = event.model_dump_json()
    for raw in (VISITOR_ID, "visitor@elsewhere.example", "Vera Visitor", "elsewhere.example"):
        assert raw not in dumped
    assert event.author is not None
    assert event.author.pseudonym == PSEUDONYMISER.pseudonym(Platform.MASTODON, VISITOR_ID)


def test_ids_sent_as_numbers_become_strings() -> None:
    status = reply_to_org() | {"id": 111000000000000001, "in_reply_to_id": 110999999999999999}
    status["account"] = VISITOR | {"id": int(VISITOR_ID)}
    event = single(normalise_webhook(webhook("status.created", status), ctx(ORG_ID)))
    assert event.item_id == "111000000000000001"
    assert event.parent_id == "110999999999999999"
    assert event.author is not None
    assert event.author.pseudonym == PSEUDONYMISER.pseudonym(Platform.MASTODON, VISITOR_ID)


# --- one bad item never sinks the delivery; the whole input must be recognisable ------------------


@pytest.mark.parametrize(
    ("mutate", "part"),
    [
        (lambda s: s.pop("id"), "status does not fit: _Status validation failed: id:"),
        (lambda s: s.update(id=1.5), "status does not fit: _Status validation failed: id:"),
        (lambda s: s.update(account="someone"), "account"),
        (lambda s: s.update(content=["<p>x</p>"]), "content"),
        (lambda s: s.update(media_attachments={"0": {}}), "media_attachments"),
        (lambda s: s.update(created_at="yesterday"), "created_at"),
        (lambda s: s.update(content="<p>a</p><![bogus[ x ]]>"), "HTML"),
    ],
)
def test_a_malformed_status_is_returned_as_unmappable(
    mutate: Callable[[dict[str, Any]], object], part: str
) -> None:
    status = reply_to_org()
    mutate(status)
    (result,) = normalise_webhook(webhook("status.created", status), ctx(ORG_ID))
    assert isinstance(result, Unmappable)
    assert part in str(result)
    assert "öppnar" not in str(result)  # never content in the message


@pytest.mark.parametrize(
    "body",
    [
        None,
        [],
        "not json",
        b"\xff\xfe",
        b"[1, 2]",
        {"object": {}},
        {"event": 7, "object": {}},
        {"event": "status.created"},
        {"entry": []},
    ],
)
def test_input_that_is_no_webhook_body_raises_value_error(body: object) -> None:
    with pytest.raises(ValueError, match=r"webhook|JSON|UTF-8|Expecting|Extra data"):
        normalise_webhook(body, ctx(ORG_ID))


def test_a_context_for_another_platform_is_refused() -> None:
    wrong = DeliveryContext(Platform.BLUESKY, ORG_ID, "b", "k", RECEIVED_AT, PSEUDONYMISER)
    with pytest.raises(ValueError, match="bluesky"):
        normalise_webhook(webhook("status.created", reply_to_org()), wrong)
    with pytest.raises(ValueError, match="bluesky"):
        normalise_notifications([], wrong)


# --- the notifications API (platforms.md §5.2) ----------------------------------------------------


def notifications_page() -> list[Any]:
    return [
        notification("mention", reply_to_org(), "40001"),
        notification("mention", mention_of_org(), "40002"),
        notification("favourite", status_by(ORG), "40003"),
        notification("reblog", status_by(ORG), "40004"),
        notification("follow", None, "40005"),
        notification("update", mention_of_org() | {"edited_at": "2026-11-21T08:00:00Z"}, "40006"),
        notification("quote", mention_of_org(), "40007"),
        notification("status", status_by(VISITOR), "40008"),
        notification("poll", status_by(VISITOR), "40009"),
        notification("admin.report", None, "40010"),
        notification("annual_report", None, "40011"),
        notification("mention", None, "40012"),
        "not a notification",
        {"type": "mention", "status": reply_to_org()},
        notification("follow_request", None, "40013"),
    ]


NOTIFICATION_EXPECTED: list[Expected] = [
    (REPLY, CREATED),
    (MENTION, CREATED),
    ("ignored", "favourites"),
    ("ignored", "boosts"),
    ("ignored", "follows"),
    (MENTION, EDITED),
    (MENTION, CREATED),
    ("ignored", "not about the account"),
    ("ignored", "poll"),
    ("ignored", "moderation report"),
    ("ignored", "notification type is not monitored"),
    ("unmappable", ""),
    ("unmappable", ""),
    ("unmappable", ""),
    ("ignored", "follow requests"),
]


def test_a_notifications_page_maps_item_by_item_without_raising() -> None:
    results = normalise_notifications(notifications_page(), ctx(ORG_ID))
    assert_matches(results, NOTIFICATION_EXPECTED, "notifications page")


def test_notification_events_point_at_their_item_and_key_on_the_status_version() -> None:
    results = normalise_notifications(notifications_page(), ctx(ORG_ID))
    events = [(i, r) for i, r in enumerate(results) if isinstance(r, NormalisedEvent)]
    assert [i for i, _ in events] == [0, 1, 5, 6]
    for index, event in events:
        status = notifications_page()[index]["status"]
        assert event.raw.entry_index == index
        assert event.idempotency_key == (
            f"mastodon:status:{status['id']}:{status.get('edited_at') or status['created_at']}"
        )
    edited = results[5]
    assert isinstance(edited, NormalisedEvent)
    assert edited.event_time == datetime(2026, 11, 21, 8, 0, tzinfo=UTC)
    # The mention (1) and the quote (6) list one status: one item, evaluated once.
    keys = [event.idempotency_key for _, event in events]
    assert keys[1] == keys[3] != keys[2]


# --- one key for a status, whether it came by admin webhook or by notification --------------------


def test_a_status_created_webhook_and_its_mention_notification_share_one_key() -> None:
    hooked = single(normalise_webhook(webhook("status.created", reply_to_org()), ctx(ORG_ID)))
    polled = single(
        normalise_notifications([notification("mention", reply_to_org(), "40001")], ctx(ORG_ID))
    )
    assert hooked.idempotency_key == polled.idempotency_key
    assert hooked.idempotency_key == (
        f"mastodon:status:111000000000000001:{reply_to_org()['created_at']}"
    )
    assert hooked.event_id == polled.event_id
    assert (hooked.item_id, hooked.object_kind, hooked.action) == (
        polled.item_id,
        polled.object_kind,
        polled.action,
    )


def test_a_status_updated_webhook_and_its_update_notification_share_one_key() -> None:
    edited = reply_to_org() | {"edited_at": "2026-11-21T08:00:00.000Z"}
    hooked = single(normalise_webhook(webhook("status.updated", edited), ctx(ORG_ID)))
    polled = single(normalise_notifications([notification("update", edited, "40006")], ctx(ORG_ID)))
    assert hooked.idempotency_key == polled.idempotency_key
    assert hooked.idempotency_key == "mastodon:status:111000000000000001:2026-11-21T08:00:00.000Z"
    assert (hooked.action, polled.action) == (Action.EDITED, Action.EDITED)
    created = single(normalise_webhook(webhook("status.created", reply_to_org()), ctx(ORG_ID)))
    assert created.idempotency_key != hooked.idempotency_key  # each edit is its own event


def test_two_notifications_of_one_status_share_its_key() -> None:
    page = [
        notification("mention", mention_of_org(), "40002"),
        notification("quote", mention_of_org(), "40007"),
    ]
    one, other = normalise_notifications(page, ctx(ORG_ID))
    assert isinstance(one, NormalisedEvent)
    assert isinstance(other, NormalisedEvent)
    assert one.idempotency_key == other.idempotency_key


def test_a_status_without_times_is_keyed_by_the_notification_time_or_unmappable() -> None:
    status = reply_to_org() | {"created_at": None, "edited_at": None}
    item = notification("mention", status, "40001")
    keyed = single(normalise_notifications([item], ctx(ORG_ID)))
    assert keyed.idempotency_key == "mastodon:status:111000000000000001:2026-11-21T09:00:00.000Z"
    del item["created_at"]
    (result,) = normalise_notifications([item], ctx(ORG_ID))
    assert isinstance(result, Unmappable)
    assert "idempotency key" in str(result)


def test_a_reply_notification_is_a_reply_even_with_the_org_given_as_a_handle() -> None:
    results = normalise_notifications(
        [notification("mention", reply_to_org(), "1")], ctx("@fackforbundet@social.example.se")
    )
    assert single(results).object_kind is ObjectKind.REPLY


def test_an_edit_of_a_status_the_org_boosted_is_evaluated_as_shown_on_the_account() -> None:
    status = status_by(VISITOR, edited_at="2026-11-21T08:00:00Z", mentions=[])
    event = single(normalise_notifications([notification("update", status, "7")], ctx(ORG_ID)))
    assert event.object_kind is ObjectKind.POST
    assert event.action is Action.EDITED
    assert event.author is not None
    assert not event.author.is_account


def test_the_notifications_page_can_be_given_as_the_raw_response_body() -> None:
    body = json.dumps(notifications_page()).encode()
    assert comparable(normalise_notifications(body, ctx(ORG_ID))) == comparable(
        normalise_notifications(notifications_page(), ctx(ORG_ID))
    )


def comparable(results: list[Result]) -> list[object]:
    # Exceptions compare by identity; compare an Unmappable by its message.
    return [str(r) if isinstance(r, Unmappable) else r for r in results]


def test_an_empty_page_maps_to_nothing() -> None:
    assert normalise_notifications([], ctx(ORG_ID)) == []


@pytest.mark.parametrize("page", [None, {}, {"notifications": []}, "{}", 3, b"nope"])
def test_input_that_is_no_notifications_page_raises_value_error(page: object) -> None:
    with pytest.raises(ValueError, match=r"notifications page|Expecting"):
        normalise_notifications(page, ctx(ORG_ID))


def test_no_raw_visitor_id_in_any_notification_event() -> None:
    for result in normalise_notifications(notifications_page(), ctx(ORG_ID)):
        if isinstance(result, NormalisedEvent):
            assert VISITOR_ID not in result.model_dump_json()
            assert "visitor@elsewhere.example" not in result.model_dump_json()
