"""The decision step as a truth table (RULEBOOK §0, the doubt rule)."""

from __future__ import annotations

import pytest

from shelfcheck.decide import decide, outcome_for
from shelfcheck.model import Doubt, Finding, Reason
from shelfcheck.policy import Thresholds

T = Thresholds(reject=0.8, review=0.4)


@pytest.mark.parametrize(
    ("doubt", "confidence", "expected", "why"),
    [
        (Doubt.PLATFORM, 0.95, "reject", "§0: a clear violation rejects"),
        (Doubt.PLATFORM, 0.80, "reject", "§0: the threshold itself is clear"),
        (Doubt.PLATFORM, 0.60, "review", "§0: platform-side doubt never approves silently"),
        (Doubt.PLATFORM, 0.40, "review", "§0: still a doubt at the review threshold"),
        (Doubt.PLATFORM, 0.20, "warn", "too weak to be a doubt at all"),
        (Doubt.SELLER, 0.95, "reject", "§0: a clear seller-side violation rejects"),
        (Doubt.SELLER, 0.60, "warn", "§0: seller-side doubt approves, shown as a warning"),
        (Doubt.SELLER, 0.20, "warn", "§0: seller-side doubt approves"),
    ],
)
def test_outcome_truth_table(doubt: Doubt, confidence: float, expected: str, why: str) -> None:
    assert outcome_for(doubt, confidence, T) == expected, why


def _f(reason: Reason, outcome: str, comment: str | None = None) -> Finding:
    return Finding(rule="X-1", reason=reason, outcome=outcome, confidence=0.9, field="title",
                   evidence="e", message="m", comment=comment)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("findings", "decision", "reasons"),
    [
        ([], "approve", []),
        ([_f(Reason.TITLE, "warn")], "approve", []),
        ([_f(Reason.PROHIBITED, "review")], "human_review", []),
        ([_f(Reason.TITLE, "reject")], "reject", ["title"]),
        ([_f(Reason.TITLE, "reject"), _f(Reason.TITLE, "reject")], "reject", ["title"]),
        ([_f(Reason.PROHIBITED, "review"), _f(Reason.TITLE, "reject")], "reject", ["title"]),
        (
            [_f(Reason.DESCRIPTION, "reject"), _f(Reason.PROHIBITED, "reject")],
            "reject",
            ["prohibited", "description"],
        ),
    ],
)
def test_decide_truth_table(findings: list[Finding], decision: str, reasons: list[str]) -> None:
    got, got_reasons = decide(findings)
    assert got == decision
    assert [r.code.value for r in got_reasons] == reasons


def test_other_keeps_its_comment() -> None:
    _, reasons = decide([_f(Reason.OTHER, "reject", "Misleading Info")])
    assert reasons[0].comment == "Misleading Info"
