"""RULEBOOK §3 Brands — reason `brand`, doubt on the seller's side."""

from __future__ import annotations

from shelfcheck.rule import Rule

RULES: tuple[Rule, ...] = ()
