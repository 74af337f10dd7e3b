"""The review's use cases: each checks the caller's role in the organisation, reads or changes
flags through the store, records history and appends to the organisation's audit log.

Another organisation's flag is answered with 404 exactly like a missing one (its existence is
not disclosed); an organisation the caller does not belong to gets 403 before anything is read.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from uppsikt.errors import BadRequest, UppsiktError
from uppsikt.model.records import Evidence, FlagStatus
from uppsikt.privacy.masking import masked_in_place
from uppsikt.review import listing, reasons, workflow
from uppsikt.review.errors import (
    BulkTooLarge,
    ClaimedByOther,
    CountMismatch,
    EvidenceGone,
    FlagNotFound,
    IllegalTransition,
    InvalidCursor,
    InvalidRequest,
    NotAMember,
    ReasonRequired,
    RoleRequired,
    StaleState,
    UnknownAssignee,
)
from uppsikt.review.model import HistoryEntry, Language, Principal, Role, group_name
from uppsikt.review.ports import AuditReader, AuditTrail, Directory, EvidenceReader
from uppsikt.review.store import History, ReviewFlags, live_claim

CLAIM_SECONDS = 600  # Coop's lease: ten minutes, renewed by claiming again
BULK_CAP = 100
MAX_REASON = 2000
MAX_COMMENT = 4000

READERS = frozenset(Role)
DECIDERS = frozenset({Role.OFFICER})
COMMENTERS = frozenset({Role.OFFICER, Role.DPO})
UNMASKERS = frozenset({Role.OFFICER, Role.DPO})
AUDIT_READERS = frozenset({Role.AUDITOR, Role.DPO, Role.ADMIN})

SUMMARY_FIELDS = (
    "flag_id",
    "org_id",
    "status",
    "severity",
    "rule_ids",
    "kinds",
    "platform",
    "account_id",
    "object_kind",
    "policy_id",
    "policy_version",
    "created_at",
    "assignee",
    "first_reviewed_at",
    "decided_at",
    "decided_by",
    "updated_at",
)

# Retention attributes for a row of `flag_record` written at a moment, for an organisation.
Retention = Callable[[str, datetime], dict[str, str | int]]


def summary(row: dict[str, Any], now: datetime) -> dict[str, Any]:
    out = {name: row.get(name) for name in SUMMARY_FIELDS}
    out["rule_ids"] = list(row.get("rule_ids") or [])
    out["kinds"] = list(row.get("kinds") or [])
    out["claim"] = live_claim(row, now)
    return out


@dataclass
class ReviewService:
    flags: ReviewFlags
    history: History
    evidence: EvidenceReader
    audit: AuditTrail
    directory: Directory
    retention: Retention  # flag_record attributes from the moment written
    clock: Callable[[], datetime]
    item_text: Callable[[str], str | None] = lambda _ref: None  # a parent's kept text, if any
    # The records of a post's thread (`Items.thread`): the flagged comment among the others.
    thread_of: Callable[[str], list[dict[str, Any]]] = lambda _ref: []
    audit_reader: AuditReader | None = None

    # --- who ------------------------------------------------------------------------------
    def me(self, principal: Principal) -> dict[str, Any]:
        language = self.directory.language(principal.username) or Language.EN.value
        return {
            "sub": principal.sub,
            "username": principal.username,
            "language": language if language in Language.__members__.values() else "en",
            "memberships": principal.memberships(),
        }

    def set_language(self, principal: Principal, body: dict[str, Any]) -> dict[str, Any]:
        language = _enum(Language, body.get("language"), "language")
        self.directory.set_language(principal.username, language.value)
        return {"language": language.value}

    # --- reading ----------------------------------------------------------------------------
    def list_flags(
        self, principal: Principal, org_id: str, query: dict[str, str] | None
    ) -> dict[str, Any]:
        _require(principal, org_id, READERS)
        filters = listing.Filters.parse(query)
        plan = listing.build(org_id, filters)
        fingerprint = filters.fingerprint(org_id)
        cursor = (query or {}).get("cursor")
        start = listing.decode_cursor(cursor, fingerprint, plan.key_names) if cursor else None
        rows, last = self.flags.page(plan, filters.limit, start)
        now = self.clock()
        result: dict[str, Any] = {
            "items": [summary(r, now) for r in rows],
            "next_cursor": listing.encode_cursor(last, fingerprint) if last else None,
        }
        if not cursor:
            # Counts per severity for the same filters, severity aside: on the first page only.
            counts = self.flags.tally(
                listing.build(org_id, filters, with_severity=False), "severity"
            )
            result["counts"] = {"severity": counts}
        return result

    def detail(self, principal: Principal, org_id: str, flag_id: str) -> dict[str, Any]:
        role = _require(principal, org_id, READERS)
        flag = self._flag(org_id, flag_id)
        now = self.clock()
        evidence = self.evidence.get(flag["evidence_key"])
        self._first_review(flag, principal, now)
        self._audit(principal, role, "flag.viewed", flag, now)
        answer: dict[str, Any] = {
            "flag": summary(flag, now),
            "item": None,  # the evidence is gone: its retention ended, or it was erased
            "context": {"parent": None, "thread": []},
            "history": [self._history_view(e) for e in self.history.of(flag_id)],
            "claim": live_claim(flag, now),
        }
        if evidence is None:
            return answer
        text = evidence.event.text or ""
        hits = [
            {
                "rule_id": h.rule,
                "kind": h.kind,
                "clause": h.source,
                "severity": h.severity.value,
                "start": h.start,
                "end": h.end,
                "explanation": h.detail or h.evidence,
            }
            for h in evidence.hits
        ]
        answer["item"] = {
            "text": masked_in_place(text, [(h.start, h.end) for h in evidence.hits]),
            "lang": evidence.lang,
            "object_kind": evidence.event.object_kind.value,
            "created_at": _iso(evidence.event.event_time or evidence.event.received_at),
            "hits": hits,
        }
        answer["context"] = self._context(evidence)
        return answer

    def _context(self, evidence: Evidence) -> dict[str, Any]:
        event = evidence.event
        parent_id = event.parent_id or event.post_id
        parent = None
        if parent_id and parent_id != event.item_id:
            ref = f"{event.platform}#{event.account_id}#{parent_id}"
            kept = self.item_text(ref)
            parent = {
                "kind": "comment" if event.parent_id else "post",
                "text": masked_in_place(kept, []) if kept else None,
            }
        post = event.post_id or event.item_id
        rows = self.thread_of(f"{event.platform}#{event.account_id}#{post}")
        thread = [
            {
                "kind": str(row.get("object_kind", "")),
                "at": str(row.get("occurred_at") or row.get("evaluated_at")),
                "verdict": str(row.get("verdict", "")),
                # Personal data masked as in the item itself; a flagged item's text is in its
                # own evidence, not here (null).
                "text": masked_in_place(str(row["text"]), []) if row.get("text") else None,
            }
            for row in rows
            if row.get("item_ref") != event.item_ref
        ]
        return {"parent": parent, "thread": thread}

    @staticmethod
    def _history_view(entry: HistoryEntry) -> dict[str, Any]:
        return entry.model_dump(mode="json", exclude={"flag_id", "org_id"})

    # --- claims and assignment ----------------------------------------------------------
    def claim(self, principal: Principal, org_id: str, flag_id: str) -> dict[str, Any]:
        role = _require(principal, org_id, DECIDERS)
        flag = self._flag(org_id, flag_id)
        current = FlagStatus(flag["status"])
        if current not in (FlagStatus.OPEN, FlagStatus.IN_REVIEW, FlagStatus.ESCALATED):
            raise IllegalTransition(f"a {current.value} flag cannot be claimed")
        now = self.clock()
        expires = (now + timedelta(seconds=CLAIM_SECONDS)).isoformat()
        values: dict[str, str | None] = {
            "claimed_by": principal.sub,
            "claim_expires": expires,
            "updated_at": now.isoformat(),
            "status": FlagStatus.IN_REVIEW.value,
            "org_status": f"{org_id}#{FlagStatus.IN_REVIEW.value}",
        }
        self.flags.update(
            flag,
            actor=principal.sub,
            now=now,
            set_values=values,
            if_not_exists={"first_reviewed_at": now.isoformat()},
        )
        to = FlagStatus.IN_REVIEW
        self._record(principal, role, "flag.claimed", flag, now, from_status=current, to=to)
        return {"claim": {"claimed_by": principal.sub, "expires_at": expires}, "status": to.value}

    def release(self, principal: Principal, org_id: str, flag_id: str) -> dict[str, Any]:
        role = _require(principal, org_id, DECIDERS)
        flag = self._flag(org_id, flag_id)
        now = self.clock()
        if flag.get("claimed_by") != principal.sub:
            if live_claim(flag, now):
                raise ClaimedByOther("another officer holds the claim on this flag")
            raise IllegalTransition("the flag is not claimed by you")
        current = FlagStatus(flag["status"])
        values: dict[str, str | None] = {
            "claimed_by": None,
            "claim_expires": None,
            "updated_at": now.isoformat(),
        }
        to = current
        if current is FlagStatus.IN_REVIEW:
            to = FlagStatus.OPEN  # back to the queue for someone else
            values.update(status=to.value, org_status=f"{org_id}#{to.value}")
        self.flags.update(flag, actor=principal.sub, now=now, set_values=values)
        self._record(principal, role, "flag.released", flag, now, from_status=current, to=to)
        return {"claim": None, "status": to.value}

    def assign(
        self, principal: Principal, org_id: str, flag_id: str, body: dict[str, Any]
    ) -> dict[str, Any]:
        role = _require(principal, org_id, DECIDERS)
        assignee = body.get("assignee")
        if assignee is not None and (not isinstance(assignee, str) or not 0 < len(assignee) < 200):
            raise InvalidRequest("assignee must be a user's sub, or null to unassign")
        if assignee is not None and assignee not in self.directory.members(
            group_name(org_id, Role.OFFICER)
        ):
            raise UnknownAssignee("the assignee is not an officer of this organisation")
        flag = self._flag(org_id, flag_id)
        now = self.clock()
        self.flags.update(
            flag,
            actor=principal.sub,
            now=now,
            set_values={"assignee": assignee, "updated_at": now.isoformat()},
            respect_claim=False,
        )
        status = FlagStatus(flag["status"])
        self._record(
            principal, role, "flag.assigned", flag, now, from_status=status, to=status,
            assignee=assignee,
        )  # fmt: skip
        return {"assignee": assignee}

    # --- decisions ----------------------------------------------------------------------
    def transition(
        self, principal: Principal, org_id: str, flag_id: str, body: dict[str, Any]
    ) -> dict[str, Any]:
        role = _require(principal, org_id, DECIDERS)
        to, reason, template = _decision(body)
        flag = self._flag(org_id, flag_id)
        return self._move(principal, role, flag, to, reason=reason, template=template)

    def _move(
        self,
        principal: Principal,
        role: Role,
        flag: dict[str, Any],
        to: FlagStatus,
        *,
        reason: str | None,
        template: str | None,
    ) -> dict[str, Any]:
        current = FlagStatus(flag["status"])
        workflow.check(current, to)
        now = self.clock()
        org_id = flag["org_id"]
        values: dict[str, str | None] = {
            "status": to.value,
            "org_status": f"{org_id}#{to.value}",
            "updated_at": now.isoformat(),
            "claimed_by": None,
            "claim_expires": None,
        }
        if to in workflow.DECIDED:
            values.update(decided_at=now.isoformat(), decided_by=principal.sub)
            # The decision starts the flag record's retention (schedule row 6).
            values.update({k: str(v) for k, v in self.retention(org_id, now).items()})
        elif to is FlagStatus.OPEN:
            values.update(decided_at=None, decided_by=None, expires_at="none")
        self.flags.update(
            flag,
            actor=principal.sub,
            now=now,
            set_values=values,
            if_not_exists={"first_reviewed_at": now.isoformat()},
        )
        self._record(
            principal, role, workflow.ACTION[to], flag, now, from_status=current, to=to,
            reason=reason, template=template,
        )  # fmt: skip
        return {
            "flag_id": flag["flag_id"],
            "status": to.value,
            "decided_at": values.get("decided_at"),
        }

    def comment(
        self, principal: Principal, org_id: str, flag_id: str, body: dict[str, Any]
    ) -> dict[str, Any]:
        role = _require(principal, org_id, COMMENTERS)
        text = body.get("text")
        if not isinstance(text, str) or not text.strip() or len(text) > MAX_COMMENT:
            raise InvalidRequest(f"text must be 1 to {MAX_COMMENT} characters")
        visibility = body.get("visibility", "internal")
        if visibility not in ("internal", "record"):
            raise InvalidRequest("visibility must be internal or record")
        flag = self._flag(org_id, flag_id)
        now = self.clock()
        status = FlagStatus(flag["status"])
        entry = self._record(
            principal, role, "flag.commented", flag, now, from_status=status, to=status,
            reason=text.strip(), visibility=visibility,
        )  # fmt: skip
        return self._history_view(entry)

    def unmask(
        self, principal: Principal, org_id: str, flag_id: str, body: dict[str, Any]
    ) -> dict[str, Any]:
        role = _require(principal, org_id, UNMASKERS)
        reason = _reason(body.get("reason"), None)
        flag = self._flag(org_id, flag_id)
        evidence = self.evidence.get(flag["evidence_key"])
        if evidence is None:
            raise EvidenceGone("the flag's evidence is no longer in the archive")
        text = evidence.event.text or ""
        now = self.clock()
        status = FlagStatus(flag["status"])
        self._record(
            principal, role, "flag.unmasked", flag, now, from_status=status, to=status,
            reason=reason,
        )  # fmt: skip
        return {
            "values": [
                {"rule_id": h.rule, "start": h.start, "end": h.end, "value": text[h.start : h.end]}
                for h in evidence.hits
            ],
            "text": text,
        }

    def bulk(self, principal: Principal, org_id: str, body: dict[str, Any]) -> dict[str, Any]:
        role = _require(principal, org_id, DECIDERS)
        ids = body.get("flag_ids")
        if not isinstance(ids, list) or not ids or not all(isinstance(i, str) for i in ids):
            raise InvalidRequest("flag_ids must be a non-empty list of flag ids")
        ids = list(dict.fromkeys(ids))
        if len(ids) > BULK_CAP:
            raise BulkTooLarge(f"at most {BULK_CAP} flags in one bulk decision")
        to, reason, template = _decision(body)
        if reason is None and template is None:
            raise ReasonRequired("a bulk decision needs a reason")
        eligible: list[dict[str, Any]] = []
        skipped: list[dict[str, str]] = []
        for flag_id in ids:
            flag = self.flags.get(flag_id)
            if flag is None or flag.get("org_id") != org_id:
                skipped.append({"flag_id": flag_id, "code": FlagNotFound.machine_code})
            elif not workflow.is_allowed(FlagStatus(flag["status"]), to):
                skipped.append({"flag_id": flag_id, "code": IllegalTransition.machine_code})
            else:
                eligible.append(flag)
        confirm = body.get("confirm_count")
        if confirm is None:
            return {"preview": True, "count": len(eligible), "skipped": skipped, "to": to.value}
        if isinstance(confirm, bool) or not isinstance(confirm, int):
            raise InvalidRequest("confirm_count must be an integer")
        if confirm != len(eligible):
            raise CountMismatch("confirm_count does not match the flags that would change")
        done: list[str] = []
        for flag in eligible:
            try:
                self._move(principal, role, flag, to, reason=reason, template=template)
                done.append(flag["flag_id"])
            except UppsiktError as exc:  # changed or claimed since the preview: skipped
                skipped.append({"flag_id": flag["flag_id"], "code": exc.code})
        return {"preview": False, "count": len(done), "done": done, "skipped": skipped}

    def role_for_report(self, principal: Principal, org_id: str) -> Role:
        """Who may export the organisation's supervision report: any member (the export itself
        is recorded in the audit log by the report service)."""
        return _require(principal, org_id, READERS)

    # --- audit --------------------------------------------------------------------------
    def audit_entries(
        self, principal: Principal, org_id: str, query: dict[str, str] | None
    ) -> dict[str, Any]:
        _require(principal, org_id, AUDIT_READERS)
        query = query or {}
        since, until = _moment(query.get("since"), "since"), _moment(query.get("until"), "until")
        raw_limit = query.get("limit", "100")
        if not raw_limit.isdigit() or not 1 <= int(raw_limit) <= 500:
            raise InvalidRequest("limit must be a whole number from 1 to 500")
        if self.audit_reader is None:
            raise InvalidRequest("this deployment has no audit log to read")
        try:
            entries, cursor = self.audit_reader.entries(
                org_id, since=since, until=until, limit=int(raw_limit), cursor=query.get("cursor")
            )
        except BadRequest as exc:
            raise InvalidCursor("the cursor is not one this listing handed out") from exc
        return {"items": [e.model_dump(mode="json") for e in entries], "next_cursor": cursor}

    # --- dashboard ----------------------------------------------------------------------
    def dashboard(
        self, principal: Principal, org_id: str, query: dict[str, str] | None
    ) -> dict[str, Any]:
        _require(principal, org_id, READERS)
        raw_days = (query or {}).get("days", "30")
        if not raw_days.isdigit() or not 1 <= int(raw_days) <= 366:
            raise InvalidRequest("days must be a whole number from 1 to 366")
        now = self.clock()
        per_day: dict[str, dict[str, int]] = {}
        waits: list[float] = []
        ages = {"<4h": 0, "4-24h": 0, "1-7d": 0, ">7d": 0}
        for row in self.flags.since(org_id, now - timedelta(days=int(raw_days))):
            created = datetime.fromisoformat(row["created_at"])
            day = per_day.setdefault(created.date().isoformat(), {})
            for key in (f"severity:{row.get('severity')}", *(f"kind:{k}" for k in row["kinds"])):
                day[key] = day.get(key, 0) + 1
            if row.get("decided_at"):
                waits.append((datetime.fromisoformat(row["decided_at"]) - created).total_seconds())
            elif row.get("status") in ("open", "in_review", "escalated"):
                hours = (now - created).total_seconds() / 3600
                bucket = "<4h" if hours < 4 else "4-24h" if hours < 24 else "1-7d"
                ages[bucket if hours < 168 else ">7d"] += 1
        return {
            "flags_per_day": [{"day": d, "counts": c} for d, c in sorted(per_day.items())],
            "time_to_decision": _quantiles(waits),
            "open_by_age": ages,
        }

    # --- helpers ------------------------------------------------------------------------
    def _flag(self, org_id: str, flag_id: str) -> dict[str, Any]:
        flag = self.flags.get(flag_id) if len(flag_id) <= 64 else None
        if flag is None or flag.get("org_id") != org_id:
            raise FlagNotFound("no such flag in this organisation")
        return flag

    def _first_review(self, flag: dict[str, Any], principal: Principal, now: datetime) -> None:
        if flag.get("first_reviewed_at") or Role.OFFICER not in principal.roles_in(flag["org_id"]):
            return  # only an officer's look is a review (an auditor reading is not)
        try:
            self.flags.update(
                flag,
                actor=principal.sub,
                now=now,
                set_values={},
                if_not_exists={"first_reviewed_at": now.isoformat()},
                respect_claim=False,
            )
        except StaleState:
            return  # a concurrent change: the flag is being reviewed by it

    def _record(
        self,
        principal: Principal,
        role: Role,
        action: str,
        flag: dict[str, Any],
        now: datetime,
        *,
        from_status: FlagStatus,
        to: FlagStatus,
        reason: str | None = None,
        template: str | None = None,
        visibility: str | None = None,
        assignee: str | None = None,
    ) -> HistoryEntry:
        entry = HistoryEntry(
            flag_id=flag["flag_id"],
            org_id=flag["org_id"],
            at=now,
            actor=principal.sub,
            role=role.value,
            action=action,
            from_status=from_status.value,
            to_status=to.value,
            reason=reason,
            template=template,
            visibility=visibility,
            assignee=assignee,
            policy_version=flag.get("policy_version"),
        )
        self.history.add(entry, self.retention(flag["org_id"], now))
        audit_reason = reason if visibility != "internal" else None
        if template and not reason:
            audit_reason = f"template:{template}"
        self._audit(
            principal, role, action, flag, now, reason=audit_reason, from_status=from_status, to=to
        )
        return entry

    def _audit(
        self,
        principal: Principal,
        role: Role,
        action: str,
        flag: dict[str, Any],
        now: datetime,
        *,
        reason: str | None = None,
        from_status: FlagStatus | None = None,
        to: FlagStatus | None = None,
    ) -> None:
        status = flag.get("status")
        self.audit.append(
            flag["org_id"],
            actor=principal.sub,
            role=role.value,
            action=action,
            target=flag["flag_id"],
            at=now,
            reason=reason,
            policy_version=flag.get("policy_version"),
            details={
                "account_id": flag.get("account_id"),
                "platform": flag.get("platform"),
                "flag_created_at": flag.get("created_at"),
                "item_created_at": flag.get("item_created_at") or flag.get("created_at"),
                "from_status": from_status.value if from_status else status,
                "to_status": to.value if to else status,
            },
        )


def _require(principal: Principal, org_id: str, allowed: Iterable[Role]) -> Role:
    """The caller's strongest role among `allowed` in the organisation, or 403."""
    roles = principal.roles_in(org_id)
    if not roles:
        raise NotAMember("you are not a member of this organisation")
    for role in (Role.OFFICER, Role.DPO, Role.ADMIN, Role.AUDITOR):
        if role in roles and role in allowed:
            return role
    raise RoleRequired("your role in this organisation does not allow this")


def _enum(kind: Any, value: Any, name: str) -> Any:
    try:
        return kind(value)
    except (ValueError, TypeError):
        raise InvalidRequest(f"{name} is not one of the allowed values") from None


def _reason(value: Any, template: str | None) -> str | None:
    if value is not None and not isinstance(value, str):
        raise InvalidRequest("reason must be text")
    text: str | None = (value or "").strip() or None
    if text is not None and len(text) > MAX_REASON:
        raise InvalidRequest(f"reason must be at most {MAX_REASON} characters")
    if text is None and template is None:
        raise ReasonRequired("a reason is required: free text, a template, or both")
    return text


def _decision(body: dict[str, Any]) -> tuple[FlagStatus, str | None, str | None]:
    to = _enum(FlagStatus, body.get("to"), "to")
    if to not in workflow.DECIDABLE:
        raise IllegalTransition("in_review is reached by claiming the flag")
    template = body.get("template")
    if template is not None and not isinstance(template, str):
        raise InvalidRequest("template must be a template id")
    reasons.check_template(template)
    return to, _reason(body.get("reason"), template), template


def _moment(value: str | None, name: str) -> datetime | None:
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise InvalidRequest(f"{name} must be an ISO date and time") from None
    if parsed.tzinfo is None:
        raise InvalidRequest(f"{name} must carry a time zone")
    return parsed


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _quantiles(values: list[float]) -> dict[str, float | int | None]:
    if not values:
        return {"count": 0, "median_seconds": None, "p90_seconds": None}
    ordered = sorted(values)
    return {
        "count": len(ordered),
        "median_seconds": ordered[len(ordered) // 2],
        "p90_seconds": ordered[min(len(ordered) - 1, int(len(ordered) * 0.9))],
    }
