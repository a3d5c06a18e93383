"""RULEBOOK §1 Prohibited goods — reason `prohibited`, doubt on the platform's side."""

from __future__ import annotations

from shelfcheck.rule import Rule

RULES: tuple[Rule, ...] = ()
