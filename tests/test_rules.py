"""One generic runner for every rule case in ``tests/cases/*.yaml``."""

from __future__ import annotations

import pytest

import photo_stubs
from rule_cases import Case, load_cases
from shelfcheck.decide import outcome_for
from shelfcheck.facts import Facts
from shelfcheck.model import Listing
from shelfcheck.policy import Policy
from shelfcheck.rules import BY_ID
from shelfcheck.tools import Tools

CASES = load_cases()


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_rule_case(case: Case, policy: Policy, tools: Tools) -> None:
    rule = BY_ID[case.rule]
    facts = Facts(Listing.model_validate(case.listing), policy, tools)
    if case.photo_facts is not None:
        photo_stubs.install(facts, case.photo_facts)
        policy = photo_stubs.policy_for(policy, case.photo_facts)
    hits = list(rule.func(facts, policy))
    if case.fires:
        assert hits, f"{case.rule} should fire: {case.why}"
        if case.outcome:
            outcome = outcome_for(rule.doubt, hits[0].confidence, policy.meta.thresholds)
            assert outcome == case.outcome, f"{case.rule}: {case.why} ({hits[0]})"
    else:
        assert not hits, f"{case.rule} should stay silent: {case.why} (got {hits})"
