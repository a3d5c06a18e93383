"""Fast paths of the term, lot and product analyses agree with the slow paths they skip.

Each fast path skips work only where the slow path provably finds nothing, or does the
same work in fewer passes; these tests run both on tricky inputs (text edges, line
breaks, letters whose lower case is longer, anchored patterns, a pattern with a line
break) and compare.
"""

from __future__ import annotations

import itertools
import re

import pytest

from shelfcheck.analysis import lots, products, terms
from shelfcheck.policy import Policy, TermGroup

TRICKY = [
    "",
    "gun",
    "Stun Gun Flashlight",
    "glue gun\nGUN",
    "İstanbul gun İİİ",
    "ΣΑΣ ΟΔΟΣ vape",
    "vape case",
    "vape-case_pen",
    "e-cigarette\n",
    "\nshotgun shells",
    "Pack of 2 pcs",
    "4 x 330ml",
    "Mug x2",
    "2* Powder Can",
    "Quantity: 2",
    "Package includes:\n1 x lamp\n2 x cable",
    "Single",
    "Quantity: Single",
    "1 mug",
    "4 curtains",
    "3-in-1 Pack",
    "5 x 7 cm",
    "6入裝",
    "ＸＬ２",
    "Straße ﬁt Ǆ",
    "f*ck you",
    "puppy for sale",
    "live birds cage",
    "bitch",
    "whelping blanket for nursing bitch",
]


def _reference_groups(
    groups: list[TermGroup], sources: list[tuple[str, str]], context: str
) -> list[list[terms.TermHit]]:
    """find_groups the slow way: each group on its own, patterns searched in the joined text."""
    joined = "\n".join(text for _, text in sources)
    lowered = joined.lower()
    out = []
    for group in groups:
        patterns = group.patterns.pattern.search(joined) is not None
        phrases = terms.may_occur(group.terms, lowered) or terms.may_occur(group.unsure, lowered)
        if not (patterns or phrases) or (
            group.innocent_context and context and group.innocent_context.pattern.search(context)
        ):
            out.append([])
            continue
        out.append(
            [h for f, t in sources for h in terms.find_in_text(group, f, t, patterns=patterns)]
        )
    return out


def _source_sets() -> list[list[tuple[str, str]]]:
    sets = [[("title", a), ("description", b)] for a, b in itertools.product(TRICKY[:12], repeat=2)]
    sets += [[("title", t)] for t in TRICKY]
    sets += [[], [("title", "")], [(f"variants[{i}].color", t) for i, t in enumerate(TRICKY)]]
    return sets


def _extra_groups() -> list[TermGroup]:
    return [
        # "$" matches at a source's end alone, not inside the joined text
        TermGroup(name="anchored", terms=["gun"], patterns=[r"gun$"]),
        # a gate literal with a line break: the gate cannot be checked source by source
        TermGroup(name="across", patterns=[r"gun\nGUN", r"\nshot"]),
        TermGroup(name="context", unsure=["bitch"], innocent_context=["whelping", "puppy"]),
    ]


def test_find_groups_agrees_with_one_group_at_a_time(policy: Policy) -> None:
    group_lists = [
        list(policy.prohibited.classes.values()),
        list(policy.offensive.groups.values()),
        [policy.prohibited.sensitive_claims],
        _extra_groups(),
    ]
    for groups in group_lists:
        for sources in _source_sets():
            context = "\n".join(t for _, t in sources)
            expected = _reference_groups(groups, sources, context)
            assert terms.find_groups(groups, sources, context) == expected, sources
            for group, hits in zip(groups, expected, strict=True):
                assert terms.find_group(group, sources, context) == hits


def test_patterns_match_is_a_search_of_the_joined_text(policy: Policy) -> None:
    pattern_sets = [g.patterns for g in _extra_groups()] + [
        g.patterns for g in policy.offensive.groups.values() if g.patterns
    ]
    for patterns in pattern_sets:
        for sources in _source_sets():
            joined = "\n".join(t for _, t in sources)
            expected = patterns.pattern.search(joined) is not None
            assert terms.patterns_match(patterns, sources) is expected, (patterns, sources)


def test_present_in_is_present_of_each_text(policy: Policy) -> None:
    groups = list(policy.prohibited.classes.values()) + list(policy.offensive.groups.values())
    index = terms.TermIndex([s for g in groups for s in (g.terms, g.unsure)])
    for sources in _source_sets():
        lowered = [t.lower() for _, t in sources]
        assert index.present_in(lowered) == [index.present(t) for t in lowered]


def _lot_patterns(policy: Policy) -> lots._Patterns:
    return lots._patterns(lots.lot_words(policy.inconsistent.lots))


@pytest.mark.parametrize("text", TRICKY)
def test_lot_prechecks_never_skip_a_match(text: str, policy: Policy) -> None:
    pats = _lot_patterns(policy)
    if not lots._words_may_match(text, pats):
        for regex in (pats.count_unit, pats.group_of, pats.single, pats.statements):
            assert regex.pattern.search(text) is None
    if lots._TIMES.search(text) is None:
        for regex in (pats.times_before, pats.times_after, pats.times_volume):
            assert regex.pattern.search(text) is None


def test_lot_prechecks_hold_on_generated_texts(policy: Policy) -> None:
    pats = _lot_patterns(policy)
    words = lots.lot_words(policy.inconsistent.lots)
    pieces = ["2", "x", "X", "×", "*", " ", "-", "pcs", "Pair", "set of", "single", "ml", "of 3"]
    pieces += list(words.statement_labels[:3]) + [":", "\n", "mug"]
    for a, b, c in itertools.product(pieces, repeat=3):
        text = a + b + c
        if lots._TIMES.search(text) is None:
            for regex in (pats.times_before, pats.times_after, pats.times_volume):
                assert regex.pattern.search(text) is None, text
        if not lots._words_may_match(text, pats):
            for regex in (pats.count_unit, pats.group_of, pats.single, pats.statements):
                assert regex.pattern.search(text) is None, text


@pytest.mark.parametrize("text", TRICKY + ["CUP Mug-Tumbler", "KELVIN K ſ", "Ｍｕｇ"])
def test_folded_words_are_the_casefolded_tokens(text: str) -> None:
    expected = [w.casefold() for w in products._TOKEN.findall(text)]
    assert products._folded_words(text) == expected


LOT_TEXTS = TRICKY + [
    "Package Contents: 1 x Hex Socket",
    "PACKAGE INCLUDES:\n2 x earbuds, 1 x case",
    "what's in the box - 3 pcs",
    "Qty: 4",
    "pack of two mugs",
    "Set Of 10 Pieces",
    "10 Pcs/Set",
    "two-pack, one piece, eleven units",
    "Socks X 4, Mug x2, RX7, 45 x 45, x 4 cm",
    "330ml x 8 and 4 x 330ml",
    "3x faster, 1 x lamp",
    "single bed, single, Single (pack)",
    "ſet of 2, \u212ait of 3, İn the box: 2",
]


def test_grouped_alternation_finds_what_the_plain_one_finds(policy: Policy) -> None:
    word_lists = [
        list(lots.lot_words(policy.inconsistent.lots).statement_labels),
        list(lots.lot_words(policy.inconsistent.lots).group_words),
        ["a", "ab", "abc", "b", "ba"],
        ["kit", "\u212ait", "set", "\u017fet", "s"],  # first characters equal under IGNORECASE
        ["x", ""],
    ]
    for words in word_lists:
        plain = re.compile("(?:" + lots._alt(words) + ")", re.IGNORECASE)
        grouped = re.compile(lots._grouped_alt(words), re.IGNORECASE)
        for text in LOT_TEXTS:
            assert [m.span() for m in grouped.finditer(text)] == [
                m.span() for m in plain.finditer(text)
            ], (words, text)


def test_lot_regexes_find_what_they_find_without_their_look_ahead(policy: Policy) -> None:
    pats = _lot_patterns(policy)
    names = ["count_unit", "group_of", "times_after", "times_before", "times_volume"]
    for name in names:
        regex = getattr(pats, name).pattern
        assert regex.pattern.startswith("(?=")
        bare = re.compile(re.sub(r"^\(\?=[^)]*\)", "", regex.pattern), regex.flags)
        for text in LOT_TEXTS:
            assert [(m.span(), m.groups()) for m in regex.finditer(text)] == [
                (m.span(), m.groups()) for m in bare.finditer(text)
            ], (name, text)


def test_cue_edge_checks_never_skip_a_match(policy: Policy) -> None:
    ip = policy.inconsistent
    for cues in (ip.compatibility_cues, ip.accessory_after):
        texts = list(TRICKY)
        for term in cues.terms:
            for variant in (term, term.upper(), term.title(), term.replace(" ", "-"), term + "s"):
                texts += [variant, "Mug " + variant, variant + " cup", "İ" + variant, variant + "ſ"]
        for text in texts:
            ends = any(m.end() == len(text) for m in cues.pattern.finditer(text))
            m = cues.pattern.search(text)
            assert products._ends_with(cues, text) is ends, text
            assert products._starts_with(cues, text) is (m is not None and m.start() == 0), text


def _find_reference(text: str, lex: products._Lexicon) -> list[tuple[str, int, int]]:
    """products._find without its pruning: every run of joined tokens, every length."""
    tokens = list(products._TOKEN.finditer(text))
    words = [m.group().casefold() for m in tokens]
    found: list[tuple[str, int, int]] = []
    after = 0
    for i in range(len(tokens)):
        if i < after:
            continue
        longest = 1
        while (
            longest < lex.longest
            and i + longest < len(tokens)
            and products._JOINER.fullmatch(
                text, tokens[i + longest - 1].end(), tokens[i + longest].start()
            )
        ):
            longest += 1
        for n in range(longest, 0, -1):
            kind = lex.terms.get(tuple(words[i : i + n]))
            if kind is not None:
                found.append((kind, tokens[i].start(), tokens[i + n - 1].end()))
                after = i + n
                break
    return found


def test_product_terms_are_found_as_without_pruning(policy: Policy) -> None:
    lex = products._lexicon(policy.inconsistent)
    long_terms = [" ".join(k) for k in lex.terms if len(k) > 1][:200]
    texts = list(TRICKY)
    for term in long_terms:
        first, *rest = term.split(" ")
        texts += [
            term,
            term.upper() + " Mug",
            first + " " + first + " " + term,
            first + ", " + " ".join(rest),
            first + "-" + "_".join(rest) + "s",
            "Mug " + first,
        ]
    for text in texts:
        assert products._find(text, lex) == _find_reference(text, lex), text
