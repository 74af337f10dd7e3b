"""Scheduled jobs on a deployment whose registry is not published yet: nothing to do, said once.

Until `uppsikt accounts publish` there are no accounts to poll, leases to renew, organisations
to checkpoint or clocks to move. Failing every five minutes would page someone for a step the
operator has not reached yet, so the job logs once per container at INFO and succeeds. A registry
that is published but unreadable still fails (that is an operator's error to see)."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any

from uppsikt.accounts.errors import RegistryNotPublished

log = logging.getLogger("uppsikt.schedule")

SKIPPED = {"skipped": "no registry published"}

_told: set[str] = set()


def until_registry_published(job: Callable[..., Any]) -> Callable[..., Any]:
    """Run the job; before the first publish, return SKIPPED instead of raising."""

    @functools.wraps(job)
    def run(*args: Any, **kwargs: Any) -> Any:
        try:
            return job(*args, **kwargs)
        except RegistryNotPublished:
            if job.__name__ not in _told:
                _told.add(job.__name__)
                log.info(
                    "%s: no registry published yet; nothing to do until `uppsikt accounts publish`",
                    job.__name__,
                )
            return dict(SKIPPED)

    return run
