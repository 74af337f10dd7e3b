"""A notice as a Microsoft Teams Workflows webhook message: an Adaptive Card in a `message`.

Shape (Workflows' "Send webhook alerts to a channel"):
`{"type": "message", "attachments": [{"contentType": "application/vnd.microsoft.card.adaptive",
"content": {"type": "AdaptiveCard", "version": "1.4", "body": [...], "actions": [...]}}]}`.
Version 1.4 renders in every current Teams client (1.5 is not everywhere yet); the legacy
MessageCard is not used because it loses the button.

Size: Teams documents about 28 KB per message and one library found 21 KB the practical
ceiling, so the whole UTF-8 JSON body is kept within `PAYLOAD_BUDGET` (20 KB): long values are
cut first, then the excerpt shrinks until the card fits.
"""

from __future__ import annotations

import json
from typing import Any

from uppsikt.notify.message import Notice
from uppsikt.notify.text import one_line, truncate

CARD_CONTENT_TYPE = "application/vnd.microsoft.card.adaptive"
CARD_VERSION = "1.4"
CARD_SCHEMA = "http://adaptivecards.io/schemas/adaptive-card.json"
PAYLOAD_LIMIT = 28 * 1024  # documented
PAYLOAD_BUDGET = 20 * 1024  # ours, under the 21 KB seen in practice
FACT_VALUE_BUDGET = 400
EXCERPT_BUDGET = 3000


def payload_size(payload: dict[str, Any]) -> int:
    """Bytes on the wire, as `deliver` encodes it."""
    return len(json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))


def _card(notice: Notice, excerpt: str, value_budget: int) -> dict[str, Any]:
    labels = notice.labels
    body: list[dict[str, Any]] = [
        {
            "type": "TextBlock",
            "text": truncate(one_line(f"Uppsikt · {notice.title}"), value_budget),
            "weight": "Bolder",
            "size": "Medium",
            "wrap": True,
        },
        {
            "type": "FactSet",
            "facts": [
                {"title": label, "value": truncate(one_line(value), value_budget)}
                for label, value in notice.facts()
            ],
        },
        {"type": "TextBlock", "text": labels.excerpt, "weight": "Bolder", "wrap": True},
        {"type": "TextBlock", "text": excerpt or labels.no_excerpt, "wrap": True},
        {
            "type": "TextBlock",
            "text": f"{notice.flag_id} · {notice.created_at:%Y-%m-%d %H:%M} UTC",
            "isSubtle": True,
            "size": "Small",
            "wrap": True,
        },
    ]
    return {
        "type": "message",
        "attachments": [
            {
                "contentType": CARD_CONTENT_TYPE,
                "contentUrl": None,
                "content": {
                    "$schema": CARD_SCHEMA,
                    "type": "AdaptiveCard",
                    "version": CARD_VERSION,
                    "body": body,
                    "actions": [
                        {"type": "Action.OpenUrl", "title": labels.open, "url": notice.link}
                    ],
                },
            }
        ],
    }


def teams_message(notice: Notice, *, budget: int = PAYLOAD_BUDGET) -> dict[str, Any]:
    """The webhook body for one notice, at most `budget` bytes of UTF-8 JSON."""
    excerpt_budget = EXCERPT_BUDGET
    value_budget = FACT_VALUE_BUDGET
    while True:
        excerpt = truncate(one_line(notice.excerpt), excerpt_budget, unit="utf8")
        payload = _card(notice, excerpt, value_budget)
        if payload_size(payload) <= budget or (excerpt_budget == 0 and value_budget <= 16):
            break
        # Shrink what the officer can read in the console anyway: the excerpt, then the values.
        if excerpt_budget > 0:
            excerpt_budget //= 2
        else:
            value_budget //= 2
    if payload_size(payload) > budget:
        raise ValueError("notice: does not fit the Teams payload budget")
    return payload
