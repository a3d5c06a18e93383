"""Per-photo facts on images generated here with Pillow: blank, margins, sharpness,
PDQ hashes, dominant colour, text on photos (rapidocr), and the content-hash cache."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

import pytest
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from shelfcheck.photos import LoadSettings, pdq_distance, photo_facts
from shelfcheck.photos.analysis import analyse
from shelfcheck.policy import Policy
from shelfcheck.tools import Tools

SETTINGS = LoadSettings()


def product(size: int = 800, share: float = 0.8, colour: tuple[int, int, int] = (30, 90, 200),
            background: tuple[int, int, int] = (255, 255, 255)) -> Image.Image:
    """A 'product': a patterned object filling ``share`` of a square canvas."""
    image = Image.new("RGB", (size, size), background)
    draw = ImageDraw.Draw(image)
    side = int(size * share)
    x0 = (size - side) // 2
    draw.rectangle([x0, x0, x0 + side, x0 + side], fill=colour)
    step = max(4, side // 10)
    for k in range(0, side, step):
        draw.line([x0 + k, x0, x0 + k, x0 + side], fill=(250, 210, 40), width=max(1, step // 4))
        draw.ellipse([x0 + k, x0 + k, x0 + k + step, x0 + k + step], outline=(0, 0, 0), width=2)
    return image


def jpeg(image: Image.Image, quality: int = 90) -> bytes:
    out = BytesIO()
    image.save(out, "JPEG", quality=quality)
    return out.getvalue()


def with_text(image: Image.Image, text: str, size: int = 64, angle: float = 0) -> Image.Image:
    font = ImageFont.load_default(size=size)
    layer = Image.new("RGBA", image.size, (0, 0, 0, 0))
    ImageDraw.Draw(layer).text((40, 40), text, fill=(220, 20, 20, 255), font=font)
    if angle:
        layer = layer.rotate(angle, center=(image.width // 2, image.height // 2))
    out = image.convert("RGBA")
    out.alpha_composite(layer)
    return out.convert("RGB")


def test_blank_square_is_flat() -> None:
    facts = analyse(jpeg(Image.new("RGB", (800, 800), (200, 200, 200))), SETTINGS)
    assert facts.ok and facts.flat_std < 1 and facts.edge_share == 0


def test_product_share_and_margins() -> None:
    tiny = analyse(jpeg(product(share=0.15)), SETTINGS)
    modest = analyse(jpeg(product(share=0.65)), SETTINGS)
    assert tiny.product_share < 0.2
    assert 0.6 < modest.product_share < 0.72
    assert tiny.background == (255, 255, 255) or min(tiny.background) >= 250


def test_sharpness_separates_heavy_blur_from_soft() -> None:
    sharp = product()
    heavy = analyse(jpeg(sharp.filter(ImageFilter.GaussianBlur(20))), SETTINGS)
    soft = analyse(jpeg(sharp.filter(ImageFilter.GaussianBlur(1.5))), SETTINGS)
    crisp = analyse(jpeg(sharp), SETTINGS)
    assert heavy.sharpness < 0.08 < soft.sharpness < crisp.sharpness


def test_sharpness_is_normalised_across_sizes() -> None:
    big = analyse(jpeg(product(1600)), SETTINGS)
    small = analyse(jpeg(product(400)), SETTINGS)
    assert abs(big.sharpness - small.sharpness) < 0.15


def test_pdq_same_picture_and_different_picture() -> None:
    a = analyse(jpeg(product(), 90), SETTINGS)
    again = analyse(jpeg(product(), 60), SETTINGS)
    other = analyse(jpeg(product(share=0.4).rotate(45)), SETTINGS)
    assert pdq_distance(a.pdq, again.pdq) <= 12
    assert pdq_distance(a.pdq, other.pdq) > 40
    assert len(a.pdq) == 64


def test_dominant_hue() -> None:
    blue = analyse(jpeg(Image.new("RGB", (400, 400), (20, 60, 220))), SETTINGS)
    assert blue.dominant_hue is not None and 200 < blue.dominant_hue < 250


def test_ocr_reads_text_and_its_box(tools: Tools) -> None:
    facts = analyse(jpeg(with_text(product(share=0.5), "SALE 70% OFF")), SETTINGS, tools.ocr)
    assert "70% OFF" in facts.ocr_text.upper().replace(" %", "%")
    box = next(b for b in facts.text or () if "OFF" in b.text.upper())
    assert box.box[0] < 200 and box.box[1] < 200


def test_ocr_runs_recognition_only_where_text_is(tools: Tools) -> None:
    facts = analyse(jpeg(Image.new("RGB", (800, 800), (255, 255, 255))), SETTINGS, tools.ocr)
    assert facts.text == () and facts.text_regions == 0


def test_tilted_overlay_has_an_angle(tools: Tools) -> None:
    facts = analyse(jpeg(with_text(product(share=0.9), "HomeDeco Store", angle=30)), SETTINGS,
                    tools.ocr)
    assert any(abs(b.angle) > 12 for b in facts.text or ())


def test_cache_by_content_hash(tmp_path: Path, policy: Policy) -> None:
    tools = Tools()
    data = jpeg(product())
    (tmp_path / "a.jpg").write_bytes(data)
    (tmp_path / "copy.jpg").write_bytes(data)
    first = photo_facts(str(tmp_path / "a.jpg"), policy=policy, tools=tools, ocr=False)
    second = photo_facts(str(tmp_path / "copy.jpg"), policy=policy, tools=tools, ocr=False)
    assert first is second
    assert tools.photo_cache.hits == 1


def test_unreadable_photo_gives_facts_with_error(tmp_path: Path, policy: Policy) -> None:
    path = tmp_path / "x.jpg"
    path.write_text("hello", encoding="utf-8")
    facts = photo_facts(str(path), policy=policy, tools=Tools(), ocr=False)
    assert not facts.ok and facts.error_kind == "not_image"


@pytest.mark.parametrize("text", ["Waterproof", "USB-C"])
def test_english_callouts_are_read(tools: Tools, text: str) -> None:
    facts = analyse(jpeg(with_text(product(share=0.5), text)), SETTINGS, tools.ocr)
    assert text.lower().replace("-", "") in facts.ocr_text.lower().replace("-", "")
