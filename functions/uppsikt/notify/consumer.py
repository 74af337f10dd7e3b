"""The notifier's queue consumer: an SQS batch in, per-message failures out.

An alert of no organisation is the operator's: the alerts topic's e-mail subscription
(`AlertEmail`) has it, and the notifier leaves it (logged). A body that is not a flag or an
alert can never succeed: it goes to the dead-letter queue at
once with its reason (the field and the problem, never a value). Anything else that raises (the
table or the dead-letter queue unreachable) fails that message alone, and SQS delivers it again;
recipients it already reached are skipped then (the sent record).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from uppsikt.diagnostics import describe
from uppsikt.notify.incoming import ForTheOperator, NotAMessage, parse
from uppsikt.notify.service import DeadLetters, Notifier, Outcome
from uppsikt.observability import metrics
from uppsikt.observability.invocation import record_context

logger = logging.getLogger("uppsikt.notify")


def _attributes(record: Mapping[str, Any]) -> dict[str, str]:
    attrs = record.get("messageAttributes") or {}
    return {
        name: str(value.get("stringValue", ""))
        for name, value in attrs.items()
        if isinstance(value, dict)
    }


def consume(
    event: Mapping[str, Any],
    notifier: Notifier,
    dead_letters: DeadLetters,
    clock: Callable[[], datetime],
) -> dict[str, Any]:
    failures: list[dict[str, str]] = []
    total = Outcome()
    for record in event.get("Records", []):
        message_id = str(record.get("messageId", ""))
        with record_context(message_id):  # its lines carry its message id
            now = clock()
            try:
                message = parse(str(record.get("body", "")), _attributes(record), now)
            except ForTheOperator:
                logger.info(
                    "an operator's alert: left to the alerts topic's e-mail subscription",
                    extra={"message_id": message_id},
                )
                continue
            except NotAMessage as exc:
                dead_letters.send(
                    str(record.get("body", "")),
                    message_id=message_id,
                    reason=f"not a flag or an alert: {exc}",
                    attempts=1,
                    permanent=True,
                )
                metrics.count("DeadLetterSends", queue="notify")
                continue
            try:
                total += notifier.handle(message, now)
            except Exception as exc:
                logger.warning(
                    "notification failed; SQS will deliver it again",
                    extra={"message_id": message_id, "problem": describe(exc)},
                )
                failures.append({"itemIdentifier": message_id})
    logger.info("notifications handled", extra=total.as_dict())
    return {"batchItemFailures": failures}
