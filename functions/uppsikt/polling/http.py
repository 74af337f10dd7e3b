"""The HTTP port's real implementation (the standard library's urllib: no extra dependency in
the Lambda package), and the status handling every source shares."""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any

from uppsikt.polling.errors import Malformed, RateLimited, Rejected, Transient
from uppsikt.polling.ports import Http, HttpRequest, HttpResponse

DEFAULT_TIMEOUT = 10.0
MAX_RESPONSE_BYTES = 8 * 1024 * 1024  # a page larger than this is not a page we asked for
DEFAULT_RETRY_AFTER = timedelta(seconds=60)
MAX_RETRY_AFTER = timedelta(days=1)  # a silly header must not park a stream for ever
USER_AGENT = "uppsikt-poller/1 (+https://github.com/uppsikt)"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    # A redirect could carry the bearer token to another host; treat it as the answer instead.
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_OPENER = urllib.request.build_opener(_NoRedirect)


class UrllibHttp:
    """`Http` over urllib. Any status comes back as a response; only transport fails."""

    def send(self, request: HttpRequest, *, timeout: float = DEFAULT_TIMEOUT) -> HttpResponse:
        url = request.url
        if urllib.parse.urlsplit(url).scheme not in ("https", "http"):
            raise ValueError(f"not an HTTP URL: {url[:40]}")
        if request.params:
            url += ("&" if "?" in url else "?") + urllib.parse.urlencode(request.params)
        req = urllib.request.Request(  # noqa: S310 (scheme checked above)
            url,
            data=request.body,
            method=request.method,
            headers={"User-Agent": USER_AGENT, **request.headers},
        )
        try:
            with _OPENER.open(req, timeout=timeout) as resp:
                return HttpResponse(resp.status, _headers(resp.headers), _read(resp))
        except urllib.error.HTTPError as exc:
            with exc:
                return HttpResponse(exc.code, _headers(exc.headers), _read(exc))
        except TimeoutError as exc:
            raise Transient(f"timed out after {timeout:g} s") from exc
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            if isinstance(reason, TimeoutError):
                raise Transient(f"timed out after {timeout:g} s") from exc
            raise Transient(f"connection failed: {type(reason).__name__}") from exc


def _headers(headers: Any) -> dict[str, str]:
    return {k.lower(): v for k, v in headers.items()} if headers is not None else {}


def _read(resp: Any) -> bytes:
    body: bytes = resp.read(MAX_RESPONSE_BYTES + 1)
    if len(body) > MAX_RESPONSE_BYTES:
        raise Malformed(f"response larger than {MAX_RESPONSE_BYTES} bytes")
    return body


def retry_after(headers: dict[str, str] | Any, now: datetime | None = None) -> timedelta:
    """How long to wait: `Retry-After` in seconds or as an HTTP date, else a rate-limit reset
    header (epoch seconds or ISO time, as Mastodon sends), else a default; capped at a day."""
    now = now or datetime.now(UTC)
    value = (headers.get("retry-after") or "").strip()
    wait: timedelta | None = None
    if value.isdigit():
        wait = timedelta(seconds=int(value))
    elif value:
        try:
            wait = parsedate_to_datetime(value) - now
        except (TypeError, ValueError, IndexError):
            wait = None
    if wait is None:
        reset = (headers.get("x-ratelimit-reset") or "").strip()
        if reset.isdigit():
            wait = datetime.fromtimestamp(int(reset), UTC) - now
        elif reset:
            try:
                wait = datetime.fromisoformat(reset.replace("Z", "+00:00")) - now
            except ValueError:
                wait = None
    if wait is None:
        return DEFAULT_RETRY_AFTER
    return max(timedelta(seconds=1), min(wait, MAX_RETRY_AFTER))


def checked(response: HttpResponse, what: str) -> HttpResponse:
    """The response if it succeeded; otherwise the error that says what to do next."""
    if 200 <= response.status < 300:
        return response
    if response.status == 429:
        raise RateLimited(retry_after(response.headers), f"{what}: HTTP 429")
    if response.status >= 500 or response.status in (408, 425):
        raise Transient(f"{what}: HTTP {response.status}")
    raise Rejected(response.status, what)


def json_body(response: HttpResponse, what: str) -> Any:
    """The parsed JSON of a successful response; `Malformed` (carrying the bytes) otherwise."""
    try:
        return json.loads(response.body)
    except (ValueError, RecursionError) as exc:
        raise Malformed(f"{what}: body is not JSON", response.body) from exc


def get_json(
    http: Http, request: HttpRequest, what: str, timeout: float = DEFAULT_TIMEOUT
) -> tuple[HttpResponse, Any]:
    """Send, check the status, parse: `(response, parsed JSON)`."""
    response = checked(http.send(request, timeout=timeout), what)
    return response, json_body(response, what)
