"""The Meta webhook envelope: `{"object", "entry": [{"id", "time", "changes": [...]}]}`.

`Envelope` reads a whole delivery strictly (samples, tests, benchmarks). Ingest reads it in
layers instead (`Outline`, then `EntryOutline` per entry, then `Change` per change), so one
malformed element is refused alone and its siblings are still read.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator


class Change(BaseModel):
    model_config = ConfigDict(extra="allow", frozen=True)

    field: str
    value: Any = None  # checked per change, so one odd change cannot sink its delivery


class Entry(BaseModel):
    model_config = ConfigDict(extra="allow", frozen=True)

    id: str
    time: int | None = None
    changes: tuple[Change, ...] = ()
    # Messenger events arrive as `messaging` instead of `changes`; we do not monitor them.
    messaging: tuple[dict[str, Any], ...] = ()

    @field_validator("id", mode="before")
    @classmethod
    def _id_as_string(cls, value: object) -> object:
        if isinstance(value, int) and not isinstance(value, bool):
            return str(value)
        return value


class Envelope(BaseModel):
    model_config = ConfigDict(extra="allow", frozen=True)

    object: str
    entry: tuple[Entry, ...] = Field(default=())


class Outline(BaseModel):
    """The envelope with its entries unread: only a body that fails this is unreadable."""

    model_config = ConfigDict(extra="allow", frozen=True)

    object: str
    entry: list[Any] = Field(default_factory=list)


class EntryOutline(BaseModel):
    """One entry with its changes unread, so each change can be refused alone."""

    model_config = ConfigDict(extra="allow", frozen=True)

    id: str
    time: int | None = None
    changes: list[Any] = Field(default_factory=list)
    messaging: list[Any] = Field(default_factory=list)

    @field_validator("id", mode="before")
    @classmethod
    def _id_as_string(cls, value: object) -> object:
        if isinstance(value, int) and not isinstance(value, bool):
            return str(value)
        return value

    def entry(self) -> Entry:
        """The entry as a change's context needs it (its id and time)."""
        return Entry(id=self.id, time=self.time)


MONITORED_OBJECTS = frozenset({"page", "instagram"})

# What the App Dashboard's "Test" buttons send (platforms.md §1.3): never evaluated.
TEST_ENTRY_ID = "0"
TEST_POST_ID = "44444444_444444444"


def is_dashboard_test(entry: Entry, change: Change) -> bool:
    if entry.id == TEST_ENTRY_ID:
        return True
    value = change.value if isinstance(change.value, dict) else {}
    return str(value.get("post_id", "")) == TEST_POST_ID
