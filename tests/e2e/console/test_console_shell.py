"""The console's page on its own, served by its blueprint in a bare Chalice app: the sign-in
screen in each language, its accessibility, and what the blueprint refuses. Screens that need
the review API are driven against the local stack in test_console_review.py."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import pytest
from chalice.app import Chalice, Request

from support.browser import accessibility_violations, screenshot, serve
from uppsikt.console.blueprint import LANGUAGES, catalogue, console_blueprint
from uppsikt.errors import Unauthorized

pytestmark = pytest.mark.browser


def _nobody_is_signed_in(request: Request, org_id: str | None) -> object:
    raise Unauthorized("no bearer token")


def _never_asked() -> datetime:
    raise AssertionError("nobody signed in, so no age is computed")


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    app = Chalice(app_name="console-alone")
    app.register_blueprint(
        console_blueprint(_nobody_is_signed_in, calendar=lambda _org: None, clock=_never_asked)
    )
    with serve(app) as url:
        yield url


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_sign_in_screen_speaks_each_language_and_passes_axe(
    page: Any, base_url: str, language: str
) -> None:
    page.goto(f"{base_url}/console/?lang={language}")
    page.wait_for_selector("#login-form")
    strings = catalogue(language)
    assert page.locator("h1").inner_text() == strings["login.title"]
    assert page.get_by_label(strings["login.username"]).is_visible()
    assert page.evaluate("document.documentElement.lang") == language
    assert not page.locator("nav").is_visible()  # nothing but the sign-in before signing in
    assert accessibility_violations(page) == []
    if language in ("sv", "en"):
        screenshot(page, f"login-{language}")


def test_the_browser_language_picks_the_catalogue_before_sign_in(
    browser: Any, base_url: str
) -> None:
    context = browser.new_context(locale="nb-NO")
    page = context.new_page()
    page.goto(f"{base_url}/console/")
    page.wait_for_selector("#login-form")
    assert page.locator("h1").inner_text() == catalogue("nb")["login.title"]
    context.close()


def test_every_catalogue_has_the_english_keys_and_no_others() -> None:
    english = set(catalogue("en"))
    for language in LANGUAGES:
        assert set(catalogue(language)) == english, language


def test_the_chart_renderer_refuses_a_caller_who_is_not_signed_in(page: Any, base_url: str) -> None:
    response = page.request.post(
        f"{base_url}/console/charts",
        data=json.dumps({}),
        headers={"Content-Type": "application/json"},
    )
    assert response.status == 401


def test_the_blueprint_serves_only_its_own_files(page: Any, base_url: str) -> None:
    assert page.request.get(f"{base_url}/console/assets/console.js").ok
    assert page.request.get(f"{base_url}/console/assets/missing.js").status == 404
    assert page.request.get(f"{base_url}/console/assets/..%2F__init__.py").status == 404
    assert page.request.get(f"{base_url}/console/i18n/fi").status == 404
