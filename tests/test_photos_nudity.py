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


def _figure(seed: int) -> "np.ndarray":
    """A drawn, clothed figure with a face (the detector scores it as a face, nothing
    else), so there are boxes to compare; none of the test photos shows nudity."""
    import random

    import numpy as np
    from PIL import ImageFilter

    rnd = random.Random(seed)
    image = Image.new("RGB", (rnd.choice([640, 800]), 800), (rnd.randint(150, 255),) * 3)
    draw = ImageDraw.Draw(image)
    skin = (rnd.randint(190, 235), rnd.randint(140, 180), rnd.randint(110, 150))
    cx = 320 + rnd.randint(-40, 40)
    draw.ellipse([cx - 60, 60, cx + 60, 210], fill=skin)
    draw.rectangle([cx - 25, 200, cx + 25, 240], fill=skin)
    draw.rounded_rectangle([cx - 120, 230, cx + 120, 520], 60, fill=(rnd.randint(60, 200), 40, 90))
    draw.line([cx - 120, 250, cx - 200, 480], fill=skin, width=45)
    draw.line([cx + 120, 250, cx + 200, 480], fill=skin, width=45)
    draw.rectangle([cx - 110, 500, cx + 110, 600], fill=(30, 40, rnd.randint(60, 160)))
    draw.line([cx - 60, 600, cx - 70, 790], fill=skin, width=60)
    draw.line([cx + 60, 600, cx + 70, 790], fill=skin, width=60)
    draw.ellipse([cx - 35, 110, cx - 15, 125], fill=(40, 30, 20))
    draw.ellipse([cx + 15, 110, cx + 35, 125], fill=(40, 30, 20))
    draw.arc([cx - 30, 140, cx + 30, 185], 20, 160, fill=(150, 60, 60), width=6)
    return np.asarray(image.filter(ImageFilter.GaussianBlur(2)))


def test_scores_equal_nudenets_own_detector(tools: Tools) -> None:
    """The one-thread, vectorised detector reports what ``NudeDetector.detect`` reports:
    the same best box and score, for every label and for a subset of them."""
    import numpy as np

    reference = nudenet.NudeDetector()
    every = frozenset(tools.nudity.labels)
    faces = frozenset(label for label in every if label.startswith("FACE"))
    seen = 0
    for seed in range(8):
        rgb = _figure(seed)
        found = reference.detect(np.ascontiguousarray(rgb[:, :, ::-1]))
        seen += bool(found)
        for labels in (every, faces, frozenset(load_policy().photo.nudity.labels)):
            expected = max(((float(d["score"]), d["class"]) for d in found if d["class"] in labels),
                           default=(0.0, ""))
            score, label = tools.nudity.best(rgb, labels)
            assert label == expected[1]
            assert score == pytest.approx(expected[0], abs=1e-5)
    assert seen  # the drawn photos gave the detector boxes to compare
