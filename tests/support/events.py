"""What EventBridge sends a function on a schedule: the tests' one copy of the event."""

from __future__ import annotations

import uuid
from typing import Any

ACCOUNT = "123456789012"
REGION = "eu-north-1"


def scheduled_event(
    rule: str = "test", *, time: str = "2026-11-21T09:30:00Z", event_id: str | None = None
) -> dict[str, Any]:
    return {
        "version": "0",
        "id": event_id or str(uuid.uuid4()),
        "detail-type": "Scheduled Event",
        "source": "aws.events",
        "account": ACCOUNT,
        "time": time,
        "region": REGION,
        "resources": [f"arn:aws:events:{REGION}:{ACCOUNT}:rule/uppsikt-{rule}"],
        "detail": {},
    }
