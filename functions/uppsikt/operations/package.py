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
from collections.abc import Callable
from pathlib import Path

from uppsikt import infra

# Operator tools: the command line, the embedded AWS (moto server, fake platform API), packaging
# and infra/ reading. Lambda never imports them (the layer contract keeps everything below them
# from doing so) and the command line cannot even import there (click is not in the artefact).
# They are the layers above `runtime` in [tool.importlinter]; a test keeps the two lists equal.
OPERATOR_ONLY = ("uppsikt/cli/", "uppsikt/local/", "uppsikt/operations/", "uppsikt/infra.py")

# The Lambda runtime, whatever Python builds the package: Chalice would otherwise take the build
# machine's version (a 3.12 laptop would deploy python3.12, with cp312 wheels). Pinned here, it
# picks the cp311 wheels and writes this runtime into the template.
RUNTIME = "python3.11"

# Chalice run with its runtime pinned: it reads `Config.lambda_python_version` for both the wheels
# it downloads and the template's `Runtime`, and offers no setting for it.
CHALICE_RUNNER = (
    "import sys; from chalice.config import Config; "
    "Config.lambda_python_version = property(lambda self: {runtime!r}); "
    "from chalice.cli import main; sys.exit(main())"
)


# The AWS services the functions (and the Powertools utilities they use) create clients for. The
# artefact keeps botocore's models for these only; a test checks every client the runtime creates
# is listed, and that each model loads from the artefact. Listed beyond today's calls: sesv2,
# sts, ssm, appconfigdata (Powertools parameters), cloudwatch, logs, xray, events, lambda
# (observability and alarms work may call them), each a few dozen kB.
SDK_SERVICES = frozenset(
    {
        "appconfigdata",
        "cloudwatch",
        "cognito-idp",
        "dynamodb",
        "events",
        "kms",
        "lambda",
        "logs",
        "s3",
        "secretsmanager",
        "ses",
        "sesv2",
        "sns",
        "sqs",
        "ssm",
        "sts",
        "xray",
    }
)


class PackageError(Exception):
    """The package cannot be built as asked (an unknown stage, a runtime that did not stick)."""


def stages() -> tuple[str, ...]:
    """The stages chalice.json defines (`make package STAGE=...` must name one)."""
    config = json.loads((infra.REPO / "chalice.json").read_text(encoding="utf-8"))
    return tuple(config.get("stages", {}))


def write_merge_template(path: Path) -> Path:
    merged = infra.merge_all()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(merged, indent=2))
    return path


def build(out: Path, stage: str = "dev") -> tuple[Path, Path]:
    """Returns the deployment zip and the SAM template."""
    if stage not in stages():
        # Chalice would build an unknown stage from the top-level settings without a word.
        raise PackageError(f"unknown stage {stage!r}; chalice.json defines {', '.join(stages())}")
    out = out.resolve()
    merge = write_merge_template(out.parent / "merge-template.json")
    if out.exists():
        shutil.rmtree(out)
    chalice_package(infra.REPO / "functions", stage, merge, out)
    zip_path, template = out / "deployment.zip", out / "sam.json"
    check_runtime(template)
    # Both in one rewrite of the 40 MB zip (each alone costs 3-4 s).
    _drop(zip_path, lambda name: _left_with_the_tools(name) or _unused_sdk_model(name))
    if f"python{sys.version_info[0]}.{sys.version_info[1]}" == RUNTIME:
        add_bytecode(zip_path)
        add_precompiled(zip_path)
    # else: bytecode and regex code from another Python would be ignored by the runtime; cold
    # starts compile.
    return zip_path, template


def chalice_package(
    project: Path, stage: str, merge: Path, out: Path, *, quiet: bool = False
) -> None:
    """`chalice package` of `project` into `out`, with infra/ merged in and the runtime pinned
    (CHALICE_RUNNER); the artefact and the template-only build both run it."""
    subprocess.run(  # noqa: S603  (fixed arguments, our own paths)
        [
            sys.executable,
            "-c",
            CHALICE_RUNNER.format(runtime=RUNTIME),
            "--project-dir",
            str(project),
            "package",
            "--stage",
            stage,
            "--merge-template",
            str(merge),
            str(out),
        ],
        check=True,
        capture_output=quiet,
        # Chalice asks for a region even though the template it writes is region-neutral.
        env={
            **os.environ,
            "AWS_DEFAULT_REGION": os.environ.get("AWS_DEFAULT_REGION", "eu-north-1"),
        },
    )


def check_runtime(template: Path) -> None:
    """Every function in the template runs on RUNTIME (the pin reached Chalice)."""
    resources = json.loads(template.read_text(encoding="utf-8"))["Resources"]
    wrong = sorted(
        name
        for name, res in resources.items()
        if res["Type"] == "AWS::Serverless::Function"
        and res["Properties"].get("Runtime") != RUNTIME
    )
    if wrong:
        raise PackageError(f"functions not on {RUNTIME}: {', '.join(wrong)}")


def _operator_only(name: str) -> bool:
    return any(name == prefix or name.startswith(prefix) for prefix in OPERATOR_ONLY)


def drop_operator_modules(zip_path: Path) -> list[str]:
    """Rewrite the zip without the operator tools; returns the entries dropped.

    Chalice packages all of `vendor/`, and `vendor/uppsikt` is the whole package, so the tools
    are filtered out here rather than moved out of the package the CLI is installed from. The
    working tree's compiled regexes (`make env`) go in the same pass: `build` adds the ones
    it makes itself, or none (`add_precompiled`). So does the working tree's bytecode, which
    Python writes beside our modules as it imports them: its pycs check the source's date,
    which the zip sets to 1980, so Lambda would compile those modules at every cold start, and
    `add_bytecode` leaves a module alone when the zip has its pyc already."""
    return _drop(zip_path, _left_with_the_tools)


def _left_with_the_tools(name: str) -> bool:
    return _operator_only(name) or name == PRECOMPILED or _working_tree_bytecode(name)


def _working_tree_bytecode(name: str) -> bool:
    own = name.startswith("uppsikt/") or "/" not in name.removeprefix("__pycache__/")
    return own and "__pycache__/" in name


def _unused_sdk_model(name: str) -> bool:
    parts = name.split("/")
    # botocore/data/<service>/<api version>/<file>; the files directly in data/ (endpoints,
    # partitions, retry and default-configuration) serve every client and stay.
    return (
        len(parts) > 3
        and parts[0] == "botocore"
        and parts[1] == "data"
        and parts[2] not in SDK_SERVICES
    )


def prune_sdk_models(zip_path: Path) -> list[str]:
    """Rewrite the zip without the botocore models of services the functions never call; returns
    the entries dropped. They are most of botocore (and a third of the zip): the pinned SDK stays,
    its other 400-odd service descriptions go."""
    return _drop(zip_path, _unused_sdk_model)


def _drop(zip_path: Path, unwanted: Callable[[str], bool]) -> list[str]:
    dropped: list[str] = []
    rewritten = zip_path.with_suffix(".tmp")
    with zipfile.ZipFile(zip_path) as source, zipfile.ZipFile(rewritten, "w") as target:
        for info in source.infolist():
            if unwanted(info.filename):
                dropped.append(info.filename)
                continue
            # The same ZipInfo keeps Chalice's dates, permissions and compression.
            target.writestr(info, source.read(info))
    rewritten.replace(zip_path)
    return dropped


# Where rules/precompiled.py looks for its table, inside the artefact.
PRECOMPILED = "uppsikt/rules/precompiled.bin"


def add_precompiled(zip_path: Path) -> None:
    """Add the compiled regexes of the shipped packs (rules/precompiled.py), made in a fresh
    interpreter so that none is already in a cache and missed. The build's Python must be the
    runtime's; `build` skips this when they differ."""
    with tempfile.TemporaryDirectory() as tmp:
        table = Path(tmp) / "precompiled.bin"
        subprocess.run(  # noqa: S603  (fixed arguments, our own module)
            [sys.executable, "-m", "uppsikt.operations.precompile", str(table)],
            check=True,
            capture_output=True,
        )
        with zipfile.ZipFile(zip_path, "a", compression=zipfile.ZIP_DEFLATED) as archive:
            archive.write(table, PRECOMPILED)


def add_bytecode(zip_path: Path) -> int:
    """Add compiled bytecode next to every module in the zip; returns how many were added.

    Lambda's code directory is read-only, so without shipped `.pyc` files every cold start
    compiles every module again. Unchecked-hash pycs are used without comparing timestamps (the
    zip's are all 1980). The build's Python must be the runtime's (RUNTIME); `build` skips this
    when they differ.
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
