"""What the mappers of diffed comment listings (LinkedIn, Instagram) share: reading the runner's
record of vanished items, and telling a comment that vanished from one that left the window.

Those streams list the comments of a window of recent parents (posts, media). Every page of a
parent also lists the parent's marker (`{prefix}{parent id}` → `LISTED`), and each comment's
fingerprint names its parent. A comment whose parent's marker vanished with it was not hidden
or deleted: its parent left the window (or was deleted itself).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

LISTED = "listed"  # a parent marker's fingerprint


def vanished_entries(data: object) -> list[tuple[str, str]]:
    """`(id, fingerprint)` pairs of a vanished record; `ValueError` when it is not one."""
    if not isinstance(data, Mapping) or not isinstance(data.get("vanished"), list):
        raise ValueError("a vanished record is an object with a vanished list")
    entries: list[tuple[str, str]] = []
    for entry in data["vanished"]:
        if not isinstance(entry, Mapping) or not isinstance(entry.get("id"), str):
            raise ValueError("a vanished entry has a string id")
        print_ = entry.get("fingerprint")
        entries.append((entry["id"], print_ if isinstance(print_, str) else ""))
    return entries


@dataclass(frozen=True, slots=True)
class Vanished:
    """One entry of a vanished record, told apart by `read_vanished`."""

    index: int  # the entry's place in the record: its result's raw pointer
    id: str
    parent: str | None  # as the fingerprint names it
    left_window: str | None  # why it is no hide or deletion; None when it is one


def read_vanished(
    data: object, *, marker: str, parent_of: Callable[[str], str | None], parent_noun: str
) -> list[Vanished]:
    """The entries of a vanished record (`ValueError` when it is not one), each with whether it
    left the window: a parent marker itself, or a comment whose parent's marker vanished too.
    `marker` is the markers' prefix; `parent_of` reads the parent from a fingerprint."""
    entries = vanished_entries(data)
    gone = {entry_id for entry_id, _ in entries if entry_id.startswith(marker)}
    found: list[Vanished] = []
    for index, (entry_id, print_) in enumerate(entries):
        parent = parent_of(print_)
        if entry_id.startswith(marker):
            why: str | None = f"a {parent_noun} left the polling window"
        elif parent is not None and marker + parent in gone:
            why = f"its {parent_noun} left the polling window"
        else:
            why = None
        found.append(Vanished(index, entry_id, parent, why))
    return found
