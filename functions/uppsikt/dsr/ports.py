"""What data-subject requests need from the outside world."""

from __future__ import annotations

from typing import Protocol

from uppsikt.dsr.model import Concern


class KeepRules(Protocol):
    """Why a stored thing must survive an erasure, or None when nothing keeps it.

    Legal holds (the purge's `GovernanceTable`) and archive duty (`ArchiveDuty`) both satisfy
    this; `AnyOf` asks several in turn. A hold beats everything, so the lead wires holds first."""

    def reason_to_keep(self, concern: Concern) -> str | None: ...


class Alerts(Protocol):
    def publish(self, subject: str, message: str, attributes: dict[str, str]) -> str:
        """Send; return the message id."""
        ...
