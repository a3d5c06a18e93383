"""RULEBOOK §4 Special goods — reason `other` with its comment, doubt on the seller's side."""

from __future__ import annotations

from shelfcheck.rule import Rule

RULES: tuple[Rule, ...] = ()
