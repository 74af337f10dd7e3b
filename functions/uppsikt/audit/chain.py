"""Signed checkpoints of each organisation's chain, and the verifier.

Every hour (`write_checkpoints`, the scheduled `audit_checkpoint` function) each organisation
gets a checkpoint: the chain's head (sequence and hash) at that moment, the period it closes, the
number of entries since the previous checkpoint and a digest of that previous checkpoint. It is
signed with the deployment's asymmetric KMS key and stored under
`checkpoints/<org>/<period end, UTC hour>.json` in the Object Lock bucket (compliance mode), even
when nothing happened, so a missing hour shows. The chain then records the checkpoint itself (an
`audit.checkpoint` entry), so the next checkpoint covers it.

Hourly, as CloudTrail's digests: a rewrite of the table would have to happen within the hour to
escape the next signature, the supervision report can show review gaps at that resolution, and it
costs 24 KMS signatures and objects a day per organisation (cents a month).

`verify` re-walks the whole chain and every checkpoint version and names each problem precisely
(`Problem.kind`): a changed entry, a broken link, a missing entry, entries cut off after a
checkpoint, a rewritten chain that no longer matches a signed head, a bad or foreign signature, a
missing checkpoint period, a checkpoint overwritten or hidden behind a delete marker.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, ValidationError

from uppsikt.audit.errors import SigningUnavailable
from uppsikt.audit.log import RETENTION_CLASS, AuditLog, from_plain
from uppsikt.audit.model import GENESIS, AuditAction, AuditEntry, canonical, moment, sort_key
from uppsikt.retention.schedule import Subject, dispose, shipped

if TYPE_CHECKING:
    from mypy_boto3_kms import KMSClient
    from mypy_boto3_s3 import S3Client

    from uppsikt.accounts.model import Organisation
    from uppsikt.audit.ports import ChainReader, CheckpointStore, Signer

PREFIX = "checkpoints/"
PERIOD = timedelta(hours=1)
# A period's checkpoint is written a few minutes after it closes (the schedule's start delay and
# a retry); it counts as missing only after this.
GRACE = timedelta(minutes=15)
CHECKPOINT_ACTOR = "system:checkpoint"
ALGORITHM = "ECDSA_SHA_256"
RECENT = timedelta(days=2)


# --- adapters --------------------------------------------------------------------------------
@dataclass(frozen=True)
class KmsSigner:
    """`Signer` on an asymmetric KMS key (ECC_NIST_P256). KMS hashes the message (SHA-256) and
    signs the hash (`MessageType=RAW`; a checkpoint is well under KMS's 4,096-byte limit), so
    `openssl dgst -sha256 -verify` checks the stored body as it is."""

    client: KMSClient
    key_id: str
    algorithm: str = ALGORITHM

    def sign(self, message: bytes) -> bytes:
        try:
            response = self.client.sign(
                KeyId=self.key_id,
                Message=message,
                MessageType="RAW",
                SigningAlgorithm=self.algorithm,  # type: ignore[arg-type]
            )
        except self.client.exceptions.ClientError as exc:
            raise SigningUnavailable("the audit signing key did not sign the checkpoint") from exc
        return response["Signature"]

    def verify(self, message: bytes, signature: bytes, key_id: str) -> bool:
        try:
            response = self.client.verify(
                KeyId=key_id,
                Message=message,
                MessageType="RAW",
                Signature=signature,
                SigningAlgorithm=self.algorithm,  # type: ignore[arg-type]
            )
        except self.client.exceptions.KMSInvalidSignatureException:
            return False
        return bool(response["SignatureValid"])

    def public_key_pem(self) -> str:
        """The key's public half, for checking checkpoints offline (openssl, any ECDSA library)."""
        der = self.client.get_public_key(KeyId=self.key_id)["PublicKey"]
        text = base64.b64encode(der).decode()
        lines = [text[i : i + 64] for i in range(0, len(text), 64)]
        return "\n".join(["-----BEGIN PUBLIC KEY-----", *lines, "-----END PUBLIC KEY-----", ""])


@dataclass(frozen=True)
class LockedBucket:
    """`CheckpointStore` on the Object Lock bucket: every object gets a compliance-mode
    retain-until date equal to its retention expiry."""

    client: S3Client
    bucket: str

    def put(self, key: str, body: bytes, retain_until: datetime, metadata: dict[str, str]) -> bool:
        try:
            self.client.head_object(Bucket=self.bucket, Key=key)
        except self.client.exceptions.ClientError as exc:
            if exc.response.get("Error", {}).get("Code") not in ("404", "NoSuchKey", "NotFound"):
                raise
        else:
            return False  # this period has its checkpoint (a rerun): never a second version
        self.client.put_object(
            Bucket=self.bucket,
            Key=key,
            Body=body,
            ContentType="application/json",
            Metadata=metadata,
            ObjectLockMode="COMPLIANCE",
            ObjectLockRetainUntilDate=retain_until,
            # No encryption named here: the bucket takes only the data key, which the runtime's
            # client adds (adapters/data_key.py).
        )
        return True

    def versions(self, prefix: str) -> Iterator[tuple[str, list[bytes], bool]]:
        # S3 lists a key's versions newest first (the order they were stored, reversed);
        # timestamps cannot order them (two writes within a second share one).
        found: dict[str, list[str]] = {}
        hidden: set[str] = set()
        pages = self.client.get_paginator("list_object_versions").paginate(
            Bucket=self.bucket, Prefix=prefix
        )
        for page in pages:
            for version in page.get("Versions", []):
                found.setdefault(version["Key"], []).append(version["VersionId"])
            for marker in page.get("DeleteMarkers", []):
                if marker.get("IsLatest"):
                    hidden.add(marker["Key"])
        for key in sorted(found):
            bodies = [
                self.client.get_object(Bucket=self.bucket, Key=key, VersionId=version_id)[
                    "Body"
                ].read()
                for version_id in reversed(found[key])
            ]
            yield key, bodies, key in hidden

    def latest(self, prefix: str, start_after: str | None = None) -> bytes | None:
        last: str | None = None
        listing: dict[str, str] = {"Bucket": self.bucket, "Prefix": prefix}
        if start_after is not None:
            listing["StartAfter"] = start_after
        pages = self.client.get_paginator("list_objects_v2").paginate(**listing)  # type: ignore[arg-type]
        for page in pages:
            for obj in page.get("Contents", []):
                last = obj["Key"] if last is None or obj["Key"] > last else last
        if last is None:
            return None
        return self.client.get_object(Bucket=self.bucket, Key=last)["Body"].read()


# --- the checkpoint --------------------------------------------------------------------------
class PreviousCheckpoint(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    key: str
    digest: str  # SHA-256 (hex) of the previous checkpoint's signed body


class Checkpoint(BaseModel):
    """What is signed (`signed()`: its canonical JSON; KMS signs the SHA-256 of that)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    version: int = 1
    org_id: str
    period_start: datetime
    period_end: datetime
    head_seq: int
    head_hash: str
    entries_since_previous: int
    written_at: datetime
    previous: PreviousCheckpoint | None
    key_id: str
    algorithm: str

    def body(self) -> dict[str, Any]:
        values = self.model_dump(mode="json")
        for name in ("period_start", "period_end", "written_at"):
            values[name] = moment(getattr(self, name))
        return values

    def signed(self) -> bytes:
        """The bytes that are signed: the canonical JSON of the body."""
        return canonical(self.body())

    def digest(self) -> bytes:
        return hashlib.sha256(self.signed()).digest()


def checkpoint_key(org_id: str, period_end: datetime) -> str:
    return f"{PREFIX}{org_id}/{period_end.astimezone(UTC):%Y-%m-%dT%HZ}.json"


def period_end_of(now: datetime) -> datetime:
    """The end of the last whole period before `now` (the top of the hour)."""
    now = now.astimezone(UTC)
    return now.replace(minute=0, second=0, microsecond=0)


def stored(checkpoint: Checkpoint, signature: bytes) -> bytes:
    return canonical(
        {"checkpoint": checkpoint.body(), "signature": base64.b64encode(signature).decode()}
    )


def parsed(body: bytes) -> tuple[Checkpoint, bytes]:
    """A stored checkpoint and its signature; ValueError (or pydantic's) if it is not one."""
    document = json.loads(body)
    if not isinstance(document, dict) or set(document) != {"checkpoint", "signature"}:
        raise ValueError("not a signed checkpoint")
    return Checkpoint.model_validate(document["checkpoint"]), base64.b64decode(
        document["signature"], validate=True
    )


@dataclass(frozen=True)
class Written:
    org_id: str
    key: str
    head_seq: int
    head_hash: str
    written: bool  # False: the period had its checkpoint already (a rerun)

    def as_dict(self) -> dict[str, Any]:
        return {
            "org_id": self.org_id,
            "key": self.key,
            "head_seq": self.head_seq,
            "head_hash": self.head_hash,
            "written": self.written,
        }


def write_checkpoint(
    log: AuditLog,
    store: CheckpointStore,
    signer: Signer,
    org_id: str,
    now: datetime,
    *,
    org: Subject | None = None,
) -> Written:
    """The checkpoint of `org_id`'s chain for the period that ended at the top of `now`'s hour."""
    end = period_end_of(now)
    key = checkpoint_key(org_id, end)
    head_seq, head_hash = log.head(org_id)
    previous: PreviousCheckpoint | None = None
    previous_seq = 0
    latest = latest_checkpoint(store, org_id, end)
    if latest is not None:
        before, _ = parsed(latest)
        if before.period_end >= end:
            return Written(org_id, key, before.head_seq, before.head_hash, written=False)
        previous = PreviousCheckpoint(
            key=checkpoint_key(org_id, before.period_end),
            digest=hashlib.sha256(canonical(before.body())).hexdigest(),
        )
        previous_seq = before.head_seq
    checkpoint = Checkpoint(
        org_id=org_id,
        period_start=end - PERIOD,
        period_end=end,
        head_seq=head_seq,
        head_hash=head_hash,
        entries_since_previous=head_seq - previous_seq,
        written_at=now,
        previous=previous,
        key_id=signer.key_id,
        algorithm=signer.algorithm,
    )
    disposition = dispose(shipped(), org, RETENTION_CLASS, now)
    assert disposition.expires_at is not None  # audit_entry has a period from the write
    if not store.put(
        key,
        stored(checkpoint, signer.sign(checkpoint.signed())),
        disposition.expires_at,
        disposition.metadata(),
    ):
        return Written(org_id, key, head_seq, head_hash, written=False)
    # The chain records its own checkpoint, so the next one covers it.
    log.append(
        org_id,
        actor=CHECKPOINT_ACTOR,
        role="system",
        action=AuditAction.AUDIT_CHECKPOINT.value,
        target=key,
        at=now,
        details={"head_seq": head_seq, "checkpoint_digest": checkpoint.digest().hex()},
    )
    return Written(org_id, key, head_seq, head_hash, written=True)


def latest_checkpoint(store: CheckpointStore, org_id: str, now: datetime) -> bytes | None:
    """The newest checkpoint body: keys sort by time, so list only the last two days' first
    (one call), and the whole prefix only when those are missing."""
    prefix = f"{PREFIX}{org_id}/"
    recent = store.latest(prefix, start_after=checkpoint_key(org_id, now - RECENT))
    return recent if recent is not None else store.latest(prefix)


def write_checkpoints(
    log: AuditLog,
    store: CheckpointStore,
    signer: Signer,
    organisations: Iterable[Organisation],
    now: datetime,
) -> list[Written]:
    """Every organisation's checkpoint for the period just ended (the scheduled function)."""
    return [write_checkpoint(log, store, signer, org.id, now, org=org) for org in organisations]


# --- verification ----------------------------------------------------------------------------
@dataclass(frozen=True)
class Problem:
    kind: str  # machine-readable, e.g. entry_changed, checkpoint_missing (docs/audit.md)
    where: str  # an entry (`entry 17`) or a checkpoint key
    detail: str

    def __str__(self) -> str:
        return f"{self.kind}: {self.where}: {self.detail}"


@dataclass
class Verification:
    org_id: str
    entries: int = 0
    first_seq: int | None = None
    last_seq: int = 0
    checkpoints: int = 0
    latest_checkpoint: str | None = None  # its key
    latest_checkpoint_hash: str | None = None  # the chain head it signed
    problems: list[Problem] = field(default_factory=list)
    first_recorded: datetime | None = None  # when the first stored entry was written

    @property
    def ok(self) -> bool:
        return not self.problems

    def as_dict(self) -> dict[str, Any]:
        return {
            "org_id": self.org_id,
            "ok": self.ok,
            "entries": self.entries,
            "first_seq": self.first_seq,
            "last_seq": self.last_seq,
            "checkpoints": self.checkpoints,
            "latest_checkpoint": self.latest_checkpoint,
            "latest_checkpoint_hash": self.latest_checkpoint_hash,
            "problems": [
                {"kind": p.kind, "where": p.where, "detail": p.detail} for p in self.problems
            ],
        }


def verify(
    org_id: str,
    reader: ChainReader,
    store: CheckpointStore,
    signer: Signer,
    now: datetime,
    *,
    retention_days: int | None = None,
) -> Verification:
    """Check every link and hash of `org_id`'s chain and every version of its checkpoints."""
    result = Verification(org_id)
    hashes = _walk_chain(org_id, reader, result)
    checkpoints = _read_checkpoints(org_id, store, signer, result)
    _check_checkpoints(org_id, checkpoints, hashes, result, now)
    _check_start(hashes, checkpoints, result, now, retention_days)
    return result


def _walk_chain(org_id: str, reader: ChainReader, result: Verification) -> dict[int, str]:
    """Every entry's hash by sequence, and the problems of the chain itself."""
    hashes: dict[int, str] = {}
    previous: AuditEntry | None = None
    for row in reader.rows(org_id):
        where = f"entry {row.get('sk')}"
        try:
            entry = from_plain(row)
        except (KeyError, ValueError, ValidationError):
            result.problems.append(Problem("entry_unreadable", where, "not a valid audit entry"))
            continue
        where = f"entry {entry.seq}"
        result.entries += 1
        if row.get("sk") != sort_key(entry.seq) or entry.org_id != org_id:
            result.problems.append(
                Problem("entry_moved", where, "stored under another position or organisation")
            )
        if entry.computed_hash() != entry.hash:
            result.problems.append(
                Problem("entry_changed", where, "its content no longer matches its hash")
            )
        if previous is None:
            result.first_seq = entry.seq
            result.first_recorded = entry.recorded_at
            if entry.seq == 1 and entry.prev_hash != GENESIS:
                result.problems.append(
                    Problem("link_broken", where, "the first entry does not start the chain")
                )
        elif entry.seq != previous.seq + 1:
            missing = (
                f"entry {previous.seq + 1}"
                if entry.seq == previous.seq + 2
                else f"entries {previous.seq + 1}-{entry.seq - 1}"
            )
            result.problems.append(Problem("entry_missing", where, f"{missing} missing before it"))
        elif entry.prev_hash != previous.hash:
            result.problems.append(
                Problem("link_broken", where, f"does not link to entry {previous.seq}")
            )
        hashes[entry.seq] = entry.hash
        previous = entry
        result.last_seq = entry.seq
    return hashes


def _read_checkpoints(
    org_id: str, store: CheckpointStore, signer: Signer, result: Verification
) -> list[tuple[str, Checkpoint]]:
    """The checkpoints as first written (the oldest version of each key), checked one by one."""
    found: list[tuple[str, Checkpoint]] = []
    for key, bodies, hidden in store.versions(f"{PREFIX}{org_id}/"):
        if len(bodies) > 1:
            result.problems.append(
                Problem(
                    "checkpoint_overwritten", key, f"{len(bodies)} versions; the first is checked"
                )
            )
        if hidden:
            result.problems.append(
                Problem(
                    "checkpoint_hidden",
                    key,
                    "a delete marker hides it; its locked version is checked",
                )
            )
        try:
            checkpoint, signature = parsed(bodies[0])
        except (ValueError, ValidationError):
            result.problems.append(Problem("checkpoint_unreadable", key, "not a signed checkpoint"))
            continue
        if checkpoint.org_id != org_id or checkpoint_key(org_id, checkpoint.period_end) != key:
            result.problems.append(
                Problem("checkpoint_moved", key, "its content names another organisation or period")
            )
        if checkpoint.key_id != signer.key_id:
            result.problems.append(
                Problem(
                    "checkpoint_bad_signature", key, "signed with a key that is not the audit key"
                )
            )
        elif not signer.verify(checkpoint.signed(), signature, signer.key_id):
            result.problems.append(
                Problem("checkpoint_bad_signature", key, "the signature does not match its content")
            )
        found.append((key, checkpoint))
        result.checkpoints += 1
    found.sort(key=lambda kc: kc[1].period_end)
    return found


def _check_checkpoints(
    org_id: str,
    checkpoints: list[tuple[str, Checkpoint]],
    hashes: dict[int, str],
    result: Verification,
    now: datetime,
) -> None:
    before: Checkpoint | None = None
    for key, checkpoint in checkpoints:
        if before is not None:
            _check_continuity(org_id, key, checkpoint, before, result)
        _check_head(key, checkpoint, hashes, result)
        before = checkpoint
    expected_last = period_end_of(now - GRACE)
    if before is None:
        if result.first_recorded is not None and result.first_recorded < expected_last:
            result.problems.append(
                Problem("checkpoint_missing", f"{PREFIX}{org_id}/", "the chain has no checkpoint")
            )
        return
    result.latest_checkpoint = checkpoint_key(org_id, before.period_end)
    result.latest_checkpoint_hash = before.head_hash
    _report_gap(org_id, before.period_end, expected_last + PERIOD, result)


def _check_continuity(
    org_id: str, key: str, checkpoint: Checkpoint, before: Checkpoint, result: Verification
) -> None:
    _report_gap(org_id, before.period_end, checkpoint.period_end, result)
    expected = hashlib.sha256(canonical(before.body())).hexdigest()
    link = checkpoint.previous
    if link is None or link.key != checkpoint_key(org_id, before.period_end):
        result.problems.append(
            Problem("checkpoint_link_broken", key, "does not name the checkpoint before it")
        )
    elif link.digest != expected:
        result.problems.append(
            Problem("checkpoint_link_broken", key, "the checkpoint before it has changed")
        )
    if checkpoint.head_seq < before.head_seq:
        result.problems.append(
            Problem("checkpoint_regressed", key, "its head is behind the previous checkpoint's")
        )
    elif checkpoint.entries_since_previous != checkpoint.head_seq - before.head_seq:
        result.problems.append(
            Problem("checkpoint_inconsistent", key, "its entry count disagrees with its heads")
        )


def _report_gap(org_id: str, after: datetime, before: datetime, result: Verification) -> None:
    """Checkpoints missing for the periods strictly between two period ends."""
    missing = []
    moment_ = after + PERIOD
    while moment_ < before:
        missing.append(moment_)
        moment_ += PERIOD
    if not missing:
        return
    first, last = checkpoint_key(org_id, missing[0]), checkpoint_key(org_id, missing[-1])
    span = first if len(missing) == 1 else f"{first} .. {last} ({len(missing)} periods)"
    result.problems.append(Problem("checkpoint_missing", span, "no checkpoint for the period"))


def _check_head(
    key: str, checkpoint: Checkpoint, hashes: dict[int, str], result: Verification
) -> None:
    if checkpoint.head_seq == 0:
        if checkpoint.head_hash != GENESIS:
            result.problems.append(Problem("checkpoint_mismatch", key, "an empty head with a hash"))
        return
    if checkpoint.head_seq > result.last_seq:
        result.problems.append(
            Problem(
                "entry_missing",
                key,
                f"signed a head at entry {checkpoint.head_seq}; "
                f"the chain ends at {result.last_seq}",
            )
        )
        return
    stored_hash = hashes.get(checkpoint.head_seq)
    if stored_hash is not None and stored_hash != checkpoint.head_hash:
        result.problems.append(
            Problem(
                "checkpoint_mismatch",
                key,
                f"entry {checkpoint.head_seq} is not the entry this checkpoint signed "
                "(the chain was rewritten)",
            )
        )


def _check_start(
    hashes: dict[int, str],
    checkpoints: list[tuple[str, Checkpoint]],
    result: Verification,
    now: datetime,
    retention_days: int | None,
) -> None:
    """Entries before the first stored one may be gone only because their retention ended: a
    checkpoint that covered them must itself be older than the retention period."""
    first = result.first_seq
    if first is None or first == 1:
        return
    days = retention_days or shipped().get(RETENTION_CLASS).union.days or 0
    covered = [c for _, c in checkpoints if c.head_seq >= first - 1]
    if covered and covered[0].written_at + timedelta(days=days) <= now:
        return
    span = "entry 1" if first == 2 else f"entries 1-{first - 1}"
    result.problems.append(
        Problem("entry_missing", f"entry {first}", f"{span} missing before it (not yet expired)")
    )
