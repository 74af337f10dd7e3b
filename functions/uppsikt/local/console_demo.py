"""`uppsikt demo --serve`: the review API and its console on the demo's stack, with one demo
user per role in every organisation of the registry (the review's own seed helpers)."""

from __future__ import annotations

from uppsikt.local.review_seed import DEMO_PASSWORD, add_demo_users
from uppsikt.local.stack import EmbeddedAWS
from uppsikt.review.model import Role


def serve_console(aws: EmbeddedAWS) -> str:
    """Serve the review app beside the webhooks; returns what to print: the console's URL and
    a login per role. The password is the embedded pool's, local only."""
    org_ids = [o.id for o in aws.runtime.registry.current().organisations]
    add_demo_users(aws.runtime.directory, org_ids)
    url = f"{aws.serve_review()}/console/"
    width = max(len(f"{org}-{role.value}") for org in org_ids for role in Role)
    lines = [f"Console: {url}  (password for every demo user: {DEMO_PASSWORD})"]
    for org in org_ids:
        logins = "  ".join(f"{f'{org}-{role.value}':<{width}}" for role in Role)
        lines.append(f"  {logins}")
    return "\n".join(lines)
