"""`uppsikt demo --serve` leaves the console running with a login per role: the URL it prints
answers, and the printed officer signs in and finds the demo's flags to review."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import time
import urllib.request
from typing import Any

import pytest

from support.paths import REPO

pytestmark = pytest.mark.slow


def _post(url: str, body: dict[str, str]) -> Any:
    request = urllib.request.Request(
        url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


def _get(url: str, token: str) -> Any:
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


def test_demo_serve_prints_the_console_and_a_login_per_role_that_works() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "UPPSIKT_"))}
    process = subprocess.Popen(
        [str(REPO / ".venv" / "bin" / "uppsikt"), "demo", "--serve"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
    )
    try:
        assert process.stdout is not None
        printed: list[str] = []
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline:
            line = process.stdout.readline()
            if not line:
                break
            printed.append(line)
            if line.strip().startswith("eksempeletaten-officer"):
                break
        output = "".join(printed)
        console = re.search(
            r"Console: (http://\S+/console/)\s+\(password for every demo user: (\S+)\)", output
        )
        assert console, output
        url, password = console.group(1), console.group(2)
        for org in ("seko", "kommunal", "eksempeletaten"):
            for role in ("officer", "dpo", "admin", "auditor"):
                assert f"{org}-{role}" in output
        with urllib.request.urlopen(url, timeout=30) as page:
            assert b"console.js" in page.read()
        base = url.removesuffix("/console/")
        token = _post(f"{base}/auth/login", {"username": "seko-officer", "password": password})
        flags = _get(f"{base}/orgs/seko/flags", token["id_token"])
        assert flags["items"], "the demo leaves flags to review"
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
