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


def test_every_signed_delivery_is_accepted_and_the_forged_one_refused(
    summary: dict[str, Any],
) -> None:
    samples = len(list((REPO / "events" / "meta").glob("*.json")))
    malformed = len(list((REPO / "events" / "meta-bad").glob("*.json")))
    x_samples = len(list((REPO / "events" / "x").glob("*.json")))
    # every sample, one retry of the first, the malformed ones, one forged, and the X ones
    assert summary["deliveries_sent"] == samples + 1 + malformed + 1 + x_samples
    assert summary["deliveries_accepted"] == samples + 1 + malformed + x_samples
    assert summary["deliveries_refused"] == {"401": 1}
    assert summary["quarantined"] == malformed
    assert summary["handshake_ok"] is True
    assert summary["x_crc_ok"] is True
    # every Meta file is stored (the retry lands on its own key), the dashboard test too
    assert summary["deliveries_by_platform"] == {"meta": samples, "x": x_samples}


def test_the_sample_personal_data_and_insults_are_flagged_once_each(
    summary: dict[str, Any],
) -> None:
    # Meta: one CPR (Facebook), one personnummer (Instagram), one Danish and one Swedish insult;
    # the Swedish commenter also discloses their own membership (advisory, on the same flag).
    # X: one personnummer in a mention, one insult in a reply.
    assert summary["flags_by_rule"] == {
        "baseline.national-id": 3,
        "baseline.harassment": 3,
        "baseline.special-category-self": 1,
    }
    assert summary["notifications_sent"] == summary["flags"] == 6
    assert summary["items_by_platform"]["x"] == 3
    assert summary["test_changes"] == 1
