"""What asking the registry can end in, with the HTTP meaning on each class."""

from __future__ import annotations

from uppsikt.errors import NotFound, Unavailable


class AccountNotMonitored(NotFound):
    """The registry lists no such account (404: a route for an account we do not watch)."""


class RegistryUnavailable(Unavailable):
    """The published registry is missing or unreadable (an operator must publish it); 503, so
    the platform retries and nothing is lost."""
