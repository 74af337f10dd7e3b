"""Access (Art. 15): everything held about the person, as one JSON bundle."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from uppsikt.dsr.model import Findings, Request

# Row attributes that are storage mechanics, not information about the person.
_MECHANICS = ("ttl", "pk", "sk", "kind", "held_event_id", "shadow_event_id")


def bundle(
    request: Request,
    organisation: dict[str, Any],
    findings: Findings,
    earlier: list[Request],
    generated_at: datetime,
) -> dict[str, Any]:
    records = [_clean(r) for r in findings.records if r.get("kind") is None]
    held = [_clean(r) for r in findings.records if r.get("kind") == "held"]
    shadow = [_clean(r) for r in findings.records if r.get("kind") == "shadow"]
    evidence = [
        {
            "key": key,
            "captured_at": body.get("captured_at"),
            "text": body["event"].get("text"),
            "item": {k: body["event"].get(k) for k in ("platform", "object_kind", "action")},
            "hits": body.get("hits", []),
            "policy_version": body.get("policy_version"),
            "retention_class": body.get("retention_class"),
            "expires_at": body.get("expires_at"),
        }
        for key, body in sorted(findings.evidence.items())
    ]
    requests = [
        {
            "request_id": r.request_id,
            "kind": r.kind.value,
            "received_at": r.received_at.isoformat(),
            "status": r.status.value,
        }
        for r in earlier
        if r.request_id != request.request_id
    ]
    return {
        "request_id": request.request_id,
        "generated_at": generated_at.isoformat(),
        "organisation": organisation,
        "platform": request.platform.value,
        # The person's pseudonyms: how Uppsikt knows them (one per live key version).
        "pseudonyms": [k.split("#", 1)[1] for k in request.author_keys],
        "counts": {
            "items": len(records),
            "held": len(held),
            "shadow": len(shadow),
            "flags": len(findings.flags),
            "evidence": len(evidence),
            "raw": len(findings.raw_keys),
            "restricted": len(findings.restricted),
            "requests": len(requests),
        },
        "items": records,
        # Decisions and log entries that concern them: moderation events held for ordering,
        # what a candidate policy made of their content, and the flags' status and notification.
        "held_actions": held,
        "shadow_results": shadow,
        "flags": [_clean(f) for f in findings.flags],
        "evidence": evidence,
        # Verbatim deliveries hold other people's data too: named here, their content is the
        # person's own items and evidence above.
        "raw_deliveries": findings.raw_keys,
        "restricted": bool(findings.restricted),
        "earlier_requests": requests,
    }


def _clean(row: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in sorted(row.items()) if k not in _MECHANICS}
