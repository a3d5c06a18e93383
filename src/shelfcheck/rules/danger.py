"""RULEBOOK §11 Dangerous kind — reason `other`, comment `dangerous kind is incorrect`, doubt on the merchant."""

from __future__ import annotations

from shelfcheck.rule import Rule

RULES: tuple[Rule, ...] = ()
