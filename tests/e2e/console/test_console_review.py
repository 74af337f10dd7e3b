"""The console in headless chromium against the local stack: the review API on the embedded AWS
(moto's server), real Cognito tokens from its /auth/login, flags seeded the way evaluation
writes them. One journey per test, in order, as an officer's morning goes; screenshots of the
main screens in English and Swedish land in build/screenshots/."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from support.browser import LAPTOP, OFFICE_ZONE, accessibility_violations, screenshot
from support.review import ReviewStack, review_stack
from uppsikt.console.blueprint import catalogue
from uppsikt.local.review_seed import DEMO_PASSWORD

pytestmark = pytest.mark.browser
OFFICER = "seko-officer"
FLAGS = 9


def _middle_of_last_week(now: datetime) -> datetime:
    """Wednesday noon (UTC) of the ISO week before `now`'s: the same week in every Nordic time
    zone and days from its edges, whenever the suite runs (a flag seeded minutes ago lies in
    last week's report on a Monday just after midnight in Stockholm)."""
    monday = (now - timedelta(days=now.weekday() + 7)).replace(
        hour=0, minute=0, second=0, microsecond=0
    )
    return monday + timedelta(days=2, hours=12)


SEEDED_AT = _middle_of_last_week(datetime.now(UTC))
SEEDED_WEEK = "{}-W{:02d}".format(*SEEDED_AT.isocalendar()[:2])


def iso_week_after(week: str) -> str:
    year, number = week.split("-W")
    later = date.fromisocalendar(int(year), int(number), 1) + timedelta(days=7)
    return "{}-W{:02d}".format(*later.isocalendar()[:2])


@pytest.fixture(scope="module")
def stack() -> Iterator[ReviewStack]:
    with review_stack(flags_per_org=FLAGS, start=SEEDED_AT) as running:
        yield running


@pytest.fixture(scope="module")
def officer(browser: Any, stack: ReviewStack) -> Iterator[Any]:
    """One signed-in tab for the whole journey, as an officer keeps it open all day."""
    context = browser.new_context(
        viewport=LAPTOP, locale="en-GB", timezone_id=OFFICE_ZONE, accept_downloads=True
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{stack.url}/console/")
    page.fill("#username", OFFICER)
    page.fill("#password", DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_selector("#queue-table tbody tr[data-flag]")
    yield page
    context.close()
    assert errors == [], f"the console raised in the browser: {errors}"


def rows(page: Any) -> Any:
    return page.locator("#queue-table tbody tr[data-flag]")


def test_an_officer_signs_in_to_the_queue_with_counts_and_business_hour_ages(
    officer: Any, stack: ReviewStack
) -> None:
    assert rows(officer).count() == FLAGS
    counts = officer.locator(".counts .count").all_inner_texts()
    assert sum(int(c) for c in counts) == FLAGS
    # Every badge was computed in Seko's business hours, so every one carries a band.
    badges = officer.locator("#queue-table .age")
    assert badges.count() == FLAGS
    assert all(
        any(band in cls for band in ("age-fresh", "age-due", "age-overdue"))
        for cls in [badges.nth(i).get_attribute("class") or "" for i in range(FLAGS)]
    )
    assert accessibility_violations(officer) == []
    screenshot(officer, "queue-en")


def test_the_queue_filters_by_severity_and_sorts_by_a_column(officer: Any) -> None:
    officer.select_option("#f-severity", "legal")
    officer.get_by_role("button", name="Filter").click()
    expect(rows(officer)).to_have_count(3)
    assert officer.locator("#queue-table tbody .sev").all_inner_texts() == ["Legal"] * 3
    officer.get_by_role("button", name="Clear").click()
    expect(rows(officer)).to_have_count(FLAGS)
    header = officer.locator("th", has=officer.get_by_role("button", name="Platform"))
    header.get_by_role("button").click()
    assert header.get_attribute("aria-sort") == "ascending"
    platforms = [rows(officer).nth(i).locator("td").nth(3).inner_text() for i in range(FLAGS)]
    assert platforms == sorted(platforms)


def test_question_mark_shows_the_keys_and_j_k_enter_open_the_selected_flag_highlighted(
    officer: Any,
) -> None:
    officer.locator("main h1").click()  # keys go to the page, not to a form field
    officer.keyboard.press("?")
    assert officer.locator("#help").is_visible()
    officer.keyboard.press("Escape")
    assert not officer.locator("#help").is_visible()
    officer.keyboard.press("j")
    officer.keyboard.press("j")
    officer.keyboard.press("k")
    selected = officer.locator("#queue-table tr.selected").get_attribute("data-flag")
    assert selected == rows(officer).nth(1).get_attribute("data-flag")
    officer.keyboard.press("Enter")
    officer.wait_for_selector("mark.hit")
    assert selected in officer.url
    hit = officer.locator(".hits li").first.inner_text()
    assert "clause" in hit
    assert "nordic-baseline" in hit
    # The masked value is masked in the page: the seeded texts hold a phone number or an id.
    assert "070-123 45 67" not in officer.locator(".item-text").inner_text()
    assert "19811218-9876" not in officer.locator(".item-text").inner_text()
    assert accessibility_violations(officer) == []
    screenshot(officer, "flag-en")


def test_unmasking_asks_a_reason_and_lands_in_the_history(officer: Any) -> None:
    officer.get_by_role("button", name="Show masked values…").click()
    officer.fill("#unmask-reason", "Checking whether the number is our switchboard")
    officer.locator("#unmask-form").get_by_role("button", name="Unmask").click()
    officer.wait_for_selector("#unmasked-values dd")
    assert officer.locator("#unmasked-values dd").first.inner_text().strip() != ""
    officer.wait_for_selector("#history li:has-text('Masked values shown')")


def test_a_decision_by_keyboard_with_a_template_is_recorded_and_audited(
    officer: Any, stack: ReviewStack
) -> None:
    flag_id = officer.url.rsplit("/", 1)[1]
    officer.locator("main h1").click()
    officer.keyboard.press("d")
    dialog = officer.locator("#decide")
    assert dialog.is_visible()
    officer.select_option("#decide-template", "no_violation")
    assert "harmless" in officer.input_value("#decide-reason")
    officer.locator("#decide-form").get_by_role("button", name="Record decision").click()
    officer.wait_for_selector("#flag-status:has-text('Dismissed')")
    entry = officer.locator("#history li", has_text="Dismissed")
    assert "harmless" in entry.inner_text()
    audited = [e for e in stack.audit("seko", target=flag_id) if e.action == "flag.dismissed"]
    assert len(audited) == 1
    assert audited[0].actor == stack.subs[OFFICER]  # the Cognito sub, never the name
    assert "harmless" in (audited[0].reason or "")


def test_an_illegal_decision_is_refused_with_a_clear_message(officer: Any) -> None:
    officer.locator("main h1").click()
    officer.keyboard.press("e")  # dismissed -> escalated is not a step of the workflow
    officer.fill("#decide-reason", "Second thoughts")
    officer.locator("#decide-form").get_by_role("button", name="Record decision").click()
    officer.wait_for_selector("#alert:not(:empty)")
    assert officer.locator("#alert").inner_text() == catalogue("en")["error.illegal_transition"]


def test_the_dashboard_draws_its_charts(officer: Any) -> None:
    officer.get_by_role("link", name="Dashboard").click()
    officer.wait_for_selector("#charts[aria-busy='false'] figure svg")
    assert officer.locator("#charts figure.chart").count() == 4
    assert accessibility_violations(officer) == []
    screenshot(officer, "dashboard-en")


def test_the_supervision_report_shows_the_week_and_exports_csv_and_pdf(
    officer: Any, stack: ReviewStack
) -> None:
    this_week = SEEDED_WEEK
    officer.get_by_role("link", name="Supervision report").click()
    officer.fill("#week", this_week)
    officer.get_by_role("button", name="Show", exact=True).click()
    expect(officer.locator("#report-table caption")).to_contain_text(this_week)
    total = officer.locator("#report-table tr.total td").nth(1)  # after the platform
    assert int(total.inner_text()) == FLAGS  # every seeded flag, all accounts together
    assert accessibility_violations(officer) == []
    screenshot(officer, "report-en")
    exported: dict[str, bytes] = {}
    for fmt in ("csv", "pdf"):
        with officer.expect_download() as download:
            officer.locator(f"#export-{fmt}").click()
        assert download.value.suggested_filename == f"supervision-seko-{this_week}.{fmt}"
        exported[fmt] = Path(download.value.path()).read_bytes()
    assert exported["pdf"].startswith(b"%PDF")
    assert b"seko-acct-0" in exported["csv"]
    recorded = stack.audit("seko", target=f"report:supervision:{this_week}")
    assert [e.details["format"] for e in recorded if e.action == "report.exported"][-2:] == [
        "csv",
        "pdf",
    ]


def test_a_slow_answer_for_the_default_week_does_not_replace_the_week_asked_for(
    officer: Any,
) -> None:
    """The report view loads last week at once; an officer who picks another week before that
    answer arrives must see the week picked, whichever answer the network delivers last."""
    held: list[Any] = []

    def hold_the_first(route: Any) -> None:
        if not held and "format=json" in route.request.url:
            held.append(route)  # answered below, after the newer request's answer is drawn
        else:
            route.continue_()

    officer.get_by_role("link", name="Dashboard").click()
    officer.wait_for_selector("#charts[aria-busy='false']")
    officer.route("**/reports/supervision?*", hold_the_first)
    try:
        with officer.expect_request(lambda r: "format=json" in r.url) as first:
            officer.get_by_role("link", name="Supervision report").click()
        # The week the page opens with (last week on the browser's calendar), as it asked.
        last_week = parse_qs(urlsplit(first.value.url).query)["week"][0]
        expect(officer.locator("#week")).to_have_value(last_week)
        this_week = iso_week_after(last_week)
        officer.fill("#week", this_week)
        officer.get_by_role("button", name="Show", exact=True).click()
        expect(officer.locator("#report-table caption")).to_contain_text(this_week)
        assert len(held) == 1
        with officer.expect_response(lambda r: f"week={last_week}" in r.url) as late:
            held[0].continue_()
        late.value.finished()
        # Give the page's own handler of the late answer time to run; with no guard it redraws.
        officer.wait_for_timeout(300)
        expect(officer.locator("#report-table caption")).to_contain_text(this_week)
        assert officer.locator("#alert").inner_text() == ""
    finally:
        officer.unroute("**/reports/supervision?*")


def test_a_view_left_before_its_answer_came_is_not_drawn_over_the_next(officer: Any) -> None:
    english = catalogue("en")
    officer.get_by_role("link", name=english["nav.queue"]).click()
    officer.wait_for_selector("#queue-table tbody tr[data-flag]")
    flag_id = rows(officer).first.get_attribute("data-flag")
    detail = f"**/flags/{flag_id}"
    held: list[Any] = []

    def hold(route: Any) -> None:  # Playwright takes a Python function, not a bound builtin
        held.append(route)

    officer.route(detail, hold)
    try:
        rows(officer).first.locator("a").click()
        officer.wait_for_function("() => location.hash.startsWith('#/flag/')")
        officer.get_by_role("link", name="Dashboard").click()
        officer.wait_for_selector("#charts[aria-busy='false'] figure svg")
        assert len(held) == 1
        with officer.expect_response(lambda r: r.url.endswith(f"/flags/{flag_id}")) as late:
            held[0].continue_()
        late.value.finished()
        officer.wait_for_timeout(300)  # the late answer's handler runs; unguarded, it draws
        assert officer.locator("main h1").inner_text() == english["nav.dashboard"]
        assert officer.locator("mark.hit").count() == 0
    finally:
        officer.unroute(detail)


def test_the_language_is_kept_on_the_server_and_follows_the_user(
    officer: Any, stack: ReviewStack, browser: Any
) -> None:
    swedish = catalogue("sv")
    officer.select_option("#language", "sv")
    officer.wait_for_selector(f"nav a:has-text('{swedish['nav.queue']}')")
    assert stack.call("GET", "/me", OFFICER).body["language"] == "sv"
    screenshot(officer, "dashboard-sv")
    officer.get_by_role("link", name=swedish["nav.queue"]).click()
    officer.wait_for_selector("#queue-table tbody tr[data-flag]")
    assert officer.locator("main h1").inner_text() == swedish["nav.queue"]
    assert accessibility_violations(officer) == []
    screenshot(officer, "queue-sv")
    rows(officer).first.locator("a").click()
    officer.wait_for_selector("mark.hit")
    screenshot(officer, "flag-sv")
    # A fresh sign-in in an English browser still gets Swedish: the choice is the user's.
    context = browser.new_context(viewport=LAPTOP, locale="en-GB", timezone_id=OFFICE_ZONE)
    page = context.new_page()
    page.goto(f"{stack.url}/console/")
    page.fill("#username", OFFICER)
    page.fill("#password", DEMO_PASSWORD)
    page.locator("#login-form button[type=submit]").click()
    page.wait_for_selector("#queue-table")
    assert page.locator("main h1").inner_text() == swedish["nav.queue"]
    context.close()


def test_the_auditor_sees_the_decision_in_the_audit_log_with_its_reason(
    browser: Any, stack: ReviewStack
) -> None:
    context = browser.new_context(viewport=LAPTOP, locale="en-GB", timezone_id=OFFICE_ZONE)
    page = context.new_page()
    page.goto(f"{stack.url}/console/")
    page.fill("#username", "seko-auditor")
    page.fill("#password", DEMO_PASSWORD)
    page.locator("#login-form button[type=submit]").click()
    page.wait_for_selector("#queue-table")
    page.get_by_role("link", name="Audit log").click()
    dismissed = page.locator("#audit-table tr[data-action='flag.dismissed']")
    expect(dismissed).to_have_count(1)
    assert stack.subs[OFFICER] in dismissed.inner_text()
    assert "harmless" in dismissed.inner_text()
    assert accessibility_violations(page) == []
    screenshot(page, "audit-en")
    context.close()
