"""What every webhook ingest shares: the receipt, the size limit, the quarantine."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from uppsikt.diagnostics import describe
from uppsikt.ingest.errors import PayloadTooLarge
from uppsikt.ingest.ports import Alerts, RawStore

# Meta batches up to 1000 changes per POST. 5 MiB leaves room for that and stays below Lambda's
# 6 MB synchronous payload limit, so an oversized body gets our clear 413 instead of a gateway 5xx.
MAX_BODY_BYTES = 5 * 1024 * 1024


@dataclass
class Receipt:
    """What happened to one delivery; returned to the sender and logged (no content in it)."""

    delivery_key: str
    changes: int = 0
    enqueued: int = 0
    test: int = 0
    unmapped: int = 0
    ignored: Counter[str] = field(default_factory=Counter)
    quarantined: bool = False

    def as_dict(self) -> dict[str, object]:
        return {
            "delivery": self.delivery_key,
            "changes": self.changes,
            "enqueued": self.enqueued,
            "test": self.test,
            "unmapped": self.unmapped,
            "ignored": sum(self.ignored.values()),
            "quarantined": self.quarantined,
        }


def check_size(body: bytes, limit: int) -> None:
    if len(body) > limit:
        raise PayloadTooLarge(len(body), limit)


def quarantine(
    raw_store: RawStore,
    alerts: Alerts,
    *,
    platform: str,
    body: bytes,
    key_stem: str,
    metadata: dict[str, str],
    exc: Exception,
    entries: Sequence[int] = (),
) -> str:
    """Keep a signed delivery that cannot be read (or whose account is not registered), tell the
    operator, and let the caller acknowledge it: the platform would retry it for ever.

    The reason is kept with it (it names fields, never content), and `entries` when only those
    entries of the delivery are quarantined, so `uppsikt quarantine replay` brings back only
    them. Returns the quarantine key."""
    key = f"{key_stem}.json"
    reason = describe(exc)
    kept = {**metadata, "quarantined": "true", "reason": _ascii(reason)}
    if entries:
        kept["entries"] = ",".join(str(i) for i in entries)
    raw_store.put_delivery(key, body, kept)
    alerts.alert(
        # The reason (unreadable, or for an account the registry does not list) is the error.
        f"Uppsikt: a signed {platform} delivery was quarantined",
        {"quarantine_key": key, "bytes": str(len(body)), "error": reason},
    )
    return key


def _ascii(text: str) -> str:
    # S3 user metadata travels as HTTP headers: ASCII only.
    return text.encode("ascii", "replace").decode("ascii")
