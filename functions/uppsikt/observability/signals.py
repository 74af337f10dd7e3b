"""What each handler's result says, as metrics: the handlers already return counts and codes
(safe to log), so the metrics are read off them here rather than counted deep in the core.

Dimension values pass `_code` first: a value that is not a short code is counted as `other`,
so no id or text can become a (billed, visible) dimension.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from uppsikt.observability.metrics import count

_CODE = re.compile(r"^[a-z0-9_.:-]{1,40}$")
POLL_FAILED = frozenset({"failed", "rejected"})


def _code(value: object) -> str:
    text = str(value)
    return text if _CODE.match(text) else "other"


def _int(value: object) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def delivery_accepted(platform: str, receipt: Mapping[str, Any]) -> None:
    """A webhook delivery answered 200 (`Receipt.as_dict()`)."""
    name = "DeliveriesQuarantined" if receipt.get("quarantined") else "DeliveriesAccepted"
    count(name, platform=_code(platform))
    count("ItemsQueued", _int(receipt.get("enqueued")), platform=_code(platform))


def delivery_rejected(platform: str, status: int) -> None:
    count("DeliveriesRejected", platform=_code(platform), status=str(status))


def polled(result: Mapping[str, Any]) -> None:
    """The `poll` job's result: one outcome per account stream."""
    for stream in result.get("streams", []):
        status = _code(stream.get("status"))
        count("PollOutcomes", status=status)
        count("ItemsPolled", _int(stream.get("emitted")))
        if status in POLL_FAILED:
            count("PollFailures")


def purged(result: Mapping[str, Any]) -> None:
    """The `purge` job's receipts: outcome counts per retention class, summed over classes."""
    for receipt in result.get("receipts", []):
        for outcomes in (receipt.get("totals") or {}).values():
            for outcome, n in outcomes.items():
                count("PurgeOutcomes", _int(n), outcome=_code(outcome))


def ticked(result: Mapping[str, Any]) -> None:
    """The `clock_tick` job's report: steps taken, alerts published, silences flagged."""
    count("ClockAlerts", _int(result.get("alerts")))
    for step, n in (result.get("steps") or {}).items():
        count("ClockSteps", _int(n), step=_code(step))
    count("CadenceSilences", len(result.get("silences") or []))
