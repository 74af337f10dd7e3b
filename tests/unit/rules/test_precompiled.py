"""The build's compiled regexes (rules/precompiled.py): the same patterns as `re` makes, used
only when they were made by this Python, and never a reason to fail."""

from __future__ import annotations

import _sre  # type: ignore[import-not-found]
import marshal
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from support.paths import REPO
from uppsikt.rules import precompiled


@pytest.fixture
def table(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """An empty place for the table; the module reads it afresh."""
    path = tmp_path / "precompiled.bin"
    monkeypatch.setattr(precompiled, "PATH", path)
    monkeypatch.delenv("UPPSIKT_PRECOMPILED", raising=False)
    precompiled.reset()
    yield path
    precompiled.reset()


@pytest.fixture(scope="module")
def shipped(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, int], tuple]:  # type: ignore[type-arg]
    """The shipped packs' table, written by the command the build runs, in a fresh process."""
    path = tmp_path_factory.mktemp("precompiled") / "precompiled.bin"
    subprocess.run(
        [sys.executable, "-m", "uppsikt.operations.precompile", str(path)],
        check=True,
        capture_output=True,
        cwd=REPO,
    )
    with path.open("rb") as handle:
        data = marshal.load(handle)  # noqa: S302  (the file the test just wrote)
    assert data["version"] == (*sys.version_info[:2], _sre.MAGIC, _sre.CODESIZE)
    entries: dict[tuple[str, int], tuple] = data["entries"]  # type: ignore[type-arg]
    return entries


def test_every_regex_of_the_shipped_packs_is_in_the_table_as_re_compiles_it(
    shipped: dict[tuple[str, int], tuple],  # type: ignore[type-arg]
    table: Path,
) -> None:
    # CPython compares patterns by flags, source and engine code: equal patterns match alike.
    precompiled.write(shipped)
    big = [(source, flags) for source, flags in shipped if len(source) > 2000]
    assert len(shipped) > 100
    assert len(big) >= 8  # the lexicons, phrase lists and grammars this exists for
    for source, flags in shipped:
        made = precompiled.compile(source, flags)
        expected = re.compile(source, flags)
        assert made == expected, source[:80]
        assert made.groupindex == expected.groupindex
        assert made.groups == expected.groups


def test_a_pattern_in_the_table_is_made_from_its_code_not_compiled_again(table: Path) -> None:
    # A forged entry: source "abc" with the code of "xyz". Only the table can make that.
    with precompiled.recording() as found:
        precompiled.compile("xyz")
    _, code, groups, index, names = found[("xyz", 0)]
    flags = re.compile("abc").flags
    precompiled.write({("abc", 0): (flags, code, groups, index, names)})
    forged = precompiled.compile("abc")
    assert forged.pattern == "abc"
    assert forged.search("xyz") is not None
    assert forged.search("abc") is None


def test_named_groups_and_flags_come_through_the_table(table: Path) -> None:
    source = r"(?P<word>\w+)-(?P<tail>\d+)?"
    with precompiled.recording() as found:
        precompiled.compile(source, re.IGNORECASE)
    precompiled.write(found)
    made = precompiled.compile(source, re.IGNORECASE)
    assert made == re.compile(source, re.IGNORECASE)
    match = made.match("ABC-12")
    assert match is not None
    assert match.group("word") == "ABC"
    assert match.groupdict() == {"word": "ABC", "tail": "12"}


def test_a_table_made_by_another_python_is_not_used(table: Path) -> None:
    with precompiled.recording() as found:
        precompiled.compile("xyz")
    forged = {("abc", 0): found[("xyz", 0)]}
    other = (3, 99, _sre.MAGIC, _sre.CODESIZE)
    with table.open("wb") as handle:
        marshal.dump({"version": other, "entries": forged}, handle)
    made = precompiled.compile("abc")
    assert made.search("abc") is not None  # compiled by re, not taken from the table


@pytest.mark.parametrize(
    "content",
    [b"", b"not marshal at all \x00\xff", marshal.dumps([1, 2, 3]), marshal.dumps({"x": 1})],
    ids=["empty", "garbage", "a list", "no version"],
)
def test_an_unreadable_table_is_ignored(table: Path, content: bytes) -> None:
    table.write_bytes(content)
    assert precompiled.compile(r"\d+").fullmatch("123") is not None


def test_without_a_table_every_regex_is_compiled_by_re(table: Path) -> None:
    assert not table.exists()
    assert precompiled.compile("a|b") == re.compile("a|b")


def test_the_switch_turns_the_table_off(table: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with precompiled.recording() as found:
        precompiled.compile("xyz")
    precompiled.write({("abc", 0): found[("xyz", 0)]})
    monkeypatch.setenv("UPPSIKT_PRECOMPILED", "0")
    assert precompiled.compile("abc").search("abc") is not None


def test_recording_nests_and_ends_with_its_block() -> None:
    with precompiled.recording() as outer:
        precompiled.compile("a+")
        with precompiled.recording() as inner:
            precompiled.compile("b+")
        precompiled.compile("c+")
    precompiled.compile("d+")
    assert set(inner) == {("b+", 0)}
    assert set(outer) == {("a+", 0), ("c+", 0)}
