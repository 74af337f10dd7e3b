"""Evaluation errors, split by what retrying can do about them."""

from __future__ import annotations


class PermanentFailure(Exception):
    """Retrying cannot help (the message itself is bad): dead-letter it at once, with the reason."""


class NotifyingElsewhere(Exception):
    """A flag this event raises exists without its notification, and the invocation that created
    it may still be sending it (its time has not run out). Retried: by the time SQS redelivers
    the message (the visibility timeout, six times the function's), the other invocation has
    either notified or died, and the retry finds the flag notified or notifies it itself."""
