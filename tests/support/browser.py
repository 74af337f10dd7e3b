"""Debian's chromium driven by Playwright, and the axe-core check, for the console's tests.

The browser is /usr/bin/chromium (`make browser` installs it); Playwright's own browser downloads
are never used. axe-core comes bundled in the axe-playwright-python wheel, so the check needs
nothing beyond the lock file.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from support.paths import REPO

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = REPO / "build" / "screenshots"
LAPTOP = {"width": 1366, "height": 768}
# The browser's clock reads the officers' time zone on every machine, not the host's: the console
# picks its default week and formats times from it.
OFFICE_ZONE = "Europe/Stockholm"
# What the console must not have: axe's two worst impacts.
BLOCKING_IMPACTS = frozenset({"serious", "critical"})


@contextmanager
def chromium() -> Iterator[Any]:
    """A headless chromium for the session; fails (never skips) when it is missing."""
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make browser` (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        # --no-sandbox: CI and the developers' machines run as root, where chromium's sandbox
        # refuses to start; the pages loaded are our own, from loopback.
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=["--no-sandbox"]
        )
        try:
            yield browser
        finally:
            browser.close()


def accessibility_violations(page: Any) -> list[str]:
    """axe-core's serious and critical violations on the page as it is now (WCAG 2.x A/AA)."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(
        page,
        options={
            "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
            "resultTypes": ["violations"],
        },
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v.get("impact") in BLOCKING_IMPACTS
    ]


def screenshot(page: Any, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=False)
    return path


@functools.cache
def _quiet_handler() -> type:
    from chalice.local import ChaliceRequestHandler

    class Quiet(ChaliceRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            return

    return Quiet


@contextmanager
def serve(chalice_app: Any) -> Iterator[str]:
    """Serve a Chalice app on a free loopback port the way `chalice local` does."""
    from chalice.config import Config
    from chalice.local import create_local_server

    config = Config.create(chalice_stage="dev", app_name=chalice_app.app_name)
    server = create_local_server(chalice_app, config, "127.0.0.1", 0)
    server.server.RequestHandlerClass = functools.partial(
        _quiet_handler(), app_object=server.app_object, config=config
    )
    thread = threading.Thread(target=server.server.serve_forever, daemon=True)
    thread.start()
    host, port = server.server.server_address[:2]
    try:
        yield f"http://{host}:{port}"
    finally:
        server.server.shutdown()
