"""Uppsikt's review API: the compliance officer's flags, decisions and audit, as its own function.

Deployed apart from the webhook function (infra/functions.yaml: `Review`, with `ReviewRole`), so
the internet-facing webhooks cannot read flags or evidence and this function cannot read a
platform secret. Every route but `/auth/login` and `/reasons` needs `Authorization: Bearer <ID
token>`, verified against the user pool's JWKS. Handlers only translate; `uppsikt.review` decides.
docs/review-api.openapi.yaml describes every route (a test checks they agree).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from chalice.app import Chalice, Request, Response

from uppsikt import runtime
from uppsikt.api.responses import api_error_response, json_response
from uppsikt.errors import UppsiktError
from uppsikt.observability.invocation import middleware

# configure_logs=False: Powertools owns the logging (uppsikt/observability/logs.py).
app = Chalice(app_name="uppsikt-review", configure_logs=False)
app.register_middleware(middleware, "all")
app.api.binary_types.append("application/pdf")  # the supervision report
MAX_BODY = 64 * 1024


def _request() -> Request:
    request = app.current_request
    assert request is not None  # Chalice sets it for every routed call
    return request


def _body() -> dict[str, Any]:
    from uppsikt.review.errors import BodyTooLarge, InvalidRequest

    raw = _request().raw_body or b""
    if len(raw) > MAX_BODY:
        raise BodyTooLarge("the body is too large")
    try:
        body = json.loads(raw or b"{}")
    except (ValueError, RecursionError):  # RecursionError: nesting deeper than the parser goes
        raise InvalidRequest("the body is not JSON") from None
    if not isinstance(body, dict):
        raise InvalidRequest("the body must be a JSON object")
    return body


def _query() -> dict[str, str]:
    return dict(_request().query_params or {})


def _answer(call: Callable[[], Any], status: int = 200) -> Response:
    try:
        return json_response(call(), status)
    except UppsiktError as exc:
        return api_error_response(exc)


def _authed(call: Callable[[Any], Any], status: int = 200) -> Response:
    """Verify the caller's ID token, then answer with `call(principal)`."""

    def run() -> Any:
        rt = runtime.current()
        principal = rt.token_verifier.verify(_request().headers.get("authorization"))
        return call(principal)

    return _answer(run, status)


@app.route("/auth/login", methods=["POST"], content_types=["application/json"])
def login() -> Response:
    def run() -> dict[str, Any]:
        from uppsikt.review.errors import InvalidRequest

        body = _body()
        username, password = body.get("username"), body.get("password")
        if not isinstance(username, str) or not isinstance(password, str):
            raise InvalidRequest("username and password are required")
        rt = runtime.current()
        token, expires_in = rt.directory.login(username, password)
        principal = rt.token_verifier.verify(f"Bearer {token}")
        return {"id_token": token, "expires_in": expires_in, "user": rt.review.me(principal)}

    return _answer(run)


@app.route("/me", methods=["GET"])
def me() -> Response:
    return _authed(runtime.current().review.me)


@app.route("/me/language", methods=["PUT"], content_types=["application/json"])
def set_language() -> Response:
    return _authed(lambda p: runtime.current().review.set_language(p, _body()))


@app.route("/reasons", methods=["GET"])
def reason_templates() -> Response:
    def run() -> dict[str, Any]:
        from uppsikt.review import reasons
        from uppsikt.review.model import Language
        from uppsikt.review.service import _enum

        language = _enum(Language, _query().get("language", "en"), "language")
        return {"language": language.value, "templates": reasons.listing(language)}

    return _answer(run)


@app.route("/orgs/{org}/flags", methods=["GET"])
def list_flags(org: str) -> Response:
    return _authed(lambda p: runtime.current().review.list_flags(p, org, _query()))


@app.route("/orgs/{org}/flags/bulk", methods=["POST"], content_types=["application/json"])
def bulk(org: str) -> Response:
    return _authed(lambda p: runtime.current().review.bulk(p, org, _body()))


@app.route("/orgs/{org}/flags/{flag_id}", methods=["GET"])
def flag_detail(org: str, flag_id: str) -> Response:
    return _authed(lambda p: runtime.current().review.detail(p, org, flag_id))


@app.route("/orgs/{org}/flags/{flag_id}/claim", methods=["POST"])
def claim(org: str, flag_id: str) -> Response:
    return _authed(lambda p: runtime.current().review.claim(p, org, flag_id))


@app.route("/orgs/{org}/flags/{flag_id}/claim", methods=["DELETE"])
def release(org: str, flag_id: str) -> Response:
    return _authed(lambda p: runtime.current().review.release(p, org, flag_id))


@app.route(
    "/orgs/{org}/flags/{flag_id}/assign", methods=["POST"], content_types=["application/json"]
)
def assign(org: str, flag_id: str) -> Response:
    return _authed(lambda p: runtime.current().review.assign(p, org, flag_id, _body()))


@app.route(
    "/orgs/{org}/flags/{flag_id}/transitions", methods=["POST"], content_types=["application/json"]
)
def transition(org: str, flag_id: str) -> Response:
    return _authed(lambda p: runtime.current().review.transition(p, org, flag_id, _body()))


@app.route(
    "/orgs/{org}/flags/{flag_id}/comments", methods=["POST"], content_types=["application/json"]
)
def comment(org: str, flag_id: str) -> Response:
    return _authed(lambda p: runtime.current().review.comment(p, org, flag_id, _body()), 201)


@app.route(
    "/orgs/{org}/flags/{flag_id}/unmask", methods=["POST"], content_types=["application/json"]
)
def unmask(org: str, flag_id: str) -> Response:
    return _authed(lambda p: runtime.current().review.unmask(p, org, flag_id, _body()))


@app.route("/orgs/{org}/dashboard", methods=["GET"])
def dashboard(org: str) -> Response:
    return _authed(lambda p: runtime.current().review.dashboard(p, org, _query()))


@app.route("/orgs/{org}/audit", methods=["GET"])
def audit(org: str) -> Response:
    return _authed(lambda p: runtime.current().review.audit_entries(p, org, _query()))


@app.route("/orgs/{org}/reports/supervision", methods=["GET"])
def supervision_report(org: str) -> Response:
    """The week's supervision report as JSON, CSV or PDF (`uppsikt.report`), in the language
    asked for (else the user's own)."""
    from uppsikt.errors import BadRequest
    from uppsikt.review.errors import InvalidRequest

    rt = runtime.current()
    try:
        principal = rt.token_verifier.verify(_request().headers.get("authorization"))
        role = rt.review.role_for_report(principal, org)
        query = _query()
        week, fmt = query.get("week"), query.get("format", "json")
        if not week:
            raise InvalidRequest("week is required (YYYY-Www)")
        language = query.get("language") or rt.review.me(principal)["language"]
        try:
            export = rt.supervision_reports.export(
                org, week, fmt, language, actor=principal.sub, role=role.value
            )
        except BadRequest as exc:
            raise InvalidRequest(str(exc)) from exc
    except UppsiktError as exc:
        return api_error_response(exc)
    return Response(
        body=export.body,
        status_code=200,
        headers={
            "Content-Type": export.content_type,
            "Content-Disposition": f'attachment; filename="{export.filename}"',
        },
    )


# The console (uppsikt.console): its page, assets and chart and age helpers, on the same origin
# as the API it calls, so the browser needs no CORS and the function no second deployment.
def _console() -> Any:
    from uppsikt.clocks.calendar import calendar_of
    from uppsikt.console.blueprint import console_blueprint

    def authenticate(request: Request, org_id: str | None) -> object:
        from uppsikt.review.errors import NotAMember

        principal = runtime.current().token_verifier.verify(request.headers.get("authorization"))
        if org_id is not None and not principal.roles_in(org_id):
            raise NotAMember("you are not a member of this organisation")
        return principal

    def calendar(org_id: str) -> Any:
        organisation = runtime.current().registry.current().organisation(org_id)
        return calendar_of(organisation) if organisation else None

    return console_blueprint(authenticate, calendar, runtime.utcnow)


app.register_blueprint(_console())
