"""Ingest errors. The API maps each to an HTTP status in one place (`uppsikt.api.responses`)."""

from __future__ import annotations


class IngestError(Exception):
    """Base for every error a webhook request can end in."""


class BadHandshake(IngestError):
    """The verification request lacks the parameters the protocol requires."""


class VerifyTokenMismatch(IngestError):
    """The verification request carries the wrong verify token."""


class SignatureInvalid(IngestError):
    """The delivery's signature header is missing or does not match the body."""


class NotConfigured(IngestError):
    """This deployment does not monitor the platform the request is for."""


class ServiceUnavailable(IngestError):
    """The deployment cannot take the request now (its registry is not published yet); the
    platform retries, and nothing was acknowledged."""


class PayloadTooLarge(IngestError):
    def __init__(self, size: int, limit: int) -> None:
        self.size = size
        self.limit = limit
        super().__init__(f"body of {size} bytes exceeds the {limit}-byte limit")


class EnqueueFailed(IngestError):
    """Some messages could not be queued; the platform must retry (the raw delivery is stored)."""
