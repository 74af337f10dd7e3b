"""The stored policy: published to S3 as validated JSON, loaded and compiled once per container.

Functions re-check the object's ETag after `max_age` seconds, so a newly published version is
picked up without a redeploy, and an unchanged one is never compiled twice.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from uppsikt.policy.engine import CompiledPolicy, compile_policy
from uppsikt.policy.errors import PolicyInvalid, PolicyUnavailable
from uppsikt.policy.loader import parse_document
from uppsikt.retention.schedule import dispose, shipped
from uppsikt.stored_object import ObjectMissing, StoredObject

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client


def configuration_metadata() -> dict[str, str]:
    """Retention metadata of a published configuration object (`configuration` class: its
    period starts when it is superseded, so it has no expiry while it is current)."""
    return dispose(shipped(), None, "configuration", datetime.now(UTC)).metadata()


def current_key(policy_id: str) -> str:
    return f"policies/{policy_id}/current.json"


def shadow_key(policy_id: str) -> str:
    """A candidate that runs beside the live pack on live traffic, notifying nobody."""
    return f"policies/{policy_id}/shadow.json"


def publish(client: S3Client, bucket: str, policy: CompiledPolicy) -> str:
    """Write the version-named copy first, then point `current` at it; returns the version."""
    return _put(client, bucket, policy, current_key(policy.id))


def publish_shadow(client: S3Client, bucket: str, policy: CompiledPolicy) -> str:
    """Put a candidate beside the live pack of the same id; returns its version."""
    return _put(client, bucket, policy, shadow_key(policy.id))


def promote(client: S3Client, bucket: str, policy_id: str) -> str:
    """Make the shadow candidate live and end the shadow run; returns the version now live."""
    try:
        body = client.get_object(Bucket=bucket, Key=shadow_key(policy_id))["Body"].read()
    except client.exceptions.NoSuchKey as exc:
        raise PolicyUnavailable(f"no shadow candidate for {policy_id} to promote") from exc
    version = publish(client, bucket, _compile(body, f"s3://{bucket}/{shadow_key(policy_id)}"))
    client.delete_object(Bucket=bucket, Key=shadow_key(policy_id))
    return version


def _put(client: S3Client, bucket: str, policy: CompiledPolicy, pointer: str) -> str:
    body = json.dumps(
        policy.document.model_dump(mode="json"), ensure_ascii=False, sort_keys=True
    ).encode()
    # Configuration (regulation.md §5b row 8b): kept while current, then 3 years.
    metadata = {
        "policy-id": policy.id,
        "policy-version": policy.version,
        **configuration_metadata(),
    }
    client.put_object(
        Bucket=bucket,
        Key=f"policies/{policy.id}/versions/{policy.version}.json",
        Body=body,
        Metadata=metadata,
    )
    client.put_object(Bucket=bucket, Key=pointer, Body=body, Metadata=metadata)
    return policy.version


def _compile(body: bytes, file: str) -> CompiledPolicy:
    try:
        raw = json.loads(body)
    except ValueError as exc:
        raise PolicyUnavailable(f"stored policy at {file} is not JSON") from exc
    if isinstance(raw, dict):
        # Bundles published before the retention schedule left the packs still carry a
        # `retention` block; the schedule (policies/retention/) decides now, so it is dropped.
        raw.pop("retention", None)
    try:
        return compile_policy(parse_document(raw, file=file), file=file)
    except PolicyInvalid as exc:
        raise PolicyUnavailable(f"stored policy is invalid: {exc}") from exc


@dataclass
class StoredPolicy:
    client: S3Client
    bucket: str
    policy_id: str
    max_age: float = 60.0
    monotonic: Callable[[], float] = time.monotonic
    _object: StoredObject[CompiledPolicy] = field(init=False)

    def __post_init__(self) -> None:
        self._object = StoredObject(
            self.client,
            self.bucket,
            current_key(self.policy_id),
            _compile,
            self.max_age,
            self.monotonic,
        )

    def current(self) -> CompiledPolicy:
        try:
            return self._object.current()
        except ObjectMissing as exc:
            raise PolicyUnavailable(
                f"no stored policy at {exc}: run `uppsikt policy publish`"
            ) from exc


@dataclass
class PolicyCatalogue:
    """Every pack the registry's organisations use, each a `StoredPolicy` built on first use:
    one deployment judges each organisation's items by that organisation's own pack."""

    client: S3Client
    bucket: str
    max_age: float = 60.0
    monotonic: Callable[[], float] = time.monotonic
    _packs: dict[str, StoredPolicy] = field(default_factory=dict, init=False)
    _shadows: dict[str, StoredObject[CompiledPolicy]] = field(default_factory=dict, init=False)
    # When each pack's missing shadow may be asked for again: most packs have none, and asking
    # S3 for every evaluated item would cost a request each.
    _no_shadow_until: dict[str, float] = field(default_factory=dict, init=False)

    def shadow(self, pack_id: str) -> CompiledPolicy | None:
        """The candidate running in shadow beside the pack, if one is published."""
        now = self.monotonic()
        if self._no_shadow_until.get(pack_id, 0.0) > now:
            return None
        stored = self._shadows.get(pack_id)
        if stored is None:
            stored = StoredObject(
                self.client,
                self.bucket,
                shadow_key(pack_id),
                _compile,
                self.max_age,
                self.monotonic,
            )
            self._shadows[pack_id] = stored
        try:
            return stored.current()
        except ObjectMissing:
            self._no_shadow_until[pack_id] = now + self.max_age
            return None

    def get(self, pack_id: str) -> CompiledPolicy:
        stored = self._packs.get(pack_id)
        if stored is None:
            stored = StoredPolicy(self.client, self.bucket, pack_id, self.max_age, self.monotonic)
            self._packs[pack_id] = stored
        return stored.current()

    def published(self, pack_id: str) -> bool:
        """Whether the pack has a current stored version (checked before a registry that names
        it is published)."""
        try:
            self.client.head_object(Bucket=self.bucket, Key=current_key(pack_id))
        except self.client.exceptions.ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
                return False
            raise
        return True
