"""The one entry point: ``review(listing, *, policy, tools) -> Decision``.

Pure: no database, no server, no network (photos are read through the tools).
The CLI, the service and the batch engine are thin adapters over this function.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from shelfcheck.decide import decide, outcome_for
from shelfcheck.facts import Facts
from shelfcheck.model import Decision, Finding, Listing, QualityWarning
from shelfcheck.policy import Policy
from shelfcheck.rule import Hit, Rule
from shelfcheck.rules import RULES
from shelfcheck.tools import Tools

log = logging.getLogger(__name__)

def _finding(rule: Rule, hit: Hit, policy: Policy) -> Finding:
    outcome = outcome_for(rule.doubt, hit.confidence, policy.meta.thresholds)
    return Finding(
        rule=rule.id,
        reason=rule.reason,
        outcome=outcome,
        confidence=round(hit.confidence, 3),
        field=hit.field,
        evidence=hit.evidence[:500],
        span=hit.span,
        message=hit.message or rule.summary,
        comment=hit.comment or rule.comment,
    )


def _crash_finding(rule: Rule, exc: Exception) -> Finding:
    """A rule that raised leaves a finding for people: a crash never approves silently."""
    return Finding(
        rule=rule.id,
        reason=rule.reason,
        outcome="review",
        confidence=0.0,
        field="listing",
        evidence=f"{type(exc).__name__}: {exc}"[:200],
        message=f"check {rule.id} could not run on this listing; a person must look",
        comment=rule.comment,
    )


def quality_score(warnings_points: int, findings: Sequence[Finding]) -> int:
    """The 0-100 machine-review score: quality hints and seller-side doubts take points
    off; a rejection caps it at 40 (the listing cannot go live as it is)."""
    score = 100 - warnings_points - 5 * sum(1 for f in findings if f.outcome == "warn")
    if any(f.outcome == "reject" for f in findings):
        score = min(score, 40)
    return max(0, min(100, score))


def review(
    listing: Listing,
    *,
    policy: Policy,
    tools: Tools,
    rules: Sequence[Rule] = RULES,
    photos: bool = True,
) -> Decision:
    """Review one listing against ``policy`` and decide (RULEBOOK §0).

    ``photos=False`` judges the listing on its text alone, as if it had no photos
    (``shelfcheck review --no-photos``); the decision says so in ``skipped``.
    """
    skipped: list[str] = []
    if not photos and listing.photos:
        listing = listing.model_copy(update={"photos": []})
        skipped.append("photo rules: skipped on request (--no-photos)")
    elif not listing.photos:
        skipped.append("photo rules: the listing has no photos (RULEBOOK §14)")
    elif policy.photo.nudity.enabled and tools.nudity is None:
        skipped.append(
            "OFFENSIVE-1 on photos: not run (the optional nudity extra, nudenet, is not installed)"
        )
    if listing.photos and policy.photo.ocr.enabled and tools.ocr.cyrillic is None:
        skipped.append(
            f"Cyrillic text on photos: not read ({tools.ocr.cyrillic_missing}); "
            "a line the OCR cannot read counts as not English"
        )
    facts = Facts(listing, policy, tools)
    findings: list[Finding] = []
    warnings: list[QualityWarning] = []
    points = 0
    for rule in rules:
        if rule.needs_photos and not listing.photos:
            continue
        try:
            hits = list(rule.func(facts, policy))
        except Exception as exc:  # a broken rule must never approve by accident
            log.exception("rule %s failed on listing %s", rule.id, listing.id)
            findings.append(_crash_finding(rule, exc))
            continue
        for hit in hits:
            if rule.kind == "quality":
                warnings.append(QualityWarning(rule=rule.id, message=hit.message or rule.summary))
                points += hit.points
            else:
                findings.append(_finding(rule, hit, policy))
    decision, reasons = decide(findings)
    return Decision(
        id=listing.id,
        decision=decision,
        reasons=reasons,
        findings=findings,
        warnings=warnings,
        quality_score=quality_score(points, findings),
        policy_version=policy.version,
        skipped=skipped,
    )
