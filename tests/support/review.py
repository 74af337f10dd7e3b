"""The review API on the embedded AWS (moto's server on loopback, so the pool's JWKS is fetched
over HTTP as in a deployment), with users per role and seeded flags, and a small HTTP client."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from support.stack import REGISTRY
from uppsikt.accounts.registry import load as load_registry
from uppsikt.audit.model import AuditEntry
from uppsikt.local.review_seed import DEMO_PASSWORD, Seeded, add_demo_users, seed_flags
from uppsikt.local.stack import EmbeddedAWS

ORGS = ("seko", "kommunal")


@dataclass
class Answer:
    status: int
    body: Any


@dataclass
class ReviewStack:
    aws: EmbeddedAWS
    url: str
    subs: dict[str, str]
    flags: dict[str, list[Seeded]]
    tokens: dict[str, str] = field(default_factory=dict)

    def token(self, username: str) -> str:
        if username not in self.tokens:
            answer = self.call("POST", "/auth/login", None,
                               {"username": username, "password": DEMO_PASSWORD})  # fmt: skip
            assert answer.status == 200, answer.body
            self.tokens[username] = answer.body["id_token"]
        return self.tokens[username]

    def call(
        self, method: str, path: str, user: str | None, body: Any = None, token: str | None = None
    ) -> Answer:
        headers = {"Content-Type": "application/json"}
        bearer = token or (self.token(user) if user else None)
        if bearer:
            headers["Authorization"] = f"Bearer {bearer}"
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.url + path, data=data, headers=headers, method=method)
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return Answer(response.status, json.loads(response.read() or b"null"))
        except urllib.error.HTTPError as exc:
            raw = exc.read()
            return Answer(exc.code, json.loads(raw) if raw else None)

    def audit(self, org_id: str, target: str | None = None) -> list[AuditEntry]:
        """The organisation's audit entries (the real hash-chained log), optionally of one flag."""
        found: list[AuditEntry] = []
        cursor = None
        while True:
            page, cursor = self.aws.runtime.audit_log.entries(org_id, limit=500, cursor=cursor)
            found += [e for e in page if target is None or e.target == target]
            if cursor is None:
                return found


@contextmanager
def review_stack(flags_per_org: int = 12, start: datetime | None = None) -> Iterator[ReviewStack]:
    """`start`: when the first seeded flag was created (a minute apart after it); by default a
    few minutes ago, which a test that names a week or a day must not rely on."""
    with EmbeddedAWS() as aws:
        aws.publish_policy()
        aws.publish_registry(load_registry(REGISTRY))
        subs = add_demo_users(aws.runtime.directory, list(ORGS))
        flags = {org: seed_flags(aws.runtime, org, flags_per_org, start=start) for org in ORGS}
        yield ReviewStack(aws, aws.serve_review(), subs, flags)
