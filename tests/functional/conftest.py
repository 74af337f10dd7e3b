"""Functional layer: a fresh moto stack per test, built from infra/, with the app wired to it."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from support.stack import REGION, Stack, moto_stack


@pytest.fixture
def stack(monkeypatch: pytest.MonkeyPatch) -> Iterator[Stack]:
    for name in ("AWS_ENDPOINT_URL", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    saved = dict(os.environ)
    try:
        with moto_stack(os.environ) as built:  # type: ignore[arg-type]
            yield built
    finally:
        os.environ.clear()
        os.environ.update(saved)
