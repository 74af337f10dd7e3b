"""The JSON Schema of a policy file, exported for editors; a test keeps the file current."""

from __future__ import annotations

import json

from uppsikt import infra
from uppsikt.policy.model import PolicyDocument

SCHEMA_FILE = infra.REPO / "policies" / "policy.schema.json"


def schema_json() -> str:
    schema = PolicyDocument.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "Uppsikt policy pack"
    return json.dumps(schema, indent=2, ensure_ascii=False, sort_keys=True) + "\n"
