"""Literal gates: skip a policy regex on a text that cannot hold any of its matches.

A listing's description is searched by a hundred policy regexes (contact calls,
censored words, use scenarios, counterfeit signals...) and most of them match
nothing. Python's ``re`` tries every position of the text for each of them. Yet
almost every such regex needs some literal text to match: ``\\bcall\\s+(?:me|us)``
cannot match a text without "call"; ``f[*@#]{1,3}(?:ck|k)`` cannot match one
without "f*", "f@" or "f#". :func:`required_literals` reads a regex's parse tree
and finds such a set of strings, at least one of which every match contains.

:func:`present` runs one Aho-Corasick pass over a text (case-folded) for the
literals of all the regexes of the loaded policies, once per text (cached); a
regex whose literals are all absent is not run. The gate only ever skips a regex
that could not match: the same matches, found faster. A regex with no usable
literal (``\\b\\d+\\s*v\\b``: only digits and one letter) has no gate and always runs.

Example: ``required_literals(re.compile(r"\\bcall\\s+(?:me|us)\\b", re.I))`` is
``frozenset({"call"})``.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from functools import lru_cache
from itertools import product
from re import _constants as C  # noqa: N812 - the names of re's own parse tree
from re import _parser
from typing import Any

import ahocorasick

#: A literal lighter than this is too common to be worth a gate ("a", "x"); a character
#: outside ASCII weighs two (one Chinese character is already a rare sight in most texts).
MIN_WEIGHT = 2
#: The most strings one alternation or product may expand to before it stops being exact.
MAX_STRINGS = 256

_ZERO_WIDTH = (C.AT, C.ASSERT, C.ASSERT_NOT)
_REPEATS = (C.MAX_REPEAT, C.MIN_REPEAT, C.POSSESSIVE_REPEAT)
#: Where ``re``'s IGNORECASE joins letters that case-folding keeps apart: "İ" folds to "i"
#: plus a combining dot, and the dotless "ı" stays itself, but ``re`` matches both with "i".
_FOLD_FIRST = str.maketrans({"\u0130": "i", "\u0131": "i"})

Strings = frozenset[str]


def fold(text: str) -> str:
    """The text as the gate compares it: case-folded (a superset of ``re``'s IGNORECASE)."""
    return text.translate(_FOLD_FIRST).casefold()


def _times(left: Strings, right: Strings) -> Strings | None:
    if len(left) * len(right) > MAX_STRINGS:
        return None
    return frozenset(a + b for a, b in product(left, right))


def _exact(op: Any, av: Any) -> Strings | None:
    """The finite set of strings one node matches, when it is small and known."""
    if op is C.LITERAL:
        return frozenset({fold(chr(av))})
    if op in _ZERO_WIDTH:
        return frozenset({""})
    if op is C.IN:
        chars: set[str] = set()
        for item_op, item_av in av:
            if item_op is C.LITERAL:
                chars.add(fold(chr(item_av)))
            elif item_op is C.RANGE and item_av[1] - item_av[0] < 16:
                chars.update(fold(chr(c)) for c in range(item_av[0], item_av[1] + 1))
            else:
                return None
        return frozenset(chars)
    if op is C.SUBPATTERN:
        return _exact_sequence(av[-1])
    if op is C.ATOMIC_GROUP:
        return _exact_sequence(av)
    if op is C.BRANCH:
        out: set[str] = set()
        for alternative in av[1]:
            strings = _exact_sequence(alternative)
            if strings is None or len(out) + len(strings) > MAX_STRINGS:
                return None
            out |= strings
        return frozenset(out)
    if op in _REPEATS and av[0] == av[1]:
        body = _exact_sequence(av[2])
        return None if body is None else _power(body, av[0])
    return None


def _power(strings: Strings, count: int) -> Strings | None:
    out: Strings | None = frozenset({""})
    for _ in range(count):
        out = _times(out, strings) if out is not None else None
    return out


def _exact_sequence(items: Any) -> Strings | None:
    out: Strings | None = frozenset({""})
    for op, av in items:
        strings = _exact(op, av)
        if strings is None or out is None:
            return None
        out = _times(out, strings)
    return out


def _weight(literal: str) -> int:
    return sum(1 if c.isascii() else 2 for c in literal)


def _best(candidates: list[Strings | None]) -> Strings | None:
    """The most selective candidate: the heaviest lightest string, then the fewest strings."""
    usable = [c for c in candidates if c and "" not in c]
    if not usable:
        return None
    return max(usable, key=lambda c: (min(map(_weight, c)), -len(c)))


def _sequence(items: Any) -> Strings | None:
    """Strings at least one of which every match of the sequence ``items`` contains."""
    candidates: list[Strings | None] = []
    run: Strings = frozenset({""})  # the exact text matched by the items just read
    for op, av in items:
        strings = _exact(op, av)
        if strings is not None:
            joined = _times(run, strings)
            if joined is None:
                candidates.append(run)
                joined = strings
            run = joined
            continue
        if op in _REPEATS and av[0] >= 1:
            body = _exact_sequence(av[2])
            if body is not None:
                # the first repetitions follow the run; the last one precedes what comes next
                candidates.append(_times(run, _power(body, av[0]) or body) or run)
                run = body
                continue
            candidates += [run, _sequence(av[2])]
        elif op is C.SUBPATTERN:
            candidates += [run, _sequence(av[-1])]
        elif op is C.ATOMIC_GROUP:
            candidates += [run, _sequence(av)]
        elif op is C.BRANCH:
            alternatives = [_sequence(a) for a in av[1]]
            union = None if any(a is None for a in alternatives) else frozenset().union(*alternatives)
            candidates += [run, union]
        else:  # any character, a class, an optional part, a back-reference: the run ends
            candidates.append(run)
        run = frozenset({""})
    candidates.append(run)
    return _best(candidates)


def required_literals(pattern: re.Pattern[str]) -> Strings | None:
    """Strings (case-folded) at least one of which every match of ``pattern`` contains;
    None when no such set of strings of :data:`MIN_WEIGHT` or more is known."""
    try:
        tree = _parser.parse(pattern.pattern, pattern.flags)
    except (re.error, RecursionError, OverflowError):
        return None
    found = _sequence(list(tree))
    if found is None or min(map(_weight, found)) < MIN_WEIGHT:
        return None
    return found


class _Index:
    """One automaton over the literals of every gated regex; immutable once built."""

    def __init__(self, literals: dict[str, int]) -> None:
        self.automaton: Any = ahocorasick.Automaton()
        for literal, number in literals.items():
            self.automaton.add_word(literal, number)
        if literals:
            self.automaton.make_automaton()
        self.empty = not literals
        # one listing reads a few dozen texts; 256 keeps them without hoarding long ones
        self.present = lru_cache(maxsize=256)(self._present)

    def _present(self, text: str) -> frozenset[int]:
        if self.empty:
            return frozenset()
        return frozenset(number for _, number in self.automaton.iter(fold(text)))


_lock = threading.Lock()
_literals: dict[str, int] = {}
_index: _Index | None = None


def gate(pattern: re.Pattern[str]) -> frozenset[int] | None:
    """The numbers of ``pattern``'s required literals, registered for :func:`present`;
    None when the regex has no gate and must always run."""
    global _index
    found = required_literals(pattern)
    if found is None:
        return None
    with _lock:
        new = [s for s in found if s not in _literals]
        for literal in new:
            _literals[literal] = len(_literals)
        if new:
            _index = None  # rebuilt, with the new literals, on the next look
        return frozenset(_literals[s] for s in found)


def clear_cache() -> None:
    """Forget the texts seen so far (a benchmark measures each listing as new)."""
    index = _index
    if index is not None:
        index.present.cache_clear()


def present(text: str) -> frozenset[int]:
    """The numbers of the registered literals that occur in ``text`` (case-folded)."""
    global _index
    index = _index
    if index is None:
        with _lock:
            if _index is None:
                _index = _Index(dict(_literals))
            index = _index
    return index.present(text)


class Gated:
    """A compiled regex with its gate: :meth:`search` and :meth:`finditer` over a whole
    text skip the regex where it cannot match. (Short snippets cut from a text are not
    worth a gate: use ``.pattern`` on them directly.)"""

    __slots__ = ("pattern", "literals")

    def __init__(self, pattern: re.Pattern[str], *, can_match: bool = True) -> None:
        self.pattern = pattern
        #: the literals one of which every match contains (None: the regex always runs;
        #: empty: it never matches)
        self.literals = gate(pattern) if can_match else frozenset()

    def may_match(self, text: str) -> bool:
        """False when the regex cannot match ``text``."""
        literals = self.literals
        return literals is None or (bool(literals) and not literals.isdisjoint(present(text)))

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        literals = self.literals
        if literals is not None and (not literals or literals.isdisjoint(present(text))):
            return iter(())
        return self.pattern.finditer(text)

    def search(self, text: str) -> re.Match[str] | None:
        literals = self.literals
        if literals is not None and (not literals or literals.isdisjoint(present(text))):
            return None
        return self.pattern.search(text)


class Alternatives:
    """An alternation of regexes, ``(?:t1)|(?:t2)|...`` (a ``Patterns`` list), that tries on
    a text only the terms whose own literals the text holds.

    A term none of whose literals occurs in the text cannot match in it; dropping it from
    the alternation leaves every other match where it was, since the alternation tries its
    terms in order at each position and the dropped one never matches there. A term with
    no usable literal always stays; a list with capturing groups is never narrowed (the
    groups after a dropped term would be renumbered). A narrowed alternation is compiled
    once per set of terms."""

    __slots__ = ("terms", "pattern", "gates", "narrowed")

    #: narrowed alternations kept (each a subset of the terms)
    MAX_NARROWED = 256

    def __init__(self, terms: tuple[str, ...], pattern: re.Pattern[str]) -> None:
        self.terms = terms
        self.pattern = pattern
        self.gates: list[frozenset[int] | None] | None = (
            None if pattern.groups else [Gated(re.compile(t, pattern.flags)).literals for t in terms]
        )
        self.narrowed: dict[tuple[int, ...], re.Pattern[str]] = {}

    def pattern_for(self, text: str) -> re.Pattern[str] | None:
        """The alternation of the terms that may match in ``text`` (or in any part of
        it); None when none can."""
        gates = self.gates
        if gates is None:
            return self.pattern
        found = present(text)
        keep = tuple(i for i, lits in enumerate(gates) if lits is None or not lits.isdisjoint(found))
        if len(keep) == len(gates):
            return self.pattern
        if not keep:
            return None
        narrowed = self.narrowed.get(keep)
        if narrowed is None:
            if len(self.narrowed) >= self.MAX_NARROWED:
                self.narrowed.clear()
            narrowed = re.compile("|".join(f"(?:{self.terms[i]})" for i in keep), self.pattern.flags)
            self.narrowed[keep] = narrowed
        return narrowed
