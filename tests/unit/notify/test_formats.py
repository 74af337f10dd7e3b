"""Slack, Teams and e-mail formats: the documented shapes, within the documented limits, cut
safely, and free of anything a comment could use to ping, link or name someone."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from support.channel_shapes import adaptive_card_problems, block_kit_problems
from support.notices import CPR, a_notice
from uppsikt.notify.mail import SUBJECT_MAX, email_message
from uppsikt.notify.message import Notice
from uppsikt.notify.slack import slack_message
from uppsikt.notify.teams import PAYLOAD_LIMIT, payload_size, teams_message
from uppsikt.notify.text import truncate, utf8_length, utf16_length

EMOJI = "😀"  # outside the BMP: two UTF-16 code units
LONG = f"Hej {'skriv til mig ' * 600}{EMOJI * 900} mit cpr er {CPR}"
MANY_RULES = tuple(f"seko.rule-{i:04d}" for i in range(400))


def huge_notice(lang: str = "da") -> Notice:
    return a_notice(
        LONG,
        lang=lang,
        rule_ids=MANY_RULES,
        kinds=tuple(f"kind_{i}" for i in range(300)),
        account_id="seko-" + "x" * 3000,
    )


def texts_of(payload: object) -> list[str]:
    if isinstance(payload, dict):
        return [t for value in payload.values() for t in texts_of(value)]
    if isinstance(payload, list):
        return [t for value in payload for t in texts_of(value)]
    return [payload] if isinstance(payload, str) else []


# --- Slack -------------------------------------------------------------------------------------
def test_a_slack_message_has_the_documented_shape() -> None:
    payload = slack_message(a_notice())
    assert block_kit_problems(payload) == []
    assert [b["type"] for b in payload["blocks"]] == [
        "header",
        "section",
        "section",
        "context",
        "actions",
    ]
    button = payload["blocks"][-1]["elements"][0]
    assert button["url"].startswith("https://console.example.org/flags/F-")
    assert button["text"]["text"] == "Öppna i konsolen"


def test_a_huge_flag_still_fits_slacks_limits() -> None:
    payload = slack_message(huge_notice())
    assert block_kit_problems(payload) == []
    total = sum(utf16_length(t) for t in texts_of(payload))
    assert total < 12_000  # Slack refused messages of about 13,200 characters


def test_a_comment_cannot_ping_the_channel_or_smuggle_a_link_into_slack() -> None:
    payload = slack_message(a_notice("hej <!channel> se <https://evil.example|her> & tak"))
    mrkdwn = [
        t["text"]
        for b in payload["blocks"]
        for t in [*b.get("fields", []), *b.get("elements", [])]
        if isinstance(t, dict) and t.get("type") == "mrkdwn"
    ]
    for text in [payload["text"], *mrkdwn]:
        assert "<!" not in text
    excerpt = payload["blocks"][2]["text"]
    assert excerpt["type"] == "plain_text"
    assert "evil.example" not in json.dumps(payload)


# --- Teams -------------------------------------------------------------------------------------
def test_a_teams_message_is_an_adaptive_card_in_a_message() -> None:
    payload = teams_message(a_notice(lang="nb"))
    assert adaptive_card_problems(payload, max_bytes=PAYLOAD_LIMIT) == []
    card = payload["attachments"][0]["content"]
    assert card["version"] == "1.4"
    assert card["actions"][0]["title"] == "Åpne i konsollen"
    facts = {f["title"]: f["value"] for f in card["body"][1]["facts"]}
    assert facts["Alvorlighet"] == "Lovkrav"


def test_a_huge_flag_still_fits_the_teams_payload_limit() -> None:
    payload = teams_message(huge_notice("nn"))
    assert adaptive_card_problems(payload, max_bytes=PAYLOAD_LIMIT) == []
    assert payload_size(payload) <= 20 * 1024


def test_a_tight_teams_budget_shrinks_the_excerpt_and_keeps_the_facts() -> None:
    notice = a_notice(LONG)
    roomy = teams_message(notice)
    budget = payload_size(roomy) - 100
    tight = teams_message(notice, budget=budget)
    assert payload_size(tight) <= budget
    assert adaptive_card_problems(tight, max_bytes=budget) == []
    roomy_body = roomy["attachments"][0]["content"]["body"]
    tight_body = tight["attachments"][0]["content"]["body"]
    assert tight_body[1] == roomy_body[1]  # the facts
    assert len(tight_body[3]["text"]) < len(roomy_body[3]["text"])  # the excerpt


def test_a_budget_nothing_fits_in_is_an_error_not_an_oversized_card() -> None:
    with pytest.raises(ValueError, match="Teams payload budget"):
        teams_message(a_notice(), budget=200)


# --- E-mail ------------------------------------------------------------------------------------
def test_an_email_subject_is_one_short_line_and_the_body_plain_text() -> None:
    mail = email_message(huge_notice("sv"))
    assert len(mail.subject) <= SUBJECT_MAX < 100
    assert mail.subject.isprintable()
    assert mail.subject.startswith("Uppsikt: Lagkrav flagga: kind_0, kind_1")
    assert utf8_length(mail.body) < 256 * 1024
    assert "Öppna i konsolen: https://console.example.org/flags/" in mail.body


def test_an_email_lists_every_fact_in_the_officers_language() -> None:
    body = email_message(a_notice(lang="en")).body
    for line in (
        "Severity: Legal",
        "Rules: baseline.national-id",
        "Account: seko-facebook",
        "Organisation: seko",
        "Policy version: seko 2026-11-30.1",
    ):
        assert line in body.splitlines()
    assert "[name] här" in body


# --- What no channel carries ---------------------------------------------------------------------
@pytest.mark.parametrize("lang", ["da", "sv", "nb", "nn", "en"])
def test_no_channel_carries_a_name_an_id_number_or_an_author(lang: str) -> None:
    text = f"Signe Karlsson (@signek) skrev: mit nummer er {CPR}, ring Lars J. på 12345678"
    notice = a_notice(text, lang=lang)
    mail = email_message(notice)
    for rendered in (
        json.dumps(slack_message(notice), ensure_ascii=False),
        json.dumps(teams_message(notice), ensure_ascii=False),
        mail.subject + mail.body,
    ):
        for secret in ("Signe", "Karlsson", "signek", "Lars", " J.", CPR, "12345678"):
            assert secret not in rendered


# --- Truncation ----------------------------------------------------------------------------------
@settings(max_examples=200)
@given(
    st.lists(
        st.sampled_from(["ab", "[name]", "******-****", EMOJI * 3, "é", "e\u0301", "ææ"]),
        max_size=30,
    ),
    st.integers(min_value=0, max_value=60),
    st.sampled_from(["utf16", "utf8", "chars"]),
)
def test_truncation_never_cuts_a_token_or_a_surrogate_pair(
    words: list[str], limit: int, unit: str
) -> None:
    text = " ".join(words)
    cut = truncate(text, limit, unit=unit)  # type: ignore[arg-type]
    measure = {"utf16": utf16_length, "utf8": utf8_length, "chars": len}[unit]
    assert measure(cut) <= limit
    cut.encode("utf-8")  # a lone surrogate would raise here
    body = cut.removesuffix("…")
    assert all(word in words for word in body.split())
    if measure(text) <= limit:
        assert cut == text
