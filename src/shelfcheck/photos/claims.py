"""What photos claim and show against the listing: colours of variants, quantities.

Pure helpers for the photo rules of RULEBOOK §9 (VARIANT-1, VARIANT-2) and
§10 (INCONSISTENT-5).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from functools import lru_cache

from shelfcheck.photos.analysis import PhotoFacts, pdq_distance
from shelfcheck.policy import TermSet

_ACHROMATIC = {"white", "black", "grey", "gray", "silver", "ivory", "cream", "transparent", "clear"}


def colour_words(name: str | None, hues: Mapping[str, float]) -> frozenset[str]:
    """The colour words of a variant's colour ("Navy Blue leaves" -> {navy blue})."""
    if not name:
        return frozenset()
    text = name.lower()
    found: set[str] = set()
    for word in sorted(set(hues) | _ACHROMATIC, key=len, reverse=True):
        pattern = rf"(?<![a-z]){re.escape(word)}(?![a-z])"
        if re.search(pattern, text):
            found.add(word)
            text = re.sub(pattern, " ", text)
    return frozenset(found)


def hue_distance(a: float, b: float) -> float:
    d = abs(a - b) % 360
    return min(d, 360 - d)


def named_hue(words: frozenset[str], hues: Mapping[str, float]) -> float | None:
    """The hue of a single chromatic colour name (None: no colour, several, or grey)."""
    chromatic = [w for w in words if w in hues]
    return hues[chromatic[0]] if len(chromatic) == 1 and not (words - set(chromatic)) else None


def same_picture(a: PhotoFacts, b: PhotoFacts, distance: int) -> bool:
    """The same picture: PDQ (luminance) within ``distance`` and the same dominant colour
    (a hue-shifted copy is another colour variant, not a repeat)."""
    if pdq_distance(a.pdq, b.pdq) > distance:
        return False
    if a.dominant_hue is None or b.dominant_hue is None:
        return a.dominant_hue is None and b.dominant_hue is None
    return hue_distance(a.dominant_hue, b.dominant_hue) <= 20


def same_picture_groups(photos: Iterable[tuple[int, PhotoFacts]], distance: int) -> list[list[int]]:
    """Indices grouped by picture (see :func:`same_picture`)."""
    groups: list[tuple[PhotoFacts, list[int]]] = []
    for i, photo in photos:
        for first, members in groups:
            if same_picture(first, photo, distance):
                members.append(i)
                break
        else:
            groups.append((photo, [i]))
    return [members for _, members in groups]


@lru_cache(maxsize=8)
def _compiled(terms: tuple[str, ...]) -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(t, re.IGNORECASE) for t in terms)


def quantities(text: str, patterns: TermSet) -> list[tuple[int, str]]:
    """(number, matched text) of each quantity claim ("PACK OF 4" -> 4)."""
    out = []
    for pattern in _compiled(patterns.terms):
        for m in pattern.finditer(text):
            digits = next((g for g in m.groups() if g), None)
            if digits and digits.isdigit():
                out.append((int(digits), m.group(0)))
    return out
