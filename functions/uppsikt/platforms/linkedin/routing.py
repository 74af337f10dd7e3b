"""Which registered organisation a LinkedIn delivery is for. One app webhook serves every
organisation the app is subscribed for, so the account is read from the (verified) body."""

from __future__ import annotations

import json
from collections.abc import Iterable

from uppsikt.platforms.linkedin.urn import is_urn, normalise_urn

_ORG_TYPES = ("organization", "organizationBrand")


def account_urns(platform_account_id: str) -> set[str]:
    """The URNs a registry id may appear as (the registry may hold the URN or the bare number)."""
    if is_urn(platform_account_id):
        try:
            return {normalise_urn(platform_account_id)}
        except ValueError:
            return {platform_account_id}
    return {f"urn:li:{kind}:{platform_account_id}" for kind in _ORG_TYPES}


def account_for(body: bytes, registered: Iterable[str]) -> str | None:
    """The registry id whose organisation the first notification names, or None. The mapper
    checks every notification against it; one naming another organisation fails alone."""
    try:
        data = json.loads(body)
        org = data["notifications"][0]["organizationalEntity"]
        urn = normalise_urn(org) if isinstance(org, str) else None
    except (ValueError, KeyError, IndexError, TypeError, RecursionError):
        return None
    for account_id in registered:
        if urn in account_urns(account_id):
            return account_id
    return None
