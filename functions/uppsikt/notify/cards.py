"""Alerts, digests and test messages for Slack, Teams and e-mail (flags have `message.Notice`).

A `Card` is a title, facts, lines of already-safe text and a link; `slack_card`, `teams_card` and
`email_card` lay it out within the same limits as the flag formats (`slack`, `teams`, `mail`):
Slack at most 50 blocks, 3,000 characters per section and 10 fields; Teams at most 20 KB of JSON
(28 KB documented); e-mail a subject under 100 characters and a small plain-text body. A digest
longer than `DIGEST_MAX_LINES` says how many more wait in the console instead of growing.
"""

from __future__ import annotations

import urllib.parse
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from uppsikt.notify import slack, teams
from uppsikt.notify.incoming import Incoming
from uppsikt.notify.labels import OfficerLang, labels_for, officer_lang
from uppsikt.notify.mail import SUBJECT_MAX, Email
from uppsikt.notify.text import one_line, truncate

DIGEST_MAX_LINES = 12
LINE_BUDGET = 200

# What the new messages say, per language (the flag labels are in `labels`).
WORDS: dict[OfficerLang, dict[str, str]] = {
    "sv": {
        "alert": "Driftlarm",
        "digest": "Daglig sammanfattning",
        "more": "{n} till i konsolen",
        "test": "Testmeddelande från Uppsikt: den här kanalen når dig.",
        "type": "Typ",
        "none": "Inget nytt.",
    },
    "da": {
        "alert": "Driftsalarm",
        "digest": "Daglig oversigt",
        "more": "{n} mere i konsollen",
        "test": "Testbesked fra Uppsikt: denne kanal når frem til dig.",
        "type": "Type",
        "none": "Intet nyt.",
    },
    "nb": {
        "alert": "Driftsvarsel",
        "digest": "Daglig oppsummering",
        "more": "{n} til i konsollen",
        "test": "Testmelding fra Uppsikt: denne kanalen når deg.",
        "type": "Type",
        "none": "Ikke noe nytt.",
    },
    "nn": {
        "alert": "Driftsvarsel",
        "digest": "Dagleg oppsummering",
        "more": "{n} til i konsollen",
        "test": "Testmelding frå Uppsikt: denne kanalen når deg.",
        "type": "Type",
        "none": "Ikkje noko nytt.",
    },
    "en": {
        "alert": "Operational alert",
        "digest": "Daily digest",
        "more": "{n} more in the console",
        "test": "Test message from Uppsikt: this channel reaches you.",
        "type": "Type",
        "none": "Nothing new.",
    },
}


@dataclass(frozen=True)
class Card:
    title: str
    facts: list[tuple[str, str]] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)  # plain text, already masked
    link: str | None = None
    link_label: str = ""
    footer: str = ""


def console_url(public_base_url: str, org_id: str, *path: str) -> str:
    """`<base>/console/#/orgs/<org>/<path...>`, every part quoted so none can leave its place."""
    scheme = urllib.parse.urlsplit(public_base_url).scheme
    if scheme not in ("https", "http"):
        raise ValueError("public_base_url: not an http(s) URL")
    parts = [urllib.parse.quote(p, safe="") for p in (org_id, *path)]
    return f"{public_base_url.rstrip('/')}/console/#/orgs/" + "/".join(parts)


def alert_link(base: str, message: Incoming) -> str:
    body = message.body
    if "flag_id" in body:
        return console_url(base, message.org_id, "flags", body["flag_id"])
    if "clock_id" in body:
        return console_url(base, message.org_id, "clocks", body["clock_id"])
    return console_url(base, message.org_id)


def alert_card(message: Incoming, lang: str | None, base: str) -> Card:
    words = WORDS[officer_lang(lang)]
    labels = labels_for(lang)
    severity = str(getattr(labels, message.severity.value))
    facts = [
        (labels.severity, severity),
        (words["type"], message.type),
        (labels.organisation, message.org_id),
        *((key, str(value)) for key, value in message.body.items()),
    ]
    return Card(
        title=f"{words['alert']}: {message.type} · {severity}",
        facts=facts,
        link=alert_link(base, message),
        link_label=labels.open,
        footer=f"{message.ref} · {message.received_at:%Y-%m-%d %H:%M} UTC",
    )


def digest_line(message: Incoming, lang: str | None) -> str:
    labels = labels_for(lang)
    severity = str(getattr(labels, message.severity.value))
    if message.kind == "flag":
        kinds = ", ".join(message.body.get("kinds", []))
        where = f"{message.body.get('platform', '')} {message.body.get('account_id', '')}".strip()
        what = f"{severity} · {kinds} · {where} · {message.ref}"
    else:
        what = f"{severity} · {message.type} · {message.ref}"
    return truncate(one_line(what), LINE_BUDGET)


def digest_card(
    org_id: str, messages: list[Incoming], lang: str | None, base: str, day: datetime
) -> Card:
    words = WORDS[officer_lang(lang)]
    labels = labels_for(lang)
    ordered = sorted(messages, key=lambda m: (-m.severity.rank, m.received_at, m.ref))
    lines = [digest_line(m, lang) for m in ordered[:DIGEST_MAX_LINES]]
    if len(ordered) > DIGEST_MAX_LINES:
        lines.append(words["more"].format(n=len(ordered) - DIGEST_MAX_LINES))
    return Card(
        title=f"{words['digest']} · {org_id} · {day:%Y-%m-%d}",
        facts=[(labels.organisation, org_id), ("#", str(len(ordered)))],
        lines=lines or [words["none"]],
        link=console_url(base, org_id, "flags"),
        link_label=labels.open,
    )


def card_for_test(org_id: str, lang: str | None, base: str | None) -> Card:
    words = WORDS[officer_lang(lang)]
    labels = labels_for(lang)
    return Card(
        title=f"Uppsikt · {org_id}",
        lines=[words["test"]],
        link=console_url(base, org_id) if base else None,
        link_label=labels.open,
    )


# --- layouts ---------------------------------------------------------------------------------
def slack_card(card: Card) -> dict[str, Any]:
    title = one_line(f"Uppsikt · {card.title}")
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": slack._plain(title, slack.HEADER_MAX)}
    ]
    if card.facts:
        blocks.append(
            {
                "type": "section",
                "fields": [
                    {
                        "type": "mrkdwn",
                        "text": truncate(
                            f"*{slack.escape(label)}*\n{slack.escape(one_line(value))}",
                            slack.FIELD_VALUE_BUDGET,
                        ),
                    }
                    for label, value in card.facts[: slack.MAX_FIELDS]
                ],
            }
        )
    if card.lines:
        # One plain-text section; each line is cut to its budget and the whole to a section's.
        text = "\n".join(truncate(one_line(line), LINE_BUDGET) for line in card.lines)
        blocks.append({"type": "section", "text": slack._plain(text, slack.SECTION_TEXT_MAX)})
    if card.footer:
        blocks.append(
            {"type": "context", "elements": [{"type": "mrkdwn", "text": slack.escape(card.footer)}]}
        )
    if card.link:
        blocks.append(
            {
                "type": "actions",
                "elements": [
                    {
                        "type": "button",
                        "text": slack._plain(card.link_label, slack.BUTTON_TEXT_MAX),
                        "url": card.link[: slack.URL_MAX],
                        "action_id": "open-console",
                    }
                ],
            }
        )
    fallback = truncate(slack.escape(f"{title} {card.link or ''}".strip()), slack.FALLBACK_BUDGET)
    return {"text": fallback, "blocks": blocks[: slack.MAX_BLOCKS]}


def teams_card(card: Card, *, budget: int = teams.PAYLOAD_BUDGET) -> dict[str, Any]:
    lines = [truncate(one_line(line), LINE_BUDGET) for line in card.lines]
    while True:
        body: list[dict[str, Any]] = [
            {
                "type": "TextBlock",
                "text": truncate(one_line(f"Uppsikt · {card.title}"), teams.FACT_VALUE_BUDGET),
                "weight": "Bolder",
                "size": "Medium",
                "wrap": True,
            }
        ]
        if card.facts:
            body.append(
                {
                    "type": "FactSet",
                    "facts": [
                        {"title": label, "value": truncate(one_line(v), teams.FACT_VALUE_BUDGET)}
                        for label, v in card.facts
                    ],
                }
            )
        body += [{"type": "TextBlock", "text": line, "wrap": True} for line in lines]
        if card.footer:
            body.append(
                {"type": "TextBlock", "text": card.footer, "isSubtle": True, "size": "Small"}
            )
        content: dict[str, Any] = {
            "$schema": teams.CARD_SCHEMA,
            "type": "AdaptiveCard",
            "version": teams.CARD_VERSION,
            "body": body,
        }
        if card.link:
            content["actions"] = [
                {"type": "Action.OpenUrl", "title": card.link_label, "url": card.link}
            ]
        payload = {
            "type": "message",
            "attachments": [
                {"contentType": teams.CARD_CONTENT_TYPE, "contentUrl": None, "content": content}
            ],
        }
        if teams.payload_size(payload) <= budget:
            return payload
        if not lines:
            raise ValueError("card: does not fit the Teams payload budget")
        lines = lines[: len(lines) // 2]  # the console holds the rest


def email_card(card: Card) -> Email:
    subject = truncate(one_line(f"Uppsikt: {card.title}"), SUBJECT_MAX, unit="chars")
    facts = [f"{label}: {truncate(one_line(value), LINE_BUDGET)}" for label, value in card.facts]
    lines = [truncate(one_line(line), LINE_BUDGET) for line in card.lines]
    body = [one_line(f"Uppsikt · {card.title}"), "", *facts]
    if lines:
        body += ["", *lines]
    if card.link:
        body += ["", f"{card.link_label}: {card.link}"]
    if card.footer:
        body.append(card.footer)
    return Email(subject=subject, body="\n".join(body))
