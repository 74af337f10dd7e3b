"""Compile a validated policy document once, then evaluate events against it."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from pydantic import ValidationError

from uppsikt.model.events import NormalisedEvent, ObjectKind, Platform
from uppsikt.model.verdict import Hit, Verdict
from uppsikt.policy.errors import PolicyInvalid, Problem
from uppsikt.policy.model import Authors, PolicyDocument, RetentionClass, RuleSpec
from uppsikt.rules import kinds as _kinds  # noqa: F401  (registers every rule kind)
from uppsikt.rules.registry import Detector, kind_spec, known_kinds


@dataclass(frozen=True, slots=True)
class CompiledRule:
    spec: RuleSpec
    detector: Detector
    reports_as: str

    def applies(self, platform: Platform | None, kind: ObjectKind | None, official: bool) -> bool:
        scope = self.spec.applies_to
        if platform is not None and scope.platforms and platform not in scope.platforms:
            return False
        if kind is not None and scope.object_kinds and kind not in scope.object_kinds:
            return False
        if scope.authors is Authors.VISITORS and official:
            return False
        return not (scope.authors is Authors.OFFICIAL and not official)

    def hits(self, text: str) -> list[Hit]:
        return [
            Hit(
                rule=self.spec.id,
                kind=self.reports_as,
                start=f.start,
                end=f.end,
                evidence=f.mask,
                severity=self.spec.severity,
                confidence=round(f.confidence, 3),
                source=self.spec.source,
                detail=f.label,
            )
            for f in self.detector.find(text)
        ]


@dataclass(frozen=True, slots=True)
class CompiledPolicy:
    id: str
    version: str
    document: PolicyDocument
    rules: tuple[CompiledRule, ...]

    def evaluate_text(
        self,
        text: str,
        *,
        platform: Platform | None = None,
        object_kind: ObjectKind | None = None,
        official: bool = False,
    ) -> Verdict:
        hits: list[Hit] = []
        for rule in self.rules:
            if rule.applies(platform, object_kind, official):
                hits.extend(rule.hits(text))
        hits.sort(key=lambda h: (h.start, h.end, h.rule))
        return Verdict(policy_id=self.id, policy_version=self.version, hits=tuple(hits))

    def evaluate(self, event: NormalisedEvent) -> Verdict:
        return self.evaluate_text(
            event.text or "",
            platform=event.platform,
            object_kind=event.object_kind,
            official=not event.is_visitor_content,
        )

    def retention(self, name: str) -> RetentionClass:
        return self.document.retention[name]

    def rule(self, rule_id: str) -> RuleSpec:
        for compiled in self.rules:
            if compiled.spec.id == rule_id:
                return compiled.spec
        raise KeyError(rule_id)


def content_version(document: PolicyDocument) -> str:
    """The document's own version plus a hash of its content, so an edit without a bump shows."""
    canonical = json.dumps(document.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
    digest = hashlib.sha256(canonical.encode()).hexdigest()[:12]
    return f"{document.version}+{digest}"


def compile_policy(document: PolicyDocument, *, file: str = "<stored policy>") -> CompiledPolicy:
    """Build every rule's detector, collecting every problem before raising `PolicyInvalid`."""
    problems: list[Problem] = []
    compiled: list[CompiledRule] = []
    for spec in document.rules:
        if spec.retention_class not in document.retention:
            problems.append(
                Problem(file, spec.id, "retention_class", f"unknown class {spec.retention_class!r}")
            )
        kind = kind_spec(spec.kind)
        if kind is None:
            problems.append(
                Problem(
                    file, spec.id, "kind", f"unknown kind {spec.kind!r}; known: {known_kinds()}"
                )
            )
            continue
        try:
            params = kind.params_model.model_validate(spec.params)
        except ValidationError as exc:
            for err in exc.errors():
                loc = ".".join(str(part) for part in ("params", *err["loc"]))
                problems.append(Problem(file, spec.id, loc, err["msg"]))
            continue
        detector = kind.build(params)
        reports_as = str(getattr(detector, "reports_as", kind.vocabulary))
        compiled.append(CompiledRule(spec, detector, reports_as))
    if problems:
        raise PolicyInvalid(problems)
    return CompiledPolicy(document.id, content_version(document), document, tuple(compiled))


@dataclass(frozen=True, slots=True)
class ExampleFailure:
    rule: str
    text: str
    expected: bool

    def __str__(self) -> str:
        wanted = "should trigger" if self.expected else "should not trigger"
        return f"{self.rule}: {wanted}: {self.text!r}"


def check_examples(policy: CompiledPolicy) -> list[ExampleFailure]:
    """Run every rule's own examples against that rule alone."""
    failures: list[ExampleFailure] = []
    for rule in policy.rules:
        for text in rule.spec.examples.trigger:
            if not rule.hits(text):
                failures.append(ExampleFailure(rule.spec.id, text, expected=True))
        for text in rule.spec.examples.no_trigger:
            if rule.hits(text):
                failures.append(ExampleFailure(rule.spec.id, text, expected=False))
    return failures
