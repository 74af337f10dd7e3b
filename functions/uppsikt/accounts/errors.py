"""What asking the registry can end in, with the HTTP meaning on each class."""

from __future__ import annotations

from uppsikt.errors import NotFound, Unavailable


class AccountNotMonitored(NotFound):
    """The registry lists no such account (404: a route for an account we do not watch)."""


class RegistryUnavailable(Unavailable):
    """The published registry is missing or unreadable (an operator must publish it); 503, so
    the platform retries and nothing is lost."""


class RegistryNotPublished(RegistryUnavailable):
    """No registry has been published yet (a new deployment): scheduled jobs have nothing to do
    and say so once (`uppsikt.accounts.waiting`); routes still answer 503."""
