"""The one Powertools Logger over the `uppsikt` logger tree.

Every module logs through `logging.getLogger("uppsikt.<part>")` (or this `logger`); the records
propagate to the `uppsikt` logger, whose only handler is Powertools' JSON one. The Chalice apps
are built with `configure_logs=False`: Chalice would otherwise add its own handler to the same
logger (every line twice) and set it to ERROR (every INFO line dropped). The level comes from
`POWERTOOLS_LOG_LEVEL` (chalice.json), INFO when unset.
"""

from __future__ import annotations

from aws_lambda_powertools import Logger

SERVICE = "uppsikt"

logger = Logger(service=SERVICE)


def correlate(correlation_id: str | None) -> None:
    """Tag every line of this invocation (thread-safe: the local stack serves from threads)."""
    if correlation_id:
        logger.thread_safe_append_keys(correlation_id=correlation_id)
    else:
        logger.thread_safe_remove_keys(["correlation_id"])
