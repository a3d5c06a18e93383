"""OFFENSIVE-1 on photos with the real nudenet detector (the optional ``nudity`` extra).

The rule's outcomes are tested with stubbed scores in tests/cases/photo.yaml; here the
real model runs on photos the tests draw, so the wiring (colour order, labels, scores)
is checked end to end. No test image shows nudity: the project draws its own fixtures,
and the positive side stays with the stubs. Skipped when the extra is not installed
(``pip install -e '.[nudity]'``; ``.ci/run`` installs it).
"""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

import pytest
from PIL import Image, ImageDraw

from shelfcheck.model import Listing
from shelfcheck.photos import photo_facts
from shelfcheck.policy import load_policy
from shelfcheck.review import review
from shelfcheck.tools import Tools

nudenet = pytest.importorskip("nudenet", reason="the optional nudity extra (nudenet) is not installed")


@pytest.fixture(scope="module")
def tools() -> Tools:
    return Tools()


def _mug(path: Path) -> Path:
    image = Image.new("RGB", (640, 640), (255, 255, 255))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle([180, 160, 440, 500], 30, fill=(40, 90, 160))
    draw.arc([400, 250, 520, 400], -90, 90, fill=(40, 90, 160), width=24)
    out = BytesIO()
    image.save(out, "JPEG", quality=90)
    path.write_bytes(out.getvalue())
    return path


def test_the_policy_names_only_labels_the_detector_knows() -> None:
    from nudenet import nudenet as module

    known = set(getattr(module, "__labels"))
    assert set(load_policy().photo.nudity.labels) <= known


def test_a_product_photo_is_scored_and_passes(tmp_path: Path, tools: Tools) -> None:
    policy = load_policy()
    photo = _mug(tmp_path / "mug.jpg")
    facts = photo_facts(str(photo), policy=policy, tools=tools)
    assert facts.nudity is not None  # the detector ran
    assert facts.nudity < policy.photo.nudity.review_score

    listing = Listing(id="mug", title="Ceramic Coffee Mug 350 ml", photos=[str(photo)])
    decision = review(listing, policy=policy, tools=tools)
    assert not [f for f in decision.findings if f.rule == "OFFENSIVE-1"]
    assert not any("OFFENSIVE-1 on photos: not run" in s for s in decision.skipped)
