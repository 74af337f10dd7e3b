"""`youtube.comments`: every comment on a channel's videos, polled (platforms.md §3.4).

Sweeps are always complete. A sweep reads every page of
`commentThreads.list?part=snippet,replies&allThreadsRelatedToChannelId=…&order=time`, and after
each threads page every page of `comments.list?parentId=…` for that page's threads with more
replies than the thread inlines. It does not stop at the last sweep's mark, because:
- deletions show only as ids missing from a complete listing (`diffs_listings`): a sweep that
  stopped at old threads would have every older comment reported deleted;
- `order=time` orders threads by their top-level comment, so a new reply or an edit on an old
  thread sits as deep in the listing as the thread; an early stop would miss it;
- a thread inlines only a few replies, so without `comments.list` its other replies would look
  deleted. Those pages are part of the sweep; their items carry no `videoId`, so replies first
  seen there have no `post_id` (their `parent_id` names the thread).
Edits need no snapshot: the mapper keys a comment by its `updatedAt`, so an edit is a new key
(action EDITED) and an unchanged comment listed again is a duplicate the runner skips. A comment
held for review or removed as spam also leaves the listing, so it is reported DELETED too.

`Cursor.page` is this module's own JSON (next threads token, the current page's threads whose
replies are still to be read, the replies token, pages so far). A sweep that passes `max_pages`
raises `SweepTooLong`: a quota guard that stops the stream loudly rather than burn the day's
quota or end the sweep short and report the rest as deleted.

`position` is the newest `updatedAt` seen: a freshness mark for operators, not a sweep bound.

Quota: each list call costs 1 unit (default 10,000 a day per project). A sweep costs
ceil(threads / 100) + the sum of ceil(replies / 100) over threads with more replies than
inlined. 2,000 threads of which 40 have long reply chains: 20 + 40 = 60 units, so a sweep every
15 minutes (96 a day) uses 5,760. Size each channel's schedule from that.

Credentials: `access_token` (OAuth, sent as a Bearer header; needed to see held comments), else
`api_key` (sent as the `key` query parameter). Neither ever appears in an error message.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Any

from uppsikt.model.events import Action, ObjectKind, Platform
from uppsikt.platforms.delivery import DeliveryContext
from uppsikt.platforms.errors import Unmappable
from uppsikt.platforms.mappers import Result
from uppsikt.platforms.youtube import _fields
from uppsikt.platforms.youtube.comments import (
    COMMENTS_KIND,
    THREADS_KIND,
    listed_ids,
    normalise_comment_threads,
    normalise_comments,
)
from uppsikt.polling.errors import Malformed, PollError, RateLimited
from uppsikt.polling.http import DEFAULT_TIMEOUT, checked, json_body, retry_after
from uppsikt.polling.ports import Cursor, Fetched, Http, HttpRequest, HttpResponse, PollAccount
from uppsikt.polling.sources._common import (
    SourceConfigError,
    bearer,
    carried_marks,
    credential,
    endpoint,
    newest_time,
    parsed,
)

DEFAULT_BASE = "https://www.googleapis.com/youtube/v3"
PAGE_SIZE = 100  # the API's maximum for both lists
MAX_SWEEP_PAGES = 2000  # 2,000 units: a fifth of the default daily quota in one sweep

# The API's own quota answers (403): the daily quota resets at midnight Pacific time.
_DAILY_QUOTA = {"quotaExceeded", "dailyLimitExceeded"}
_SHORT_QUOTA = {"rateLimitExceeded", "userRateLimitExceeded"}
# 08:00 UTC is midnight PST and 01:00 PDT: never before the reset, at most an hour after it,
# and no time-zone database needed in the Lambda.
_QUOTA_RESET_UTC = time(8, 0)

Auth = tuple[tuple[tuple[str, str], ...], dict[str, str]]  # query parameters, headers


class SweepTooLong(PollError):
    """A sweep passed its page cap. The cursor stays, so the stream stops until an operator
    raises the cap or polls the channel less often."""


@dataclass(frozen=True)
class _Next:
    """Where a sweep goes next; stored as `Cursor.page`."""

    threads: str | None  # next threads page token; "" for the first page, None when none is left
    queue: tuple[str, ...] = ()  # threads whose replies are still to be listed, in order
    replies: str | None = None  # next replies page token for queue[0]
    pages: int = 0  # pages fetched so far in this sweep

    @property
    def done(self) -> bool:
        return self.threads is None and not self.queue

    def encode(self) -> str:
        return json.dumps(
            {
                "threads": self.threads,
                "queue": self.queue,
                "replies": self.replies,
                "n": self.pages,
            },
            separators=(",", ":"),
        )

    @classmethod
    def decode(cls, page: str | None) -> _Next:
        """The saved continuation. One that cannot be read restarts the sweep: the runner's
        listing of this sweep only grows, so a restart makes nothing look deleted."""
        if page is None:
            return cls("")
        try:
            data = json.loads(page)
        except ValueError:
            return cls("")
        if not isinstance(data, dict):
            return cls("")
        threads, queue, replies, pages = (data.get(k) for k in ("threads", "queue", "replies", "n"))
        if (
            isinstance(threads, str | None)
            and isinstance(replies, str | None)
            and isinstance(queue, list)
            and all(isinstance(q, str) for q in queue)
            and isinstance(pages, int)
        ):
            return cls(threads, tuple(queue), replies, pages)
        return cls("")


class YouTubeComments:
    """Comment threads and replies on everything a channel publishes (see the module doc)."""

    def __init__(self, *, timeout: float = DEFAULT_TIMEOUT, max_pages: int = MAX_SWEEP_PAGES):
        self._timeout = timeout
        self._max_pages = max_pages

    @property
    def platform(self) -> Platform:
        return Platform.YOUTUBE

    @property
    def stream(self) -> str:
        return "youtube.comments"

    @property
    def diffs_listings(self) -> bool:
        return True

    # --- fetching ----------------------------------------------------------------------------

    def fetch(self, http: Http, account: PollAccount, cursor: Cursor) -> Fetched:
        state = _Next.decode(cursor.page if cursor.mid_sweep else None)
        base = account.api_base or DEFAULT_BASE
        auth = _auth(account)
        while True:
            if state.pages >= self._max_pages:
                raise SweepTooLong(
                    f"{self.stream}: sweep passed {self._max_pages} pages without finishing"
                )
            request, what, sent = _request(state, base, account.platform_account_id, auth)
            response = self._send(http, request, what)
            if not (state.queue and response.status == 404 and _is_not_found(response.body)):
                break
            # The thread went between its page and this one, and its replies with it (they will
            # be reported deleted). Skipping it keeps the sweep from sticking here.
            state = _Next(state.threads, state.queue[1:], None, state.pages + 1)
            if state.done:  # nothing left to ask: the sweep ends on YouTube's own answer
                return Fetched(response.body, None, _mark(cursor, {}))

        response = checked(response, what)
        data = json_body(response, what)
        items = _items(data, COMMENTS_KIND if state.queue else THREADS_KIND, what, response.body)
        token = _next_token(data)
        if token is not None and token == sent:
            raise Malformed(f"{what}: the next page token repeats this page's", response.body)
        if state.queue:
            queue = state.queue if token else state.queue[1:]
            state = _Next(state.threads, queue, token, state.pages + 1)
        else:
            state = _Next(token, tuple(_overflowing(items)), None, state.pages + 1)
        listed = _listed(data, items)
        return Fetched(
            body=response.body,
            next_page=None if state.done else state.encode(),
            position=_mark(cursor, listed),
            listed=listed,
        )

    def _send(self, http: Http, request: HttpRequest, what: str) -> HttpResponse:
        response = http.send(request, timeout=self._timeout)
        if response.status == 403:
            reasons = _error_reasons(response.body)
            if reasons & _DAILY_QUOTA:
                raise RateLimited(_until_quota_reset(datetime.now(UTC)), f"{what}: daily quota")
            if reasons & _SHORT_QUOTA:
                raise RateLimited(retry_after(response.headers), f"{what}: rate limit")
        return response

    # --- mapping -----------------------------------------------------------------------------

    def map(self, body: bytes, ctx: DeliveryContext, cursor: Cursor) -> list[Result]:
        if _is_not_found(body):
            return []  # the 404 that ended a sweep on a vanished thread (see `fetch`)
        data = json.loads(body)
        if isinstance(data, Mapping) and data.get("kind") == COMMENTS_KIND:
            results: list[Result] = list(normalise_comments(data, ctx))
        else:
            results = list(normalise_comment_threads(data, ctx))
        return results

    def vanished(self, body: bytes, ctx: DeliveryContext) -> list[Result]:
        """A DELETED comment per vanished id, in the record's order (raw pointer = its index)."""
        _fields.check_context(ctx)
        data = json.loads(body)
        if not isinstance(data, Mapping) or data.get("stream") != self.stream:
            raise ValueError(f"not a {self.stream} vanished record")
        entries = data.get("vanished")
        if not isinstance(entries, list):
            raise ValueError("the vanished record has no vanished list")
        results: list[Result] = []
        for index, entry in enumerate(entries):
            try:
                results.append(_deleted(entry, ctx, index))
            except Unmappable as exc:
                results.append(exc)
        return results


def _deleted(entry: object, ctx: DeliveryContext, index: int) -> Result:
    comment_id = _fields.youtube_id(_fields.mapping(entry, "vanished entry").get("id"), "id")
    return _fields.event(
        ctx,
        index,
        0,
        object_kind=ObjectKind.COMMENT,
        action=Action.DELETED,
        item_id=comment_id,
        idempotency_key=f"youtube:comment:{comment_id}:deleted",
    )


# --- request and response details ----------------------------------------------------------------


def _auth(account: PollAccount) -> Auth:
    token = credential(account, "access_token")
    if token is not None:
        return (), bearer(token)
    key = credential(account, "api_key")
    if key is not None:
        return (("key", key),), {"Accept": "application/json"}
    raise SourceConfigError(account.account_key, "the secret has neither access_token nor api_key")


def _request(
    state: _Next, base: str, channel: str, auth: Auth
) -> tuple[HttpRequest, str, str | None]:
    """The request `state` asks for next, what to call it in errors, and the page token sent."""
    params, headers = auth
    asked: tuple[tuple[str, str], ...]
    if state.queue:
        sent = state.replies
        asked = (("part", "snippet"), ("parentId", state.queue[0]))
        path, what = "/comments", "youtube comments.list"
    else:
        sent = state.threads or None
        asked = (
            ("part", "snippet,replies"),
            ("allThreadsRelatedToChannelId", channel),
            ("order", "time"),
        )
        path, what = "/commentThreads", "youtube commentThreads.list"
    query = (*asked, ("maxResults", str(PAGE_SIZE)), *_token(sent), *params)
    return HttpRequest("GET", endpoint(base, path), params=query, headers=headers), what, sent


def _token(token: str | None) -> tuple[tuple[str, str], ...]:
    return (("pageToken", token),) if token else ()


def _items(data: Any, kind: str, what: str, body: bytes) -> list[Any]:
    if not isinstance(data, Mapping) or data.get("kind", kind) != kind:
        raise Malformed(f"{what}: not a {kind}", body)
    items = data.get("items")
    if not isinstance(items, list):
        raise Malformed(f"{what}: no items list", body)
    return items


def _next_token(data: Mapping[str, Any]) -> str | None:
    token = data.get("nextPageToken")
    return token if isinstance(token, str) and token else None


def _overflowing(threads: list[Any]) -> Iterator[str]:
    """Threads with more replies than they inline: their replies need `comments.list`."""
    for thread in threads:
        if not isinstance(thread, Mapping) or not isinstance(thread.get("snippet"), Mapping):
            continue
        total = thread["snippet"].get("totalReplyCount")
        replies = thread.get("replies")
        inlined = replies.get("comments") if isinstance(replies, Mapping) else None
        count = len(inlined) if isinstance(inlined, list) else 0
        if isinstance(total, int) and total > count:
            try:
                yield _fields.youtube_id(thread.get("id"), "thread id")
            except Unmappable:
                continue  # the mapper reports the thread itself


def _listed(data: Mapping[str, Any], items: list[Any]) -> dict[str, str]:
    """Every comment id the page lists (as `listed_ids` counts them, mapped or not) with its
    fingerprint, `updatedAt` as sent: an edit changes it."""
    stamps = dict(_stamps(items))
    return {comment_id: stamps.get(comment_id, "") for comment_id in sorted(listed_ids(data))}


def _stamps(items: list[Any]) -> Iterator[tuple[str, str]]:
    for item in items:
        if not isinstance(item, Mapping):
            continue
        snippet = item.get("snippet")
        top = snippet.get("topLevelComment") if isinstance(snippet, Mapping) else None
        # A thread is listed under its own id and its top-level comment's (the same id).
        stamp = _stamp(top) if isinstance(top, Mapping) else _stamp(item)
        for comment_id in (item.get("id"), top.get("id") if isinstance(top, Mapping) else None):
            if isinstance(comment_id, str):
                yield comment_id.strip(), stamp
        replies = item.get("replies")
        comments = replies.get("comments") if isinstance(replies, Mapping) else None
        if isinstance(comments, list):
            yield from _stamps(comments)


def _stamp(comment: Mapping[str, Any]) -> str:
    snippet = comment.get("snippet")
    if not isinstance(snippet, Mapping):
        return ""
    for name in ("updatedAt", "publishedAt"):
        value = snippet.get(name)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return ""


def _mark(cursor: Cursor, listed: Mapping[str, str]) -> str | None:
    return newest_time((*carried_marks(cursor), *listed.values()))


def _error_reasons(body: bytes) -> set[str]:
    """The `reason`s of a Google API error body (`{"error": {"errors": [{"reason"}]}}`)."""
    data = parsed(body)
    error = data.get("error") if isinstance(data, Mapping) else None
    errors = error.get("errors") if isinstance(error, Mapping) else None
    if not isinstance(errors, list):
        return set()
    return {
        e["reason"] for e in errors if isinstance(e, Mapping) and isinstance(e.get("reason"), str)
    }


def _is_not_found(body: bytes) -> bool:
    """Google's own 404 error body (a proxy's HTML 404 is not "the thread is gone")."""
    data = parsed(body)
    if not isinstance(data, Mapping) or "items" in data:
        return False
    error = data.get("error")
    return isinstance(error, Mapping) and error.get("code") == 404


def _until_quota_reset(now: datetime) -> timedelta:
    reset = datetime.combine(now.date(), _QUOTA_RESET_UTC, UTC)
    if reset <= now:
        reset += timedelta(days=1)
    return reset - now
