"""docs/review-api.openapi.yaml against the app: the same routes, and Schemathesis (property-based
requests generated from the document) against the served app finds no 5xx and no answer that
breaks the document. Bounded: a few examples per operation, about 30 s in all."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
import yaml
from hypothesis import HealthCheck, given, settings
from schemathesis.core.result import Err
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from review_app import app
from support.paths import REPO
from support.review import ReviewStack, review_stack
from uppsikt.local.review_seed import DEMO_PASSWORD
from uppsikt.review.model import Role

DOCUMENT = REPO / "docs" / "review-api.openapi.yaml"
EXAMPLES_PER_OPERATION = 12


def test_the_openapi_document_describes_exactly_the_apps_routes() -> None:
    document = yaml.safe_load(DOCUMENT.read_text(encoding="utf-8"))
    documented = {
        (path, method.upper())
        for path, operations in document["paths"].items()
        for method in operations
        if method in ("get", "put", "post", "delete", "patch")
    }
    served = {(path, method) for path, methods in app.routes.items() for method in methods}
    assert documented == served


@pytest.fixture(scope="module")
def st() -> Iterator[ReviewStack]:
    with review_stack(flags_per_org=4) as built:
        built.aws.runtime.directory.add_user(
            "seko-everything", DEMO_PASSWORD, [("seko", role) for role in Role]
        )
        yield built


def operations() -> list[Any]:
    schema = schemathesis.openapi.from_path(DOCUMENT)
    found = []
    for result in schema.get_all_operations():
        assert not isinstance(result, Err), "the document has an operation Schemathesis rejects"
        found.append(result.ok())
    return found


@pytest.mark.parametrize("operation", operations(), ids=lambda op: f"{op.method} {op.path}")
def test_generated_requests_get_no_5xx_and_answers_that_match_the_document(
    st: ReviewStack, operation: Any
) -> None:
    headers = {"Authorization": f"Bearer {st.token('seko-everything')}"}
    known = {"org": "seko", "flag_id": st.flags["seko"][0].flag_id}
    fixed = {k: v for k, v in known.items() if "{" + k + "}" in operation.path}
    checks = [
        schemathesis.checks.not_a_server_error,
        status_code_conformance,
        content_type_conformance,
        response_schema_conformance,
    ]

    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(path_parameters=fixed or None))
    def run(case: Any) -> None:
        case.call_and_validate(base_url=st.url, headers=headers, checks=checks)

    run()
