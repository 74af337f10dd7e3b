"""What a platform's first delivery costs a fresh container, and every delivery after it.

For each webhook platform a fresh interpreter imports the mapper registry, maps one sample from
`events/` (the import of the platform's mapper and the first build of its payload models happen
here), then maps it again 200 times. Medians over `--rounds` interpreters, round-robin.

Run from the repository root: `.venv/bin/python bench/first_delivery.py [--rounds N]
[--functions PATH]`; pass another checkout's `functions/` to compare (e.g. before and after).
This is a benchmark, not a test: it prints figures and never fails.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = {  # platform → (sample under events/, the account it is for)
    "X": ("x/xaa-mention.json", "1500000000000000001"),
    "LINKEDIN": ("linkedin/comments.json", "urn:li:organization:5550001"),
    "YOUTUBE": ("youtube/new-video.xml", "UCfackNordenDemoKanal001"),
    "MASTODON": ("mastodon/reply-created.json", "109000000000000001"),
}
PROGRAM = """
import time
from datetime import UTC, datetime
import pydantic, uppsikt.model.events  # what every function has imported already
from uppsikt.model.events import Platform
from uppsikt.privacy.pseudonym import Pseudonymiser
body = open({path!r}, "rb").read()
start = time.perf_counter()
from uppsikt.platforms.delivery import DeliveryContext
from uppsikt.platforms.mappers import MAPPERS
ctx = DeliveryContext(Platform.{platform}, {account!r}, "b", "k", datetime.now(UTC),
                      Pseudonymiser(b"k" * 32))
MAPPERS[Platform.{platform}].map(body, ctx)
first = time.perf_counter()
for _ in range(200):
    MAPPERS[Platform.{platform}].map(body, ctx)
print((first - start) * 1e3, (time.perf_counter() - first) / 200 * 1e6)
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--functions", type=Path, default=ROOT / "functions")
    args = parser.parse_args()
    firsts: dict[str, list[float]] = {name: [] for name in SAMPLES}
    steady: dict[str, list[float]] = {name: [] for name in SAMPLES}
    for _ in range(args.rounds):
        for name, (sample, account) in SAMPLES.items():
            code = PROGRAM.format(
                path=str(ROOT / "events" / sample), platform=name, account=account
            )
            out = subprocess.run(
                [sys.executable, "-c", code],
                env={"PYTHONPATH": str(args.functions)},
                capture_output=True,
                text=True,
                check=True,
            )
            first, each = map(float, out.stdout.split())
            firsts[name].append(first)
            steady[name].append(each)
    for name in SAMPLES:
        print(
            f"{name.lower():9s} first delivery {statistics.median(firsts[name]):6.1f} ms,"
            f" then {statistics.median(steady[name]):5.0f} µs per delivery"
        )


if __name__ == "__main__":
    main()
