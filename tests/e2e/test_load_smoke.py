"""`bench/load.py` at N=20: signed deliveries of every webhook platform over HTTP into the local
stack, consumed by poller processes, every item accounted for in the stores."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from support.paths import REPO

pytestmark = pytest.mark.slow


def test_twenty_signed_deliveries_are_all_accepted_and_every_item_is_in_a_store() -> None:
    done = subprocess.run(
        [
            sys.executable,
            str(REPO / "bench" / "load.py"),
            *("-n", "20", "--pollers", "1", "--max-backlog", "10", "--json"),
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(done.stdout)
    assert result["accepted"] == 20
    assert result["refused"] == {}
    assert result["items_queued"] >= 20
    assert result["unaccounted"] == 0
    assert result["stores"]["dlq"] == 0
    # Every item here is a create of a new item: none may query the by-item index, and each
    # batch reads its change marks in one BatchGetItem instead of a GetItem per item.
    calls = result["consumer_calls"]
    assert "dynamodb.Query[ItemsTable]" not in calls
    assert "dynamodb.GetItem[ItemsTable]" not in calls
    assert 0 < calls["dynamodb.BatchGetItem"] <= calls["sqs.ReceiveMessage"]
    # The embedded AWS ran in a process of its own, measured beside the others.
    assert set(result["cpu_seconds"]) == {"api+senders", "pollers", "embedded AWS"}
