"""RULEBOOK §8 Size chart — reason `size_chart`, doubt on the seller's side."""

from __future__ import annotations

from shelfcheck.rule import Rule

RULES: tuple[Rule, ...] = ()
