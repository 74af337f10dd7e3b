"""The demo path end to end: moto's server, the app on localhost, signed deliveries over HTTP,
the consumer run as Lambda's event-source mapping would, and the summary it prints."""

from __future__ import annotations

import json
import os
import subprocess
from typing import Any

import pytest

from support.paths import REPO


@pytest.fixture(scope="module")
def summary() -> dict[str, Any]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "UPPSIKT_"))}
    result = subprocess.run(
        [str(REPO / ".venv" / "bin" / "uppsikt"), "demo", "--json"],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    parsed: dict[str, Any] = json.loads(result.stdout)
    return parsed


def test_the_demo_reports_success_and_loses_nothing(summary: dict[str, Any]) -> None:
    assert summary["ok"] is True
    assert summary["problems"] == []
    assert summary["dead_letters"] == 0
    assert summary["messages_processed"] == summary["messages_enqueued"] > 0


def files(folder: str, pattern: str = "*.json") -> int:
    return len(list((REPO / "events" / folder).glob(pattern)))


def test_every_signed_delivery_is_accepted_and_the_forged_one_refused(
    summary: dict[str, Any],
) -> None:
    webhooks = {
        "meta": files("meta"),
        "x": files("x"),
        "linkedin": files("linkedin"),
        "youtube": files("youtube", "*.xml"),
        "mastodon": files("mastodon"),
    }
    malformed = files("meta-bad")
    # every sample, one retry of the first Meta one, the malformed ones, and one forged
    assert summary["deliveries_sent"] == sum(webhooks.values()) + 1 + malformed + 1
    assert summary["deliveries_accepted"] == sum(webhooks.values()) + 1 + malformed
    assert summary["deliveries_refused"] == {"401": 1}
    assert summary["quarantined"] == malformed
    for handshake in ("handshake_ok", "x_crc_ok", "linkedin_challenge_ok", "websub_verified"):
        assert summary[handshake] is True, handshake
    # every file is stored once (the Meta retry lands on its own key), the dashboard test too
    assert summary["deliveries_by_platform"] == webhooks


def test_every_polled_platform_is_replayed_through_the_pollers(summary: dict[str, Any]) -> None:
    polled = summary["polls_by_platform"]
    assert set(polled) == {"youtube", "bluesky", "mastodon", "linkedin", "instagram"}
    for platform, counts in polled.items():
        assert counts["runs"] >= 2, platform
        assert counts["emitted"] > 0, platform
    assert set(summary["items_by_platform"]) == {
        "facebook", "instagram", "x", "linkedin", "youtube", "mastodon", "bluesky",
    }  # fmt: skip


def test_the_sample_personal_data_and_insults_are_flagged_once_each(
    summary: dict[str, Any],
) -> None:
    # National ids: Meta 3 (one on the authority's page), X 1, the Mastodon webhook 1, and one
    # in each of the five platforms' recorded poll answers. Insults: one or two per platform.
    # Seko's own posts are judged by Seko's pack (images, relevance), and the authority's own
    # post by the authority pack (plain language).
    assert summary["flags_by_rule"] == {
        "baseline.national-id": 10,
        "baseline.harassment": 8,
        "baseline.profanity": 1,
        "baseline.special-category-self": 2,
        "baseline.special-category-other": 2,
        "baseline.confidential-personnel": 1,
        "seko.images": 2,
        "seko.relevance": 1,
        "authority.plain-language": 1,
    }
    assert summary["notifications_sent"] == summary["flags"] == 25
    assert summary["items_by_platform"]["x"] == 3
    assert summary["test_changes"] == 1


def test_flags_reach_the_officers_receivers_at_once_or_in_the_digest(
    summary: dict[str, Any],
) -> None:
    notifier = summary["notifier"]
    assert notifier["immediate"] > 0
    assert notifier["digests"] >= 1
    assert notifier["dead_letters"] == 0
    digest = notifier["first_digest"]
    assert digest["link"] == "https://uppsikt.example.org/console/#/orgs/seko/flags"
    assert "Daglig sammanfattning" in digest["title"]


def test_each_organisation_is_judged_by_its_own_pack_and_lists_only_its_own_records(
    summary: dict[str, Any],
) -> None:
    orgs = summary["organisations"]
    assert set(orgs) == {"seko", "kommunal", "eksempeletaten"}
    assert orgs["eksempeletaten"]["org_type"] == "authority"
    for org_id, org in orgs.items():
        assert org["items"] > 0, org_id
        # A listing read through the by-org index holds flags raised under that org's pack only.
        assert org["policies"] == [org["pack"]], org_id
    assert sum(o["flags"] for o in orgs.values()) == summary["flags"]
    # A candidate in shadow beside the authority's pack: its difference shown, never notified.
    shadow = summary["shadow"]
    assert shadow["rules"] == {
        "authority.plain-language": {
            "gained": 0,
            "lost": 1,
            "examples_gained": [],
            "examples_lost": shadow["rules"]["authority.plain-language"]["examples_lost"],
        }
    }
    assert summary["notifications_sent"] == summary["flags"]
    # Raw webhook deliveries are kept under their organisation: each has its own prefix.
    for org_id in ("seko", "kommunal", "eksempeletaten"):
        assert summary["organisation_deliveries"][org_id] > 0, org_id


def test_the_demo_ends_with_a_data_subject_access_bundle(summary: dict[str, Any]) -> None:
    access = summary["data_subject_access"]
    assert access["organisation"] == "seko"
    assert access["counts"]["items"] > 0
    bundle = json.loads((REPO / access["bundle"]).read_text())
    assert bundle["request_id"] == access["request_id"]
    assert (REPO / access["summary"]).read_text().startswith("Vad Seko")


def test_the_demo_answers_one_question_in_time_and_escalates_the_other(
    summary: dict[str, Any],
) -> None:
    clocks = summary["clocks"]
    assert clocks["deliveries"] == [200, 200]
    assert (clocks["answered"]["state"], clocks["answered"]["stop_reason"]) == (
        "stopped",
        "answered",
    )
    assert clocks["unanswered"]["state"] == "escalated"
    assert clocks["unanswered"]["breached_at"] == "2026-11-23T09:30:00+00:00"  # 10:30 Stockholm
