"""Packs compose: a pack that `extends` another is flattened into one self-contained document.

The stored policy is always flat, so functions never need the other packs at run time.
"""

from __future__ import annotations

from collections.abc import Mapping

from uppsikt.policy.errors import PolicyInvalid, Problem
from uppsikt.policy.model import PolicyDocument, RuleOverride, RuleSpec


def _apply(rule: RuleSpec, override: RuleOverride) -> RuleSpec:
    changes: dict[str, object] = {"params": {**rule.params, **override.params}}
    for field in ("severity", "actions", "retention_class", "applies_to", "examples"):
        value = getattr(override, field)
        if value is not None:
            changes[field] = value
    return rule.model_copy(update=changes)


def flatten(
    pack_id: str, documents: Mapping[str, tuple[str, PolicyDocument]], _seen: tuple[str, ...] = ()
) -> PolicyDocument:
    """The pack with everything it extends folded in; raises `PolicyInvalid` naming the file."""
    file, document = documents[pack_id]
    if document.extends is None:
        if not document.rules:
            raise PolicyInvalid([Problem(file, None, "rules", "a base pack needs rules")])
        return document
    if document.extends in (*_seen, pack_id):
        chain = " -> ".join((*_seen, pack_id, document.extends))
        raise PolicyInvalid([Problem(file, None, "extends", f"packs extend in a circle: {chain}")])
    if document.extends not in documents:
        raise PolicyInvalid(
            [Problem(file, None, "extends", f"no pack with id {document.extends!r} beside it")]
        )
    base = flatten(document.extends, documents, (*_seen, pack_id))

    problems: list[Problem] = []
    base_ids = {rule.id for rule in base.rules}
    for rule_id in document.overrides:
        if rule_id not in base_ids:
            problems.append(Problem(file, rule_id, "overrides", "overrides a rule the base lacks"))
    for rule in document.rules:
        if rule.id in base_ids:
            problems.append(
                Problem(file, rule.id, "id", f"already defined by {base.id}; use overrides")
            )
    if problems:
        raise PolicyInvalid(problems)

    inherited = [
        _apply(rule, document.overrides[rule.id]) if rule.id in document.overrides else rule
        for rule in base.rules
        if document.overrides.get(rule.id, RuleOverride()).enabled
    ]
    return PolicyDocument(
        id=document.id,
        version=document.version,
        description=document.description,
        rules=(*inherited, *document.rules),
        exceptions=(*base.exceptions, *document.exceptions),
    )
