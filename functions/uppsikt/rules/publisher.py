"""Rule kind `publisher`: official posts made by someone who is not a designated admin (R2).

Regulation §5(a) R2 `authorised_publisher`: a post or reply from an official account must be
made by a designated admin with a mandate to speak for the organisation. «Innlegget ble
publisert av en bruker uten publiseringsmandat.»

The rule reads the context, not the text: for an official item (`context.official`) whose
author pseudonym (`context.author`) is not among the organisation's designated admins on that
platform (`context.designated_admins`), it reports one finding spanning the text. The admins come
from the registry, where they are listed per organisation and platform as platform user ids and
pseudonymised when the registry is published, so they compare equal to the authors the pipeline
pseudonymises; nobody writes pseudonyms into a policy file. It reports nothing:

- for visitors' items (they are not published on the organisation's behalf);
- when the author is unknown (`context.author` is None), or is the official account itself
  (`context.account_pseudonym`: a Facebook Page's own post names the Page, not the admin who
  wrote it): the platform did not say who posted, and guessing would blame someone;
- when the organisation lists no admins on the platform (or is not known): the rule is not
  configured there yet. An empty list does not mean "nobody may post", which would flag every
  official post.

The finding carries no pseudonym in its label or mask.
"""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import Field

from uppsikt.rules.registry import NO_CONTEXT, Finding, Params, RuleContext, register

__all__ = ["PublisherDetector", "PublisherParams"]


class PublisherParams(Params):
    confidence: float = Field(default=0.9, ge=0.0, le=1.0)


@register("publisher", params=PublisherParams, vocabulary="publisher")
class PublisherDetector:
    """Official items whose author is not a designated admin; see the module docstring."""

    __slots__ = ("_confidence",)

    def __init__(self, params: PublisherParams) -> None:
        self._confidence = params.confidence

    def find(self, text: str, context: RuleContext = NO_CONTEXT) -> Sequence[Finding]:
        admins = context.designated_admins
        if not admins or not context.official or context.author is None:
            return ()
        author = context.author.strip()
        if author in admins or author == context.account_pseudonym:
            return ()
        return (
            Finding(
                0,
                len(text),
                self._confidence,
                "publisher not among designated admins",
                "",
            ),
        )
