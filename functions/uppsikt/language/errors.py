"""Errors of language detection."""

from __future__ import annotations

from uppsikt.errors import UppsiktError


class UnknownLanguage(UppsiktError):
    """An account's fallback languages name a code outside da, sv, nb, nn, fi, en.

    A configuration error (the registry lists it), so 500; the message names the field, not the
    value."""
