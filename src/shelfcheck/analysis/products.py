"""Product kinds named in a text: which product a title, a description or a variant names.

RULEBOOK §10 INCONSISTENT-1 (the title names another product than the
description) and INCONSISTENT-3 (the variants are not all the same product).
A *product kind* is a fine-grained kind of goods with its synonyms ("mug",
"cup", "tumbler" are one kind; "curtain", "drape" another), from the policy
(``inconsistent.products``); each kind belongs to a *family* of near kinds
(mug and glass are drinkware) that a seller may reasonably name either way.

Not every product word names the product sold: "Stand for Phone", "Mug with
Coaster" and "Cup & Saucer" name a purpose or an accompanying item after a
cue word, "Mug Warmer", "Towel Rack" and "Cat Print" an accessory or a
motif. Those mentions are kept apart (``Mention.primary`` is false).

A word of another language is no product word: in a Malay sentence "Ada poket
untuk pen dan pensel" the "pen" is Malay, not the product "pen" of an English
listing. A product word inside a line, sentence or "/"-part that reads as
another language (``ForeignSegment``, built from the language policy) is not
read at all.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from shelfcheck.analysis.language import english_share, strip_non_words
from shelfcheck.gate import fold
from shelfcheck.policy import InconsistentPolicy, LanguagePolicy, TermSet, per_object


@dataclass(frozen=True, slots=True)
class Mention:
    """One product word: its kind, family, where, and whether it names the product sold."""

    kind: str
    family: str
    span: tuple[int, int]
    text: str
    primary: bool
    #: Where it was found (``variants[2].color`` ...); empty for title and description.
    field: str = ""


# "Color: Black", "Type: Bracelet": an attribute panel's line, not a product name line.
_ATTRIBUTE_LINE = re.compile(r"^\W*[^\W\d][\w\s()/&-]{0,40}[:：]\s*\S")
_TOKEN = re.compile(r"[^\W_]+")
_JOINER = re.compile(r"[\s\-_]*")
#: How ``policy.phrase_regex`` splits a phrase into words.
_SEPARATORS = re.compile(r"[\s\-_]+")


def _words(term: str) -> tuple[str, ...]:
    return tuple(w.casefold() for w in _TOKEN.findall(term))


@dataclass(frozen=True, slots=True)
class _Lexicon:
    """Product terms by their words (a term's last word also in plural form)."""

    terms: Mapping[tuple[str, ...], str]
    longest: int
    families: Mapping[str, str]
    #: The first words of all terms: a token that is none of them starts no term.
    firsts: frozenset[str] = frozenset()
    #: The first two or more words of the terms of several words: words that are none of
    #: them start no longer term.
    prefixes: frozenset[tuple[str, ...]] = frozenset()


@per_object
def _lexicon(policy: InconsistentPolicy) -> _Lexicon:
    """The lexicon of a policy, built once per (immutable) policy object."""
    terms: dict[tuple[str, ...], str] = {}
    for name, kind in policy.products.items():
        for term in kind.terms:
            words = _words(term)
            if not words:
                continue
            for last in (words[-1], words[-1] + "s", words[-1] + "es"):
                terms.setdefault((*words[:-1], last), name)
    families = {name: kind.family for name, kind in policy.products.items()}
    return _Lexicon(
        terms,
        max((len(k) for k in terms), default=0),
        families,
        frozenset(k[0] for k in terms),
        frozenset(k[:n] for k in terms for n in range(2, len(k) + 1)),
    )


def _folded_words(text: str) -> list[str]:
    """The text's tokens, case-folded."""
    if text.isascii():  # the same tokens, lower-cased in one call (casefold is lower here)
        return _TOKEN.findall(text.lower())
    return [w.casefold() for w in _TOKEN.findall(text)]


def _find(text: str, lex: _Lexicon) -> list[tuple[str, int, int]]:
    """(kind, start, end) of each product term, longest first, left to right. A dictionary
    look-up per word and length: linear in the text, whatever the size of the lexicon."""
    words = _folded_words(text)
    if lex.firsts.isdisjoint(words):  # most texts name no product at all: one C-level check
        return []
    tokens = list(_TOKEN.finditer(text))

    def joined(k: int) -> bool:
        """Tokens k and k + 1 may belong to one term (only a joiner between them)."""
        return _JOINER.fullmatch(text, tokens[k].end(), tokens[k + 1].start()) is not None

    found: list[tuple[str, int, int]] = []
    count = len(tokens)
    after = 0  # the first token not yet inside a found term
    for i in [i for i, word in enumerate(words) if word in lex.firsts]:
        if i < after:
            continue
        # the longest run of joined tokens that still begins some term
        longest = 1
        while (
            longest < lex.longest
            and i + longest < count
            and tuple(words[i : i + longest + 1]) in lex.prefixes
            and joined(i + longest - 1)
        ):
            longest += 1
        for n in range(longest, 0, -1):
            kind = lex.terms.get(tuple(words[i : i + n]))
            if kind is not None:
                found.append((kind, tokens[i].start(), tokens[i + n - 1].end()))
                after = i + n
                break
    return found


# On snippets cut from a text the regexes run ungated (``.pattern``): a gate look-up on a
# new short text costs more than the regex. Instead, a cue phrase's match starts with its
# first word and ends with its last (``phrase_regex`` joins the words with optional
# separators, its word boundaries take no text), so a snippet that does not end (start)
# with one of those, case-folded as the gate folds (wider than IGNORECASE), has no match
# there and needs no regex.


@per_object
def _edge_words(cues: TermSet) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The first and the last word of each cue phrase, case-folded ("" for a phrase with
    no word: it may match anywhere)."""
    words = [[p for p in _SEPARATORS.split(term.strip()) if p] for term in cues.terms]
    return (
        tuple(fold(w[0]) if w else "" for w in words),
        tuple(fold(w[-1]) if w else "" for w in words),
    )


def _ends_with(cues: TermSet, text: str) -> bool:
    if not fold(text).endswith(_edge_words(cues)[1]):
        return False
    return any(m.end() == len(text) for m in cues.pattern.finditer(text))


def _starts_with(cues: TermSet, text: str) -> bool:
    if not fold(text).startswith(_edge_words(cues)[0]):
        return False
    m = cues.pattern.search(text)
    return m is not None and m.start() == 0


#: Judges one segment of a text (a line, a sentence, a part between "/" or "|"): true when
#: it is written in another language than English.
ForeignSegment = Callable[[str], bool]

# The segments a language is judged on, as ``analysis.language`` cuts them.
_SEGMENT = re.compile(r"\s*[/|\n]\s*|(?<=[.!?。])\s+")


def _segment_at(text: str, start: int, end: int) -> str:
    """The line, sentence or "/"-part of ``text`` around ``text[start:end]``."""
    left = 0
    for m in _SEGMENT.finditer(text, 0, start):
        left = m.end()
    right = _SEGMENT.search(text, end)
    return text[left : right.start() if right else len(text)]


def foreign_judge(language: LanguagePolicy, vocabulary: Mapping[str, int]) -> ForeignSegment:
    """A segment is of another language when at least two of its words, and a third of
    them, are the language policy's foreign words ("untuk", "dan", "botol") and it does not
    read as English (``analysis.language.english_share``)."""

    def judge(segment: str) -> bool:
        words = strip_non_words(segment, language.units)
        foreign = sum(1 for w in words if w.lower() in language.foreign_words)
        if foreign < 2 or 3 * foreign < len(words):
            return False
        return english_share(segment, language, vocabulary) == 0.0

    return judge


def mentions(
    text: str, policy: InconsistentPolicy, field: str = "", foreign: ForeignSegment | None = None
) -> list[Mention]:
    """Every product word of ``text`` in order, each marked primary or not. A word used
    as a label ("Charger: USA", "Speaker: 1511 Box Speaker") is not primary; a word in a
    segment of another language (``foreign``) is left out."""
    lex = _lexicon(policy)
    found: list[Mention] = []
    judged: dict[str, bool] = {}
    for kind, start, end in _find(text, lex):
        if foreign is not None:
            segment = _segment_at(text, start, end)
            if segment not in judged:
                judged[segment] = foreign(segment)
            if judged[segment]:
                continue
        before = text[max(0, start - 40) : start]
        before_words = re.findall(r"[\w&+]+", before)[-3:]
        after = text[end : end + 20].lstrip(" -_")
        # A cue at most two words before: "for iPhone case", "with a coaster".
        cued = any(
            _ends_with(policy.compatibility_cues, " ".join(before_words[: len(before_words) - k]))
            for k in range(min(3, len(before_words)))
        )
        label = after.startswith((":", "："))
        secondary = label or cued or _starts_with(policy.accessory_after, after)
        mention = Mention(
            kind, lex.families[kind], (start, end), text[start:end], not secondary, field
        )
        found.append(mention)
    return found


def primary_kinds(items: Iterable[Mention]) -> set[str]:
    return {m.kind for m in items if m.primary}


def families_of(kinds: Iterable[str], policy: InconsistentPolicy) -> set[str]:
    return {policy.products[k].family for k in kinds if k in policy.products}


def near_families(families: set[str], policy: InconsistentPolicy) -> set[str]:
    """``families`` with the families a seller may name for them (policy ``near_families``)."""
    out = set(families)
    for a, b in policy.near_families:
        if a in families:
            out.add(b)
        if b in families:
            out.add(a)
    return out


def product_line(description: str, policy: InconsistentPolicy) -> str:
    """The part of the description that names the product: its labelled product line
    ("Product: Thermos Bottle") or else its first line (cut at ``head_chars``)."""
    label = policy.product_labels.search(description)
    if label:
        end = description.find("\n", label.end())
        return description[label.end() : end if end >= 0 else None][: policy.head_chars]
    first = description.strip().split("\n", 1)[0]
    if _ATTRIBUTE_LINE.match(first):
        return ""
    return first[: policy.head_chars]


_PATH_SEPARATOR = re.compile(r"\s*(?:>>?|/|\||›|»)\s*")


def category_leaf(category: str) -> str:
    """The last node of a category path ("Home Textile > Cushions > Cushion Cover" ->
    "Cushion Cover"); Flipkart's ``["A >> B"]`` wrapping is stripped."""
    nodes = [n for n in _PATH_SEPARATOR.split(category.strip(' []"')) if n.strip(' []"')]
    return nodes[-1].strip(' []"') if nodes else ""


@dataclass(frozen=True, slots=True)
class ListingProducts:
    """The product words of each part of a listing."""

    title: list[Mention]
    #: The description's product line (see :func:`product_line`).
    head: list[Mention]
    description: list[Mention]
    #: Variant index -> the product words of its values (colour, size, attributes).
    variants: dict[int, list[Mention]]
    #: The product words of the category path's last node ("... > Cushion Cover").
    category: list[Mention] = dataclasses.field(default_factory=list)


def listing_products(
    title: str,
    description: str,
    variant_values: Mapping[int, list[tuple[str, str]]],
    policy: InconsistentPolicy,
    category: str = "",
    foreign: ForeignSegment | None = None,
) -> ListingProducts:
    return ListingProducts(
        category=mentions(category_leaf(category), policy, foreign=foreign),
        title=mentions(title, policy, foreign=foreign),
        head=mentions(product_line(description, policy), policy, foreign=foreign),
        description=mentions(description, policy, foreign=foreign),
        variants={
            i: [m for field, value in values for m in mentions(value, policy, field, foreign)]
            for i, values in variant_values.items()
        },
    )
