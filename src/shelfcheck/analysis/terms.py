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
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import ahocorasick

if TYPE_CHECKING:
    from shelfcheck.policy import TermGroup, TermSet

Span = tuple[int, int]

_SEPARATORS = re.compile(r"[\s\-_]+")

#: id(TermSet) -> (the TermSet, kept alive; an automaton over one literal part of each term).
_AUTOMATA: dict[int, tuple[TermSet, Any]] = {}


def _automaton(terms: TermSet) -> Any:
    """An Aho-Corasick automaton over the longest literal part of each phrase: every match
    of a phrase contains that part, so a text with none of them cannot match (a word list
    of hundreds of phrases costs one pass instead of one regex try per phrase)."""
    cached = _AUTOMATA.get(id(terms))
    if cached is not None and cached[0] is terms:
        return cached[1]
    # part -> (its length, needs a word boundary on the left, on the right): a one-word
    # phrase ("ass") matches only as a whole word, so "glass" does not wake its regex up.
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
    auto = ahocorasick.Automaton()
    for part, value in found.items():
        auto.add_word(part, value)
    auto.make_automaton()
    _AUTOMATA[id(terms)] = (terms, auto)
    return auto


def may_occur(terms: TermSet, lowered: str) -> bool:
    """False when no phrase of ``terms`` can match ``lowered`` (the text, lower-cased)."""
    if not terms:
        return False
    auto = _automaton(terms)
    if len(auto) == 0:
        return True
    for end, (length, left, right) in auto.iter(lowered):
        start = end - length + 1
        if left and start > 0 and _is_word(lowered[start - 1]):
            continue
        if right and end + 1 < len(lowered) and _is_word(lowered[end + 1]):
            continue
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
        return
    lowered = text.lower()
    clear = spans(group.terms, text, lowered)
    if patterns:
        clear += spans(group.patterns, text)
    unsure = spans(group.unsure, text, lowered)
    if not clear and not unsure:
        return
    innocent = spans(group.innocent, text, lowered)
    unsure = [s for s in unsure if not overlaps(s, innocent)]
    clear = [s for s in clear if not overlaps(s, innocent)]
    for span in sorted(clear):
        sure = not any(contains(u, span) for u in unsure)
        yield TermHit(field, span, text[span[0] : span[1]], sure=sure)
    for span in unsure:
        if not any(overlaps(span, [c]) and not contains(span, c) for c in clear):
            yield TermHit(field, span, text[span[0] : span[1]], sure=False)


#: The last sources joined: every group of a listing reads the same sources object
#: (``facts.buyer_texts``), so the text is joined and lower-cased once, not once per group.
#: One tuple, swapped whole, so threads never see a half-updated entry.
_LAST_JOINED: tuple[object, str, str] = (None, "", "")


def _joined(sources: Sequence[tuple[str, str]]) -> tuple[str, str]:
    global _LAST_JOINED
    cached = _LAST_JOINED
    if cached[0] is sources:
        return cached[1], cached[2]
    joined = "\n".join(text for _, text in sources)
    lowered = joined.lower()
    _LAST_JOINED = (sources, joined, lowered)
    return joined, lowered


def find_group(
    group: TermGroup, sources: Sequence[tuple[str, str]], context: str = ""
) -> list[TermHit]:
    """The group's hits over (field, text) sources; none when an innocent context word is
    anywhere in ``context`` (the whole listing's text)."""
    joined, lowered = _joined(sources)
    patterns = bool(group.patterns.search(joined))
    if not (patterns or may_occur(group.terms, lowered) or may_occur(group.unsure, lowered)):
        return []
    if group.innocent_context and context and group.innocent_context.search(context):
        return []
    return [
        hit
        for field, text in sources
        for hit in find_in_text(group, field, text, patterns=patterns)
    ]


def best(hits: Iterable[TermHit]) -> TermHit | None:
    """The surest hit: a clear one before an unsure one, then the first."""
    ranked = sorted(hits, key=lambda h: (not h.sure,))
    return ranked[0] if ranked else None
