"""Finding a policy term group in a listing's text, with its innocent uses.

Shared by the platform-side word rules (RULEBOOK §1 PROHIBITED-1/2, §2
OFFENSIVE-1) and the brand, special-goods and danger rules. A
:class:`~shelfcheck.policy.TermGroup` has clear terms, unsure terms and
innocent phrases; this module applies them:

* a clear term is a clear hit ("stun gun"),
* an unsure term, or a clear term inside an unsure phrase ("vape" in "vape
  case"), is an unsure hit,
* any match inside an innocent phrase is no hit ("glue gun", "bath bomb",
  "pussy willow"), and a group's ``innocent_context`` word anywhere in the
  listing makes all its hits innocent ("bitch" in a whelping-blanket listing).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import accumulate
from typing import TYPE_CHECKING, Any

import ahocorasick

from shelfcheck import gate
from shelfcheck.gate import required_literals
from shelfcheck.policy import per_object

if TYPE_CHECKING:
    from shelfcheck.policy import TermGroup, TermSet

Span = tuple[int, int]

_SEPARATORS = re.compile(r"[\s\-_]+")

#: id(TermSet) -> (the TermSet, kept alive; an automaton over one literal part of each term).
_AUTOMATA: dict[int, tuple[TermSet, Any]] = {}


def _parts(terms: TermSet) -> dict[str, tuple[int, bool, bool]]:
    """The longest literal part of each phrase -> (its length, needs a word boundary on the
    left, on the right): every match of a phrase contains that part. A one-word phrase
    ("ass") matches only as a whole word, so "glass" does not wake its regex up."""
    found: dict[str, tuple[int, bool, bool]] = {}
    for term in terms.terms:
        parts = [p for p in _SEPARATORS.split(term.strip().lower()) if p]
        if not parts:
            continue
        part = max(parts, key=len)
        single = len(parts) == 1
        left, right = single and part[0].isalnum(), single and part[-1].isalnum()
        if part in found:
            old = found[part]
            left, right = left and old[1], right and old[2]
        found[part] = (len(part), left, right)
    return found


def _automaton(terms: TermSet) -> Any:
    """An Aho-Corasick automaton over the longest literal part of each phrase: a text with
    none of them cannot match (a word list of hundreds of phrases costs one pass instead
    of one regex try per phrase)."""
    cached = _AUTOMATA.get(id(terms))
    if cached is not None and cached[0] is terms:
        return cached[1]
    auto = ahocorasick.Automaton()
    for part, value in _parts(terms).items():
        auto.add_word(part, value)
    auto.make_automaton()
    _AUTOMATA[id(terms)] = (terms, auto)
    return auto


def _bounded(lowered: str, start: int, end: int, left: bool, right: bool) -> bool:
    """Whether the part at ``lowered[start:end + 1]`` has the word boundaries it needs."""
    if left and start > 0 and _is_word(lowered[start - 1]):
        return False
    return not (right and end + 1 < len(lowered) and _is_word(lowered[end + 1]))


class TermIndex:
    """:func:`may_occur` for several term sets in one pass: one automaton over the parts of
    all of them (a listing is checked against dozens of kinds; one pass beats one per kind).
    Immutable once built, so threads may share it."""

    def __init__(self, sets: Sequence[TermSet]) -> None:
        by_part: dict[str, list[tuple[int, bool, bool]]] = {}
        always: set[int] = set()
        for i, terms in enumerate(sets):
            if not terms:
                continue
            parts = _parts(terms)
            if not parts:
                always.add(i)  # no literal part to look for: the regex must run
            for part, (_, left, right) in parts.items():
                by_part.setdefault(part, []).append((i, left, right))
        self._always = frozenset(always)
        self._auto: Any = ahocorasick.Automaton()
        for part, entries in by_part.items():
            self._auto.add_word(part, (len(part), tuple(entries)))
        if by_part:
            self._auto.make_automaton()
        self._empty = not by_part

    def present(self, lowered: str) -> set[int]:
        """Indexes of the sets whose phrases may match ``lowered`` (the text, lower-cased);
        exactly those for which :func:`may_occur` is true."""
        found = set(self._always)
        if self._empty:
            return found
        for end, (length, entries) in self._auto.iter(lowered):
            start = end - length + 1
            for i, left, right in entries:
                if i not in found and _bounded(lowered, start, end, left, right):
                    found.add(i)
        return found

    def present_in(self, lowered: Sequence[str]) -> list[set[int]]:
        """:meth:`present` of each of several texts (lower-cased), in one pass over them
        joined by line breaks: a literal part holds no white space, so each match lies in
        one text, and a line break is no word character, as a text's ends are not."""
        found = [set(self._always) for _ in lowered]
        if self._empty or not lowered:
            return found
        joined = "\n".join(lowered)
        starts: list[int] = []  # where each text starts in the joined one (once needed)
        for end, (length, entries) in self._auto.iter(joined):
            start = end - length + 1
            if not starts:
                starts = list(accumulate((len(text) + 1 for text in lowered[:-1]), initial=0))
            here = found[bisect_right(starts, start) - 1]
            for i, left, right in entries:
                if i not in here and _bounded(joined, start, end, left, right):
                    here.add(i)
        return found


def may_occur(terms: TermSet, lowered: str) -> bool:
    """False when no phrase of ``terms`` can match ``lowered`` (the text, lower-cased)."""
    if not terms:
        return False
    auto = _automaton(terms)
    if len(auto) == 0:
        return True
    for end, (length, left, right) in auto.iter(lowered):
        if _bounded(lowered, end - length + 1, end, left, right):
            return True
    return False


def _is_word(char: str) -> bool:
    return char.isalnum() or char == "_"


def spans(terms: TermSet, text: str, lowered: str | None = None) -> list[Span]:
    """Where ``terms`` match in ``text`` (phrases: checked first with the automaton)."""
    if lowered is not None and not may_occur(terms, lowered):
        return []
    return [m.span() for m in terms.finditer(text)]


@dataclass(frozen=True, slots=True)
class TermHit:
    """One term of a group found in one field."""

    field: str
    span: Span
    text: str
    sure: bool


def overlaps(span: Span, others: Iterable[Span]) -> bool:
    start, end = span
    return any(start < o_end and o_start < end for o_start, o_end in others)


def contains(outer: Span, inner: Span) -> bool:
    """``outer`` covers ``inner`` and is longer ("vape case" covers "vape")."""
    return outer[0] <= inner[0] and inner[1] <= outer[1] and outer != inner


def find_in_text(
    group: TermGroup, field: str, text: str, patterns: bool = True
) -> Iterator[TermHit]:
    """The group's hits in one text, clear ones first, without innocent uses
    (``patterns=False``: the caller knows the group's patterns do not match)."""
    if not text:
        return iter(())
    lowered = text.lower()
    return _text_hits(
        group, field, text, lowered,
        may_occur(group.terms, lowered), may_occur(group.unsure, lowered), patterns,
    )


def _text_hits(
    group: TermGroup,
    field: str,
    text: str,
    lowered: str,
    terms: bool,
    unsure: bool,
    patterns: bool,
) -> Iterator[TermHit]:
    """:func:`find_in_text` once :func:`may_occur` is known for the group's ``terms`` and
    ``unsure`` terms in ``lowered`` (``text`` lower-cased)."""
    clear = [m.span() for m in group.terms.finditer(text)] if terms else []
    if patterns:
        clear += spans(group.patterns, text)
    unsure_spans = [m.span() for m in group.unsure.finditer(text)] if unsure else []
    if not clear and not unsure_spans:
        return
    innocent = spans(group.innocent, text, lowered)
    unsure_spans = [s for s in unsure_spans if not overlaps(s, innocent)]
    clear = [s for s in clear if not overlaps(s, innocent)]
    for span in sorted(clear):
        sure = not any(contains(u, span) for u in unsure_spans)
        yield TermHit(field, span, text[span[0] : span[1]], sure=sure)
    for span in unsure_spans:
        if not any(overlaps(span, [c]) and not contains(span, c) for c in clear):
            yield TermHit(field, span, text[span[0] : span[1]], sure=False)


#: The last sources joined: every group of a listing reads the same sources object
#: (``facts.buyer_texts``), so the text is joined once, not once per group.
#: One tuple, swapped whole, so threads never see a half-updated entry.
_LAST_JOINED: tuple[object, str] = (None, "")


def _joined(sources: Sequence[tuple[str, str]]) -> str:
    global _LAST_JOINED
    cached = _LAST_JOINED
    if cached[0] is sources:
        return cached[1]
    joined = "\n".join(text for _, text in sources)
    _LAST_JOINED = (sources, joined)
    return joined


def find_group(
    group: TermGroup, sources: Sequence[tuple[str, str]], context: str = ""
) -> list[TermHit]:
    """The group's hits over (field, text) sources; none when an innocent context word is
    anywhere in ``context`` (the whole listing's text). The group's ``patterns`` are
    searched in the sources joined by line breaks, then, if they match, in each source."""
    return find_groups([group], sources, context)[0]


def find_groups(
    groups: Sequence[TermGroup], sources: Sequence[tuple[str, str]], context: str = ""
) -> list[list[TermHit]]:
    """:func:`find_group` for each of ``groups``, in order. One automaton pass over the
    sources says which groups' phrases may occur in which source (a listing meets dozens
    of groups; a listing's many short variant values mostly hold none), and only the
    groups with regex patterns have them looked at."""
    plan = _group_plan(groups)
    lowered = [text.lower() for _, text in sources]
    # per_source[k] holds 2i / 2i + 1 exactly where may_occur(terms / unsure) is true
    per_source = plan.index.present_in(lowered)
    phrased = {i >> 1 for here in per_source for i in here}
    out: list[list[TermHit]] = [[] for _ in groups]
    seen: frozenset[int] | None = None  # the gate literals in the sources, once needed
    for i in sorted(phrased | plan.with_patterns):
        group = groups[i]
        patterns = False
        if i in plan.with_patterns:
            if seen is None:
                seen = literals_in(sources)
            patterns = patterns_match(group.patterns, sources, seen)
        if not (patterns or i in phrased):
            continue
        if group.innocent_context and context and group.innocent_context.search(context):
            continue
        hits = out[i]
        for k, (field, text) in enumerate(sources):
            here = per_source[k]
            terms, unsure = 2 * i in here, 2 * i + 1 in here
            if text and (patterns or terms or unsure):
                hits += _text_hits(group, field, text, lowered[k], terms, unsure, patterns)
    return out


def patterns_match(
    patterns: TermSet, sources: Sequence[tuple[str, str]], seen: frozenset[int] | None = None
) -> bool:
    """Whether ``patterns`` match the sources' texts joined by line breaks (``seen``: the
    gate literals in the sources, if known). Gated by source where that is exact (no gate
    literal holds a line break, so each one in the joined text is inside one source: the
    gate's case-folding goes character by character): the other rules have mostly looked
    at each source already; a new joined text would cost a gate pass of its own."""
    if not _gate_by_source(patterns):
        return patterns.search(_joined(sources)) is not None
    if patterns.literals.isdisjoint(literals_in(sources) if seen is None else seen):
        return False
    return patterns.pattern.search(_joined(sources)) is not None


def literals_in(sources: Sequence[tuple[str, str]]) -> frozenset[int]:
    """The gate literals (their numbers) found in the sources' texts."""
    return frozenset().union(*(gate.present(text) for _, text in sources))


@per_object
def _gate_by_source(patterns: TermSet) -> bool:
    """Whether the gate of ``patterns`` may be checked source by source: it has literals,
    none with a line break."""
    if not patterns.literals:
        return False
    literals = required_literals(patterns.pattern)
    return literals is not None and not any("\n" in literal for literal in literals)


@dataclass(frozen=True, slots=True)
class _GroupPlan:
    #: over each group's terms then its unsure terms, at 2i and 2i + 1
    index: TermIndex
    #: the groups that have regex patterns (the others need no look at them)
    with_patterns: frozenset[int]


#: The ids of a sequence of groups -> (those groups, kept alive so the ids stay theirs; their
#: plan). Filled idempotently; cleared when a process has loaded many policies (tests).
_GROUP_INDEX: dict[tuple[int, ...], tuple[tuple[TermGroup, ...], _GroupPlan]] = {}
_GROUP_INDEX_SIZE = 256


def _group_plan(groups: Sequence[TermGroup]) -> _GroupPlan:
    key = tuple(map(id, groups))
    cached = _GROUP_INDEX.get(key)
    if cached is not None:
        return cached[1]
    plan = _GroupPlan(
        TermIndex([s for g in groups for s in (g.terms, g.unsure)]),
        frozenset(i for i, g in enumerate(groups) if g.patterns),
    )
    if len(_GROUP_INDEX) >= _GROUP_INDEX_SIZE:
        _GROUP_INDEX.clear()
    _GROUP_INDEX[key] = (tuple(groups), plan)
    return plan


def best(hits: Iterable[TermHit]) -> TermHit | None:
    """The surest hit: a clear one before an unsure one, then the first."""
    ranked = sorted(hits, key=lambda h: (not h.sure,))
    return ranked[0] if ranked else None
