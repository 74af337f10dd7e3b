"""The packaged SAM template alone, in seconds: what `uppsikt package` writes as `sam.json`,
without building the 50 MiB artefact beside it (minutes). The scanners in the test suite
(cfn-lint, checkov) read it; tests/infra/test_package.py checks the two are the same."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from uppsikt import infra
from uppsikt.operations.package import chalice_package, check_runtime, write_merge_template

FUNCTIONS = infra.REPO / "functions"


def package_template(out: Path, stage: str = "dev") -> Path:
    """Write the stage's SAM template to `out/sam.json`; returns its path.

    Chalice builds its template from the app's routes and chalice.json; what it would install
    (requirements, vendor/) only goes into the zip, so a project without them gives the same
    template."""
    out = out.resolve()
    with tempfile.TemporaryDirectory() as tmp:
        project = Path(tmp) / "functions"
        (project / ".chalice").mkdir(parents=True)
        for name in ("app.py", "review_app.py"):
            shutil.copy(FUNCTIONS / name, project / name)
        shutil.copy(FUNCTIONS / ".chalice" / "config.json", project / ".chalice" / "config.json")
        (project / "requirements.txt").write_text("")
        merge = write_merge_template(Path(tmp) / "merge-template.json")
        built = Path(tmp) / "package"
        chalice_package(project, stage, merge, built, quiet=True)
        check_runtime(built / "sam.json")
        out.mkdir(parents=True, exist_ok=True)
        return Path(shutil.copy(built / "sam.json", out / "sam.json"))
