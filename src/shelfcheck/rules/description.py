"""RULEBOOK §7 Description — reason `description`, doubt on the seller's side."""

from __future__ import annotations

from shelfcheck.rule import Rule

# --- form: language and readability (DESC-1, DESC-12) ---------------------------------------

FORM_RULES: tuple[Rule, ...] = ()

# --- what a description must not say (DESC-2 .. DESC-7) --------------------------------------

CONTENT_RULES: tuple[Rule, ...] = ()

# --- required information (DESC-8 .. DESC-11) and the quality hint DESC-Q --------------------

REQUIRED_RULES: tuple[Rule, ...] = ()

RULES: tuple[Rule, ...] = (*FORM_RULES, *CONTENT_RULES, *REQUIRED_RULES)
