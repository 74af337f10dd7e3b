"""What officers do with clocks, for the command line and the review API alike."""

from __future__ import annotations

from datetime import datetime

from uppsikt.accounts.model import Registry
from uppsikt.clocks.model import Clock, StopReason
from uppsikt.clocks.responses import ResponseClocks
from uppsikt.errors import BadRequest, NotFound
from uppsikt.model.events import Platform

OFFICER_REASONS = (StopReason.FORWARDED, StopReason.NOT_A_QUESTION)


class NotAnItemRef(BadRequest):
    """An item reference is `<platform>#<platform account id>#<item id>`."""


class UnknownOrganisation(NotFound):
    """The registry lists no such organisation, or the item is not on one of its accounts."""


def mark_question(
    clocks: ResponseClocks,
    registry: Registry,
    org_id: str,
    item_ref: str,
    reason: StopReason,
    *,
    now: datetime,
) -> Clock:
    """An officer marks a question forwarded to the right unit, or not a question: its clock
    stops (or, not started yet, never starts). Only on the organisation's own accounts."""
    if reason not in OFFICER_REASONS:
        raise BadRequest("reason must be forwarded or not_a_question")
    org = registry.organisation(org_id)
    if org is None:
        raise UnknownOrganisation("no such organisation in the registry")
    platform, sep, rest = item_ref.partition("#")
    account_id, sep2, item_id = rest.partition("#")
    if not (sep and sep2 and item_id) or platform not in Platform.__members__.values():
        raise NotAnItemRef("item ref must be platform#account#item")
    account = registry.find(Platform(platform), account_id)
    if account is None or account.organisation != org_id:
        raise UnknownOrganisation("the item is not on one of the organisation's accounts")
    return clocks.mark(org, item_ref, reason, now)
