"""Evaluation errors, split by what retrying can do about them."""

from __future__ import annotations


class PermanentFailure(Exception):
    """Retrying cannot help (the message itself is bad): dead-letter it at once, with the reason."""
