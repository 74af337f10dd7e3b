"""What a platform's protocol code raises: handshakes, signatures, and items it cannot map."""

from __future__ import annotations

from uppsikt.errors import BadRequest, Forbidden, NotFound, Unauthorized


class BadHandshake(BadRequest):
    """The verification request lacks the parameters the protocol requires."""


class VerifyTokenMismatch(Forbidden):
    """The verification request carries the wrong verify token."""


class NotSubscribed(NotFound):
    """A WebSub hub asks us to confirm a subscription we did not ask for. WebSub §5.3: the
    subscriber answers 404, which a hub reads as "the subscriber does not want this"."""


class SignatureInvalid(Unauthorized):
    """The delivery's signature header is missing or does not match the body."""


class Unmappable(Exception):
    """A monitored change with a shape we cannot map; the message names the part, never content."""
