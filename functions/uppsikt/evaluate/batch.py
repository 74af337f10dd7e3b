"""The SQS consumer: per-message failures, idempotency, and dead-lettering with a reason.

Each record fails alone (Powertools batch + `ReportBatchItemFailures`, switched on by infra/).
A message that can never succeed goes to the dead-letter queue at once; one that keeps failing
for another reason is retried by SQS and dead-lettered on its last attempt, so the DLQ copy
always says why. SQS's own redrive policy remains the backstop for crashes and time-outs.

Before the first record, what the batch's events will read is read in one request
(`Evaluator.prefetch`, issue 13); each record then reads only what that could not know.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType
from aws_lambda_powertools.utilities.batch import process_partial_response as _process
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.idempotency import IdempotencyConfig, idempotent_function
from aws_lambda_powertools.utilities.idempotency.persistence.base import BasePersistenceLayer
from aws_lambda_powertools.utilities.typing import LambdaContext
from pydantic import ValidationError

from uppsikt.diagnostics import describe
from uppsikt.evaluate.errors import PermanentFailure
from uppsikt.evaluate.ports import Claims, DeadLetters, Remapper
from uppsikt.evaluate.service import Evaluator
from uppsikt.model.events import Ignored, NormalisedEvent
from uppsikt.model.messages import (
    QUEUE_MESSAGE,
    ClaimMessage,
    EventMessage,
    UnmappedMessage,
)
from uppsikt.observability import metrics
from uppsikt.observability.invocation import record_context
from uppsikt.observability.logs import logger

# Meta retries for 36 hours; keep idempotency records well past that.
IDEMPOTENCY_SECONDS = 4 * 24 * 3600


@dataclass
class EvaluateBatch:
    evaluator: Evaluator
    dead_letters: DeadLetters
    claims: Claims
    remap: Remapper
    persistence: BasePersistenceLayer
    max_receive_count: int

    def __post_init__(self) -> None:
        self._config = IdempotencyConfig(
            event_key_jmespath="idempotency_key",
            raise_on_no_idempotency_key=True,
            expires_after_seconds=IDEMPOTENCY_SECONDS,
        )
        self._evaluate_once = idempotent_function(
            self._evaluate,
            data_keyword_argument="event",
            persistence_store=self.persistence,
            config=self._config,
            key_prefix="uppsikt-evaluate",
        )

    def __call__(self, event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
        self._config.register_lambda_context(context)
        read = self._prefetch(event.get("Records") or [])
        try:
            result = _process(
                event=event,
                record_handler=self._record,
                # Report every failed record, even when all fail, instead of raising: with
                # ReportBatchItemFailures on, Lambda retries exactly those.
                processor=BatchProcessor(
                    event_type=EventType.SQS, raise_on_entire_batch_failure=False
                ),
                context=context,
            )
        finally:
            if read:
                self.evaluator.forget()
        return dict(result)

    def _prefetch(self, records: list[dict[str, Any]]) -> bool:
        """Read what the batch's events will ask in one request (`Evaluator.prefetch`). Only
        the events the messages carry are known here (a claim's or an unmapped message's is not
        read yet: those read their own). Best effort: if the read fails, every record reads its
        own, as it would without it, and fails or succeeds alone. True when it asked."""
        events = []
        for record in records:
            try:
                message = QUEUE_MESSAGE.validate_json(record["body"])
            except (KeyError, TypeError, ValidationError):
                continue  # its record handler dead-letters it with the reason
            if isinstance(message, EventMessage):
                events.append(message.event)
        if not events:
            return False  # nothing to read ahead: every record reads its own, if any
        try:
            self.evaluator.prefetch(events)
        except Exception as exc:
            self.evaluator.forget()
            logger.warning("batch read failed", extra={"error": describe(exc)})
        return True

    def _evaluate(self, event: NormalisedEvent) -> dict[str, str]:
        return {"outcome": self.evaluator.handle(event).value}

    @staticmethod
    def _parse(body: str) -> EventMessage | UnmappedMessage | ClaimMessage:
        try:
            return QUEUE_MESSAGE.validate_json(body)
        except ValidationError as exc:
            raise PermanentFailure(describe(exc)) from exc

    def _message(self, body: str) -> EventMessage | Ignored:
        message = self._parse(body)
        if isinstance(message, ClaimMessage):
            message = self._parse(self.claims.load(message))
            if isinstance(message, ClaimMessage):
                raise PermanentFailure("a claim points at another claim")
        if isinstance(message, UnmappedMessage):
            result = self.remap(message)  # raises PermanentFailure if it still cannot be mapped
            return result if isinstance(result, Ignored) else EventMessage(event=result)
        return message

    def _record(self, record: SQSRecord) -> str:
        with record_context(record.message_id):
            try:
                outcome = self._handle(record)
            except Exception:
                metrics.count("ItemsEvaluated", outcome="will_retry")
                raise
        metrics.count("ItemsEvaluated", outcome=outcome)
        return outcome

    def _handle(self, record: SQSRecord) -> str:
        attempts = int(record.attributes.approximate_receive_count or "1")
        try:
            message = self._message(record.body)
            if isinstance(message, Ignored):
                outcome = "ignored"
            else:
                outcome = str(self._evaluate_once(event=message.event)["outcome"])
                logger.info(
                    "evaluated", extra={"event_id": message.event.event_id, "outcome": outcome}
                )
            return outcome
        except PermanentFailure as exc:
            self._dead_letter(record, str(exc), attempts, permanent=True)
            return "dead_lettered"
        except Exception as exc:
            if attempts < self.max_receive_count:
                logger.warning(
                    "will retry",
                    extra={
                        "message_id": record.message_id,
                        "attempt": attempts,
                        "error": describe(exc),
                    },
                )
                raise
            self._dead_letter(record, describe(exc), attempts, permanent=False)
            return "dead_lettered"

    def _dead_letter(
        self, record: SQSRecord, reason: str, attempts: int, *, permanent: bool
    ) -> None:
        self.dead_letters.send(
            record.body,
            message_id=record.message_id,
            reason=reason,
            attempts=attempts,
            permanent=permanent,
        )
        metrics.count("DeadLetterSends", queue="ingest")
        logger.error(
            "dead-lettered",
            extra={
                "message_id": record.message_id,
                "attempts": attempts,
                "reason": reason,
                "at": datetime.now(UTC).isoformat(),
            },
        )
