"""Flags and alerts read at the edge: only masked, known fields ever reach a message."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from uppsikt.model.verdict import Severity
from uppsikt.notify.incoming import ForTheOperator, NotAMessage, parse

NOW = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)


def flag_body(**overrides: object) -> str:
    body: dict[str, object] = {
        "flag_id": "F-00000000000000000001",
        "org_id": "seko",
        "severity": "legal",
        "rules": ["baseline.national-id"],
        "kinds": ["national_id"],
        "platform": "facebook",
        "account_id": "seko-facebook",
        "object_kind": "comment",
        "policy_version": "2026-11-30.1",
        "excerpt": "[name] här, mitt personnummer är ******-****",
    }
    return json.dumps(body | overrides)


def test_a_flag_from_evaluation_is_read_with_its_codes_and_masked_excerpt() -> None:
    message = parse(flag_body(), {"severity": "legal"}, NOW)
    assert message.kind == "flag"
    assert message.ref == "F-00000000000000000001"
    assert message.severity is Severity.LEGAL
    assert message.body["kinds"] == ["national_id"]
    assert message.body["excerpt"] == "[name] här, mitt personnummer är ******-****"


def test_a_name_left_in_an_excerpt_by_a_publisher_is_hidden_again() -> None:
    message = parse(flag_body(excerpt="Signe K. här och Øjvind Hansen med"), {}, NOW)
    assert "Signe" not in message.body["excerpt"]
    assert "Øjvind" not in message.body["excerpt"]
    assert message.body["excerpt"] == "[name] här och [name] med"


def test_an_alert_keeps_only_known_fields_each_as_what_it_may_hold() -> None:
    body = {
        "type": "clock.at_risk",
        "org_id": "kommunal",
        "severity": "mandatory",
        "clock_id": "clk-42",
        "account_id": "kommunal-facebook",
        "due_at": "2026-12-01T15:00:00+01:00",
        "state": "at_risk",
        "author_name": "Signe Karlsson",  # a field we do not know: never shown
        "reason": "Signe asked twice",  # a known field holding what it may not: left out
        "lag_minutes": "Kari",
    }
    message = parse(json.dumps(body), {}, NOW)
    assert message.kind == "alert"
    assert message.type == "clock.at_risk"
    assert message.body == {
        "account_id": "kommunal-facebook",
        "clock_id": "clk-42",
        "state": "at_risk",
        "due_at": "2026-12-01 14:00 UTC",
    }
    assert "Signe" not in message.model_dump_json()


def test_an_unknown_severity_is_read_as_mandatory_and_the_same_alert_has_the_same_ref() -> None:
    body = json.dumps({"type": "dsr.due", "org_id": "seko", "severity": "urgent!"})
    first, again = parse(body, {}, NOW), parse(body, {}, NOW)
    assert first.severity is Severity.MANDATORY
    assert first.ref == again.ref


def test_an_alert_without_a_type_is_operational() -> None:
    message = parse(json.dumps({"org_id": "seko", "reason": "account not registered"}), {}, NOW)
    assert (message.type, message.severity) == ("operational", Severity.MANDATORY)


def test_an_alert_of_no_organisation_is_the_operators() -> None:
    body = {"quarantine_key": "quarantine/x.json", "error": "account not in the registry"}
    with pytest.raises(ForTheOperator):
        parse(json.dumps(body), {}, NOW)


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        ("Signe Karlsson, not json", "body: not JSON"),
        ('["Signe"]', "body: not a JSON object"),
        ('{"type": "dsr.due", "org_id": "Signe Karlsson"}', "org_id"),
        (flag_body(severity="Signe"), "severity: not a severity"),
    ],
)
def test_a_body_that_is_neither_names_the_problem_and_never_its_value(
    body: str, problem: str
) -> None:
    with pytest.raises(NotAMessage) as caught:
        parse(body, {}, NOW)
    assert problem in str(caught.value)
    assert "Signe" not in str(caught.value)
