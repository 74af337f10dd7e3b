"""Accept one Meta delivery: verify, keep it raw, split it into one queue message per change."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from pydantic import ValidationError

from uppsikt.diagnostics import describe
from uppsikt.ingest.common import MAX_BODY_BYTES, Receipt, check_size, quarantine
from uppsikt.ingest.errors import SignatureInvalid
from uppsikt.ingest.ports import Alerts, MessageQueue, RawStore
from uppsikt.model.events import Ignored, ObjectKind, Platform, RawPointer
from uppsikt.model.messages import EventMessage, UnmappedMessage
from uppsikt.platforms.meta import signature
from uppsikt.platforms.meta.envelope import MONITORED_OBJECTS, Envelope, is_dashboard_test
from uppsikt.platforms.meta.normalise import MENTIONS_STREAM, Context, mention_ref, normalise
from uppsikt.privacy.pseudonym import Pseudonymiser

if TYPE_CHECKING:
    from uppsikt.ingest.ports import LookupStore

_OBJECT_PLATFORM = {"page": Platform.FACEBOOK, "instagram": Platform.INSTAGRAM}


@dataclass(frozen=True)
class MetaIngest:
    raw_store: RawStore
    queue: MessageQueue
    alerts: Alerts
    # Where Instagram mentions (ids only) are left for the look-up poller; None: not looked up.
    lookups: LookupStore | None = None
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
        check_size(body, self.max_body_bytes)
        if not signature.is_valid(body, signature_header, app_secret):
            raise SignatureInvalid("X-Hub-Signature-256 is missing or does not match the body")

        digest = hashlib.sha256(body).hexdigest()
        day = received_at.strftime("%Y/%m/%d")
        metadata = {"platform": "meta", "sha256": digest, "received-at": received_at.isoformat()}
        try:
            envelope = Envelope.model_validate(json.loads(body))
        except (ValueError, ValidationError, RecursionError) as exc:
            # JSONDecodeError is a ValueError; absurdly deep nesting raises RecursionError.
            return quarantine(
                self.raw_store,
                self.alerts,
                platform="Meta",
                body=body,
                key_stem=f"quarantine/meta/{day}/{digest}",
                metadata=metadata,
                exc=exc,
            )

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
        self._request_lookups(messages)
        receipt.enqueued = len(messages)
        return receipt

    def _request_lookups(self, messages: list[EventMessage | UnmappedMessage]) -> None:
        """An Instagram mention carries only ids; its text and author are fetched later. The
        reference is left after queueing, so a failure here never loses the mention itself."""
        if self.lookups is None:
            return
        for message in messages:
            event = message.event if isinstance(message, EventMessage) else None
            if (
                event is not None
                and event.platform is Platform.INSTAGRAM
                and event.object_kind is ObjectKind.MENTION
                and event.text is None
                and event.post_id is not None
            ):
                comment = event.item_id if event.item_id != event.post_id else None
                ref = mention_ref(event.post_id, comment)
                self.lookups.request(Platform.INSTAGRAM, event.account_id, MENTIONS_STREAM, ref)
