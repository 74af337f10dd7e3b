"""Accept one webhook delivery, from any platform: verify, keep it raw, queue its items.

The platform's own pieces are passed in: whether the signature holds, which account the route
found, and the mapper that reads the body (`uppsikt.platforms.mappers`; Meta's finds each
entry's account itself, asking `registered`). Everything else is the same for every platform:

* a body over the limit is refused (413), an unsigned one too (401), and nothing is kept;
* a signed body that cannot be read is quarantined with an alert and acknowledged;
* a delivery for an account the registry does not list is quarantined with an alert and
  acknowledged; when only some of a Meta delivery's entries are for such accounts, the others
  are queued and the delivery is also quarantined with the numbers of those entries;
* the raw delivery is stored before anything is queued or acknowledged;
* every item becomes a queue message through `uppsikt.platforms.results.to_messages`: an item
  that cannot be mapped travels as a pointer and ends, with its reason, in the dead-letter queue;
* references the mapper asks for (Instagram mentions' ids) are left after the queue took the
  messages, so a failure there never loses the item itself;
* a queue failure propagates (5xx): the platform retries, and the raw delivery is kept.

Raw deliveries are kept under `deliveries/<source>/<organisation>/<day>/<sha256>`, so that what
belongs to one organisation is listed by prefix (retention, data-subject requests), never found
by reading every object. A Meta delivery can carry entries for Pages of several organisations;
it is stored once, under `shared`, with every organisation in its `org-ids` metadata.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Collection
from dataclasses import dataclass, replace
from datetime import datetime
from functools import partial

from uppsikt.ingest.common import MAX_BODY_BYTES, Receipt, check_size, quarantine
from uppsikt.ingest.errors import NotConfigured, SignatureInvalid
from uppsikt.ingest.ports import Alerts, LookupRequests, MessageQueue, RawStore
from uppsikt.model.events import Platform
from uppsikt.platforms.mappers import Mapper
from uppsikt.platforms.results import Delivery, Registered, to_messages
from uppsikt.privacy.pseudonym import Pseudonymiser

# The organisation (tenant) an account belongs to; None when the registry does not list it.
OrganisationOf = Callable[[Platform, str], str | None]
SHARED = "shared"  # the organisation segment of a delivery whose entries span organisations


@dataclass(frozen=True)
class WebhookIngest:
    raw_store: RawStore
    queue: MessageQueue
    alerts: Alerts
    # Where look-up references are left for the look-up pollers; None: not looked up.
    lookups: LookupRequests | None = None
    # Which organisation an account belongs to, for the raw key; None: keys without one.
    organisation_of: OrganisationOf | None = None
    max_body_bytes: int = MAX_BODY_BYTES

    def accept(
        self,
        mapper: Mapper,
        body: bytes,
        *,
        signed: bool,
        account_id: str | None = None,
        registered: Registered | None = None,
        pseudonymiser: Pseudonymiser,
        received_at: datetime,
        entries: Collection[int] | None = None,
    ) -> Receipt:
        """`account_id`: the account the route found (None: not registered), for mappers that
        read one account's delivery; `registered`: the registry, for those that route each entry.
        `entries`: only these entries (a replay of a partly quarantined delivery)."""
        source = mapper.source
        check_size(body, self.max_body_bytes)
        if not signed:
            raise SignatureInvalid(f"the {source} signature is missing or does not match")

        digest = hashlib.sha256(body).hexdigest()
        day = received_at.strftime("%Y/%m/%d")
        key = f"deliveries/{source}/{day}/{digest}.json"
        metadata = {"platform": source, "sha256": digest, "received-at": received_at.isoformat()}
        if account_id is not None:
            metadata["account-id"] = account_id
        delivery = Delivery(
            self.raw_store.bucket, key, received_at, pseudonymiser, account_id, registered
        )
        # Every way into quarantine keeps the same body under the same key, with its reason.
        keep = partial(
            quarantine,
            self.raw_store,
            self.alerts,
            platform=source,
            body=body,
            key_stem=f"quarantine/{source}/{day}/{digest}",
            metadata=metadata,
        )
        try:
            if account_id is None and not mapper.routes_entries:
                # Signed by our app, but for an account the registry does not list (yet): keep
                # it and tell the operator, who can add the account and replay it.
                raise NotConfigured(f"the {source} account is not in the registry")
            if self.organisation_of is not None:
                # Where it is kept is decided before it is read: every pointer names the key.
                orgs = self._owners(mapper, body, account_id)
                key = _keyed(key, source, orgs[0] if len(orgs) == 1 else SHARED)
                delivery = replace(delivery, raw_key=key)
                if orgs:
                    metadata["org-ids"] = ",".join(orgs)
            items = mapper.items(body, delivery)
        except (ValueError, RecursionError, NotConfigured) as exc:
            return Receipt(delivery_key=keep(exc=exc), quarantined=True)
        if entries is not None:
            items = [item for item in items if item.raw.entry_index in entries]

        outgoing = to_messages(items, received_at)
        unregistered = NotConfigured(f"the {source} account of an entry is not in the registry")
        if outgoing.unregistered and outgoing.items == 0:
            # Nothing in it for a registered account: kept in quarantine only, as for the others.
            kept = keep(exc=unregistered, entries=outgoing.unregistered)
            return Receipt(delivery_key=kept, quarantined=True)

        # Stored before anything is queued or acknowledged: a delivery cannot be fetched again.
        self.raw_store.put_delivery(key, body, metadata)
        receipt = Receipt(
            delivery_key=key,
            changes=outgoing.items,
            enqueued=len(outgoing.keyed),
            test=outgoing.test,
            unmapped=outgoing.unmapped,
            ignored=outgoing.ignored,
        )
        if outgoing.keyed:
            self.queue.send(outgoing.messages)
        if self.lookups is not None:
            for request in mapper.lookups(outgoing.events):
                platform, account, stream, ref = request
                owner = self.organisation_of(platform, account) if self.organisation_of else None
                self.lookups.request(platform, account, stream, ref, org_id=owner)
        if outgoing.unregistered:
            keep(exc=unregistered, entries=outgoing.unregistered)
            receipt.quarantined = True
        return receipt

    def _owners(self, mapper: Mapper, body: bytes, account_id: str | None) -> list[str]:
        """The organisations a delivery is for: the route's account's, or (for mappers that
        route each entry) those of its entries' accounts that the registry lists."""
        assert self.organisation_of is not None
        if mapper.routes_entries:
            accounts = mapper.accounts(body)
        else:
            accounts = [(Platform(mapper.source), account_id)] if account_id else []
        owners = {self.organisation_of(platform, account) for platform, account in accounts}
        return sorted(o for o in owners if o is not None)


def _keyed(key: str, source: str, org: str) -> str:
    """`deliveries/<source>/<day>/…` with the organisation after the source."""
    prefix = f"deliveries/{source}/"
    return f"{prefix}{org}/{key.removeprefix(prefix)}"
