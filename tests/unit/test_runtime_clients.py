"""Every AWS client the runtime builds has timeouts well inside API Gateway's 29 s and
standard-mode retries, so a hung AWS call fails inside the function instead of outlasting it."""

from __future__ import annotations

from functools import cached_property

import boto3
import pytest

from uppsikt.runtime import CLIENT_CONFIG, Runtime
from uppsikt.settings import load_settings, required_variables

API_GATEWAY_LIMIT = 29.0


def client_properties() -> list[str]:
    """The runtime's client properties, found by their return type (`...Client`)."""
    return sorted(
        name
        for name, value in vars(Runtime).items()
        if isinstance(value, cached_property)
        and str(value.func.__annotations__.get("return", "")).endswith("Client")
    )


@pytest.fixture
def rt() -> Runtime:
    session = boto3.Session(
        region_name="eu-north-1", aws_access_key_id="testing", aws_secret_access_key="testing"
    )
    return Runtime(load_settings(dict.fromkeys(required_variables(), "x")), session)


def test_the_runtime_builds_its_six_clients_through_client_properties() -> None:
    # kms: the audit checkpoints' signing key.
    assert client_properties() == ["dynamodb", "kms", "s3", "secretsmanager", "sns", "sqs"]


def test_every_client_the_runtime_builds_carries_the_timeouts_and_standard_retries(
    rt: Runtime,
) -> None:
    for name in client_properties():
        config = vars(getattr(rt, name).meta.config)
        assert config["connect_timeout"] == 2, name
        assert config["read_timeout"] == 5, name
        assert config["retries"] == {"mode": "standard", "total_max_attempts": 3}, name
    # Powertools' secrets provider reads through the runtime's own client, not one of its own.
    assert rt.secrets.client is rt.secretsmanager


def test_one_call_to_an_endpoint_that_never_answers_gives_up_inside_api_gateways_limit() -> None:
    config = vars(CLIENT_CONFIG)
    attempts = config["retries"]["total_max_attempts"]
    waits = attempts * (config["connect_timeout"] + config["read_timeout"])
    backoff = sum(2**i for i in range(attempts - 1))  # standard mode: at most 1 s, then 2 s
    assert waits + backoff <= API_GATEWAY_LIMIT - 5
