"""Policy errors: configuration problems found at load, each naming its place."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Problem:
    file: str
    rule: str | None
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}"
        if self.rule:
            where += f" rule {self.rule}"
        if self.field:
            where += f" field {self.field}"
        return f"{where}: {self.message}"


class PolicyError(Exception):
    """Base for policy errors."""


class PolicyInvalid(PolicyError):
    """The policy failed validation; `problems` lists every one of them, not just the first."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems))


class PolicyUnavailable(PolicyError):
    """No usable stored policy could be loaded (a runtime, retryable condition)."""
