"""The policy schema. Files in policies/ are validated against it; the stored bundle is its JSON."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from uppsikt.model.events import ObjectKind, Platform
from uppsikt.model.verdict import Severity


class Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class RuleAction(StrEnum):
    NOTIFY = "notify"
    REVIEW = "review"
    HIDE_RECOMMENDED = "hide-recommended"
    CAPTURE_TO_ARCHIVE = "capture-to-archive"
    START_CLOCK = "start-clock"


class Authors(StrEnum):
    VISITORS = "visitors"
    OFFICIAL = "official"
    ANY = "any"


class AppliesTo(Strict):
    platforms: tuple[Platform, ...] = ()  # empty: every platform
    object_kinds: tuple[ObjectKind, ...] = ()  # empty: every kind
    authors: Authors = Authors.ANY


class Examples(Strict):
    """Texts that must and must not trigger the rule, run by `uppsikt policy test` and the tests."""

    trigger: tuple[str, ...] = Field(min_length=1)
    no_trigger: tuple[str, ...] = Field(min_length=1)


class RuleSpec(Strict):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9.\-]*$")
    kind: str
    version: int = Field(default=1, ge=1)
    description: str = Field(min_length=1)
    severity: Severity
    actions: tuple[RuleAction, ...] = Field(min_length=1)
    source: str = Field(min_length=1)
    retention_class: str
    applies_to: AppliesTo = AppliesTo()
    params: dict[str, Any] = Field(default_factory=dict)
    examples: Examples


class RetentionClass(Strict):
    description: str
    # Days from capture; None means "no automatic expiry" (kept for review or archive handover).
    union_days: int | None = Field(ge=1)
    authority_days: int | None = Field(ge=1)
    source: str


class PolicyDocument(Strict):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9\-]*$")
    version: str = Field(min_length=1)
    description: str
    retention: dict[str, RetentionClass] = Field(min_length=1)
    rules: tuple[RuleSpec, ...] = Field(min_length=1)

    @field_validator("rules")
    @classmethod
    def _unique_ids(cls, rules: tuple[RuleSpec, ...]) -> tuple[RuleSpec, ...]:
        seen: set[str] = set()
        for rule in rules:
            if rule.id in seen:
                raise ValueError(f"rule id {rule.id!r} is used twice")
            seen.add(rule.id)
        return rules
