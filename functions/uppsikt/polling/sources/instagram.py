"""Instagram's polled streams (Graph API): comment edits, hides and deletions, and mention lookups.

Both send the account's `access_token` as a bearer token, never in the URL; for the same reason
`paging.next` (a URL that carries the token) is never followed, only its `after` cursor.
Usernames are never requested (`from{id}` only): they would be stored in the raw bodies, and
nothing downstream may use them.

- `InstagramComments` (`instagram.comments`) lists the `window` most recent media, then, one page
  per request, the comments of each media that has comments (or had some in the last complete
  sweep, so that their deletion is seen). The continuation token carries the media still to list
  and the `after` cursor within the current one, so a restart mid-sweep continues where it
  stopped. The position counts complete sweeps; the mapper keys hide transitions with it.
- `InstagramMentionLookup` (`instagram.mentions`) fetches the text and author of a mention the
  webhook announced with ids only; a reference is `{media_id}:{comment_id or '-'}`.

The Graph API answers most rate limits with 400/403 and an error code rather than 429; those are
`RateLimited` too, waiting as long as `X-Business-Use-Case-Usage` asks (else `Retry-After`).
"""

from __future__ import annotations

import json
import re
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from uppsikt.model.events import Ignored, Platform
from uppsikt.platforms.delivery import DeliveryContext, read_json
from uppsikt.platforms.mappers import Result
from uppsikt.platforms.meta import instagram_poll
from uppsikt.platforms.meta.normalise import MENTIONS_STREAM, NO_COMMENT
from uppsikt.polling.errors import Malformed, RateLimited, Rejected
from uppsikt.polling.http import (
    DEFAULT_TIMEOUT,
    MAX_RETRY_AFTER,
    checked,
    json_body,
    retry_after,
)
from uppsikt.polling.ports import Cursor, Fetched, Http, HttpRequest, HttpResponse, PollAccount
from uppsikt.polling.sources._common import bearer, endpoint, parsed, required_credential
from uppsikt.polling.sources.windowed import WindowToken

API_BASE = "https://graph.facebook.com/v21.0"
WINDOW = 25
COMMENTS_PAGE = 50
_AUTHOR = "from{id}"
_COMMENT_FIELDS = f"id,text,timestamp,hidden,{_AUTHOR},parent_id"
COMMENT_FIELDS = f"{_COMMENT_FIELDS},media{{id}},replies{{{_COMMENT_FIELDS}}}"
MEDIA_FIELDS = "id,timestamp,comments_count,media_type"
MENTIONED_COMMENT = (
    "mentioned_comment.comment_id({comment}){{id,text,timestamp,{author},media{{id}}}}"
)
MENTIONED_MEDIA = "mentioned_media.media_id({media}){{id,caption,timestamp,media_type}}"
# Graph API error codes that mean "slow down": app, user, page and business-use-case limits.
_RATE_LIMIT_CODES = frozenset({4, 17, 32, 613, 80002})
_DIGITS = re.compile(r"[0-9]{1,40}")
_TOKEN = WindowToken("media", "after", None)  # `after`: the Graph API's page cursor


def headers(account: PollAccount) -> dict[str, str]:
    return bearer(required_credential(account, "access_token"))


def _url(account: PollAccount, *path: str) -> str:
    quoted = "".join("/" + urllib.parse.quote(part, safe="") for part in path)
    return endpoint(account.api_base or API_BASE, quoted)


def _error(response: HttpResponse) -> Mapping[str, Any]:
    data = parsed(response.body)
    error = data.get("error") if isinstance(data, dict) else None
    return error if isinstance(error, dict) else {}


def _regain(response: HttpResponse) -> timedelta:
    """`estimated_time_to_regain_access` (minutes) of `X-Business-Use-Case-Usage`, else the
    usual headers."""
    try:
        usage = json.loads(response.headers.get("x-business-use-case-usage") or "{}")
    except ValueError:
        usage = {}
    minutes = [
        entry.get("estimated_time_to_regain_access")
        for entries in (usage.values() if isinstance(usage, dict) else [])
        if isinstance(entries, list)
        for entry in entries
        if isinstance(entry, dict)
    ]
    wait = max((m for m in minutes if isinstance(m, int) and m > 0), default=0)
    if wait:
        return min(timedelta(minutes=wait), MAX_RETRY_AFTER)
    return retry_after(response.headers)


def graph_checked(response: HttpResponse, what: str) -> HttpResponse:
    """As `checked`, with the Graph API's rate-limit error codes read as `RateLimited`."""
    if not 200 <= response.status < 300 and _error(response).get("code") in _RATE_LIMIT_CODES:
        raise RateLimited(_regain(response), f"{what}: Graph API rate limit")
    return checked(response, what)


def _gone(response: HttpResponse) -> bool:
    return response.status == 400 and instagram_poll.is_gone({"error": _error(response)})


def _items(response: HttpResponse, what: str) -> tuple[Mapping[str, Any], list[Any]]:
    data = json_body(response, what)
    try:
        return data, instagram_poll.data_list(data)
    except ValueError as exc:
        raise Malformed(f"{what}: not a Graph API edge", response.body) from exc


def _sweep(position: str | None) -> int:
    return int(position) if position is not None and position.isdigit() else 0


@dataclass(frozen=True)
class InstagramComments:
    """Comments (and inlined replies) on the `window` most recent media, diffed between sweeps."""

    timeout: float = DEFAULT_TIMEOUT
    window: int = WINDOW
    page_size: int = COMMENTS_PAGE

    @property
    def platform(self) -> Platform:
        return Platform.INSTAGRAM

    @property
    def stream(self) -> str:
        return "instagram.comments"

    @property
    def diffs_listings(self) -> bool:
        return True

    def fetch(self, http: Http, account: PollAccount, cursor: Cursor) -> Fetched:
        remaining = _TOKEN.read(cursor.page)
        if remaining is None:
            return self._window(http, account, cursor)
        queue = remaining.parents
        media, after = queue[0], remaining.place
        params = [("fields", COMMENT_FIELDS), ("limit", str(self.page_size))]
        if isinstance(after, str) and after:
            params.append(("after", after))
        request = HttpRequest(
            "GET", _url(account, media, "comments"), tuple(params), headers(account)
        )
        response = http.send(request, timeout=self.timeout)
        if _gone(response):
            # Deleted since the window was listed: skip it, or the sweep would stop here for ever.
            # Its marker is not listed, so its comments are not reported as deleted one by one.
            return Fetched(response.body, _TOKEN.then(queue, None), None)
        response = graph_checked(response, "instagram comments")
        data, _ = _items(response, "instagram comments")
        next_page = _TOKEN.then(queue, _after(response, data))
        return Fetched(response.body, next_page, None, instagram_poll.listing(data, media))

    def _window(self, http: Http, account: PollAccount, cursor: Cursor) -> Fetched:
        """A sweep's first page: the recent media, and which of them to list comments of."""
        request = HttpRequest(
            "GET",
            _url(account, account.platform_account_id, "media"),
            (("fields", MEDIA_FIELDS), ("limit", str(self.window))),
            headers(account),
        )
        response = graph_checked(http.send(request, timeout=self.timeout), "instagram media")
        _, items = _items(response, "instagram media")
        had_comments = {
            media
            for print_ in cursor.snapshot.values()
            if (media := instagram_poll.media_of(print_)) is not None
        }
        queue: list[str] = []
        for item in items:
            media_id = item.get("id") if isinstance(item, Mapping) else None
            if not isinstance(media_id, str) or not _DIGITS.fullmatch(media_id):
                continue
            count = item.get("comments_count")
            has_comments = not isinstance(count, int) or count > 0
            if (has_comments or media_id in had_comments) and media_id not in queue:
                queue.append(media_id)
        return Fetched(
            response.body,
            _TOKEN.begin(queue),
            str(_sweep(cursor.position) + 1),  # this sweep's number, committed when it completes
        )

    def map(self, body: bytes, ctx: DeliveryContext, cursor: Cursor) -> list[Result]:
        data = read_json(body)
        if instagram_poll.is_gone(data):
            return [Ignored(platform=Platform.INSTAGRAM, reason="media no longer available")]
        if _is_media_listing(data):
            return []  # the sweep's window; new media are not this stream's business
        sweep = str(_sweep(cursor.position))
        return list(instagram_poll.normalise_comments(data, ctx, cursor.snapshot, sweep=sweep))

    def vanished(self, body: bytes, ctx: DeliveryContext) -> list[Result]:
        return list(instagram_poll.normalise_vanished(body, ctx))


@dataclass(frozen=True)
class InstagramMentionLookup:
    """Text and author of a mention, by `{media_id}:{comment_id or '-'}`."""

    timeout: float = DEFAULT_TIMEOUT

    @property
    def platform(self) -> Platform:
        return Platform.INSTAGRAM

    @property
    def stream(self) -> str:
        return MENTIONS_STREAM

    def fetch_one(self, http: Http, account: PollAccount, ref: str) -> Fetched:
        media, comment = _parse_ref(ref)
        if comment == NO_COMMENT:
            fields = MENTIONED_MEDIA.format(media=media)
        else:
            fields = MENTIONED_COMMENT.format(comment=comment, author=_AUTHOR)
        request = HttpRequest(
            "GET",
            _url(account, account.platform_account_id),
            (("fields", fields),),
            headers(account),
        )
        response = http.send(request, timeout=self.timeout)
        if _gone(response):
            # The mentioning comment or media was deleted before we looked. The Graph API says so
            # with 400 (code 100, subcode 33); 404 is how the runner hears "gone, done".
            raise Rejected(404, "instagram mention: the mentioning item no longer exists")
        response = graph_checked(response, "instagram mention")
        if not isinstance(json_body(response, "instagram mention"), dict):
            raise Malformed("instagram mention: not a JSON object", response.body)
        return Fetched(response.body, None, None)

    def map(self, body: bytes, ctx: DeliveryContext, cursor: Cursor) -> list[Result]:
        return list(instagram_poll.normalise_mention(body, ctx))


def _parse_ref(ref: str) -> tuple[str, str]:
    """`ValueError` for a reference that is not two Graph ids: they go into the `fields`
    expression, so nothing else may."""
    media, sep, comment = ref.partition(":")
    if (
        not sep
        or not _DIGITS.fullmatch(media)
        or not (comment == NO_COMMENT or _DIGITS.fullmatch(comment))
    ):
        raise ValueError("an Instagram mention reference is `{media_id}:{comment_id or '-'}`")
    return media, comment


def _after(response: HttpResponse, data: Mapping[str, Any]) -> str | None:
    """The `after` cursor when a next page exists (`paging.next` is present): from
    `paging.cursors`, else read out of the `next` URL (which is never requested itself)."""
    paging = data.get("paging")
    if not isinstance(paging, Mapping) or not paging.get("next"):
        return None
    cursors = paging.get("cursors")
    after = cursors.get("after") if isinstance(cursors, Mapping) else None
    following = paging["next"]
    if not (isinstance(after, str) and after) and isinstance(following, str):
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(following).query)
        after = next(iter(query.get("after", [])), None)
    if not (isinstance(after, str) and after):
        # Moving on would leave this media's later comments unlisted, and they would be
        # reported deleted: stop the stream loudly instead.
        raise Malformed("instagram comments: a next page without an after cursor", response.body)
    return after


def _is_media_listing(data: object) -> bool:
    # Media carry `media_type`/`comments_count` (asked for) and never `text`; comments always
    # carry `text` and never those two.
    items = data.get("data") if isinstance(data, Mapping) else None
    return (
        isinstance(items, list)
        and bool(items)
        and all(
            isinstance(i, Mapping)
            and "text" not in i
            and ("media_type" in i or "comments_count" in i)
            for i in items
        )
    )
