"""Bad input at the review API (functions/review_app.py), over HTTP with real ID tokens: every
route with a body gets hostile bodies and wrong types in every field, every route hostile query
and path values. A clear 4xx (or a correct answer), never a 5xx or a hang, and no answer or log
line repeats a value from the request."""

from __future__ import annotations

import json
import logging
import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest

from support.hostile import MARK, ZERO_WIDTH, deadline, our_log_lines
from support.review import ReviewStack, review_stack
from uppsikt.local.review_seed import DEMO_PASSWORD

OFFICER = "seko-officer"
CASE_SECONDS = 20.0
WRONG: tuple[Any, ...] = (
    None,
    True,
    -1,
    10**30,
    1e308,
    MARK,
    [MARK],
    {MARK: MARK},
    "",
    MARK + "\x00",
)


@pytest.fixture(scope="module")
def st() -> Iterator[ReviewStack]:
    with review_stack(flags_per_org=3) as built:
        yield built


def send(st: ReviewStack, method: str, path: str, body: bytes | None, user: str | None) -> Any:
    headers = {"Content-Type": "application/json"}
    if user:
        headers["Authorization"] = f"Bearer {st.token(user)}"
    request = urllib.request.Request(st.url + path, data=body, headers=headers, method=method)
    with deadline(CASE_SECONDS):
        try:
            with urllib.request.urlopen(request, timeout=CASE_SECONDS) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read()


def assert_clear(status: int, answer: bytes, case: str) -> None:
    assert status < 500, (case, status, answer[:300])
    if status >= 400:  # an error message names the field and the problem, never the value
        assert MARK not in answer.decode("utf-8", "replace"), f"the error for {case} repeats input"


def routes(st: ReviewStack) -> dict[str, tuple[str, str, dict[str, Any]]]:
    """Every route that takes a body, with a body it accepts."""
    fid = st.flags["seko"][0].flag_id
    flag = f"/orgs/seko/flags/{fid}"
    return {
        "login": ("POST", "/auth/login", {"username": OFFICER, "password": DEMO_PASSWORD}),
        "language": ("PUT", "/me/language", {"language": "sv"}),
        "bulk": (
            "POST",
            "/orgs/seko/flags/bulk",
            {"flag_ids": [fid], "to": "dismissed", "template": "no_violation"},
        ),
        "assign": ("POST", f"{flag}/assign", {"assignee": st.subs["seko-officer"]}),
        "transition": ("POST", f"{flag}/transitions", {"to": "escalated", "reason": "why"}),
        "comment": ("POST", f"{flag}/comments", {"text": "ok", "visibility": "internal"}),
        "unmask": ("POST", f"{flag}/unmask", {"reason": "a request"}),
    }


def hostile(good: dict[str, Any]) -> dict[str, bytes]:
    mark = MARK.encode()
    text = json.dumps(good).encode()
    return {
        "oversized": text[:-1] + b', "pad": "' + b"x" * 6_000_000 + b'"}',
        "invalid utf-8": text[:2] + b"\xc3\x28\xff" + mark + text[2:],
        "deep nesting": b"[" * 100_000 + b"]" * 100_000,
        "deep nesting under the size limit": b"[" * 20_000 + b"]" * 20_000,
        "deep nesting in an object": b'{"' + mark + b'": ' + b"[" * 50_000 + b"]" * 50_000 + b"}",
        "a huge integer": b'{"' + mark + b'": ' + b"9" * 5_000 + b"}",
        "a huge float": text[:-1] + b', "' + mark + b'": 1e999}',
        "raw null bytes": text[:2] + b"\x00" + mark + text[2:],
        "not JSON": mark,
        "a JSON list": b"[" + json.dumps(MARK).encode() + b"]",
        "a 100,000-character comment": json.dumps({**good, "text": MARK + "æ" * 100_000}).encode(),
        "zero-width characters in every value": json.dumps(
            {k: ZERO_WIDTH.join(v) if isinstance(v, str) else v for k, v in good.items()}
        ).encode(),
    }


def test_hostile_bodies_and_wrong_types_in_every_field_get_a_clear_4xx(
    st: ReviewStack, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    user = {"login": None}
    tried = 0
    for name, (method, path, good) in routes(st).items():
        cases = hostile(good)
        for field in good:
            for i, value in enumerate(WRONG):
                cases[f"{field} as {value!r:.20}#{i}"] = json.dumps({**good, field: value}).encode()
        for case, body in cases.items():
            status, answer = send(st, method, path, body, user.get(name, OFFICER))
            assert_clear(status, answer, f"{name}: {case}")
            if case == "oversized":
                assert status == 413
            tried += 1
    assert tried > 150
    assert MARK not in our_log_lines(caplog.records)


@pytest.mark.parametrize(
    "value", [MARK, f"seko{ZERO_WIDTH}", f"{MARK}\x00", MARK * 3000, "../../etc", "%00"]
)
def test_hostile_path_and_query_values_get_a_clear_4xx(st: ReviewStack, value: str) -> None:
    from urllib.parse import quote

    v = quote(value, safe="")
    fid = st.flags["seko"][0].flag_id
    paths = [
        f"/orgs/{v}/flags",
        f"/orgs/seko/flags/{v}",
        f"/orgs/{v}/flags/{fid}",
        f"/orgs/seko/flags?severity={v}&status={v}&limit={v}&cursor={v}&assignee={v}",
        f"/orgs/seko/flags?limit=99999999999999999999999&since={v}",
        f"/orgs/seko/dashboard?days={v}&since={v}",
        f"/orgs/seko/audit?cursor={v}&limit={v}&target={v}",
        f"/orgs/seko/reports/supervision?week={v}&format={v}&language={v}",
        f"/reasons?language={v}",
    ]
    for path in paths:
        status, answer = send(st, "GET", path, None, OFFICER)
        assert_clear(status, answer, path)
    for method, path in [
        ("POST", f"/orgs/seko/flags/{v}/claim"),
        ("DELETE", f"/orgs/{v}/flags/{fid}/claim"),
    ]:
        status, answer = send(st, method, path, None, OFFICER)
        assert_clear(status, answer, path)
