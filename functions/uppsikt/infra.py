"""Reading infra/: the CloudFormation definitions shared by deployment and the embedded AWS."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, cast

REPO = Path(__file__).resolve().parents[2]
INFRA = REPO / "infra"
RESOURCES = INFRA / "resources.yaml"
FUNCTIONS = INFRA / "functions.yaml"
# Log groups, alarms, failure destinations and tracing (issue 13), merged like functions.yaml.
OBSERVABILITY = INFRA / "observability.yaml"
OUTPUT_PREFIX = "Uppsikt"


def load(path: Path) -> dict[str, Any]:
    # Templates use the long intrinsic forms (`Ref:`, `Fn::GetAtt:`), so safe_load reads them.
    import yaml

    return cast(dict[str, Any], yaml.safe_load(path.read_text(encoding="utf-8")))


def env_name(output_key: str) -> str:
    """`UppsiktIngestQueueUrl` -> `UPPSIKT_INGEST_QUEUE_URL`."""
    words = re.findall(r"[A-Z][a-z0-9]*", output_key)
    return "_".join(w.upper() for w in words)


def function_environment(resources: dict[str, Any]) -> dict[str, Any]:
    """The functions' environment: one variable per output of resources.yaml, same expression."""
    return {
        env_name(key): output["Value"]
        for key, output in resources.get("Outputs", {}).items()
        if key.startswith(OUTPUT_PREFIX)
    }


def merge_template(
    resources: dict[str, Any], functions: dict[str, Any], *more: dict[str, Any]
) -> dict[str, Any]:
    """The template handed to `chalice package --merge-template`: data resources, the functions'
    settings Chalice cannot express (functions.yaml and any `more`, e.g. observability.yaml),
    and the environment derived from the outputs."""
    merged: dict[str, Any] = {
        "Parameters": dict(resources.get("Parameters", {})),
        "Conditions": dict(resources.get("Conditions", {})),
        "Resources": dict(resources["Resources"]),
        "Outputs": dict(resources.get("Outputs", {})),
        "Globals": {"Function": {"Environment": {"Variables": function_environment(resources)}}},
    }
    for extra in (functions, *more):
        for section in ("Parameters", "Conditions", "Resources"):
            clash = set(merged[section]) & set(extra.get(section, {}))
            if clash:
                raise ValueError(f"{section} defined in two infra files: {sorted(clash)}")
            merged[section].update(extra.get(section, {}))
        for section, settings in extra.get("Globals", {}).items():
            merged["Globals"].setdefault(section, {}).update(settings)
    return merged


def merge_all() -> dict[str, Any]:
    """Every infra/ file merged: what `make package` hands Chalice."""
    return merge_template(load(RESOURCES), load(FUNCTIONS), load(OBSERVABILITY))


def event_source(functions: dict[str, Any], function: str) -> dict[str, Any]:
    """The SQS event source settings of a function (what Lambda's event-source mapping uses)."""
    events = functions["Resources"][function]["Properties"]["Events"]
    (source,) = events.values()
    return cast(dict[str, Any], source["Properties"])
