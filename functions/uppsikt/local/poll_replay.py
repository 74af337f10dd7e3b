"""Replay recorded platform API answers (events/poll/*/routes.json) through the real pollers.

The demo points each polled account's `api_base` at a `FakeApi` on loopback and then, run by
run, serves that run's recorded answers and polls the account through `polling.schedule` and
the same `Poller` the scheduled function uses. Runs marked `optional` (quota exhausted, expired
sessions) are for the tests and are not replayed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from uppsikt.local.fake_api import FakeApi, Reply


@dataclass(frozen=True)
class Recording:
    platform: str
    folder: Path
    platform_account_id: str
    api_base_path: str
    credentials: dict[str, str]
    runs: tuple[dict[str, Any], ...]

    @classmethod
    def load(cls, folder: Path) -> Recording:
        manifest = json.loads((folder / "routes.json").read_text(encoding="utf-8"))
        return cls(
            platform=manifest["platform"],
            folder=folder,
            platform_account_id=manifest["account"]["platform_account_id"],
            api_base_path=manifest.get("api_base_path", ""),
            credentials=dict(manifest["account"].get("credentials", {})),
            runs=tuple(r for r in manifest["runs"] if not r.get("optional")),
        )

    def serve(self, api: FakeApi, run: int) -> None:
        """Serve run `run`'s answers (in the manifest's order: the first match wins)."""
        serve_routes(api, self.folder, self.runs[run]["routes"])


def serve_routes(api: FakeApi, folder: Path, routes: list[dict[str, Any]]) -> None:
    """Replace what `api` serves with one run's `routes` from a manifest in `folder`."""
    api.reset()
    for route in routes:
        replies = [
            Reply.file(folder / r["file"], r.get("status", 200), **r.get("headers", {}))
            for r in route["replies"]
        ]
        api.route(route["method"], route["path"], *replies, match=route.get("match") or {})


def recordings(root: Path) -> list[Recording]:
    return [Recording.load(p.parent) for p in sorted(root.glob("*/routes.json"))]
