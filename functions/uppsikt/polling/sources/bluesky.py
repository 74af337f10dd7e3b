"""`bluesky.notifications`: mentions, replies and quotes of the organisation (platforms.md §6).

Bluesky has no webhooks; the organisation's own notifications are the simplest way to see what
others post to it. `app.bsky.notification.listNotifications?limit=50` pages newest first.

Sweep. From the newest page down, until a page reaches a notification at or older than the last
sweep's position (then everything older was seen), or the response has no `cursor` (the end).
The boundary page is mapped whole; the items already seen are duplicates the runner skips.
`position` is the newest `indexedAt` seen. On the first run ever (no position) only the first
page is read: the organisation wants what happens from now on, not years of back-fill through
the 50-item pages. Nothing is diffed: deleted posts simply drop out of notifications.

We never call `updateSeen`, so the people who run the account keep their unread marks.

Session. `createSession` with the account's `identifier` (else the registry's DID) and
`app_password`; the access token is kept on the instance per account, so a warm Lambda reuses
it (createSession has a tight per-account rate limit). A cached token the server refuses (401,
or 400 `ExpiredToken` as the PDS sends it) is replaced by one new session, once per fetch.
Tokens never appear in errors, and a createSession body is never attached to one.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

from uppsikt.model.events import Platform
from uppsikt.platforms.bluesky.notifications import normalise_notifications
from uppsikt.platforms.delivery import DeliveryContext
from uppsikt.platforms.mappers import Result
from uppsikt.polling.errors import Malformed
from uppsikt.polling.http import DEFAULT_TIMEOUT, checked, json_body
from uppsikt.polling.ports import Cursor, Fetched, Http, HttpRequest, HttpResponse, PollAccount
from uppsikt.polling.sources._common import (
    SourceConfigError,
    bearer,
    carried_marks,
    credential,
    endpoint,
    newest_time,
    parsed,
    required_credential,
    rfc3339,
)

DEFAULT_BASE = "https://bsky.social"
PAGE_SIZE = 50
CREATE_SESSION = "/xrpc/com.atproto.server.createSession"
LIST_NOTIFICATIONS = "/xrpc/app.bsky.notification.listNotifications"


class BlueskyNotifications:
    """The organisation's notification list, newest first (see the module doc)."""

    def __init__(self, *, timeout: float = DEFAULT_TIMEOUT) -> None:
        self._timeout = timeout
        # (account key, API base) → access token. One instance serves every Bluesky account.
        self._tokens: dict[tuple[str, str], str] = {}

    @property
    def platform(self) -> Platform:
        return Platform.BLUESKY

    @property
    def stream(self) -> str:
        return "bluesky.notifications"

    @property
    def diffs_listings(self) -> bool:
        return False

    def fetch(self, http: Http, account: PollAccount, cursor: Cursor) -> Fetched:
        base = account.api_base or DEFAULT_BASE
        sent = cursor.page if cursor.mid_sweep else None
        params = (("limit", str(PAGE_SIZE)), *((("cursor", sent),) if sent else ()))
        what = "bluesky listNotifications"
        cached = (account.account_key, base) in self._tokens
        response = self._list(http, base, params, self._token(http, account, base))
        if cached and _refused(response):
            self._tokens.pop((account.account_key, base), None)
            response = self._list(http, base, params, self._token(http, account, base))
        response = checked(_with_reset(response), what)
        data = json_body(response, what)
        if not isinstance(data, Mapping) or not isinstance(data.get("notifications"), list):
            raise Malformed(f"{what}: no notifications list", response.body)
        stamps = [n.get("indexedAt") for n in data["notifications"] if isinstance(n, Mapping)]
        times = [s for s in stamps if isinstance(s, str)]
        following = data.get("cursor")
        following = following if isinstance(following, str) and following else None
        if following is not None and following == sent:
            raise Malformed(f"{what}: the cursor repeats this page's", response.body)
        return Fetched(
            body=response.body,
            next_page=_next_page(cursor, following, times),
            position=newest_time((*carried_marks(cursor), *times)),
        )

    def _list(
        self, http: Http, base: str, params: tuple[tuple[str, str], ...], token: str
    ) -> HttpResponse:
        request = HttpRequest(
            "GET", endpoint(base, LIST_NOTIFICATIONS), params=params, headers=bearer(token)
        )
        return http.send(request, timeout=self._timeout)

    def _token(self, http: Http, account: PollAccount, base: str) -> str:
        key = (account.account_key, base)
        token = self._tokens.get(key)
        if token is None:
            token = self._create_session(http, account, base)
            self._tokens[key] = token
        return token

    def _create_session(self, http: Http, account: PollAccount, base: str) -> str:
        what = "bluesky createSession"
        identifier = credential(account, "identifier") or account.platform_account_id
        password = required_credential(account, "app_password")
        request = HttpRequest(
            "POST",
            endpoint(base, CREATE_SESSION),
            headers={"Content-Type": "application/json", "Accept": "application/json"},
            body=json.dumps({"identifier": identifier, "password": password}).encode(),
        )
        response = checked(_with_reset(http.send(request, timeout=self._timeout)), what)
        # Parsed here, not by `json_body`: this body holds tokens and must not be kept.
        data = parsed(response.body)
        if not isinstance(data, Mapping):
            data = {}
        token = data.get("accessJwt")
        if not isinstance(token, str) or not token:
            raise Malformed(f"{what}: no accessJwt in the answer")
        expected = account.platform_account_id
        if expected.startswith("did:") and data.get("did") != expected:
            # The secret logs into another account: its notifications are not this one's.
            raise SourceConfigError(
                account.account_key, "the app password belongs to a different account"
            )
        return token

    def map(self, body: bytes, ctx: DeliveryContext, cursor: Cursor) -> list[Result]:
        results: list[Result] = list(normalise_notifications(body, ctx))
        return results

    def vanished(self, body: bytes, ctx: DeliveryContext) -> list[Result]:
        return []


def _next_page(cursor: Cursor, following: str | None, times: list[str]) -> str | None:
    if following is None or not times:
        return None
    mark = rfc3339(cursor.position)
    if mark is None:
        # First run ever: one page only (see the module doc). Mid-sweep without a mark cannot
        # come from this source, but paging on to the end is still the safe reading of it.
        return following if cursor.mid_sweep else None
    if any((moment := rfc3339(t)) is not None and moment <= mark for t in times):
        return None  # reached what the last sweep saw
    return following


def _refused(response: HttpResponse) -> bool:
    """The server no longer accepts the cached token (expired, or the session was revoked)."""
    if response.status == 401:
        return True
    return response.status == 400 and _error_name(response.body) == "ExpiredToken"


def _error_name(body: bytes) -> str | None:
    data = parsed(body)
    error = data.get("error") if isinstance(data, Mapping) else None
    return error if isinstance(error, str) else None


def _with_reset(response: HttpResponse) -> HttpResponse:
    """Bluesky names its reset header `ratelimit-reset` (epoch seconds); the shared 429 handling
    reads `x-ratelimit-reset`."""
    reset = response.headers.get("ratelimit-reset")
    if response.status != 429 or reset is None or "x-ratelimit-reset" in response.headers:
        return response
    headers = {**response.headers, "x-ratelimit-reset": reset}
    return HttpResponse(response.status, headers, response.body)
