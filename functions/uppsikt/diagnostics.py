"""Error descriptions that are safe to store, log and show: no input values, bounded length."""

from __future__ import annotations

import json

from pydantic import ValidationError


def describe(exc: Exception) -> str:
    """An error description safe to store and show: field locations and messages, never input."""
    if isinstance(exc, ValidationError):
        parts = [
            f"{'.'.join(str(p) for p in err['loc']) or '<root>'}: {err['msg']}"
            for err in exc.errors(include_input=False, include_url=False)
        ]
        text = f"{exc.title} validation failed: " + "; ".join(parts)
    elif isinstance(exc, json.JSONDecodeError):
        text = f"invalid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"
    else:
        text = f"{type(exc).__name__}: {exc}"
    return text[:500]
