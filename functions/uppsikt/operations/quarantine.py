"""Quarantined deliveries: list them, and bring them back through ingest.

Ingest quarantines a signed delivery it cannot read, or one for an account the registry does not
list (all of it, or only some of a Meta delivery's entries), under `quarantine/<source>/` in the
raw bucket, with its time of arrival and the reason (`uppsikt.ingest.common.quarantine`).

Listing shows where each one is kept, its platform, when it arrived and why it is there; never
its content. A replay runs the delivery through the same ingest and mapper as on arrival, once
the cause is fixed (a mapper fix deployed, the account added to the registry). Its signature was
verified when it arrived, so it is not checked again; it keeps its original time of arrival, so
its raw key and events are the ones it would have had. When the replay leaves nothing in
quarantine, the object is moved to `replayed/` (with when it was replayed and where its delivery
is now kept), so it cannot be replayed twice. One that is quarantined again stays where it is,
narrowed to the entries that are still for unlisted accounts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal

from botocore.exceptions import BotoCoreError, ClientError

from uppsikt.adapters.purge import delete_every_version
from uppsikt.diagnostics import describe
from uppsikt.errors import UppsiktError
from uppsikt.platforms.mappers import by_source
from uppsikt.runtime import utcnow

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

    from uppsikt.runtime import Runtime

PREFIX = "quarantine/"
REPLAYED_PREFIX = "replayed/"

Status = Literal["replayed", "still quarantined", "failed"]


class NotQuarantined(UppsiktError):
    """The key named is not a quarantined delivery."""


@dataclass(frozen=True)
class Quarantined:
    key: str
    platform: str
    received_at: str
    reason: str
    bytes: int
    entries: str  # the entries kept for replay ("" for the whole delivery)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Replay:
    key: str
    status: Status
    detail: str  # counts or the reason, never content
    moved_to: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _described(client: S3Client, bucket: str, key: str) -> Quarantined:
    head = client.head_object(Bucket=bucket, Key=key)
    metadata = head.get("Metadata", {})
    return Quarantined(
        key=key,
        platform=metadata.get("platform", "unknown"),
        received_at=metadata.get("received-at") or head["LastModified"].isoformat(),
        reason=metadata.get("reason", "no reason recorded"),
        bytes=head["ContentLength"],
        entries=metadata.get("entries", ""),
    )


def list_quarantined(client: S3Client, bucket: str) -> list[Quarantined]:
    """Every quarantined delivery, oldest key first (keys hold the day of arrival)."""
    found: list[Quarantined] = []
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=PREFIX):
        for item in page.get("Contents", []):
            found.append(_described(client, bucket, item["Key"]))
    return found


def replay(rt: Runtime, keys: Sequence[str] | None = None) -> list[Replay]:
    """Replay the named quarantined deliveries (default: all of them), one at a time; one that
    fails does not stop the others."""
    bucket = rt.settings.raw_bucket
    if keys is None:
        keys = [q.key for q in list_quarantined(rt.s3, bucket)]
    outcomes: list[Replay] = []
    for key in keys:
        try:
            outcomes.append(_replay_one(rt, bucket, key))
        except (UppsiktError, BotoCoreError, ClientError, ValueError) as exc:
            outcomes.append(Replay(key, "failed", describe(exc)))
    return outcomes


def _replay_one(rt: Runtime, bucket: str, key: str) -> Replay:
    if not key.startswith(PREFIX):
        raise NotQuarantined(f"only keys under {PREFIX} are quarantined deliveries")
    stored = rt.s3.get_object(Bucket=bucket, Key=key)
    body = stored["Body"].read()
    metadata = stored.get("Metadata", {})
    mapper = by_source(metadata.get("platform", ""))
    if mapper is None:
        return Replay(key, "failed", "no mapper reads deliveries of this platform")
    received_at = datetime.fromisoformat(metadata["received-at"])
    entries = metadata.get("entries")
    receipt = rt.webhook_ingest.accept(
        mapper,
        body,
        signed=True,  # verified on arrival; the raw bucket holds only what passed
        account_id=rt.account_id(mapper, body, metadata.get("account-id")),
        registered=rt.registered,
        pseudonymiser=rt.pseudonymiser(),
        received_at=received_at,
        entries={int(e) for e in entries.split(",")} if entries else None,
    )
    counts = (
        f"{receipt.changes} item(s), {receipt.enqueued} queued, "
        f"{sum(receipt.ignored.values())} ignored, {receipt.test} test, "
        f"{receipt.unmapped} unmapped"
    )
    if receipt.quarantined:
        return Replay(key, "still quarantined", counts)
    moved_to = REPLAYED_PREFIX + key.removeprefix(PREFIX)
    rt.s3.copy_object(
        Bucket=bucket,
        Key=moved_to,
        CopySource={"Bucket": bucket, "Key": key},
        MetadataDirective="REPLACE",
        Metadata={
            **metadata,
            "quarantined": "replayed",
            "replayed-at": utcnow().isoformat(),
            "delivery": receipt.delivery_key,
        },
        ContentType="application/json",
        ServerSideEncryption="aws:kms",
        SSEKMSKeyId=rt.settings.data_key_id,
    )
    # Every version: the raw bucket is versioned, and a plain delete would keep the delivery.
    delete_every_version(rt.s3, bucket, key)
    return Replay(key, "replayed", counts, moved_to)
