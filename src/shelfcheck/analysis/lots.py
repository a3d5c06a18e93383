"""Lot quantities: how many items a listing (or one of its variants) says it sells.

RULEBOOK §10 INCONSISTENT-2 / INCONSISTENT-4 and §14 ("quantity in the title
differs from the description or variants (2 pcs / 1 pc), variants mix a set
and a single unit"). These pure functions find every stated lot quantity with
its place in the text; the rules compare them.

A quantity counts items of one *unit*:

* ``piece`` - "2 pcs", "2PCS", "1-Piece", "Pack of 2", "Set of 4", "Lot of 5",
  "10 Pcs/Set", "x2", "1 x Hex Socket", "Quantity: 1", "Single Curtain",
  "Twin Pack", "2 Dozen" (policy ``named_counts``), a variant attribute
  "Quantity: 6 glasses" / "Pack: Single" (``variant_quantity_keys``), and
  "You will receive 4 bowls" where the title names bowls;
* ``pair`` - "2 pairs", "a pair of";
* ``set`` - "1 Set", "2 Packs", "3 Sets" (a count of groups whose size is not said).

Quantities of different units are never compared ("1 Set" and "10 pcs" agree).
What is not a lot: "2 in 1", "3-in-1 Pack", "3 layers", "4 seater", "12V",
"2 tier", "5 x 7 cm", "50g/pc", "price per 1 pc", "Single Duvet" (a bed size),
"Single-Sided". A bare "set" in a title ("Converter Set") is kept apart as
``implied_set``: it says "several pieces" without a number.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from dataclasses import replace as dataclass_replace
from typing import Literal

from shelfcheck.gate import Gated, present
from shelfcheck.policy import LotPolicy, per_object

Unit = Literal["piece", "pair", "set"]

NUMBER_WORDS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
}
_NUM = r"(\d{1,4}|(?:an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)(?=[\s-]))"
# A look-ahead on the first characters of _NUM, put first: re then rules a place out with
# one test instead of _NUM_START's four look-behinds (the same matches, found faster).
_NUM_FIRST = r"(?=[\daoftsen])"
# Not part of a bigger number, a decimal, a ratio or an "N in 1" ("3-in-1 Pack").
_NUM_START = r"(?<![\w.,*×-])(?<!\d/)(?<!\bin[\s-])(?<!\bin)"
# A count that is only a lower bound ("10 pairs & above", "5 pcs or more").
_NOT_BOUND = r"(?!\s*(?:&|\+|and|or)\s*(?:above|more|up)\b)"


@dataclass(frozen=True, slots=True)
class Lot:
    """One stated quantity: ``count`` items of ``unit``, where, and the text.

    ``label`` is the quantity label it follows ("quantity" in "Quantity: 1pc",
    "package contents" in "Package Contents: 1 x ...", "sales package" in
    "Sales Package: Pack of 2"), empty when there is none; ``weak`` is true for
    a bare "single" (it often means a size).
    """

    count: int
    unit: Unit
    field: str
    span: tuple[int, int]
    text: str
    label: str = ""
    weak: bool = False

    @property
    def statement(self) -> bool:
        return bool(self.label)


@dataclass(frozen=True, slots=True)
class LotWords:
    """The words the parser needs, from the policy (``inconsistent.lots``)."""

    piece_units: tuple[str, ...]
    pair_units: tuple[str, ...]
    set_units: tuple[str, ...]
    group_words: tuple[str, ...]
    statement_labels: tuple[str, ...]
    single_not_lot: tuple[str, ...]
    not_lot_nouns: tuple[str, ...]
    per_words: tuple[str, ...]
    #: (phrase, count): "Twin Pack" 2, "Dozen" 12.
    named_counts: tuple[tuple[str, int], ...] = ()
    variant_quantity_keys: tuple[str, ...] = ()


def _alt(words: Iterable[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


# Look-aheads on the first characters of a regex, put first, and alternations grouped by
# first character: ``re`` tries every alternative at every place of a text, and with
# IGNORECASE it has no quick scan for the first characters; one test of the look-ahead
# rules most places out. The same matches, several times faster.


def _first_chars(words: Iterable[str]) -> str:
    """A look-ahead on the first characters of ``words`` ("" if one is empty)."""
    words = list(words)
    if not words or not all(words):
        return ""
    return "(?=[" + "".join(re.escape(c) for c in sorted({w[0] for w in words})) + "])"


def _grouped_alt(words: Iterable[str]) -> str:
    """``(?:`` :func:`_alt` ``)`` with the words grouped by first character, behind a
    look-ahead on those: the same matches, for only one group can match at a place (no
    two first characters are equal under IGNORECASE) and each group keeps the
    longest-first order."""
    ordered = sorted(words, key=len, reverse=True)
    groups: dict[str, list[str]] = {}
    for word in ordered:
        groups.setdefault(word[:1], []).append(word[1:])
    keys = list(groups)
    if "" in groups or any(
        re.fullmatch(re.escape(a), b, re.IGNORECASE) for a in keys for b in keys if a != b
    ):
        return _first_chars(ordered) + "(?:" + _alt(ordered) + ")"
    body = "|".join(
        re.escape(first) + "(?:" + "|".join(re.escape(rest) for rest in rests) + ")"
        for first, rests in groups.items()
    )
    return _first_chars(ordered) + "(?:" + body + ")"


@dataclass(frozen=True, slots=True)
class _Patterns:
    # scanned over whole fields: gated (a variant value "Black" wakes none of them)
    count_unit: Gated
    group_of: Gated
    times_after: Gated
    times_before: Gated
    times_volume: Gated
    single: Gated
    statements: Gated
    #: "Twin Pack", "2 Dozen" (None: the policy names no counts)
    named: re.Pattern[str] | None
    #: a variant attribute "Quantity: ..." / "Pack: ..." (None: no keys)
    variant_key: re.Pattern[str] | None
    #: the last word of each named count, lower case: a text without one has none
    named_words: tuple[str, ...]
    #: every unit and group word, lower case ("set" in "Package: 1 set" is no product noun)
    unit_words: frozenset[str]
    # tried on snippets
    statement: re.Pattern[str]
    implied_set: re.Pattern[str]
    leading_noun: re.Pattern[str]
    per_before: re.Pattern[str]
    #: the gate literals of the word patterns (count_unit, group_of, single, statements),
    #: one of which any of their matches holds; None: one of them has no gate
    word_literals: frozenset[int] | None


def _union(gated: Iterable[Gated]) -> frozenset[int] | None:
    out: frozenset[int] = frozenset()
    for g in gated:
        if g.literals is None:
            return None
        out |= g.literals
    return out


def _gated(regex: str) -> Gated:
    return Gated(re.compile(regex, re.IGNORECASE))


@per_object  # found by identity: hashing eight tuples of words costs more than a scan
def _patterns(words: LotWords) -> _Patterns:
    units = _alt(words.piece_units + words.pair_units + words.set_units)
    groups = _alt(words.group_words)
    single_not = _alt(words.single_not_lot)
    not_nouns = _alt(words.not_lot_nouns)
    labels = _grouped_alt(words.statement_labels)
    per = _alt(words.per_words)
    statement = re.compile(labels + r"\s*[:：]?\s*(?:[-=]\s*)?", re.IGNORECASE)
    count_unit = _gated(
        _NUM_FIRST + _NUM_START + _NUM
        + r"\s*[-]?\s*(" + units + r")(?![a-z])(?!\s*(?:in\b|-in\b))" + _NOT_BOUND
    )
    group_of = _gated(_first_chars(words.group_words) + r"\b(" + groups + r")\s+of\s+" + _NUM + r"\b")
    single = _gated(r"\bsingle(?![\w-])(?!\s*(?:[(\[/,.|+]|$|(?:" + single_not + r")\b))")
    statements = Gated(statement)
    named_words = {phrase.lower(): n for phrase, n in words.named_counts}
    named = (
        re.compile(
            r"(?<![\w.,/-])(?:" + _NUM + r"[\s-]+)?(" + _alt(named_words) + r")(?![\w-])",
            re.IGNORECASE,
        )
        if named_words
        else None
    )
    variant_key = (
        re.compile(r"\s*(?:" + _alt(words.variant_quantity_keys) + r")\s*[:：]\s*", re.IGNORECASE)
        if words.variant_quantity_keys
        else None
    )
    return _Patterns(
        # "2 pcs", "2PCS", "1-Piece", "6入裝" (the unit may run into CJK text).
        count_unit=count_unit,
        group_of=group_of,
        # "Mug x2", "Socks X 4", "330ml x 8" (not "45 x 45", not "x 4 cm", not "RX7").
        times_after=_gated(
            r"(?=[x×])(?:(?<=[^\W\d_]\s)|(?<=\)\s))[x×]\s?(\d{1,3})\b(?![.,]?\d)(?!\s*(?:cm|mm|m|in|inch|inches|ft|\"|'|[x×*]))"
        ),
        # "1 x Hex Socket", "2* Powder Can" (not "5 x 7 cm", not "3x faster").
        times_before=_gated(
            r"(?=\d)" + _NUM_START
            + r"(\d{1,3})\s*[x×*]\s*(?=[^\W\d_]{3,})(?!(?:"
            + not_nouns
            + r")\b)(?![^\W\d_]+er\b)"
        ),
        # "4 x 330ml": four cans.
        times_volume=_gated(
            r"(?=\d)" + _NUM_START + r"(\d{1,3})\s*[x×]\s*\d+(?:[.,]\d+)?\s*(?:ml|l|cl|g|kg|oz|lb)\b"
        ),
        single=single,
        statements=statements,
        named=named,
        variant_key=variant_key,
        named_words=tuple({p.split()[-1].split("-")[-1] for p in named_words}),
        unit_words=frozenset(
            w.lower()
            for w in (*words.piece_units, *words.pair_units, *words.set_units, *words.group_words)
        ),
        statement=statement,
        implied_set=re.compile(r"(?<![\w-])sets?\b(?!\s+(?:of|top|up|in)\b)(?!-)", re.IGNORECASE),
        leading_noun=re.compile(
            r"^\s*(\d{1,4})\s+(?!(?:" + not_nouns + r")\b)([^\W\d_]{3,})\b", re.IGNORECASE
        ),
        per_before=re.compile(r"\b(?:" + per + r")\s*$", re.IGNORECASE),
        word_literals=_union((count_unit, group_of, single, statements)),
    )


def _number(raw: str) -> int:
    raw = raw.lower()
    return NUMBER_WORDS[raw] if raw in NUMBER_WORDS else int(raw)


def _unit_of(word: str, words: LotWords) -> Unit:
    word = word.lower()
    if word in (w.lower() for w in words.pair_units):
        return "pair"
    if word in (w.lower() for w in words.set_units):
        return "set"
    return "piece"


# A variant's whole quantity value meaning one item: "Single", "One Piece", "Individual".
_ALONE_ONE = re.compile(
    r"\s*((?:single|one|individual)(?:\s+(?:piece|item|unit|pack|pc))?)\s*", re.IGNORECASE
)

# A variant value that is only a multiplier: "x3", "X 2".
_ALONE_TIMES = re.compile(r"\s*[x×]\s?(\d{1,3})\s*", re.IGNORECASE)

# Every match of times_before, times_volume ("1 x", "4 x 330ml", "2*") or times_after
# ("x2") holds one of these: a text without any has none of them.
_TIMES = re.compile(r"\d\s*[x×*]|[x×]\s?\d", re.IGNORECASE)

# A contents list: "1 x chef knife" lines under "Package includes:".
_LIST_ITEM = re.compile(r"\d{1,3}\s*[x×*]|\d{1,3}\s*(?:pcs|pc|pieces?)\b", re.IGNORECASE)
_MAX_LIST_LINES = 30


def _label(match: re.Match[str]) -> str:
    return " ".join(match.group(0).lower().strip(" :：-=").split())


def _statement_label(text: str, start: int, pats: _Patterns) -> str:
    """The quantity label the quantity follows on its line ("Quantity: 1pc"), or the label
    line it starts a line under ("Package Contents:" / "1 x Hex Socket"); else ""."""
    line_start = text.rfind("\n", 0, start) + 1
    if not text[line_start:start].strip(" *-•·|\t"):
        lines = text[:line_start].rstrip().split("\n")[::-1][:_MAX_LIST_LINES]
        for above in (line.strip(" *-•·|\t") for line in lines):
            head = pats.statement.match(above)
            if head and above.endswith((":", "：")) and head.end() >= len(above) - 1:
                return _label(head)
            if not _LIST_ITEM.match(above):
                break
    before = text[max(line_start, start - 60) : start]
    match = None
    for match in pats.statement.finditer(before):
        pass
    if match is not None and before[match.end() :].strip(" :-=") == "":
        return _label(match)
    return ""


def _listed(text: str, start: int, pats: _Patterns) -> bool:
    """An "N x item" is a lot only where items are listed: at the start of a line or of a
    field, or on a quantity statement's line ("Package: 1 x lamp, 2 x cable")."""
    line_start = text.rfind("\n", 0, start) + 1
    before = text[line_start:start]
    return not before.strip(" *-•·|\t0123456789.)") or pats.statement.search(before) is not None


def _words_may_match(text: str, pats: _Patterns) -> bool:
    """False when none of count_unit, group_of, single and statements can match ``text``
    (the gate: none of their literals is in it)."""
    literals = pats.word_literals
    return literals is None or not literals.isdisjoint(present(text))


def lots_in(
    field: str,
    text: str,
    words: LotWords,
    *,
    variant: bool = False,
    title_or_variant: bool = False,
    nouns: frozenset[str] = frozenset(),
) -> list[Lot]:
    """Every lot quantity stated in ``text`` (one field), in text order.

    ``variant`` also reads a leading "1 mug" / "4 curtains" as a count: in a
    short variant value a number before a noun is the lot. ``title_or_variant``
    reads "4 x 330ml" as four pieces (in a description it is often a spec).
    ``nouns`` (the title's words) reads "N <noun>" right after a quantity label as a
    count when the noun is one of them: "You will receive 4 bowls" under a title of bowls.
    """
    title_or_variant = title_or_variant or variant
    pats = _patterns(words)
    key = pats.variant_key.match(text) if variant and pats.variant_key is not None else None
    if key is not None:
        return _variant_quantity(field, text, key.end(), words)
    lead = pats.leading_noun.match(text) if variant else None
    times = _TIMES.search(text) is not None
    named = pats.named is not None and any(w in text.lower() for w in pats.named_words)
    if not times and not lead and not named and not _words_may_match(text, pats):
        # most texts ("Black", "XL", a description with no count): no pattern can match
        return []
    found: list[Lot] = []
    taken: list[tuple[int, int, Unit]] = []

    def add(count: int, unit: Unit, span: tuple[int, int], *, weak: bool = False) -> None:
        # "1 Set Of 10 Pieces": one set (set) of ten (piece) may overlap.
        if any(
            s < span[1] and span[0] < e and (u == "set") == (unit == "set") for s, e, u in taken
        ):
            return
        if count <= 0 or pats.per_before.search(text[max(0, span[0] - 12) : span[0]]):
            return
        taken.append((span[0], span[1], unit))
        label = _statement_label(text, span[0], pats)
        found.append(Lot(count, unit, field, span, text[span[0] : span[1]], label, weak))

    for m in pats.group_of.finditer(text):
        add(
            _number(m.group(2)),
            "pair" if m.group(1).lower().startswith("pair") else "piece",
            m.span(),
        )
    for m in pats.count_unit.finditer(text):
        # "1000 Count Egyptian Cotton Sheets" is a thread count, not 1000 pieces
        if m.group(2).lower() == "count" and _THREAD_COUNT.search(text):
            continue
        add(_number(m.group(1)), _unit_of(m.group(2), words), m.span())
    if times:  # "1 x Hex Socket", "4 x 330ml", "Mug x2" all need a digit and an "x"
        for m in pats.times_before.finditer(text):
            if _listed(text, m.start(), pats):
                add(int(m.group(1)), "piece", m.span())
        if title_or_variant:
            for m in pats.times_volume.finditer(text):
                add(int(m.group(1)), "piece", m.span())
        for m in pats.times_after.finditer(text):
            add(int(m.group(1)), "piece", m.span())
    for m in pats.single.finditer(text):
        add(1, "piece", m.span(), weak=True)
    for m in pats.statements.finditer(text):
        # "Quantity: 2" (a bare "Quantity: 1" may mean one lot of anything: not read).
        bare = re.match(r"(\d{1,4})\b(?![ \t]*[^\W\d_])", text[m.end() : m.end() + 12])
        if (
            bare
            and int(bare.group(1)) > 1
            and re.search(r"quantity|qty", m.group(0), re.IGNORECASE)
        ):
            start = m.end()
            add(int(bare.group(1)), "piece", (start, start + len(bare.group(1))))
        # A variant's "Quantity: Single" / "Pack: One" (alone, "single" is mostly a size).
        alone = _ALONE_ONE.fullmatch(text, m.end()) if variant else None
        if alone:
            add(1, "piece", alone.span(1))
        if nouns:
            counted = pats.leading_noun.match(text[m.end() : m.end() + 40])
            after = re.split(r"[.;\n]", text[m.end() + counted.end() :], maxsplit=1)[0] if counted else ""
            # the whole statement, not the first item of a contents list ("4 bowls, 4 plates")
            noun = counted.group(2).lower() if counted else ""
            if (
                counted
                and noun not in pats.unit_words
                and _singular(noun) & nouns
                and not _MORE_ITEMS.search(after)
            ):
                add(_number(counted.group(1)), "piece", (m.end() + counted.start(1), m.end() + counted.end()))
    if variant:
        # a whole variant value "x3" / "X 2": so many pieces ("3X" is a size, not read)
        alone_times = _ALONE_TIMES.fullmatch(text)
        if alone_times:
            add(int(alone_times.group(1)), "piece", alone_times.span())
    if lead and (_number(lead.group(1)) == 1 or lead.group(2).lower().endswith("s")):
        add(_number(lead.group(1)), "piece", lead.span())
    if named and pats.named is not None:
        named_counts = {phrase.lower(): n for phrase, n in words.named_counts}
        for m in pats.named.finditer(text):
            times = _number(m.group(1)) if m.group(1) else 1
            add(times * named_counts[" ".join(m.group(2).lower().split())], "piece", m.span())
    found.sort(key=lambda lot: lot.span)
    return found


# Bedding whose "N count" is its thread count.
_THREAD_COUNT = re.compile(r"\bthread|\b(?:sateen|percale|egyptian|sheets?|bedding|pillowcases?)\b", re.IGNORECASE)

# Another item after the first one of a list: "4 bowls, 4 plates", "4 bowls and 4 spoons".
_MORE_ITEMS = re.compile(r",|\+|&|\b(?:and|with|plus)\b", re.IGNORECASE)


def _singular(word: str) -> set[str]:
    """A word and its possible singular forms ("bowls" -> bowls, bowl; "glasses" -> glass)."""
    out = {word}
    if word.endswith("es"):
        out.add(word[:-2])
    if word.endswith("s"):
        out.add(word[:-1])
    return out


def _variant_quantity(field: str, text: str, start: int, words: LotWords) -> list[Lot]:
    """The lot of a variant attribute named as a quantity ("Quantity: 6 glasses", "Pack:
    Single", "Pieces: 12"): its value read as a variant value. A bare "1" is not read (it
    may be one lot of anything)."""
    rest = text[start:]
    found = [
        dataclass_replace(lot, span=(lot.span[0] + start, lot.span[1] + start))
        for lot in lots_in(field, rest, words, variant=True)
    ]
    if found:
        return found
    alone = _ALONE_ONE.fullmatch(rest)
    if alone:
        return [Lot(1, "piece", field, (start + alone.start(1), start + alone.end(1)), alone.group(1))]
    bare = re.fullmatch(r"\s*(\d{1,4})\s*", rest)
    if bare and int(bare.group(1)) > 1:
        return [Lot(int(bare.group(1)), "piece", field, (start + bare.start(1), start + bare.end(1)), bare.group(1))]
    return []


def implied_set(text: str, words: LotWords) -> re.Match[str] | None:
    """A bare "set" word ("Converter Set"): several pieces, number not said."""
    pats = _patterns(words)
    return pats.implied_set.search(text)


def counts(lots: Sequence[Lot], unit: Unit) -> set[int]:
    return {lot.count for lot in lots if lot.unit == unit}


@per_object  # one LotWords per policy, so that _patterns finds its regexes by identity
def lot_words(policy: LotPolicy) -> LotWords:
    return LotWords(
        piece_units=tuple(policy.piece_units),
        pair_units=tuple(policy.pair_units),
        set_units=tuple(policy.set_units),
        group_words=tuple(policy.group_words),
        statement_labels=tuple(policy.statement_labels),
        single_not_lot=tuple(policy.single_not_lot),
        not_lot_nouns=tuple(policy.not_lot_nouns),
        per_words=tuple(policy.per_words),
        named_counts=tuple(policy.named_counts.items()),
        variant_quantity_keys=tuple(policy.variant_quantity_keys),
    )


@dataclass(frozen=True, slots=True)
class VariantLot:
    """What one variant says about its lot: the ``quantity`` field and its texts' lots."""

    index: int
    quantity: int | None
    lots: list[Lot]

    @property
    def piece_counts(self) -> set[int]:
        found = counts(self.lots, "piece")
        if self.quantity is not None and self.quantity > 0:
            found.add(self.quantity)
        return found


@dataclass(frozen=True, slots=True)
class ListingLots:
    """Every lot quantity of a listing, by place."""

    title: list[Lot]
    description: list[Lot]
    variants: list[VariantLot]


def listing_lots(
    title: str,
    description: str,
    variant_values: Mapping[int, list[tuple[str, str]]],
    quantities: Mapping[int, int | None],
    words: LotWords,
) -> ListingLots:
    """Lots of the title, the description and each variant (``variant_values``: index ->
    (field, value) pairs; ``quantities``: index -> the variant's ``quantity`` field)."""
    variants = [
        VariantLot(
            index=i,
            quantity=quantities.get(i),
            lots=[
                lot
                for field, value in variant_values.get(i, [])
                for lot in lots_in(field, value, words, variant=True)
            ],
        )
        for i in sorted(set(variant_values) | set(quantities))
    ]
    title_words = frozenset(w for word in re.findall(r"[^\W\d_]{3,}", title.lower()) for w in _singular(word))
    return ListingLots(
        title=lots_in("title", title, words, title_or_variant=True),
        description=lots_in("description", description, words, nouns=title_words),
        variants=variants,
    )
