"""Shared by every layer: functions/app.py is the Lambda handler module, imported as `app`."""

from __future__ import annotations

import os
import sys

import pytest
from hypothesis import settings

from support.paths import REPO, SHARED

# Speed is measured by bench/, not by tests: an example that is slow on a busy CI machine (or the
# first one, which builds a deferred pydantic model) is not a failure.
settings.register_profile("uppsikt", deadline=None)
settings.load_profile("uppsikt")

# The command line reads `uppsikt deploy configure`'s file when no UPPSIKT_ variable is set; a
# developer's real deployment must never leak into a test.
os.environ["UPPSIKT_SETTINGS_FILE"] = os.devnull

if str(REPO / "functions") not in sys.path:
    sys.path.insert(0, str(REPO / "functions"))


def pytest_sessionstart(session: pytest.Session) -> None:
    # Tests that read ../shared skip where it is absent (a bare clone); in CI that would hide
    # whole groups of tests, so there its absence is an error.
    if os.environ.get("CI") and not SHARED.is_dir():
        pytest.exit(f"CI needs the shared reference material at {SHARED}", returncode=1)
