"""The SQS consumer: per-message failures, idempotency, and dead-lettering with a reason.

Each record fails alone (Powertools batch + `ReportBatchItemFailures`, switched on by infra/).
A message that can never succeed goes to the dead-letter queue at once; one that keeps failing
for another reason is retried by SQS and dead-lettered on its last attempt, so the DLQ copy
always says why. SQS's own redrive policy remains the backstop for crashes and time-outs.

Before the first record, what the batch's events will read is read in one request
(`Evaluator.prefetch`, issue 13); each record then reads only what that could not know.

Idempotency is per batch (`Completions`): the batch asks which of its events were finished in
the last day in one read, answers those from the record, and writes what it finishes in one
write at its end. Evaluating an event twice changes nothing (every row is keyed by the event,
flags and clocks are written conditionally, a flag's notification waits for an invocation
that may still be sending it), so the record only saves work; a killed invocation, or a
record that could not be written, means its events are evaluated again, to the same result.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType
from aws_lambda_powertools.utilities.batch import process_partial_response as _process
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext
from pydantic import ValidationError

from uppsikt.diagnostics import describe
from uppsikt.evaluate.errors import PermanentFailure
from uppsikt.evaluate.ports import (
    Claims,
    Completions,
    DeadLetters,
    Finished,
    Remapper,
    WriteBehind,
)
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


@dataclass
class EvaluateBatch:
    evaluator: Evaluator
    dead_letters: DeadLetters
    claims: Claims
    remap: Remapper
    completions: Completions
    max_receive_count: int
    # The evaluator's item store when it holds the batch's record writes (written at its end).
    writes: WriteBehind | None = None
    # This batch: outcomes known by idempotency key (read, or finished here), the keys asked
    # about, and what this batch finished, as (key, what) by SQS message id (written at its
    # end, less the messages whose records could not be written).
    _known: dict[str, str] = field(default_factory=dict, init=False)
    _asked: set[str] = field(default_factory=set, init=False)
    _finished: dict[str, tuple[str, Finished]] = field(default_factory=dict, init=False)
    _context: LambdaContext | None = field(default=None, init=False)

    def __call__(self, event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
        records = event.get("Records") or []
        self._known, self._asked, self._finished = {}, set(), {}
        self._context = context
        events = self._events(records)
        read = self._prefetch(events)
        self._lookup(e.idempotency_key for e in events)
        unwritten: set[str] = set()
        try:
            result: dict[str, Any] = dict(
                _process(
                    event=event,
                    record_handler=self._record,
                    # Report every failed record, even when all fail, instead of raising: with
                    # ReportBatchItemFailures on, Lambda retries exactly those.
                    processor=BatchProcessor(
                        event_type=EventType.SQS, raise_on_entire_batch_failure=False
                    ),
                    context=context,
                )
            )
        finally:
            unwritten = self._settle()
            self._write_finished(unwritten)
            if read:
                self.evaluator.forget()
        if unwritten:  # delivered again, and evaluated again, rather than lost
            failures: list[dict[str, str]] = result["batchItemFailures"]
            reported = {f["itemIdentifier"] for f in failures}
            failures.extend({"itemIdentifier": m} for m in sorted(unwritten - reported))
        return result

    def _settle(self) -> set[str]:
        """Write the records the batch held; the messages whose records remain unwritten."""
        if self.writes is None:
            return set()
        unwritten = self.writes.settle()
        for message_id in unwritten:
            metrics.count("ItemsEvaluated", outcome="will_retry")
            logger.warning("record not written, will retry", extra={"message_id": message_id})
        return unwritten

    def _deadline(self) -> datetime | None:
        """When this invocation's time runs out (flags it creates say so)."""
        try:
            remaining = int(self._context.get_remaining_time_in_millis())  # type: ignore[union-attr]
        except (AttributeError, TypeError, ValueError):
            return None  # the evaluator's default allowance
        return self.evaluator.clock() + timedelta(milliseconds=remaining)

    @staticmethod
    def _events(records: list[dict[str, Any]]) -> list[NormalisedEvent]:
        """The events the messages carry (a claim's or an unmapped message's is not read yet:
        those are looked up when their record is handled)."""
        events = []
        for record in records:
            try:
                message = QUEUE_MESSAGE.validate_json(record["body"])
            except (KeyError, TypeError, ValidationError):
                continue  # its record handler dead-letters it with the reason
            if isinstance(message, EventMessage):
                events.append(message.event)
        return events

    def _prefetch(self, events: list[NormalisedEvent]) -> bool:
        """Read what the batch's events will ask in one request (`Evaluator.prefetch`).
        Best effort: if the read fails, every record reads its own, as it would without it,
        and fails or succeeds alone. True when it asked."""
        if not events:
            return False  # nothing to read ahead: every record reads its own, if any
        try:
            self.evaluator.prefetch(events)
        except Exception as exc:
            self.evaluator.forget()
            logger.warning("batch read failed", extra={"error": describe(exc)})
        return True

    def _lookup(self, keys: Iterable[str]) -> None:
        """Which of these events were finished. Best effort: unread, they are evaluated again,
        which changes nothing."""
        wanted = [key for key in dict.fromkeys(keys) if key not in self._asked]
        if not wanted:
            return
        try:
            self._known.update(self.completions.finished(wanted))
        except Exception as exc:
            logger.warning("completions not read", extra={"error": describe(exc)})
        self._asked.update(wanted)

    def _write_finished(self, unwritten: set[str]) -> None:
        finished = dict(v for m, v in self._finished.items() if m not in unwritten)
        try:
            self.completions.finish(finished)
        except Exception as exc:
            # The events are done; a redelivery of one evaluates it again, to the same result.
            logger.warning(
                "completions not written",
                extra={"events": len(finished), "error": describe(exc)},
            )

    def _evaluate_once(self, event: NormalisedEvent, message_id: str) -> str:
        key = event.idempotency_key
        self._lookup([key])  # a claim's or an unmapped message's event, not read with the batch
        outcome = self._known.get(key)
        if outcome is None:
            outcome = self.evaluator.handle(event, deadline=self._deadline()).value
            self._known[key] = outcome
            self._finished[message_id] = (key, Finished(outcome, self.evaluator.org_of(event)))
        return outcome

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
        if self.writes is not None:
            self.writes.working_for(record.message_id)
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
                outcome = self._evaluate_once(message.event, record.message_id)
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
