"""The BRAND-2 brand bank: PDQ hashes of brands' official imagery, kept as policy data.

``shelfcheck bank add IMAGE --brand NAME`` calls :func:`add`, which hashes the
image and appends it to ``brand_bank.yaml`` of the policy folder. The bank
starts empty; :func:`nearest` finds the closest entry to a photo.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from shelfcheck.photos.analysis import PhotoFacts, pdq_distance
from shelfcheck.policy import DEFAULT_POLICY_DIR, BankEntry, BrandBank

_HEADER = """\
# BRAND-2 brand bank: PDQ hashes of brands' official product imagery. A listing photo
# within `reject_distance` bits of an entry is a copied brand image (reject); within
# `review_distance` a warning. Filled with `shelfcheck bank add IMAGE --brand NAME`.
"""


def add(image: str, brand: str, *, policy_dir: str | Path | None = None) -> dict[str, Any]:
    """Hash ``image`` (path, URL or data: URI) and add it to the bank under ``brand``."""
    from shelfcheck.photos import photo_facts
    from shelfcheck.policy import load_policy
    from shelfcheck.tools import Tools

    folder = Path(policy_dir or DEFAULT_POLICY_DIR)
    policy = load_policy(folder)
    facts = photo_facts(image, policy=policy, tools=Tools(), ocr=False)
    if not facts.ok:
        raise ValueError(f"cannot add {image}: {facts.error}")
    path = folder / "brand_bank.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    entries = list(data.get("entries") or [])
    entry = {"brand": brand, "pdq": facts.pdq, "source": Path(image).name[:200]}
    if not any(e.get("pdq") == facts.pdq and e.get("brand") == brand for e in entries):
        entries.append(entry)
    data["entries"] = entries
    BrandBank.model_validate(data)
    path.write_text(_HEADER + yaml.safe_dump(data, sort_keys=False, allow_unicode=True),
                    encoding="utf-8")
    from shelfcheck.policy import _load_policy

    _load_policy.cache_clear()
    return entry


def nearest(photo: PhotoFacts, bank: BrandBank) -> tuple[int, BankEntry] | None:
    """The closest bank entry to ``photo`` and its PDQ distance (None: empty bank)."""
    if not bank.entries or not photo.pdq:
        return None
    return min(((pdq_distance(photo.pdq, e.pdq), e) for e in bank.entries), key=lambda x: x[0])
