"""LinkedIn's polled streams: the organisation's own posts, and the comments under its recent posts.

Both use the versioned REST API (`/rest/…`) with `LinkedIn-Version` and Rest.li 2.0 headers and
the account's `access_token` as a bearer token, never in the URL. URNs in paths are URL-encoded;
in query strings the HTTP client encodes them.

- `LinkedInPosts` (`linkedin.posts`) reads `GET /rest/posts?q=author&author=<org>` newest first,
  `sortBy=LAST_MODIFIED` (the Posts API finder's sort, widely used in public clients; the
  recorded demo assumes the API honours it). It pages until a page reaches posts modified before
  the last complete sweep's mark, so edits of older posts are found too. The first run takes one
  page. The position is the highest `lastModifiedAt` seen (epoch ms).
- `LinkedInComments` (`linkedin.comments`) finds hidden comments by comparing listings: it lists
  the `window` most recent posts, then each post's comments (`/rest/socialActions/{urn}/comments`),
  one post per page. The continuation token carries the posts still to list and the offset in the
  current one, so a restart mid-sweep continues where it stopped. Replies to comments are not
  listed (they have their own `…/comments` collection): a hidden reply is not found.
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from uppsikt.model.events import Ignored, Platform
from uppsikt.platforms.delivery import DeliveryContext, read_json
from uppsikt.platforms.errors import Unmappable
from uppsikt.platforms.linkedin import comments, posts
from uppsikt.platforms.mappers import Result
from uppsikt.polling.errors import Malformed
from uppsikt.polling.http import DEFAULT_TIMEOUT, checked, get_json, json_body
from uppsikt.polling.ports import Cursor, Fetched, Http, HttpRequest, HttpResponse, PollAccount
from uppsikt.polling.sources._common import (
    bearer,
    endpoint,
    parsed,
    read_token,
    required_credential,
    write_token,
)
from uppsikt.polling.sources.windowed import WindowToken

API_BASE = "https://api.linkedin.com"
LINKEDIN_VERSION = "202411"  # the Marketing API version these shapes were written against
POSTS_PAGE = 10
COMMENTS_PAGE = 50
WINDOW = 10
_COMMENTS_TOKEN = WindowToken("posts", "start", 0)  # `start`: the offset in a post's comments


def headers(account: PollAccount) -> dict[str, str]:
    return {
        **bearer(required_credential(account, "access_token")),
        "LinkedIn-Version": LINKEDIN_VERSION,
        "X-Restli-Protocol-Version": "2.0.0",
    }


def organisation(account: PollAccount) -> str:
    """The organisation's URN, from a registry id written as a URN or as a bare number."""
    return posts.account_urns(account.platform_account_id)[0]


def _url(account: PollAccount, path: str) -> str:
    return endpoint(account.api_base or API_BASE, path)


def _posts_request(account: PollAccount, *, start: int, count: int) -> HttpRequest:
    params = (
        ("q", "author"),
        ("author", organisation(account)),
        ("sortBy", "LAST_MODIFIED"),
        ("start", str(start)),
        ("count", str(count)),
    )
    return HttpRequest("GET", _url(account, "/rest/posts"), params, headers(account))


def _elements(response: HttpResponse, data: Any, what: str) -> list[Any]:
    try:
        return posts.elements(data)
    except ValueError as exc:
        raise Malformed(f"{what}: not a collection", response.body) from exc


def _more(data: Mapping[str, Any], start: int, got: int, asked: int) -> bool:
    """Whether a collection has items after this page: by `paging.total` where given."""
    paging = data.get("paging")
    total = paging.get("total") if isinstance(paging, Mapping) else None
    if isinstance(total, int) and not isinstance(total, bool):
        return start + got < total
    return got >= asked


def _int(value: object) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.isdigit():
        return int(value)
    return None


@dataclass(frozen=True)
class LinkedInPosts:
    """The organisation's own posts, newest modification first."""

    timeout: float = DEFAULT_TIMEOUT
    page_size: int = POSTS_PAGE

    @property
    def platform(self) -> Platform:
        return Platform.LINKEDIN

    @property
    def stream(self) -> str:
        return "linkedin.posts"

    @property
    def diffs_listings(self) -> bool:
        return False

    def fetch(self, http: Http, account: PollAccount, cursor: Cursor) -> Fetched:
        state = read_token(cursor.page) or {}
        start = _int(state.get("start")) or 0
        since = _int(cursor.position)
        request = _posts_request(account, start=start, count=self.page_size)
        response, data = get_json(http, request, "linkedin posts", self.timeout)
        items = _elements(response, data, "linkedin posts")
        times = [t for t in (_int(_get(e, "lastModifiedAt")) for e in items) if t is not None]
        high = max(
            [t for t in (since, _int(state.get("high")), *times) if t is not None], default=0
        )
        more = (
            since is not None  # the first run takes one page
            and bool(times)
            and min(times) > since  # newest first: older pages were read in earlier sweeps
            and _more(data, start, len(items), self.page_size)
        )
        return Fetched(
            body=response.body,
            next_page=write_token(start=start + len(items), high=high) if more else None,
            position=str(high) if high else None,
        )

    def map(self, body: bytes, ctx: DeliveryContext, cursor: Cursor) -> list[Result]:
        return list(posts.normalise_posts(body, ctx, since=_int(cursor.position)))

    def vanished(self, body: bytes, ctx: DeliveryContext) -> list[Result]:
        return []


@dataclass(frozen=True)
class LinkedInComments:
    """Comments on the organisation's `window` most recent posts, diffed between sweeps."""

    timeout: float = DEFAULT_TIMEOUT
    window: int = WINDOW
    page_size: int = COMMENTS_PAGE

    @property
    def platform(self) -> Platform:
        return Platform.LINKEDIN

    @property
    def stream(self) -> str:
        return "linkedin.comments"

    @property
    def diffs_listings(self) -> bool:
        return True

    def fetch(self, http: Http, account: PollAccount, cursor: Cursor) -> Fetched:
        remaining = _COMMENTS_TOKEN.read(cursor.page)
        if remaining is None:
            return self._window(http, account)
        queue = remaining.parents
        post, start = queue[0], _int(remaining.place) or 0
        path = urllib.parse.quote(post, safe="")
        request = HttpRequest(
            "GET",
            _url(account, f"/rest/socialActions/{path}/comments"),
            (("start", str(start)), ("count", str(self.page_size))),
            headers(account),
        )
        response = http.send(request, timeout=self.timeout)
        if response.status == 404 and _is_not_found(parsed(response.body)):
            # The post was deleted since the window was listed: skip it, or the sweep would stop
            # here for ever. Its comments are not listed, and its marker neither, so they are
            # not reported as hidden.
            return Fetched(response.body, _COMMENTS_TOKEN.then(queue, None), None)
        response = checked(response, "linkedin comments")
        data = json_body(response, "linkedin comments")
        items = _elements(response, data, "linkedin comments")
        more = bool(items) and _more(data, start, len(items), self.page_size)
        next_page = _COMMENTS_TOKEN.then(queue, start + len(items) if more else None)
        return Fetched(response.body, next_page, None, comments.listing(data, post))

    def _window(self, http: Http, account: PollAccount) -> Fetched:
        """A sweep's first page: the posts whose comments it will list."""
        request = _posts_request(account, start=0, count=self.window)
        response, data = get_json(http, request, "linkedin posts", self.timeout)
        urns: list[str] = []
        for element in _elements(response, data, "linkedin posts"):
            if _get(element, "lifecycleState") not in (None, posts.PUBLISHED):
                continue  # drafts and failed posts have no comments
            try:
                urn = posts.urn_field(_get(element, "id"), "id")
            except Unmappable:  # an unreadable post simply has no comments listed
                continue
            if urn not in urns:
                urns.append(urn)
        return Fetched(response.body, _COMMENTS_TOKEN.begin(urns), None)

    def map(self, body: bytes, ctx: DeliveryContext, cursor: Cursor) -> list[Result]:
        data = read_json(body)
        if _is_not_found(data):
            return [Ignored(platform=Platform.LINKEDIN, reason="post no longer available")]
        if _is_posts_listing(data):
            return []  # the sweep's window: its posts are the posts stream's business
        return list(comments.normalise_comments(data, ctx, cursor.snapshot))

    def vanished(self, body: bytes, ctx: DeliveryContext) -> list[Result]:
        return list(comments.normalise_vanished(body, ctx))


def _get(element: object, name: str) -> object:
    return element.get(name) if isinstance(element, Mapping) else None


def _is_not_found(data: object) -> bool:
    return isinstance(data, Mapping) and "elements" not in data and data.get("status") == 404


def _is_posts_listing(data: object) -> bool:
    # Post ids are share or ugcPost URNs; a comment's `id` is a bare number.
    items = data.get("elements") if isinstance(data, Mapping) else None
    return (
        isinstance(items, list)
        and bool(items)
        and all(isinstance(_get(e, "id"), str) and _is_post_urn(str(_get(e, "id"))) for e in items)
    )


def _is_post_urn(value: str) -> bool:
    return value.startswith(("urn:li:share:", "urn:li:ugcPost:"))
