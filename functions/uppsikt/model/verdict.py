"""What evaluation returns: explained hits, never a bare bool."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field


class Severity(StrEnum):
    ADVISORY = "advisory"
    MANDATORY = "mandatory"
    LEGAL = "legal"

    @property
    def rank(self) -> int:
        return {"advisory": 1, "mandatory": 2, "legal": 3}[self.value]


class Hit(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    rule: str
    kind: str
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    evidence: str  # masked: never the matched personal data itself
    severity: Severity
    confidence: float = Field(ge=0.0, le=1.0)
    source: str
    detail: str = ""


class Verdict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    policy_id: str
    policy_version: str
    hits: tuple[Hit, ...] = ()
    lang: str | None = None  # the language the text was judged in (detected, or the fallback)

    @property
    def flagged(self) -> bool:
        return bool(self.hits)

    @property
    def rule_ids(self) -> tuple[str, ...]:
        return tuple(sorted({hit.rule for hit in self.hits}))

    @property
    def severity(self) -> Severity | None:
        if not self.hits:
            return None
        return max((hit.severity for hit in self.hits), key=lambda s: s.rank)
