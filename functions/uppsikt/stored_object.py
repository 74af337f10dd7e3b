"""A small JSON document in S3 that functions read often and operators change rarely (the
stored policy, the account registry): parsed once per container, and re-checked by ETag after
`max_age` seconds, so a newly published version is picked up without a redeploy and an unchanged
one is never parsed twice."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Generic, TypeVar

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

T = TypeVar("T")


class ObjectMissing(LookupError):
    """Nothing is published at the key yet."""


def _is_missing(exc: Exception) -> bool:
    # get_object raises NoSuchKey; head_object answers a missing key with a bare 404 ClientError.
    code = getattr(exc, "response", {}).get("Error", {}).get("Code")
    return code in ("404", "NoSuchKey")


@dataclass
class StoredObject(Generic[T]):
    client: S3Client
    bucket: str
    key: str
    parse: Callable[[bytes, str], T]  # (body, its s3:// location) → value; raises on bad input
    max_age: float = 60.0
    monotonic: Callable[[], float] = time.monotonic
    _cached: T | None = field(default=None, init=False)
    _etag: str | None = field(default=None, init=False)
    _checked_at: float = field(default=0.0, init=False)

    @property
    def location(self) -> str:
        return f"s3://{self.bucket}/{self.key}"

    def current(self) -> T:
        now = self.monotonic()
        if self._cached is not None and now - self._checked_at < self.max_age:
            return self._cached
        try:
            if self._cached is not None:
                etag = self.client.head_object(Bucket=self.bucket, Key=self.key)["ETag"]
                if etag == self._etag:
                    self._checked_at = now
                    return self._cached
            response = self.client.get_object(Bucket=self.bucket, Key=self.key)
            body = response["Body"].read()
        except Exception as exc:
            if _is_missing(exc):
                raise ObjectMissing(self.location) from exc
            raise
        value = self.parse(body, self.location)
        self._cached, self._etag, self._checked_at = value, response["ETag"], now
        return value
