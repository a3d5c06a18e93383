"""The registry keeps its promises: unique IDs, documented rules, cases both ways,
and every RULEBOOK ID implemented or listed as not machine-checked."""

from __future__ import annotations

import re
from collections import Counter

from conftest import ROOT
from rule_cases import load_cases
from shelfcheck.model import REASON_DOUBT, Reason
from shelfcheck.policy import Policy
from shelfcheck.rule import DOC_HEADINGS
from shelfcheck.rules import BY_ID, RULES

RULEBOOK = ROOT / "docs" / "RULEBOOK.md"


def rulebook_ids() -> set[str]:
    text = RULEBOOK.read_text(encoding="utf-8")
    return set(re.findall(r"^- ([A-Z]+-(?:\d+|Q))\b", text, re.MULTILINE))


def test_rule_ids_are_unique() -> None:
    counts = Counter(r.id for r in RULES)
    assert not [i for i, n in counts.items() if n > 1]


def test_every_rule_is_documented() -> None:
    for r in RULES:
        doc = r.doc
        assert doc, f"{r.id} has no docstring"
        for heading in DOC_HEADINGS:
            assert heading in doc, f"{r.id} lacks '{heading}'"
        assert "Example" in doc or "e.g." in doc or '"' in doc, f"{r.id} has no example"


def test_doubt_side_matches_the_reason_table() -> None:
    for r in RULES:
        if r.kind == "check":
            assert r.doubt == REASON_DOUBT[r.reason], r.id


def test_other_always_has_its_comment() -> None:
    for r in RULES:
        if r.reason is Reason.OTHER:
            assert r.comment, f"{r.id} gives reason 'other' without a comment"


def test_every_rule_has_cases_both_ways() -> None:
    cases = load_cases()
    fires = {c.rule for c in cases if c.fires}
    silent = {c.rule for c in cases if not c.fires}
    unknown = {c.rule for c in cases} - set(BY_ID)
    assert not unknown, f"cases name unknown rules: {unknown}"
    for r in RULES:
        assert r.id in fires, f"{r.id} has no case that fires"
        assert r.id in silent, f"{r.id} has no near-miss that stays silent"


def test_every_rulebook_id_is_implemented_or_listed(policy: Policy) -> None:
    listed = set(policy.meta.not_machine_checked)
    ids = rulebook_ids()
    assert len(ids) > 60
    missing = ids - set(BY_ID) - listed
    assert not missing, f"neither implemented nor listed as not machine-checked: {sorted(missing)}"
    both = set(BY_ID) & listed
    assert not both, f"implemented and also listed as unchecked: {both}"
