"""Flags to review on the embedded AWS, written the way evaluation writes them (a flag row and
its evidence in the archive), for the review's tests, its benchmark and the demo; and demo users.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from uppsikt.adapters.dynamodb import Flags
from uppsikt.adapters.s3 import EvidenceArchive
from uppsikt.model.events import Action, Author, NormalisedEvent, ObjectKind, Platform, RawPointer
from uppsikt.model.records import Evidence, Flag, content_hash
from uppsikt.model.verdict import Hit, Severity
from uppsikt.review.directory import CognitoDirectory
from uppsikt.review.model import Role
from uppsikt.runtime import Runtime

DEMO_PASSWORD = "Uppsikt-demo-2026"  # noqa: S105 - local only: the embedded AWS's user pool
TEXTS = (
    ("Ring mig på 070-123 45 67, Anna Berg vet mer", "pii.phone", "personal_data", 12, 25),
    (
        "Hans personnummer är 19811218-9876 skriv till honom",
        "pii.se_personnummer",
        "personal_data",
        21,
        34,
    ),
    ("Du är en idiot och borde skämmas", "conduct.insult", "conduct", 9, 14),
)
SEVERITIES = (Severity.LEGAL, Severity.MANDATORY, Severity.ADVISORY)
PLATFORMS = (Platform.FACEBOOK, Platform.INSTAGRAM, Platform.X)


@dataclass(frozen=True)
class Seeded:
    flag_id: str
    org_id: str
    evidence_key: str


def seed_flags(
    rt: Runtime,
    org_id: str,
    count: int,
    *,
    start: datetime | None = None,
    with_evidence: int = 50,
    batch: bool = False,
) -> list[Seeded]:
    """`count` open flags for `org_id`, a minute apart; the first `with_evidence` get evidence
    in the archive (every flag's evidence key is set; the benchmark needs only some bodies).
    `batch`: written 25 a request (the benchmark's 50,000), rows identical to `Flags.create`'s."""
    s = rt.settings
    flags = Flags(rt.dynamodb, s.flags_table)
    archive = EvidenceArchive(rt.s3, s.archive_bucket, s.data_key_id)
    start = start or datetime.now(UTC) - timedelta(minutes=count + 1)
    seeded: list[Seeded] = []
    pending: list[Flag] = []
    for i in range(count):
        text, rule, kind, begin, end = TEXTS[i % len(TEXTS)]
        created = start + timedelta(minutes=i)
        digest = hashlib.sha256(f"{org_id}:{i}".encode()).hexdigest()
        flag_id = "F-" + digest[:20]
        platform = PLATFORMS[i % len(PLATFORMS)]
        event = NormalisedEvent(
            platform=platform,
            account_id=f"{org_id}-acct-{i % 2}",
            object_kind=ObjectKind.COMMENT,
            action=Action.CREATED,
            item_id=f"c{digest[:12]}",
            post_id=f"p{digest[12:20]}",
            parent_id=None,
            author=Author(pseudonym="ps-" + digest[20:40]),
            text=text,
            event_time=created - timedelta(minutes=1),
            received_at=created,
            raw=RawPointer(bucket=s.raw_bucket, key=f"deliveries/{digest}", entry_index=0,
                           change_index=0),
            idempotency_key=f"seed:{org_id}:{i}",
        )  # fmt: skip
        severity = SEVERITIES[i % len(SEVERITIES)]
        hit = Hit(
            rule=rule,
            kind=kind,
            start=begin,
            end=end,
            evidence="*" * (end - begin),
            severity=severity,
            confidence=0.9,
            source="Uppsikt nordic-baseline §" + str(i % 7 + 1),
            detail=f"{kind} matched by {rule}",
        )
        evidence = Evidence(
            flag_id=flag_id,
            org_id=org_id,
            event=event,
            hits=(hit,),
            lang="sv",
            policy_id="nordic-baseline",
            policy_version="seed-1",
            content_sha256=content_hash(text),
            captured_at=created,
            retention_class="illegal_evidence" if kind == "personal_data" else "policy_removed",
            expires_at=None,
        )
        key = (
            archive.put(evidence)
            if i < with_evidence
            else f"evidence/{org_id}/{created:%Y/%m/%d}/{flag_id}.json"
        )
        pending.append(
            Flag(
                flag_id=flag_id,
                org_id=org_id,
                severity=severity,
                rule_ids=(rule,),
                kinds=(kind,),
                platform=platform,
                account_id=event.account_id,
                object_kind=event.object_kind,
                event_id=event.event_id,
                policy_id="nordic-baseline",
                policy_version="seed-1",
                evidence_key=key,
                created_at=created,
                retention_class="flag_record",
                expires_at=None,
                evidence_class=evidence.retention_class,
                item_created_at=event.event_time,
            )
        )
        seeded.append(Seeded(flag_id, org_id, key))
        if not batch:
            flags.create(pending.pop())
        elif len(pending) == 25 or i == count - 1:
            _write_batch(rt, s.flags_table, pending)
            pending = []
    return seeded


def _write_batch(rt: Runtime, table: str, flags: list[Flag]) -> None:
    request: dict[str, Any] = {table: [{"PutRequest": {"Item": Flags.row(f)}} for f in flags]}
    while request:
        request = dict(rt.dynamodb.batch_write_item(RequestItems=request)["UnprocessedItems"])


def add_demo_users(directory: CognitoDirectory, org_ids: list[str]) -> dict[str, str]:
    """One user per role and organisation (`<org>-<role>`, the demo password); returns subs."""
    subs: dict[str, str] = {}
    for org_id in org_ids:
        for role in Role:
            username = f"{org_id}-{role.value}"
            subs[username] = directory.add_user(username, DEMO_PASSWORD, [(org_id, role)])
    return subs
