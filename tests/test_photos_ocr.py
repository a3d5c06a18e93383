"""Text on photos (issue 4): detection reads only where text can be, and Cyrillic lines are
read by tesseract's Russian model, so PHOTO-3 sees Russian words; English next to Russian
passes (RULEBOOK PHOTO-3). Photos are drawn here with Pillow; Cyrillic needs a font that
has it (Debian's DejaVu), and the Cyrillic reading needs tesseract's Russian data
(Debian's tesseract-ocr-rus): without either the tests that need it skip and say why."""

from __future__ import annotations

import copy
from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont
from test_photos_facts import SETTINGS, jpeg, product

from shelfcheck.model import Listing
from shelfcheck.photos.analysis import analyse, text_area
from shelfcheck.policy import Policy
from shelfcheck.review import review
from shelfcheck.tools import Tools

#: Fonts with Cyrillic letters, from Debian's fonts-dejavu-core (and its older path).
CYRILLIC_FONTS = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/dejavu/DejaVuSans.ttf",
)
DESCRIPTION = (
    "Cotton towel, 50 x 90 cm. Material: cotton. Package contents: 1 towel. "
    "Machine washable at 40 C."
)


def _font(size: int) -> ImageFont.FreeTypeFont:
    for path in CYRILLIC_FONTS:
        if Path(path).is_file():
            return ImageFont.truetype(path, size)
    pytest.skip("no font with Cyrillic letters (Debian: fonts-dejavu-core) to draw the photos")


def _cyrillic_tools(tools: Tools) -> Tools:
    if tools.ocr.cyrillic is None:
        pytest.skip(f"Cyrillic text on photos is not read here: {tools.ocr.cyrillic_missing}")
    return tools


def captioned(*lines: str, size: int = 48) -> Image.Image:
    """A product photo with ``lines`` written above the product, one under another."""
    image = product(share=0.5)
    draw = ImageDraw.Draw(image)
    font = _font(size)
    for k, line in enumerate(lines):
        draw.text((40, 30 + k * int(size * 1.6)), line, fill=(200, 20, 20), font=font)
    return image


def _listing(tmp_path: Path, image: Image.Image) -> Listing:
    path = tmp_path / "p0.jpg"
    path.write_bytes(jpeg(image))
    return Listing.model_validate({
        "id": "t", "title": "Cotton Bath Towel 50 x 90 cm", "description": DESCRIPTION,
        "photos": [str(path)],
    })


# --- where detection reads --------------------------------------------------------------


def _bgr(image: Image.Image, side: int = 480) -> np.ndarray:
    small = image.resize((side, side), Image.Resampling.BOX)
    return cv2.cvtColor(np.asarray(small), cv2.COLOR_RGB2BGR)


def test_text_area_keeps_text_in_the_margin() -> None:
    image = product(share=0.4)
    ImageDraw.Draw(image).text((560, 720), "shop.com", fill=(225, 225, 225),
                               font=ImageFont.load_default(size=40))
    x0, y0, x1, y1 = text_area(_bgr(image))  # type: ignore[misc]
    assert x1 >= 560 * 0.6 + 40 and y1 >= 740 * 0.6  # the faint text's corner is inside
    assert (x1 - x0) % 32 == 0 and (y1 - y0) % 32 == 0


def test_text_area_of_a_product_on_white_is_smaller_than_the_photo() -> None:
    x0, y0, x1, y1 = text_area(_bgr(product(share=0.4)))  # type: ignore[misc]
    assert 0 < x0 and x1 < 480 and (x1 - x0) * (y1 - y0) < 0.5 * 480 * 480


def test_text_area_of_a_busy_border_is_the_whole_photo() -> None:
    rng = np.random.default_rng(1)
    noise = Image.fromarray(rng.integers(0, 255, (800, 800, 3), dtype=np.uint8))
    assert text_area(_bgr(noise)) == (0, 0, 480, 480)


def test_text_area_of_a_blank_photo_is_none() -> None:
    assert text_area(_bgr(Image.new("RGB", (800, 800), (240, 240, 240)))) is None


def test_text_in_a_corner_is_read(tools: Tools) -> None:
    image = product(share=0.4)
    ImageDraw.Draw(image).text((470, 720), "www.shop.com", fill=(90, 90, 90),
                               font=ImageFont.load_default(size=44))
    facts = analyse(jpeg(image), SETTINGS, tools.ocr)
    assert "shop.com" in facts.ocr_text.lower()


# --- Cyrillic ---------------------------------------------------------------------------


def test_russian_line_is_read(tools: Tools) -> None:
    tools = _cyrillic_tools(tools)
    facts = analyse(jpeg(captioned("Скидка на всё")), SETTINGS, tools.ocr)
    assert "Скидка" in facts.ocr_text


def test_russian_only_photo_fails_photo3_with_the_words(
    tmp_path: Path, policy: Policy, tools: Tools
) -> None:
    tools = _cyrillic_tools(tools)
    decision = review(_listing(tmp_path, captioned("Высокое качество")), policy=policy,
                      tools=tools)
    found = [f for f in decision.findings if f.rule == "PHOTO-3"]
    assert found and found[0].field == "photos[0]"
    assert "качество" in found[0].evidence
    assert not any("Cyrillic" in s for s in decision.skipped)


def test_english_next_to_russian_passes(tmp_path: Path, policy: Policy, tools: Tools) -> None:
    tools = _cyrillic_tools(tools)
    listing = _listing(tmp_path, captioned("Soft cotton towel", "Мягкое полотенце"))
    facts = analyse(Path(listing.photos[0]).read_bytes(), SETTINGS, tools.ocr)
    assert "Мягкое" in facts.ocr_text and "cotton" in facts.ocr_text.lower()
    decision = review(listing, policy=policy, tools=tools)
    assert "PHOTO-3" not in {f.rule for f in decision.findings}


def test_a_patterned_product_is_not_read_as_cyrillic(tools: Tools) -> None:
    """The Cyrillic reader runs on lines the recogniser left blank; a texture it half-reads
    must not turn into Russian words."""
    tools = _cyrillic_tools(tools)
    for share in (0.5, 0.9):
        facts = analyse(jpeg(product(share=share)), SETTINGS, tools.ocr)
        assert not any("\u0400" <= c <= "\u04ff" for c in facts.ocr_text)


def test_without_tesseract_a_russian_line_still_fails_and_the_decision_says_so(
    tmp_path: Path, policy: Policy, tools: Tools
) -> None:
    engine = copy.copy(tools.ocr)
    engine.cyrillic, engine.cyrillic_missing = None, "tesserocr is not installed"
    bare = Tools()
    bare.__dict__["ocr"] = engine  # the shared models, without the Cyrillic reader
    decision = review(_listing(tmp_path, captioned("Высокое качество")), policy=policy,
                      tools=bare)
    found = [f for f in decision.findings if f.rule == "PHOTO-3"]
    assert found and "unreadable non-Latin line" in found[0].evidence
    assert any("Cyrillic text on photos: not read (tesserocr" in s for s in decision.skipped)
