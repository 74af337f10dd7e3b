"""Flags, hits and notices for the notify tests: real records, distinct ids."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime
from typing import Any

from uppsikt.model.events import ObjectKind, Platform
from uppsikt.model.records import Flag
from uppsikt.model.verdict import Hit, Severity
from uppsikt.notify.message import Notice, notice_for

CONSOLE = "https://console.example.org"
CPR = "211062-5629"
_ids = itertools.count(1)


def hit_on(text: str, fragment: str, *, rule: str = "baseline.national-id") -> Hit:
    start = text.index(fragment)
    return Hit(
        rule=rule,
        kind="national_id",
        start=start,
        end=start + len(fragment),
        evidence="******-****",
        severity=Severity.LEGAL,
        confidence=0.95,
        source="GDPR Art. 87",
    )


def a_flag(**overrides: Any) -> Flag:
    fields: dict[str, Any] = {
        "flag_id": f"F-{next(_ids):020d}",
        "org_id": "seko",
        "severity": Severity.LEGAL,
        "rule_ids": ("baseline.national-id",),
        "kinds": ("national_id",),
        "platform": Platform.FACEBOOK,
        "account_id": "seko-facebook",
        "object_kind": ObjectKind.COMMENT,
        "event_id": f"E-{next(_ids)}",
        "policy_id": "seko",
        "policy_version": "2026-11-30.1",
        "evidence_key": "evidence/seko/x.json",
        "created_at": datetime(2026, 12, 1, 9, 30, tzinfo=UTC),
        "retention_class": "flag",
    }
    fields.update(overrides)
    return Flag(**fields)


def a_notice(
    text: str = f"Signe K. här, mitt personnummer är {CPR}, ring mig",
    *,
    lang: str = "sv",
    **flag_overrides: Any,
) -> Notice:
    hits = [hit_on(text, CPR)] if CPR in text else []
    return notice_for(a_flag(**flag_overrides), hits, text, lang=lang, console_base_url=CONSOLE)
