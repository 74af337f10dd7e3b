"""What the audit log refuses, and when it cannot append now."""

from __future__ import annotations

from uppsikt.errors import BadRequest, Unavailable


class EntryRejected(BadRequest):
    """An entry the log will not hold (unknown action, an actor that is not a pseudonymous id,
    a detail of the wrong type). The message names the field, never its value."""


class BadCursor(BadRequest):
    """A listing cursor this log did not hand out."""


class ChainContended(Unavailable):
    """Other writers kept winning the race for the chain's next position; retry later."""


class SigningUnavailable(Unavailable):
    """The signing key could not sign a checkpoint (KMS refused or is unreachable)."""
