"""The demo's last step: a purge dry run, as of a day far enough ahead that the demo's working
captures and raw deliveries have expired, and its receipt (nothing is deleted)."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from uppsikt import runtime

if TYPE_CHECKING:
    from uppsikt.local.stack import EmbeddedAWS

AHEAD = timedelta(days=100)  # past the 14-day raw and 30-day working periods, and row 3's 90 days


def dry_run(aws: EmbeddedAWS) -> list[dict[str, Any]]:
    receipts = aws.runtime.purge_all(runtime.utcnow() + AHEAD, dry_run=True)
    return [r.as_dict() | {"text": r.render()} for r in receipts]


def render(receipts: list[dict[str, Any]]) -> list[str]:
    if not receipts:
        return []
    lines = [f"  purge dry run, as of {AHEAD.days} days from now (nothing deleted)"]
    for receipt in receipts:
        lines += [f"    {line}" for line in receipt["text"].splitlines()]
    return lines
