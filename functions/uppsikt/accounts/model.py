"""The registry schema. `policies/accounts.yaml` is validated against it when loaded."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, field_validator

from uppsikt.model.events import Platform
from uppsikt.policy.model import Jurisdiction, OrgType


class Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Account(Strict):
    """One official account. Only accounts listed here are in scope (R1, channel registry)."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9\-]*$")
    platform: Platform
    platform_account_id: str = Field(min_length=1)  # Page id, IG user id, X user id, DID, URN…
    name: str = Field(min_length=1)
    organisation: str = Field(min_length=1)
    org_type: OrgType
    jurisdiction: Jurisdiction
    policy_pack: str = Field(min_length=1)
    # Platform user ids of the people with a mandate to post (R2); pseudonymised at load.
    designated_admins: tuple[str, ...] = ()
    # Secrets Manager names holding this account's platform secrets (never the secrets).
    secret_name: str | None = None
    # Where the account's API lives when the platform has more than one host (a Mastodon
    # instance, a Bluesky PDS); empty means the platform's public API.
    api_base: str | None = Field(default=None, pattern=r"^https?://[^\s/?#]+(/[^\s?#]*)?$")
    dpia_reference: str | None = None

    @field_validator("platform_account_id", "designated_admins", mode="before")
    @classmethod
    def _ids_are_strings(cls, value: object) -> object:
        # YAML reads long numeric ids as ints; X ids exceed 2**53, so never accept a float.
        if isinstance(value, list | tuple):
            return tuple(cls._one(v) for v in value)
        return cls._one(value)

    @staticmethod
    def _one(value: object) -> object:
        if isinstance(value, bool | float):
            raise ValueError("ids must be written as strings (quote them in YAML)")
        return str(value) if isinstance(value, int) else value


class Registry(Strict):
    accounts: tuple[Account, ...] = ()

    def find(self, platform: Platform, platform_account_id: str) -> Account | None:
        for account in self.accounts:
            if account.platform is platform and account.platform_account_id == platform_account_id:
                return account
        return None
