"""S3: raw deliveries, claim-checked messages, and the KMS-encrypted evidence archive."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING

from uppsikt.model.messages import ClaimMessage
from uppsikt.model.records import Evidence

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client


@dataclass(frozen=True)
class RawDeliveries:
    """Verbatim deliveries (and quarantined ones) in the raw bucket, encrypted at rest."""

    client: S3Client
    bucket: str
    kms_key_id: str

    def put_delivery(self, key: str, body: bytes, metadata: dict[str, str]) -> None:
        self.client.put_object(
            Bucket=self.bucket,
            Key=key,
            Body=body,
            ContentType="application/json",
            Metadata=metadata,
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

    def put(self, evidence: Evidence) -> str:
        key = f"evidence/{evidence.org_id}/{evidence.captured_at:%Y/%m/%d}/{evidence.flag_id}.json"
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
                "expires-at": evidence.expires_at.isoformat() if evidence.expires_at else "none",
                "content-sha256": evidence.content_sha256,
            },
        )
        return key

    def get(self, key: str) -> Evidence:
        body = self.client.get_object(Bucket=self.bucket, Key=key)["Body"].read()
        return Evidence.model_validate(json.loads(body))
