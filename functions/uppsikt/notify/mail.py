"""A notice as an e-mail: a subject and a plain-text body, for SNS e-mail subscriptions.

SNS e-mail cannot be formatted (plain text only), its `Subject` must be under 100 characters
with no line breaks or control characters, and a message is at most 256 KB of UTF-8.
"""

from __future__ import annotations

from dataclasses import dataclass

from uppsikt.notify.message import Notice
from uppsikt.notify.text import one_line, truncate

SUBJECT_MAX = 99  # "less than 100 characters"
BODY_MAX_BYTES = 256 * 1024
FACT_VALUE_BUDGET = 400
EXCERPT_BUDGET = 3000  # with the facts' budget, a body stays under 8 KB


@dataclass(frozen=True)
class Email:
    subject: str
    body: str


def email_message(notice: Notice) -> Email:
    labels = notice.labels
    subject = truncate(one_line(f"Uppsikt: {notice.title}"), SUBJECT_MAX, unit="chars")
    facts = [
        f"{label}: {truncate(one_line(value), FACT_VALUE_BUDGET)}"
        for label, value in notice.facts()
    ]
    excerpt = truncate(one_line(notice.excerpt), EXCERPT_BUDGET) or labels.no_excerpt
    lines = [
        one_line(f"Uppsikt · {notice.title}"),
        "",
        *facts,
        "",
        f"{labels.excerpt}:",
        excerpt,
        "",
        f"{labels.open}: {notice.link}",
        f"{notice.flag_id} · {notice.created_at:%Y-%m-%d %H:%M} UTC",
    ]
    return Email(subject=subject, body="\n".join(lines))
