"""Required information in a listing (RULEBOOK §7 DESC-8 .. DESC-11, DESC-Q; §14).

Pure functions over ``(field, text)`` sources (``Facts.text_sources``: title,
description, variants, size chart and, once read, photo text) that answer
"is it stated anywhere?" for four kinds of information:

* the material of clothing, shoes, bags and jewellery (DESC-10),
* the composition of cosmetics and medicines, and whether it looks like real
  ingredients rather than the product's name (DESC-11),
* the technical specifications of electronics (DESC-9),
* the package contents of a set or kit (DESC-8).

Every list of words and every threshold is policy data (``required.yaml``);
the functions only apply them. Information in another language counts as
present (RULEBOOK §14), so the lists carry common non-English spellings.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from shelfcheck.analysis.text import words

if TYPE_CHECKING:
    from shelfcheck.policy import RequiredPolicy, TermSet

Sources = Sequence[tuple[str, str]]

#: How sure a finding of presence is: ``clear`` counts; ``weak`` is a vague word
#: ("Material: Fabric", "lace") that neither clearly states nor clearly omits it.
Strength = Literal["clear", "weak"]


@dataclass(frozen=True, slots=True)
class Found:
    """One piece of required information, where it was found."""

    field: str
    evidence: str
    span: tuple[int, int]
    strength: Strength = "clear"


@dataclass(frozen=True, slots=True)
class Composition:
    """What the listing says about its ingredients (DESC-11).

    ``listed`` is a clear ingredient list; ``header`` is a "Composition" /
    "Ingredients" heading whose content is not ingredients (the product's name,
    "natural ingredients": ``ingredients`` empty) or too short to judge (one
    ingredient, or ingredients that are only the product's name: "Tea Tree Oil").
    """

    listed: Found | None = None
    header: Found | None = None
    ingredients: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Specs:
    """The distinct kinds of technical specification stated (DESC-9)."""

    kinds: dict[str, Found] = dataclasses.field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.kinds)


def _usable(sources: Sources, skip: Sequence[str]) -> list[tuple[str, str]]:
    return [(f, t) for f, t in sources if t and f not in skip]


def _snippet(text: str, span: tuple[int, int], width: int = 60) -> str:
    start = max(0, span[0] - 10)
    return text[start : min(len(text), span[1] + width)].strip()


# --- material (DESC-10) -------------------------------------------------------------------


def find_material(sources: Sources, policy: RequiredPolicy) -> Found | None:
    """The first clear statement of a material, else a weak one, else None.

    Clear: a material word ("cotton", "PU leather", "stainless steel"), a
    precious metal with its fineness ("925 silver", "18K gold plated"), or a
    labelled value ("Material: Porcelain") that is not vague. Weak: only a
    vague word ("Material: Fabric", "lace", "crystal").
    """
    weak: Found | None = None
    for name, text in _usable(sources, policy.skip_sources):
        for pattern in (policy.material_words, policy.material_patterns, policy.precious_metals):
            match = pattern.search(text)
            if match:
                return Found(name, _snippet(text, match.span()), match.span())
        other_labels: list[tuple[int, int]] = []
        for match in policy.material_labels.finditer(text):
            value = text[match.end() : match.end() + 60].split("|")[0].split("\n")[0].strip(" :-.")
            if not value:
                continue
            span = (match.start(), match.end() + len(value))
            other = policy.not_materials.search(value)
            if other and other.start() == 0:
                other_labels.append(span)
                continue
            vague = policy.vague_materials.search(value)
            if vague and vague.start() == 0:
                weak = weak or Found(name, _snippet(text, span), span, "weak")
                continue
            return Found(name, _snippet(text, span), span)
        if weak is None:
            for match in policy.weak_materials.finditer(text):
                if not any(s <= match.start() < e for s, e in other_labels):
                    weak = Found(name, _snippet(text, match.span()), match.span(), "weak")
                    break
    return weak


def find_material_share(sources: Sources, policy: RequiredPolicy) -> Found | None:
    """A material given with its share ("95% cotton, 5% spandex") (DESC-Q)."""
    return _first(sources, policy.material_share, policy)


# --- composition (DESC-11) ----------------------------------------------------------------

#: A list item that is a plain name of one to three words ("Turmeric", "Green Tea Leaf").
_NAMED_ITEM = re.compile(r"[^\W\d_]+(?:[ '’-][^\W\d_]+){0,2}")
_HEADING_END = re.compile(r"[:：\-–]\s*$")
_ITEM_SPLIT = re.compile(r"\s*(?:[,;•·/|\n]|\band\b|\by\b|\bet\b|\bdan\b)\s*", re.IGNORECASE)


def _ingredient_word(item: str, policy: RequiredPolicy) -> bool:
    return bool(
        policy.ingredient_words.search(item)
        or policy.ingredient_codes.search(item)
        or policy.ingredient_doses.search(item)
    )


def _looks_like_ingredient(item: str, name_words: set[str], policy: RequiredPolicy) -> bool:
    item_words = [w.lower() for w in words(item)]
    if not item_words or all(w in name_words for w in item_words):
        return False
    if _ingredient_word(item, policy):
        return True
    return any(
        len(w) >= policy.min_suffix_word
        and w not in name_words
        and policy.ingredient_suffixes.pattern.fullmatch(w)
        for w in item_words
    )


def ingredients_after(
    text: str, start: int, name_words: set[str], policy: RequiredPolicy, heading: bool = False
) -> tuple[list[str], list[str]]:
    """The items after a composition heading that look like real ingredients, and those
    that are an ingredient only by the product's own name ("Tea Tree Oil" for a tea tree oil).
    After a ``heading`` ("Ingredients:"), plain names ("Neem, Turmeric") count with the latter."""
    window = text[start : start + policy.ingredient_window]
    found: list[str] = []
    by_name: list[str] = []
    named: list[str] = []
    misses = 0
    for raw in _ITEM_SPLIT.split(window):
        item = raw.strip(" .:-()[]")[: policy.max_item_chars]
        if not item:
            continue
        if _looks_like_ingredient(item, name_words, policy):
            found.append(item)
            misses = 0
            continue
        if _ingredient_word(item, policy):
            by_name.append(item)
        elif _NAMED_ITEM.fullmatch(item):
            named.append(item)
        misses += 1
        if misses > policy.max_non_ingredients or (not found and misses > 1):
            break
    if (
        heading
        and not found
        and len(named) >= 2
        and any(not all(w.lower() in name_words for w in words(item)) for item in named)
    ):
        # "Ingredients: Neem, Turmeric": a short list of plain names, perhaps plants; too
        # little to judge, but more than the product's name
        by_name += named
    return found, by_name


def find_composition(sources: Sources, product_name: str, policy: RequiredPolicy) -> Composition:
    """Whether a composition is stated and looks like ingredients (DESC-11).

    A composition needs a heading ("Ingredients:", "Composition", "INCI",
    "Ingredientes", "成分" ...) followed by at least ``min_ingredients`` items
    that look like ingredients: a known ingredient word ("aqua", "glycerin",
    "extract", "polymers", "silicone"), a colour index ("CI 77491") or a
    chemical ending ("-ate", "-ol", "-ide" ...), and that are not just words
    of the product's name; one substance with its dose ("Paracetamol 500 mg")
    is enough. Ingredients named in the title or in prose ("with shea and
    grapefruit") are not a composition.
    """
    name_words = {w.lower() for w in words(product_name)} | set(policy.name_filler)
    header: Found | None = None
    best: tuple[str, ...] = ()
    for name, text in _usable(sources, policy.skip_sources):
        if name == "title":
            continue
        for match in policy.ingredient_headers.finditer(text):
            heading = bool(_HEADING_END.search(match.group(0)))
            found, by_name = ingredients_after(text, match.end(), name_words, policy, heading)
            span = (match.start(), min(len(text), match.end() + 80))
            evidence = Found(name, _snippet(text, span, 0), span)
            dosed = any(policy.ingredient_doses.search(item) for item in found)
            if len(found) >= policy.min_ingredients or dosed:
                return Composition(listed=evidence, header=evidence, ingredients=tuple(found))
            items = tuple(found + by_name)
            if header is None or len(items) > len(best):
                header, best = evidence, items
    return Composition(header=header, ingredients=best)


# --- technical specifications (DESC-9) ----------------------------------------------------


def find_specs(sources: Sources, policy: RequiredPolicy) -> Specs:
    """The kinds of technical specification stated (voltage, power, capacity, ...), up to
    the policy's ``min_spec_kinds``: DESC-9 asks only whether that many are there, and
    names them only when fewer are (each kind is a dozen regex scans of every text)."""
    kinds: dict[str, Found] = {}
    for name, text in _usable(sources, policy.skip_sources):
        for kind, pattern in policy.spec_patterns.items():
            if kind in kinds:
                continue
            match = pattern.search(text)
            if match:
                kinds[kind] = Found(name, _snippet(text, match.span(), 20), match.span())
                if len(kinds) >= policy.min_spec_kinds:
                    return Specs(kinds)
    return Specs(kinds)


# --- package contents (DESC-8) ------------------------------------------------------------


def multi_item_title(title: str, policy: RequiredPolicy) -> re.Match[str] | None:
    """The word that makes a title a set of several items ("Set", "Kit", "Bundle");
    None for a single item called a set ("TV Set", "Quick Set Tent")."""
    single = [m.span() for m in policy.single_item_sets.finditer(title)]
    for match in policy.multi_item_titles.finditer(title):
        if not any(s <= match.start() and match.end() <= e for s, e in single):
            return match
    return None


def title_enumerates(title: str, policy: RequiredPolicy) -> bool:
    """The title names its parts ("T Shirt Top And Elastic Shorts", "Cup & Saucer")."""
    return bool(policy.enumeration.search(title))


def find_package_contents(sources: Sources, policy: RequiredPolicy) -> Found | None:
    """A statement of what the package holds or how many ("In the Box", "Pack of 2", "30pcs")."""
    for name, text in _usable(sources, policy.skip_sources):
        match = policy.contents_cues.search(text)
        if match:
            return Found(name, _snippet(text, match.span(), 40), match.span())
    return None


# --- quality hints (DESC-Q) ---------------------------------------------------------------


def _first(sources: Sources, pattern: TermSet, policy: RequiredPolicy) -> Found | None:
    for name, text in _usable(sources, policy.skip_sources):
        match = pattern.search(text)
        if match:
            return Found(name, _snippet(text, match.span(), 20), match.span())
    return None


def find_use_scenario(sources: Sources, policy: RequiredPolicy) -> Found | None:
    """Where or when the product is used ("indoor", "outdoor", "for the kitchen")."""
    return _first(sources, policy.use_scenario, policy)


def find_size_table_cm(sources: Sources, policy: RequiredPolicy) -> Found | None:
    """A size table or body measurements in centimetres ("unit: cm", "Bust: 86 cm")."""
    return _first(sources, policy.size_table_cm, policy)
