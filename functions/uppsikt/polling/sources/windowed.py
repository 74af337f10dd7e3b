"""The continuation state of a windowed sweep: a window of recent parents (posts, media) is
listed first, then one page of comments per request, parent by parent.

The token (`Cursor.page`) holds the parents still to list and where the first of them is (an
offset or a platform's page cursor), so a restart mid-sweep continues where it stopped. Each
source names the two fields itself (Instagram's token is `{"v":1,"media":[…],"after":…}`), so
the tokens it has saved keep their meaning.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from uppsikt.polling.sources._common import read_token, write_token

Place = str | int | None  # where in a parent's comments the next page starts


@dataclass(frozen=True)
class Remaining:
    """The parents still to list (never empty), and the place saved for the first of them, as
    read: each source checks it, since only it knows what a valid place is."""

    parents: tuple[str, ...]
    place: object


@dataclass(frozen=True)
class WindowToken:
    """How one stream writes its windowed sweep's token."""

    parents_key: str
    place_key: str
    start: Place  # the place of a parent none of whose comments were listed yet

    def read(self, page: str | None) -> Remaining | None:
        """Where the sweep stands; None when a new sweep starts with its window."""
        state = read_token(page) or {}
        parents = state.get(self.parents_key)
        if not isinstance(parents, list) or not parents:
            return None
        if not all(isinstance(p, str) for p in parents):
            return None
        return Remaining(tuple(parents), state.get(self.place_key))

    def begin(self, parents: Sequence[str]) -> str | None:
        """The token after a window page: its parents from their start; None for none."""
        return self._write(parents, self.start)

    def then(self, parents: Sequence[str], place: Place) -> str | None:
        """The token after a page of `parents[0]`'s comments: `place` is where its next page
        starts, or None when that parent is done (or gone) and the next one is due."""
        if place is None:
            return self._write(parents[1:], self.start)
        return self._write(parents, place)

    def _write(self, parents: Sequence[str], place: Place) -> str | None:
        if not parents:
            return None  # the sweep is complete
        return write_token(**{self.parents_key: list(parents), self.place_key: place})
