"""`mastodon.notifications`: mentions and quotes of an organisation's account on a Mastodon
instance it does not run (platforms.md §5.2: no webhooks there).

`GET /api/v1/notifications?types[]=mention&types[]=quote&limit=40&min_id=<position>`. With
`min_id`, Mastodon answers the page immediately newer than that id, so the sweep climbs from
the last sweep's position: each page's largest id is both the next `min_id` and the new
position. A full page means there may be more; a short or empty one ends the sweep. The first
run ever (no position) has no `min_id` and gets the newest page, then climbs from there: no
back-fill. Nothing is diffed, so `vanished` is always empty.

Ids are snowflakes on Mastodon (compared as numbers when both are digits) and sortable strings
on some other servers (compared as strings).

Rate limits. A 429 raises `RateLimited` with the wait from `Retry-After`/`X-RateLimit-Reset`.
A 200 with `X-RateLimit-Remaining: 0` is still a good page: it is returned, and the sweep ends
there (its position is committed, and `min_id` paging resumes from exactly that id, so ending a
sweep early skips nothing). Until the reset, the next fetch for the account raises
`RateLimited` without asking (remembered on the instance; after a cold start the instance
answers 429 instead, handled the same way).

Settings: `api_base` is the instance (required), the secret's `access_token` goes in a Bearer
header; neither ever appears in an error.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime

from uppsikt.model.events import Platform
from uppsikt.platforms.delivery import DeliveryContext
from uppsikt.platforms.mappers import Result
from uppsikt.platforms.mastodon.normalise import normalise_notifications
from uppsikt.polling.errors import Malformed, RateLimited
from uppsikt.polling.http import DEFAULT_TIMEOUT, get_json, retry_after
from uppsikt.polling.ports import Cursor, Fetched, Http, HttpRequest, PollAccount
from uppsikt.polling.sources._common import (
    SourceConfigError,
    bearer,
    carried_marks,
    endpoint,
    required_credential,
)

PAGE_SIZE = 40  # Mastodon's maximum for notifications
NOTIFICATIONS = "/api/v1/notifications"
TYPES = ("mention", "quote")


class MastodonNotifications:
    """The organisation's mention and quote notifications, climbing by `min_id`."""

    def __init__(self, *, timeout: float = DEFAULT_TIMEOUT) -> None:
        self._timeout = timeout
        self._resume_at: dict[str, datetime] = {}  # account key → when its rate limit resets

    @property
    def platform(self) -> Platform:
        return Platform.MASTODON

    @property
    def stream(self) -> str:
        return "mastodon.notifications"

    @property
    def diffs_listings(self) -> bool:
        return False

    def fetch(self, http: Http, account: PollAccount, cursor: Cursor) -> Fetched:
        if not account.api_base:
            raise SourceConfigError(
                account.account_key, "a Mastodon account needs api_base (its instance's URL)"
            )
        token = required_credential(account, "access_token")
        what = "mastodon notifications"
        self._wait_for_reset(account.account_key, what)

        since = cursor.page if cursor.mid_sweep else cursor.position
        params = (
            *(("types[]", kind) for kind in TYPES),
            ("limit", str(PAGE_SIZE)),
            *((("min_id", since),) if since else ()),
        )
        request = HttpRequest(
            "GET", endpoint(account.api_base, NOTIFICATIONS), params=params, headers=bearer(token)
        )
        response, data = get_json(http, request, what, self._timeout)
        if not isinstance(data, list):
            raise Malformed(f"{what}: not a JSON array", response.body)

        top = _largest(_ids(data))
        used_up = response.headers.get("x-ratelimit-remaining", "").strip() == "0"
        if used_up:
            self._resume_at[account.account_key] = datetime.now(UTC) + retry_after(response.headers)
        # Climb on only from a full page that moved past `since`: a server that ignored
        # `min_id` would otherwise hand back the same page for ever.
        climbing = len(data) >= PAGE_SIZE and top is not None and _after(top, since)
        return Fetched(
            body=response.body,
            next_page=top if climbing and not used_up else None,
            position=_largest((*carried_marks(cursor), top)),
        )

    def _wait_for_reset(self, account_key: str, what: str) -> None:
        resume = self._resume_at.get(account_key)
        if resume is None:
            return
        wait = resume - datetime.now(UTC)
        if wait.total_seconds() > 0:
            raise RateLimited(wait, f"{what}: rate limit used up until its reset")
        del self._resume_at[account_key]

    def map(self, body: bytes, ctx: DeliveryContext, cursor: Cursor) -> list[Result]:
        results: list[Result] = list(normalise_notifications(body, ctx))
        return results

    def vanished(self, body: bytes, ctx: DeliveryContext) -> list[Result]:
        return []


def _largest(ids: Iterable[str | None]) -> str | None:
    """The newest of Mastodon ids (see the module doc for how they compare)."""
    best: str | None = None
    for value in ids:
        if value is not None and (best is None or _after(value, best)):
            best = value
    return best


def _after(a: str, b: str | None) -> bool:
    if b is None:
        return True
    if a.isascii() and a.isdigit() and b.isascii() and b.isdigit():
        return int(a) > int(b)
    return a > b


def _ids(items: list[object]) -> Iterable[str]:
    for item in items:
        value = item.get("id") if isinstance(item, Mapping) else None
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        if isinstance(value, str) and value.strip():
            yield value.strip()
