"""The shared shape of "a term about an identifiable person" kinds (criminal allegations,
confidential personnel matters): a term hit counts only with a person cue in its sentence."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from uppsikt.rules.phrases import PhraseMatcher, cued_matches, mask_term, shared_person_cues
from uppsikt.rules.registry import NO_CONTEXT, Finding, RuleContext
from uppsikt.rules.text import normalise

# How much each kind of cue says that a real person is meant.
CUE_CONFIDENCE: Mapping[str, float] = {"name": 0.7, "role": 0.7, "pronoun": 0.55}


class PersonTermDetector:
    __slots__ = ("_cues", "_label", "_matcher", "_min_confidence")

    def __init__(
        self,
        matcher: PhraseMatcher[str],
        *,
        label: str,
        not_names: tuple[str, ...],
        min_confidence: float,
    ) -> None:
        self._matcher = matcher
        self._cues = shared_person_cues(not_names)
        self._label = label
        self._min_confidence = min_confidence

    @property
    def anchors(self) -> tuple[str, ...]:
        return self._matcher.anchors

    def anchor_text(self, text: str) -> str | None:
        """Every hit is a match of `_matcher` in the folded text (rules/anchors.py)."""
        return normalise(text, leet=False).text

    def find(self, text: str, context: RuleContext = NO_CONTEXT) -> Sequence[Finding]:
        findings: list[Finding] = []
        for _, start, end, near in cued_matches(self._matcher, self._cues, text, context.lang):
            confidence = max((CUE_CONFIDENCE.get(c.kind, 0.0) for c in near), default=0.0)
            if not confidence or confidence < self._min_confidence:
                continue
            findings.append(
                Finding(
                    start=start,
                    end=end,
                    confidence=confidence,
                    label=self._label,
                    mask=mask_term(text[start:end]),
                )
            )
        return findings
