"""What a mapper returns, and the one function that turns it into queue messages.

Webhook ingest and the poll runner both map a stored body into items and queue them; they share
`to_messages`, so an event, an ignored item, a dashboard test and an item that cannot be mapped
are treated the same way whichever way the item arrived:

* a `NormalisedEvent` becomes an `EventMessage`, keyed by its idempotency key;
* an `Ignored` is counted under its reason and goes nowhere;
* a `DashboardTest` (Meta's App Dashboard "Test" button) is counted and goes nowhere;
* a `NotRegistered` item (its account is not in the registry) is collected for quarantine;
* an exception becomes an `UnmappedMessage`: a pointer to the stored raw item with the reason
  (never the content), which evaluation retries and dead-letters with that reason.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime

from uppsikt.diagnostics import describe
from uppsikt.model.events import Ignored, NormalisedEvent, Platform, RawPointer
from uppsikt.model.messages import EventMessage, UnmappedMessage
from uppsikt.platforms.delivery import DeliveryContext, raw_pointer
from uppsikt.privacy.pseudonym import Pseudonymiser

# One item's result as a platform's normaliser returns it; the exception is returned, not raised.
Result = NormalisedEvent | Ignored | Exception
Message = EventMessage | UnmappedMessage
# A reference left for a look-up poller: (platform, account id, stream, reference), ids only.
LookupRequest = tuple[Platform, str, str, str]
# Whether the registry lists this platform account (Page id, Instagram user id, X user id…).
Registered = Callable[[Platform, str], bool]


@dataclass(frozen=True, slots=True)
class DashboardTest:
    """A change sent by Meta's App Dashboard "Test" button: stored, counted, never evaluated."""

    platform: Platform


@dataclass(frozen=True, slots=True)
class NotRegistered:
    """An entry for an account the registry does not list: kept in quarantine, not mapped."""

    platform: Platform


@dataclass(frozen=True, slots=True)
class Item:
    """One item of a stored body: where it is kept, whose account it is for, what it became."""

    raw: RawPointer
    platform: Platform
    account_id: str | None
    result: Result | DashboardTest | NotRegistered


@dataclass(frozen=True, slots=True)
class Delivery:
    """What a webhook mapper needs from the delivery it reads."""

    raw_bucket: str
    raw_key: str
    received_at: datetime
    pseudonymiser: Pseudonymiser
    # The account the route resolved (path or body); None where the mapper routes each entry.
    account_id: str | None = None
    # Consulted by mappers that route each entry themselves (Meta); None: no account is.
    registered: Registered | None = None

    def pointer(self, item_index: int, part_index: int = 0) -> RawPointer:
        return raw_pointer(self.raw_bucket, self.raw_key, item_index, part_index)

    def context(self, platform: Platform) -> DeliveryContext:
        """The per-platform context of a delivery for one known account."""
        if self.account_id is None:
            raise ValueError("the delivery's account is not known")
        return DeliveryContext(
            platform,
            self.account_id,
            self.raw_bucket,
            self.raw_key,
            self.received_at,
            self.pseudonymiser,
        )


def items_of(ctx: DeliveryContext, results: Iterable[Result]) -> list[Item]:
    """Results of a mapper whose result `i` is raw item `ctx.pointer(i)` (all but Meta's)."""
    return [
        Item(ctx.pointer(index), ctx.platform, ctx.account_id, result)
        for index, result in enumerate(results)
    ]


@dataclass
class Outgoing:
    """The queue messages of one body, each with its dedupe key, and what was not queued."""

    keyed: list[tuple[str, Message]] = field(default_factory=list)
    items: int = 0
    ignored: Counter[str] = field(default_factory=Counter)
    test: int = 0
    unmapped: int = 0
    # Entry indexes whose account the registry does not list, in order.
    unregistered: list[int] = field(default_factory=list)

    @property
    def messages(self) -> list[Message]:
        return [message for _, message in self.keyed]

    @property
    def events(self) -> list[NormalisedEvent]:
        return [m.event for _, m in self.keyed if isinstance(m, EventMessage)]


def unmapped_key(raw: RawPointer) -> str:
    # The raw key is the body's digest, so a repeated body repeats the key and the pointer is
    # not queued twice by a poller's ledger.
    suffix = f":{raw.change_index}" if raw.change_index else ""
    return f"unmapped:{raw.key}:{raw.entry_index}{suffix}"


def to_messages(items: Iterable[Item], received_at: datetime) -> Outgoing:
    """Sort mapped items into queue messages and counts (see the module docstring)."""
    out = Outgoing()
    for item in items:
        result = item.result
        if isinstance(result, NotRegistered):
            if item.raw.entry_index not in out.unregistered:
                out.unregistered.append(item.raw.entry_index)
            continue
        out.items += 1
        if isinstance(result, NormalisedEvent):
            out.keyed.append((result.idempotency_key, EventMessage(event=result)))
        elif isinstance(result, Ignored):
            out.ignored[result.reason] += 1
        elif isinstance(result, DashboardTest):
            out.test += 1
        else:
            out.unmapped += 1
            pointer = UnmappedMessage(
                platform=item.platform,
                raw=item.raw,
                received_at=received_at,
                error=describe(result),
                account_id=item.account_id,
            )
            out.keyed.append((unmapped_key(item.raw), pointer))
    return out
