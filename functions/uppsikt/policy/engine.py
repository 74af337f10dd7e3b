"""Compile a validated policy document once, then evaluate events against it."""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field

from pydantic import ValidationError

from uppsikt.model.events import NormalisedEvent
from uppsikt.model.verdict import Hit, Verdict
from uppsikt.policy.errors import PolicyInvalid, Problem
from uppsikt.policy.model import (
    Authors,
    Example,
    ExampleCase,
    PolicyDocument,
    PolicyException,
    RuleSpec,
)
from uppsikt.retention.schedule import Schedule, shipped
from uppsikt.rules import kinds as _kinds  # noqa: F401  (registers every rule kind)
from uppsikt.rules.anchors import AnchorScan, Loose, Needs, scan_text
from uppsikt.rules.registry import (
    NO_CONTEXT,
    Detector,
    Finding,
    RuleContext,
    kind_spec,
    known_kinds,
)

_NOT_DIGITS = re.compile(r"\D")
_SCOPES_KEPT = 256


def _comparable(value: str) -> str:
    """E-mail addresses compare case-insensitively; numbers by their last eight digits, so
    "+46 8 123 456 00" and "08-123 456 00" are the same switchboard."""
    value = value.strip()
    if "@" in value:
        return value.lower()
    # Any script's decimal digits count as their ASCII value ("１２３" is "123"), as the
    # identifier rules read them (rules/idtext.py).
    digits = "".join(str(unicodedata.decimal(c)) for c in _NOT_DIGITS.sub("", value))
    return digits[-8:] if len(digits) >= 8 else digits


@dataclass(frozen=True, slots=True)
class CompiledRule:
    spec: RuleSpec
    detector: Detector
    reports_as: str
    # This rule's bit in the pack's anchor scan (rules/anchors.py); 0: the rule has no anchors.
    bit: int = 0
    # Whose anchor text this rule reads: its detector's class, which reads it from the comment
    # alone (several rules share a kind), or the detector itself when its params decide it
    # (`ANCHOR_TEXT_PER_RULE` on the class).
    anchor_key: object = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        kind = type(self.detector)
        per_rule = getattr(kind, "ANCHOR_TEXT_PER_RULE", False)
        object.__setattr__(self, "anchor_key", self.detector if per_rule else kind)

    def applies(self, context: RuleContext) -> bool:
        scope = self.spec.applies_to
        if context.platform and scope.platforms and context.platform not in scope.platforms:
            return False
        if (
            context.object_kind
            and scope.object_kinds
            and context.object_kind not in scope.object_kinds
        ):
            return False
        if scope.authors is Authors.VISITORS and context.official:
            return False
        if scope.authors is Authors.OFFICIAL and not context.official:
            return False
        if scope.org_types and context.org_type not in scope.org_types:
            return False
        return not (
            scope.jurisdictions
            and context.jurisdiction is not None
            and context.jurisdiction not in scope.jurisdictions
        )

    def hits(self, text: str, context: RuleContext = NO_CONTEXT) -> list[Hit]:
        return self.to_hits(self.detector.find(text, context))

    def to_hits(self, findings: Sequence[Finding]) -> list[Hit]:
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
            for f in findings
        ]


@dataclass(frozen=True, slots=True)
class CompiledPolicy:
    id: str
    version: str
    document: PolicyDocument
    rules: tuple[CompiledRule, ...]
    waived: dict[str, frozenset[str]]  # verdict kind -> comparable values that are not findings
    # The rules that apply, by the parts of a context `CompiledRule.applies` reads: the same few
    # scopes come back for every item, and checking twelve rules' scopes costs more than a
    # detector that finds nothing.
    _scoped: dict[tuple[object, ...], tuple[CompiledRule, ...]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )
    # The anchor scan of the rules with anchors, built on the first comment (one element).
    _scan: list[AnchorScan | None] = field(
        default_factory=list, init=False, repr=False, compare=False
    )
    # The verdict without hits, by language: most comments get it, and a Verdict is frozen, so
    # one instance serves them all (validating a new one cost ~1.2 µs of each comment).
    _clean: dict[str | None, Verdict] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def evaluate_text(self, text: str, context: RuleContext = NO_CONTEXT) -> Verdict:
        hits: list[Hit] = []
        # Why: on DKHate most comments hold no anchor of most text rules, and one Aho-Corasick
        # scan for all of them replaced up to eleven regex passes: 121 -> 93 µs per comment in
        # one run (docs/quality.md, "Anchor prefilter"). Hits are the same (rules/anchors.py).
        scan = self._scan[0] if self._scan else self._anchor_scan()
        scanned: dict[str, int] = {}  # text scanned for anchors -> the rules' bits it held
        # A kind's anchor text depends on the comment only (anchors.Anchored), so it is read
        # once per kind: several rules share a kind (four lexicon rules); a kind whose params
        # decide it is read per rule (`CompiledRule.anchor_key`). -1: every bit.
        by_kind: dict[object, int] = {}
        for rule in self._rules_for(context):
            if rule.bit and scan is not None:
                present = by_kind.get(rule.anchor_key)
                if present is None:
                    anchor_text = rule.detector.anchor_text(text)  # type: ignore[attr-defined]
                    if anchor_text is None:
                        present = -1
                    elif type(anchor_text) is Loose:
                        # Never from `scanned`: a Loose text equals its plain one as a key.
                        present = scan.present_loose(scan_text(anchor_text))
                    else:
                        present = scanned.get(anchor_text)
                        if present is None:
                            present = scanned[anchor_text] = scan.present(scan_text(anchor_text))
                    by_kind[rule.anchor_key] = present
                if not present & rule.bit:
                    continue  # the rule's regex cannot match: none of its anchors is here
            found = rule.detector.find(text, context)
            if found:
                hits.extend(h for h in rule.to_hits(found) if not self.waives(h, text))
        if not hits:
            clean = self._clean.get(context.lang)
            if clean is None:
                clean = Verdict(policy_id=self.id, policy_version=self.version, lang=context.lang)
                if len(self._clean) < _SCOPES_KEPT:
                    self._clean[context.lang] = clean
            return clean
        if len(hits) > 1:
            hits.sort(key=lambda h: (h.start, h.end, h.rule))
        return Verdict(
            policy_id=self.id, policy_version=self.version, hits=tuple(hits), lang=context.lang
        )

    def _anchor_scan(self) -> AnchorScan | None:
        # Group i holds the anchors of the rule with bit 1 << i. A policy made from some of
        # another's rules keeps their bits: a missing group is empty, its bit always set.
        groups: list[tuple[str, ...] | Needs] = []
        for rule in self.rules:
            if rule.bit:
                index = rule.bit.bit_length() - 1
                groups.extend(() for _ in range(index + 1 - len(groups)))
                # A rule whose hit needs several anchors together says so (anchors.Needs).
                needs = getattr(rule.detector, "anchor_needs", None)
                groups[index] = needs or rule.detector.anchors  # type: ignore[attr-defined]
        scan = AnchorScan(groups) if groups else None
        self._scan[:] = [scan]
        return scan

    def _rules_for(self, context: RuleContext) -> tuple[CompiledRule, ...]:
        key = (
            context.platform,
            context.object_kind,
            context.official,
            context.org_type,
            context.jurisdiction,
        )
        rules = self._scoped.get(key)
        if rules is None:
            rules = tuple(rule for rule in self.rules if rule.applies(context))
            if len(self._scoped) >= _SCOPES_KEPT:
                self._scoped.clear()  # unusual: many platforms x kinds x jurisdictions
            self._scoped[key] = rules
        return rules

    def waives(self, hit: Hit, text: str) -> bool:
        """True when an exception of the policy says this hit is not a finding."""
        values = self.waived.get(hit.kind)
        return values is not None and _comparable(text[hit.start : hit.end]) in values

    def evaluate(
        self,
        event: NormalisedEvent,
        *,
        org_type: str = "union",
        jurisdiction: str | None = None,
        lang: str | None = None,
        designated_admins: frozenset[str] | None = None,
        account_pseudonym: str | None = None,
    ) -> Verdict:
        """Judge one event in its organisation's context (org type, jurisdiction, admins) and
        its detected language; the verdict records the language it was judged in."""
        context = RuleContext(
            platform=event.platform.value,
            object_kind=event.object_kind.value,
            official=not event.is_visitor_content,
            author=event.author.pseudonym if event.author else None,
            lang=lang,
            org_type=org_type,
            jurisdiction=jurisdiction,
            media=tuple(a.kind.value for a in event.attachments),
            designated_admins=designated_admins,
            account_pseudonym=account_pseudonym,
        )
        return self.evaluate_text(event.text or "", context)

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


def _waivers(exceptions: tuple[PolicyException, ...]) -> dict[str, frozenset[str]]:
    waived: dict[str, set[str]] = {}
    for exception in exceptions:
        for kind in exception.kinds:
            waived.setdefault(kind, set()).update(_comparable(v) for v in exception.values)
    return {kind: frozenset(values) for kind, values in waived.items()}


def compile_policy(
    document: PolicyDocument, *, file: str = "<stored policy>", schedule: Schedule | None = None
) -> CompiledPolicy:
    """Build every rule's detector, collecting every problem before raising `PolicyInvalid`.
    Every rule's `retention_class` must be a class of the retention schedule (the shipped one
    unless another is given)."""
    schedule = schedule or shipped()
    problems: list[Problem] = []
    compiled: list[CompiledRule] = []
    if document.extends is not None:
        problems.append(Problem(file, None, "extends", "flatten the pack before compiling it"))
    for spec in document.rules:
        if spec.retention_class not in schedule.classes:
            problems.append(
                Problem(
                    file,
                    spec.id,
                    "retention_class",
                    f"unknown class {spec.retention_class!r}: not in the retention schedule",
                )
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
            for err in exc.errors(include_input=False):
                loc = ".".join(str(part) for part in ("params", *err["loc"]))
                problems.append(Problem(file, spec.id, loc, err["msg"]))
            continue
        detector = kind.build(params)
        reports_as = str(getattr(detector, "reports_as", kind.vocabulary))
        bit = 0
        # On the class: isinstance(detector, Anchored) would read the `anchors` property, which
        # is made on the first comment, not in the compile.
        if hasattr(type(detector), "anchor_text"):
            bit = 1 << sum(1 for rule in compiled if rule.bit)
        compiled.append(CompiledRule(spec, detector, reports_as, bit))
    if problems:
        raise PolicyInvalid(problems)
    return CompiledPolicy(
        document.id,
        content_version(document),
        document,
        tuple(compiled),
        _waivers(document.exceptions),
    )


@dataclass(frozen=True, slots=True)
class ExampleFailure:
    rule: str
    text: str
    expected: bool

    def __str__(self) -> str:
        wanted = "should trigger" if self.expected else "should not trigger"
        return f"{self.rule}: {wanted}: {self.text!r}"


def example_context(rule: RuleSpec, example: Example) -> tuple[str, RuleContext]:
    """The text of an example and the context to run it in: what the example says, else what
    the rule applies to (an official-only rule is tried on an official post, and so on)."""
    case = example if isinstance(example, ExampleCase) else ExampleCase(text=example)
    scope = rule.applies_to
    official = case.official if case.official is not None else scope.authors is Authors.OFFICIAL
    org_type = case.org_type or (scope.org_types[0] if scope.org_types else "union")
    jurisdiction = case.jurisdiction or (scope.jurisdictions[0] if scope.jurisdictions else None)
    return case.text, RuleContext(
        official=official,
        org_type=org_type,
        jurisdiction=jurisdiction,
        author=case.author,
        lang=case.lang,
        media=case.media,
        hours_since_last_post=case.hours_since_last_post,
        business_hours_unanswered=case.business_hours_unanswered,
        designated_admins=(
            None if case.designated_admins is None else frozenset(case.designated_admins)
        ),
    )


def example_hits(policy: CompiledPolicy, rule: CompiledRule, example: Example) -> list[Hit]:
    """Hits of one rule on one of its examples, with the policy's exceptions applied."""
    text, context = example_context(rule.spec, example)
    return [h for h in rule.hits(text, context) if not policy.waives(h, text)]


def check_examples(policy: CompiledPolicy) -> list[ExampleFailure]:
    """Run every rule's own examples against that rule alone."""
    failures: list[ExampleFailure] = []
    for rule in policy.rules:
        for expected, examples in (
            (True, rule.spec.examples.trigger),
            (False, rule.spec.examples.no_trigger),
        ):
            for example in examples:
                if bool(example_hits(policy, rule, example)) is not expected:
                    text = example if isinstance(example, str) else example.text
                    failures.append(ExampleFailure(rule.spec.id, text, expected=expected))
    return failures
