"""RULEBOOK §7 Description — reason `description`, doubt on the seller's side."""

from __future__ import annotations

from shelfcheck.rule import Rule

RULES: tuple[Rule, ...] = ()
