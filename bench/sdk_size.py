"""The AWS SDK in the artefact: what it weighs and what leaving it out would save, side by side.

Lambda's Python runtime ships boto3 and botocore (in /var/runtime, after /var/task on the path),
so the artefact could leave them out: smaller, but the SDK version would then be whatever the
runtime has that month, not the one uv.lock pins and the tests ran against. This compares three
variants of one zip, each unpacked and cold-imported the way `bench/artefact_cold_start.py` does
(`-I -S -B`, round-robin, medians):

- as given: the zip as `make package` built it;
- pruned: without the botocore models of services the functions never call
  (`uppsikt.operations.package.prune_sdk_models`, what `make package` does now);
- no SDK: without boto3, botocore and s3transfer; the venv's copies (bytecode compiled) are put on
  the path after the artefact, as the runtime's are.

Run from the repository root:
`.venv/bin/python bench/sdk_size.py [build/package/deployment.zip] [--rounds N] [--json]`
"""

from __future__ import annotations

import argparse
import compileall
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "functions"))

from uppsikt.operations.package import prune_sdk_models  # noqa: E402

SDK = ("boto3", "botocore", "s3transfer")
MODULES = {
    "boto3": "boto3",
    "api": "app, uppsikt.ingest.webhook, uppsikt.adapters.s3, uppsikt.adapters.sqs",
    "evaluate": "app, uppsikt.evaluate.batch, uppsikt.adapters.dynamodb, uppsikt.policy.store",
}
# A client is built too: that is where botocore reads a service model (from the artefact, or from
# the runtime's copy in the no-SDK variant).
PROBE = (
    "import sys, time; sys.path.insert(0, sys.argv[1]); "
    "sys.path.append(sys.argv[2]) if len(sys.argv) > 2 else None; t = time.perf_counter(); "
    "import {modules}; import boto3; "
    "boto3.client('sqs', region_name='eu-north-1', aws_access_key_id='x', "
    "aws_secret_access_key='x'); print(time.perf_counter() - t)"
)


def _drop_sdk(zip_path: Path) -> None:
    rewritten = zip_path.with_suffix(".tmp")
    with zipfile.ZipFile(zip_path) as source, zipfile.ZipFile(rewritten, "w") as target:
        for info in source.infolist():
            top = info.filename.split("/")[0]
            if top in SDK or top.split("-")[0] in SDK:  # packages and their .dist-info
                continue
            target.writestr(info, source.read(info))
    rewritten.replace(zip_path)


def _runtime_sdk(into: Path) -> Path:
    """The venv's boto3, botocore and s3transfer with bytecode: a stand-in for /var/runtime."""
    import boto3

    site = Path(boto3.__file__).parents[1]
    for name in SDK:
        shutil.copytree(site / name, into / name)
    compileall.compile_dir(into, quiet=1)
    return into


def _sample(directory: Path, modules: str, extra: Path | None) -> float:
    args = [sys.executable, "-I", "-S", "-B", "-c", PROBE.format(modules=modules), str(directory)]
    out = subprocess.run(
        args + ([str(extra)] if extra else []), capture_output=True, text=True, check=False
    )
    if out.returncode:
        raise SystemExit(f"probe failed in {directory}: {out.stderr.strip().splitlines()[-1]}")
    return float(out.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("zip", nargs="?", type=Path, default=ROOT / "build/package/deployment.zip")
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        zips = {name: root / f"{name}.zip" for name in ("as given", "pruned", "no SDK")}
        for target in zips.values():
            shutil.copy(args.zip, target)
        prune_sdk_models(zips["pruned"])
        _drop_sdk(zips["no SDK"])
        runtime = _runtime_sdk(root / "var-runtime")
        dirs: dict[str, tuple[Path, Path | None]] = {}
        for name, path in zips.items():
            with zipfile.ZipFile(path) as archive:
                archive.extractall(root / name)
            dirs[name] = (root / name, runtime if name == "no SDK" else None)
        sizes = {name: path.stat().st_size for name, path in zips.items()}
        unpacked = {
            name: sum(i.file_size for i in zipfile.ZipFile(path).infolist())
            for name, path in zips.items()
        }
        times: dict[tuple[str, str], list[float]] = {(v, h): [] for v in zips for h in MODULES}
        for _ in range(args.rounds):
            for (variant, handler), samples in times.items():
                directory, extra = dirs[variant]
                samples.append(_sample(directory, MODULES[handler], extra))
    medians = {key: statistics.median(values) for key, values in times.items()}
    if args.json:
        print(
            json.dumps(
                {
                    "zip_bytes": sizes,
                    "unpacked_bytes": unpacked,
                    "cold_import_s": {f"{v} / {h}": round(t, 4) for (v, h), t in medians.items()},
                }
            )
        )
        return
    print(f"{args.zip}, Python {sys.version.split()[0]}, {args.rounds} rounds, medians")
    print(f"{'variant':<10}{'zip':>14}{'unpacked':>14}" + "".join(f"{h:>11}" for h in MODULES))
    for variant in zips:
        cells = "".join(f"{medians[(variant, h)] * 1000:>8.0f} ms" for h in MODULES)
        print(f"{variant:<10}{sizes[variant]:>14,}{unpacked[variant]:>14,}{cells}")


if __name__ == "__main__":
    main()
