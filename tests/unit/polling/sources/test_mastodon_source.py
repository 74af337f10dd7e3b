"""`MastodonNotifications` over real HTTP against the loopback `FakeApi`: the required instance,
climbing by `min_id`, how ids compare, rate limits on good answers, and every way the API can
fail. Served from `events/poll/mastodon` and pages built around the saved Status entity."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from support.paths import EVENTS, SAMPLES
from uppsikt.local.fake_api import FakeApi, Reply
from uppsikt.model.events import NormalisedEvent, ObjectKind, Platform
from uppsikt.platforms.delivery import DeliveryContext
from uppsikt.polling.errors import Malformed, PollError, RateLimited, Rejected, Transient
from uppsikt.polling.http import UrllibHttp
from uppsikt.polling.ports import Cursor, Fetched, PollAccount
from uppsikt.polling.sources.catalogue import sources_for
from uppsikt.polling.sources.mastodon import MastodonNotifications
from uppsikt.privacy.pseudonym import Pseudonymiser

DEMO = EVENTS / "poll" / "mastodon"
STATUS_SAMPLE = SAMPLES / "mastodon" / "entity-Status-example.json"
PATH = "/api/v1/notifications"
ORG = "109000000000000001"
TOKEN = "demo-mastodon-token-that-must-not-leak"
RUN_1_TOP = "113541200000000104"
PSEUDONYMISER = Pseudonymiser(b"unit-test-pseudonym-key-0123456789")
NOW = datetime(2026, 11, 21, 9, 30, tzinfo=UTC)
HTTP = UrllibHttp()

needs_sample = pytest.mark.skipif(
    not STATUS_SAMPLE.is_file(), reason=f"Mastodon sample not found under {SAMPLES}"
)


def account(api: FakeApi, key: str = "facket-mastodon", **credentials: str) -> PollAccount:
    return PollAccount(
        account_key=key,
        platform=Platform.MASTODON,
        platform_account_id=ORG,
        api_base=api.base_url + "/",  # a trailing slash is as good as none
        credentials=credentials or {"access_token": TOKEN},
    )


def ctx() -> DeliveryContext:
    return DeliveryContext(
        platform=Platform.MASTODON,
        account_id=ORG,
        raw_bucket="raw-bucket",
        raw_key="polls/mastodon/facket-mastodon/mastodon.notifications/2026/11/21/abc.json",
        received_at=NOW,
        pseudonymiser=PSEUDONYMISER,
    )


def in_a_minute() -> str:
    return (datetime.now(UTC) + timedelta(seconds=60)).isoformat()


def demo_run(api: FakeApi, run: int) -> None:
    """Serve run `run` of `events/poll/mastodon/routes.json`, as the demo does (the placeholder
    reset time of the rate-limit run becomes a minute from now)."""
    manifest = json.loads((DEMO / "routes.json").read_text())
    api.reset()
    for route in manifest["runs"][run]["routes"]:
        replies = []
        for r in route["replies"]:
            headers = {
                name: in_a_minute() if value.startswith("<") else value
                for name, value in r.get("headers", {}).items()
            }
            replies.append(Reply.file(DEMO / r["file"], r["status"], **headers))
        api.route(route["method"], route["path"], *replies, match=route["match"])


def sweep(
    source: MastodonNotifications, acct: PollAccount, cursor: Cursor | None = None
) -> tuple[Cursor, list[Fetched]]:
    """Drive one sweep the way the runner moves a cursor (`page` mid-sweep, the latest position
    as `pending`, committed as `position` at the end)."""
    cursor = cursor or Cursor()
    pages: list[Fetched] = []
    while True:
        fetched = source.fetch(HTTP, acct, cursor)
        pages.append(fetched)
        pending = fetched.position if fetched.position is not None else cursor.pending
        if fetched.next_page is None:
            position = pending if pending is not None else cursor.position
            return replace(cursor, position=position, page=None, pending=None), pages
        cursor = replace(cursor, page=fetched.next_page, pending=pending)
        assert len(pages) < 20, "the sweep does not end"


def notification(notification_id: str, status: dict[str, Any] | None = None) -> dict[str, Any]:
    status = status or {
        "id": f"9{notification_id}",
        "created_at": "2026-11-21T08:00:00.000Z",
        "in_reply_to_id": None,
        "in_reply_to_account_id": None,
        "content": "<p>Hej @facketnorden!</p>",
        "account": {"id": "109000000000004711", "username": "jonas_b", "acct": "jonas_b"},
        "mentions": [{"id": ORG, "username": "facketnorden", "acct": "facketnorden"}],
        "media_attachments": [],
    }
    return {
        "id": notification_id,
        "type": "mention",
        "created_at": "2026-11-21T08:00:00.000Z",
        "account": status["account"],
        "status": status,
    }


def page_of(ids: list[str], **headers: str) -> Reply:
    """A page as Mastodon orders it: newest first."""
    return Reply.json([notification(i) for i in ids], 200, **headers)


FULL = [str(i) for i in range(1000, 960, -1)]  # 40 ids, "999" and below sort after "1000"


# --- settings and requests -----------------------------------------------------------------------


def test_an_account_without_its_instance_is_a_configuration_error(api: FakeApi) -> None:
    acct = replace(account(api), api_base=None)
    with pytest.raises(ValueError, match="needs api_base") as caught:
        MastodonNotifications().fetch(HTTP, acct, Cursor())
    assert isinstance(caught.value, PollError)  # the runner stops this stream alone
    assert "facket-mastodon" in str(caught.value)
    assert api.requests == []


def test_an_account_without_an_access_token_is_a_configuration_error(api: FakeApi) -> None:
    with pytest.raises(ValueError, match="access_token"):
        MastodonNotifications().fetch(HTTP, account(api, other="x"), Cursor())
    assert api.requests == []


def test_the_first_run_asks_for_the_newest_mentions_and_quotes_with_a_bearer_token(
    api: FakeApi,
) -> None:
    demo_run(api, 0)
    fetched = MastodonNotifications().fetch(HTTP, account(api), Cursor())

    (asked,) = api.requests
    assert asked.path == PATH
    assert asked.query == {"types[]": ["mention", "quote"], "limit": ["40"]}
    assert asked.headers["authorization"] == f"Bearer {TOKEN}"
    assert TOKEN not in asked.path + json.dumps(asked.query)
    assert fetched.next_page is None  # 4 < 40: nothing more
    assert fetched.position == RUN_1_TOP


def test_later_runs_climb_from_the_last_position_and_an_empty_page_keeps_it(
    api: FakeApi,
) -> None:
    source = MastodonNotifications()
    demo_run(api, 0)
    first, _ = sweep(source, account(api))
    demo_run(api, 1)
    second, second_pages = sweep(source, account(api), first)
    demo_run(api, 2)
    third, third_pages = sweep(source, account(api), second)

    assert second.position == "113541200000000105"
    assert [n["id"] for n in json.loads(second_pages[0].body)] == ["113541200000000105"]
    assert json.loads(third_pages[0].body) == []
    assert third.position == second.position
    assert [r.query.get("min_id") for r in api.requests] == [["113541200000000105"]]


def test_a_full_page_is_followed_from_its_largest_id_compared_as_a_number(api: FakeApi) -> None:
    api.route("GET", PATH, page_of([]), match={"min_id": "1000"})
    api.route("GET", PATH, page_of(FULL))
    done, pages = sweep(MastodonNotifications(), account(api))

    assert [p.next_page for p in pages] == ["1000", None]
    assert [r.query.get("min_id") for r in api.requests] == [None, ["1000"]]
    assert done.position == "1000"


def test_a_climb_resumed_by_a_later_run_asks_from_the_saved_page(api: FakeApi) -> None:
    api.route("GET", PATH, page_of(["1001"]), match={"min_id": "1000"})
    cursor = Cursor(position="900", page="1000", pending="1000")
    fetched = MastodonNotifications().fetch(HTTP, account(api), cursor)

    assert api.requests[0].query["min_id"] == ["1000"]
    assert (fetched.next_page, fetched.position) == (None, "1001")


def test_ids_that_are_not_numbers_compare_as_strings(api: FakeApi) -> None:
    ulids = ["01JD7Z0000000000000000000B", "01JD7Z0000000000000000000A"]
    api.route("GET", PATH, page_of(ulids))
    fetched = MastodonNotifications().fetch(HTTP, account(api), Cursor(position="01JD7Y"))
    assert fetched.position == ulids[0]


def test_a_page_position_never_falls_below_the_sweeps_mark(api: FakeApi) -> None:
    api.route("GET", PATH, page_of(["950"]))
    cursor = Cursor(position="900", page="940", pending="1000")
    assert MastodonNotifications().fetch(HTTP, account(api), cursor).position == "1000"


def test_a_server_that_ignores_min_id_does_not_keep_the_sweep_going(api: FakeApi) -> None:
    api.route("GET", PATH, page_of(FULL))
    _, pages = sweep(MastodonNotifications(), account(api))
    assert [p.next_page for p in pages] == ["1000", None]


# --- rate limits ---------------------------------------------------------------------------------


def test_a_good_page_that_uses_up_the_rate_limit_is_kept_and_the_next_fetch_waits(
    api: FakeApi,
) -> None:
    remaining = {"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": in_a_minute()}
    api.route("GET", PATH, page_of(FULL, **remaining))
    source = MastodonNotifications()
    fetched = source.fetch(HTTP, account(api), Cursor())

    assert fetched.next_page is None  # full, but the sweep ends here: min_id resumes from it
    assert fetched.position == "1000"
    assert len(json.loads(fetched.body)) == 40
    with pytest.raises(RateLimited) as caught:
        source.fetch(HTTP, account(api), Cursor(position="1000"))
    assert timedelta(seconds=50) < caught.value.retry_after <= timedelta(seconds=60)
    assert len(api.requests) == 1  # the wait was honoured without asking
    source.fetch(HTTP, account(api, "other-mastodon"), Cursor())  # other accounts go on
    assert len(api.requests) == 2


def test_the_demos_rate_limit_run_ends_the_sweep_on_its_good_page(api: FakeApi) -> None:
    demo_run(api, 3)
    source = MastodonNotifications()
    fetched = source.fetch(HTTP, account(api), Cursor(position=RUN_1_TOP))
    assert (fetched.next_page, fetched.position) == (None, "113541200000000105")
    with pytest.raises(RateLimited):
        source.fetch(HTTP, account(api), Cursor(position="113541200000000105"))


def test_429_waits_until_the_reset_mastodon_names(api: FakeApi) -> None:
    reset = (datetime.now(UTC) + timedelta(seconds=120)).isoformat()
    api.route(
        "GET", PATH, Reply.json({"error": "Too many requests"}, 429, **{"X-RateLimit-Reset": reset})
    )
    with pytest.raises(RateLimited) as caught:
        MastodonNotifications().fetch(HTTP, account(api), Cursor())
    assert timedelta(seconds=110) < caught.value.retry_after <= timedelta(seconds=120)


# --- failures ------------------------------------------------------------------------------------


def test_a_revoked_token_is_rejected_without_the_token_in_the_message(api: FakeApi) -> None:
    api.route("GET", PATH, Reply.json({"error": "The access token was revoked"}, 401))
    with pytest.raises(Rejected) as caught:
        MastodonNotifications().fetch(HTTP, account(api), Cursor())
    assert caught.value.status == 401
    assert TOKEN not in str(caught.value)


def test_a_server_error_is_transient(api: FakeApi) -> None:
    api.route("GET", PATH, Reply(503, b"<html>Mastodon is down for maintenance</html>"))
    with pytest.raises(Transient, match="503"):
        MastodonNotifications().fetch(HTTP, account(api), Cursor())


def test_a_timeout_is_transient(api: FakeApi) -> None:
    api.route("GET", PATH, Reply(200, b"[]", delay=0.6))
    with pytest.raises(Transient, match="timed out"):
        MastodonNotifications(timeout=0.2).fetch(HTTP, account(api), Cursor())


@pytest.mark.parametrize(
    "body", [b"<html>oops</html>", b'{"error": "x"}'], ids=["not JSON", "not an array"]
)
def test_a_200_that_is_not_a_notifications_array_is_malformed(api: FakeApi, body: bytes) -> None:
    api.route("GET", PATH, Reply(200, body))
    with pytest.raises(Malformed) as caught:
        MastodonNotifications().fetch(HTTP, account(api), Cursor())
    assert caught.value.body == body


# --- mapping -------------------------------------------------------------------------------------


def test_map_gives_replies_and_mentions_with_stable_keys(api: FakeApi) -> None:
    demo_run(api, 0)
    source = MastodonNotifications()
    fetched = source.fetch(HTTP, account(api), Cursor())
    found = [r for r in source.map(fetched.body, ctx(), Cursor()) if isinstance(r, NormalisedEvent)]
    again = [r for r in source.map(fetched.body, ctx(), Cursor()) if isinstance(r, NormalisedEvent)]

    assert [e.object_kind for e in found] == [
        ObjectKind.REPLY,  # the insult, in reply to the organisation
        ObjectKind.MENTION,
        ObjectKind.MENTION,  # the quote
        ObjectKind.MENTION,  # the personnummer
    ]
    assert [e.idempotency_key for e in found] == [e.idempotency_key for e in again]
    assert found[0].idempotency_key == "mastodon:status:113541200000000904:2026-11-21T08:57:59.000Z"
    assert "idioter" in (found[0].text or "")
    assert "19811218-9876" in (found[3].text or "")
    assert source.vanished(b"{}", ctx()) == []


@needs_sample
def test_the_saved_status_entity_maps_when_it_arrives_as_a_mention(api: FakeApi) -> None:
    status = json.loads(STATUS_SAMPLE.read_bytes())
    api.route("GET", PATH, Reply.json([notification("500", status)]))
    source = MastodonNotifications()
    fetched = source.fetch(HTTP, account(api), Cursor())
    (event,) = source.map(fetched.body, ctx(), Cursor())

    assert isinstance(event, NormalisedEvent)
    assert (event.object_kind, event.item_id) == (ObjectKind.MENTION, status["id"])
    assert "inheritance" in (event.text or "")
    assert event.idempotency_key == f"mastodon:status:{status['id']}:{status['created_at']}"
    assert fetched.position == "500"


def test_the_catalogue_polls_mastodon_notifications_without_diffing() -> None:
    (source,) = sources_for(Platform.MASTODON)
    assert isinstance(source, MastodonNotifications)
    assert (source.stream, source.diffs_listings) == ("mastodon.notifications", False)
