"""Read policy files (YAML) into validated, flattened, compiled policies.

Every problem is reported with its place (file, rule id, field), and all of them at once.
A params value `{"$lexicon": NAME}` is replaced by the terms in `lexicons/NAME.txt` beside the
policy file, so long word lists live in their own reviewed files but the stored policy is whole.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import ValidationError

from uppsikt.diagnostics import unreadable_yaml
from uppsikt.policy.compose import flatten
from uppsikt.policy.engine import CompiledPolicy, compile_policy
from uppsikt.policy.errors import PolicyInvalid, Problem
from uppsikt.policy.model import PolicyDocument

LEXICON_KEY = "$lexicon"


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
        elif len(loc) >= 2 and loc[0] == "overrides":
            rule_id, loc = str(loc[1]), loc[2:]
        problems.append(Problem(file, rule_id, ".".join(str(p) for p in loc), err["msg"]))
    return problems


def parse_document(raw: Any, *, file: str) -> PolicyDocument:
    try:
        return PolicyDocument.model_validate(raw)
    except ValidationError as exc:
        raise PolicyInvalid(_problems_from(exc, file, raw)) from exc


def read_lexicon(path: Path) -> list[str]:
    terms = []
    for line in path.read_text(encoding="utf-8").splitlines():
        term = line.split("#", 1)[0].strip()
        if term:
            terms.append(term)
    return terms


def _expand(value: Any, directory: Path, file: str, rule: str | None) -> Any:
    """Replace `{"$lexicon": NAME}` (alone, or as list items) by the named file's terms."""
    if isinstance(value, dict) and set(value) == {LEXICON_KEY}:
        name = str(value[LEXICON_KEY])
        path = directory / "lexicons" / f"{name}.txt"
        if not path.is_file() or "/" in name or name.startswith("."):
            raise PolicyInvalid([Problem(file, rule, "params", f"no lexicon {name!r} at {path}")])
        return read_lexicon(path)
    if isinstance(value, dict):
        return {k: _expand(v, directory, file, rule) for k, v in value.items()}
    if isinstance(value, list):
        out: list[Any] = []
        for item in value:
            expanded = _expand(item, directory, file, rule)
            is_include = isinstance(item, dict) and set(item) == {LEXICON_KEY}
            out.extend(expanded) if is_include else out.append(expanded)
        return out
    return value


def _expand_document(raw: Any, directory: Path, file: str) -> Any:
    if not isinstance(raw, dict):
        return raw
    problems: list[Problem] = []
    for section in ("rules", "overrides"):
        entries = raw.get(section)
        if not isinstance(entries, dict | list):
            continue  # a wrong type here is the schema's to report, with its place
        items = entries.items() if isinstance(entries, dict) else enumerate(entries)
        for key, entry in list(items):
            if isinstance(entry, dict) and "params" in entry:
                rule = str(entry.get("id", key))
                try:
                    entry["params"] = _expand(entry["params"], directory, file, rule)
                except PolicyInvalid as exc:
                    problems.extend(exc.problems)
    if problems:
        raise PolicyInvalid(problems)
    return raw


def read_document(path: Path) -> PolicyDocument:
    """One file, validated but not yet flattened."""
    import yaml  # CLI-only dependency: the Lambda functions load the stored JSON bundle instead

    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        return parse_document(_expand_document(raw, path.parent, str(path)), file=str(path))
    except (yaml.YAMLError, ValueError, RecursionError) as exc:
        raise PolicyInvalid([Problem(str(path), None, "", unreadable_yaml(exc))]) from exc


def _read_all(directory: Path) -> dict[str, tuple[str, PolicyDocument]]:
    documents: dict[str, tuple[str, PolicyDocument]] = {}
    problems: list[Problem] = []
    for path in sorted(directory.glob("*.yaml")):
        try:
            document = read_document(path)
        except PolicyInvalid as exc:
            problems.extend(exc.problems)
            continue
        if document.id in documents:
            problems.append(
                Problem(
                    str(path), None, "id", f"{document.id!r} is also in {documents[document.id][0]}"
                )
            )
        documents[document.id] = (str(path), document)
    if problems:
        raise PolicyInvalid(problems)
    return documents


def _compile(pack_id: str, documents: dict[str, tuple[str, PolicyDocument]]) -> CompiledPolicy:
    file = documents[pack_id][0]
    return compile_policy(flatten(pack_id, documents), file=file)


def load_directory(directory: Path) -> list[CompiledPolicy]:
    """Every pack in a folder, flattened and compiled; problems collected across all files."""
    documents = _read_all(directory)
    policies: list[CompiledPolicy] = []
    problems: list[Problem] = []
    for pack_id in documents:
        try:
            policies.append(_compile(pack_id, documents))
        except PolicyInvalid as exc:
            problems.extend(exc.problems)
    if problems:
        raise PolicyInvalid(problems)
    return policies


def load_pack(directory: Path, pack_id: str) -> CompiledPolicy:
    documents = _read_all(directory)
    if pack_id not in documents:
        raise PolicyInvalid([Problem(str(directory), None, "id", f"no pack {pack_id!r}")])
    return _compile(pack_id, documents)


def load_file(path: Path) -> CompiledPolicy:
    """One file, with the packs it extends read from the same folder."""
    document = read_document(path)
    documents = {document.id: (str(path), document)}
    siblings: dict[str, tuple[str, PolicyDocument]] = {}
    unreadable: list[Problem] = []
    if document.extends is not None:
        for other in sorted(path.parent.glob("*.yaml")):
            if other == path:
                continue
            try:
                sibling = read_document(other)
            except PolicyInvalid as exc:
                unreadable.extend(exc.problems)
                continue
            siblings[sibling.id] = (str(other), sibling)
    base = document.extends
    while base is not None and base not in documents:
        if base not in siblings:
            if unreadable:  # the base may be the file that failed to read
                raise PolicyInvalid(unreadable)
            break  # flatten() reports the missing base with its place
        documents[base] = siblings[base]
        base = siblings[base][1].extends
    return _compile(document.id, documents)
