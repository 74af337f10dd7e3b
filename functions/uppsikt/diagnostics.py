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


def unreadable_yaml(exc: Exception) -> str:
    """Why a YAML file cannot be read, naming the place and never repeating its content (the
    parser's own message quotes the offending line)."""
    if isinstance(exc, UnicodeDecodeError):
        return f"not UTF-8 text (byte {exc.start})"
    if isinstance(exc, RecursionError):
        return "nested too deeply (or refers to itself)"
    if isinstance(exc, ValueError):  # e.g. an integer longer than Python converts
        return "holds a value that cannot be read (such as a number thousands of digits long)"
    problem = getattr(exc, "problem", None) or type(exc).__name__
    mark = getattr(exc, "problem_mark", None)
    where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
    return f"not valid YAML: {problem}{where}"[:500]
