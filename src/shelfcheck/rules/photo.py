"""RULEBOOK §5 Photos — reason `photo`, doubt on the seller's side."""

from __future__ import annotations

from shelfcheck.rule import Rule

RULES: tuple[Rule, ...] = ()
