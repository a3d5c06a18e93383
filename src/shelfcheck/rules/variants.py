"""RULEBOOK §9 Variants — reason `variants`, doubt on the seller (merchant)."""

from __future__ import annotations

from shelfcheck.rule import Rule

RULES: tuple[Rule, ...] = ()
