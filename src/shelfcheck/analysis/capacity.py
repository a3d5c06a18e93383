"""Capacities as stated in a listing: storage (GB/TB), battery (mAh) and screen-glass "nD".

RULEBOOK §4 SPECIAL-1..3 and §14 ("Special goods count capacities as
stated"): a flash drive of 512 GB or more, a power bank above 50000 mAh and
screen glass above 5D are misleading. These pure functions find every stated
figure with its place in the text; the rules decide which kind of goods it
belongs to. Examples: "2TB", "1 TB", "512GB", "1000 ГБ" are storage;
"50000mAh", "50,000 mAh", "20Ah" are battery; "9D", "21D", "2.5D" are glass
curvature grades.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from shelfcheck.policy import TermSet

Unit = Literal["GB", "mAh", "D"]

# A number: "512", "2.5", "1,5" or with thousands separators "50,000" / "50.000"; battery
# figures also "50 000" (a space is not a separator for storage: "Pack of 2 512GB").
_NUMBER = r"(?<![\w.,])(\d{1,3}(?:[,.]\d{3})+|\d+(?:[.,]\d+)?)"
_NUMBER_SPACED = r"(?<![\w.,])(\d{1,3}(?:[,. ]\d{3})+|\d+(?:[.,]\d+)?)"

# A bare "T"/"G" counts only upper case and right after the number ("2T", "64G"; not "820 g").
_STORAGE = re.compile(
    _NUMBER + r"([\s-]?\s*(?:TB|GB|ТБ|ГБ)|(?-i:T|G))(?![a-zа-я])", re.IGNORECASE
)
_MAH = re.compile(_NUMBER_SPACED + r"[\s-]?\s*(mAh|мАч|毫安|Ah|Ач)(?![a-zа-я])", re.IGNORECASE)
_GLASS_D = re.compile(r"(?<![\w.,])(\d{1,3}(?:\.\d)?)\s?D(?![a-z0-9])", re.IGNORECASE)

_TERA = {"tb", "t", "тб"}
_AMP_HOURS = {"ah", "ач"}


@dataclass(frozen=True, slots=True)
class Figure:
    """One stated capacity: its value in the unit (GB, mAh or D), where, and the text."""

    unit: Unit
    value: float
    field: str
    span: tuple[int, int]
    text: str


def parse_number(raw: str) -> float:
    """'50,000' / '50.000' / '50 000' -> 50000; '2.5' / '2,5' -> 2.5."""
    raw = raw.strip()
    if re.fullmatch(r"\d{1,3}(?:[,. ]\d{3})+", raw):
        return float(re.sub(r"[,. ]", "", raw))
    return float(raw.replace(",", "."))


def storage_figures(field: str, text: str) -> Iterator[Figure]:
    """Storage sizes in GB ('2TB' -> 2000 GB, '1 TB' -> 1000, '512GB' -> 512)."""
    for m in _STORAGE.finditer(text):
        value = parse_number(m.group(1))
        if m.group(2).strip(" -").lower() in _TERA:
            value *= 1000
        yield Figure("GB", value, field, m.span(), m.group(0))


def battery_figures(field: str, text: str) -> Iterator[Figure]:
    """Battery capacities in mAh ('50,000 mAh' -> 50000, '20Ah' -> 20000)."""
    for m in _MAH.finditer(text):
        value = parse_number(m.group(1))
        if m.group(2).lower() in _AMP_HOURS:
            value *= 1000
        yield Figure("mAh", value, field, m.span(), m.group(0))


def glass_figures(field: str, text: str) -> Iterator[Figure]:
    """Screen-glass curvature grades ('9D' -> 9, '2.5D' -> 2.5)."""
    for m in _GLASS_D.finditer(text):
        yield Figure("D", parse_number(m.group(1)), field, m.span(), m.group(0))


def not_own(fig: Figure, text: str, context: TermSet | None, chars: int = 30) -> bool:
    """The figure is not the product's own capacity: ``context`` matches it with its
    surroundings, the figure written as ``<FIG>`` ("64GB with <FIG> cloud storage",
    "supports up to <FIG>")."""
    if context is None:
        return False
    start, end = fig.span
    window = text[max(0, start - chars) : start] + "<FIG>" + text[end : end + chars]
    return context.search(window) is not None


def figures(sources: Sequence[tuple[str, str]], unit: Unit) -> list[Figure]:
    """Every figure of ``unit`` over (field, text) sources, in source order."""
    find = {"GB": storage_figures, "mAh": battery_figures, "D": glass_figures}[unit]
    return [fig for field, text in sources for fig in find(field, text)]
