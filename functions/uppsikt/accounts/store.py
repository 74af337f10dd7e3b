"""The registry as the functions see it: published to the policy bucket by `uppsikt accounts
publish` (checked first), read through an ETag cache like the stored policy."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from pydantic import ValidationError

from uppsikt.accounts.errors import (
    AccountNotMonitored,
    RegistryNotPublished,
    RegistryUnavailable,
)
from uppsikt.accounts.model import Account, Registry, Tenant
from uppsikt.diagnostics import describe
from uppsikt.model.events import Platform
from uppsikt.policy.store import configuration_metadata
from uppsikt.stored_object import ObjectMissing, StoredObject

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

    from uppsikt.privacy.pseudonym import Pseudonymiser

KEY = "accounts/current.json"


def publish(client: S3Client, bucket: str, registry: Registry, pseudonymiser: Pseudonymiser) -> int:
    """Write the registry for the functions, its admins pseudonymised with the deployment's
    pseudonym key (so they compare equal to the authors evaluation sees, and no platform user
    id is ever published); returns how many accounts it lists."""
    published = registry.with_pseudonymous_admins(pseudonymiser)
    body = json.dumps(published.model_dump(mode="json"), ensure_ascii=False, sort_keys=True)
    client.put_object(
        Bucket=bucket,
        Key=KEY,
        Body=body.encode(),
        ContentType="application/json",
        Metadata=configuration_metadata(),
    )
    return len(registry.accounts)


def _parse(body: bytes, file: str) -> Registry:
    try:
        registry = Registry.model_validate_json(body)
    except ValidationError as exc:
        raise RegistryUnavailable(f"the registry at {file} is invalid: {describe(exc)}") from exc
    if not registry.pseudonymised:
        # Raw admin ids would never match an author's pseudonym: every official post would be
        # flagged as unauthorised. Only `uppsikt accounts publish` writes a usable copy.
        raise RegistryUnavailable(f"the registry at {file} was not published by `accounts publish`")
    return registry


class StoredRegistry:
    def __init__(self, client: S3Client, bucket: str, max_age: float = 60.0) -> None:
        self._object = StoredObject(client, bucket, KEY, _parse, max_age)

    def current(self) -> Registry:
        try:
            return self._object.current()
        except ObjectMissing as exc:
            raise RegistryNotPublished(
                f"no registry at {exc}: run `uppsikt accounts publish`"
            ) from exc

    def on(self, platform: Platform) -> tuple[Account, ...]:
        return tuple(a for a in self.current().accounts if a.platform is platform)

    def by_key(self, platform: Platform, key: str) -> Account:
        """The account a route names (`/webhooks/youtube/{key}`); `AccountNotMonitored` (404)
        when the registry has no such account on that platform."""
        for account in self.on(platform):
            if account.id == key:
                return account
        raise AccountNotMonitored(f"the {platform.value} account this route names is not monitored")

    def by_platform_id(self, platform: Platform, platform_account_id: str) -> Account:
        account = self.current().find(platform, platform_account_id)
        if account is None:
            raise AccountNotMonitored(f"that {platform.value} account is not monitored")
        return account

    def tenant(self, platform: Platform, platform_account_id: str) -> Tenant:
        """The account and its organisation, for evaluation; `AccountNotMonitored` when the
        registry no longer lists it (the message then waits in the DLQ until it does)."""
        tenant = self.current().tenant(platform, platform_account_id)
        if tenant is None:
            raise AccountNotMonitored(f"that {platform.value} account is not in the registry")
        return tenant
