"""The registry as the functions see it: published to the policy bucket by `uppsikt accounts
publish` (checked first), read through an ETag cache like the stored policy."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from pydantic import ValidationError

from uppsikt.accounts.errors import AccountNotMonitored, RegistryUnavailable
from uppsikt.accounts.model import Account, Registry
from uppsikt.diagnostics import describe
from uppsikt.model.events import Platform
from uppsikt.stored_object import ObjectMissing, StoredObject

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

KEY = "accounts/current.json"


def publish(client: S3Client, bucket: str, registry: Registry) -> int:
    """Write the registry for the functions; returns how many accounts it lists."""
    body = json.dumps(registry.model_dump(mode="json"), ensure_ascii=False, sort_keys=True)
    client.put_object(Bucket=bucket, Key=KEY, Body=body.encode(), ContentType="application/json")
    return len(registry.accounts)


def _parse(body: bytes, file: str) -> Registry:
    try:
        return Registry.model_validate_json(body)
    except ValidationError as exc:
        raise RegistryUnavailable(f"the registry at {file} is invalid: {describe(exc)}") from exc


class StoredRegistry:
    def __init__(self, client: S3Client, bucket: str, max_age: float = 60.0) -> None:
        self._object = StoredObject(client, bucket, KEY, _parse, max_age)

    def current(self) -> Registry:
        try:
            return self._object.current()
        except ObjectMissing as exc:
            raise RegistryUnavailable(
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
        raise AccountNotMonitored(f"no {platform.value} account {key[:40]!r} is monitored")

    def by_platform_id(self, platform: Platform, platform_account_id: str) -> Account:
        account = self.current().find(platform, platform_account_id)
        if account is None:
            raise AccountNotMonitored(f"that {platform.value} account is not monitored")
        return account
