"""The console's routes: the single page, its assets and catalogues, and the dashboard's charts.

The review app registers this blueprint (`app.register_blueprint(console_blueprint(...))`), so the
console and the API it calls share one origin and one function: no CORS, no second deployment.
Every route here serves files shipped in the package, except /console/charts, which turns the
dashboard figures the browser already fetched (with the user's token) into SVG. It reads no data
of its own, but it still asks the review app to authenticate the caller, so nobody can use the
function as a free chart renderer.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import cache
from importlib import resources

from chalice.app import Blueprint, Request, Response

from uppsikt.api.responses import error_response, json_response
from uppsikt.console import charts
from uppsikt.console.errors import AssetNotFound, ChartInputInvalid, ChartInputTooLarge
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

Authenticate = Callable[[Request], object]


@cache
def _asset(name: str) -> tuple[str, str]:
    """An asset by file name (no folders: the names are ours and flat), with its media type."""
    suffix = name[name.rfind(".") :] if "." in name else ""
    if "/" in name or "\\" in name or name.startswith(".") or suffix not in _TYPES:
        raise AssetNotFound("asset name is not one of the console's")
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
    return Response(body=body, status_code=200, headers={"Content-Type": media_type, **_SECURITY_HEADERS})


def console_blueprint(authenticate: Authenticate) -> Blueprint:
    """The console's routes. `authenticate` is the review app's check of the bearer token; it
    raises an `UppsiktError` (401) when the caller is not signed in."""
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
            return error_response(exc)

    @bp.route("/console/i18n/{language}", methods=["GET"])
    def strings(language: str) -> Response:
        try:
            return json_response(catalogue(language))
        except UppsiktError as exc:
            return error_response(exc)

    @bp.route("/console/charts", methods=["POST"], content_types=["application/json"])
    def chart() -> Response:
        try:
            current = request()
            authenticate(current)
            raw = current.raw_body
            if len(raw) > MAX_CHART_BODY:
                raise ChartInputTooLarge("dashboard figures exceed the size a dashboard has")
            try:
                figures = json.loads(raw)
            except ValueError as exc:
                raise ChartInputInvalid("body is not JSON") from exc
            language = current.query_params.get("language", "en") if current.query_params else "en"
            return json_response(charts.render(figures, catalogue(language)))
        except UppsiktError as exc:
            return error_response(exc)

    return bp
