"""No request can read or change another organisation's data: every route of the review API,
called by members of another organisation (each role), gets 403 or 404 and changes nothing."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from review_app import app
from support.review import ReviewStack, review_stack
from uppsikt.review.model import Role

# Routes that hold no organisation's data (the caller's own profile, sign-in, templates; the
# console's page, files and chart drawing).
UNSCOPED = {"/auth/login", "/me", "/me/language", "/reasons"} | {
    "/console", "/console/assets/{name}", "/console/i18n/{language}", "/console/charts"
}  # fmt: skip


@pytest.fixture(scope="module")
def st() -> Iterator[ReviewStack]:
    with review_stack(flags_per_org=3) as built:
        yield built


def body_for(path: str, flag_id: str, st: ReviewStack) -> dict[str, Any] | None:
    if path.endswith("/transitions"):
        return {"to": "dismissed", "reason": "not ours"}
    if path.endswith("/comments"):
        return {"text": "hello", "visibility": "record"}
    if path.endswith("/unmask"):
        return {"reason": "curious"}
    if path.endswith("/assign"):
        return {"assignee": st.subs["kommunal-officer"]}
    if path.endswith("/bulk"):
        return {"flag_ids": [flag_id], "to": "dismissed", "reason": "x", "confirm_count": 1}
    return None


def seko_state(st: ReviewStack) -> tuple[list[dict[str, Any]], int]:
    flags = [st.aws.runtime.review.flags.get(s.flag_id) for s in st.flags["seko"]]
    return [dict(f or {}) for f in flags], len(st.audit("seko"))


def routes() -> list[tuple[str, str]]:
    return sorted((path, method) for path, methods in app.routes.items() for method in methods)


def test_every_route_is_either_organisation_scoped_or_holds_no_organisations_data() -> None:
    scoped = {path for path, _ in routes() if "/orgs/{org}/" in path}  # /console/orgs/{org}/ too
    assert {path for path, _ in routes()} - scoped == UNSCOPED


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize(("path", "method"), [r for r in routes() if r[0] not in UNSCOPED])
def test_another_organisations_member_gets_403_or_404_and_changes_nothing(
    st: ReviewStack, role: Role, path: str, method: str
) -> None:
    seko_flag = st.flags["seko"][0].flag_id
    before = seko_state(st)
    intruder = f"kommunal-{role.value}"
    # Asking in the other organisation's name: not a member there.
    direct = path.replace("{org}", "seko").replace("{flag_id}", seko_flag)
    answer = st.call(method, direct, intruder, body_for(path, seko_flag, st))
    assert answer.status == 403, (direct, answer.body)
    assert answer.body["error"]["code"] == "not_a_member"
    # Asking in their own organisation's name about the other's flag: it does not exist there.
    if "{flag_id}" in path or path.endswith("/bulk"):
        own = path.replace("{org}", "kommunal").replace("{flag_id}", seko_flag)
        answer = st.call(method, own, intruder, body_for(path, seko_flag, st))
        assert answer.status in (403, 404, 409), (own, answer.body)
        if answer.status == 409:  # bulk: the flag is not eligible, so the count cannot match
            assert answer.body["error"]["code"] == "count_mismatch"
    assert seko_state(st) == before
