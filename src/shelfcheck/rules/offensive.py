"""RULEBOOK §2 Offensive content — reason `offensive`, doubt on the platform's side."""

from __future__ import annotations

from shelfcheck.rule import Rule

RULES: tuple[Rule, ...] = ()
