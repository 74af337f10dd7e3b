"""`BlueskyNotifications` over real HTTP against the loopback `FakeApi`: logging in and reusing
the session, paging newest first until the last sweep's mark, the first-run rule, and every way
the API can fail. Served from `events/poll/bluesky` (no saved listNotifications response exists;
those pages are written to the lexicon's shape)."""

from __future__ import annotations

import json
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from support.paths import EVENTS
from uppsikt.local.fake_api import FakeApi, Reply
from uppsikt.local.poll_replay import serve_routes
from uppsikt.model.events import Ignored, NormalisedEvent, ObjectKind, Platform
from uppsikt.platforms.delivery import DeliveryContext
from uppsikt.polling.errors import Malformed, PollError, RateLimited, Rejected, Transient
from uppsikt.polling.http import UrllibHttp
from uppsikt.polling.ports import Cursor, Fetched, PollAccount
from uppsikt.polling.sources.bluesky import BlueskyNotifications
from uppsikt.polling.sources.catalogue import sources_for
from uppsikt.privacy.pseudonym import Pseudonymiser

DEMO = EVENTS / "poll" / "bluesky"
SESSION = "/xrpc/com.atproto.server.createSession"
LIST = "/xrpc/app.bsky.notification.listNotifications"
ORG = "did:plc:fackfornordendemo2345abc"
HANDLE = "facketnorden.bsky.social"
PASSWORD = "abcd-efgh-ijkl-mnop"  # the shape of an app password, never to be seen in errors
DEMO_TOKEN = json.loads((DEMO / "createSession.json").read_bytes())["accessJwt"]
RUN_1_NEWEST = "2026-11-21T08:50:00.000Z"
PSEUDONYMISER = Pseudonymiser(b"unit-test-pseudonym-key-0123456789")
NOW = datetime(2026, 11, 21, 9, 30, tzinfo=UTC)
HTTP = UrllibHttp()


def account(api: FakeApi, did: str = ORG, **credentials: str) -> PollAccount:
    return PollAccount(
        account_key="facket-bluesky",
        platform=Platform.BLUESKY,
        platform_account_id=did,
        api_base=api.base_url,
        credentials=credentials or {"identifier": HANDLE, "app_password": PASSWORD},
    )


def ctx() -> DeliveryContext:
    return DeliveryContext(
        platform=Platform.BLUESKY,
        account_id=ORG,
        raw_bucket="raw-bucket",
        raw_key="polls/bluesky/facket-bluesky/bluesky.notifications/2026/11/21/abc.json",
        received_at=NOW,
        pseudonymiser=PSEUDONYMISER,
    )


def demo_run(api: FakeApi, run: int) -> None:
    """Serve run `run` of `events/poll/bluesky/routes.json`, as the demo does."""
    manifest = json.loads((DEMO / "routes.json").read_text())
    serve_routes(api, DEMO, manifest["runs"][run]["routes"])


def sweep(
    source: BlueskyNotifications, acct: PollAccount, cursor: Cursor | None = None
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


def notification(rkey: str, indexed: str) -> dict[str, Any]:
    visitor = "did:plc:medlemanna2345abcdefghij"
    return {
        "uri": f"at://{visitor}/app.bsky.feed.post/{rkey}",
        "cid": "bafyreidemoanna1aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
        "author": {"did": visitor, "handle": "anna-lindqvist.bsky.social"},
        "reason": "mention",
        "record": {"$type": "app.bsky.feed.post", "text": "Hej!", "createdAt": indexed},
        "isRead": False,
        "indexedAt": indexed,
    }


def page(*items: dict[str, Any], cursor: str | None = "next") -> Reply:
    body: dict[str, Any] = {"notifications": list(items)}
    if cursor is not None:
        body["cursor"] = cursor
    return Reply.json(body)


def logged_in(api: FakeApi, *tokens: str) -> None:
    """createSession answers with these access tokens in turn."""
    api.route(
        "POST",
        SESSION,
        *(
            Reply.json({"did": ORG, "handle": HANDLE, "accessJwt": t, "refreshJwt": "r"})
            for t in tokens
        ),
    )


# --- session -------------------------------------------------------------------------------------


def test_the_first_fetch_logs_in_with_the_app_password_and_sends_the_token_as_bearer(
    api: FakeApi,
) -> None:
    demo_run(api, 0)
    BlueskyNotifications().fetch(HTTP, account(api), Cursor())

    (login,) = api.calls(SESSION)
    assert login.method == "POST"
    assert login.headers["content-type"] == "application/json"
    assert json.loads(login.body) == {"identifier": HANDLE, "password": PASSWORD}
    (listed,) = api.calls(LIST)
    assert listed.headers["authorization"] == f"Bearer {DEMO_TOKEN}"
    assert listed.query == {"limit": ["50"]}
    assert DEMO_TOKEN not in listed.path


def test_without_an_identifier_the_registry_did_logs_in(api: FakeApi) -> None:
    demo_run(api, 0)
    BlueskyNotifications().fetch(HTTP, account(api, app_password=PASSWORD), Cursor())
    assert json.loads(api.calls(SESSION)[0].body)["identifier"] == ORG


def test_the_session_is_reused_across_fetches_and_accounts_keep_their_own(api: FakeApi) -> None:
    logged_in(api, "token-a", "token-b")
    api.route("GET", LIST, page(notification("3mqdemoanna01", RUN_1_NEWEST), cursor=None))
    source = BlueskyNotifications()
    other = replace(account(api), account_key="other-bluesky")
    for acct in (account(api), account(api), other):
        source.fetch(HTTP, acct, Cursor(position=RUN_1_NEWEST))

    assert len(api.calls(SESSION)) == 2
    used = [r.headers["authorization"] for r in api.calls(LIST)]
    assert used == ["Bearer token-a", "Bearer token-a", "Bearer token-b"]


@pytest.mark.parametrize(
    "refusal",
    [
        Reply.file(DEMO / "expired-token.json", 400),
        Reply.json({"error": "ExpiredToken", "message": "Token has expired"}, 401),
        Reply.json({"error": "InvalidToken", "message": "Token could not be verified"}, 401),
    ],
    ids=["400 ExpiredToken", "401 ExpiredToken", "401 InvalidToken"],
)
def test_a_refused_cached_token_is_replaced_by_one_new_session(
    api: FakeApi, refusal: Reply
) -> None:
    logged_in(api, "token-a", "token-b")
    good = page(notification("3mqdemoanna01", RUN_1_NEWEST), cursor=None)
    api.route("GET", LIST, good, match={"limit": "50"})
    source = BlueskyNotifications()
    source.fetch(HTTP, account(api), Cursor())
    api.reset()
    logged_in(api, "token-b")
    api.route("GET", LIST, refusal, good)
    fetched = source.fetch(HTTP, account(api), Cursor())

    assert len(api.calls(SESSION)) == 1
    used = [r.headers["authorization"] for r in api.calls(LIST)]
    assert used == ["Bearer token-a", "Bearer token-b"]
    assert fetched.position == RUN_1_NEWEST


def test_a_token_refused_again_after_a_new_session_is_rejected_without_looping(
    api: FakeApi,
) -> None:
    logged_in(api, "token-a", "token-b", "token-c")
    api.route("GET", LIST, page(cursor=None), match={"limit": "50"})
    source = BlueskyNotifications()
    source.fetch(HTTP, account(api), Cursor())
    api.reset()
    logged_in(api, "token-b", "token-c")
    api.route("GET", LIST, Reply.json({"error": "AuthenticationRequired"}, 401))
    with pytest.raises(Rejected) as caught:
        source.fetch(HTTP, account(api), Cursor())

    assert caught.value.status == 401
    assert len(api.calls(SESSION)) == 1
    assert len(api.calls(LIST)) == 2


def test_a_fresh_session_that_is_refused_is_rejected_without_logging_in_again(
    api: FakeApi,
) -> None:
    logged_in(api, "token-a")
    api.route("GET", LIST, Reply.json({"error": "AuthenticationRequired"}, 401))
    with pytest.raises(Rejected):
        BlueskyNotifications().fetch(HTTP, account(api), Cursor())
    assert len(api.calls(SESSION)) == 1


def test_a_wrong_app_password_is_rejected_and_the_password_never_shows(api: FakeApi) -> None:
    api.route(
        "POST",
        SESSION,
        Reply.json({"error": "AuthenticationRequired", "message": "Invalid password"}, 401),
    )
    with pytest.raises(Rejected) as caught:
        BlueskyNotifications().fetch(HTTP, account(api), Cursor())
    assert caught.value.status == 401
    assert PASSWORD not in str(caught.value)
    assert api.calls(LIST) == []


def test_a_session_answer_without_a_token_is_malformed_and_keeps_no_body(api: FakeApi) -> None:
    api.route("POST", SESSION, Reply.json({"did": ORG, "refreshJwt": "secret-refresh"}))
    with pytest.raises(Malformed) as caught:
        BlueskyNotifications().fetch(HTTP, account(api), Cursor())
    assert caught.value.body == b""  # a session body holds tokens: never quarantined


def test_an_app_password_of_another_account_is_a_configuration_error(api: FakeApi) -> None:
    demo_run(api, 0)
    other = "did:plc:someoneelse2345abcdefghi"
    with pytest.raises(ValueError, match="different account") as caught:
        BlueskyNotifications().fetch(HTTP, account(api, other), Cursor())
    assert isinstance(caught.value, PollError)
    assert other not in str(caught.value)
    assert api.calls(LIST) == []


def test_an_account_without_an_app_password_is_a_configuration_error(api: FakeApi) -> None:
    with pytest.raises(ValueError, match="app_password"):
        BlueskyNotifications().fetch(HTTP, account(api, identifier=HANDLE), Cursor())
    assert api.requests == []


# --- sweeps --------------------------------------------------------------------------------------


def test_the_first_run_ever_reads_only_the_newest_page(api: FakeApi) -> None:
    demo_run(api, 0)
    done, pages = sweep(BlueskyNotifications(), account(api))

    assert len(api.calls(LIST)) == 1
    assert json.loads(pages[0].body)["cursor"]  # there was more, deliberately not read
    assert pages[0].next_page is None
    assert done.position == RUN_1_NEWEST


def test_a_later_run_pages_back_until_it_reaches_what_the_last_run_saw(api: FakeApi) -> None:
    source = BlueskyNotifications()
    demo_run(api, 0)
    first, _ = sweep(source, account(api))
    demo_run(api, 1)
    second, pages = sweep(source, account(api), first)

    assert [r.query.get("cursor") for r in api.calls(LIST)] == [
        None,
        ["demo-cursor-run2-page2"],
    ]
    assert api.calls(SESSION) == []  # the session of run 1 is still good
    assert pages[-1].next_page is None  # page 2 holds run 1's newest: its cursor is not followed
    assert second.position == "2026-11-21T09:20:00.000Z"


def test_the_sweep_ends_when_the_response_has_no_cursor(api: FakeApi) -> None:
    logged_in(api, "token-a")
    older = page(notification("3mqdemoanna08", "2026-11-21T09:59:00.000Z"), cursor=None)
    api.route("GET", LIST, older, match={"cursor": "next"})
    api.route("GET", LIST, page(notification("3mqdemoanna09", "2026-11-21T10:00:00.000Z")))
    last_sweep = Cursor(position="2026-11-01T00:00:00.000Z")
    done, pages = sweep(BlueskyNotifications(), account(api), last_sweep)

    assert [p.next_page for p in pages] == ["next", None]
    assert done.position == "2026-11-21T10:00:00.000Z"


def test_a_page_position_never_falls_below_the_sweeps_mark(api: FakeApi) -> None:
    logged_in(api, "token-a")
    api.route("GET", LIST, page(notification("3mqdemoanna01", "2026-11-20T10:00:00.000Z")))
    later = "2026-11-21T10:00:00.000Z"
    fetched = BlueskyNotifications().fetch(
        HTTP, account(api), Cursor(position="2026-11-01T00:00:00.000Z", page="c", pending=later)
    )
    assert fetched.position == later


def test_a_cursor_that_repeats_the_one_sent_is_malformed(api: FakeApi) -> None:
    logged_in(api, "token-a")
    api.route("GET", LIST, page(notification("3mqdemoanna01", RUN_1_NEWEST), cursor="same"))
    cursor = Cursor(position="2026-01-01T00:00:00.000Z", page="same")
    with pytest.raises(Malformed, match="repeats"):
        BlueskyNotifications().fetch(HTTP, account(api), cursor)


# --- mapping -------------------------------------------------------------------------------------


def test_map_gives_replies_and_mentions_as_events_and_the_rest_ignored_with_stable_keys(
    api: FakeApi,
) -> None:
    demo_run(api, 0)
    source = BlueskyNotifications()
    fetched = source.fetch(HTTP, account(api), Cursor())
    results = source.map(fetched.body, ctx(), Cursor())
    again = source.map(fetched.body, ctx(), Cursor())

    assert [type(r) for r in results] == [NormalisedEvent, Ignored, NormalisedEvent, Ignored]
    found = [r for r in results if isinstance(r, NormalisedEvent)]
    assert [e.object_kind for e in found] == [ObjectKind.REPLY, ObjectKind.MENTION]
    assert "pucko" in (found[0].text or "")
    assert [e.idempotency_key for e in found] == [
        r.idempotency_key for r in again if isinstance(r, NormalisedEvent)
    ]
    listed = json.loads((DEMO / "listNotifications-run-1.json").read_bytes())["notifications"]
    cids = [n["cid"] for n in listed if n["reason"] in ("reply", "mention")]
    assert [e.idempotency_key for e in found] == [
        f"bluesky:{e.item_id}:{cid}" for e, cid in zip(found, cids, strict=True)
    ]
    assert source.vanished(b"{}", ctx()) == []


# --- failures ------------------------------------------------------------------------------------


def test_429_waits_until_blueskys_ratelimit_reset(api: FakeApi) -> None:
    logged_in(api, "token-a")
    reset = str(int(time.time()) + 90)
    api.route(
        "GET", LIST, Reply.json({"error": "RateLimitExceeded"}, 429, **{"ratelimit-reset": reset})
    )
    with pytest.raises(RateLimited) as caught:
        BlueskyNotifications().fetch(HTTP, account(api), Cursor())
    assert timedelta(seconds=85) <= caught.value.retry_after <= timedelta(seconds=90)


def test_429_on_login_waits_as_retry_after_says(api: FakeApi) -> None:
    api.route(
        "POST", SESSION, Reply.json({"error": "RateLimitExceeded"}, 429, **{"Retry-After": "300"})
    )
    with pytest.raises(RateLimited) as caught:
        BlueskyNotifications().fetch(HTTP, account(api), Cursor())
    assert caught.value.retry_after == timedelta(seconds=300)


def test_a_server_error_is_transient(api: FakeApi) -> None:
    logged_in(api, "token-a")
    api.route("GET", LIST, Reply.json({"error": "InternalServerError"}, 502))
    with pytest.raises(Transient, match="502"):
        BlueskyNotifications().fetch(HTTP, account(api), Cursor())


def test_a_timeout_is_transient(api: FakeApi) -> None:
    logged_in(api, "token-a")
    api.route("GET", LIST, Reply(200, b'{"notifications": []}', delay=0.6))
    with pytest.raises(Transient, match="timed out"):
        BlueskyNotifications(timeout=0.2).fetch(HTTP, account(api), Cursor())


@pytest.mark.parametrize(
    "body",
    [b"<html>bad gateway</html>", b'{"cursor": "x"}', b"[]"],
    ids=["not JSON", "no list", "array"],
)
def test_a_200_that_is_not_a_notifications_page_is_malformed(api: FakeApi, body: bytes) -> None:
    logged_in(api, "token-a")
    api.route("GET", LIST, Reply(200, body))
    with pytest.raises(Malformed) as caught:
        BlueskyNotifications().fetch(HTTP, account(api), Cursor())
    assert caught.value.body == body


def test_the_catalogue_polls_bluesky_notifications_without_diffing() -> None:
    (source,) = sources_for(Platform.BLUESKY)
    assert isinstance(source, BlueskyNotifications)
    assert (source.stream, source.diffs_listings) == ("bluesky.notifications", False)
