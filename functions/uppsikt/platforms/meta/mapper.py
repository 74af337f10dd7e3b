"""Meta's mapper: one webhook for Facebook Pages and Instagram, one account per entry.

The envelope's `object` says the platform (`page`: Facebook, `instagram`: Instagram); each
entry's `id` is the Page or Instagram account it is for, looked up in the registry
(`Delivery.registered`). Item `(e, c)` is change `c` of entry `e`, so a pointer finds it again.

What each part of a delivery becomes:

* a body that is not a JSON envelope (`object` and a list of `entry`): `ValueError`, and ingest
  quarantines the delivery;
* an object that is not monitored: one `Ignored`;
* an entry that does not fit (no id, `time` not a number, `changes` not a list): one
  `Unmappable` for that entry alone, queued as a pointer and dead-lettered with its reason;
  the other entries are read as usual;
* an entry for an account the registry does not list: `NotRegistered` (ingest quarantines it
  with an alert; the other entries are queued);
* a change that does not fit (no `field`): `Unmappable` for that change alone;
* a change from the App Dashboard's "Test" button (entry id `0` or post id
  `44444444_444444444`): `DashboardTest`, counted and never evaluated;
* a Messenger event (`messaging` instead of `changes`): `Ignored`, direct messages are not
  monitored; an entry with neither: `Ignored`;
* any other change: what `normalise` makes of it (an event, an `Ignored`, or its error).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from pydantic import ValidationError

from uppsikt.diagnostics import describe
from uppsikt.model.events import Ignored, NormalisedEvent, ObjectKind, Platform
from uppsikt.platforms.errors import Unmappable
from uppsikt.platforms.meta.envelope import (
    MONITORED_OBJECTS,
    TEST_ENTRY_ID,
    Change,
    EntryOutline,
    Outline,
    is_dashboard_test,
)
from uppsikt.platforms.meta.normalise import MENTIONS_STREAM, Context, mention_ref, normalise
from uppsikt.platforms.results import (
    DashboardTest,
    Delivery,
    Item,
    LookupRequest,
    NotRegistered,
)

OBJECT_PLATFORM = {"page": Platform.FACEBOOK, "instagram": Platform.INSTAGRAM}
DIRECT_MESSAGES = "direct messages are not monitored"
NO_CHANGES = "the entry carries no changes"
OBJECT_NOT_MONITORED = "the envelope's object is not a Page or an Instagram account"


def read(body: bytes) -> Outline:
    """The envelope with its entries unread; `ValueError` when the body is not one, worded
    without the body's content (pydantic's own message quotes the input)."""
    try:
        data = json.loads(body)
    except RecursionError:
        raise ValueError("JSON nested too deeply") from None
    except UnicodeDecodeError:
        raise ValueError("body is not UTF-8") from None
    # A JSONDecodeError names a position only; it stays as it is.
    try:
        return Outline.model_validate(data)
    except ValidationError as exc:
        raise ValueError(f"not a Meta envelope: {describe(exc)}") from None


@dataclass(frozen=True)
class MetaMapper:
    source: str = "meta"
    routes_entries: bool = True
    route: None = None

    def items(self, body: bytes, delivery: Delivery) -> list[Item]:
        outline = read(body)
        platform = OBJECT_PLATFORM.get(outline.object)
        if platform is None or outline.object not in MONITORED_OBJECTS:
            # Every other object (`user`, `permissions`, …) is a Facebook one.
            ignored = Ignored(platform=Platform.FACEBOOK, reason=OBJECT_NOT_MONITORED)
            return [Item(delivery.pointer(0), Platform.FACEBOOK, None, ignored)]
        found: list[Item] = []
        for index, raw_entry in enumerate(outline.entry):
            found.extend(self._entry(platform, index, raw_entry, delivery))
        return found

    def accounts(self, body: bytes) -> list[tuple[Platform, str]]:
        """Each readable entry's Page or Instagram account, without mapping anything: ingest
        decides where the delivery is kept (under its organisation) before reading it."""
        outline = read(body)
        platform = OBJECT_PLATFORM.get(outline.object)
        if platform is None or outline.object not in MONITORED_OBJECTS:
            return []
        found: list[tuple[Platform, str]] = []
        for raw_entry in outline.entry:
            try:
                found.append((platform, EntryOutline.model_validate(raw_entry).id))
            except ValidationError:
                continue  # its item says why; it names no account
        return found

    def _entry(
        self, platform: Platform, index: int, raw_entry: object, delivery: Delivery
    ) -> list[Item]:
        try:
            outline = EntryOutline.model_validate(raw_entry)
        except ValidationError as exc:
            error = Unmappable(f"entry does not fit the envelope: {describe(exc)}")
            return [Item(delivery.pointer(index), platform, None, error)]
        account = outline.id
        if account != TEST_ENTRY_ID and not _registered(delivery, platform, account):
            return [Item(delivery.pointer(index), platform, account, NotRegistered(platform))]

        entry = outline.entry()
        found: list[Item] = []
        for c_index, raw_change in enumerate(outline.changes):
            pointer = delivery.pointer(index, c_index)
            try:
                change = Change.model_validate(raw_change)
            except ValidationError as exc:
                error = Unmappable(f"change does not fit the envelope: {describe(exc)}")
                found.append(Item(pointer, platform, account, error))
                continue
            if is_dashboard_test(entry, change):
                found.append(Item(pointer, platform, account, DashboardTest(platform)))
                continue
            ctx = Context(platform, entry, pointer, delivery.received_at, delivery.pseudonymiser)
            try:
                result: NormalisedEvent | Ignored | Exception = normalise(change, ctx)
            except Exception as exc:  # one odd change must not sink its whole delivery
                result = exc
            found.append(Item(pointer, platform, account, result))
        # Messenger events come after the changes, so their places never collide with a change's.
        first = len(outline.changes)
        for m_index in range(len(outline.messaging)):
            ignored = Ignored(platform=platform, reason=DIRECT_MESSAGES)
            found.append(Item(delivery.pointer(index, first + m_index), platform, account, ignored))
        if not found:
            ignored = Ignored(platform=platform, reason=NO_CHANGES)
            found.append(Item(delivery.pointer(index), platform, account, ignored))
        return found

    def lookups(self, events: Sequence[NormalisedEvent]) -> list[LookupRequest]:
        """An Instagram mention carries only ids; its text and author are fetched later by the
        `instagram.mentions` look-up (polling/sources/instagram.py)."""
        wanted: list[LookupRequest] = []
        for event in events:
            if (
                event.platform is Platform.INSTAGRAM
                and event.object_kind is ObjectKind.MENTION
                and event.text is None
                and event.post_id is not None
            ):
                comment = event.item_id if event.item_id != event.post_id else None
                ref = mention_ref(event.post_id, comment)
                wanted.append((Platform.INSTAGRAM, event.account_id, MENTIONS_STREAM, ref))
        return wanted


def _registered(delivery: Delivery, platform: Platform, account: str) -> bool:
    # Fails closed: without a registry to ask, no entry is taken for a monitored account.
    return delivery.registered is not None and delivery.registered(platform, account)


META = MetaMapper()
