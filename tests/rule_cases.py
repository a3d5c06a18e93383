"""Loading the YAML rule cases of ``tests/cases/*.yaml`` (one file per rule group).

A case names a rule, a partial listing and whether the rule must fire::

    - rule: TITLE-7
      fires: true
      title: "WOMEN SUMMER FLORAL DRESS"
      why: all capitals
    - rule: TITLE-7
      fires: false
      title: "USB-C Cable 2M"
      why: near-miss, units and model codes in capitals

Listing fields go at the top level of the case (``title``, ``description``,
``variants``, ``size_chart``, ``category``, ``dangerous_kind`` ...). A missing
title gets a neutral default. ``outcome`` (reject / review / warn) optionally
pins the outcome of the first hit.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

CASES = Path(__file__).parent / "cases"
_CASE_KEYS = {"rule", "fires", "why", "outcome", "photo_facts"}


@dataclass(frozen=True)
class Case:
    file: str
    index: int
    rule: str
    fires: bool
    why: str
    outcome: str | None
    listing: dict[str, Any]
    photo_facts: Any = None

    @property
    def id(self) -> str:
        tag = "fires" if self.fires else "silent"
        return f"{self.rule}:{tag}:{self.file}#{self.index}"


def load_cases() -> list[Case]:
    cases: list[Case] = []
    for path in sorted(CASES.glob("*.yaml")):
        for index, raw in enumerate(yaml.safe_load(path.read_text(encoding="utf-8")) or []):
            listing = {k: v for k, v in raw.items() if k not in _CASE_KEYS}
            listing.setdefault("id", f"{path.stem}-{index}")
            listing.setdefault("title", "Ceramic Coffee Mug 350 ml")
            cases.append(
                Case(
                    file=path.name,
                    index=index,
                    rule=raw["rule"],
                    fires=bool(raw["fires"]),
                    why=raw.get("why", ""),
                    outcome=raw.get("outcome"),
                    listing=listing,
                    photo_facts=raw.get("photo_facts"),
                )
            )
    return cases
