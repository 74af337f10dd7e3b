"""S3: raw deliveries, claim-checked messages, and the KMS-encrypted evidence archive.

Every object carries its retention class and expiry as metadata (`retention-class`, `expires-at`:
an ISO date, or `none`; see `uppsikt.retention.schedule`). In the raw bucket the class follows
from the key's first segment (`RAW_CLASSES`; a key outside them is refused, so a new kind of
object cannot be written without a class), and the organisation from the metadata the writers
already set (`org-ids` on deliveries, `org-id` on poll answers): its own terms apply, the longest
when a delivery is shared by several organisations, and the shortest default when none is known
(a quarantined delivery for an account the registry does not list).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from uppsikt.model.messages import ClaimMessage
from uppsikt.model.records import Evidence
from uppsikt.retention.schedule import (
    Action,
    Disposition,
    Schedule,
    Subject,
    dispose,
    governing,
    shipped,
)

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

# The raw bucket's kinds of object, by the key's first segment.
RAW_CLASSES = {
    "deliveries": "raw_delivery",
    "quarantine": "quarantined_body",
    "polls": "poll_answer",
    "claims": "claimed_message",
}


# Lists a stored object in the expiry inventory (`adapters.governance.Governance.record_object`):
# (store, key, disposition, organisation ids, attributes a hold can match).
Inventory = Callable[[str, str, Disposition, list[str], dict[str, str | None]], None]


class Unclassified(RuntimeError):
    """An object would be written without a retention class (a key no class covers)."""


def _utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class RawDeliveries:
    """Verbatim deliveries (and quarantined ones) in the raw bucket, encrypted at rest."""

    client: S3Client
    bucket: str
    kms_key_id: str
    # An organisation's retention terms by its id (the registry); None: every org unknown.
    organisations: Callable[[str], Subject | None] | None = None
    schedule: Schedule = field(default_factory=shipped)
    clock: Callable[[], datetime] = _utcnow
    inventory: Inventory | None = None

    def disposition(self, key: str, metadata: dict[str, str]) -> Disposition:
        cls = RAW_CLASSES.get(key.split("/", 1)[0])
        if cls is None:
            raise Unclassified("a raw-bucket key outside the classified prefixes")
        received = metadata.get("received-at")
        written = datetime.fromisoformat(received) if received else self.clock()
        ids = metadata.get("org-ids") or metadata.get("org-id") or ""
        orgs = [self.organisations(i) for i in ids.split(",") if i] if self.organisations else []
        known: list[Subject | None] = [o for o in orgs if o is not None]
        return governing(dispose(self.schedule, org, cls, written) for org in known or [None])

    def put_delivery(self, key: str, body: bytes, metadata: dict[str, str]) -> None:
        disposition = self.disposition(key, metadata)
        if self.inventory is not None:
            # Listed before it is written: a failure between the two leaves an entry the purge
            # finds empty (`gone`), never an object the purge cannot find.
            ids = metadata.get("org-ids") or metadata.get("org-id") or ""
            orgs = [i for i in ids.split(",") if i]
            self.inventory("raw", key, disposition, orgs, {"account_id": metadata.get("account")})
        self.client.put_object(
            Bucket=self.bucket,
            Key=key,
            Body=body,
            ContentType="application/json",
            Metadata={**metadata, **disposition.metadata()},
            ServerSideEncryption="aws:kms",
            SSEKMSKeyId=self.kms_key_id,
        )

    def put_claim(self, key: str, body: str) -> ClaimMessage:
        self.put_delivery(key, body.encode(), {"kind": "claim"})
        return ClaimMessage(bucket=self.bucket, key=key)

    def load(self, claim: ClaimMessage) -> str:
        response = self.client.get_object(Bucket=claim.bucket, Key=claim.key)
        return response["Body"].read().decode()

    def get(self, key: str) -> bytes:
        return self.client.get_object(Bucket=self.bucket, Key=key)["Body"].read()


@dataclass(frozen=True)
class EvidenceArchive:
    client: S3Client
    bucket: str
    kms_key_id: str
    inventory: Inventory | None = None
    schedule: Schedule = field(default_factory=shipped)

    def put(self, evidence: Evidence) -> str:
        key = f"evidence/{evidence.org_id}/{evidence.captured_at:%Y/%m/%d}/{evidence.flag_id}.json"
        if self.inventory is not None:  # listed first, as in `RawDeliveries.put_delivery`
            self.inventory(
                "archive", key, self._disposition(evidence), [evidence.org_id], _ids(evidence)
            )
        body = evidence.model_dump_json().encode()
        self.client.put_object(
            Bucket=self.bucket,
            Key=key,
            Body=body,
            ContentType="application/json",
            ServerSideEncryption="aws:kms",
            SSEKMSKeyId=self.kms_key_id,
            Metadata={
                "flag-id": evidence.flag_id,
                "retention-class": evidence.retention_class,
                "expires-at": evidence.expires_at.date().isoformat()
                if evidence.expires_at
                else "none",
                "content-sha256": evidence.content_sha256,
            },
        )
        return key

    def _disposition(self, evidence: Evidence) -> Disposition:
        spec = self.schedule.get(evidence.retention_class)
        archives = Action.ARCHIVE in (spec.union.then, spec.authority.then)
        action = Action.ARCHIVE if archives and evidence.expires_at is None else Action.DELETE
        return Disposition(evidence.retention_class, action, evidence.expires_at)

    def get(self, key: str) -> Evidence:
        body = self.client.get_object(Bucket=self.bucket, Key=key)["Body"].read()
        return Evidence.model_validate(json.loads(body))


def _ids(evidence: Evidence) -> dict[str, str | None]:
    """What a legal hold can name, for the inventory (ids and a pseudonym; no content)."""
    event = evidence.event
    return {
        "account_id": event.account_id,
        "item_ref": event.item_ref,
        "flag_id": evidence.flag_id,
        "author": event.author.pseudonym if event.author else None,
    }
