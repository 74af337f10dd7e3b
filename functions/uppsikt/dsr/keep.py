"""Keep rules an erasure consults: archive duty here; legal holds come from the purge's
governance table through the same `KeepRules` port (the lead wires it)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from uppsikt.dsr.model import Concern
from uppsikt.dsr.ports import KeepRules
from uppsikt.retention.schedule import Action, Schedule, Subject, shipped, term_for


@dataclass(frozen=True)
class ArchiveDuty:
    """A thing whose class the organisation must hand over to its archive (`public_record` for a
    public body) is never erased by Uppsikt: archive law decides its disposal, not the request
    (GDPR Art. 17(3)(b) and (d))."""

    organisations: Callable[[str], Subject | None]
    schedule: Schedule = field(default_factory=shipped)

    def reason_to_keep(self, concern: Concern) -> str | None:
        cls = concern.retention_class
        if cls is None or cls not in self.schedule.classes:
            return None
        org = self.organisations(concern.org_id)
        if org is None or term_for(self.schedule, org, cls).then is not Action.ARCHIVE:
            return None
        return f"archive duty: class {cls} is handed over to the archive (Art. 17(3)(b))"


@dataclass(frozen=True)
class AnyOf:
    """The first rule that keeps a thing gives the reason (list holds first: a hold wins)."""

    rules: Sequence[KeepRules]

    def reason_to_keep(self, concern: Concern) -> str | None:
        for rule in self.rules:
            reason = rule.reason_to_keep(concern)
            if reason is not None:
                return reason
        return None
