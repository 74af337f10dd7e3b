"""Accept one delivery from a platform other than Meta: verify, keep it raw, queue its items.

The platform's own pieces are passed in: whether the signature holds, how to parse the body and
how to map it (`uppsikt.platforms.mappers`). Everything else is the same for every platform, and
the same as for Meta: a signed body that cannot be read is quarantined with an alert, the raw
delivery is stored before anything is queued, and an item that cannot be mapped travels as a
pointer and ends, with its reason, in the dead-letter queue.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from uppsikt.diagnostics import describe
from uppsikt.ingest.common import MAX_BODY_BYTES, Receipt, check_size, quarantine
from uppsikt.ingest.errors import NotConfigured, SignatureInvalid
from uppsikt.ingest.ports import Alerts, MessageQueue, RawStore
from uppsikt.model.events import Ignored, NormalisedEvent
from uppsikt.model.messages import EventMessage, UnmappedMessage
from uppsikt.platforms.delivery import DeliveryContext
from uppsikt.platforms.mappers import PlatformMapper
from uppsikt.privacy.pseudonym import Pseudonymiser


@dataclass(frozen=True)
class WebhookIngest:
    raw_store: RawStore
    queue: MessageQueue
    alerts: Alerts
    max_body_bytes: int = MAX_BODY_BYTES

    def accept(
        self,
        mapper: PlatformMapper,
        body: bytes,
        *,
        signed: bool,
        account_id: str | None,
        pseudonymiser: Pseudonymiser,
        received_at: datetime,
    ) -> Receipt:
        platform = mapper.platform
        check_size(body, self.max_body_bytes)
        if not signed:
            raise SignatureInvalid(f"the {platform.value} signature is missing or does not match")

        digest = hashlib.sha256(body).hexdigest()
        day = received_at.strftime("%Y/%m/%d")
        key = f"deliveries/{platform.value}/{day}/{digest}.json"
        metadata = {
            "platform": platform.value,
            "sha256": digest,
            "received-at": received_at.isoformat(),
        }
        try:
            if account_id is None:
                # Signed by our app, but for an account the registry does not list (yet): keep
                # it and tell the operator, who can add the account and replay it.
                raise NotConfigured(f"the {platform.value} account is not in the registry")
            ctx = DeliveryContext(
                platform, account_id, self.raw_store.bucket, key, received_at, pseudonymiser
            )
            results = mapper.map(body, ctx)
        except (ValueError, RecursionError, NotConfigured) as exc:
            return quarantine(
                self.raw_store,
                self.alerts,
                platform=platform.value,
                body=body,
                key_stem=f"quarantine/{platform.value}/{day}/{digest}",
                metadata=metadata,
                exc=exc,
            )

        # Stored before anything is queued or acknowledged: a delivery cannot be fetched again.
        self.raw_store.put_delivery(key, body, metadata)
        receipt = Receipt(delivery_key=key)
        messages: list[EventMessage | UnmappedMessage] = []
        for index, result in enumerate(results):
            receipt.changes += 1
            if isinstance(result, NormalisedEvent):
                messages.append(EventMessage(event=result))
            elif isinstance(result, Ignored):
                receipt.ignored[result.reason] += 1
            else:
                receipt.unmapped += 1
                messages.append(
                    UnmappedMessage(
                        platform=platform,
                        raw=ctx.pointer(index),
                        received_at=received_at,
                        error=describe(result),
                        account_id=account_id,
                    )
                )
        self.queue.send(messages)
        receipt.enqueued = len(messages)
        return receipt
