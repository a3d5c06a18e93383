"""Photo review end to end on generated photos: findings name the photo and what was
seen; near-misses approve; an unreadable photo is a finding, never a crash."""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageFilter
from test_photos_facts import jpeg, product, with_text

from shelfcheck.model import Listing
from shelfcheck.photos import describe
from shelfcheck.policy import Policy
from shelfcheck.review import review
from shelfcheck.tools import Tools

DESCRIPTION = (
    "Ceramic coffee mug, 350 ml. Material: ceramic. Dishwasher safe. "
    "Package contents: 1 mug. Size: 9 cm x 8 cm."
)


def _listing(tmp_path: Path, *images: Image.Image, **fields: object) -> Listing:
    paths = []
    for i, image in enumerate(images):
        path = tmp_path / f"p{i}.jpg"
        path.write_bytes(jpeg(image))
        paths.append(str(path))
    data = {"id": "t", "title": "Ceramic Coffee Mug 350 ml", "description": DESCRIPTION,
            "photos": paths, **fields}
    return Listing.model_validate(data)


def _rules(listing: Listing, policy: Policy, tools: Tools) -> dict[str, str]:
    decision = review(listing, policy=policy, tools=tools)
    return {f.rule: f.field for f in decision.findings}


def test_clean_photos_raise_no_photo_finding(tmp_path: Path, policy: Policy, tools: Tools) -> None:
    listing = _listing(tmp_path, product(), product(share=0.65).rotate(90))
    found = _rules(listing, policy, tools)
    assert not [r for r in found if r.startswith("PHOTO")]


def test_price_on_second_photo(tmp_path: Path, policy: Policy, tools: Tools) -> None:
    listing = _listing(tmp_path, product(), with_text(product(share=0.6), "$9.99", size=90))
    found = _rules(listing, policy, tools)
    assert found.get("PHOTO-10") == "photos[1]"


def test_blank_blurry_and_tiny(tmp_path: Path, policy: Policy, tools: Tools) -> None:
    listing = _listing(
        tmp_path,
        product(),
        Image.new("RGB", (800, 800), (0, 0, 0)),
        product().filter(ImageFilter.GaussianBlur(22)),
        product(share=0.15),
    )
    found = _rules(listing, policy, tools)
    assert found.get("PHOTO-5") == "photos[1]"
    assert found.get("PHOTO-8") == "photos[2]"
    assert found.get("PHOTO-4") == "photos[3]"


def test_unreadable_photo_is_a_finding(tmp_path: Path, policy: Policy, tools: Tools) -> None:
    bad = tmp_path / "bad.jpg"
    bad.write_text("not a photo", encoding="utf-8")
    listing = Listing.model_validate(
        {"id": "t", "title": "Ceramic Coffee Mug", "description": DESCRIPTION, "photos": [str(bad)]}
    )
    decision = review(listing, policy=policy, tools=tools)
    finding = next(f for f in decision.findings if f.rule == "PHOTO-8")
    assert finding.field == "photos[0]" and finding.outcome == "reject"
    assert "not an image" in finding.evidence


def test_quality_warnings_only(tmp_path: Path, policy: Policy, tools: Tools) -> None:
    small_grey = product(size=500, background=(200, 200, 200))
    decision = review(_listing(tmp_path, small_grey), policy=policy, tools=tools)
    assert not [f for f in decision.findings if f.rule.startswith("PHOTO")]
    assert {w.rule for w in decision.warnings} >= {"PHOTO-Q"}
    assert decision.quality_score < 100


def test_describe_returns_the_facts(tmp_path: Path, policy: Policy, tools: Tools) -> None:
    path = tmp_path / "p.jpg"
    path.write_bytes(jpeg(product()))
    data = describe(str(path), policy=policy, tools=tools)
    assert data["width"] == 800 and data["photo"] == str(path) and "sharpness" in data


def test_photo_url_to_loopback_is_a_finding(policy: Policy, tools: Tools) -> None:
    listing = Listing.model_validate(
        {"id": "t", "title": "Ceramic Coffee Mug", "description": DESCRIPTION,
         "photos": ["http://127.0.0.1:9/p.jpg"]}
    )
    decision = review(listing, policy=policy, tools=tools)
    finding = next(f for f in decision.findings if f.rule == "PHOTO-8")
    assert finding.outcome == "reject" and "refused" in finding.evidence


def test_data_uri_photo_is_reviewed(policy: Policy, tools: Tools) -> None:
    import base64

    uri = "data:image/jpeg;base64," + base64.b64encode(jpeg(product())).decode()
    listing = Listing.model_validate(
        {"id": "t", "title": "Ceramic Coffee Mug", "description": DESCRIPTION, "photos": [uri]}
    )
    decision = review(listing, policy=policy, tools=tools)
    assert not [f for f in decision.findings if f.rule.startswith("PHOTO")]
