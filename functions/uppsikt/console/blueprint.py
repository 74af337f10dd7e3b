"""The console's routes: the single page, its assets and catalogues, and the dashboard's charts.

The review app registers this blueprint (`app.register_blueprint(console_blueprint(...))`), so the
console and the API it calls share one origin and one function: no CORS, no second deployment.
Every route here serves files shipped in the package, except two that compute for a signed-in
user from what the browser sends: /console/charts turns the dashboard figures the browser already
fetched into SVG, and /console/orgs/{org}/ages turns a queue page's creation moments into ages in
the organisation's business hours. They read no flag of their own; they still ask the review
app to authenticate the caller, so nobody can use the function as a free renderer.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import datetime
from functools import cache
from importlib import resources

from chalice.app import Blueprint, Request, Response

from uppsikt.api.responses import api_error_response, json_response
from uppsikt.clocks.business_time import BusinessCalendar
from uppsikt.console import ages, charts
from uppsikt.console.errors import (
    AgesInputInvalid,
    AssetNotFound,
    ChartInputInvalid,
    ChartInputTooLarge,
    UnknownOrganisation,
)
from uppsikt.errors import UppsiktError

LANGUAGES = ("sv", "da", "nb", "en")
# The figures of a 90-day dashboard fit in a few kilobytes; anything far larger is not ours.
MAX_CHART_BODY = 64 * 1024
_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".json": "application/json; charset=utf-8",
    ".svg": "image/svg+xml",
}
# The page loads only its own script and style, and draws the server's SVG inline.
_SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data: blob:; connect-src 'self'; frame-ancestors 'none'; "
        "base-uri 'none'; form-action 'self'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-cache",
}

# Our assets are flat and named plainly; anything else (a path, a NUL byte) is not looked up.
_ASSET_NAME = re.compile(r"[a-z0-9][a-z0-9-]{0,40}\.(html|css|js)")

# The review app's check of the caller: a valid bearer token (401 otherwise) and, when an
# organisation is named, membership in it (403 otherwise).
Authenticate = Callable[[Request, str | None], object]
# The organisation's business calendar, or None for an organisation the registry does not know.
Calendars = Callable[[str], BusinessCalendar | None]
MAX_AGES = 200  # a queue page is at most 100 flags


@cache
def _asset(name: str) -> tuple[str, str]:
    """An asset by file name (no folders: the names are ours and flat), with its media type."""
    if not _ASSET_NAME.fullmatch(name):
        raise AssetNotFound("asset name is not one of the console's")
    suffix = name[name.rfind(".") :]
    path = resources.files("uppsikt.console").joinpath("static", name)
    if not path.is_file():
        raise AssetNotFound("asset does not exist")
    return path.read_text(encoding="utf-8"), _TYPES[suffix]


@cache
def catalogue(language: str) -> dict[str, str]:
    """The interface strings of one language (i18n/<language>.json)."""
    if language not in LANGUAGES:
        raise AssetNotFound("language is not one of the console's")
    path = resources.files("uppsikt.console").joinpath("i18n", f"{language}.json")
    loaded: dict[str, str] = json.loads(path.read_text(encoding="utf-8"))
    return loaded


def _file(name: str) -> Response:
    body, media_type = _asset(name)
    return Response(
        body=body, status_code=200, headers={"Content-Type": media_type, **_SECURITY_HEADERS}
    )


def _json_body(current: Request, invalid: type[UppsiktError]) -> object:
    raw = current.raw_body
    if len(raw) > MAX_CHART_BODY:
        raise ChartInputTooLarge("the body exceeds what the console sends")
    try:
        return json.loads(raw)
    except ValueError as exc:
        raise invalid("body is not JSON") from exc


def _moments(body: object) -> list[datetime]:
    created = body.get("created_at") if isinstance(body, dict) else None
    if not isinstance(created, list) or len(created) > MAX_AGES:
        raise AgesInputInvalid(f"created_at must be a list of at most {MAX_AGES} moments")
    try:
        moments = [datetime.fromisoformat(c) for c in created if isinstance(c, str)]
    except ValueError as exc:
        raise AgesInputInvalid("created_at holds a value that is not an ISO moment") from exc
    if len(moments) != len(created) or any(m.tzinfo is None for m in moments):
        raise AgesInputInvalid("created_at holds a value that is not an ISO moment with a zone")
    return moments


def console_blueprint(
    authenticate: Authenticate, calendar: Calendars, clock: Callable[[], datetime]
) -> Blueprint:
    """The console's routes. `authenticate(request, org_id)` is the review app's check of the
    caller; it raises an `UppsiktError` (401, or 403 for an organisation the caller is not a
    member of). `calendar` gives an organisation's business hours, `clock` the moment (UTC)."""
    bp = Blueprint(__name__)

    def request() -> Request:
        current = bp.current_request
        assert current is not None  # Chalice sets it for every routed call
        return current

    @bp.route("/console", methods=["GET"])
    def index() -> Response:
        return _file("index.html")

    @bp.route("/console/assets/{name}", methods=["GET"])
    def asset(name: str) -> Response:
        try:
            return _file(name)
        except UppsiktError as exc:
            return api_error_response(exc)

    @bp.route("/console/i18n/{language}", methods=["GET"])
    def strings(language: str) -> Response:
        try:
            return json_response(catalogue(language))
        except UppsiktError as exc:
            return api_error_response(exc)

    @bp.route("/console/charts", methods=["POST"], content_types=["application/json"])
    def chart() -> Response:
        try:
            current = request()
            authenticate(current, None)
            figures = _json_body(current, ChartInputInvalid)
            language = current.query_params.get("language", "en") if current.query_params else "en"
            return json_response(charts.render(figures, catalogue(language)))
        except UppsiktError as exc:
            return api_error_response(exc)

    @bp.route("/console/orgs/{org}/ages", methods=["POST"], content_types=["application/json"])
    def age_badges(org: str) -> Response:
        """Business-hours ages of the flags on a queue page (their `created_at`, in order).
        Reveals nothing but the organisation's opening hours; members only all the same."""
        try:
            current = request()
            authenticate(current, org)
            moments = _moments(_json_body(current, AgesInputInvalid))
            org_calendar = calendar(org)
            if org_calendar is None:
                raise UnknownOrganisation("organisation is not in the registry")
            now = clock()
            return json_response({"ages": [ages.age(m, now, org_calendar) for m in moments]})
        except UppsiktError as exc:
            return api_error_response(exc)

    return bp
