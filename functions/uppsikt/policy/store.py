"""The stored policy: published to S3 as validated JSON, loaded and compiled once per container.

Functions re-check the object's ETag after `max_age` seconds, so a newly published version is
picked up without a redeploy, and an unchanged one is never compiled twice.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from uppsikt.policy.engine import CompiledPolicy, compile_policy
from uppsikt.policy.errors import PolicyInvalid, PolicyUnavailable
from uppsikt.policy.loader import parse_document

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client


def current_key(policy_id: str) -> str:
    return f"policies/{policy_id}/current.json"


def publish(client: S3Client, bucket: str, policy: CompiledPolicy) -> str:
    """Write the version-named copy first, then point `current` at it; returns the version."""
    body = json.dumps(
        policy.document.model_dump(mode="json"), ensure_ascii=False, sort_keys=True
    ).encode()
    metadata = {"policy-id": policy.id, "policy-version": policy.version}
    client.put_object(
        Bucket=bucket,
        Key=f"policies/{policy.id}/versions/{policy.version}.json",
        Body=body,
        Metadata=metadata,
    )
    client.put_object(Bucket=bucket, Key=current_key(policy.id), Body=body, Metadata=metadata)
    return policy.version


@dataclass
class StoredPolicy:
    client: S3Client
    bucket: str
    policy_id: str
    max_age: float = 60.0
    monotonic: Callable[[], float] = time.monotonic
    _cached: CompiledPolicy | None = field(default=None, init=False)
    _etag: str | None = field(default=None, init=False)
    _checked_at: float = field(default=0.0, init=False)

    def current(self) -> CompiledPolicy:
        now = self.monotonic()
        if self._cached is not None and now - self._checked_at < self.max_age:
            return self._cached
        key = current_key(self.policy_id)
        try:
            if self._cached is not None:
                etag = self.client.head_object(Bucket=self.bucket, Key=key)["ETag"]
                if etag == self._etag:
                    self._checked_at = now
                    return self._cached
            response = self.client.get_object(Bucket=self.bucket, Key=key)
            raw = json.loads(response["Body"].read())
            file = f"s3://{self.bucket}/{key}"
            compiled = compile_policy(parse_document(raw, file=file), file=file)
        except self.client.exceptions.NoSuchKey as exc:
            raise PolicyUnavailable(
                f"no stored policy at s3://{self.bucket}/{key}: run `uppsikt policy publish`"
            ) from exc
        except PolicyInvalid as exc:
            raise PolicyUnavailable(f"stored policy is invalid: {exc}") from exc
        except ValueError as exc:
            raise PolicyUnavailable(f"stored policy at {key} is not JSON") from exc
        except Exception as exc:
            # head_object answers a missing key with a bare 404 ClientError, not NoSuchKey
            if getattr(exc, "response", {}).get("Error", {}).get("Code") in ("404", "NoSuchKey"):
                raise PolicyUnavailable(f"no stored policy at s3://{self.bucket}/{key}") from exc
            raise
        self._cached, self._etag, self._checked_at = compiled, response["ETag"], now
        return compiled
