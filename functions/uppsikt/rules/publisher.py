"""Rule kind `publisher`: official posts made by someone who is not a designated admin (R2).

Regulation §5(a) R2 `authorised_publisher`: a post or reply from an official account must be
made by a designated admin with a mandate to speak for the organisation. «Innlegget ble
publisert av en bruker uten publiseringsmandat.»

The rule reads the context, not the text: for an official item (`context.official`) whose
author pseudonym (`context.author`) is not in `designated_admins`, it reports one finding
spanning the text. It reports nothing:

- for visitors' items (they are not published on the organisation's behalf);
- when the author is unknown (`context.author` is None): the platform did not say who posted,
  and guessing would blame someone;
- when `designated_admins` is empty: the rule is not configured yet. An empty list does not
  mean "nobody may post", which would flag every official post; a tenant that wants that
  should say so with a list holding one placeholder pseudonym.

`designated_admins` holds the same pseudonyms the pipeline puts in `context.author` (never raw
platform ids); they are compared exactly, after trimming whitespace. The finding carries no
pseudonym in its label or mask.
"""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import Field, field_validator

from uppsikt.rules.registry import NO_CONTEXT, Finding, Params, RuleContext, register

__all__ = ["PublisherDetector", "PublisherParams"]


class PublisherParams(Params):
    designated_admins: tuple[str, ...] = ()
    confidence: float = Field(default=0.9, ge=0.0, le=1.0)

    @field_validator("designated_admins")
    @classmethod
    def _pseudonyms(cls, values: tuple[str, ...]) -> tuple[str, ...]:
        cleaned = tuple(v.strip() for v in values)
        if any(not v for v in cleaned):
            raise ValueError("a designated admin pseudonym is empty")
        return cleaned


@register("publisher", params=PublisherParams, vocabulary="publisher")
class PublisherDetector:
    """Official items whose author is not a designated admin; see the module docstring."""

    __slots__ = ("_admins", "_confidence")

    def __init__(self, params: PublisherParams) -> None:
        self._admins = frozenset(params.designated_admins)
        self._confidence = params.confidence

    def find(self, text: str, context: RuleContext = NO_CONTEXT) -> Sequence[Finding]:
        if not self._admins or not context.official or context.author is None:
            return ()
        if context.author.strip() in self._admins:
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
