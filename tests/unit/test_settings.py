"""Settings are read once from the environment and fail fast, naming what is missing."""

from __future__ import annotations

import pytest

from uppsikt.settings import ConfigurationError, load_settings, required_variables


def complete() -> dict[str, str]:
    return dict.fromkeys(required_variables(), "x")


def test_a_complete_environment_loads_with_defaults() -> None:
    settings = load_settings(complete())
    assert settings.max_receive_count == 5
    assert settings.policy_id == "nordic-baseline"


def test_missing_variables_are_named_in_the_error() -> None:
    environ = complete()
    del environ["UPPSIKT_FLAGS_TABLE"]
    del environ["UPPSIKT_RAW_BUCKET"]
    with pytest.raises(ConfigurationError) as caught:
        load_settings(environ)
    assert "UPPSIKT_FLAGS_TABLE" in str(caught.value)
    assert "UPPSIKT_RAW_BUCKET" in str(caught.value)


def test_a_malformed_value_is_named_without_echoing_it() -> None:
    environ = {
        **complete(),
        "UPPSIKT_MAX_RECEIVE_COUNT": "lots",
        "UPPSIKT_POLICY_MAX_AGE_SECONDS": "soon",
    }
    with pytest.raises(ConfigurationError) as caught:
        load_settings(environ)
    message = str(caught.value)
    assert "UPPSIKT_MAX_RECEIVE_COUNT" in message
    assert "UPPSIKT_POLICY_MAX_AGE_SECONDS" in message
    assert "lots" not in message
    assert "soon" not in message
