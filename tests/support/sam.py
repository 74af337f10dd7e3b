"""The SAM template `make package` writes, built in-process without building the artefact.

`chalice package` resolves the app's functions, schedules and queues into a template, then
deep-merges infra/ into it (uppsikt/infra.py `merge_all`). Building the zip (a pip install of
every dependency) is what makes it slow, and the template does not depend on it: here Chalice's
own graph builder and SAM generator run with a placeholder artefact name and no API definition
body, then the same merger as `chalice package --merge-template`.
"""

from __future__ import annotations

import os
from functools import cache
from typing import Any, cast

from support.paths import REPO
from uppsikt import infra


@cache
def packaged_template(stage: str = "prod") -> dict[str, Any]:
    import botocore.session
    from chalice.awsclient import TypedAWSClient
    from chalice.cli.factory import CLIFactory
    from chalice.deploy import models
    from chalice.deploy.appgraph import ApplicationGraphBuilder, DependencyBuilder
    from chalice.package import PackageOptions, SAMTemplateGenerator, TemplateDeepMerger

    os.environ.setdefault("AWS_DEFAULT_REGION", "eu-north-1")  # Chalice asks; it is not used
    config = CLIFactory(project_dir=str(REPO / "functions")).create_config_obj(
        chalice_stage_name=stage
    )
    resources = DependencyBuilder().build_dependencies(
        ApplicationGraphBuilder().build(config, stage)
    )
    for resource in resources:
        if isinstance(resource, models.DeploymentPackage):
            resource.filename = "./deployment.zip"
        if isinstance(resource, models.RestAPI):
            resource.swagger_doc = {}  # the routes' definition: not what these tests read
    options = PackageOptions(TypedAWSClient(botocore.session.get_session()))
    template = SAMTemplateGenerator(config, options).generate(resources)
    merged: dict[str, Any] = TemplateDeepMerger().merge(infra.merge_all(), template)
    return merged


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
