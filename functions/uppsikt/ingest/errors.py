"""Errors a webhook request can end in, each with its HTTP meaning on the class
(`uppsikt.errors`); `uppsikt.api.responses.error_response` turns any of them into a response.

Protocol errors (handshake, signature) live with the platforms (`uppsikt.platforms.errors`) and
are re-exported here for the routes, which catch every `UppsiktError` alike.
"""

from __future__ import annotations

from uppsikt.errors import NotFound, TooLarge, Unavailable, UppsiktError
from uppsikt.platforms.errors import BadHandshake, SignatureInvalid, VerifyTokenMismatch

__all__ = [
    "BadHandshake",
    "EnqueueFailed",
    "IngestError",
    "NotConfigured",
    "PayloadTooLarge",
    "ServiceUnavailable",
    "SignatureInvalid",
    "StoreUnavailable",
    "VerifyTokenMismatch",
]

# Every error a route answers with; kept as a name for the handlers' `except` clauses.
IngestError = UppsiktError


class NotConfigured(NotFound):
    """This deployment does not monitor the platform or account the request is for."""


class ServiceUnavailable(Unavailable):
    """The deployment cannot take the request now (its registry is not published yet); the
    platform retries, and nothing was acknowledged."""


class PayloadTooLarge(TooLarge):
    def __init__(self, size: int, limit: int) -> None:
        self.size = size
        self.limit = limit
        super().__init__(f"body of {size} bytes exceeds the {limit}-byte limit")


class EnqueueFailed(Unavailable):
    """Some messages could not be queued; the platform must retry (the raw delivery is stored)."""


class StoreUnavailable(Unavailable):
    """A store, queue or secret did not answer after its retries: the platform retries the
    delivery (a raw delivery already stored is stored again under the same digest)."""
