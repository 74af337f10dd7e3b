"""`verify` on the embedded AWS: an intact chain with hourly signed checkpoints passes, and each
kind of tampering is named precisely (docs/audit.md, "What verify checks")."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from click.testing import CliRunner

from app import audit_checkpoint
from support.events import scheduled_event
from support.stack import Stack
from uppsikt import runtime
from uppsikt.audit.chain import (
    KmsSigner,
    LockedBucket,
    checkpoint_key,
    parsed,
    stored,
    verify,
    write_checkpoint,
)
from uppsikt.audit.log import AuditLog, to_row
from uppsikt.audit.model import canonical, entry_hash, sort_key
from uppsikt.cli.main import cli
from uppsikt.local.lambda_context import LocalContext

SUB = "6f1c2d3e-0000-4000-8000-00000000000a"
START = datetime(2026, 11, 23, 8, 10, tzinfo=UTC)
SCHEDULED = scheduled_event(
    "audit_checkpoint", time="2026-11-23T10:00:00Z", event_id="audit-checkpoint"
)


@dataclass
class Scenario:
    """Seko's chain with a clock of its own: entries each hour, a checkpoint at each top of the
    hour (as the schedule writes them)."""

    stack: Stack
    now: datetime = START
    log: AuditLog = field(init=False)
    store: LockedBucket = field(init=False)
    signer: KmsSigner = field(init=False)

    def __post_init__(self) -> None:
        s = self.stack.settings
        self.log = AuditLog(self.stack.rt.dynamodb, s.audit_table, clock=lambda: self.now)
        self.store = LockedBucket(self.stack.rt.s3, s.checkpoint_bucket)
        self.signer = KmsSigner(self.stack.rt.kms, s.audit_key_id)

    def hours(self, n: int, *, skip: frozenset[int] = frozenset()) -> None:
        for hour in range(n):
            for flag in range(2):
                self.log.append(
                    "seko",
                    actor=SUB,
                    role="officer",
                    action="flag.viewed",
                    target=f"F-{hour}-{flag}",
                    at=self.now,
                )
            self.now += timedelta(hours=1)
            if hour not in skip:
                write_checkpoint(
                    self.log, self.store, self.signer, "seko", self.now.replace(minute=2)
                )

    def verify(self, at: datetime | None = None) -> list[tuple[str, str]]:
        result = verify(
            "seko", self.log, self.store, self.signer, at or self.now.replace(minute=20)
        )
        return [(p.kind, p.where) for p in result.problems]

    def row(self, seq: int) -> dict[str, Any]:
        item = self.stack.rt.dynamodb.get_item(
            TableName=self.stack.settings.audit_table,
            Key={"org_id": {"S": "seko"}, "sk": {"S": sort_key(seq)}},
        )["Item"]
        return dict(item)

    def put_row(self, item: dict[str, Any]) -> None:
        self.stack.rt.dynamodb.put_item(TableName=self.stack.settings.audit_table, Item=item)

    def checkpoint_keys(self) -> list[str]:
        listed = self.stack.rt.s3.list_objects_v2(
            Bucket=self.stack.settings.checkpoint_bucket, Prefix="checkpoints/seko/"
        )
        return [o["Key"] for o in listed.get("Contents", [])]


@pytest.fixture
def seko(stack: Stack) -> Scenario:
    scenario = Scenario(stack)
    scenario.hours(3)
    return scenario


def test_an_intact_chain_with_its_hourly_checkpoints_verifies(seko: Scenario) -> None:
    result = verify("seko", seko.log, seko.store, seko.signer, seko.now.replace(minute=20))
    assert result.problems == []
    # 2 flag entries and 1 checkpoint entry per hour; 3 checkpoints, linked.
    assert (result.entries, result.last_seq, result.checkpoints) == (9, 9, 3)
    assert result.latest_checkpoint == checkpoint_key(
        "seko", datetime(2026, 11, 23, 11, tzinfo=UTC)
    )
    assert result.latest_checkpoint_hash == seko.log.entries("seko", limit=8)[0][-1].hash


def test_a_changed_entry_is_named(seko: Scenario) -> None:
    row = seko.row(4)
    row["target"] = {"S": "F-somebody-else"}
    seko.put_row(row)
    assert seko.verify() == [("entry_changed", "entry 4")]


def test_a_deleted_entry_is_named(seko: Scenario) -> None:
    seko.stack.rt.dynamodb.delete_item(
        TableName=seko.stack.settings.audit_table,
        Key={"org_id": {"S": "seko"}, "sk": {"S": sort_key(5)}},
    )
    assert seko.verify() == [("entry_missing", "entry 6")]


def test_entries_cut_off_after_a_checkpoint_are_named(seko: Scenario) -> None:
    for seq in (8, 9):
        seko.stack.rt.dynamodb.delete_item(
            TableName=seko.stack.settings.audit_table,
            Key={"org_id": {"S": "seko"}, "sk": {"S": sort_key(seq)}},
        )
    key = checkpoint_key("seko", datetime(2026, 11, 23, 11, tzinfo=UTC))
    assert seko.verify() == [("entry_missing", key)]


def test_a_chain_rewritten_with_fresh_hashes_no_longer_matches_its_signed_checkpoints(
    seko: Scenario,
) -> None:
    """Whoever can write the table can recompute every hash after a change; the signed
    checkpoints still hold the old heads."""
    entries, _ = seko.log.entries("seko")
    prev = entries[1].hash
    rewritten = entries[2].model_copy(update={"target": "F-rewritten", "prev_hash": prev})
    for original in [rewritten, *entries[3:]]:
        relinked = original.model_copy(update={"prev_hash": prev})
        forged = relinked.model_copy(update={"hash": entry_hash(prev, relinked.chained())})
        seko.put_row(to_row(forged, {"retention_class": "audit_entry", "expires_at": "none"}))
        prev = forged.hash
    problems = seko.verify()
    # Entry 3 follows the 09:00 checkpoint (head 2): the 10:00 and 11:00 ones signed it.
    assert problems == [
        ("checkpoint_mismatch", checkpoint_key("seko", datetime(2026, 11, 23, h, tzinfo=UTC)))
        for h in (10, 11)
    ]


def test_a_missing_checkpoint_period_is_named(stack: Stack) -> None:
    scenario = Scenario(stack)
    scenario.hours(4, skip=frozenset({1}))
    assert scenario.verify() == [
        ("checkpoint_missing", checkpoint_key("seko", datetime(2026, 11, 23, 10, tzinfo=UTC)))
    ]


def test_checkpoints_that_stopped_are_missing_once_their_period_is_over(seko: Scenario) -> None:
    later = seko.now.replace(minute=20) + timedelta(hours=2)
    assert seko.verify(later) == [
        (
            "checkpoint_missing",
            f"{checkpoint_key('seko', datetime(2026, 11, 23, 12, tzinfo=UTC))} .. "
            f"{checkpoint_key('seko', datetime(2026, 11, 23, 13, tzinfo=UTC))} (2 periods)",
        )
    ]


def test_a_checkpoint_whose_content_does_not_match_its_signature_is_named(
    seko: Scenario,
) -> None:
    key = checkpoint_key("seko", datetime(2026, 11, 23, 12, tzinfo=UTC))
    seko.now += timedelta(hours=1)
    write_checkpoint(seko.log, seko.store, seko.signer, "seko", seko.now.replace(minute=2))
    body = seko.stack.rt.s3.get_object(Bucket=seko.store.bucket, Key=key)["Body"].read()
    checkpoint, signature = parsed(body)
    # The same signature over a checkpoint claiming an earlier head, under a new period's key.
    forged = checkpoint.model_copy(
        update={"period_end": checkpoint.period_end + timedelta(hours=1), "head_seq": 1}
    )
    later = checkpoint_key("seko", forged.period_end)
    seko.store.put(later, stored(forged, signature), seko.now + timedelta(days=1), {})
    problems = seko.verify(seko.now.replace(minute=20) + timedelta(hours=1))
    assert ("checkpoint_bad_signature", later) in problems


def test_a_checkpoint_signed_with_another_key_is_named(seko: Scenario) -> None:
    other = seko.stack.rt.kms.create_key(KeySpec="ECC_NIST_P256", KeyUsage="SIGN_VERIFY")
    impostor = KmsSigner(seko.stack.rt.kms, other["KeyMetadata"]["KeyId"])
    seko.now += timedelta(hours=1)
    written = write_checkpoint(seko.log, seko.store, impostor, "seko", seko.now.replace(minute=2))
    assert ("checkpoint_bad_signature", written.key) in seko.verify()


def test_an_overwritten_or_hidden_checkpoint_is_named_and_its_locked_original_still_checked(
    seko: Scenario,
) -> None:
    s3 = seko.stack.rt.s3
    first, second = seko.checkpoint_keys()[:2]
    s3.put_object(Bucket=seko.store.bucket, Key=first, Body=b'{"checkpoint": {}}')
    s3.delete_object(Bucket=seko.store.bucket, Key=second)
    assert sorted(seko.verify()) == [
        ("checkpoint_hidden", second),
        ("checkpoint_overwritten", first),
    ]


def test_a_checkpoint_version_cannot_be_deleted_before_its_retention_ends(seko: Scenario) -> None:
    s3 = seko.stack.rt.s3
    key = seko.checkpoint_keys()[0]
    version = s3.list_object_versions(Bucket=seko.store.bucket, Prefix=key)["Versions"][0]
    head = s3.head_object(Bucket=seko.store.bucket, Key=key)
    assert head["ObjectLockMode"] == "COMPLIANCE"
    assert head["Metadata"]["retention-class"] == "audit_entry"
    with pytest.raises(s3.exceptions.ClientError):
        s3.delete_object(Bucket=seko.store.bucket, Key=key, VersionId=version["VersionId"])


def test_a_checkpoint_links_to_the_one_before_and_its_entry_records_its_digest(
    seko: Scenario,
) -> None:
    keys = seko.checkpoint_keys()
    bodies = [
        seko.stack.rt.s3.get_object(Bucket=seko.store.bucket, Key=k)["Body"].read() for k in keys
    ]
    first, second = parsed(bodies[0])[0], parsed(bodies[1])[0]
    assert second.previous is not None
    assert second.previous.key == keys[0]
    assert second.previous.digest == hashlib.sha256(canonical(first.body())).hexdigest()
    recorded = [e for e in seko.log.entries("seko")[0] if e.action == "audit.checkpoint"]
    assert [e.target for e in recorded] == keys
    assert recorded[0].details["checkpoint_digest"] == first.digest().hex()


def test_the_schedule_writes_every_organisation_a_checkpoint_once_per_hour(
    stack: Stack, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Both runs in one hour: on the clock, the hour could turn between them.
    half_past = datetime.now(UTC).replace(minute=30, second=0, microsecond=0)
    monkeypatch.setattr(runtime, "utcnow", lambda: half_past)
    first = audit_checkpoint(SCHEDULED, LocalContext("test-audit"))
    again = audit_checkpoint(SCHEDULED, LocalContext("test-audit"))
    orgs = {c["org_id"] for c in first["checkpoints"]}
    assert {"seko", "kommunal"} <= orgs
    assert all(c["written"] for c in first["checkpoints"])
    assert not any(c["written"] for c in again["checkpoints"])  # nothing happened: still one


def test_the_cli_names_the_problem_and_exits_non_zero(seko: Scenario) -> None:
    row = seko.row(2)
    row["reason"] = {"S": "added later"}
    seko.put_row(row)
    result = CliRunner().invoke(cli, ["audit", "verify", "--org", "seko", "--json"])
    assert result.exit_code == 1
    report = json.loads(result.output)
    assert {"kind": "entry_changed", "where": "entry 2"}.items() <= report["problems"][0].items()


def test_a_checkpoint_can_be_checked_offline_with_the_public_key(seko: Scenario) -> None:
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.serialization import load_pem_public_key

    key = load_pem_public_key(seko.signer.public_key_pem().encode())
    assert isinstance(key, ec.EllipticCurvePublicKey)
    body = seko.stack.rt.s3.get_object(Bucket=seko.store.bucket, Key=seko.checkpoint_keys()[0])
    checkpoint, signature = parsed(body["Body"].read())
    signed = canonical(checkpoint.body())  # what `openssl dgst -sha256 -verify` would hash
    key.verify(signature, signed, ec.ECDSA(hashes.SHA256()))
    with pytest.raises(InvalidSignature):
        key.verify(signature, signed + b" ", ec.ECDSA(hashes.SHA256()))


def test_after_days_without_checkpoints_the_next_links_to_the_last_and_the_gap_shows(
    seko: Scenario,
) -> None:
    later = seko.now + timedelta(days=3)
    written = write_checkpoint(seko.log, seko.store, seko.signer, "seko", later)
    body = seko.stack.rt.s3.get_object(Bucket=seko.store.bucket, Key=written.key)["Body"].read()
    previous = parsed(body)[0].previous
    assert previous is not None
    assert previous.key == checkpoint_key("seko", datetime(2026, 11, 23, 11, tzinfo=UTC))
    problems = seko.verify(later.replace(minute=20))
    assert [kind for kind, _ in problems] == ["checkpoint_missing"]
    assert problems[0][1].endswith("(71 periods)")
