"""Read policy files (YAML) into validated documents, naming the place of every problem."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import ValidationError

from uppsikt.policy.engine import CompiledPolicy, compile_policy
from uppsikt.policy.errors import PolicyInvalid, Problem
from uppsikt.policy.model import PolicyDocument


def _problems_from(exc: ValidationError, file: str, raw: Any) -> list[Problem]:
    problems = []
    rules = raw.get("rules") if isinstance(raw, dict) else None
    errors = exc.errors(include_input=False)
    locs = [tuple(err["loc"]) for err in errors]
    for err in errors:
        loc = list(err["loc"])
        # A list that is "too short" only because an invalid item was dropped is noise: the
        # item's own problem, further down, is the one to fix.
        deeper = any(other[: len(loc)] == tuple(loc) and len(other) > len(loc) for other in locs)
        if err["type"] == "too_short" and deeper:
            continue
        rule_id = None
        if len(loc) >= 2 and loc[0] == "rules" and isinstance(loc[1], int):
            index = loc[1]
            rule = rules[index] if isinstance(rules, list) and index < len(rules) else None
            rule_id = str(rule.get("id", f"#{index}")) if isinstance(rule, dict) else f"#{index}"
            loc = loc[2:]
        problems.append(Problem(file, rule_id, ".".join(str(p) for p in loc), err["msg"]))
    return problems


def parse_document(raw: Any, *, file: str) -> PolicyDocument:
    try:
        return PolicyDocument.model_validate(raw)
    except ValidationError as exc:
        raise PolicyInvalid(_problems_from(exc, file, raw)) from exc


def load_file(path: Path) -> CompiledPolicy:
    """Validate and compile one policy file; raises `PolicyInvalid` listing every problem."""
    import yaml  # CLI-only dependency: the Lambda functions load the stored JSON bundle instead

    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise PolicyInvalid([Problem(str(path), None, "", f"not valid YAML: {exc}")]) from exc
    document = parse_document(raw, file=str(path))
    return compile_policy(document, file=str(path))


def load_directory(directory: Path) -> list[CompiledPolicy]:
    """Load every `*.yaml` policy in a folder, collecting problems across all files."""
    policies: list[CompiledPolicy] = []
    problems: list[Problem] = []
    for path in sorted(directory.glob("*.yaml")):
        try:
            policies.append(load_file(path))
        except PolicyInvalid as exc:
            problems.extend(exc.problems)
    if problems:
        raise PolicyInvalid(problems)
    return policies
