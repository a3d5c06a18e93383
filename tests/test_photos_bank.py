"""BRAND-2: ``bank.add`` fills the brand bank (policy data); a copy of a bank image is
found by PDQ distance, an original photo is not."""

from __future__ import annotations

import shutil
from pathlib import Path

from PIL import Image, ImageDraw
from test_photos_facts import jpeg, product

from shelfcheck.model import Listing
from shelfcheck.photos import bank, nudity_available
from shelfcheck.policy import DEFAULT_POLICY_DIR, load_policy
from shelfcheck.review import review
from shelfcheck.tools import Tools


def test_bank_add_then_brand2(tmp_path: Path) -> None:
    folder = tmp_path / "policy"
    shutil.copytree(DEFAULT_POLICY_DIR, folder)
    official = tmp_path / "official.jpg"
    official.write_bytes(jpeg(product(colour=(200, 20, 20))))
    entry = bank.add(str(official), "Acme", policy_dir=folder)
    assert entry["brand"] == "Acme" and len(entry["pdq"]) == 64
    bank.add(str(official), "Acme", policy_dir=folder)  # adding twice keeps one entry
    policy = load_policy(folder)
    assert len(policy.brand_bank.entries) == 1
    assert load_policy().brand_bank.entries == ()  # the bundled bank is untouched

    copy = tmp_path / "copy.jpg"
    copy.write_bytes(jpeg(Image.open(official).resize((700, 700)), quality=70))
    own = Image.new("RGB", (800, 800), (255, 255, 255))
    ImageDraw.Draw(own).ellipse([150, 250, 650, 550], fill=(20, 120, 40))
    original = tmp_path / "own.jpg"
    original.write_bytes(jpeg(own))
    tools = Tools()
    for path, fires in ((copy, True), (original, False)):
        listing = Listing.model_validate({"id": "b", "title": "Acme Mug", "photos": [str(path)]})
        found = [f for f in review(listing, policy=policy, tools=tools).findings
                 if f.rule == "BRAND-2"]
        assert bool(found) is fires, path.name
        if fires:
            assert found[0].field == "photos[0]" and "Acme" in found[0].evidence


def test_nudity_check_reports_whether_it_runs() -> None:
    tools = Tools()
    try:
        import nudenet  # noqa: F401
    except ImportError:
        assert nudity_available(tools) is False
    else:
        assert nudity_available(tools) is True
