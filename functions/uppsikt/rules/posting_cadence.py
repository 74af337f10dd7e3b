"""Rule kind `posting_cadence`: an official channel that has gone quiet for too long.

Seko's policy asks for at least one Facebook post a day. No single post shows a gap, so this rule
reads `context.hours_since_last_post`, which a scheduled job supplies when it checks each channel;
evaluated on an ordinary item (where that is unset) it never fires.
"""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import Field

from uppsikt.rules.registry import NO_CONTEXT, Finding, Params, RuleContext, register


class PostingCadenceParams(Params):
    platforms: tuple[str, ...] = ("facebook",)
    max_hours: float = Field(default=24.0, gt=0)


@register("posting_cadence", params=PostingCadenceParams, vocabulary="cadence")
class PostingCadenceDetector:
    def __init__(self, params: PostingCadenceParams) -> None:
        self._platforms = frozenset(params.platforms)
        self._max_hours = params.max_hours

    def find(self, text: str, context: RuleContext = NO_CONTEXT) -> Sequence[Finding]:
        hours = context.hours_since_last_post
        if hours is None or hours <= self._max_hours:
            return ()
        if context.platform is not None and context.platform not in self._platforms:
            return ()
        label = f"no official post for {hours:.0f} h (at most {self._max_hours:.0f} h)"
        return (Finding(start=0, end=0, confidence=1.0, label=label, mask=""),)
