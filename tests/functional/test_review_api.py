"""The review API served on the embedded AWS, called over HTTP with real Cognito ID tokens."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from support.review import ReviewStack, review_stack
from uppsikt.local.review_seed import DEMO_PASSWORD
from uppsikt.review.model import Role

OFFICER = "seko-officer"


@pytest.fixture(scope="module")
def st() -> Iterator[ReviewStack]:
    with review_stack(flags_per_org=14) as built:
        directory = built.aws.runtime.directory
        built.subs["seko-officer-2"] = directory.add_user(
            "seko-officer-2", DEMO_PASSWORD, [("seko", Role.OFFICER)]
        )
        yield built


def flag(st: ReviewStack, i: int, org: str = "seko") -> str:
    return st.flags[org][i].flag_id


def entries(st: ReviewStack, target: str, org: str = "seko") -> list[dict[str, Any]]:
    return [e.model_dump(mode="json") for e in st.audit(org, target)]


def test_login_gives_an_id_token_and_me_lists_the_memberships_by_group(st: ReviewStack) -> None:
    me = st.call("GET", "/me", OFFICER)
    assert me.status == 200
    assert me.body["memberships"] == [{"org_id": "seko", "roles": ["officer"]}]
    assert me.body["sub"] == st.subs[OFFICER]
    bad = st.call("POST", "/auth/login", None, {"username": OFFICER, "password": "wrong-one-1A"})
    assert (bad.status, bad.body["error"]["code"]) == (401, "login_failed")


def test_a_user_chooses_the_language_and_me_reports_it(st: ReviewStack) -> None:
    assert st.call("PUT", "/me/language", "seko-dpo", {"language": "sv"}).status == 200
    assert st.call("GET", "/me", "seko-dpo").body["language"] == "sv"
    wrong = st.call("PUT", "/me/language", "seko-dpo", {"language": "fr"})
    assert (wrong.status, wrong.body["error"]["code"]) == (400, "invalid_request")


def test_requests_without_a_valid_token_are_refused_with_401(st: ReviewStack) -> None:
    assert st.call("GET", "/me", None).status == 401
    # Signed with a key that is not the pool's: the JWKS check refuses it.
    real = jwt.decode(st.token(OFFICER), options={"verify_signature": False})
    header = jwt.get_unverified_header(st.token(OFFICER))
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    forged = jwt.encode({**real, "cognito:groups": ["kommunal:admin"]}, other, "RS256",
                        headers={"kid": header["kid"]})  # fmt: skip
    answer = st.call("GET", "/me", None, token=forged)
    assert (answer.status, answer.body["error"]["code"]) == (401, "not_authenticated")
    # A token whose payload was edited keeps its signature but no longer matches it.
    head, _, rest = st.token(OFFICER).partition(".")
    _body, _, signature = rest.partition(".")
    edited = dict(real, **{"cognito:groups": ["kommunal:officer"]})
    raw = base64.urlsafe_b64encode(json.dumps(edited).encode()).decode().rstrip("=")
    assert st.call("GET", "/me", None, token=f"{head}.{raw}.{signature}").status == 401


def test_the_queue_pages_with_a_stable_cursor_and_never_repeats_a_flag(st: ReviewStack) -> None:
    seen: list[str] = []
    cursor = None
    for _ in range(10):
        path = "/orgs/kommunal/flags?limit=4" + (f"&cursor={cursor}" if cursor else "")
        page = st.call("GET", path, "kommunal-auditor")
        assert page.status == 200
        seen += [item["flag_id"] for item in page.body["items"]]
        cursor = page.body["next_cursor"]
        if cursor is None:
            break
    assert sorted(seen) == sorted(s.flag_id for s in st.flags["kommunal"])
    assert len(seen) == len(set(seen))
    created = [
        i["created_at"]
        for i in st.call("GET", "/orgs/kommunal/flags", "kommunal-auditor").body["items"]
    ]
    assert created == sorted(created, reverse=True)


def test_filters_narrow_the_queue_and_counts_are_per_severity(st: ReviewStack) -> None:
    answer = st.call(
        "GET", "/orgs/kommunal/flags?severity=legal&rule=pii.phone", "kommunal-officer"
    )
    assert answer.status == 200
    assert answer.body["items"]
    assert {i["severity"] for i in answer.body["items"]} == {"legal"}
    assert all("pii.phone" in i["rule_ids"] for i in answer.body["items"])
    counts = st.call("GET", "/orgs/kommunal/flags?status=open", "kommunal-officer").body["counts"]
    assert sum(counts["severity"].values()) >= 1
    bad = st.call("GET", "/orgs/kommunal/flags?limit=500", "kommunal-officer")
    assert (bad.status, bad.body["error"]["code"]) == (400, "invalid_request")
    cursor = st.call("GET", "/orgs/kommunal/flags?limit=1", "kommunal-officer").body["next_cursor"]
    other = st.call("GET", f"/orgs/kommunal/flags?status=open&cursor={cursor}", "kommunal-officer")
    assert (other.status, other.body["error"]["code"]) == (400, "invalid_cursor")


def test_detail_shows_the_masked_item_with_explained_hits_and_is_audited(st: ReviewStack) -> None:
    fid = flag(st, 0)
    answer = st.call("GET", f"/orgs/seko/flags/{fid}", OFFICER)
    assert answer.status == 200
    item = answer.body["item"]
    assert "070" not in item["text"]
    assert "Anna" not in item["text"]
    hit = item["hits"][0]
    assert (hit["rule_id"], hit["kind"], hit["severity"]) == ("pii.phone", "personal_data", "legal")
    assert hit["clause"]
    assert item["text"][hit["start"] : hit["end"]].strip("#*- ") == ""
    viewed = [e for e in entries(st, fid) if e["action"] == "flag.viewed"]
    assert viewed
    assert viewed[0]["actor"] == st.subs[OFFICER]
    row = st.aws.runtime.review.flags.get(fid)
    assert row is not None
    assert row["first_reviewed_at"]


def test_a_claim_locks_the_flag_against_other_officers_until_it_expires(st: ReviewStack) -> None:
    fid = flag(st, 1)
    assert st.call("POST", f"/orgs/seko/flags/{fid}/claim", OFFICER).body["status"] == "in_review"
    second = st.call("POST", f"/orgs/seko/flags/{fid}/claim", "seko-officer-2")
    assert (second.status, second.body["error"]["code"]) == (409, "claimed_by_other")
    decide = st.call("POST", f"/orgs/seko/flags/{fid}/transitions", "seko-officer-2",
                     {"to": "dismissed", "template": "no_violation"})  # fmt: skip
    assert (decide.status, decide.body["error"]["code"]) == (409, "claimed_by_other")
    past = (datetime.now(UTC) - timedelta(seconds=1)).isoformat()
    st.aws.runtime.dynamodb.update_item(
        TableName=st.aws.settings.flags_table,
        Key={"flag_id": {"S": fid}},
        UpdateExpression="SET claim_expires = :p",
        ExpressionAttributeValues={":p": {"S": past}},
    )
    assert st.call("POST", f"/orgs/seko/flags/{fid}/claim", "seko-officer-2").status == 200


def test_a_decision_needs_a_reason_records_who_when_why_and_policy_and_starts_retention(
    st: ReviewStack,
) -> None:
    fid = flag(st, 2)
    path = f"/orgs/seko/flags/{fid}/transitions"
    missing = st.call("POST", path, OFFICER, {"to": "confirmed"})
    assert (missing.status, missing.body["error"]["code"]) == (400, "reason_required")
    unknown = st.call("POST", path, OFFICER, {"to": "confirmed", "template": "nope"})
    assert (unknown.status, unknown.body["error"]["code"]) == (400, "unknown_template")
    done = st.call("POST", path, OFFICER, {"to": "confirmed", "reason": "Phone number of a member"})
    assert done.status == 200
    illegal = st.call("POST", path, OFFICER, {"to": "dismissed", "reason": "changed my mind"})
    assert (illegal.status, illegal.body["error"]["code"]) == (409, "illegal_transition")
    row = st.aws.runtime.review.flags.get(fid)
    assert row is not None
    assert row["status"] == "confirmed"
    assert row["decided_by"] == st.subs[OFFICER]
    assert row["expires_at"] != "none"  # flag_record runs from the decision
    history = st.call("GET", f"/orgs/seko/flags/{fid}", OFFICER).body["history"]
    decided = next(h for h in history if h["action"] == "flag.confirmed")
    assert decided["reason"] == "Phone number of a member"
    assert decided["policy_version"] == "seed-1"
    assert decided["actor"] == st.subs[OFFICER]
    audited = next(e for e in entries(st, fid) if e["action"] == "flag.confirmed")
    assert audited["details"]["from_status"] == "open"
    assert audited["details"]["to_status"] == "confirmed"
    assert (
        st.call(
            "POST", path, OFFICER, {"to": "removal_requested", "template": "illegal_content"}
        ).status
        == 200
    )


def test_comments_are_kept_internal_or_for_the_record(st: ReviewStack) -> None:
    fid = flag(st, 3)
    path = f"/orgs/seko/flags/{fid}/comments"
    made = st.call("POST", path, "seko-dpo", {"text": "Checked with legal", "visibility": "record"})
    assert made.status == 201
    assert made.body["visibility"] == "record"
    internal = st.call("POST", path, OFFICER, {"text": "Looks like spam"})
    assert internal.body["visibility"] == "internal"
    assert (
        st.call("POST", path, "seko-auditor", {"text": "x"}).body["error"]["code"]
        == "role_required"
    )
    history = st.call("GET", f"/orgs/seko/flags/{fid}", OFFICER).body["history"]
    assert [h["visibility"] for h in history if h["action"] == "flag.commented"] == [
        "record",
        "internal",
    ]


def test_unmask_needs_a_reason_and_the_officer_or_dpo_role_and_is_audited(st: ReviewStack) -> None:
    fid = flag(st, 6)  # the phone-number text (review_seed.TEXTS[0])
    path = f"/orgs/seko/flags/{fid}/unmask"
    assert st.call("POST", path, "seko-auditor", {"reason": "curious"}).status == 403
    assert st.call("POST", path, "seko-dpo", {}).body["error"]["code"] == "reason_required"
    answer = st.call("POST", path, "seko-dpo", {"reason": "Data subject request 2026-17"})
    assert answer.status == 200
    assert answer.body["values"][0]["value"] == "070-123 45 67"
    unmasked = [e for e in entries(st, fid) if e["action"] == "flag.unmasked"]
    assert unmasked
    assert unmasked[0]["reason"] == "Data subject request 2026-17"
    assert unmasked[0]["role"] == "dpo"


def test_assignment_is_to_an_officer_of_the_same_organisation(st: ReviewStack) -> None:
    fid = flag(st, 5)
    path = f"/orgs/seko/flags/{fid}/assign"
    other_org = st.subs["kommunal-officer"]
    wrong = st.call("POST", path, OFFICER, {"assignee": other_org})
    assert (wrong.status, wrong.body["error"]["code"]) == (400, "unknown_assignee")
    mine = st.subs["seko-officer-2"]
    assert st.call("POST", path, OFFICER, {"assignee": mine}).body == {"assignee": mine}
    listed = st.call("GET", f"/orgs/seko/flags?assignee={mine}", OFFICER).body["items"]
    assert [i["flag_id"] for i in listed] == [fid]


def test_bulk_shows_the_count_first_then_needs_it_confirmed_and_audits_each_flag(
    st: ReviewStack,
) -> None:
    ids = [flag(st, i) for i in (8, 9, 10)]
    path = "/orgs/seko/flags/bulk"
    body = {"flag_ids": [*ids, "F-does-not-exist"], "to": "dismissed", "template": "no_violation"}
    preview = st.call("POST", path, OFFICER, body)
    assert preview.body["preview"] is True
    assert preview.body["count"] == 3
    assert preview.body["skipped"] == [{"flag_id": "F-does-not-exist", "code": "flag_not_found"}]
    wrong = st.call("POST", path, OFFICER, {**body, "confirm_count": 2})
    assert (wrong.status, wrong.body["error"]["code"]) == (409, "count_mismatch")
    done = st.call("POST", path, OFFICER, {**body, "confirm_count": 3})
    assert done.body["done"] == ids
    for fid in ids:
        assert [e["action"] for e in entries(st, fid)] == ["flag.dismissed"]
    too_many = st.call("POST", path, OFFICER, {**body, "flag_ids": [f"F-{i}" for i in range(101)]})
    assert (too_many.status, too_many.body["error"]["code"]) == (400, "bulk_too_large")


def test_reason_templates_come_in_the_four_languages(st: ReviewStack) -> None:
    texts = {
        lang: st.call("GET", f"/reasons?language={lang}", None).body["templates"]
        for lang in ("sv", "da", "nb", "en")
    }
    assert len({tuple(t["text"] for t in v) for v in texts.values()}) == 4
    assert st.call("GET", "/reasons?language=fr", None).status == 400


def test_the_dashboard_counts_flags_per_day_and_open_ones_by_age(st: ReviewStack) -> None:
    board = st.call("GET", "/orgs/kommunal/dashboard?days=30", "kommunal-auditor").body
    assert sum(board["open_by_age"].values()) >= 1
    assert board["flags_per_day"]


def test_the_audit_log_is_read_by_auditors_and_not_by_officers(st: ReviewStack) -> None:
    fid = flag(st, 11)
    st.call("GET", f"/orgs/seko/flags/{fid}", OFFICER)
    page = st.call("GET", "/orgs/seko/audit?limit=500", "seko-auditor")
    assert page.status == 200
    assert any(i["target"] == fid and i["action"] == "flag.viewed" for i in page.body["items"])
    assert st.call("GET", "/orgs/seko/audit", OFFICER).body["error"]["code"] == "role_required"
    bad = st.call("GET", "/orgs/seko/audit?cursor=nonsense", "seko-auditor")
    assert (bad.status, bad.body["error"]["code"]) == (400, "invalid_cursor")


def test_the_supervision_report_is_exported_as_csv_and_pdf_and_the_export_audited(
    st: ReviewStack,
) -> None:
    import urllib.request

    week = datetime.now(UTC).strftime("%G-W%V")
    for fmt, magic in (("csv", b""), ("pdf", b"%PDF")):
        request = urllib.request.Request(
            f"{st.url}/orgs/seko/reports/supervision?week={week}&format={fmt}&language=sv",
            headers={"Authorization": f"Bearer {st.token('seko-auditor')}", "Accept": "*/*"},
        )
        with urllib.request.urlopen(request, timeout=60) as response:
            body = response.read()
        assert body
        assert body.startswith(magic)
    exported = [e for e in st.audit("seko") if e.action.value == "report.exported"]
    assert len(exported) == 2
    bad = st.call("GET", "/orgs/seko/reports/supervision?week=nonsense", "seko-auditor")
    assert (bad.status, bad.body["error"]["code"]) == (400, "invalid_request")
    other = st.call("GET", f"/orgs/seko/reports/supervision?week={week}", "kommunal-auditor")
    assert other.status == 403


def test_a_flag_whose_evidence_is_gone_still_opens_and_cannot_be_unmasked(st: ReviewStack) -> None:
    seeded = st.flags["seko"][12]
    st.aws.runtime.s3.delete_object(Bucket=st.aws.settings.archive_bucket, Key=seeded.evidence_key)
    detail = st.call("GET", f"/orgs/seko/flags/{seeded.flag_id}", OFFICER)
    assert detail.status == 200
    assert detail.body["item"] is None
    assert detail.body["flag"]["flag_id"] == seeded.flag_id
    unmask = st.call(
        "POST", f"/orgs/seko/flags/{seeded.flag_id}/unmask", "seko-dpo", {"reason": "r"}
    )
    assert (unmask.status, unmask.body["error"]["code"]) == (404, "evidence_gone")


def test_detail_shows_the_flagged_comment_among_the_others_of_its_thread_masked(
    st: ReviewStack,
) -> None:
    from uppsikt.adapters.dynamodb import Items
    from uppsikt.adapters.s3 import EvidenceArchive
    from uppsikt.model.records import WorkingRecord

    rt, s = st.aws.runtime, st.aws.settings
    fid = flag(st, 3)
    stored = rt.review.flags.get(fid)
    assert stored is not None
    evidence = EvidenceArchive(rt.s3, s.archive_bucket, s.data_key_id).get(
        str(stored["evidence_key"])
    )
    event = evidence.event
    thread = f"{event.platform}#{event.account_id}#{event.post_id or event.item_id}"
    items = Items(rt.dynamodb, s.items_table)
    now = datetime.now(UTC)
    for n, text in enumerate(["Ring mig på 070-123 45 67", "Tack för svaret!"]):
        items.put(
            WorkingRecord(
                event_id=f"thread-test-{n}",
                org_id="seko",
                item_ref=f"{event.platform}#{event.account_id}#other-{n}",
                platform=event.platform,
                account_id=event.account_id,
                object_kind=event.object_kind,
                action="add",
                verdict="clean",
                flag_id=None,
                policy_id="seko",
                policy_version="1",
                evaluated_at=now + timedelta(seconds=n),
                retention_class="working_capture",
                expires_at=now + timedelta(days=30),
                text=text,
                author_pseudonym=None,
                occurred_at=now + timedelta(seconds=n),
                thread_ref=thread,
            )
        )
    # A record of another thread is not shown.
    items.put(
        WorkingRecord(
            event_id="thread-test-elsewhere",
            org_id="seko",
            item_ref=f"{event.platform}#{event.account_id}#elsewhere",
            platform=event.platform,
            account_id=event.account_id,
            object_kind=event.object_kind,
            action="add",
            verdict="clean",
            flag_id=None,
            policy_id="seko",
            policy_version="1",
            evaluated_at=now,
            retention_class="working_capture",
            expires_at=now + timedelta(days=30),
            text="Ett annat inlägg",
            author_pseudonym=None,
            thread_ref=f"{event.platform}#{event.account_id}#another-post",
        )
    )

    shown = st.call("GET", f"/orgs/seko/flags/{fid}", OFFICER).body["context"]["thread"]

    assert [t["verdict"] for t in shown] == ["clean", "clean"]
    assert shown[1]["text"] == "Tack för svaret!"
    assert "070" not in shown[0]["text"]  # the phone number is masked, as in the item itself
    assert all("annat" not in (t["text"] or "") for t in shown)
