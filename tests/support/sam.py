"""The SAM template `make package` writes, for tests that read it.

It comes from `uppsikt.operations.template.package_template`, the one way the project builds the
template without the artefact (the scanners read the same; tests/infra/test_package.py checks it
is the template the full package writes)."""

from __future__ import annotations

import json
import tempfile
from functools import cache
from pathlib import Path
from typing import Any, cast

from uppsikt.operations.template import package_template


@cache
def packaged_template(stage: str = "prod") -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        built: dict[str, Any] = json.loads(package_template(Path(tmp), stage).read_text())
    return built


def functions(template: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        name: resource
        for name, resource in template["Resources"].items()
        if resource["Type"] in ("AWS::Serverless::Function", "AWS::Lambda::Function")
    }


def schedule_of(function: dict[str, Any]) -> str | None:
    """The function's schedule expression (`rate(5 minutes)`), or None if it is not scheduled."""
    for event in function.get("Properties", {}).get("Events", {}).values():
        if event["Type"] == "Schedule":
            return cast(str, event["Properties"]["Schedule"])
    return None
