"""Errors of the response clocks."""

from __future__ import annotations

from uppsikt.errors import UppsiktError


class ClockError(UppsiktError):
    """Base of the clocks' errors (500: they are configuration or programming faults)."""


class BadSchedule(ClockError):
    """An organisation's business hours cannot run a clock: unknown zone, no days, closes first.

    Found when the calendar is built, i.e. when the registry is loaded."""


class NotAMoment(ClockError):
    """A clock was given a naive datetime or a negative duration: a caller's mistake."""
