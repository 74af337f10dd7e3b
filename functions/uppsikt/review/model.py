"""The review's own vocabulary: roles, the signed-in person, and what a history entry holds."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict


class Role(StrEnum):
    OFFICER = "officer"  # reviews and decides
    DPO = "dpo"  # holds, data-subject requests, unmask
    ADMIN = "admin"  # policies, accounts, users
    AUDITOR = "auditor"  # read-only, including the audit log


class Language(StrEnum):
    SV = "sv"
    DA = "da"
    NB = "nb"
    EN = "en"


GROUP_SEPARATOR = ":"


def group_name(org_id: str, role: Role) -> str:
    """Cognito groups are `<org_id>:<role>` (e.g. `seko:officer`): membership is per org."""
    return f"{org_id}{GROUP_SEPARATOR}{role.value}"


class Principal(BaseModel):
    """Who is calling, from a verified ID token. `sub` is what the audit log records."""

    model_config = ConfigDict(frozen=True)

    sub: str
    username: str
    roles: dict[str, frozenset[Role]]  # org_id -> roles there

    @classmethod
    def from_groups(cls, sub: str, username: str, groups: list[str]) -> Principal:
        roles: dict[str, set[Role]] = {}
        for group in groups:
            org, _, role = group.partition(GROUP_SEPARATOR)
            if org and role in Role.__members__.values():
                roles.setdefault(org, set()).add(Role(role))
        return cls(sub=sub, username=username, roles={k: frozenset(v) for k, v in roles.items()})

    def roles_in(self, org_id: str) -> frozenset[Role]:
        return self.roles.get(org_id, frozenset())

    def memberships(self) -> list[dict[str, object]]:
        return [
            {"org_id": org, "roles": sorted(r.value for r in roles)}
            for org, roles in sorted(self.roles.items())
        ]


class HistoryEntry(BaseModel):
    """One step in a flag's life, kept in the review table: a transition, claim, assignment or
    comment. `text` is an officer's comment or free-text reason (the organisation's record)."""

    model_config = ConfigDict(frozen=True)

    flag_id: str
    org_id: str
    at: datetime
    actor: str  # Cognito sub
    role: str
    action: str  # the audit action (flag.claimed, flag.dismissed, ...)
    from_status: str | None = None
    to_status: str | None = None
    reason: str | None = None
    template: str | None = None
    visibility: str | None = None  # comments: internal | record
    assignee: str | None = None
    policy_version: str | None = None
