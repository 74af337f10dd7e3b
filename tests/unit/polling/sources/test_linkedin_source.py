"""`LinkedInPosts` and `LinkedInComments` over real HTTP against the loopback `FakeApi`: request
shapes (versioned REST headers, bearer token, URL-encoded URNs), how far a sweep pages,
continuation tokens that survive a restart, hidden comments found by diffing two sweeps, and
every way the API can fail. Served from `events/poll/linkedin` and from replies built here.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote

import pytest

from support.paths import EVENTS
from uppsikt.local.fake_api import FakeApi, Recorded, Reply
from uppsikt.local.poll_replay import serve_routes
from uppsikt.model.events import Action, Ignored, NormalisedEvent, ObjectKind, Platform
from uppsikt.platforms.delivery import DeliveryContext
from uppsikt.platforms.mappers import Result
from uppsikt.polling.errors import Malformed, RateLimited, Rejected, Transient
from uppsikt.polling.http import UrllibHttp
from uppsikt.polling.ports import Cursor, Fetched, PollAccount, Source
from uppsikt.polling.sources._common import SourceConfigError
from uppsikt.polling.sources.linkedin import (
    LINKEDIN_VERSION,
    LinkedInComments,
    LinkedInPosts,
)
from uppsikt.privacy.pseudonym import Pseudonymiser

DEMO = EVENTS / "poll" / "linkedin"
ORG = "urn:li:organization:5550001"
TOKEN = "AQXdemo-linkedin-token-that-must-not-leak"
POSTS = "/rest/posts"
SHARE_3 = "urn:li:share:7300000000000000003"
UGC_2 = "urn:li:ugcPost:7300000000000000002"
SHARE_4 = "urn:li:share:7300000000000000004"
ACTIVITY_3 = "urn:li:activity:7300000000000000103"
PSEUDONYMISER = Pseudonymiser(b"unit-test-pseudonym-key-0123456789")
NOW = datetime(2026, 11, 21, 9, 30, tzinfo=UTC)
HTTP = UrllibHttp()


def comments_path(post: str) -> str:
    return f"/rest/socialActions/{quote(post, safe='')}/comments"


def comment_urn(number: int, activity: str = ACTIVITY_3) -> str:
    return f"urn:li:comment:({activity},{number})"


def account(api: FakeApi, org: str = ORG, **credentials: str) -> PollAccount:
    return PollAccount(
        account_key="seko-linkedin",
        platform=Platform.LINKEDIN,
        platform_account_id=org,
        api_base=api.base_url,
        credentials=credentials or {"access_token": TOKEN},
    )


def ctx() -> DeliveryContext:
    return DeliveryContext(
        platform=Platform.LINKEDIN,
        account_id=ORG,
        raw_bucket="raw-bucket",
        raw_key="polls/linkedin/seko-linkedin/linkedin.comments/2026/11/21/abc.json",
        received_at=NOW,
        pseudonymiser=PSEUDONYMISER,
    )


def demo_run(api: FakeApi, run: int) -> None:
    """Serve run `run` of `events/poll/linkedin/routes.json`, as the demo does."""
    manifest = json.loads((DEMO / "routes.json").read_text())
    serve_routes(api, DEMO, manifest["runs"][run]["routes"])


def sweep(
    source: LinkedInPosts | LinkedInComments, acct: PollAccount, cursor: Cursor | None = None
) -> tuple[Cursor, list[tuple[Cursor, Fetched]]]:
    """Drive one sweep the way the runner moves a cursor: `page` while mid-sweep, the latest
    position as `pending`, and at the end `position` and (diffing) the new snapshot. Returns the
    final cursor and each page with the cursor it was fetched (and is mapped) with."""
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
                snapshot=listing if source.diffs_listings else cursor.snapshot,
                listing={},
            )
            return done, pages
        cursor = replace(cursor, page=fetched.next_page, pending=pending, listing=listing)
        assert len(pages) < 20, "the sweep does not end"


def mapped(
    source: LinkedInPosts | LinkedInComments, pages: list[tuple[Cursor, Fetched]]
) -> list[Result]:
    return [r for cursor, page in pages for r in source.map(page.body, ctx(), cursor)]


def events(results: list[Result]) -> list[NormalisedEvent]:
    return [r for r in results if isinstance(r, NormalisedEvent)]


def vanished_record(before: Cursor, after: Cursor) -> bytes:
    missing = sorted(set(before.snapshot) - set(after.snapshot))
    record = {
        "stream": "linkedin.comments",
        "account": "seko-linkedin",
        "vanished": [{"id": i, "fingerprint": before.snapshot[i]} for i in missing],
    }
    return json.dumps(record, sort_keys=True).encode()


def post(number: int, modified: int, created: int | None = None) -> dict[str, Any]:
    return {
        "id": f"urn:li:share:{number}",
        "author": ORG,
        "commentary": "Hej!",
        "createdAt": created or modified,
        "lastModifiedAt": modified,
        "publishedAt": created or modified,
        "lifecycleState": "PUBLISHED",
        "visibility": "PUBLIC",
    }


def posts_page(*items: dict[str, Any], start: int = 0, total: int | None = None) -> Reply:
    paging: dict[str, Any] = {"start": start, "count": 10}
    if total is not None:
        paging["total"] = total
    return Reply.json({"elements": list(items), "paging": paging})


def comment(number: int, modified: int = 1795166100000) -> dict[str, Any]:
    return {
        "id": str(number),
        "commentUrn": comment_urn(number),
        "actor": "urn:li:person:DemoMedlem0009",
        "message": {"text": "Hej!"},
        "created": {"time": modified},
        "lastModified": {"time": modified},
        "object": ACTIVITY_3,
    }


def comments_page(*items: dict[str, Any], start: int = 0, total: int) -> Reply:
    return Reply.json(
        {"elements": list(items), "paging": {"start": start, "count": 2, "total": total}}
    )


def assert_token_only_in_header(recorded: Recorded) -> None:
    assert recorded.headers["authorization"] == f"Bearer {TOKEN}"
    assert TOKEN not in recorded.path
    assert TOKEN not in json.dumps(recorded.query)


# --- the protocol --------------------------------------------------------------------------------


def test_both_streams_are_sources_of_linkedin_with_stable_names() -> None:
    streams: list[Source] = [LinkedInPosts(), LinkedInComments()]
    assert [(s.platform, s.stream, s.diffs_listings) for s in streams] == [
        (Platform.LINKEDIN, "linkedin.posts", False),
        (Platform.LINKEDIN, "linkedin.comments", True),
    ]


# --- requests ------------------------------------------------------------------------------------


def test_posts_are_asked_for_by_author_newest_modification_first_with_versioned_headers(
    api: FakeApi,
) -> None:
    api.route("GET", POSTS, Reply.file(DEMO / "posts-run-1.json"))
    LinkedInPosts().fetch(HTTP, account(api), Cursor())

    (request,) = api.calls(POSTS)
    assert request.query == {
        "q": ["author"],
        "author": [ORG],
        "sortBy": ["LAST_MODIFIED"],
        "start": ["0"],
        "count": ["10"],
    }
    assert request.headers["linkedin-version"] == LINKEDIN_VERSION == "202411"
    assert request.headers["x-restli-protocol-version"] == "2.0.0"
    assert_token_only_in_header(request)


def test_a_bare_organisation_number_is_asked_for_as_its_urn(api: FakeApi) -> None:
    api.route("GET", POSTS, posts_page())
    LinkedInPosts().fetch(HTTP, account(api, org="5550001"), Cursor())
    assert api.calls(POSTS)[0].query["author"] == [ORG]


def test_comments_are_asked_for_with_the_post_urn_percent_encoded_in_the_path(
    api: FakeApi,
) -> None:
    demo_run(api, 0)
    sweep(LinkedInComments(), account(api))

    window, *per_post = api.requests
    assert window.path == POSTS
    assert window.query["count"] == ["10"]
    assert [r.path for r in per_post] == [comments_path(SHARE_3), comments_path(UGC_2)]
    assert (
        comments_path(SHARE_3)
        == "/rest/socialActions/urn%3Ali%3Ashare%3A7300000000000000003/comments"
    )
    for request in api.requests:
        assert_token_only_in_header(request)
        assert request.headers["linkedin-version"] == LINKEDIN_VERSION


def test_no_request_is_sent_without_an_access_token(api: FakeApi) -> None:
    api.route("GET", POSTS, posts_page())
    acct = replace(account(api), credentials={"refresh_token": "x"})
    with pytest.raises(SourceConfigError, match="access_token"):
        LinkedInPosts().fetch(HTTP, acct, Cursor())
    assert api.requests == []


# --- how far the posts stream pages --------------------------------------------------------------


def test_the_first_run_takes_one_page_and_marks_its_newest_modification(api: FakeApi) -> None:
    api.route("GET", POSTS, posts_page(post(3, 3000), post(2, 2000), total=40))
    fetched = LinkedInPosts().fetch(HTTP, account(api), Cursor())
    assert fetched.next_page is None
    assert fetched.position == "3000"


def test_a_later_sweep_pages_until_it_reaches_posts_older_than_its_mark(api: FakeApi) -> None:
    api.route("GET", POSTS, posts_page(post(2, 2500), start=2, total=9), match={"start": "2"})
    api.route("GET", POSTS, posts_page(post(5, 5000), post(4, 4000), total=9))
    source = LinkedInPosts(page_size=2)

    done, pages = sweep(source, account(api), Cursor(position="3000"))

    assert [r.query["start"] for r in api.calls(POSTS)] == [["0"], ["2"]]
    assert [p.position for _, p in pages] == ["5000", "5000"]  # a running maximum
    assert done.position == "5000"
    results = events(mapped(source, pages))
    assert [(e.item_id, e.action) for e in results] == [
        ("urn:li:share:5", Action.CREATED),
        ("urn:li:share:4", Action.CREATED),
        ("urn:li:share:2", Action.CREATED),  # older than the mark: a duplicate the runner skips
    ]


def test_a_sweep_with_nothing_new_keeps_its_mark(api: FakeApi) -> None:
    api.route("GET", POSTS, posts_page(post(2, 2000), total=1))
    fetched = LinkedInPosts().fetch(HTTP, account(api), Cursor(position="3000"))
    assert (fetched.next_page, fetched.position) == (None, "3000")


def test_a_restarted_posts_sweep_continues_at_its_offset_and_keeps_its_running_mark(
    api: FakeApi,
) -> None:
    api.route("GET", POSTS, posts_page(post(4, 4500), start=2, total=9), match={"start": "2"})
    api.route("GET", POSTS, posts_page(post(5, 5000), post(4, 4000), total=9))
    first = LinkedInPosts(page_size=2).fetch(HTTP, account(api), Cursor(position="3000"))
    assert first.next_page is not None

    restarted = LinkedInPosts(page_size=2).fetch(
        HTTP, account(api), Cursor(position="3000", page=first.next_page, pending="5000")
    )
    assert api.calls(POSTS)[-1].query["start"] == ["2"]
    assert restarted.position == "5000"


# --- the comments stream: sweeps, restarts, hidden comments --------------------------------------


def test_the_demo_reports_new_and_edited_posts_and_a_hidden_comment(api: FakeApi) -> None:
    posts_source, comments_source = LinkedInPosts(), LinkedInComments()
    acct = account(api)

    demo_run(api, 0)
    posts_1, posts_pages_1 = sweep(posts_source, acct)
    comments_1, comment_pages_1 = sweep(comments_source, acct)
    run_1 = mapped(posts_source, posts_pages_1) + mapped(comments_source, comment_pages_1)

    demo_run(api, 1)
    _, posts_pages_2 = sweep(posts_source, acct, posts_1)
    comments_2, comment_pages_2 = sweep(comments_source, acct, comments_1)
    run_2 = mapped(posts_source, posts_pages_2) + mapped(comments_source, comment_pages_2)
    hidden = comments_source.vanished(vanished_record(comments_1, comments_2), ctx())

    created_1 = [(e.object_kind, e.action) for e in events(run_1)]
    assert (
        created_1
        == [(ObjectKind.POST, Action.CREATED)] * 2 + [(ObjectKind.COMMENT, Action.CREATED)] * 6
    )
    assert [r.reason for r in run_1 if isinstance(r, Ignored)] == [
        "post lifecycle DRAFT, not published"
    ]
    cpr = next(e for e in events(run_1) if "070761-4285" in (e.text or ""))
    assert cpr.item_id == comment_urn(7300000000000001002)

    changed = {(e.item_id, e.action) for e in events(run_2)}
    assert changed >= {
        (SHARE_4, Action.CREATED),
        (UGC_2, Action.EDITED),
        (comment_urn(7300000000000001003), Action.EDITED),
    }
    assert [(e.item_id, e.action, e.idempotency_key) for e in events(hidden)] == [
        (
            comment_urn(7300000000000001004),
            Action.HIDDEN,
            f"linkedin:comment:{comment_urn(7300000000000001004)}:vanished",
        )
    ]
    assert len(hidden) == 1


def test_a_restart_mid_sweep_lists_the_remaining_posts_without_asking_for_the_window_again(
    api: FakeApi,
) -> None:
    demo_run(api, 0)
    acct = account(api)
    window = LinkedInComments().fetch(HTTP, acct, Cursor())
    first = LinkedInComments().fetch(HTTP, acct, Cursor(page=window.next_page))
    api.requests.clear()

    # A new instance (a new Lambda) with only the saved cursor.
    resumed = LinkedInComments().fetch(HTTP, acct, Cursor(page=first.next_page))

    assert [r.path for r in api.requests] == [comments_path(UGC_2)]
    assert resumed.next_page is None
    assert set(resumed.listed) == {
        f"post:{UGC_2}",
        comment_urn(7300000000000002001, "urn:li:activity:7300000000000000102"),
    }


def test_a_post_with_more_comments_than_a_page_is_listed_page_by_page(api: FakeApi) -> None:
    api.route("GET", POSTS, posts_page(post(3, 3000)))
    path = comments_path("urn:li:share:3")
    api.route("GET", path, comments_page(comment(13), start=2, total=3), match={"start": "2"})
    api.route("GET", path, comments_page(comment(11), comment(12), total=3))

    done, pages = sweep(LinkedInComments(page_size=2), account(api))

    assert [r.query["start"] for r in api.calls(path)] == [["0"], ["2"]]
    assert [r.query["count"] for r in api.calls(path)] == [["2"], ["2"]]
    assert set(done.snapshot) == {"post:urn:li:share:3", *(comment_urn(n) for n in (11, 12, 13))}
    assert done.snapshot[comment_urn(11)] == "1795166100000 urn:li:share:3"
    assert len(pages) == 3


def test_an_unreadable_continuation_token_starts_a_new_sweep(api: FakeApi) -> None:
    api.route("GET", POSTS, posts_page())
    fetched = LinkedInComments().fetch(HTTP, account(api), Cursor(page="not a token"))
    assert [r.path for r in api.requests] == [POSTS]
    assert fetched.next_page is None


def test_a_post_deleted_during_the_sweep_is_skipped_and_its_comments_are_not_hidden(
    api: FakeApi,
) -> None:
    api.route("GET", POSTS, posts_page(post(3, 3000), post(2, 2000)))
    gone = {"status": 404, "serviceErrorCode": 100, "message": "Not found"}
    api.route("GET", comments_path("urn:li:share:3"), Reply.json(gone, 404))
    api.route("GET", comments_path("urn:li:share:2"), comments_page(comment(21), total=1))
    source = LinkedInComments()
    before = Cursor(snapshot={"post:urn:li:share:3": "listed", comment_urn(11): "1 urn:li:share:3"})

    done, pages = sweep(source, account(api), before)

    assert [r.reason for r in mapped(source, pages) if isinstance(r, Ignored)] == [
        "post no longer available"
    ]
    results = source.vanished(vanished_record(before, done), ctx())
    assert results
    assert all(isinstance(r, Ignored) for r in results)


def test_a_404_that_is_not_linkedins_not_found_is_rejected(api: FakeApi) -> None:
    api.route("GET", comments_path("urn:li:share:3"), Reply(404, b"<html>not here</html>"))
    with pytest.raises(Rejected) as caught:
        LinkedInComments().fetch(
            HTTP, account(api), Cursor(page='{"v":1,"posts":["urn:li:share:3"],"start":0}')
        )
    assert caught.value.status == 404


# --- failures ------------------------------------------------------------------------------------


@pytest.mark.parametrize("source", [LinkedInPosts(), LinkedInComments()], ids=lambda s: s.stream)
def test_429_is_rate_limited_for_as_long_as_retry_after_says(
    api: FakeApi, source: LinkedInPosts | LinkedInComments
) -> None:
    api.route("GET", POSTS, Reply.file(DEMO / "throttled.json", 429, **{"Retry-After": "120"}))
    with pytest.raises(RateLimited) as caught:
        source.fetch(HTTP, account(api), Cursor())
    assert caught.value.retry_after == timedelta(seconds=120)
    assert TOKEN not in str(caught.value)


@pytest.mark.parametrize("status", [500, 503])
def test_a_server_error_is_transient(api: FakeApi, status: int) -> None:
    api.route("GET", POSTS, Reply.json({"message": "oops"}, status))
    with pytest.raises(Transient):
        LinkedInPosts().fetch(HTTP, account(api), Cursor())


def test_a_timeout_is_transient(api: FakeApi) -> None:
    api.route("GET", POSTS, Reply(200, b"{}", delay=0.3))
    with pytest.raises(Transient, match="timed out"):
        LinkedInPosts(timeout=0.1).fetch(HTTP, account(api), Cursor())


@pytest.mark.parametrize(
    "body",
    [b"<html>maintenance</html>", b'{"paging": {}}', b"[]"],
    ids=["html", "no-elements", "list"],
)
def test_an_answer_that_is_not_a_collection_is_malformed_and_kept(
    api: FakeApi, body: bytes
) -> None:
    api.route("GET", POSTS, Reply(200, body, {"Content-Type": "application/json"}))
    with pytest.raises(Malformed) as caught:
        LinkedInPosts().fetch(HTTP, account(api), Cursor())
    assert caught.value.body == body


def test_a_revoked_token_is_rejected(api: FakeApi) -> None:
    api.route("GET", POSTS, Reply.json({"status": 401, "message": "Invalid access token"}, 401))
    with pytest.raises(Rejected) as caught:
        LinkedInComments().fetch(HTTP, account(api), Cursor())
    assert caught.value.status == 401
    assert TOKEN not in str(caught.value)
