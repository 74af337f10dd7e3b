"""Errors of delivery. Messages name the problem only: never the URL (a bearer credential),
never the content."""

from __future__ import annotations

from uppsikt.errors import Unavailable


class TransportFailed(Unavailable):
    """The request did not get an HTTP answer (timeout, refused, reset, TLS)."""


class NotAWebhookUrl(Unavailable):
    """The secret does not hold an https URL (or http to loopback, for local receivers)."""
