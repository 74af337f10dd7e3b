"""The registry schema: organisations (the tenants) and the official accounts each one owns.

`policies/registry/accounts.yaml` is validated against it when loaded. An organisation carries
everything evaluation needs to judge its items by its own rules: policy pack, org type (which
decides retention periods), jurisdiction, languages, time zone, business hours and the platform
ids of its designated admins. An account only says where it is and whose it is.

Designated admins are written as platform user ids in the file (that is what an administrator
can look up) and pseudonymised when the registry is published (`Registry.pseudonymised`): the
published copy the functions read holds pseudonyms only, the same ones the pipeline gives authors.
"""

from __future__ import annotations

import re
from datetime import time
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    field_serializer,
    field_validator,
    model_validator,
)

from uppsikt.model.events import Platform
from uppsikt.policy.model import Jurisdiction, OrgType
from uppsikt.privacy.pseudonym import Pseudonymiser
from uppsikt.retention.schedule import Override, check_overrides, shipped

# Languages an organisation writes and is written to in; detection falls back to them.
Language = Literal["da", "sv", "nb", "nn", "fi", "en"]
Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
SLUG = r"^[a-z0-9][a-z0-9\-]*$"
_CLOCK = re.compile(r"^([01]\d|2[0-3]):[0-5]\d(:00)?$")


class Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


def _id_strings(value: object) -> object:
    # YAML reads long numeric ids as ints; X ids exceed 2**53, so never accept a float.
    if isinstance(value, bool | float):
        raise ValueError("ids must be written as strings (quote them in YAML)")
    return str(value) if isinstance(value, int) else value


class BusinessHours(Strict):
    """When the organisation answers: response clocks run only inside these hours."""

    days: tuple[Weekday, ...] = ("mon", "tue", "wed", "thu", "fri")
    opens: time = time(8, 0)
    closes: time = time(16, 0)

    @field_validator("opens", "closes", mode="before")
    @classmethod
    def _hh_mm(cls, value: object) -> object:
        if isinstance(value, str) and not _CLOCK.match(value):
            raise ValueError("write the time as HH:MM, e.g. 08:30")
        return value

    @field_serializer("opens", "closes")
    def _as_hh_mm(self, value: time) -> str:
        return value.strftime("%H:%M")

    @model_validator(mode="after")
    def _opens_before_closing(self) -> BusinessHours:
        if not self.days:
            raise ValueError("business hours need at least one day")
        if self.opens >= self.closes:
            raise ValueError("opens must be before closes")
        return self


class Organisation(Strict):
    """A tenant: a union, a confederation's member, a municipality or one of its boards."""

    id: str = Field(pattern=SLUG, max_length=40)
    name: str = Field(min_length=1)
    org_type: OrgType
    jurisdiction: Jurisdiction
    policy_pack: str = Field(min_length=1)
    languages: tuple[Language, ...] = Field(min_length=1)
    time_zone: str = "Europe/Stockholm"
    business_hours: BusinessHours = BusinessHours()
    # How long a flag may wait for its first review, in business hours, before the supervision
    # clock alerts (issue 11); one working day unless the organisation says otherwise.
    supervision_lag_hours: float = Field(default=8.0, gt=0, le=24 * 14)
    # Platform user ids (pseudonyms once published) of the people with a mandate to post (R2).
    designated_admins: dict[Platform, tuple[str, ...]] = {}
    dpia_reference: str | None = None
    # The organisation's own retention periods, per class of the schedule (policies/retention/):
    # shorter ones freely, a longer one only with a `reason` (its Art. 30 record).
    retention: dict[str, Override] = {}

    @field_validator("time_zone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError("not an IANA time zone (e.g. Europe/Oslo)") from exc
        return value

    @field_validator("designated_admins", mode="before")
    @classmethod
    def _admin_ids(cls, value: object) -> object:
        if isinstance(value, dict):
            return {
                k: tuple(_id_strings(v) for v in (ids if isinstance(ids, list | tuple) else [ids]))
                for k, ids in value.items()
            }
        return value

    @field_validator("designated_admins")
    @classmethod
    def _no_empty_ids(
        cls, value: dict[Platform, tuple[str, ...]]
    ) -> dict[Platform, tuple[str, ...]]:
        for ids in value.values():
            if any(not i.strip() for i in ids):
                raise ValueError("a designated admin id is empty")
        return value

    @model_validator(mode="after")
    def _retention_within_schedule(self) -> Organisation:
        problems = check_overrides(shipped(), self.org_type, self.retention)
        if problems:
            raise ValueError("retention: " + "; ".join(problems))
        return self

    def admins_on(self, platform: Platform) -> frozenset[str]:
        return frozenset(self.designated_admins.get(platform, ()))


class Account(Strict):
    """One official account. Only accounts listed here are in scope (R1, channel registry)."""

    id: str = Field(pattern=SLUG)
    platform: Platform
    platform_account_id: str = Field(min_length=1)  # Page id, IG user id, X user id, DID, URN…
    name: str = Field(min_length=1)
    organisation: str = Field(pattern=SLUG)  # the owning organisation's id
    # Secrets Manager names holding this account's platform secrets (never the secrets).
    secret_name: str | None = None
    # Where the account's API lives when the platform has more than one host (a Mastodon
    # instance, a Bluesky PDS); empty means the platform's public API.
    api_base: str | None = Field(default=None, pattern=r"^https?://[^\s/?#]+(/[^\s?#]*)?$")
    dpia_reference: str | None = None
    # Set on the published copy: the pseudonym the account's own posts carry as their author.
    pseudonym: str | None = None

    @field_validator("platform_account_id", mode="before")
    @classmethod
    def _ids_are_strings(cls, value: object) -> object:
        return _id_strings(value)


class Tenant(Strict):
    """An account together with its organisation: what evaluation needs to judge one item."""

    organisation: Organisation
    account: Account

    @property
    def org_id(self) -> str:
        return self.organisation.id

    @property
    def admins(self) -> frozenset[str]:
        return self.organisation.admins_on(self.account.platform)


class Registry(Strict):
    organisations: tuple[Organisation, ...] = ()
    accounts: tuple[Account, ...] = ()
    # True on the published copy: `designated_admins` then hold pseudonyms, never platform ids.
    pseudonymised: bool = False

    def find(self, platform: Platform, platform_account_id: str) -> Account | None:
        for account in self.accounts:
            if account.platform is platform and account.platform_account_id == platform_account_id:
                return account
        return None

    def organisation(self, org_id: str) -> Organisation | None:
        return next((o for o in self.organisations if o.id == org_id), None)

    def tenant(self, platform: Platform, platform_account_id: str) -> Tenant | None:
        """The account and its organisation; None when either is not in the registry."""
        account = self.find(platform, platform_account_id)
        org = self.organisation(account.organisation) if account else None
        if account is None or org is None:
            return None
        return Tenant(organisation=org, account=account)

    def accounts_of(self, org_id: str) -> tuple[Account, ...]:
        return tuple(a for a in self.accounts if a.organisation == org_id)

    def with_pseudonymous_admins(self, pseudonymiser: Pseudonymiser) -> Registry:
        """The copy to publish: every admin id replaced by the pseudonym its posts will carry."""
        if self.pseudonymised:
            return self
        orgs = tuple(
            org.model_copy(
                update={
                    "designated_admins": {
                        # Under every live key version: a function still holding the older key
                        # after a rotation keeps recognising the admins.
                        platform: tuple(
                            sorted(
                                {p for i in ids for p in pseudonymiser.every_pseudonym(platform, i)}
                            )
                        )
                        for platform, ids in org.designated_admins.items()
                    }
                }
            )
            for org in self.organisations
        )
        accounts = tuple(
            a.model_copy(
                update={"pseudonym": pseudonymiser.pseudonym(a.platform, a.platform_account_id)}
            )
            for a in self.accounts
        )
        return self.model_copy(
            update={"organisations": orgs, "accounts": accounts, "pseudonymised": True}
        )
