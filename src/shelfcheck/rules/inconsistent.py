"""RULEBOOK §10 Inconsistent product — reason `inconsistent`, doubt on the platform's side."""

from __future__ import annotations

from shelfcheck.rule import Rule

RULES: tuple[Rule, ...] = ()
