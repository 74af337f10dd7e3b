"""Which registered X account a delivery is for. One app webhook serves every account the app is
subscribed for, so the account is read from the (verified) body: `for_user_id` in the Account
Activity API, `data.filter.user_id` in the X Activity API (platforms.md §2)."""

from __future__ import annotations

import json
from collections.abc import Iterable


def subscribed_user(data: object) -> str | None:
    """The X user id a parsed delivery names as its subscriber, or None."""
    if not isinstance(data, dict):
        return None
    if "for_user_id" in data:
        user = data["for_user_id"]
    else:
        envelope = data.get("data")
        found = envelope.get("filter") if isinstance(envelope, dict) else None
        user = found.get("user_id") if isinstance(found, dict) else None
    # Ids are strings or integers; a float or boolean may already have lost precision.
    if isinstance(user, bool) or not isinstance(user, str | int):
        return None
    return str(user)


def account_for(body: bytes, registered: Iterable[str]) -> str | None:
    """The registry id of the account the delivery is for, or None when the registry does not
    list it (or the body names none). The mapper checks every item against it."""
    try:
        user = subscribed_user(json.loads(body))
    except (ValueError, RecursionError):
        return None
    if user is None:
        return None
    return user if user in set(registered) else None
