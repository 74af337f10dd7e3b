"""`chalice package` with infra/ merged in: the artefact and SAM template that deploy to AWS."""

from __future__ import annotations

import importlib.util
import json
import os
import py_compile
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

from uppsikt import infra

# Operator tools: the command line, the embedded AWS (moto server, fake platform API), packaging
# and infra/ reading. Lambda never imports them (the layer contract keeps everything below them
# from doing so) and the command line cannot even import there (click is not in the artefact).
# They are the layers above `runtime` in [tool.importlinter]; a test keeps the two lists equal.
OPERATOR_ONLY = ("uppsikt/cli/", "uppsikt/local/", "uppsikt/operations/", "uppsikt/infra.py")


def write_merge_template(path: Path) -> Path:
    merged = infra.merge_all()
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
    zip_path = out / "deployment.zip"
    drop_operator_modules(zip_path)
    add_bytecode(zip_path)
    return zip_path, out / "sam.json"


def _operator_only(name: str) -> bool:
    return any(name == prefix or name.startswith(prefix) for prefix in OPERATOR_ONLY)


def drop_operator_modules(zip_path: Path) -> list[str]:
    """Rewrite the zip without the operator tools; returns the entries dropped.

    Chalice packages all of `vendor/`, and `vendor/uppsikt` is the whole package, so the tools
    are filtered out here rather than moved out of the package the CLI is installed from."""
    dropped: list[str] = []
    rewritten = zip_path.with_suffix(".tmp")
    with zipfile.ZipFile(zip_path) as source, zipfile.ZipFile(rewritten, "w") as target:
        for info in source.infolist():
            if _operator_only(info.filename):
                dropped.append(info.filename)
                continue
            # The same ZipInfo keeps Chalice's dates, permissions and compression.
            target.writestr(info, source.read(info))
    rewritten.replace(zip_path)
    return dropped


def add_bytecode(zip_path: Path) -> int:
    """Add compiled bytecode next to every module in the zip; returns how many were added.

    Lambda's code directory is read-only, so without shipped `.pyc` files every cold start
    compiles every module again. Unchecked-hash pycs are used without comparing timestamps (the
    zip's are all 1980). The build's Python must be the runtime's (Chalice picks the runtime from
    it, so they agree).
    """
    added = 0
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        with zipfile.ZipFile(zip_path) as archive:
            archive.extractall(root)
            infos = {info.filename: info for info in archive.infolist()}
        with zipfile.ZipFile(zip_path, "a", compression=zipfile.ZIP_DEFLATED) as archive:
            for name in sorted(infos):
                if not name.endswith(".py"):
                    continue
                target = importlib.util.cache_from_source(name)
                if target in infos:
                    continue
                try:
                    py_compile.compile(
                        str(root / name),
                        cfile=str(root / target),
                        dfile=name,
                        doraise=True,
                        invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH,
                    )
                except py_compile.PyCompileError:
                    continue  # e.g. a vendored file for another Python version: left as source
                archive.write(root / target, target)
                added += 1
    return added
