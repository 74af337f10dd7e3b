"""Erasure (Art. 17): delete or mask everything about the person, except what a keep rule (a
legal hold, archive duty) keeps, and record why each kept thing is kept.

What happens to each thing found:

- a working record (clean, recorded, restricted) or a shadow result: the row is deleted;
- a working record of a flagged item (it has no text) or a held action (the tombstone ordering
  needs): masked, i.e. author, index key and raw key removed; the anonymous fact stays;
- a flag: masked, an anonymous flag record (what rule fired where, when) is left;
- evidence: every version of the object is deleted;
- a raw delivery or poll answer: the object is deleted. It holds other people's items too; they
  lose only the 14-day verbatim copy, never their records;
- a restriction: the row is deleted.

A thing a rule keeps is left whole, still findable by a later request. A raw delivery is kept
when a kept thing came from it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from uppsikt.dsr.model import Concern, Findings, Kept
from uppsikt.dsr.ports import KeepRules
from uppsikt.dsr.stores import PersonalData


@dataclass
class Erasure:
    counts: dict[str, int] = field(default_factory=dict)
    kept: list[Kept] = field(default_factory=list)

    def count(self, what: str) -> None:
        self.counts[what] = self.counts.get(what, 0) + 1

    def keep(self, store: str, key: str, reason: str) -> None:
        self.kept.append(Kept(store=store, key=key, reason=reason))
        self.count(f"{store}.kept")


def erase(org_id: str, findings: Findings, data: PersonalData, keep: KeepRules) -> Erasure:
    done = Erasure()
    kept_raw: set[str] = set()
    for row in findings.records:
        key = str(row["event_id"])
        reason = keep.reason_to_keep(
            Concern(
                "items",
                key,
                org_id,
                retention_class=row.get("retention_class"),
                item_ref=row.get("item_ref"),
                flag_id=row.get("flag_id"),
                account_id=row.get("account_id"),
                author_key=row.get("author_key"),
            )
        )
        if reason:
            done.keep("items", key, reason)
            if row.get("raw_key"):
                kept_raw.add(str(row["raw_key"]))
        elif row.get("kind") == "held" or row.get("verdict") == "flagged":
            data.mask_row(data.items_table, "event_id", key, {})
            done.count("items.masked")
        else:
            data.delete_row(data.items_table, "event_id", key)
            done.count("items.deleted")
    for flag in findings.flags:
        flag_id = str(flag["flag_id"])
        evidence_key = flag.get("evidence_key")
        body = findings.evidence.get(evidence_key) if isinstance(evidence_key, str) else None
        event = (body or {}).get("event", {})
        item_ref = (
            f"{event['platform']}#{event['account_id']}#{event['item_id']}" if event else None
        )
        concern = Concern(
            "flags",
            flag_id,
            org_id,
            retention_class=flag.get("evidence_class") or flag.get("retention_class"),
            item_ref=item_ref,
            flag_id=flag_id,
            account_id=flag.get("account_id"),
            author_key=flag.get("author_key"),
        )
        reason = keep.reason_to_keep(concern)
        if reason:
            done.keep("flags", flag_id, reason)
            if isinstance(evidence_key, str) and body is not None:
                done.keep("evidence", evidence_key, reason)
                kept_raw.add(str(event["raw"]["key"]))
            continue
        if isinstance(evidence_key, str) and body is not None:
            try:
                data.delete_object(data.archive_bucket, evidence_key)
            except data.s3.exceptions.ClientError as exc:
                # An S3 Object Lock legal hold refuses the delete: the storage layer keeps it.
                code = exc.response.get("Error", {}).get("Code", "")
                done.keep("evidence", evidence_key, f"the archive refused deletion ({code})")
                kept_raw.add(str(event["raw"]["key"]))
            else:
                data.forget_listing(org_id, "archive", evidence_key, body.get("expires_at"))
                done.count("evidence.deleted")
        data.mask_row(data.flags_table, "flag_id", flag_id, {"evidence_state": "erased"})
        done.count("flags.masked")
    for raw_key in findings.raw_keys:
        if raw_key in kept_raw:
            done.keep("raw", raw_key, "the verbatim delivery of a kept item")
            continue
        data.delete_object(data.raw_bucket, raw_key)
        done.count("raw.deleted")
    return done
