"""Every AWS client the runtime builds has timeouts well inside API Gateway's 29 s and
standard-mode retries, so a hung AWS call fails inside the function instead of outlasting it."""

from __future__ import annotations

from functools import cached_property
from typing import Any

import boto3
import pytest

from uppsikt.runtime import CLIENT_CONFIG, Runtime
from uppsikt.settings import load_settings, required_variables

API_GATEWAY_LIMIT = 29.0


class RecordingSession(boto3.Session):
    """A real session that notes how each client was asked for."""

    def __init__(self) -> None:
        super().__init__(
            region_name="eu-north-1", aws_access_key_id="testing", aws_secret_access_key="testing"
        )
        self.requests: list[tuple[str, dict[str, Any]]] = []

    def client(self, service_name: str, *args: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        self.requests.append((service_name, kwargs))
        return super().client(service_name, *args, **kwargs)


def client_properties() -> list[str]:
    """The runtime's client properties, found by their return type (`...Client`)."""
    return sorted(
        name
        for name, value in vars(Runtime).items()
        if isinstance(value, cached_property)
        and str(value.func.__annotations__.get("return", "")).endswith("Client")
    )


@pytest.fixture
def runtime() -> tuple[Runtime, RecordingSession]:
    session = RecordingSession()
    settings = load_settings(dict.fromkeys(required_variables(), "x"))
    return Runtime(settings, session), session


def test_the_runtime_builds_its_five_clients_through_client_properties() -> None:
    assert client_properties() == ["dynamodb", "s3", "secretsmanager", "sns", "sqs"]


def test_every_client_the_runtime_builds_carries_the_timeouts_and_standard_retries(
    runtime: tuple[Runtime, RecordingSession],
) -> None:
    rt, session = runtime
    for name in client_properties():
        client = getattr(rt, name)
        config = client.meta.config
        assert config.connect_timeout == 2, name
        assert config.read_timeout == 5, name
        assert config.retries == {"mode": "standard", "total_max_attempts": 3}, name
    # Powertools' secrets provider reads through the runtime's own client, not one of its own.
    assert rt.secrets.client is rt.secretsmanager
    assert len(session.requests) == len(client_properties())
    assert all(kwargs.get("config") is CLIENT_CONFIG for _, kwargs in session.requests)


def test_one_call_to_an_endpoint_that_never_answers_gives_up_inside_api_gateways_limit() -> None:
    attempts = CLIENT_CONFIG.retries["total_max_attempts"]
    waits = attempts * (CLIENT_CONFIG.connect_timeout + CLIENT_CONFIG.read_timeout)
    backoff = sum(2**i for i in range(attempts - 1))  # standard mode: at most 1 s, then 2 s
    assert waits + backoff <= API_GATEWAY_LIMIT - 5
