"""The kind of goods a listing sells (RULEBOOK §8 and §14 "Required information").

Required information (DESC-8 .. DESC-11, SIZE-1, SIZE-5) applies only when the
kind of goods is clear from the category, title or description. This module
names the kinds with a closed vocabulary (the names are a contract read by
several rule groups)::

    clothing, clothing_top, clothing_bottom, shoes, ring, bag, hat, socks,
    necklace, jewellery, watch, cosmetics, medicine, electronics, power_bank,
    flash_drive

The terms of each kind, its exclusions ("shoe rack", "key ring") and the
implications between kinds (a ring is jewellery, a dress is a top and so
clothing) are policy data (``kinds.yaml``). How the sources weigh:

* **category**: the deepest breadcrumb segment that names a kind decides; a
  segment of accessories / storage ("Bag Accessories", "Vanity Boxes") stops
  the search, so "Women Bags > Bag Organizers" is not a bag;
* **title**: every kind named there counts, unless the kind word is a modifier
  ("Shoe Bag" is a bag, "Dress Shoes" are shoes), an accessory of the kind
  ("Jewellery Box", "Ring Light") or the object of a purpose ("Rack for Shoes");
  a kind the title names as an accessory is dropped from the title altogether;
* **description**: read only when category and title name no kind, and then a
  kind must be named at least ``description_min_mentions`` times, so "fits all
  shoes" in a bag's description never makes it a shoe; kind words listed
  together ("holds shirts, dresses, socks and towels") do not count.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from shelfcheck import gate
from shelfcheck.analysis.terms import TermIndex
from shelfcheck.policy import per_object

if TYPE_CHECKING:
    from shelfcheck.policy import KindsPolicy, KindTerms

#: The closed vocabulary of kinds (the contract other modules read).
KINDS: frozenset[str] = frozenset(
    {
        "clothing",
        "clothing_top",
        "clothing_bottom",
        "shoes",
        "ring",
        "bag",
        "hat",
        "socks",
        "necklace",
        "jewellery",
        "watch",
        "cosmetics",
        "medicine",
        "electronics",
        "power_bank",
        "flash_drive",
    }
)

_GAP = re.compile(r"[\s\-_]+")
#: What separates the words of a list of kinds ("Necklace, Earring & Ring Holder").
_LIST_GAP = re.compile(r"(?:[\s\-_/,&+]|\band\b)+", re.IGNORECASE)
#: What separates the items of a purpose list ("for Hard Drive, Portable Power Bank"): a
#: separator, then at most two words before the next kind word.
_PURPOSE_LIST_GAP = re.compile(
    r"\s*(?:[,/&+]|\band\b|\bor\b)\s*(?:[^\s,;|()\[\]]+\s+){0,2}", re.IGNORECASE
)
_SEGMENT_SPLIT = re.compile(r"\s*(?:>|/|›|»|\|)\s*")


@dataclass(frozen=True, slots=True)
class KindEvidence:
    """Why a listing is of a kind: the field and the words that said so."""

    kind: str
    field: str
    text: str
    span: tuple[int, int] | None = None

    def describe(self) -> str:
        return f'{self.field} says "{self.text}"'


@dataclass(frozen=True, slots=True)
class Kinds:
    """The kinds of goods of one listing, each with its evidence."""

    kinds: frozenset[str]
    evidence: dict[str, KindEvidence]

    def source(self, kind: str) -> str | None:
        """Where the kind came from ("category", "title", "description"), or None."""
        ev = self.evidence.get(kind)
        return ev.field if ev else None


@dataclass(frozen=True, slots=True)
class _Hit:
    kind: str
    start: int
    end: int
    text: str
    accessory: bool  # the word names an accessory of the kind, not the kind itself
    purpose: bool = False  # ... because of the words before it ("Rack for Coats")


def _next_word_start(text: str, pos: int) -> int | None:
    gap = _GAP.match(text, pos)
    if gap is None:
        return None
    return gap.end() if gap.end() < len(text) else None


@dataclass(frozen=True, slots=True)
class _KindIndex:
    """Per policy: the kinds in order, one index over each kind's terms then each kind's
    exclusions, and the kinds with regexes (their literal gates skip them on most texts
    in Latin script, see :mod:`shelfcheck.gate`)."""

    kinds: tuple[tuple[str, KindTerms], ...]
    index: TermIndex
    with_patterns: frozenset[int]
    #: the literals of all those regexes together (None: one of them has no gate): a text
    #: with none of them skips the kinds' regexes in one set check
    pattern_literals: frozenset[int] | None


@per_object
def _kind_index(policy: KindsPolicy) -> _KindIndex:
    kinds = tuple(policy.kinds.items())
    return _KindIndex(
        kinds,
        TermIndex([t.terms for _, t in kinds] + [t.exclude for _, t in kinds]),
        frozenset(i for i, (_, t) in enumerate(kinds) if t.patterns),
        _union([t.patterns.literals for _, t in kinds if t.patterns]),
    )


def _union(sets: list[frozenset[int] | None]) -> frozenset[int] | None:
    return None if any(s is None for s in sets) else frozenset().union(*sets)  # type: ignore[arg-type]


def _hits(text: str, policy: KindsPolicy) -> list[_Hit]:
    """Every kind word in ``text``, with exclusions, modifiers and accessories marked.

    A word inside an exclusion phrase is dropped ("key ring", "dress up"), unless
    the phrase goes on with an accessory word ("jewellery box", "bag organizer"):
    then it is kept as an accessory mention.
    """
    raw: list[_Hit] = []
    # one Aho-Corasick pass over all kinds says which kinds' phrases (and exclusions) can
    # occur at all; most kinds are absent from most texts, and then their regexes never run
    index = _kind_index(policy)
    count = len(index.kinds)
    present = index.index.present(text.lower())
    candidates = {j for j in present if j < count}
    literals = index.pattern_literals
    if literals is None or not literals.isdisjoint(gate.present(text)):
        candidates |= {
            i for i in index.with_patterns if index.kinds[i][1].patterns.may_match(text)
        }
    # in the policy's order of kinds, only those that can match
    for i in sorted(candidates):
        kind, terms = index.kinds[i]
        phrases = i in present
        excluded = (
            [(m.start(), m.end()) for m in terms.exclude.finditer(text)]
            if count + i in present
            else []
        )
        for source in (terms.terms, terms.patterns) if phrases else (terms.patterns,):
            for m in source.finditer(text):
                start, end = m.span()
                cover = next(((s, e) for s, e in excluded if s <= start and end <= e), None)
                if cover is None:
                    raw.append(_Hit(kind, start, end, m.group(0), accessory=False))
                elif policy.accessory_words.search(text[end : cover[1]]):
                    raw.append(_Hit(kind, start, end, m.group(0), accessory=True))
    out: list[_Hit] = []
    for hit in raw:
        accessory = hit.accessory
        nxt = _next_word_start(text, hit.end)
        if nxt is not None and not accessory:
            following = {other.kind for other in raw if other.start == nxt}
            if following and not any(_implied(hit.kind, k, policy) for k in following):
                # a modifier of another kind's word: "Shoe Bag", "Dress Shoes", "Makeup Bag"
                continue
            if not following and policy.accessory_words:
                if policy.accessory_words.pattern.match(text, nxt):
                    accessory = True
                elif policy.part_words:
                    # "USB Cable Organizer", "Shoe Lace Holder": a part, then the accessory
                    part = policy.part_words.pattern.match(text, nxt)
                    after = _next_word_start(text, part.end()) if part else None
                    if after is not None and policy.accessory_words.pattern.match(text, after):
                        accessory = True
        purpose = not accessory and _purpose_or_feature(text, hit.start, policy)
        out.append(_Hit(hit.kind, hit.start, hit.end, hit.text, accessory or purpose, purpose))
    return _accessory_runs(sorted(out, key=lambda h: h.start), text)


def _purpose_or_feature(text: str, start: int, policy: KindsPolicy) -> bool:
    """Whether the text right before a kind word makes it a purpose ("Rack for Shoes",
    "Insoles for Nike Sneakers") or a feature of another product ("Case with MagSafe
    Ring"), not the product itself."""
    before = text[max(0, start - 60) : start]
    if policy.purpose_cues.search(before):
        return True
    cue = policy.feature_cues.search(before) if policy.feature_cues else None
    if cue is not None and not policy.feature_heads.search(before[: cue.start()]):
        return True
    model = policy.purpose_model_cues.search(before) if policy.purpose_model_cues else None
    return model is not None and not policy.purpose_audience.search(model.group(0))


def _accessory_runs(hits: list[_Hit], text: str) -> list[_Hit]:
    """Kind words listed before an accessory of their kind name accessories too:
    "Necklace, Earring & Ring Storage Case" stores all three; so do kind words listed
    after a purpose: "Rack for Coats, Shirts and Dresses" holds all three."""
    out = list(hits)
    for i in range(len(out) - 2, -1, -1):
        hit, nxt = out[i], out[i + 1]
        if not hit.accessory and nxt.accessory and _LIST_GAP.fullmatch(text[hit.end : nxt.start]):
            out[i] = _Hit(hit.kind, hit.start, hit.end, hit.text, accessory=True)
    for i in range(1, len(out)):
        prev, hit = out[i - 1], out[i]
        gap = text[prev.end : hit.start]
        if prev.purpose and not hit.accessory and _PURPOSE_LIST_GAP.fullmatch(gap):
            out[i] = _Hit(hit.kind, hit.start, hit.end, hit.text, accessory=True, purpose=True)
    return out


def _implied(a: str, b: str, policy: KindsPolicy) -> bool:
    """Whether kinds ``a`` and ``b`` are the same family (one implies the other)."""
    return b in _closure((a,), policy) or a in _closure((b,), policy)


def _closure(kinds: Iterable[str], policy: KindsPolicy) -> set[str]:
    out: set[str] = set()
    todo = list(kinds)
    while todo:
        kind = todo.pop()
        if kind in out:
            continue
        out.add(kind)
        todo.extend(policy.implies.get(kind, ()))
    return out


def _from_title(hits: list[_Hit]) -> dict[str, KindEvidence]:
    """Kinds the title names; a kind named more often as an accessory than as itself,
    or as often and first as an accessory ("Jewellery Box ... Jewellery"), is not the
    product. A keyword-stuffed title that names the kind itself more often keeps it
    ("Dress Strap Mini Backless Party Dress ... Dresses")."""
    plain: dict[str, list[_Hit]] = {}
    accessory: dict[str, int] = {}
    first: dict[str, _Hit] = {}
    for h in hits:
        first.setdefault(h.kind, h)
        if h.accessory:
            accessory[h.kind] = accessory.get(h.kind, 0) + 1
        else:
            plain.setdefault(h.kind, []).append(h)
    return {
        kind: KindEvidence(kind, "title", hs[0].text, (hs[0].start, hs[0].end))
        for kind, hs in plain.items()
        if accessory.get(kind, 0) < len(hs)
        or (accessory.get(kind, 0) == len(hs) and not first[kind].accessory)
    }


_CATEGORY_CACHE: dict[tuple[int, str], tuple[KindsPolicy, dict[str, KindEvidence], bool]] = {}
_CATEGORY_CACHE_SIZE = 4096


def _from_category(category: str, policy: KindsPolicy) -> tuple[dict[str, KindEvidence], bool]:
    """:func:`_category_kinds`, remembered per category path: a catalog has far fewer
    category paths than listings, so each path is analysed once."""
    key = (id(policy), category)
    hit = _CATEGORY_CACHE.get(key)
    if hit is not None and hit[0] is policy:
        return dict(hit[1]), hit[2]
    kinds, named = _category_kinds(category, policy)
    if len(_CATEGORY_CACHE) >= _CATEGORY_CACHE_SIZE:
        _CATEGORY_CACHE.clear()
    _CATEGORY_CACHE[key] = (policy, kinds, named)
    return dict(kinds), named


def _category_kinds(category: str, policy: KindsPolicy) -> tuple[dict[str, KindEvidence], bool]:
    """Kinds of the deepest category segment that names one, and whether any
    segment named a kind word at all (even as an accessory)."""
    segments = [s for s in _SEGMENT_SPLIT.split(category) if s.strip()]
    for segment in reversed(segments):
        hits = _hits(segment, policy)
        if hits and policy.category_stop_words.search(segment):
            # "E-reader Accessories", "Phone Accessories": accessories of the kind
            return {}, True
        kept = {h.kind: h for h in hits if not h.accessory}
        if kept:
            return {k: KindEvidence(k, "category", h.text) for k, h in kept.items()}, True
        if hits:
            return {}, True
        if policy.category_stop_words.search(segment):
            return {}, False
    return {}, False


def _enumerated(hits: list[_Hit], text: str) -> set[int]:
    """Indexes of hits in a list that names several kinds of goods ("holds shirts,
    dresses, socks and towels", "shirts and dresses"): such a list says what the
    product is for, not what it is."""
    out: set[int] = set()
    run = [0] if hits else []
    for i in range(1, len(hits) + 1):
        if i < len(hits) and _LIST_GAP.fullmatch(text[hits[i - 1].end : hits[i].start]):
            run.append(i)
            continue
        if len({hits[j].text.lower() for j in run}) > 1:
            out.update(run)
        run = [i]
    return out


def _from_description(text: str, policy: KindsPolicy) -> dict[str, KindEvidence]:
    counts: dict[str, list[_Hit]] = {}
    hits = _hits(text, policy)
    listed = _enumerated(hits, text)
    for i, h in enumerate(hits):
        if not h.accessory and i not in listed:
            counts.setdefault(h.kind, []).append(h)
    return {
        k: KindEvidence(k, "description", hs[0].text, (hs[0].start, hs[0].end))
        for k, hs in counts.items()
        if len(hs) >= policy.description_min_mentions
    }


def _drop_siblings(
    category: dict[str, KindEvidence], title: dict[str, KindEvidence], policy: KindsPolicy
) -> dict[str, KindEvidence]:
    """A category that names several kinds of one family ("Dresses & Skirts") keeps
    only the one the title names, when the title names one of that family."""
    out = dict(category)
    for kind in category:
        if kind in title:
            continue
        family = _closure((kind,), policy) - {kind}
        if any(t != kind and family & (_closure((t,), policy) - {t}) for t in title):
            del out[kind]
    return out


def find_kinds(title: str, category: str, description: str, policy: KindsPolicy) -> Kinds:
    """The kinds of goods named by the listing's category, title and description."""
    if (
        policy.no_kind.search(category)
        or policy.no_kind.search(title)
        or policy.no_kind_categories.search(category)
    ):
        return Kinds(frozenset(), {})
    title_hits = _hits(title, policy)
    from_title = _from_title(title_hits)
    from_category, category_named = _from_category(category, policy)
    if not from_title and from_category and policy.unsized_goods.search(title):
        # "Navaksha Necktie Men's Combo" under "Clothing > Men's Clothing": the title names
        # the goods (a tie), and a tie is no garment that needs a size chart or a material
        from_category = {}
    evidence = {**from_title, **_drop_siblings(from_category, from_title, policy)}
    if not evidence and not title_hits and not category_named:
        evidence = _from_description(description[: policy.max_description_chars], policy)
    for kind, ev in list(evidence.items()):
        for implied in _closure((kind,), policy) - {kind}:
            evidence.setdefault(implied, KindEvidence(implied, ev.field, ev.text, ev.span))
    return Kinds(frozenset(evidence), evidence)
