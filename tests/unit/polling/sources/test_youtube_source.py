"""`YouTubeComments` over real HTTP against the loopback `FakeApi`: the request shapes, complete
sweeps with the replies the threads do not inline, deletions found by diffing two sweeps, edits,
and every way the API can fail. Served from the saved Data API samples and `events/poll/youtube`.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from support.paths import EVENTS, SAMPLES
from uppsikt.local.fake_api import FakeApi, Recorded, Reply
from uppsikt.local.poll_replay import serve_routes
from uppsikt.model.events import Action, NormalisedEvent, ObjectKind, Platform
from uppsikt.platforms.delivery import DeliveryContext
from uppsikt.platforms.errors import Unmappable
from uppsikt.platforms.mappers import Result
from uppsikt.polling.errors import Malformed, PollError, RateLimited, Rejected, Transient
from uppsikt.polling.http import UrllibHttp
from uppsikt.polling.ports import Cursor, Fetched, PollAccount
from uppsikt.polling.sources.catalogue import sources_for
from uppsikt.polling.sources.youtube import SweepTooLong, YouTubeComments
from uppsikt.privacy.pseudonym import Pseudonymiser

DEMO = EVENTS / "poll" / "youtube"
THREADS_SAMPLE = (
    SAMPLES / "youtube" / "polling-commentThreads-list-allThreadsRelatedToChannelId.json"
)
REPLIES_SAMPLE = SAMPLES / "youtube" / "polling-comments-list-by-parentId.json"
PREFIX = "/youtube/v3"
THREADS = f"{PREFIX}/commentThreads"
COMMENTS = f"{PREFIX}/comments"

CHANNEL = "UCfackNordenDemoKanal001"  # the demo channel
SAMPLE_CHANNEL = "UCa-vrCLQHviTOVnEKDOdetQ"  # the channel of the saved samples
API_KEY = "AIzaDemoKeyThatMustNotLeak0000000000000"
ACCESS_TOKEN = "ya29.demo-token-that-must-not-leak"
T1, T2, T3, T4 = (
    "UgzAvtalTackDemo0001AaABAg",  # 3 replies, 2 inlined
    "UgxAvgiftPnrDemo0002AaABAg",  # the personnummer; gone in the second sweep
    "UgwStrejkKritikDemo003AaABAg",  # the Danish insult, edited, then edited again
    "UgyArbetsmiljoDemo004AaABAg",  # on threads page 2
)
PSEUDONYMISER = Pseudonymiser(b"unit-test-pseudonym-key-0123456789")
NOW = datetime(2026, 11, 21, 9, 30, tzinfo=UTC)
HTTP = UrllibHttp()

needs_samples = pytest.mark.skipif(
    not (THREADS_SAMPLE.is_file() and REPLIES_SAMPLE.is_file()),
    reason=f"YouTube samples not found under {SAMPLES}",
)


def account(api: FakeApi, channel: str = CHANNEL, **credentials: str) -> PollAccount:
    return PollAccount(
        account_key="facket-youtube",
        platform=Platform.YOUTUBE,
        platform_account_id=channel,
        api_base=api.base_url + PREFIX,
        credentials=credentials or {"api_key": API_KEY},
    )


def ctx(channel: str = CHANNEL) -> DeliveryContext:
    return DeliveryContext(
        platform=Platform.YOUTUBE,
        account_id=channel,
        raw_bucket="raw-bucket",
        raw_key="polls/youtube/facket-youtube/youtube.comments/2026/11/21/abc.json",
        received_at=NOW,
        pseudonymiser=PSEUDONYMISER,
    )


def demo_run(api: FakeApi, run: int) -> None:
    """Serve run `run` of `events/poll/youtube/routes.json`, as the demo does."""
    manifest = json.loads((DEMO / "routes.json").read_text())
    serve_routes(api, DEMO, manifest["runs"][run]["routes"])


def sweep(
    source: YouTubeComments, acct: PollAccount, cursor: Cursor | None = None
) -> tuple[Cursor, list[Fetched]]:
    """Drive one sweep the way the runner moves a cursor: `page` while mid-sweep, the latest
    position as `pending`, and at the end `position` and (diffing) the new snapshot."""
    cursor = cursor or Cursor()
    pages: list[Fetched] = []
    listing = dict(cursor.listing)
    while True:
        fetched = source.fetch(HTTP, acct, cursor)
        pages.append(fetched)
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


def vanished_record(before: Cursor, after: Cursor) -> bytes:
    missing = sorted(set(before.snapshot) - set(after.snapshot))
    record = {
        "stream": "youtube.comments",
        "account": "facket-youtube",
        "vanished": [{"id": i, "fingerprint": before.snapshot[i]} for i in missing],
    }
    return json.dumps(record, sort_keys=True).encode()


def events(results: list[Result]) -> list[NormalisedEvent]:
    assert all(isinstance(r, NormalisedEvent) for r in results), results
    return [r for r in results if isinstance(r, NormalisedEvent)]


def mapped(source: YouTubeComments, pages: list[Fetched], cursor: Cursor) -> list[NormalisedEvent]:
    return [e for page in pages for e in events(source.map(page.body, ctx(), cursor))]


def query(recorded: Recorded) -> dict[str, list[str]]:
    return recorded.query


def threads_page(*items: dict[str, Any], token: str | None = None) -> Reply:
    page: dict[str, Any] = {"kind": "youtube#commentThreadListResponse", "items": list(items)}
    if token is not None:
        page["nextPageToken"] = token
    return Reply.json(page)


def thread(thread_id: str, updated: str = "2026-11-21T08:00:00Z", replies: int = 0) -> Any:
    return {
        "kind": "youtube#commentThread",
        "id": thread_id,
        "snippet": {
            "videoId": "avtal2026Xa",
            "totalReplyCount": replies,
            "topLevelComment": {
                "id": thread_id,
                "snippet": {
                    "authorChannelId": {"value": "UCmedlemDemoAnna00000001"},
                    "textOriginal": "Hej!",
                    "publishedAt": "2026-11-21T07:00:00Z",
                    "updatedAt": updated,
                },
            },
        },
    }


def google_error(code: int, reason: str) -> bytes:
    error = {"error": {"code": code, "message": "x", "errors": [{"reason": reason}]}}
    return json.dumps(error).encode()


# --- requests ------------------------------------------------------------------------------------


def test_a_sweep_asks_for_every_thread_of_the_channel_newest_first_in_pages_of_100(
    api: FakeApi,
) -> None:
    demo_run(api, 0)
    sweep(YouTubeComments(), account(api))

    first, *_ = api.calls(THREADS)
    assert query(first) == {
        "part": ["snippet,replies"],
        "allThreadsRelatedToChannelId": [CHANNEL],
        "order": ["time"],
        "maxResults": ["100"],
        "key": [API_KEY],
    }
    assert "authorization" not in first.headers


def test_an_access_token_goes_in_a_bearer_header_and_never_in_the_url(api: FakeApi) -> None:
    demo_run(api, 0)
    sweep(YouTubeComments(), account(api, access_token=ACCESS_TOKEN, api_key=API_KEY))

    assert len(api.requests) == 3
    for recorded in api.requests:
        assert recorded.headers["authorization"] == f"Bearer {ACCESS_TOKEN}"
        assert "key" not in query(recorded)
        assert ACCESS_TOKEN not in recorded.path + json.dumps(query(recorded))


def test_an_account_without_credentials_is_a_configuration_error_before_any_request(
    api: FakeApi,
) -> None:
    with pytest.raises(ValueError, match="neither access_token nor api_key") as caught:
        YouTubeComments().fetch(HTTP, account(api, unrelated="x"), Cursor())
    assert isinstance(caught.value, PollError)  # the runner stops this stream alone
    assert api.requests == []


def test_the_default_api_root_is_googles() -> None:
    class Recorder:
        def send(self, request: Any, *, timeout: float) -> Any:
            raise Transient(request.url)

    acct = PollAccount("facket-youtube", Platform.YOUTUBE, CHANNEL, None, {"api_key": API_KEY})
    with pytest.raises(Transient, match=r"^https://www.googleapis.com/youtube/v3/commentThreads$"):
        YouTubeComments().fetch(Recorder(), acct, Cursor())


# --- sweeps --------------------------------------------------------------------------------------


def test_a_sweep_reads_the_replies_a_thread_does_not_inline_before_the_next_threads_page(
    api: FakeApi,
) -> None:
    demo_run(api, 0)
    done, pages = sweep(YouTubeComments(), account(api))

    asked = [(r.path, query(r).get("parentId"), query(r).get("pageToken")) for r in api.requests]
    assert asked == [
        (THREADS, None, None),
        (COMMENTS, [T1], None),
        (THREADS, None, ["QURTSl9pRGVtb1BhZ2UyX29mX3RocmVhZHM"]),
    ]
    assert query(api.calls(COMMENTS)[0])["part"] == ["snippet"]
    assert [p.next_page is None for p in pages] == [False, False, True]
    # Every comment is listed with its updatedAt, whichever list it came from.
    assert done.snapshot == {
        T1: "2026-11-21T08:05:00Z",
        f"{T1}.9zDemoSvar0001": "2026-11-21T08:20:00Z",
        f"{T1}.9zDemoSvar0002": "2026-11-21T08:31:00Z",
        f"{T1}.9zDemoSvar0003": "2026-11-21T08:44:00Z",
        T2: "2026-11-21T07:48:00Z",
        T3: "2026-11-21T06:15:00Z",
        T4: "2026-11-19T12:40:00Z",
    }
    assert done.position == "2026-11-21T08:44:00Z"  # the newest updatedAt of the sweep


def test_the_sweep_maps_comments_replies_and_edits_from_both_lists(api: FakeApi) -> None:
    demo_run(api, 0)
    source = YouTubeComments()
    _, pages = sweep(source, account(api))
    found = {(e.item_id, e.object_kind, e.action) for e in mapped(source, pages, Cursor())}

    assert found == {
        (T1, ObjectKind.COMMENT, Action.CREATED),
        (f"{T1}.9zDemoSvar0001", ObjectKind.REPLY, Action.CREATED),
        (f"{T1}.9zDemoSvar0002", ObjectKind.REPLY, Action.CREATED),
        (f"{T1}.9zDemoSvar0003", ObjectKind.REPLY, Action.CREATED),
        (T2, ObjectKind.COMMENT, Action.CREATED),
        (T3, ObjectKind.COMMENT, Action.EDITED),  # updatedAt after publishedAt
        (T4, ObjectKind.COMMENT, Action.CREATED),
    }
    texts = " ".join(e.text or "" for e in mapped(source, pages, Cursor()))
    assert "19811218-9876" in texts
    assert "idioter" in texts


def test_mapping_the_same_pages_again_gives_the_same_idempotency_keys(api: FakeApi) -> None:
    demo_run(api, 0)
    source = YouTubeComments()
    _, pages = sweep(source, account(api))
    first = [e.idempotency_key for e in mapped(source, pages, Cursor())]
    again = [e.idempotency_key for e in mapped(source, pages, Cursor())]

    assert first == again
    assert f"youtube:comment:{T2}:2026-11-21T07:48:00Z" in first
    # A reply inlined in its thread and listed by comments.list is one event.
    assert first.count(f"youtube:comment:{T1}.9zDemoSvar0002:2026-11-21T08:31:00Z") == 2


def test_a_second_sweep_reports_the_removed_comment_deleted_and_the_edit_under_a_new_key(
    api: FakeApi,
) -> None:
    source = YouTubeComments()
    acct = account(api)
    demo_run(api, 0)
    first, first_pages = sweep(source, acct)
    demo_run(api, 1)
    second, second_pages = sweep(source, acct, first)

    assert set(first.snapshot) - set(second.snapshot) == {T2}
    deleted = events(source.vanished(vanished_record(first, second), ctx()))
    assert [(e.item_id, e.object_kind, e.action) for e in deleted] == [
        (T2, ObjectKind.COMMENT, Action.DELETED)
    ]
    assert deleted[0].idempotency_key == f"youtube:comment:{T2}:deleted"
    assert (deleted[0].raw.entry_index, deleted[0].raw.key) == (0, ctx().raw_key)
    assert deleted[0].author is None
    assert deleted[0].account_id == CHANNEL

    edits = {
        e.idempotency_key
        for e in mapped(source, first_pages, first) + mapped(source, second_pages, second)
        if e.item_id == T3
    }
    assert edits == {
        f"youtube:comment:{T3}:2026-11-21T06:15:00Z",
        f"youtube:comment:{T3}:2026-11-21T09:10:00Z",
    }
    assert second.snapshot[T3] == "2026-11-21T09:10:00Z"  # the fingerprint follows the edit
    assert second.position == "2026-11-21T09:10:00Z"


def test_vanished_keys_are_stable_and_a_bad_id_fails_alone() -> None:
    record = {
        "stream": "youtube.comments",
        "account": "facket-youtube",
        "vanished": [
            {"id": T2, "fingerprint": "2026-11-21T07:48:00Z"},
            {"id": "bad:id", "fingerprint": ""},
            {"id": f"{T1}.9zDemoSvar0002", "fingerprint": "2026-11-21T08:31:00Z"},
        ],
    }
    body = json.dumps(record).encode()
    source = YouTubeComments()
    first, again = source.vanished(body, ctx()), source.vanished(body, ctx())

    assert isinstance(first[1], Unmappable)
    keys = [r.idempotency_key for r in first if isinstance(r, NormalisedEvent)]
    assert keys == [r.idempotency_key for r in again if isinstance(r, NormalisedEvent)]
    assert keys == [
        f"youtube:comment:{T2}:deleted",
        f"youtube:comment:{T1}.9zDemoSvar0002:deleted",
    ]
    assert [r.raw.entry_index for r in first if isinstance(r, NormalisedEvent)] == [0, 2]


def test_a_vanished_record_of_another_stream_cannot_be_read() -> None:
    body = json.dumps({"stream": "bluesky.notifications", "vanished": []}).encode()
    with pytest.raises(ValueError, match="vanished record"):
        YouTubeComments().vanished(body, ctx())


def test_a_sweep_stopped_by_the_runner_resumes_where_it_stopped(api: FakeApi) -> None:
    demo_run(api, 0)
    source = YouTubeComments()
    acct = account(api)
    page_1 = source.fetch(HTTP, acct, Cursor())
    assert page_1.next_page is not None
    # A later run, with the cursor the runner saved after page 1.
    api.requests.clear()
    resumed = Cursor(page=page_1.next_page, pending=page_1.position, listing=page_1.listed)
    done, _ = sweep(source, acct, resumed)

    assert [(r.path, "parentId" in query(r)) for r in api.requests] == [
        (COMMENTS, True),
        (THREADS, False),
    ]
    assert len(done.snapshot) == 7


def test_an_unreadable_continuation_restarts_the_sweep(api: FakeApi) -> None:
    demo_run(api, 0)
    YouTubeComments().fetch(HTTP, account(api), Cursor(page="not our JSON"))

    assert [(r.path, "pageToken" in query(r)) for r in api.requests] == [(THREADS, False)]


@needs_samples
def test_the_saved_samples_page_through_replies_and_map(api: FakeApi) -> None:
    token = json.loads(REPLIES_SAMPLE.read_bytes())["nextPageToken"]
    api.route(
        "GET",
        COMMENTS,
        Reply.json({"kind": "youtube#commentListResponse", "items": []}),
        match={"pageToken": token},
    )
    api.route("GET", COMMENTS, Reply.file(REPLIES_SAMPLE))
    api.route("GET", THREADS, Reply.file(THREADS_SAMPLE))
    source = YouTubeComments()
    done, pages = sweep(source, account(api, SAMPLE_CHANNEL))

    # The one thread with more replies than inlined, then the second page of its replies.
    assert [(r.path, query(r).get("parentId")) for r in api.requests] == [
        (THREADS, None),
        (COMMENTS, ["UgwSRpgkjCe6OHHe3IJ4AaABAg"]),
        (COMMENTS, ["UgwSRpgkjCe6OHHe3IJ4AaABAg"]),
    ]
    assert len(done.snapshot) == 6  # 4 threads and the 2 replies of the comments sample
    assert done.position == "2019-12-01T04:46:31.000Z"
    results = [r for page in pages for r in source.map(page.body, ctx(SAMPLE_CHANNEL), done)]
    kinds = [e.object_kind for e in events(results)]
    assert kinds == [ObjectKind.COMMENT] * 4 + [ObjectKind.REPLY] * 2


# --- failures ------------------------------------------------------------------------------------


def test_the_daily_quota_answer_waits_until_the_quota_resets(api: FakeApi) -> None:
    api.route("GET", THREADS, Reply.file(DEMO / "quota-exceeded.json", 403))
    with pytest.raises(RateLimited) as caught:
        YouTubeComments().fetch(HTTP, account(api), Cursor())

    assert timedelta(0) < caught.value.retry_after <= timedelta(days=1)
    reset = datetime.now(UTC) + caught.value.retry_after
    assert (reset.hour, reset.minute) in ((7, 59), (8, 0))  # midnight Pacific (PST)


def test_a_short_rate_limit_answer_waits_as_the_header_says(api: FakeApi) -> None:
    api.route(
        "GET", THREADS, Reply(403, google_error(403, "rateLimitExceeded"), {"Retry-After": "7"})
    )
    with pytest.raises(RateLimited) as caught:
        YouTubeComments().fetch(HTTP, account(api), Cursor())
    assert caught.value.retry_after == timedelta(seconds=7)


def test_429_waits_as_retry_after_says(api: FakeApi) -> None:
    api.route("GET", THREADS, Reply.json({"error": {}}, 429, **{"Retry-After": "120"}))
    with pytest.raises(RateLimited) as caught:
        YouTubeComments().fetch(HTTP, account(api), Cursor())
    assert caught.value.retry_after == timedelta(seconds=120)


def test_another_403_is_rejected_without_the_key_in_the_message(api: FakeApi) -> None:
    api.route("GET", THREADS, Reply(403, google_error(403, "forbidden")))
    with pytest.raises(Rejected) as caught:
        YouTubeComments().fetch(HTTP, account(api), Cursor())
    assert caught.value.status == 403
    assert API_KEY not in str(caught.value)


@pytest.mark.parametrize("status", [500, 503])
def test_a_server_error_is_transient(api: FakeApi, status: int) -> None:
    api.route("GET", THREADS, Reply.json({"error": {"code": status}}, status))
    with pytest.raises(Transient, match=str(status)) as caught:
        YouTubeComments().fetch(HTTP, account(api), Cursor())
    assert API_KEY not in str(caught.value)


def test_a_timeout_is_transient(api: FakeApi) -> None:
    api.route(
        "GET", THREADS, Reply(200, (DEMO / "commentThreads-page-2.json").read_bytes(), delay=0.6)
    )
    with pytest.raises(Transient, match="timed out"):
        YouTubeComments(timeout=0.2).fetch(HTTP, account(api), Cursor())


@pytest.mark.parametrize(
    "body",
    [b"<html>maintenance</html>", b'{"kind": "youtube#commentThreadListResponse"}', b"[]"],
    ids=["not JSON", "no items", "not an object"],
)
def test_a_200_that_is_not_a_threads_page_is_malformed_and_keeps_the_body(
    api: FakeApi, body: bytes
) -> None:
    api.route("GET", THREADS, Reply(200, body))
    with pytest.raises(Malformed) as caught:
        YouTubeComments().fetch(HTTP, account(api), Cursor())
    assert caught.value.body == body


def test_a_page_token_that_repeats_the_one_sent_is_malformed(api: FakeApi) -> None:
    api.route("GET", THREADS, threads_page(thread(T2), token="again"))
    cursor = Cursor(page=json.dumps({"threads": "again", "queue": [], "replies": None, "n": 1}))
    with pytest.raises(Malformed, match="repeats"):
        YouTubeComments().fetch(HTTP, account(api), cursor)


def test_a_sweep_past_its_page_cap_stops_loudly_without_asking(api: FakeApi) -> None:
    api.route("GET", THREADS, threads_page(thread(T2), token="p2"))
    source = YouTubeComments(max_pages=1)
    first = source.fetch(HTTP, account(api), Cursor())
    with pytest.raises(SweepTooLong):
        source.fetch(HTTP, account(api), Cursor(page=first.next_page))
    assert len(api.requests) == 1


def test_replies_of_a_thread_deleted_mid_sweep_are_skipped(api: FakeApi) -> None:
    api.route("GET", COMMENTS, Reply(404, google_error(404, "commentNotFound")))
    api.route("GET", THREADS, threads_page(thread(T1, replies=2), thread(T3, replies=1)))
    source = YouTubeComments()
    done, pages = sweep(source, account(api))

    assert [query(r).get("parentId") for r in api.calls(COMMENTS)] == [[T1], [T3]]
    assert pages[-1].next_page is None
    assert pages[-1].listed == {}
    assert source.map(pages[-1].body, ctx(), done) == []  # Google's 404 body ends the sweep
    assert set(done.snapshot) == {T1, T3}


def test_a_404_that_is_not_googles_is_rejected(api: FakeApi) -> None:
    api.route("GET", COMMENTS, Reply(404, b"<html>not found</html>"))
    api.route("GET", THREADS, threads_page(thread(T1, replies=2)))
    with pytest.raises(Rejected):
        sweep(YouTubeComments(), account(api))


def test_a_thread_that_cannot_be_mapped_is_still_listed(api: FakeApi) -> None:
    broken = thread(T2)
    broken["snippet"]["topLevelComment"]["snippet"]["publishedAt"] = "yesterday"
    api.route("GET", THREADS, threads_page(broken, thread(T4)))
    source = YouTubeComments()
    done, pages = sweep(source, account(api))
    results = source.map(pages[0].body, ctx(), done)

    assert isinstance(results[0], Unmappable)
    assert isinstance(results[1], NormalisedEvent)
    assert set(done.snapshot) == {T2, T4}  # so it is not reported deleted


def test_the_catalogue_polls_youtube_comments_with_diffing() -> None:
    (source,) = sources_for(Platform.YOUTUBE)
    assert isinstance(source, YouTubeComments)
    assert (source.platform, source.stream, source.diffs_listings) == (
        Platform.YOUTUBE,
        "youtube.comments",
        True,
    )
    assert sources_for(Platform.X) == ()
