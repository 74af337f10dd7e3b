"""Every S3 object and every secret this deployment writes is under the data key.

The buckets' policies refuse a write that does not name SSE-KMS with the data key
(infra/resources.yaml), and a secret created without `KmsKeyId` would fall back to the
AWS-managed key. Rather than trust each writer (the registry and policy publishers, the audit
checkpoints, the quarantine, the command line's secrets) to remember, the runtime's clients add
the key to every such call that does not name one itself.
"""

from __future__ import annotations

from typing import Any

# Calls S3 authorises as s3:PutObject (a copy and a multipart upload included).
S3_WRITES = ("PutObject", "CopyObject", "CreateMultipartUpload")


def encrypt_s3_writes(client: Any, key_arn: str) -> None:
    def add(params: dict[str, Any], **_: Any) -> None:
        if "ServerSideEncryption" not in params:
            params["ServerSideEncryption"] = "aws:kms"
        if params["ServerSideEncryption"] == "aws:kms":
            params.setdefault("SSEKMSKeyId", key_arn)

    for operation in S3_WRITES:
        client.meta.events.register(f"provide-client-params.s3.{operation}", add)


def encrypt_new_secrets(client: Any, key_arn: str) -> None:
    def add(params: dict[str, Any], **_: Any) -> None:
        params.setdefault("KmsKeyId", key_arn)

    client.meta.events.register("provide-client-params.secrets-manager.CreateSecret", add)
