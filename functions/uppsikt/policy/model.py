"""The policy schema. Files in policies/ are validated against it; the stored bundle is its JSON."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)

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


OrgType = Literal["union", "authority"]


def _norway(value: Any) -> Any:
    # YAML 1.1 reads a bare `no` as false (the "Norway problem"); authors will write it.
    return "no" if value is False else value


Jurisdiction = Annotated[Literal["dk", "se", "no", "fi"], BeforeValidator(_norway)]


class AppliesTo(Strict):
    """Where a rule applies; an empty tuple means "all"."""

    platforms: tuple[Platform, ...] = ()
    object_kinds: tuple[ObjectKind, ...] = ()
    authors: Authors = Authors.ANY  # visitors' comments, official posts, or both
    org_types: tuple[OrgType, ...] = ()
    jurisdictions: tuple[Jurisdiction, ...] = ()


class ExampleCase(Strict):
    """An example with the context it needs (e.g. an official post, an authority's page).
    Unset fields follow the rule's `applies_to`."""

    text: str
    official: bool | None = None
    org_type: OrgType | None = None
    jurisdiction: Jurisdiction | None = None
    author: str | None = None
    lang: str | None = None
    media: tuple[str, ...] = ()
    hours_since_last_post: float | None = None
    business_hours_unanswered: float | None = None
    # The organisation's admin pseudonyms, as the published registry would give them.
    designated_admins: tuple[str, ...] | None = None


Example = str | ExampleCase


class Examples(Strict):
    """Texts that must and must not trigger the rule, run by `uppsikt policy test` and the tests."""

    trigger: tuple[Example, ...] = Field(min_length=1)
    no_trigger: tuple[Example, ...] = Field(min_length=1)


class RuleSpec(Strict):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9.\-]*$")
    kind: str
    version: int = Field(default=1, ge=1)
    description: str = Field(min_length=1)
    severity: Severity
    actions: tuple[RuleAction, ...] = Field(min_length=1)
    source: str = Field(min_length=1)
    # A class of the retention schedule (policies/retention/): how long its evidence is kept.
    retention_class: str
    applies_to: AppliesTo = AppliesTo()
    params: dict[str, Any] = Field(default_factory=dict)
    examples: Examples


class RuleOverride(Strict):
    """What a pack that `extends` another may change about one of its rules."""

    enabled: bool = True
    severity: Severity | None = None
    actions: tuple[RuleAction, ...] | None = None
    retention_class: str | None = None
    applies_to: AppliesTo | None = None
    params: dict[str, Any] = Field(default_factory=dict)  # merged over the base rule's params
    examples: Examples | None = None  # replace them when the new params change what fires


class PolicyException(Strict):
    """A reviewed waiver: values that look like a finding but are not, e.g. the organisation's own
    switchboard number or press e-mail. Hits of the named kinds on these values are dropped."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9.\-]*$")
    description: str = Field(min_length=1)
    kinds: tuple[str, ...] = Field(min_length=1)
    values: tuple[str, ...] = Field(min_length=1)
    source: str = Field(min_length=1)  # who decided it, and when


class PolicyDocument(Strict):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9\-]*$")
    version: str = Field(min_length=1)
    description: str
    # A pack may build on another: it inherits its rules and exceptions,
    # changes inherited rules through `overrides`, and adds its own.
    extends: str | None = None
    # Guidance without enforcement (e.g. Kommunal's conversation material): every rule of this
    # pack's own must be advisory. Inherited legal rules still apply.
    advisory_only: bool = False
    rules: tuple[RuleSpec, ...] = ()
    overrides: dict[str, RuleOverride] = Field(default_factory=dict)
    exceptions: tuple[PolicyException, ...] = ()

    @field_validator("rules")
    @classmethod
    def _unique_ids(cls, rules: tuple[RuleSpec, ...]) -> tuple[RuleSpec, ...]:
        seen: set[str] = set()
        for rule in rules:
            if rule.id in seen:
                raise ValueError(f"rule id {rule.id!r} is used twice")
            seen.add(rule.id)
        return rules

    @model_validator(mode="after")
    def _advisory_only(self) -> PolicyDocument:
        if self.advisory_only:
            enforcing = [r.id for r in self.rules if r.severity is not Severity.ADVISORY]
            if enforcing:
                raise ValueError(f"advisory_only pack has non-advisory rules: {enforcing}")
        return self
