"""The Lambda artefact (`uppsikt package`) holds what Lambda runs: every handler's code imports
from it alone, and the operator tools (command line, embedded AWS, packaging) are left out."""

from __future__ import annotations

import importlib.util
import json
import os
import re
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

from support.paths import REPO
from uppsikt.operations.package import (
    OPERATOR_ONLY,
    PRECOMPILED,
    RUNTIME,
    SDK_SERVICES,
    PackageError,
    build,
    check_runtime,
    drop_operator_modules,
    prune_sdk_models,
    stages,
)
from uppsikt.operations.template import package_template
from uppsikt.settings import required_variables


def _run_in_artefact(unpacked: Path, probe: str, *args: str) -> subprocess.CompletedProcess[str]:
    """`probe` in a fresh interpreter that sees only the unpacked artefact, as Lambda's
    /var/task (-I -S: no site-packages, no user paths); `args` follow the artefact's path in
    `sys.argv`."""
    code = "import sys\nsys.path.insert(0, sys.argv[1])\n" + probe
    return subprocess.run(
        [sys.executable, "-I", "-S", "-B", "-c", code, str(unpacked), *args],
        capture_output=True,
        text=True,
        check=False,
    )


# --- fast: the filter -----------------------------------------------------------------------------


def test_the_operator_tools_left_out_are_the_layers_above_the_runtime() -> None:
    contract = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["importlinter"]
    (layers,) = contract["contracts"]
    above = layers["layers"][: layers["layers"].index("runtime")]
    expected = {f"uppsikt/{name}/" for name in above} - {"uppsikt/infra/"} | {"uppsikt/infra.py"}
    assert set(OPERATOR_ONLY) == expected


def test_dropping_the_operator_tools_keeps_every_other_entry_as_it_was(tmp_path: Path) -> None:
    path = tmp_path / "deployment.zip"
    kept = {
        "app.py": b"import uppsikt.runtime\n",
        "uppsikt/runtime.py": b"RUNTIME = 1\n",
        "uppsikt/locality.py": b"# not the local package, only a similar name\n",
        "uppsikt/rules/precompiled.py": b"PATH = 'precompiled.bin'\n",
        "boto3/__init__.py": b"",
        "boto3/__pycache__/__init__.cpython-311.pyc": b"a dependency's: not the tree's",
    }
    dropped = {
        "uppsikt/cli/main.py": b"import click\n",
        "uppsikt/local/stack.py": b"import moto\n",
        "uppsikt/operations/package.py": b"",
        "uppsikt/infra.py": b"import yaml\n",
        PRECOMPILED: b"the working tree's table, made by make env",
        # Bytecode Python wrote beside our modules in the working tree (timestamp pycs).
        "uppsikt/__pycache__/runtime.cpython-311.pyc": b"\xa7\r\r\n\0\0\0\0",
        "__pycache__/app.cpython-311.pyc": b"\xa7\r\r\n\0\0\0\0",
    }
    with zipfile.ZipFile(path, "w") as archive:
        for name, body in {**kept, **dropped}.items():
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.external_attr = 0o100755 << 16
            archive.writestr(info, body, compress_type=zipfile.ZIP_DEFLATED)

    assert sorted(drop_operator_modules(path)) == sorted(dropped)

    with zipfile.ZipFile(path) as archive:
        assert {i.filename: archive.read(i) for i in archive.infolist()} == kept
        runtime = archive.getinfo("uppsikt/runtime.py")
        assert runtime.date_time == (1980, 1, 1, 0, 0, 0)
        assert runtime.external_attr == 0o100755 << 16
        assert runtime.compress_type == zipfile.ZIP_DEFLATED


def test_packaging_a_stage_chalice_json_does_not_define_is_refused_before_building(
    tmp_path: Path,
) -> None:
    assert {"dev", "prod"} <= set(stages())

    with pytest.raises(PackageError, match="unknown stage 'production'"):
        build(tmp_path / "package", "production")

    assert not (tmp_path / "package").exists()


def test_a_template_with_a_function_on_another_runtime_is_refused(tmp_path: Path) -> None:
    template = tmp_path / "sam.json"
    function = {"Type": "AWS::Serverless::Function", "Properties": {"Runtime": RUNTIME}}
    other = {"Type": "AWS::Serverless::Function", "Properties": {"Runtime": "python3.12"}}
    template.write_text(json.dumps({"Resources": {"Evaluate": function, "Poll": other}}))

    with pytest.raises(PackageError, match=r"not on python3\.11: Poll"):
        check_runtime(template)


def _runtime_sources() -> list[Path]:
    functions = REPO / "functions"
    return [
        path
        for path in [*functions.glob("*.py"), *(functions / "uppsikt").rglob("*.py")]
        if not any(
            path.relative_to(functions).as_posix().startswith(prefix) for prefix in OPERATOR_ONLY
        )
    ]


def test_every_aws_client_the_functions_create_keeps_its_sdk_model_in_the_artefact() -> None:
    called = {
        name
        for path in _runtime_sources()
        for name in re.findall(r"\.(?:client|resource)\(\s*[\"']([a-z0-9-]+)", path.read_text())
    }

    assert called >= {"s3", "sqs", "dynamodb"}  # the scan finds what it should
    assert called <= SDK_SERVICES


def test_pruning_drops_only_the_models_of_services_not_kept(tmp_path: Path) -> None:
    archive = tmp_path / "deployment.zip"
    kept = [
        "botocore/data/endpoints.json",
        "botocore/data/sqs/2012-11-05/service-2.json.gz",
        "botocore/client.py",
        "app.py",
    ]
    with zipfile.ZipFile(archive, "w") as z:
        for name in [*kept, "botocore/data/ec2/2016-11-15/service-2.json.gz"]:
            z.writestr(name, "x")

    dropped = prune_sdk_models(archive)

    assert dropped == ["botocore/data/ec2/2016-11-15/service-2.json.gz"]
    assert zipfile.ZipFile(archive).namelist() == kept


# --- slow: the real artefact ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def artefact(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The packaged artefact (its output folder) and the zip unpacked."""
    out = tmp_path_factory.mktemp("package") / "package"
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    subprocess.run(
        [str(REPO / ".venv" / "bin" / "uppsikt"), "package", str(out), "--stage", "prod"],
        check=True,
        env=env,
        capture_output=True,
    )
    unpacked = out.parent / "unpacked"
    subprocess.run(["unzip", "-q", str(out / "deployment.zip"), "-d", str(unpacked)], check=True)
    return out, unpacked


@pytest.mark.slow
def test_the_prod_package_runs_every_function_on_the_pinned_runtime_with_prod_settings(
    artefact: tuple[Path, Path],
) -> None:
    out, _ = artefact
    resources = json.loads((out / "sam.json").read_text())["Resources"]
    functions = {
        name: res["Properties"]
        for name, res in resources.items()
        if res["Type"] == "AWS::Serverless::Function"
    }

    assert {props["Runtime"] for props in functions.values()} == {RUNTIME}
    assert functions["Evaluate"]["Environment"]["Variables"]["UPPSIKT_STAGE"] == "prod"


@pytest.mark.slow
def test_the_artefact_holds_the_compiled_regexes_of_the_shipped_packs_for_its_runtime(
    artefact: tuple[Path, Path],
) -> None:
    # Made by this build's Python, which is the runtime's here; Lambda reads it from the
    # artefact alone (rules/precompiled.py), and compiling the baseline pack there uses it.
    assert f"python{sys.version_info[0]}.{sys.version_info[1]}" == RUNTIME
    out, unpacked = artefact
    with zipfile.ZipFile(out / "deployment.zip") as archive:
        assert archive.namelist().count(PRECOMPILED) == 1
    probe = "from uppsikt.rules import precompiled; print(len(precompiled._load()))"
    done = _run_in_artefact(unpacked, probe)
    assert done.returncode == 0, done.stderr
    assert int(done.stdout) > 100


@pytest.mark.slow
def test_every_module_in_the_artefact_has_bytecode_that_never_checks_its_source_date(
    artefact: tuple[Path, Path],
) -> None:
    # The zip dates every file 1980: a timestamp pyc (flags 0) would be compiled again at
    # every cold start on Lambda's read-only disk. Unchecked-hash pycs have flags 1 (PEP 552).
    out, _ = artefact
    with zipfile.ZipFile(out / "deployment.zip") as archive:
        names = set(archive.namelist())
        pycs = {n for n in names if n.endswith(".pyc")}
        flags = {n: int.from_bytes(archive.read(n)[4:8], "little") for n in pycs}
    ours = [n for n in names if n.startswith("uppsikt/") and n.endswith(".py")]
    assert all(importlib.util.cache_from_source(n) in pycs for n in ours)
    assert {n: f for n, f in flags.items() if f != 1} == {}


@pytest.mark.slow
def test_the_artefact_answers_holidays_from_its_table_without_the_library(
    artefact: tuple[Path, Path],
) -> None:
    # A cold start's first due time must not import the library's ~280 country modules.
    _, unpacked = artefact
    probe = (
        "from uppsikt.clocks import business_time as bt; "
        "days = bt.closed_days('se', 2026); loaded = 'holidays' in sys.modules; "
        "print(loaded, days >= bt.library_holidays('se', 2026), len(days))"
    )
    done = _run_in_artefact(unpacked, probe)
    assert done.returncode == 0, done.stderr
    loaded, holds_the_library_days, count = done.stdout.split()
    assert (loaded, holds_the_library_days) == ("False", "True")
    assert int(count) >= 13  # Sweden's public and de facto days


@pytest.mark.slow
def test_every_kept_sdk_model_loads_from_the_artefact_alone(artefact: tuple[Path, Path]) -> None:
    _, unpacked = artefact
    probe = (
        "import botocore.session; "
        "s = botocore.session.get_session(); "
        "[s.get_service_model(n) for n in sys.argv[2:]]; "
        "import json; print(json.dumps(s.get_available_services()))"
    )

    done = _run_in_artefact(unpacked, probe, *sorted(SDK_SERVICES))

    assert done.returncode == 0, done.stderr
    assert set(json.loads(done.stdout)) == SDK_SERVICES


@pytest.mark.slow
def test_the_packaged_artefact_holds_all_the_code_the_handlers_import(
    artefact: tuple[Path, Path],
) -> None:
    out, unpacked = artefact
    probe = (
        "import app; assert callable(app.app) and callable(app.evaluate);"
        "import review_app; assert callable(review_app.app);"
        "import uppsikt.review.service, uppsikt.review.auth, jwt.algorithms;"
        "import uppsikt.ingest.webhook, uppsikt.evaluate.batch, uppsikt.adapters.dynamodb,"
        " uppsikt.adapters.s3, uppsikt.adapters.sqs, uppsikt.adapters.sns, uppsikt.policy.store,"
        " uppsikt.rules.kinds, aws_lambda_powertools.utilities.parameters,"
        " aws_lambda_powertools.utilities.idempotency;"
        "print(app.__file__)"
    )
    result = _run_in_artefact(unpacked, probe)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(unpacked / "app.py")

    template = json.loads((out / "sam.json").read_text())
    evaluate = template["Resources"]["Evaluate"]["Properties"]
    assert evaluate["Handler"] == "app.evaluate"
    (source,) = evaluate["Events"].values()
    assert source["Properties"]["Queue"] == {"Fn::GetAtt": ["IngestQueue", "Arn"]}
    assert source["Properties"]["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    review = template["Resources"]["Review"]["Properties"]
    assert review["Handler"] == "review_app.app"
    assert review["Role"] == {"Fn::GetAtt": ["ReviewRole", "Arn"]}
    webhooks = template["Resources"]["APIHandler"]["Properties"]
    assert webhooks["Role"] == {"Fn::GetAtt": ["WebhookRole", "Arn"]}
    # A role per function, each from infra/functions.yaml: Chalice's placeholder ARN is gone.
    functions = {
        name: r["Properties"]["Role"]
        for name, r in template["Resources"].items()
        if r["Type"] == "AWS::Serverless::Function"
    }
    roles = [role["Fn::GetAtt"][0] for role in functions.values()]
    assert len(set(roles)) == len(functions), functions
    assert all(template["Resources"][r]["Type"] == "AWS::IAM::Role" for r in roles)
    assert "DefaultRole" not in template["Resources"]
    variables = template["Globals"]["Function"]["Environment"]["Variables"]
    assert set(required_variables()) <= set(variables)
    lint = subprocess.run(
        [str(REPO / ".venv" / "bin" / "cfn-lint"), str(out / "sam.json")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert lint.returncode == 0, lint.stdout


@pytest.mark.slow
def test_the_template_alone_is_the_one_the_full_package_writes(
    artefact: tuple[Path, Path], tmp_path: Path
) -> None:
    # The scanners (tests/infra/test_checkov.py) read the template built without the artefact.
    out, _ = artefact
    alone = package_template(tmp_path, "prod")  # the stage the artefact fixture builds
    assert json.loads(alone.read_text()) == json.loads((out / "sam.json").read_text())


@pytest.mark.slow
def test_the_artefact_leaves_out_the_command_line_the_embedded_aws_and_packaging(
    artefact: tuple[Path, Path],
) -> None:
    out, unpacked = artefact
    with zipfile.ZipFile(out / "deployment.zip") as archive:
        names = archive.namelist()
    assert names, "the artefact is empty"
    assert [n for n in names if n.startswith(OPERATOR_ONLY)] == []
    # Nor what only they need: moto, the fake API's server, click, YAML, Chalice's own CLI.
    tops = {n.split("/", 1)[0] for n in names}
    assert not tops & {"moto", "werkzeug", "flask", "click", "yaml", "bench", "tests"}
    assert not [n for n in names if n.startswith("chalice/cli/")]
    assert (unpacked / "uppsikt" / "runtime.py").is_file()


@pytest.mark.slow
def test_every_module_of_ours_in_the_artefact_imports_from_the_artefact_alone(
    artefact: tuple[Path, Path],
) -> None:
    _, unpacked = artefact
    ours = sorted(
        ".".join(path.relative_to(unpacked).with_suffix("").parts).removesuffix(".__init__")
        for path in (unpacked / "uppsikt").rglob("*.py")
    )
    assert "uppsikt.runtime" in ours
    assert "uppsikt.evaluate.batch" in ours
    modules = ["app", *ours]
    probe = (
        "import importlib, traceback\n"
        "failed = []\n"
        "for name in sys.argv[2:]:\n"
        "    try:\n"
        "        importlib.import_module(name)\n"
        "    except Exception:\n"
        "        failed.append(name + ': ' + traceback.format_exc(limit=1).splitlines()[-1])\n"
        "print('\\n'.join(failed))\n"
        "sys.exit(1 if failed else 0)\n"
    )
    result = _run_in_artefact(unpacked, probe, *modules)
    assert result.returncode == 0, result.stdout + result.stderr
