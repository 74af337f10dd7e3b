"""The base of every error Uppsikt raises on purpose, with its HTTP meaning on the class.

In the habit of Chalice's `ChaliceViewError`: a class says what it means to a caller (`status`,
and a machine-readable `code`, the class name unless set), and one function
(`uppsikt.api.responses.error_response`) turns any of them into a response. Modules define their
own errors as subclasses of the families here; nothing maps status codes by hand elsewhere.

Messages must never repeat a value from a payload (a name, an id number in a malformed field):
they name the field and the problem only, because they reach logs, dead-letter reasons and
response bodies.
"""

from __future__ import annotations

from typing import ClassVar


class UppsiktError(Exception):
    """Something went wrong that the code foresaw. 500 unless a family says otherwise."""

    status: ClassVar[int] = 500

    @property
    def code(self) -> str:
        return type(self).__name__


class BadRequest(UppsiktError):
    status = 400


class Unauthorized(UppsiktError):
    status = 401


class Forbidden(UppsiktError):
    status = 403


class NotFound(UppsiktError):
    status = 404


class Conflict(UppsiktError):
    status = 409


class TooLarge(UppsiktError):
    status = 413


class Unavailable(UppsiktError):
    """Cannot serve the request now; the caller should retry (nothing was acknowledged)."""

    status = 503
