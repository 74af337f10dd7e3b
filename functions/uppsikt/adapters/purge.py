"""The stores the purge reads by expiry and deletes from physically (`retention.ports`).

DynamoDB tables are read through their `by-expiry` index (org, `expires_at`): a query for
`expires_at < now` returns only what has expired, oldest first, and `none` sorts after every
date. S3 objects are read through the expiry inventory (`adapters.governance`). A row is deleted
only if its expiry is still the one the index showed (a hold or a new decision may have moved it
since), and an object loses every version and delete marker.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from uppsikt.adapters.governance import PAGE, Governance
from uppsikt.dynamo_values import from_item
from uppsikt.errors import Unavailable
from uppsikt.retention.ports import Candidate, Outcome, Page
from uppsikt.retention.schedule import Action, Schedule, shipped

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_s3 import S3Client


class DeleteRefused(Unavailable):
    """S3 refused a delete for a reason other than an Object Lock legal hold."""


DELETE_BATCH = 1000  # DeleteObjects' limit
WORKERS = 8  # HEADs in flight per page: I/O-bound, bounded so one run stays polite to S3

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
        # A held action is a row of its own here, listed by the index under its own expiry:
        # it expires with the working capture it protects, from an earlier moment (it is held
        # before its item's create arrives), so it goes at the latest with that create's record.
        # It is not deleted with any other record of the item: that would take away early the
        # tombstone a late create needs, and cost a by-item query per record.
        return self._delete(candidate)


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
class Head:
    """What a HEAD of an object's current version says (`None` from `head`: it could not tell)."""

    exists: bool
    version_id: str | None = None  # None: an unversioned bucket (no version id at all)
    expires: str = "none"  # the current version's `expires-at`
    cls: str | None = None  # and its `retention-class`
    marker: bool = False  # the current version is a delete marker


def head(s3: S3Client, bucket: str, key: str) -> Head | None:
    try:
        response = s3.head_object(Bucket=bucket, Key=key)
    except ClientError as exc:
        headers = exc.response.get("ResponseMetadata", {}).get("HTTPHeaders", {})
        if headers.get("x-amz-delete-marker") == "true":
            return Head(exists=False, marker=True)
        if exc.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
            return Head(exists=False)  # no version and no marker: nothing left of it
        return None  # e.g. 403 without ListBucket: the listing decides
    version = response.get("VersionId")
    metadata = response.get("Metadata", {})
    return Head(
        exists=True,
        # "null": a bucket whose versioning was suspended; deleted by that id, then checked.
        version_id=version or None,
        expires=metadata.get("expires-at", "none"),
        cls=metadata.get("retention-class"),
    )


@dataclass(frozen=True)
class ExpiredObjects:
    """S3 objects, through the expiry inventory; every version and delete marker goes.

    A page at a time, in few calls: a HEAD per object (in `workers` threads) tells whether its
    expiry moved and which version is current; the current versions go in DeleteObjects calls of
    up to 1,000; in a versioned bucket a second HEAD checks that nothing is left (an older
    version or a delete marker), and only then is the key listed and emptied version by version.
    The common case (one version) never lists: ListObjectVersions is the expensive call on AWS
    and, on the embedded AWS, copies the whole bucket per call. The inventory rows of what is
    gone go 25 to a BatchWriteItem.
    """

    governance: Governance
    s3: S3Client
    buckets: Mapping[str, str]  # inventory store name -> bucket
    handed_over: Callable[[str], int] | None = None
    workers: int = WORKERS

    @property
    def name(self) -> str:
        return "objects"

    def expired(self, org_id: str, now: datetime, cursor: str | None) -> Page:
        return self.governance.expired_objects(org_id, now, cursor)

    def dispose(self, candidate: Candidate, action: Action, now: datetime) -> Outcome:
        return self.dispose_page([(candidate, action)], now)[0]

    def dispose_page(
        self, todo: Sequence[tuple[Candidate, Action]], now: datetime
    ) -> list[Outcome]:
        things = [c for c, _ in todo]
        outcomes: list[Outcome] = [Outcome.GONE] * len(things)
        today = now.date().isoformat()
        batches: dict[str, list[tuple[int, str, str | None]]] = {}
        slow: list[int] = []  # emptied by listing every version of the key
        for i, (thing, found) in enumerate(zip(things, self._heads(things), strict=True)):
            if found is None or found.marker:
                slow.append(i)
            elif found.exists and not thing.handed_over and not found.expires < today:
                # A later decision moved its expiry (schedule.py: provisional starts only move
                # it later): never early. Its inventory row moves to the new day; with no day
                # (an awaited event) it stays and is read again.
                outcomes[i] = Outcome.CHANGED
                if found.expires != "none":
                    for sk in thing.derived:
                        self.governance.move_object(thing.org_id, sk, found.expires, found.cls)
            elif found.exists:
                batches.setdefault(thing.store, []).append((i, thing.key, found.version_id))
        check: list[int] = []
        for store, entries in batches.items():
            bucket = self.buckets[store]
            for start in range(0, len(entries), DELETE_BATCH):
                chunk = entries[start : start + DELETE_BATCH]
                kept = self._delete_objects(bucket, chunk)
                for i, key, version in chunk:
                    outcomes[i] = Outcome.LOCKED if key in kept else Outcome.DELETED
                    if version is not None and key not in kept:
                        check.append(i)
        for i, found in zip(check, self._heads([things[i] for i in check]), strict=True):
            if found is None or found.exists or found.marker:
                slow.append(i)  # another version or a delete marker is left
        for i in slow:
            deleted, locked = delete_every_version(self.s3, self._bucket(things[i]), things[i].key)
            if locked:
                outcomes[i] = Outcome.LOCKED  # the inventory row stays: the next run tries again
            elif deleted:
                outcomes[i] = Outcome.DELETED
        # The inventory rows themselves, once their objects are gone.
        by_org: dict[str, list[str]] = {}
        for thing, outcome in zip(things, outcomes, strict=True):
            if outcome in (Outcome.DELETED, Outcome.GONE):
                by_org.setdefault(thing.org_id, []).extend(thing.derived)
        for org_id, sks in by_org.items():
            self.governance.forget_objects(org_id, sks)
        return outcomes

    def archived(self, org_id: str) -> int:
        return len(self.governance.archived_objects(org_id))

    def _bucket(self, thing: Candidate) -> str:
        return self.buckets[thing.store]

    def _heads(self, things: Sequence[Candidate]) -> list[Head | None]:
        def one(thing: Candidate) -> Head | None:
            return head(self.s3, self._bucket(thing), thing.key)

        if self.workers <= 1 or len(things) <= 1:
            return [one(t) for t in things]
        with ThreadPoolExecutor(max_workers=self.workers) as pool:
            return list(pool.map(one, things))

    def _delete_objects(
        self, bucket: str, chunk: Sequence[tuple[int, str, str | None]]
    ) -> set[str]:
        """Delete one version per entry (the key alone in an unversioned bucket); the keys an
        Object Lock legal hold kept."""
        objects: list[Any] = [
            {"Key": key, **({"VersionId": version} if version else {})} for _, key, version in chunk
        ]
        response = self.s3.delete_objects(Bucket=bucket, Delete={"Objects": objects, "Quiet": True})
        locked: set[str] = set()
        for error in response.get("Errors", []):
            if error.get("Code") != "AccessDenied":
                # Throttling or an internal error: the run stops here and the next one resumes.
                raise DeleteRefused("S3 refused a delete of an expired object")
            locked.add(str(error.get("Key")))
        return locked


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
