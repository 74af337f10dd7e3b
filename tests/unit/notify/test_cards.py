"""Alerts, digests and test messages within Slack's, Teams' and e-mail's documented limits."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from support.channel_shapes import adaptive_card_problems, block_kit_problems
from uppsikt.model.verdict import Severity
from uppsikt.notify import cards
from uppsikt.notify.incoming import Incoming, parse
from uppsikt.notify.mail import SUBJECT_MAX
from uppsikt.notify.teams import PAYLOAD_LIMIT, payload_size

BASE = "https://uppsikt.example.org/api"
NOW = datetime(2026, 12, 1, 7, 0, tzinfo=UTC)


def flags(n: int) -> list[Incoming]:
    return [
        Incoming(
            kind="flag",
            type="flag",
            ref=f"F-{i:020d}",
            org_id="seko",
            severity=Severity.ADVISORY,
            received_at=NOW - timedelta(minutes=i),
            body={
                "kinds": ["profanity", "off_topic"] * 10,
                "platform": "facebook",
                "account_id": "seko-facebook",
            },
        )
        for i in range(n)
    ]


def test_a_digest_of_many_flags_fits_slack_and_says_how_many_more_wait() -> None:
    card = cards.digest_card("seko", flags(40), "sv", BASE, NOW)
    payload = cards.slack_card(card)
    assert block_kit_problems(payload) == []
    assert len(card.lines) == cards.DIGEST_MAX_LINES + 1
    assert card.lines[-1] == f"{40 - cards.DIGEST_MAX_LINES} till i konsolen"
    assert "Daglig sammanfattning" in payload["blocks"][0]["text"]["text"]


def test_a_digest_of_many_flags_fits_a_teams_card() -> None:
    card = cards.digest_card("seko", flags(40), "da", BASE, NOW)
    payload = cards.teams_card(card)
    assert adaptive_card_problems(payload, max_bytes=PAYLOAD_LIMIT) == []
    tight = cards.teams_card(card, budget=payload_size(payload) - 200)
    assert adaptive_card_problems(tight, max_bytes=payload_size(payload) - 200) == []


def test_a_digest_link_goes_to_the_organisations_flags_in_the_console() -> None:
    card = cards.digest_card("seko", flags(1), "nb", BASE, NOW)
    assert card.link == "https://uppsikt.example.org/api/console/#/orgs/seko/flags"


def test_an_alert_card_links_to_its_clock_and_shows_only_safe_fields() -> None:
    body = {
        "type": "clock.breached",
        "org_id": "seko",
        "severity": "legal",
        "clock_id": "clk-7",
        "breached_at": "2026-12-01T09:00:00+00:00",
        "excerpt": "Signe Karlsson asks again",
    }
    message = parse(json.dumps(body), {}, NOW)
    card = cards.alert_card(message, "en", BASE)
    assert card.link == "https://uppsikt.example.org/api/console/#/orgs/seko/clocks/clk-7"
    for payload in (cards.slack_card(card), cards.teams_card(card)):
        assert "Signe" not in json.dumps(payload)
    assert block_kit_problems(cards.slack_card(card)) == []
    assert adaptive_card_problems(cards.teams_card(card), max_bytes=PAYLOAD_LIMIT) == []
    mail = cards.email_card(card)
    assert len(mail.subject) <= SUBJECT_MAX
    assert "2026-12-01 09:00 UTC" in mail.body


def test_a_console_link_cannot_be_steered_out_of_its_place() -> None:
    url = cards.console_url(BASE, "seko", "flags", "../../evil?x=1#y")
    assert url.endswith("/orgs/seko/flags/..%2F..%2Fevil%3Fx%3D1%23y")
    with pytest.raises(ValueError, match="public_base_url"):
        cards.console_url("javascript:alert(1)", "seko")
