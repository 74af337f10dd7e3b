"""`InstagramComments` and `InstagramMentionLookup` over real HTTP against the loopback `FakeApi`:
request shapes (bearer token never in the URL, no usernames asked for), the window of recent
media, `after` cursors, continuation tokens that survive a restart, edits, hides and deletions
found between two sweeps, mention lookups, and the Graph API's ways of failing. Served from
`events/poll/instagram` and from replies built here.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from support.paths import EVENTS
from uppsikt.local.fake_api import FakeApi, Recorded, Reply
from uppsikt.local.poll_replay import serve_routes
from uppsikt.model.events import Action, Ignored, NormalisedEvent, ObjectKind, Platform
from uppsikt.platforms.delivery import DeliveryContext
from uppsikt.platforms.mappers import Result
from uppsikt.platforms.meta.normalise import mention_ref
from uppsikt.polling.errors import Malformed, RateLimited, Rejected, Transient
from uppsikt.polling.http import UrllibHttp
from uppsikt.polling.ports import Cursor, Fetched, LookupSource, PollAccount, Source
from uppsikt.polling.sources._common import SourceConfigError
from uppsikt.polling.sources.instagram import InstagramComments, InstagramMentionLookup
from uppsikt.privacy.pseudonym import Pseudonymiser

DEMO = EVENTS / "poll" / "instagram"
V = "/v21.0"
IG = "17841400123456789"
MEDIA = f"{V}/{IG}/media"
M1, M2, M3 = "17900000000000001", "17900000000000002", "17900000000000003"
TOKEN = "EAAdemo-instagram-token-that-must-not-leak"
PSEUDONYMISER = Pseudonymiser(b"unit-test-pseudonym-key-0123456789")
NOW = datetime(2026, 11, 21, 9, 30, tzinfo=UTC)
HTTP = UrllibHttp()
GONE = {
    "error": {
        "message": "Unsupported get request.",
        "type": "GraphMethodException",
        "code": 100,
        "error_subcode": 33,
    }
}


def comments(media: str) -> str:
    return f"{V}/{media}/comments"


def account(api: FakeApi, **credentials: str) -> PollAccount:
    return PollAccount(
        account_key="kommunal-instagram",
        platform=Platform.INSTAGRAM,
        platform_account_id=IG,
        api_base=api.base_url + V,
        credentials=credentials or {"access_token": TOKEN},
    )


def ctx() -> DeliveryContext:
    return DeliveryContext(
        platform=Platform.INSTAGRAM,
        account_id=IG,
        raw_bucket="raw-bucket",
        raw_key="polls/instagram/kommunal-instagram/instagram.comments/2026/11/21/abc.json",
        received_at=NOW,
        pseudonymiser=PSEUDONYMISER,
    )


def demo_run(api: FakeApi, run: int) -> None:
    """Serve run `run` of `events/poll/instagram/routes.json`, as the demo does."""
    manifest = json.loads((DEMO / "routes.json").read_text())
    serve_routes(api, DEMO, manifest["runs"][run]["routes"])


def sweep(
    source: InstagramComments, acct: PollAccount, cursor: Cursor | None = None
) -> tuple[Cursor, list[tuple[Cursor, Fetched]]]:
    """Drive one sweep the way the runner moves a cursor (see test_linkedin_source)."""
    cursor = cursor or Cursor()
    pages: list[tuple[Cursor, Fetched]] = []
    listing = dict(cursor.listing)
    while True:
        fetched = source.fetch(HTTP, acct, cursor)
        pages.append((cursor, fetched))
        listing.update(fetched.listed)
        pending = fetched.position if fetched.position is not None else cursor.pending
        if fetched.next_page is None:
            done = replace(
                cursor,
                position=pending if pending is not None else cursor.position,
                page=None,
                pending=None,
                snapshot=listing,
                listing={},
            )
            return done, pages
        cursor = replace(cursor, page=fetched.next_page, pending=pending, listing=listing)
        assert len(pages) < 20, "the sweep does not end"


def mapped(source: InstagramComments, pages: list[tuple[Cursor, Fetched]]) -> list[Result]:
    return [r for cursor, page in pages for r in source.map(page.body, ctx(), cursor)]


def events(results: list[Result]) -> list[NormalisedEvent]:
    return [r for r in results if isinstance(r, NormalisedEvent)]


def vanished_record(before: Cursor, after: Cursor) -> bytes:
    missing = sorted(set(before.snapshot) - set(after.snapshot))
    record = {
        "stream": "instagram.comments",
        "account": "kommunal-instagram",
        "vanished": [{"id": i, "fingerprint": before.snapshot[i]} for i in missing],
    }
    return json.dumps(record, sort_keys=True).encode()


def media_page(*counts: tuple[str, int]) -> Reply:
    items = [{"id": m, "comments_count": n, "media_type": "IMAGE"} for m, n in counts]
    return Reply.json({"data": items, "paging": {"cursors": {"after": "QVFIend"}}})


def comment(cid: str, text: str = "Hej!", *, hidden: bool = False) -> dict[str, Any]:
    return {
        "id": cid,
        "text": text,
        "timestamp": "2026-11-20T08:12:00+0000",
        "hidden": hidden,
        "from": {"id": "17841455500000009", "username": "must.not.appear"},
        "username": "must.not.appear",
    }


def comments_page(*items: dict[str, Any], after: str | None = None) -> Reply:
    paging: dict[str, Any] = {"cursors": {"before": "QVFIbefore", "after": after or "QVFIlast"}}
    if after is not None:
        paging["next"] = f"https://graph.facebook.com/v21.0/x/comments?access_token=t&after={after}"
    return Reply.json({"data": list(items), "paging": paging})


def assert_token_only_in_header(recorded: Recorded) -> None:
    assert recorded.headers["authorization"] == f"Bearer {TOKEN}"
    assert TOKEN not in recorded.path
    assert "access_token" not in recorded.query
    assert TOKEN not in json.dumps(recorded.query)


# --- the protocol ----------------------------------------------------------------------------


def test_the_streams_have_stable_names_and_shapes() -> None:
    stream: Source = InstagramComments()
    lookup: LookupSource = InstagramMentionLookup()
    assert (stream.platform, stream.stream, stream.diffs_listings) == (
        Platform.INSTAGRAM,
        "instagram.comments",
        True,
    )
    assert (lookup.platform, lookup.stream) == (Platform.INSTAGRAM, "instagram.mentions")
    assert mention_ref("17900000000000777", None) == "17900000000000777:-"


# --- requests --------------------------------------------------------------------------------


def test_a_sweep_lists_recent_media_then_the_comments_of_those_with_comments(api: FakeApi) -> None:
    demo_run(api, 0)
    sweep(InstagramComments(), account(api))

    window, *rest = api.requests
    assert window.path == MEDIA
    assert window.query == {"fields": ["id,timestamp,comments_count,media_type"], "limit": ["25"]}
    # The newest media has no comments and had none: it is not asked about.
    assert [r.path for r in rest] == [comments(M2), comments(M1), comments(M1)]
    fields = rest[0].query["fields"][0]
    assert fields.startswith("id,text,timestamp,hidden,from{id},parent_id,media{id},replies{")
    assert "username" not in fields
    assert rest[0].query["limit"] == ["50"]
    for request in api.requests:
        assert_token_only_in_header(request)


def test_the_next_page_of_a_media_is_asked_for_by_its_after_cursor_never_its_next_url(
    api: FakeApi,
) -> None:
    demo_run(api, 0)
    sweep(InstagramComments(), account(api))
    first, second = api.calls(comments(M1))
    assert "after" not in first.query
    assert second.query["after"] == ["QVFIUnBhZ2UyRGVtbw"]


def test_without_cursors_the_after_cursor_is_read_out_of_the_next_url(api: FakeApi) -> None:
    following = f"https://graph.facebook.com/v21.0/{M1}/comments?access_token=t&after=QVFIurl"
    api.route("GET", comments(M1), Reply.json({"data": [], "paging": {"next": following}}))
    fetched = InstagramComments().fetch(
        HTTP, account(api), Cursor(page=f'{{"v":1,"media":["{M1}"],"after":null}}')
    )
    assert fetched.next_page == f'{{"v":1,"media":["{M1}"],"after":"QVFIurl"}}'


def test_a_next_page_without_any_after_cursor_stops_the_stream_rather_than_lose_comments(
    api: FakeApi,
) -> None:
    following = f"https://graph.facebook.com/v21.0/{M1}/comments?limit=50"
    api.route("GET", comments(M1), Reply.json({"data": [], "paging": {"next": following}}))
    with pytest.raises(Malformed, match="after cursor"):
        InstagramComments().fetch(
            HTTP, account(api), Cursor(page=f'{{"v":1,"media":["{M1}"],"after":null}}')
        )


def test_a_media_without_comments_is_still_listed_if_it_had_some_last_sweep(api: FakeApi) -> None:
    api.route("GET", MEDIA, media_page((M3, 0), (M2, 0)))
    api.route("GET", comments(M2), comments_page())
    before = Cursor(position="4", snapshot={"17850000000000001": f"abc|shown|{M2}"})

    done, _ = sweep(InstagramComments(), account(api), before)

    assert [r.path for r in api.requests] == [MEDIA, comments(M2)]
    assert done.snapshot == {f"media:{M2}": "listed"}


def test_no_request_is_sent_without_an_access_token(api: FakeApi) -> None:
    with pytest.raises(SourceConfigError, match="access_token"):
        InstagramComments().fetch(HTTP, account(api, app_secret="x"), Cursor())
    with pytest.raises(SourceConfigError):
        InstagramMentionLookup().fetch_one(HTTP, account(api, app_secret="x"), f"{M1}:-")
    assert api.requests == []


# --- sweeps, restarts, transitions -----------------------------------------------------------


def test_the_demo_reports_an_edit_a_hide_and_a_deletion_in_the_second_sweep(api: FakeApi) -> None:
    source = InstagramComments()
    acct = account(api)
    demo_run(api, 0)
    first, pages_1 = sweep(source, acct)
    demo_run(api, 1)
    second, pages_2 = sweep(source, acct, first)

    run_1 = events(mapped(source, pages_1))
    assert [(e.item_id, e.object_kind, e.action) for e in run_1[:2]] == [
        ("17850000000000001", ObjectKind.COMMENT, Action.CREATED),
        ("17850000000000002", ObjectKind.REPLY, Action.CREATED),
    ]
    assert len(run_1) == 7
    assert all(e.idempotency_key == f"instagram:comments:{e.item_id}" for e in run_1)
    assert any("070761-4285" in (e.text or "") for e in run_1)
    assert (first.position, second.position) == ("1", "2")

    run_2 = mapped(source, pages_2)
    assert [(e.item_id, e.action, e.idempotency_key) for e in events(run_2)] == [
        ("17850000000000003", Action.HIDDEN, "instagram:comments:17850000000000003:hidden:true:1"),
        (
            "17850000000000004",
            Action.EDITED,
            "instagram:comments:17850000000000004:edited:f105ac70a4465255",
        ),
    ]
    assert sum(isinstance(r, Ignored) for r in run_2) == 4
    deleted = source.vanished(vanished_record(first, second), ctx())
    assert [(e.item_id, e.action, e.post_id) for e in events(deleted)] == [
        ("17850000000000005", Action.DELETED, M2)
    ]


def test_a_restart_mid_media_continues_at_its_after_cursor(api: FakeApi) -> None:
    demo_run(api, 0)
    acct = account(api)
    cursor = Cursor()
    for _ in range(3):  # window, media 2, media 1 page 1
        fetched = InstagramComments().fetch(HTTP, acct, cursor)
        cursor = replace(cursor, page=fetched.next_page)
    api.requests.clear()

    # A new instance (a new Lambda) with only the saved cursor.
    resumed = InstagramComments().fetch(HTTP, acct, cursor)

    (request,) = api.requests
    assert (request.path, request.query["after"]) == (comments(M1), ["QVFIUnBhZ2UyRGVtbw"])
    assert resumed.next_page is None
    assert set(resumed.listed) == {f"media:{M1}", "17850000000000012"}


def test_the_window_page_maps_to_nothing_and_numbers_the_sweep(api: FakeApi) -> None:
    api.route("GET", MEDIA, media_page((M1, 2)))
    fetched = InstagramComments().fetch(HTTP, account(api), Cursor(position="41"))
    assert fetched.position == "42"
    assert InstagramComments().map(fetched.body, ctx(), Cursor(position="41")) == []


def test_a_media_deleted_during_the_sweep_is_skipped(api: FakeApi) -> None:
    api.route("GET", MEDIA, media_page((M2, 3), (M1, 1)))
    api.route("GET", comments(M2), Reply.json(GONE, 400))
    api.route("GET", comments(M1), comments_page(comment("17850000000000011")))
    source = InstagramComments()
    before = Cursor(
        position="1",
        snapshot={f"media:{M2}": "listed", "17850000000000001": f"abc|shown|{M2}"},
    )

    done, pages = sweep(source, account(api), before)

    assert [r.path for r in api.requests] == [MEDIA, comments(M2), comments(M1)]
    reasons = [r.reason for r in mapped(source, pages) if isinstance(r, Ignored)]
    assert reasons == ["media no longer available"]
    vanished = source.vanished(vanished_record(before, done), ctx())
    assert not events(vanished)  # its comments went with it; they are not deleted one by one


# --- mention lookups -------------------------------------------------------------------------


def test_a_comment_mention_is_looked_up_by_the_comment_id_without_usernames(
    api: FakeApi,
) -> None:
    demo_run(api, 0)
    lookup = InstagramMentionLookup()
    fetched = lookup.fetch_one(HTTP, account(api), "17900000000000777:17850000000000021")

    (request,) = api.requests
    assert request.path == f"{V}/{IG}"
    assert request.query == {
        "fields": [
            "mentioned_comment.comment_id(17850000000000021){id,text,timestamp,from{id},media{id}}"
        ]
    }
    assert_token_only_in_header(request)
    (event,) = events(lookup.map(fetched.body, ctx(), Cursor()))
    assert event.idempotency_key == (
        "instagram:mentions:17900000000000777:17850000000000021:enriched"
    )
    assert event.author is not None
    assert event.text is not None
    assert event.text.startswith("@kommunal")


def test_a_caption_mention_is_looked_up_by_the_media_id(api: FakeApi) -> None:
    demo_run(api, 0)
    lookup = InstagramMentionLookup()
    fetched = lookup.fetch_one(HTTP, account(api), "17900000000000888:-")
    assert api.requests[0].query["fields"] == [
        "mentioned_media.media_id(17900000000000888){id,caption,timestamp,media_type}"
    ]
    (event,) = events(lookup.map(fetched.body, ctx(), Cursor()))
    assert (event.object_kind, event.item_id, event.author) == (
        ObjectKind.MENTION,
        "17900000000000888",
        None,
    )


@pytest.mark.parametrize(
    "ref", ["17900000000000888", "1790:abc", "1790:1){x}", ":123", "1790:12:13", "abc:-"]
)
def test_a_reference_that_is_not_two_graph_ids_is_refused_before_any_request(
    api: FakeApi, ref: str
) -> None:
    with pytest.raises(ValueError, match="reference"):
        InstagramMentionLookup().fetch_one(HTTP, account(api), ref)
    assert api.requests == []


def test_a_mention_whose_comment_was_deleted_is_gone_for_the_runner(api: FakeApi) -> None:
    api.route("GET", f"{V}/{IG}", Reply.json(GONE, 400))
    with pytest.raises(Rejected) as caught:
        InstagramMentionLookup().fetch_one(HTTP, account(api), f"{M1}:17850000000000021")
    assert caught.value.status == 404  # the runner's "gone": the reference is done


# --- failures --------------------------------------------------------------------------------


def test_429_is_rate_limited_for_as_long_as_retry_after_says(api: FakeApi) -> None:
    api.route("GET", MEDIA, Reply.json({"error": {"code": 1}}, 429, **{"Retry-After": "90"}))
    with pytest.raises(RateLimited) as caught:
        InstagramComments().fetch(HTTP, account(api), Cursor())
    assert caught.value.retry_after == timedelta(seconds=90)


def test_a_graph_rate_limit_code_is_rate_limited_whatever_the_status(api: FakeApi) -> None:
    usage = {IG: [{"type": "instagram", "call_count": 100, "estimated_time_to_regain_access": 7}]}
    api.route(
        "GET",
        MEDIA,
        Reply.file(
            DEMO / "rate-limited.json", 403, **{"X-Business-Use-Case-Usage": json.dumps(usage)}
        ),
    )
    with pytest.raises(RateLimited) as caught:
        InstagramComments().fetch(HTTP, account(api), Cursor())
    assert caught.value.retry_after == timedelta(minutes=7)


def test_a_graph_rate_limit_on_a_lookup_is_rate_limited_too(api: FakeApi) -> None:
    api.route("GET", f"{V}/{IG}", Reply.file(DEMO / "rate-limited.json", 400))
    with pytest.raises(RateLimited) as caught:
        InstagramMentionLookup().fetch_one(HTTP, account(api), f"{M1}:-")
    assert caught.value.retry_after == timedelta(seconds=60)  # no header: the default wait


@pytest.mark.parametrize("status", [500, 502])
def test_a_server_error_is_transient(api: FakeApi, status: int) -> None:
    api.route("GET", MEDIA, Reply.json({"error": {"code": 2, "is_transient": True}}, status))
    with pytest.raises(Transient):
        InstagramComments().fetch(HTTP, account(api), Cursor())


def test_a_timeout_is_transient(api: FakeApi) -> None:
    api.route("GET", comments(M1), Reply(200, b"{}", delay=0.3))
    with pytest.raises(Transient, match="timed out"):
        InstagramComments(timeout=0.1).fetch(
            HTTP, account(api), Cursor(page=f'{{"v":1,"media":["{M1}"],"after":null}}')
        )


@pytest.mark.parametrize(
    "body", [b"<html>oops</html>", b'{"paging": {}}', b'"data"'], ids=["html", "no-data", "text"]
)
def test_an_answer_that_is_not_an_edge_is_malformed_and_kept(api: FakeApi, body: bytes) -> None:
    api.route("GET", MEDIA, Reply(200, body, {"Content-Type": "application/json"}))
    with pytest.raises(Malformed) as caught:
        InstagramComments().fetch(HTTP, account(api), Cursor())
    assert caught.value.body == body


def test_a_lookup_answer_that_is_not_json_is_malformed(api: FakeApi) -> None:
    api.route("GET", f"{V}/{IG}", Reply(200, b"<html/>"))
    with pytest.raises(Malformed):
        InstagramMentionLookup().fetch_one(HTTP, account(api), f"{M1}:-")


def test_an_expired_token_is_rejected_without_showing_it(api: FakeApi) -> None:
    expired = {"error": {"message": "Error validating access token", "code": 190}}
    api.route("GET", MEDIA, Reply.json(expired, 400))
    with pytest.raises(Rejected) as caught:
        InstagramComments().fetch(HTTP, account(api), Cursor())
    assert caught.value.status == 400
    assert TOKEN not in str(caught.value)
