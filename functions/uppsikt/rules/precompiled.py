"""Regexes whose compiled form was made at build time, so a cold start does not make it again.

A pack's rules compile a few dozen regexes of up to 10,000 characters (a lexicon's terms as one
trie, a phrase list, a grammar's constructions). `re` parses and compiles them in pure Python:
about 75 ms of the baseline pack's 115 ms compile, and 35 ms of its first evaluations, on every
Lambda cold start. What it makes from a pattern is a list of integers (the regex engine's code),
the same every time for one Python version. The package build (operations/package.py) and
`make env` record that code for every regex the shipped packs make, and this module hands it
straight to the engine (`_sre.compile`, what `re.compile` ends in). Measured side by side in
fresh interpreters: `bench/speed.py`, "Cold compile" (docs/quality.md).

Safe by construction: the file is used only when it was written by the same Python minor
version with the same engine (`_sre.MAGIC`, code size); an entry is keyed by the exact source
and flags, so a pattern that changed since is a miss and compiled as usual; an unreadable file
is ignored. tests/unit/rules/test_precompiled.py checks that every entry gives a pattern equal
to `re.compile`'s (CPython compares patterns by their flags, source and code).
"""

from __future__ import annotations

# CPython's regex engine (what `re` compiles into); it has no type stubs.
import _sre  # type: ignore[import-not-found]
import marshal
import os
import re
import sys
from array import array
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from re import _compiler, _parser  # type: ignore[attr-defined]
from typing import Any

__all__ = ["PATH", "compile", "recording", "write"]

PATH = Path(__file__).with_name("precompiled.bin")

# Set to "0" to compile every regex as `re` does (bench/speed.py's side-by-side cold compile).
_SWITCH = "UPPSIKT_PRECOMPILED"

# (final flags, code as array('I') bytes, groups - 1, group index, index group)
_Entry = tuple[int, bytes, int, dict[str, int], tuple[str | None, ...]]

_entries: dict[tuple[str, int], _Entry] | None = None
_recorded: dict[tuple[str, int], _Entry] | None = None


def _version() -> tuple[int, int, int, int]:
    return (*sys.version_info[:2], _sre.MAGIC, _sre.CODESIZE)


def _load() -> dict[tuple[str, int], _Entry]:
    if os.environ.get(_SWITCH) == "0":
        return {}
    try:
        with PATH.open("rb") as handle:
            # Our own build's file, beside the code and as trusted as it (read-only on Lambda).
            data = marshal.load(handle)  # noqa: S302
    except (OSError, EOFError, ValueError, TypeError):
        return {}  # no file (a checkout without `make env`), or not one of ours
    if not isinstance(data, dict) or data.get("version") != _version():
        return {}
    entries = data.get("entries")
    return entries if isinstance(entries, dict) else {}


def compile(source: str, flags: int = 0) -> re.Pattern[str]:
    """`re.compile(source, flags)`, from the build's code when it has this pattern."""
    global _entries
    if _recorded is not None:
        _recorded[(source, int(flags))] = _entry(source, int(flags))
    if _entries is None:
        _entries = _load()
    entry = _entries.get((source, int(flags)))
    if entry is None:
        return re.compile(source, flags)
    final_flags, code, groups, groupindex, indexgroup = entry
    words = array("I")
    words.frombytes(code)
    pattern: re.Pattern[str] = _sre.compile(
        source, final_flags, words.tolist(), groups, groupindex, indexgroup
    )
    return pattern


def _entry(source: str, flags: int) -> _Entry:
    """What `re._compiler.compile` hands `_sre.compile` for `source` (Python 3.11's steps)."""
    parsed = _parser.parse(source, flags)
    code = _compiler._code(parsed, flags)
    groupindex = {str(name): int(index) for name, index in parsed.state.groupdict.items()}
    indexgroup: list[str | None] = [None] * parsed.state.groups
    for name, index in groupindex.items():
        indexgroup[index] = name
    return (
        int(flags | parsed.state.flags),
        array("I", code).tobytes(),
        parsed.state.groups - 1,
        groupindex,
        tuple(indexgroup),
    )


@contextmanager
def recording() -> Iterator[dict[tuple[str, int], _Entry]]:
    """Collect the compiled form of every regex made through `compile` inside the block."""
    global _recorded
    outer, _recorded = _recorded, {}
    try:
        yield _recorded
    finally:
        _recorded = outer


def write(entries: dict[tuple[str, int], Any], path: Path | None = None) -> Path:
    """Write `entries` (from `recording`) for this Python, replacing the file atomically; the
    table at `PATH` (the default) is read again on the next `compile`."""
    path = PATH if path is None else path
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".tmp")
    with partial.open("wb") as handle:
        marshal.dump({"version": _version(), "entries": dict(entries)}, handle)
    partial.replace(path)
    if path == PATH:
        reset()
    return path


def reset() -> None:
    """Forget the table read from disk (tests write their own)."""
    global _entries
    _entries = None
