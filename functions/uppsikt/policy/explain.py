"""Verdicts for people (a readable listing) and for programs (JSON, JSON lines)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

from uppsikt.diagnostics import describe
from uppsikt.model.verdict import Verdict
from uppsikt.policy.engine import CompiledPolicy
from uppsikt.privacy.masking import mask_spans
from uppsikt.rules.registry import RuleContext


def verdict_json(verdict: Verdict) -> dict[str, Any]:
    return {
        "hits": [
            {
                "rule": h.rule,
                "kind": h.kind,
                "start": h.start,
                "end": h.end,
                "severity": h.severity.value,
                "confidence": h.confidence,
            }
            for h in verdict.hits
        ]
    }


def render(text: str, verdict: Verdict) -> str:
    lines = [f"policy {verdict.policy_id} {verdict.policy_version}"]
    if not verdict.hits:
        return "\n".join([*lines, "no rule fired"])
    lines.append(mask_spans(text, [(h.start, h.end) for h in verdict.hits]))
    for h in verdict.hits:
        lines.append(
            f"  [{h.start}:{h.end}] {h.rule} ({h.kind}, {h.severity.value}, "
            f"confidence {h.confidence:.2f}): {h.detail}; evidence {h.evidence}"
        )
        lines.append(f"      source: {h.source}")
    return "\n".join(lines)


def explain_lines(
    policy: CompiledPolicy, lines: Iterable[str], context: RuleContext
) -> Iterator[str]:
    """One output line per input line `{"id": ..., "text": ...}`; a bad line gets an error
    line with its id (or line number) instead of stopping the batch."""
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        item: Any = None
        try:
            item = json.loads(line)
            text = item["text"]
            if not isinstance(text, str):
                raise TypeError("text is not a string")
        except (ValueError, KeyError, TypeError, RecursionError) as exc:
            ident = item.get("id", number) if isinstance(item, dict) else number
            yield json.dumps({"id": ident, "error": describe(exc)})
            continue
        verdict = policy.evaluate_text(text, context)
        yield json.dumps({"id": item.get("id"), **verdict_json(verdict)}, ensure_ascii=False)
