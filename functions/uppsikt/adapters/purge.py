"""The stores the purge reads by expiry and deletes from physically (`retention.ports`).

DynamoDB tables are read through their `by-expiry` index (org, `expires_at`): a query for
`expires_at < now` returns only what has expired, oldest first, and `none` sorts after every
date. S3 objects are read through the expiry inventory (`adapters.governance`). A row is deleted
only if its expiry is still the one the index showed (a hold or a new decision may have moved it
since), and an object loses every version and delete marker.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from uppsikt.adapters.dynamodb import HELD_PREFIX
from uppsikt.adapters.governance import PAGE, Governance
from uppsikt.dynamo_values import from_item
from uppsikt.retention.ports import Candidate, Outcome, Page
from uppsikt.retention.schedule import Action, Schedule, shipped

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_s3 import S3Client

# A flag's personal or identifying attributes; what stays is for statistics (§5b row 6).
FLAG_PERSONAL = ("event_id", "evidence_key", "notification_id", "reviewer", "decided_by", "note")


def archive_classes(schedule: Schedule) -> list[str]:
    return sorted(
        name
        for name, spec in schedule.classes.items()
        if Action.ARCHIVE in (spec.union.then, spec.authority.then)
    )


def delete_every_version(s3: S3Client, bucket: str, key: str) -> tuple[int, bool]:
    """Delete every version and delete marker of one key; (how many, whether a lock refused)."""
    deleted, locked = 0, False
    for page in s3.get_paginator("list_object_versions").paginate(Bucket=bucket, Prefix=key):
        for version in [*page.get("Versions", []), *page.get("DeleteMarkers", [])]:
            if version["Key"] != key:
                continue
            try:
                s3.delete_object(Bucket=bucket, Key=key, VersionId=version["VersionId"])
                deleted += 1
            except ClientError as exc:
                if exc.response.get("Error", {}).get("Code") != "AccessDenied":
                    raise
                locked = True
    return deleted, locked


@dataclass(frozen=True)
class ObjectLocks:
    """S3 Object Lock legal holds on every version of an evidence object (`ports.Locks`)."""

    s3: S3Client
    bucket: str

    def set(self, key: str, on: bool) -> int:
        changed = 0
        pages = self.s3.get_paginator("list_object_versions").paginate(
            Bucket=self.bucket, Prefix=key
        )
        for page in pages:
            for version in page.get("Versions", []):
                if version["Key"] == key:
                    self.s3.put_object_legal_hold(
                        Bucket=self.bucket,
                        Key=key,
                        VersionId=version["VersionId"],
                        LegalHold={"Status": "ON" if on else "OFF"},
                    )
                    changed += 1
        return changed


@dataclass(frozen=True)
class _ByExpiry:
    client: DynamoDBClient
    table: str
    key_name: str
    schedule: Schedule

    def _page(
        self, org_id: str, condition: str, values: dict[str, Any], cursor: str | None, **q: Any
    ) -> dict[str, Any]:
        return dict(
            self.client.query(
                TableName=self.table,
                IndexName="by-expiry",
                KeyConditionExpression=f"org_id = :org AND {condition}",
                ExpressionAttributeValues={":org": {"S": org_id}, **values},
                **({"ExclusiveStartKey": json.loads(cursor)} if cursor else {}),
                **q,
            )
        )

    def expired(self, org_id: str, now: datetime, cursor: str | None) -> Page:
        response = self._page(
            org_id, "expires_at < :now", {":now": {"S": now.isoformat()}}, cursor, Limit=PAGE
        )
        rows = [from_item(i) for i in response["Items"]]
        last = response.get("LastEvaluatedKey")
        return Page(
            [self._candidate(org_id, r) for r in rows],
            json.dumps(last, sort_keys=True) if last else None,
        )

    def archived(self, org_id: str) -> int:
        classes = archive_classes(self.schedule)
        names = {f":c{i}": {"S": c} for i, c in enumerate(classes)}
        total, cursor = 0, None
        while True:
            response = self._page(
                org_id,
                "expires_at = :none",
                {":none": {"S": "none"}, **names},
                cursor,
                Select="COUNT",
                FilterExpression=f"retention_class IN ({', '.join(names)})",
            )
            total += int(response.get("Count", 0))
            last = response.get("LastEvaluatedKey")
            if not last:
                return total
            cursor = json.dumps(last)

    def _candidate(self, org_id: str, row: dict[str, Any]) -> Candidate:
        return Candidate(
            store=self.name,
            key=str(row[self.key_name]),
            org_id=org_id,
            retention_class=str(row["retention_class"]),
            expires_at=str(row["expires_at"]),
            account_id=row.get("account_id"),
            item_ref=row.get("item_ref"),
            flag_id=row.get("flag_id"),
            author=row.get("author_pseudonym"),
            derived=(str(row["evidence_key"]),) if row.get("evidence_key") else (),
        )

    @property
    def name(self) -> str:
        raise NotImplementedError

    def _delete(self, candidate: Candidate) -> Outcome:
        try:
            self.client.delete_item(
                TableName=self.table,
                Key={self.key_name: {"S": candidate.key}},
                ConditionExpression="expires_at = :seen",
                ExpressionAttributeValues={":seen": {"S": candidate.expires_at}},
            )
        except self.client.exceptions.ConditionalCheckFailedException:
            return self._missed(candidate)
        return Outcome.DELETED

    def _missed(self, candidate: Candidate) -> Outcome:
        item = self.client.get_item(
            TableName=self.table, Key={self.key_name: {"S": candidate.key}}, ConsistentRead=True
        )
        return Outcome.CHANGED if "Item" in item else Outcome.GONE


@dataclass(frozen=True)
class ExpiredItems(_ByExpiry):
    """Working records, held actions and shadow results (the items table)."""

    @property
    def name(self) -> str:
        return "items"

    def dispose(self, candidate: Candidate, action: Action, now: datetime) -> Outcome:
        if candidate.item_ref and not candidate.key.startswith(HELD_PREFIX):
            # Derived first: a run killed after this step still finds the record next time.
            for key in self._held_of(candidate.item_ref):
                self.client.delete_item(TableName=self.table, Key={self.key_name: {"S": key}})
        return self._delete(candidate)

    def _held_of(self, item_ref: str) -> list[str]:
        pages = self.client.get_paginator("query").paginate(
            TableName=self.table,
            IndexName="by-item",
            KeyConditionExpression="item_ref = :ref",
            ExpressionAttributeValues={":ref": {"S": item_ref}},
        )
        keys = [str(i[self.key_name]["S"]) for p in pages for i in p["Items"]]
        return [k for k in keys if k.startswith(HELD_PREFIX)]


@dataclass(frozen=True)
class ExpiredFlags(_ByExpiry):
    """Flag records: anonymised at expiry (§5b row 6), or deleted with their evidence."""

    s3: S3Client | None = None
    archive_bucket: str | None = None

    @property
    def name(self) -> str:
        return "flags"

    def dispose(self, candidate: Candidate, action: Action, now: datetime) -> Outcome:
        if action is Action.ANONYMISE:
            return self._anonymise(candidate, now)
        if self.s3 is not None and self.archive_bucket:
            for key in candidate.derived:
                _, locked = delete_every_version(self.s3, self.archive_bucket, key)
                if locked:
                    return Outcome.LOCKED
        return self._delete(candidate)

    def _anonymise(self, candidate: Candidate, now: datetime) -> Outcome:
        names = {f"#p{i}": n for i, n in enumerate(FLAG_PERSONAL)} | {"#ttl": "ttl"}
        try:
            self.client.update_item(
                TableName=self.table,
                Key={self.key_name: {"S": candidate.key}},
                UpdateExpression=(
                    "SET expires_at = :none, anonymised_at = :now REMOVE " + ", ".join(names)
                ),
                ConditionExpression="expires_at = :seen",
                ExpressionAttributeNames=names,
                ExpressionAttributeValues={
                    ":seen": {"S": candidate.expires_at},
                    ":none": {"S": "none"},
                    ":now": {"S": now.isoformat()},
                },
            )
        except self.client.exceptions.ConditionalCheckFailedException:
            return self._missed(candidate)
        return Outcome.ANONYMISED


@dataclass(frozen=True)
class ExpiredObjects:
    """S3 objects, through the expiry inventory; every version and delete marker goes."""

    governance: Governance
    s3: S3Client
    buckets: Mapping[str, str]  # inventory store name -> bucket
    handed_over: Callable[[str], int] | None = None

    @property
    def name(self) -> str:
        return "objects"

    def expired(self, org_id: str, now: datetime, cursor: str | None) -> Page:
        return self.governance.expired_objects(org_id, now, cursor)

    def dispose(self, candidate: Candidate, action: Action, now: datetime) -> Outcome:
        bucket = self.buckets[candidate.store]
        if not candidate.handed_over and self._moved(bucket, candidate.key, now):
            # A later decision moved its expiry (schedule.py: provisional starts only move it
            # later): never early. The entry stays and is read again until the new day passes.
            return Outcome.CHANGED
        deleted, locked = delete_every_version(self.s3, bucket, candidate.key)
        if locked:
            return Outcome.LOCKED  # the inventory row stays: the next run tries again
        for sk in candidate.derived:  # the inventory row itself, once the object is gone
            self.governance.forget_object(candidate.org_id, sk)
        return Outcome.DELETED if deleted else Outcome.GONE

    def archived(self, org_id: str) -> int:
        return len(self.governance.archived_objects(org_id))

    def _moved(self, bucket: str, key: str, now: datetime) -> bool:
        """Whether the object's own `expires-at` (the current version's) has not yet passed."""
        try:
            metadata = self.s3.head_object(Bucket=bucket, Key=key).get("Metadata", {})
        except ClientError:
            return False  # absent, or only a delete marker: nothing current to keep
        expires = metadata.get("expires-at", "none")
        return expires == "none" or expires >= now.date().isoformat()


def stores(
    dynamodb: DynamoDBClient,
    s3: S3Client,
    governance: Governance,
    *,
    items_table: str,
    flags_table: str,
    raw_bucket: str,
    archive_bucket: str,
    schedule: Schedule | None = None,
) -> list[Any]:
    """The purge's stores in the order it visits them: rows first, then objects."""
    schedule = schedule or shipped()
    return [
        ExpiredItems(dynamodb, items_table, "event_id", schedule),
        ExpiredFlags(dynamodb, flags_table, "flag_id", schedule, s3, archive_bucket),
        ExpiredObjects(governance, s3, {"raw": raw_bucket, "archive": archive_bucket}),
    ]
