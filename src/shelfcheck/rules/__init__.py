"""The rule registry: every rule of every group, in RULEBOOK order.

One module per RULEBOOK section, each with a ``RULES`` tuple; find a rule from
its ID with ``shelfcheck rules TITLE-7`` or by grepping for ``"TITLE-7"``.

| section | module |
|---|---|
| §1 prohibited goods | ``prohibited.py`` |
| §2 offensive content | ``offensive.py`` |
| §3 brands | ``brand.py`` |
| §4 special goods | ``special.py`` |
| §5 photos | ``photo.py`` |
| §6 title | ``title.py`` |
| §7 description | ``description.py`` |
| §8 size chart | ``size.py`` |
| §9 variants | ``variants.py`` |
| §10 inconsistent product | ``inconsistent.py`` |
| §11 dangerous kind | ``danger.py`` |
"""

from __future__ import annotations

from shelfcheck.rule import Rule
from shelfcheck.rules import (
    brand,
    danger,
    description,
    inconsistent,
    offensive,
    photo,
    prohibited,
    size,
    special,
    title,
    variants,
)

RULES: tuple[Rule, ...] = (
    *prohibited.RULES,
    *offensive.RULES,
    *brand.RULES,
    *special.RULES,
    *photo.RULES,
    *title.RULES,
    *description.RULES,
    *size.RULES,
    *variants.RULES,
    *inconsistent.RULES,
    *danger.RULES,
)

BY_ID: dict[str, Rule] = {r.id: r for r in RULES}
