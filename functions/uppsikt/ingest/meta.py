"""Accept one Meta delivery: verify, keep it raw, split it into one queue message per change."""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from pydantic import ValidationError

from uppsikt.diagnostics import describe
from uppsikt.ingest.errors import PayloadTooLarge, SignatureInvalid
from uppsikt.ingest.ports import Alerts, MessageQueue, RawStore
from uppsikt.model.events import Ignored, Platform, RawPointer
from uppsikt.model.messages import EventMessage, UnmappedMessage
from uppsikt.platforms.meta import signature
from uppsikt.platforms.meta.envelope import MONITORED_OBJECTS, Envelope, is_dashboard_test
from uppsikt.platforms.meta.normalise import Context, normalise
from uppsikt.privacy.pseudonym import Pseudonymiser

# Meta batches up to 1000 changes per POST. 5 MiB leaves room for that and stays below Lambda's
# 6 MB synchronous payload limit, so an oversized body gets our clear 413 instead of a gateway 5xx.
MAX_BODY_BYTES = 5 * 1024 * 1024

_OBJECT_PLATFORM = {"page": Platform.FACEBOOK, "instagram": Platform.INSTAGRAM}


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


@dataclass(frozen=True)
class MetaIngest:
    raw_store: RawStore
    queue: MessageQueue
    alerts: Alerts
    max_body_bytes: int = MAX_BODY_BYTES

    def accept(
        self,
        body: bytes,
        signature_header: str | None,
        *,
        app_secret: str,
        pseudonymiser: Pseudonymiser,
        received_at: datetime,
    ) -> Receipt:
        if len(body) > self.max_body_bytes:
            raise PayloadTooLarge(len(body), self.max_body_bytes)
        if not signature.is_valid(body, signature_header, app_secret):
            raise SignatureInvalid("X-Hub-Signature-256 is missing or does not match the body")

        digest = hashlib.sha256(body).hexdigest()
        day = received_at.strftime("%Y/%m/%d")
        metadata = {"platform": "meta", "sha256": digest, "received-at": received_at.isoformat()}
        try:
            envelope = Envelope.model_validate(json.loads(body))
        except (ValueError, ValidationError, RecursionError) as exc:
            # JSONDecodeError is a ValueError; absurdly deep nesting raises RecursionError.
            return self._quarantine(body, f"quarantine/meta/{day}/{digest}.json", metadata, exc)

        key = f"deliveries/meta/{day}/{digest}.json"
        receipt = Receipt(delivery_key=key)
        platform = _OBJECT_PLATFORM.get(envelope.object)
        metadata["object"] = envelope.object[:64]
        # Stored before anything is queued or acknowledged: a delivery cannot be fetched again.
        self.raw_store.put_delivery(key, body, metadata)
        if envelope.object not in MONITORED_OBJECTS or platform is None:
            receipt.ignored[f"object {envelope.object!r} is not monitored"] += 1
            return receipt

        messages: list[EventMessage | UnmappedMessage] = []
        for e_index, entry in enumerate(envelope.entry):
            for c_index, change in enumerate(entry.changes):
                receipt.changes += 1
                if is_dashboard_test(entry, change):
                    receipt.test += 1
                    continue
                pointer = RawPointer(
                    bucket=self.raw_store.bucket, key=key, entry_index=e_index, change_index=c_index
                )
                ctx = Context(platform, entry, pointer, received_at, pseudonymiser)
                try:
                    result = normalise(change, ctx)
                except Exception as exc:  # one odd change must not sink its whole delivery
                    receipt.unmapped += 1
                    messages.append(
                        UnmappedMessage(
                            platform=platform,
                            raw=pointer,
                            received_at=received_at,
                            error=describe(exc),
                        )
                    )
                    continue
                if isinstance(result, Ignored):
                    receipt.ignored[result.reason] += 1
                else:
                    messages.append(EventMessage(event=result))
        self.queue.send(messages)
        receipt.enqueued = len(messages)
        return receipt

    def _quarantine(
        self, body: bytes, key: str, metadata: dict[str, str], exc: Exception
    ) -> Receipt:
        # Signed by Meta but unparseable: Meta would retry it for 36 hours, so keep it, tell the
        # operator, and acknowledge.
        self.raw_store.put_delivery(key, body, {**metadata, "quarantined": "true"})
        self.alerts.alert(
            "Uppsikt: a signed Meta delivery could not be parsed and was quarantined",
            {"quarantine_key": key, "bytes": str(len(body)), "error": describe(exc)},
        )
        return Receipt(delivery_key=key, quarantined=True)
