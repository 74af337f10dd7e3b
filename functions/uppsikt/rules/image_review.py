"""Rule kind `image_review`: an official post with photos or video needs a human look.

A photo of identifiable people, children, or members at a union meeting (which reveals union
membership, GDPR Art. 9) needs consent or another lawful basis. Nothing in the text can tell, so
the rule asks for review whenever an official post carries such media.
"""

from __future__ import annotations

from collections.abc import Sequence

from uppsikt.rules.registry import NO_CONTEXT, Finding, Params, RuleContext, register


class ImageReviewParams(Params):
    media: tuple[str, ...] = ("photo", "video")
    only_official: bool = True


@register("image_review", params=ImageReviewParams, vocabulary="image")
class ImageReviewDetector:
    def __init__(self, params: ImageReviewParams) -> None:
        self._media = frozenset(params.media)
        self._only_official = params.only_official

    def find(self, text: str, context: RuleContext = NO_CONTEXT) -> Sequence[Finding]:
        if self._only_official and not context.official:
            return ()
        found = sorted(self._media.intersection(context.media))
        if not found:
            return ()
        label = "official post with " + " and ".join(found) + ": check consent and Art. 9"
        return (Finding(start=0, end=0, confidence=0.6, label=label, mask=""),)
