"""A notice as a Slack incoming-webhook message (Block Kit).

Shape: a header, a section of fields, a section with the masked excerpt, a context line and a
button into the console, plus `text`, the fallback Slack shows in notifications.

Limits, from Slack's Block Kit reference (../shared/docs/review-retention-clocks.md §E): at most
50 blocks; header text 150 characters (plain text); section text 3,000 and each of at most 10
fields 2,000; context at most 10 elements; button text 75 and url 3,000; top-level `text` is
cut by Slack at 40,000. Messages of about 13,200 characters in all have been refused
(`msg_blocks_too_long`), so every value here has a budget that keeps the whole far below that.

Everything from a flag is escaped for mrkdwn (`&`, `<`, `>`): a comment can never smuggle a
`<!channel>` ping or a link into the message. The excerpt goes out as plain text.
"""

from __future__ import annotations

from typing import Any

from uppsikt.notify.message import Notice
from uppsikt.notify.text import one_line, truncate

MAX_BLOCKS = 50
HEADER_MAX = 150
SECTION_TEXT_MAX = 3000
FIELD_TEXT_MAX = 2000
MAX_FIELDS = 10
CONTEXT_MAX_ELEMENTS = 10
BUTTON_TEXT_MAX = 75
URL_MAX = 3000
TEXT_MAX = 40_000
# Our own budgets, well inside the documented limits (see the module docstring).
FIELD_VALUE_BUDGET = 400
EXCERPT_BUDGET = 1500
FALLBACK_BUDGET = 600
TOTAL_BUDGET = 12_000


def escape(text: str) -> str:
    """Slack's three control characters in mrkdwn and `text`."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _plain(text: str, limit: int) -> dict[str, Any]:
    return {"type": "plain_text", "text": truncate(text, limit), "emoji": False}


def slack_message(notice: Notice) -> dict[str, Any]:
    """The webhook body for one notice."""
    labels = notice.labels
    title = one_line(f"Uppsikt · {notice.title}")
    fields = [
        {
            "type": "mrkdwn",
            "text": truncate(
                f"*{escape(label)}*\n{escape(one_line(value))}",
                min(FIELD_VALUE_BUDGET, FIELD_TEXT_MAX),
            ),
        }
        for label, value in notice.facts()[:MAX_FIELDS]
    ]
    excerpt = notice.excerpt or labels.no_excerpt
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": _plain(title, HEADER_MAX)},
        {"type": "section", "fields": fields},
        {
            "type": "section",
            "text": _plain(f"{labels.excerpt}: {one_line(excerpt)}", EXCERPT_BUDGET),
        },
        {
            "type": "context",
            "elements": [
                {
                    "type": "mrkdwn",
                    "text": escape(f"{notice.flag_id} · {notice.created_at:%Y-%m-%d %H:%M} UTC"),
                }
            ],
        },
        {
            "type": "actions",
            "elements": [
                {
                    "type": "button",
                    "text": _plain(labels.open, BUTTON_TEXT_MAX),
                    "url": notice.link[:URL_MAX],
                    "action_id": "open-flag",
                }
            ],
        },
    ]
    fallback = truncate(escape(f"{title} {notice.link}"), FALLBACK_BUDGET)
    return {"text": fallback, "blocks": blocks[:MAX_BLOCKS]}
