"""Errors of data-subject requests (messages name the problem, never the value given)."""

from __future__ import annotations

from uppsikt.errors import BadRequest, Conflict, NotFound, Unavailable


class UnknownOrganisation(NotFound):
    """--org names no organisation in the published registry."""


class UnknownRequest(NotFound):
    """No request of that organisation has that id."""


class RequestAnswered(Conflict):
    """The request is answered already (or, for an extension, was extended once already)."""


class WrongKind(BadRequest):
    """The request named is of another kind than the command answering it."""


class NoRequestsTable(Unavailable):
    """The stack has no requests table (UPPSIKT_REQUESTS_TABLE is unset)."""
