"""Where the repository's and the shared reference material live."""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
EVENTS = REPO / "events"
SHARED = REPO.parent / "shared"
SAMPLES = SHARED / "platform-samples"
EVAL_DATA = SHARED / "eval-data"
