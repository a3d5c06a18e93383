"""Stub photo facts for rule cases (``photo_facts`` in ``tests/cases/*.yaml``).

A case gives the facts its rule reads instead of real photos::

    photo_facts:
      photos:
        - {flat_std: 0.0, edge_share: 0.0}
        - {text: [{text: "$9.99", box: [10, 10, 200, 60]}]}
      variants:
        1: {dominant_hue: 215}
      bank: [{brand: Acme, pdq: "ff...ff"}]   # BRAND-2 bank entries for this case

Unnamed fields take the values of a clean, sharp, square product photo.
"""

from __future__ import annotations

from typing import Any

from shelfcheck.facts import Facts
from shelfcheck.photos import PhotoFacts, TextBox
from shelfcheck.policy import BrandBank, Policy

CLEAN: dict[str, Any] = {
    "sha256": "0" * 64,
    "width": 800,
    "height": 800,
    "format": "JPEG",
    "flat_std": 60.0,
    "edge_share": 0.08,
    "background": (255, 255, 255),
    "border_uniformity": 1.0,
    "product_box": (0.1, 0.1, 0.9, 0.9),
    "product_share": 0.8,
    "sharpness": 0.4,
    "pdq": "f" * 64,
    "pdq_quality": 100,
    "text": (),
}


def _box(spec: dict[str, Any]) -> TextBox:
    text = str(spec["text"])
    box = tuple(spec.get("box", (100, 100, 100 + 30 * max(1, len(text)), 150)))
    expected = spec.get("expected", max(1, len(text)))
    return TextBox(text=text, score=float(spec.get("score", 0.99)), box=box,  # type: ignore[arg-type]
                   angle=float(spec.get("angle", 0.0)), expected=int(expected))


def photo(spec: dict[str, Any] | None, index: int = 0) -> PhotoFacts:
    data = dict(CLEAN)
    data["sha256"] = f"{index:064x}"
    for key, value in (spec or {}).items():
        if key == "text":
            data["text"] = tuple(_box(b) for b in value)
        elif isinstance(value, list):
            data[key] = tuple(value)
        else:
            data[key] = value
    return PhotoFacts(**data)


def install(facts: Facts, spec: Any) -> None:
    """Put the stubbed photo facts where the ``Facts`` cached properties would."""
    if isinstance(spec, list):
        spec = {"photos": spec}
    photos = [photo(p, i) for i, p in enumerate(spec.get("photos") or [])]
    facts.__dict__["photos"] = photos
    facts.__dict__["variant_photos"] = {
        int(i): photo(p, 100 + int(i)) for i, p in (spec.get("variants") or {}).items()
    }


def policy_for(policy: Policy, spec: Any) -> Policy:
    """The policy with the case's brand bank (``bank`` key), else unchanged."""
    if not isinstance(spec, dict) or "bank" not in spec:
        return policy
    bank = BrandBank.model_validate({**policy.brand_bank.model_dump(), "entries": spec["bank"]})
    return policy.model_copy(update={"brand_bank": bank})
