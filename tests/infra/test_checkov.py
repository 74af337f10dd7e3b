"""The packaged template (what `uppsikt package` deploys, with infra/ merged in) passes cfn-lint,
and checkov finds nothing on it that infra/checkov-waivers.yaml does not waive with a reason.

checkov runs from its own locked environment (`make env`: tools/iac/), since it pins boto3 and
packaging to versions the project cannot share."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
import yaml

from support.paths import REPO
from uppsikt.operations.template import package_template

CHECKOV = REPO / ".uppsikt" / "iac" / "bin" / "checkov"
CFN_LINT = REPO / ".venv" / "bin" / "cfn-lint"
WAIVERS = REPO / "infra" / "checkov-waivers.yaml"

Finding = tuple[str, str]  # (check id, logical resource id)


def waivers() -> dict[Finding, str]:
    waived: dict[Finding, str] = {}
    for entry in yaml.safe_load(WAIVERS.read_text())["waivers"]:
        for resource in entry["resources"]:
            assert (entry["check"], resource) not in waived, f"waived twice: {entry['check']}"
            waived[(entry["check"], resource)] = entry["reason"].strip()
    return waived


def checkov(*templates: Path) -> dict[str, set[Finding]]:
    """Each template's findings (by file name), from one run: checkov takes ~10 s to start."""
    assert CHECKOV.exists(), "checkov is missing: run `make env`"
    files = [arg for template in templates for arg in ("--file", str(template))]
    options = ["--framework", "cloudformation", "--output", "json", "--quiet", "--compact"]
    result = subprocess.run(
        [str(CHECKOV), *files, *options, "--skip-download"],
        capture_output=True,
        text=True,
        check=False,
        # No look-ups of checkov's online guideline mapping: the tests run offline.
        env={**os.environ, "BC_SKIP_MAPPING": "TRUE"},
    )
    assert result.returncode in (0, 1), result.stderr[-2000:]
    reports = json.loads(result.stdout)
    reports = reports if isinstance(reports, list) else [reports]
    findings: dict[str, set[Finding]] = {t.name: set() for t in templates}
    for report in reports:
        if "results" not in report:  # nothing failed: checkov prints only a summary
            continue
        assert report["summary"]["parsing_errors"] == 0
        for failed in report["results"]["failed_checks"]:
            finding = (failed["check_id"], failed["resource"].rsplit(".", 1)[1])
            findings[Path(failed["file_path"]).name].add(finding)
    return findings


@pytest.fixture(scope="module")
def prod_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return package_template(tmp_path_factory.mktemp("prod"), "prod")


@pytest.fixture(scope="module")
def scanned(
    prod_template: Path, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, set[Finding]]:
    # Beside the packaged template, one the scan must fail: an open, unencrypted bucket.
    canary = tmp_path_factory.mktemp("canary") / "canary.json"
    canary.write_text(
        json.dumps(
            {
                "AWSTemplateFormatVersion": "2010-09-09",
                "Resources": {"OpenBucket": {"Type": "AWS::S3::Bucket", "Properties": {}}},
            }
        )
    )
    return checkov(prod_template, canary)


# cfn-lint expands the SAM transform (~45 s each on the shared machine) and checkov takes ~10 s of
# CPU to start (minutes of wall time under load): `make test` and CI run these, the fast suite
# leaves them out.
@pytest.mark.slow
@pytest.mark.parametrize("stage", ["dev", "prod"])
def test_the_packaged_template_passes_cfn_lint_in_every_stage(
    stage: str, tmp_path: Path, prod_template: Path
) -> None:
    template = prod_template if stage == "prod" else package_template(tmp_path, stage)
    result = subprocess.run(
        [str(CFN_LINT), str(template)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_waiver_names_a_check_and_resources_and_gives_a_reason() -> None:
    waived = waivers()
    assert waived
    for (check, resource), reason in waived.items():
        assert check.startswith("CKV"), check
        assert resource.isidentifier(), resource
        assert len(reason) > 40, f"{check} {resource}: say why"


@pytest.mark.slow
def test_checkov_finds_nothing_on_the_packaged_template_that_is_not_waived(
    scanned: dict[str, set[Finding]],
) -> None:
    unwaived = sorted(scanned["sam.json"] - set(waivers()))
    assert not unwaived, f"fix these, or waive them with a reason in {WAIVERS.name}: {unwaived}"


@pytest.mark.slow
def test_every_waiver_still_matches_a_checkov_finding(scanned: dict[str, set[Finding]]) -> None:
    stale = sorted(set(waivers()) - scanned["sam.json"])
    assert not stale, f"fixed: remove these from {WAIVERS.name}: {stale}"


@pytest.mark.slow
def test_checkov_reports_what_the_waivers_do_not_cover(scanned: dict[str, set[Finding]]) -> None:
    assert ("CKV_AWS_21", "OpenBucket") in scanned["canary.json"]  # no versioning
    assert ("CKV_AWS_21", "OpenBucket") not in waivers()
