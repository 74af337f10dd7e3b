"""`chalice package` with infra/ merged in: the artefact and SAM template that deploy to AWS."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from uppsikt import infra


def write_merge_template(path: Path) -> Path:
    merged = infra.merge_template(infra.load(infra.RESOURCES), infra.load(infra.FUNCTIONS))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(merged, indent=2))
    return path


def build(out: Path, stage: str = "dev") -> tuple[Path, Path]:
    """Returns the deployment zip and the SAM template."""
    out = out.resolve()
    merge = write_merge_template(out.parent / "merge-template.json")
    if out.exists():
        shutil.rmtree(out)
    chalice = Path(sys.executable).with_name("chalice")
    subprocess.run(  # noqa: S603  (fixed arguments, our own paths)
        [
            str(chalice),
            "--project-dir",
            str(infra.REPO / "functions"),
            "package",
            "--stage",
            stage,
            "--merge-template",
            str(merge),
            str(out),
        ],
        check=True,
        # Chalice asks for a region even though the template it writes is region-neutral.
        env={
            **os.environ,
            "AWS_DEFAULT_REGION": os.environ.get("AWS_DEFAULT_REGION", "eu-north-1"),
        },
    )
    return out / "deployment.zip", out / "sam.json"
