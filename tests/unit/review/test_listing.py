from __future__ import annotations

import pytest

from uppsikt.review import listing
from uppsikt.review.errors import InvalidCursor, InvalidRequest


def test_a_status_filter_queries_the_status_index_and_other_filters_filter_that_query() -> None:
    f = listing.Filters.parse({"status": "open", "severity": "legal", "rule": "pii.phone"})
    query = listing.build("seko", f)
    assert query.index == "by-org-status"
    assert query.params["ExpressionAttributeValues"][":h"] == {"S": "seko#open"}
    assert "contains(rule_ids, :rule)" in query.params["FilterExpression"]
    assert "KeyConditionExpression" in query.params


def test_without_a_status_the_org_index_serves_and_dates_narrow_the_key_condition() -> None:
    f = listing.Filters.parse({"from": "2026-01-01T00:00:00+00:00"})
    query = listing.build("seko", f)
    assert query.index == "by-org"
    assert "#c >= :from" in query.params["KeyConditionExpression"]
    assert "FilterExpression" not in query.params


@pytest.mark.parametrize(
    "query", [{"status": "nonsense"}, {"limit": "0"}, {"limit": "101"}, {"unknown": "x"}]
)
def test_bad_parameters_are_a_400_naming_the_field_only(query: dict[str, str]) -> None:
    with pytest.raises(InvalidRequest) as raised:
        listing.Filters.parse(query)
    assert "nonsense" not in str(raised.value)


def test_a_cursor_only_resumes_the_listing_it_was_issued_for() -> None:
    f = listing.Filters.parse({"status": "open"})
    query = listing.build("seko", f)
    key = {"org_status": "seko#open", "created_at": "2026-01-01", "flag_id": "F-1"}
    cursor = listing.encode_cursor(key, f.fingerprint("seko"))
    assert listing.decode_cursor(cursor, f.fingerprint("seko"), query.key_names)["flag_id"] == {
        "S": "F-1"
    }
    with pytest.raises(InvalidCursor):
        listing.decode_cursor(cursor, f.fingerprint("kommunal"), query.key_names)
    with pytest.raises(InvalidCursor):
        listing.decode_cursor("not-a-cursor!", f.fingerprint("seko"), query.key_names)
