"""The decision step (RULEBOOK §0): findings in, approve / reject / human review out.

Small and pure. The whole of the doubt rule lives here:

* a hit at or above ``thresholds.reject`` is a clear violation: the listing is
  rejected with that reason (whatever side the doubt falls on);
* an unsure hit on the platform's side (``prohibited``, ``offensive``,
  ``inconsistent``) never approves silently: human review;
* an unsure hit on the seller's side approves, with the finding kept as a warning.

A clear violation wins over a doubt: the rejection already returns the listing
to the seller, and its next version is reviewed again from the start.
"""

from __future__ import annotations

from collections.abc import Iterable

from shelfcheck.model import DecisionKind, Doubt, Finding, Outcome, Reason, ReasonOut
from shelfcheck.policy import Thresholds

_REASON_ORDER = {reason: index for index, reason in enumerate(Reason)}


def outcome_for(doubt: Doubt, confidence: float, thresholds: Thresholds) -> Outcome:
    """The outcome of one hit from its doubt side and confidence."""
    if confidence >= thresholds.reject:
        return "reject"
    if doubt is Doubt.PLATFORM and confidence >= thresholds.review:
        return "review"
    return "warn"


def decide(findings: Iterable[Finding]) -> tuple[DecisionKind, list[ReasonOut]]:
    """The decision and its reasons (each reason once, in the moderator tool's order)."""
    findings = list(findings)
    rejecting = [f for f in findings if f.outcome == "reject"]
    if rejecting:
        comments: dict[Reason, str | None] = {}
        for finding in rejecting:
            if finding.reason not in comments or comments[finding.reason] is None:
                comments[finding.reason] = finding.comment
        reasons = [
            ReasonOut(code=code, comment=comments[code])
            for code in sorted(comments, key=_REASON_ORDER.__getitem__)
        ]
        return "reject", reasons
    if any(f.outcome == "review" for f in findings):
        return "human_review", []
    return "approve", []
