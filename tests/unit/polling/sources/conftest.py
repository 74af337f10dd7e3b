"""Every source test talks to one fake platform API on loopback, emptied before each test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from uppsikt.local.fake_api import FakeApi


@pytest.fixture(scope="module")
def server() -> Iterator[FakeApi]:
    with FakeApi() as api:
        yield api


@pytest.fixture
def api(server: FakeApi) -> FakeApi:
    server.reset()
    return server
