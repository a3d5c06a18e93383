"""Agreement of the machine with a labelled set (FORMATS §3).

Measures: exact agreement (same decision and same reason set), decision
accuracy over the three classes, per-reason precision / recall / F1 over
rejections, missed platform-side violations (expected ``prohibited``,
``offensive`` or ``inconsistent`` but approved), false rejections of clean
listings (expected approve, decided reject), the human-review rate, and the
confusion table. Pure functions over (expected, decision) pairs.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from shelfcheck.model import REASON_DOUBT, Decision, Doubt, Expected, Reason

DECISIONS = ("approve", "reject", "human_review")
PLATFORM_REASONS = frozenset(r for r, d in REASON_DOUBT.items() if d is Doubt.PLATFORM)


@dataclass(frozen=True, slots=True)
class Pair:
    id: str
    title: str
    expected: Expected
    decision: Decision

    @property
    def got_reasons(self) -> set[Reason]:
        return {r.code for r in self.decision.reasons}

    @property
    def exact(self) -> bool:
        return (
            self.expected.decision == self.decision.decision
            and set(self.expected.reasons) == self.got_reasons
        )

    @property
    def missed_platform(self) -> bool:
        return self.decision.decision == "approve" and bool(
            PLATFORM_REASONS & set(self.expected.reasons)
        )

    @property
    def false_rejection(self) -> bool:
        return self.expected.decision == "approve" and self.decision.decision == "reject"

    @property
    def severity(self) -> int:
        """How bad a disagreement is, for ordering the worst first."""
        if self.missed_platform:
            return 4
        if self.false_rejection:
            return 3
        if self.expected.decision != self.decision.decision:
            return 2
        return 0 if self.exact else 1


def _ratio(num: int, den: int) -> float:
    return round(num / den, 4) if den else 0.0


def metrics(pairs: Sequence[Pair]) -> dict[str, Any]:
    """All agreement metrics of FORMATS §3 as a JSON-ready dict."""
    n = len(pairs)
    confusion = Counter((p.expected.decision, p.decision.decision) for p in pairs)
    per_reason: dict[str, dict[str, float | int]] = {}
    for reason in Reason:
        tp = sum(1 for p in pairs if reason in p.expected.reasons and reason in p.got_reasons)
        fp = sum(1 for p in pairs if reason not in p.expected.reasons and reason in p.got_reasons)
        fn = sum(1 for p in pairs if reason in p.expected.reasons and reason not in p.got_reasons)
        if tp + fp + fn == 0:
            continue
        precision = _ratio(tp, tp + fp)
        recall = _ratio(tp, tp + fn)
        f1 = round(2 * precision * recall / (precision + recall), 4) if precision + recall else 0.0
        per_reason[reason.value] = {
            "support": tp + fn, "tp": tp, "fp": fp, "fn": fn,
            "precision": precision, "recall": recall, "f1": f1,
        }
    per_rule: Counter[str] = Counter()
    rule_hits: Counter[str] = Counter()
    for p in pairs:
        fired = {f.rule for f in p.decision.findings if f.outcome == "reject"}
        for rule_id in p.expected.rules:
            per_rule[rule_id] += 1
            if rule_id in fired:
                rule_hits[rule_id] += 1
    clean = [p for p in pairs if p.expected.decision == "approve"]
    return {
        "listings": n,
        "exact_agreement": _ratio(sum(p.exact for p in pairs), n),
        "decision_accuracy": _ratio(
            sum(p.expected.decision == p.decision.decision for p in pairs), n
        ),
        "missed_platform_side": sum(p.missed_platform for p in pairs),
        "false_rejections_of_clean": sum(p.false_rejection for p in pairs),
        "false_rejection_rate": _ratio(sum(p.false_rejection for p in pairs), len(clean)),
        "human_review_rate": _ratio(
            sum(p.decision.decision == "human_review" for p in pairs), n
        ),
        "confusion": {
            exp: {got: confusion.get((exp, got), 0) for got in DECISIONS} for exp in DECISIONS
        },
        "per_reason": per_reason,
        "rule_recall": {
            rule_id: {"labelled": per_rule[rule_id], "fired": rule_hits[rule_id]}
            for rule_id in sorted(per_rule)
        },
    }


def worst(pairs: Sequence[Pair], limit: int = 20) -> list[Pair]:
    """The disagreements, worst first (missed platform-side, false rejections, ...)."""
    bad = [p for p in pairs if not p.exact]
    return sorted(bad, key=lambda p: (-p.severity, p.id))[:limit]


def disagreement_json(pair: Pair) -> dict[str, Any]:
    return {
        "id": pair.id,
        "title": pair.title[:120],
        "expected": {"decision": pair.expected.decision, "reasons": sorted(pair.expected.reasons),
                     "rules": pair.expected.rules},
        "got": {"decision": pair.decision.decision, "reasons": sorted(pair.got_reasons),
                "rules": sorted({f"{f.rule}:{f.outcome}" for f in pair.decision.findings})},
    }
