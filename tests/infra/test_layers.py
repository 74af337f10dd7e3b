"""The layer contract (`make layers`) on a copy of the code: it holds as the code is, and one
import that runs back up, at module level or inside a function, breaks it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _contract_toml() -> str:
    """The repository's own contract, so the test checks what `make layers` checks."""
    contract = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["importlinter"]
    (layers,) = contract["contracts"]
    lines = [
        "[tool.importlinter]",
        f'root_package = "{contract["root_package"]}"',
        "",
        "[[tool.importlinter.contracts]]",
    ]
    lines += [f"{key} = {_toml(value)}" for key, value in layers.items()]
    return "\n".join(lines) + "\n"


def _toml(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    return f'"{value}"'


@pytest.fixture
def code_copy(tmp_path: Path) -> Path:
    shutil.copytree(
        REPO / "functions" / "uppsikt",
        tmp_path / "uppsikt",
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    (tmp_path / "pyproject.toml").write_text(_contract_toml())
    return tmp_path


def lint_imports(root: Path) -> subprocess.CompletedProcess[str]:
    # PYTHONPATH puts the copy ahead of the installed package, so the copy is what is analysed.
    env = {**os.environ, "PYTHONPATH": str(root)}
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--config", str(root / "pyproject.toml")],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_the_code_keeps_the_layer_contract(code_copy: Path) -> None:
    result = lint_imports(code_copy)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 kept, 0 broken" in result.stdout


def test_a_module_level_import_of_a_higher_layer_breaks_the_contract(code_copy: Path) -> None:
    module = code_copy / "uppsikt" / "accounts" / "registry.py"
    module.write_text(module.read_text() + "\nfrom uppsikt.operations import secrets as _up\n")
    result = lint_imports(code_copy)
    assert result.returncode != 0
    assert "uppsikt.accounts.registry -> uppsikt.operations.secrets" in result.stdout


def test_a_lazy_import_inside_a_function_breaks_the_contract_too(code_copy: Path) -> None:
    module = code_copy / "uppsikt" / "model" / "events.py"
    lazy = (
        "\n\ndef _back_up() -> object:\n"
        "    from uppsikt.runtime import Runtime\n\n"
        "    return Runtime\n"
    )
    module.write_text(module.read_text() + lazy)
    result = lint_imports(code_copy)
    assert result.returncode != 0
    assert "uppsikt.model.events -> uppsikt.runtime" in result.stdout


def test_a_new_top_level_module_must_be_given_a_layer(code_copy: Path) -> None:
    (code_copy / "uppsikt" / "stray.py").write_text('"""Belongs to no layer."""\n')
    result = lint_imports(code_copy)
    assert result.returncode != 0
    assert "uppsikt.stray" in result.stdout
