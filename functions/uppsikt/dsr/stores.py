"""Where a person's data lives, found through the `by-author` indexes (never a scan), and the
few physical operations an erasure needs: delete a row, strip a row of what links it to the
person, delete every version of an object.

- Items table: working records, held actions and shadow results carry `author_key`; working
  records also name their raw delivery (`raw_key`).
- Flags table: flags carry `author_key`; each names its evidence object (`evidence_key`).
- Archive bucket: the evidence, by the flags' keys (it names its raw delivery too).
- Raw bucket: the deliveries and poll answers the person's items came from.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from uppsikt.adapters.dynamodb import batch_get
from uppsikt.dsr.model import Findings

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_s3 import S3Client

BY_AUTHOR = "by-author"
# What ties a row to the person; masking removes these and leaves the rest (an anonymous fact).
LINKS = ("author_key", "author_pseudonym", "raw_key", "text")


@dataclass(frozen=True)
class PersonalData:
    dynamodb: DynamoDBClient
    s3: S3Client
    items_table: str
    flags_table: str
    archive_bucket: str
    raw_bucket: str
    # The purge's expiry inventory (adapters/governance.py), whose evidence rows name the author:
    # an erased object leaves it too. None: a stack without one.
    governance_table: str | None = None

    def find(self, author_keys: list[str], restricted: list[str]) -> Findings:
        records = self._rows(self.items_table, "event_id", author_keys)
        flags = self._rows(self.flags_table, "flag_id", author_keys)
        evidence: dict[str, dict[str, Any]] = {}
        raw: dict[str, None] = {}
        for flag in flags:
            key = flag.get("evidence_key")
            body = self._evidence(key) if isinstance(key, str) else None
            if key and body is not None:
                evidence[key] = body
                raw[body["event"]["raw"]["key"]] = None
        for row in records:
            if isinstance(row.get("raw_key"), str):
                raw[row["raw_key"]] = None
        raw_keys = [k for k in raw if self._exists(self.raw_bucket, k)]
        return Findings(records, flags, evidence, raw_keys, restricted)

    def delete_row(self, table: str, key_name: str, key: str) -> None:
        self.dynamodb.delete_item(TableName=table, Key={key_name: {"S": key}})

    def mask_row(self, table: str, key_name: str, key: str, extra: dict[str, str]) -> None:
        """Strip the row of what links it to the person (it leaves the `by-author` index)."""
        names = {f"#l{i}": name for i, name in enumerate(LINKS)}
        names.update({f"#s{i}": name for i, name in enumerate(extra)})
        values: dict[str, Any] = {f":s{i}": {"S": v} for i, v in enumerate(extra.values())}
        sets = ", ".join(f"#s{i} = :s{i}" for i in range(len(extra)))
        # Placeholders only: names and values travel in the Expression* maps.
        update = "REMOVE " + ", ".join(f"#l{i}" for i in range(len(LINKS)))
        request: dict[str, Any] = {
            "TableName": table,
            "Key": {key_name: {"S": key}},
            "UpdateExpression": update + (f" SET {sets}" if sets else ""),  # noqa: S608
            "ExpressionAttributeNames": names,
        }
        if values:
            request["ExpressionAttributeValues"] = values
        self.dynamodb.update_item(**request)

    def delete_object(self, bucket: str, key: str) -> int:
        """Every version and delete marker of one object (soft delete is not deletion)."""
        removed = 0
        pages = self.s3.get_paginator("list_object_versions").paginate(Bucket=bucket, Prefix=key)
        for page in pages:
            for version in [*page.get("Versions", []), *page.get("DeleteMarkers", [])]:
                if version["Key"] != key:
                    continue
                self.s3.delete_object(Bucket=bucket, Key=key, VersionId=version["VersionId"])
                removed += 1
        return removed

    def forget_listing(self, org_id: str, store: str, key: str, expires_at: object) -> None:
        """Remove an erased object's row from the expiry inventory (under its expiry day, or
        under `archive#` for an archive class with no day)."""
        if self.governance_table is None:
            return
        day = str(expires_at)[:10] if expires_at else None
        sort_keys = [f"archive#{store}#{key}"] + ([f"expiry#{day}#{store}#{key}"] if day else [])
        for sk in sort_keys:
            self.dynamodb.delete_item(
                TableName=self.governance_table,
                Key={"pk": {"S": f"org#{org_id}"}, "sk": {"S": sk}},
            )

    def _rows(self, table: str, key_name: str, author_keys: list[str]) -> list[dict[str, Any]]:
        keys: dict[str, None] = {}
        for author_key in author_keys:
            pages = self.dynamodb.get_paginator("query").paginate(
                TableName=table,
                IndexName=BY_AUTHOR,
                KeyConditionExpression="author_key = :a",
                ExpressionAttributeValues={":a": {"S": author_key}},
            )
            for page in pages:
                keys.update({str(i[key_name]["S"]): None for i in page["Items"]})
        wanted = [{key_name: {"S": k}} for k in keys]
        return list(batch_get(self.dynamodb, table, wanted, ConsistentRead=True))

    def _evidence(self, key: str) -> dict[str, Any] | None:
        try:
            body = self.s3.get_object(Bucket=self.archive_bucket, Key=key)["Body"].read()
        except self.s3.exceptions.NoSuchKey:
            return None
        value: dict[str, Any] = json.loads(body)
        return value

    def _exists(self, bucket: str, key: str) -> bool:
        response = self.s3.list_objects_v2(Bucket=bucket, Prefix=key, MaxKeys=1)
        return any(o["Key"] == key for o in response.get("Contents", []))
