"""The demo's last step: a data-subject access bundle for one demo author (issue 9)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from uppsikt import infra
from uppsikt.dsr.bundle import language_for, write
from uppsikt.model.events import Platform

if TYPE_CHECKING:
    from uppsikt.local.stack import EmbeddedAWS

# Mette Hansen, who comments twice on Seko's Page in events/meta/facebook-feed-comments.json.
ORG, PLATFORM, AUTHOR = "seko", Platform.FACEBOOK, "7300112233445566"
OUT = infra.REPO / ".uppsikt" / "dsr"


def access_bundle(aws: EmbeddedAWS) -> dict[str, Any]:
    """Answer an access request for the demo author; what the bundle holds, and where it is."""
    answer = aws.runtime.dsr_desk().access(ORG, PLATFORM, AUTHOR)
    assert answer.bundle is not None
    lang = language_for(answer.bundle["organisation"]["languages"])
    data, text = write(answer.bundle, lang, OUT)
    return {
        "request_id": answer.request.request_id,
        "organisation": ORG,
        "counts": answer.bundle["counts"],
        "bundle": str(data.relative_to(infra.REPO)),
        "summary": str(text.relative_to(infra.REPO)),
    }
