"""The data-subject request desk: receive, answer (access, erasure, restriction), extend, list
what is due, and remind before a due date passes.

Every command names the person as the organisation's platform user knows them (platform +
platform user id); the desk turns that into the `by-author` keys under every live pseudonym key
version, so a key rotation never loses what an older version stored. A command may answer a
request received earlier (`request_id`), or receive and answer at once.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from uppsikt.accounts.model import Organisation, Registry
from uppsikt.dsr import access, erasure
from uppsikt.dsr.errors import RequestAnswered, UnknownOrganisation, UnknownRequest, WrongKind
from uppsikt.dsr.model import (
    EXTENSION_MONTHS,
    Findings,
    Kind,
    Request,
    Status,
    add_months,
    due_date,
    new_request_id,
)
from uppsikt.dsr.ports import Alerts, KeepRules
from uppsikt.dsr.store import Requests
from uppsikt.dsr.stores import PersonalData
from uppsikt.model.events import Platform
from uppsikt.model.records import author_key
from uppsikt.privacy.pseudonym import Pseudonymiser

REMIND_DAYS = 7  # how long before its due date a request is reminded of
DUE_TYPE = "dsr.due"


@dataclass(frozen=True)
class Answer:
    request: Request
    findings: Findings
    bundle: dict[str, Any] | None = None


@dataclass(frozen=True)
class Desk:
    registry: Callable[[], Registry]
    pseudonymiser: Pseudonymiser
    requests: Requests
    data: PersonalData
    keep: KeepRules
    clock: Callable[[], datetime]
    remind_days: int = field(default=REMIND_DAYS)

    # --- requests -------------------------------------------------------------------------------
    def receive(
        self,
        kind: Kind,
        org_id: str,
        platform: Platform,
        author_id: str,
        at: datetime | None = None,
    ) -> Request:
        self.organisation(org_id)
        received = at or self.clock()
        request = Request(
            request_id=new_request_id(received),
            org_id=org_id,
            kind=kind,
            platform=platform,
            author_keys=self._keys(org_id, platform, author_id),
            received_at=received,
            due_at=due_date(received),
        )
        self.requests.save(request)
        return request

    def extend(self, org_id: str, request_id: str, notice: str) -> Request:
        """Two more months (Art. 12(3)), once, with the notice sent to the person recorded."""
        request = self._open(org_id, request_id)
        if request.extended:
            raise RequestAnswered("the request was extended once already (at most two months)")
        if not notice.strip():
            raise WrongKind("an extension needs the notice sent to the person, with its reasons")
        extended = request.model_copy(
            update={
                "due_at": add_months(request.due_at, EXTENSION_MONTHS),
                "extended_at": self.clock(),
                "extension_notice": notice.strip(),
                "reminded_at": None,
            }
        )
        self.requests.save(extended)
        return extended

    def due(self, org_id: str) -> list[Request]:
        """The organisation's open requests, soonest due first."""
        self.organisation(org_id)
        return sorted(
            (r for r in self.requests.of_org(org_id) if r.status is Status.OPEN),
            key=lambda r: r.due_at,
        )

    def remind(self, alerts: Alerts) -> list[Request]:
        """Publish `dsr.due` for every open request due within `remind_days` and not reminded of
        yet (the scheduled check); returns the requests reminded of."""
        now = self.clock()
        reminded: list[Request] = []
        for org in self.registry().organisations:
            for request in self.requests.of_org(org.id):
                if request.status is not Status.OPEN or request.reminded_at is not None:
                    continue
                if request.due_at - now > timedelta(days=self.remind_days):
                    continue
                body = {
                    "type": DUE_TYPE,
                    "org_id": org.id,
                    "request_id": request.request_id,
                    "due_date": request.due_at.date().isoformat(),
                }
                alerts.publish(
                    f"Uppsikt: data-subject request {request.request_id} due",
                    json.dumps(body),
                    {"org_id": org.id, "type": DUE_TYPE},
                )
                marked = request.model_copy(update={"reminded_at": now})
                self.requests.save(marked)
                reminded.append(marked)
        return reminded

    # --- answers --------------------------------------------------------------------------------
    def access(
        self, org_id: str, platform: Platform, author_id: str, request_id: str | None = None
    ) -> Answer:
        request = self._request(Kind.ACCESS, org_id, platform, author_id, request_id)
        findings = self.find(request)
        now = self.clock()
        org = self.organisation(org_id)
        about = {"id": org.id, "name": org.name, "languages": list(org.languages)}
        bundle = access.bundle(request, about, findings, self.requests.of_org(org_id), now)
        answered = self._answered(request, bundle["counts"])
        return Answer(answered, findings, bundle)

    def erase(
        self, org_id: str, platform: Platform, author_id: str, request_id: str | None = None
    ) -> Answer:
        request = self._request(Kind.ERASURE, org_id, platform, author_id, request_id)
        findings = self.find(request)
        done = erasure.erase(org_id, findings, self.data, self.keep)
        lifted = self.requests.lift(org_id, [k.split("#", 1)[1] for k in request.author_keys])
        if lifted:
            done.counts["restrictions.deleted"] = lifted
        # Earlier answered requests of the person keep their file, not who they were about.
        keys = set(request.author_keys)
        for earlier in self.requests.of_org(org_id):
            if earlier.request_id == request.request_id or earlier.status is Status.OPEN:
                continue
            if keys & set(earlier.author_keys) and not done.kept:
                self.requests.save(earlier.model_copy(update={"author_keys": ()}))
                done.count("requests.masked")
        # The request file keeps what was done and what was kept, but no longer who it was about
        # (unless something was kept: a later request must still find that).
        answered = self._answered(
            request,
            done.counts,
            kept=tuple(done.kept),
            author_keys=request.author_keys if done.kept else (),
        )
        return Answer(answered, findings)

    def restrict(
        self,
        org_id: str,
        platform: Platform,
        author_id: str,
        request_id: str | None = None,
        *,
        lift: bool = False,
    ) -> Answer:
        request = self._request(Kind.RESTRICTION, org_id, platform, author_id, request_id)
        pseudonyms = [k.split("#", 1)[1] for k in request.author_keys]
        if lift:
            counts = {"restrictions.deleted": self.requests.lift(org_id, pseudonyms)}
            answered = self._answered(request, counts, lifted_at=self.clock())
        else:
            self.requests.restrict(org_id, pseudonyms, request.request_id, self.clock())
            answered = self._answered(request, {"restrictions.written": len(pseudonyms)})
        return Answer(answered, self.find(answered))

    def find(self, request: Request) -> Findings:
        restricted = [
            k.split("#", 1)[1]
            for k in request.author_keys
            if self.requests.restricted(request.org_id, k.split("#", 1)[1])
        ]
        return self.data.find(list(request.author_keys), restricted)

    # --- helpers --------------------------------------------------------------------------------
    def organisation(self, org_id: str) -> Organisation:
        org = self.registry().organisation(org_id)
        if org is None:
            raise UnknownOrganisation("--org names no organisation in the published registry")
        return org

    def _keys(self, org_id: str, platform: Platform, author_id: str) -> tuple[str, ...]:
        if not author_id.strip():
            raise WrongKind("--author-id is empty")
        return tuple(
            author_key(org_id, p) for p in self.pseudonymiser.every_pseudonym(platform, author_id)
        )

    def _request(
        self,
        kind: Kind,
        org_id: str,
        platform: Platform,
        author_id: str,
        request_id: str | None,
    ) -> Request:
        if request_id is None:
            return self.receive(kind, org_id, platform, author_id)
        request = self._open(org_id, request_id)
        if request.kind is not kind:
            raise WrongKind(f"the request is of another kind ({request.kind.value})")
        now = self._keys(org_id, platform, author_id)
        # The key version current at receipt is still live, so the same person always overlaps.
        if request.platform is not platform or not set(now) & set(request.author_keys):
            raise WrongKind("--platform and --author-id name another person than the request")
        # Key versions may have been added since receipt: answer under every live one.
        return request.model_copy(
            update={"author_keys": tuple(dict.fromkeys((*request.author_keys, *now)))}
        )

    def _open(self, org_id: str, request_id: str) -> Request:
        self.organisation(org_id)
        request = self.requests.get(org_id, request_id)
        if request is None:
            raise UnknownRequest("no request of this organisation has that id")
        if request.status is not Status.OPEN:
            raise RequestAnswered("the request is answered already")
        return request

    def _answered(self, request: Request, counts: dict[str, int], **update: Any) -> Request:
        answered = request.model_copy(
            update={
                "status": Status.ANSWERED,
                "answered_at": self.clock(),
                "counts": dict(sorted(counts.items())),
                **update,
            }
        )
        self.requests.save(answered)
        return answered
