"""Factories for organisations, accounts and registries in tests: every account needs an
organisation, and every organisation a pack, so tests name only what they are about."""

from __future__ import annotations

from typing import Any

from uppsikt.accounts.model import Account, Organisation, Registry, Tenant
from uppsikt.privacy.pseudonym import Pseudonymiser

PSEUDONYMS = Pseudonymiser(b"tests-pseudonym-key-0123456789")


def organisation(org_id: str = "facket", **fields: Any) -> Organisation:
    values: dict[str, Any] = {
        "id": org_id,
        "name": f"Organisation {org_id}",
        "org_type": "union",
        "jurisdiction": "se",
        "policy_pack": "nordic-baseline",
        "languages": ["sv"],
    }
    values.update(fields)
    return Organisation.model_validate(values)


def account(
    account_id: str, platform: str, platform_account_id: str, org_id: str = "facket", **fields: Any
) -> Account:
    values: dict[str, Any] = {
        "id": account_id,
        "platform": platform,
        "platform_account_id": platform_account_id,
        "name": f"Account {account_id}",
        "organisation": org_id,
    }
    values.update(fields)
    return Account.model_validate(values)


def registry(*accounts: Account, organisations: tuple[Organisation, ...] = ()) -> Registry:
    """The accounts with their organisations; an organisation the accounts name but the call
    does not give is made with `organisation`'s defaults."""
    given = {o.id: o for o in organisations}
    for a in accounts:
        given.setdefault(a.organisation, organisation(a.organisation))
    return Registry(organisations=tuple(given.values()), accounts=accounts)


def tenant(platform: str = "facebook", platform_account_id: str = "1", **org: Any) -> Tenant:
    org_model = organisation(**org)
    return Tenant(
        organisation=org_model,
        account=account("an-account", platform, platform_account_id, org_model.id),
    )
