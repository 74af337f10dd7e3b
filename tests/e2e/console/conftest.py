"""One headless chromium per test module for the console's browser tests."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from support.browser import LAPTOP, OFFICE_ZONE, chromium


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as launched:
        yield launched


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(
        viewport=LAPTOP, locale="en-GB", timezone_id=OFFICE_ZONE, accept_downloads=True
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    context.close()
    assert errors == [], f"the console raised in the browser: {errors}"
