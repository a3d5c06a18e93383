"""Literal gates (shelfcheck.gate): a policy regex is skipped only where it cannot match.

The gate must never hide a match: the property test runs every regex of the
policy over every text of the rule cases, and over texts stitched from the
policy's own terms with changed case and spacing, and checks that wherever the
regex matches, the gate lets it run.
"""

from __future__ import annotations

import random
import re

import pytest
from pydantic import BaseModel

from shelfcheck import gate
from shelfcheck.policy import Policy, TermSet, load_policy
from tests.rule_cases import load_cases


def _literals(regex: str, flags: int = re.IGNORECASE) -> frozenset[str] | None:
    return gate.required_literals(re.compile(regex, flags))


@pytest.mark.parametrize(
    ("regex", "expected"),
    [
        (r"\bcall\s+(?:me|us)\b", {"call"}),
        (r"(?<!\w)(?:fxck|fvck|phuck)\b", {"fxck", "fvck", "phuck"}),
        # the optional "mother" is not required; "f" + one of the symbols is
        (r"(?:mother\s?)?f[\*@]{1,3}(?:ck|k)\b", {"f*", "f@"}),
        (r"(?-i:AAA)\s+quality", {"quality"}),
        (r"Pack of (\d+)", {"pack of "}),
        (r"выключател[ьяи]", {"выключатель", "выключателя", "выключатели"}),
        (r"棉", {"棉"}),  # one Chinese character is selective enough
    ],
)
def test_required_literals(regex: str, expected: set[str]) -> None:
    assert _literals(regex) == frozenset(expected)


@pytest.mark.parametrize(
    "regex",
    [
        r"\b\d+\s*(?:v|volts?)\b",  # digits and one letter: no literal of two characters
        r"\w+\s+and\s+\w+|\d+x",  # one alternative has no literal: the whole has none
        r"(?:abc)?\d",  # an optional part is not required
        r"(a)\1",  # a back-reference
        r"x",  # too short to be worth a gate
    ],
)
def test_no_gate_where_no_literal_is_required(regex: str) -> None:
    assert _literals(regex) is None


def test_case_folding_is_wider_than_ignorecase() -> None:
    pattern = TermSet(("call",), re.compile(r"call\s+us", re.IGNORECASE))
    assert pattern.search("CALL US now") is not None
    assert pattern.search("\u0130STANBUL, call us") is not None  # "İ" folds to two characters
    assert pattern.search("contact the shop") is None
    # re's IGNORECASE matches the dotless "ı" with "i"; the gate must let it through
    dotless = TermSet(("bikini",), re.compile(r"bikini", re.IGNORECASE))
    assert dotless.search("b\u0131k\u0131n\u0131 set") is not None


def test_folding_joins_every_letter_pair_ignorecase_joins() -> None:
    """Every letter ``re`` matches case-insensitively with another folds to the same text."""
    missed = []
    for code in range(0x20, 0x3000):
        char = chr(code)
        others = {char.lower(), char.upper(), char.casefold(), char.swapcase(), "i", "s", "k"}
        for other in others:
            if len(other) == 1 and other != char and gate.fold(char) != gate.fold(other):
                if re.fullmatch(re.escape(char), other, re.IGNORECASE):
                    missed.append((char, other))
    assert missed == []


def test_an_empty_term_set_matches_nothing() -> None:
    empty = TermSet((), re.compile(r"(?!x)x"))
    assert empty.search("anything") is None
    assert list(empty.finditer("anything")) == []
    assert not empty.may_match("anything")


def _term_sets(obj: object, out: list[TermSet]) -> list[TermSet]:
    if isinstance(obj, TermSet):
        out.append(obj)
    elif isinstance(obj, BaseModel):
        for name in type(obj).model_fields:
            _term_sets(getattr(obj, name), out)
    elif isinstance(obj, dict):
        for value in obj.values():
            _term_sets(value, out)
    elif isinstance(obj, (list, tuple)):
        for value in obj:
            _term_sets(value, out)
    return out


def _case_texts() -> list[str]:
    texts: list[str] = []
    for case in load_cases():
        listing = case.listing
        texts += [listing.get("title") or "", listing.get("description") or ""]
        for variant in listing.get("variants") or []:
            texts += [str(v) for v in variant.values() if isinstance(v, str)]
    return [t for t in texts if t]


def _stitched_texts(policy: Policy, count: int = 400) -> list[str]:
    """Texts made of the policy's own terms, with their case and spacing changed."""
    rng = random.Random(73)
    terms = [t for s in _term_sets(policy, []) for t in s.terms if not re.search(r"[\\(\[?*+]", t)]
    fillers = ["", " ", "  ", "-", "\n", ", ", " 2 ", "x", "#"]
    out = []
    for _ in range(count):
        parts = []
        for term in rng.sample(terms, 4):
            term = rng.choice([term, term.upper(), term.title(), term.replace(" ", "-")])
            parts += [term, rng.choice(fillers)]
        out.append("".join(parts))
    return out


def test_the_gate_never_hides_a_match() -> None:
    policy = load_policy()
    sets = [s for s in _term_sets(policy, []) if s.literals]
    assert len(sets) > 100  # most of the policy's regexes have a gate
    texts = _case_texts() + _stitched_texts(policy)
    missed = [
        (s.pattern.pattern[:60], text[:60])
        for s in sets
        for text in texts
        if s.literals.isdisjoint(gate.present(text)) and s.pattern.search(text)
    ]
    assert missed == []
