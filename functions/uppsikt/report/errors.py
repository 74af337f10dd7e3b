"""What the supervision report refuses."""

from __future__ import annotations

from uppsikt.errors import BadRequest, NotFound


class BadWeek(BadRequest):
    """The week is not an ISO week (YYYY-Www)."""


class BadFormat(BadRequest):
    """The format or the language is not one the report is made in."""


class UnknownOrganisation(NotFound):
    """The registry lists no such organisation."""
