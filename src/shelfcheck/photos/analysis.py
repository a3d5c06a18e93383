"""Per-photo facts, measured once (RULEBOOK §5 and the photo parts of §3, §9, §10).

:func:`analyse` turns a photo's bytes into a :class:`PhotoFacts`: size and
aspect, flatness (a blank square), the product's bounding box against the
frame (margins and frames), the background's colour and whiteness,
sharpness normalised to a fixed working size (so photos of any size compare),
a PDQ hash, the product's dominant colour, and the text on the photo with
its boxes. The facts do not depend on the policy's thresholds, so they are
cached by the photo's content hash (``tools.photo_facts``): a photo shared by
listings, or reviewed again, costs a hash.

Each measure reads the smallest image it needs: the visual measures a
``WORK_SIDE`` image (JPEG draft mode decodes it at a fraction of the cost),
PDQ a 256-pixel one, text detection the part of a ``det_side`` image that
differs from a plain background, and text recognition crops of the full-size
one, only where detection found text (Cyrillic lines the recogniser leaves
blank are read again by tesseract, :mod:`shelfcheck.photos.ocr`).
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from typing import Any

import cv2
import numpy as np
from PIL import Image

from shelfcheck.photos.loading import Decoded, LoadSettings, PhotoError, decode

#: One OpenCV thread: the batch engine runs one worker process per core.
cv2.setNumThreads(1)

#: The side of the image the visual measures read (sharpness is normalised to it).
WORK_SIDE = 400
#: The side of the image text recognition crops from.
OCR_SIDE = 800


@dataclass(frozen=True, slots=True)
class TextBox:
    """One line of text read on a photo: the text, the OCR's confidence, the box
    (x0, y0, x1, y1 in the photo's own pixels), its tilt in degrees, and how many
    characters the box looks to hold (``expected``) against how many were read."""

    text: str
    score: float
    box: tuple[int, int, int, int]
    angle: float
    expected: int

    @property
    def read_share(self) -> float:
        visible = sum(1 for c in self.text if not c.isspace())
        return visible / max(1, self.expected)


@dataclass(frozen=True, slots=True)
class PhotoFacts:
    """What one photo shows, measured once. ``error`` set: the photo could not be read."""

    sha256: str
    error: str | None = None
    error_kind: str | None = None
    width: int = 0
    height: int = 0
    format: str = ""
    frames: int = 1
    has_alpha: bool = False
    #: Standard deviation of the grey levels (0 = one flat colour).
    flat_std: float = 0.0
    #: Share of pixels on an edge (0 = nothing drawn).
    edge_share: float = 0.0
    #: The colour of the border (the background or a frame), and how uniform the border is.
    background: tuple[int, int, int] = (0, 0, 0)
    border_uniformity: float = 0.0
    #: The product's box (x0, y0, x1, y1) as shares of the frame, and its linear share.
    product_box: tuple[float, float, float, float] = (0.0, 0.0, 1.0, 1.0)
    product_share: float = 1.0
    #: Strongest local contrast against the photo's contrast (0 = no edge anywhere).
    sharpness: float = 0.0
    #: PDQ hash (64 hex digits) and its quality (0-100).
    pdq: str = ""
    pdq_quality: int = 0
    #: The product's dominant colour (RGB) and hue (0-360, None when greyish).
    dominant: tuple[int, int, int] = (0, 0, 0)
    dominant_hue: float | None = None
    dominant_saturation: float = 0.0
    #: Edge-orientation histogram (4x4 cells x 9 bins, hex bytes): the picture's shape,
    #: the same under colour shifts and close under a mirror (see :func:`shape_similarity`).
    shape: str = ""
    #: Nudity: the highest score of an explicit class and its label; None when the
    #: optional detector (nudenet) is not installed, i.e. the check did not run.
    nudity: float | None = None
    nudity_label: str = ""
    #: Text read on the photo; None when OCR did not run.
    text: tuple[TextBox, ...] | None = None
    #: Text boxes found by detection (recognised or not).
    text_regions: int = 0
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def aspect(self) -> float:
        return self.width / self.height if self.height else 0.0

    @property
    def ocr_text(self) -> str:
        return "\n".join(b.text.strip() for b in self.text or () if b.text.strip())

    @property
    def read(self) -> bool:
        """Text was read on this photo."""
        return bool(self.ocr_text)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["aspect"] = round(self.aspect, 3)
        data["ocr_text"] = self.ocr_text
        return data


def content_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def failed(sha: str, exc: PhotoError) -> PhotoFacts:
    return PhotoFacts(sha256=sha, error=exc.message, error_kind=exc.kind)


def analyse(
    data: bytes,
    settings: LoadSettings,
    ocr: Any = None,
    *,
    det_side: int = 480,
    nudity: Any = None,
    nudity_labels: frozenset[str] = frozenset(),
) -> PhotoFacts:
    """Every fact about one photo's bytes; a photo that cannot be decoded gives ``error``.

    ``ocr`` (``tools.ocr``) reads the text; ``nudity`` (``tools.nudity``, optional)
    scores ``nudity_labels``. Either left out: that fact stays None (not run).
    """
    sha = content_hash(data)
    full = ocr is not None or nudity is not None
    try:
        decoded = decode(data, settings, max_side=OCR_SIDE if full else WORK_SIDE)
    except PhotoError as exc:
        return failed(sha, exc)
    rgb = np.asarray(decoded.image)
    work = _fit(rgb, WORK_SIDE)
    facts = visual_facts(work, sha, decoded)
    changes: dict[str, Any] = {}
    if ocr is not None:
        changes["text"], changes["text_regions"] = read_text(ocr, rgb, decoded, det_side=det_side)
    if nudity is not None:
        changes["nudity"], changes["nudity_label"] = _nudity(nudity, rgb, nudity_labels)
    return _replace(facts, **changes) if changes else facts


def _nudity(detector: Any, rgb: np.ndarray, labels: frozenset[str]) -> tuple[float | None, str]:
    """The best score among ``labels`` from nudenet's detector (None when it failed)."""
    try:
        score, label = detector.best(rgb, labels)
    except Exception:  # noqa: BLE001 -- an optional model that fails is "not run", never a crash
        return None, ""
    return round(score, 3), label


def _replace(facts: PhotoFacts, **changes: Any) -> PhotoFacts:
    data = {name: getattr(facts, name) for name in PhotoFacts.__dataclass_fields__}
    data.update(changes)
    return PhotoFacts(**data)


def _fit(rgb: np.ndarray, side: int) -> np.ndarray:
    h, w = rgb.shape[:2]
    scale = side / max(h, w)
    if scale >= 1:
        return rgb
    size = (max(1, round(w * scale)), max(1, round(h * scale)))
    return cv2.resize(rgb, size, interpolation=cv2.INTER_AREA)


def visual_facts(rgb: np.ndarray, sha: str, decoded: Decoded) -> PhotoFacts:
    """The pixel measures: sharpness and edges on the working-size image, the rest on
    a 160-pixel thumbnail (enough for a box, a background and a colour)."""
    grey = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    _, std = cv2.meanStdDev(grey)
    edges = cv2.Canny(grey, 50, 150)
    edge_share = float(cv2.countNonZero(edges)) / edges.size
    thumb = _fit(rgb, 160)
    background, uniformity = _border(thumb)
    box, share, mask = _product_box(thumb, background)
    sharp = _sharpness(grey)
    square = cv2.resize(thumb, (128, 128), interpolation=cv2.INTER_LINEAR)
    bits, quality = _pdq(square)
    dominant, hue, sat = _dominant(thumb, mask)
    shape = _shape(cv2.cvtColor(square, cv2.COLOR_RGB2GRAY))
    return PhotoFacts(
        sha256=sha,
        width=decoded.width,
        height=decoded.height,
        format=decoded.format,
        frames=decoded.frames,
        has_alpha=decoded.has_alpha,
        flat_std=round(float(std[0][0]), 2),
        edge_share=round(edge_share, 5),
        background=background,
        border_uniformity=round(uniformity, 3),
        product_box=box,
        product_share=round(share, 3),
        sharpness=round(sharp, 4),
        pdq=bits,
        pdq_quality=quality,
        dominant=dominant,
        dominant_hue=hue,
        dominant_saturation=sat,
        shape=shape,
    )


def _border(rgb: np.ndarray) -> tuple[tuple[int, int, int], float]:
    """The border's median colour and the share of border pixels close to it."""
    h, w = rgb.shape[:2]
    t = max(1, min(h, w) // 50)
    border = np.concatenate(
        [rgb[:t].reshape(-1, 3), rgb[-t:].reshape(-1, 3),
         rgb[:, :t].reshape(-1, 3), rgb[:, -t:].reshape(-1, 3)]
    )
    colour = np.median(border, axis=0)
    near = np.abs(border.astype(np.int16) - colour.astype(np.int16)).max(axis=1) <= 24
    return (int(colour[0]), int(colour[1]), int(colour[2])), float(near.mean())


def _product_box(
    rgb: np.ndarray, background: tuple[int, int, int]
) -> tuple[tuple[float, float, float, float], float, np.ndarray]:
    """The box around everything that differs from the background, as frame shares."""
    h, w = rgb.shape[:2]
    diff = cv2.absdiff(rgb, np.full_like(rgb, background)).max(axis=2)
    mask = (diff > 30).astype(np.uint8)
    mask = cv2.morphologyEx(mask, cv2.MORPH_OPEN, np.ones((2, 2), np.uint8))
    if not mask.any():
        return (0.0, 0.0, 0.0, 0.0), 0.0, mask
    x0, x1 = _span(mask.sum(axis=0), 1)
    y0, y1 = _span(mask.sum(axis=1), 1)
    box = (round(x0 / w, 3), round(y0 / h, 3), round(x1 / w, 3), round(y1 / h, 3))
    share = max((x1 - x0) / w, (y1 - y0) / h)
    return box, share, mask


def _span(counts: np.ndarray, minimum: int) -> tuple[int, int]:
    """First and last index whose count reaches ``minimum``."""
    idx = np.nonzero(counts >= minimum)[0]
    return int(idx[0]), int(idx[-1]) + 1


def _sharpness(grey: np.ndarray) -> float:
    """The strongest gradients against the photo's contrast.

    The gradient magnitude's maximum in each 8x8 block; the mean of the top 2 %
    of those block maxima, against the 1-99 % grey-level range. A sharp edge has a
    gradient close to its contrast; blur spreads it over more pixels and the
    ratio falls. Measured at ``WORK_SIDE`` whatever the photo's size, and
    independent of how much of the frame is plain background.
    """
    gx = cv2.Sobel(grey, cv2.CV_32F, 1, 0, ksize=3)
    gy = cv2.Sobel(grey, cv2.CV_32F, 0, 1, ksize=3)
    mag = cv2.magnitude(gx, gy)
    h, w = (mag.shape[0] // 8) * 8, (mag.shape[1] // 8) * 8
    blocks = mag[:h, :w].reshape(h // 8, 8, w // 8, 8).max(axis=(1, 3)).ravel()
    k = max(4, blocks.size // 50)
    top = float(np.partition(blocks, blocks.size - k)[-k:].mean()) / 8.0
    cumulative = np.cumsum(cv2.calcHist([grey], [0], None, [256], [0, 256]).ravel())
    total = cumulative[-1]
    lo = int(np.searchsorted(cumulative, 0.01 * total))
    hi = int(np.searchsorted(cumulative, 0.99 * total))
    contrast = max(float(hi - lo), 16.0)
    return top / contrast


def _pdq(rgb256: np.ndarray) -> tuple[str, int]:
    import pdqhash

    bits, quality = pdqhash.compute(np.ascontiguousarray(rgb256))
    packed = np.packbits(bits.astype(np.uint8))
    return packed.tobytes().hex(), int(quality)


def _shape(grey128: np.ndarray) -> str:
    gx = cv2.Sobel(grey128, cv2.CV_32F, 1, 0)
    gy = cv2.Sobel(grey128, cv2.CV_32F, 0, 1)
    mag, ang = cv2.cartToPolar(gx, gy)
    bins = ((ang % np.pi) / np.pi * 9).astype(np.int32).clip(0, 8)
    cells = [
        np.bincount(bins[y : y + 32, x : x + 32].ravel(),
                    weights=mag[y : y + 32, x : x + 32].ravel(), minlength=9)
        for y in range(0, 128, 32)
        for x in range(0, 128, 32)
    ]
    vector = np.concatenate(cells)
    top = float(vector.max()) or 1.0
    return (vector / top * 255).round().astype(np.uint8).tobytes().hex()


def shape_similarity(a: str, b: str) -> float:
    """Cosine similarity of two shape descriptors (1 = the same picture's shape)."""
    if not a or not b or len(a) != len(b):
        return 0.0
    va = np.frombuffer(bytes.fromhex(a), dtype=np.uint8).astype(np.float64)
    vb = np.frombuffer(bytes.fromhex(b), dtype=np.uint8).astype(np.float64)
    norm = float(np.linalg.norm(va) * np.linalg.norm(vb)) or 1.0
    return float(va @ vb) / norm


def pdq_distance(a: str, b: str) -> int:
    """Hamming distance between two PDQ hashes (0 = the same picture, 256 = opposite)."""
    if not a or not b or len(a) != len(b):
        return 256
    return (int(a, 16) ^ int(b, 16)).bit_count()


def _dominant(
    rgb: np.ndarray, mask: np.ndarray
) -> tuple[tuple[int, int, int], float | None, float]:
    """The product's dominant colour: the most common hue among its coloured pixels."""
    pixels = rgb[mask.astype(bool)] if mask.any() else rgb.reshape(-1, 3)
    if pixels.shape[0] > 4000:
        pixels = pixels[:: pixels.shape[0] // 4000 + 1]
    hsv = cv2.cvtColor(pixels.reshape(-1, 1, 3), cv2.COLOR_RGB2HSV_FULL).reshape(-1, 3)
    coloured = hsv[(hsv[:, 1] >= 60) & (hsv[:, 2] >= 40)]
    median = np.median(pixels, axis=0)
    dominant = (int(median[0]), int(median[1]), int(median[2]))
    saturation = coloured.shape[0] / max(1, hsv.shape[0])
    if coloured.shape[0] < 0.15 * hsv.shape[0]:
        return dominant, None, round(saturation, 3)
    hist = np.bincount(coloured[:, 0] // 8, minlength=32)
    peak = int(hist.argmax())
    in_peak = coloured[(coloured[:, 0] // 8) == peak]
    colour = np.median(
        pixels[(hsv[:, 1] >= 60) & (hsv[:, 2] >= 40)][(coloured[:, 0] // 8) == peak], axis=0
    )
    hue = float(np.median(in_peak[:, 0])) * 360.0 / 256.0
    return (int(colour[0]), int(colour[1]), int(colour[2])), round(hue, 1), round(saturation, 3)


# --- text -----------------------------------------------------------------------------


def read_text(
    engine: Any, rgb: np.ndarray, decoded: Decoded, *, det_side: int
) -> tuple[tuple[TextBox, ...], int]:
    """Detect text lines on a ``det_side`` image, then recognise only those crops.

    Detection reads only the part of the image that differs from a plain
    background (:func:`text_area`): text always stands out from what is around
    it, so nothing is lost, and the detector's cost falls with the area it reads.
    """
    from rapidocr.ch_ppocr_rec.typings import TextRecInput

    small = cv2.cvtColor(_fit(rgb, det_side), cv2.COLOR_RGB2BGR)
    scale = rgb.shape[1] / small.shape[1]
    area = text_area(small)
    if area is None:
        return (), 0
    x0, y0, x1, y1 = area
    found = _detect(engine.detector, small[y0:y1, x0:x1])
    if len(found) == 0:
        return (), 0
    bgr = cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR)
    offset = np.array([x0, y0], dtype=np.float32)
    boxes = [np.asarray(b, dtype=np.float32) + offset for b in found]
    crops = [_crop(bgr, small, b, scale) for b in boxes]
    crops_ok = [(b * scale, c) for b, c in zip(boxes, crops) if c.size and min(c.shape[:2]) >= 4]
    if not crops_ok:
        return (), len(boxes)
    result = engine.recogniser(TextRecInput(img=[c for _, c in crops_ok]))
    to_photo = decoded.width / rgb.shape[1]
    out = []
    for (box, crop), text, score in zip(crops_ok, result.txts, result.scores):
        line = _text_box(box, crop, str(text), float(score), to_photo)
        out.append(_read_cyrillic(engine, line, crop))
    return tuple(out), len(boxes)


#: Largest difference from the border colour that still counts as background
#: (JPEG noise on a plain background stays well under it; faint text does not).
BACKGROUND_TOLERANCE = 6
#: Background kept around the content (detection-size pixels), and the step the
#: detector's input sides are rounded to (it needs multiples of 32).
AREA_MARGIN = 16
AREA_STEP = 32


def text_area(small: np.ndarray) -> tuple[int, int, int, int] | None:
    """The part of the detection image where text can be: the box around every pixel
    that differs from the border's colour, with a margin, sides a multiple of 32.

    A photo whose border is not one plain colour gives the whole image; a photo
    that is all background gives None (no text anywhere).
    """
    h, w = small.shape[:2]
    t = max(1, min(h, w) // 50)
    border = np.concatenate([small[:t].reshape(-1, 3), small[-t:].reshape(-1, 3),
                             small[:, :t].reshape(-1, 3), small[:, -t:].reshape(-1, 3)])
    colour = np.median(border, axis=0)
    low = tuple(float(c) for c in np.clip(colour - BACKGROUND_TOLERANCE, 0, 255))
    high = tuple(float(c) for c in np.clip(colour + BACKGROUND_TOLERANCE, 0, 255))
    if cv2.countNonZero(cv2.inRange(border.reshape(-1, 1, 3), low, high)) < 0.98 * len(border):
        return 0, 0, w, h
    content = cv2.bitwise_not(cv2.inRange(small, low, high))
    x, y, bw, bh = cv2.boundingRect(content)
    if bw == 0 or bh == 0:
        return None
    x0, x1, y0, y1 = x, x + bw, y, y + bh
    x0, x1 = _grow(x0 - AREA_MARGIN, x1 + AREA_MARGIN, w)
    y0, y1 = _grow(y0 - AREA_MARGIN, y1 + AREA_MARGIN, h)
    return x0, y0, x1, y1


def _detect(detector: Any, image: np.ndarray) -> np.ndarray:
    """rapidocr's detector on a BGR image: its text boxes (4 corners each, in the image's
    pixels), top to bottom and left to right.

    The model's input is made by OpenCV in one float32 pass, ``(x - 127.5) / 127.5``
    (the model's mean and std of 0.5); rapidocr's own normalisation computes it in
    float64, several times slower. Sides are rounded to multiples of 32 as the model needs.
    """
    h, w = image.shape[:2]
    size = (max(32, round(w / 32) * 32), max(32, round(h / 32) * 32))
    resized = image if size == (w, h) else cv2.resize(image, size)
    blob = cv2.dnn.blobFromImage(resized, scalefactor=1 / 127.5, mean=(127.5, 127.5, 127.5))
    boxes, _ = detector.postprocess_op(detector.session(blob), (h, w))
    return detector.sorted_boxes(boxes) if len(boxes) else boxes


#: The recogniser reads lines this many pixels high.
REC_HEIGHT = 48


def _crop(bgr: np.ndarray, small: np.ndarray, box: np.ndarray, scale: float) -> np.ndarray:
    """The line in ``box`` (detection-image corners), straightened, for the recogniser.

    Cut from the full-size image, except a line already ``REC_HEIGHT`` pixels high in
    the detection image: the recogniser shrinks it to that height anyway, and
    straightening a large box at full size costs several milliseconds.
    """
    from rapidocr.utils.process_img import get_rotate_crop_image

    sides = np.linalg.norm(box - np.roll(box, -1, axis=0), axis=1)
    if sides.min() >= REC_HEIGHT:
        return get_rotate_crop_image(small, box.copy())
    return get_rotate_crop_image(bgr, box * np.float32(scale))


def _grow(lo: int, hi: int, size: int) -> tuple[int, int]:
    """``lo..hi`` clipped to ``0..size`` and widened to a multiple of ``AREA_STEP`` where the
    image allows, so the detector reads the pixels as they are (no resize)."""
    lo, hi = max(0, lo), min(size, hi)
    length = min(size, -(-(hi - lo) // AREA_STEP) * AREA_STEP)
    lo = max(0, min(lo, size - length))
    return lo, lo + length


#: A line whose recognised characters fill less than this share of its box is read
#: again by the Cyrillic reader (the recogniser leaves Cyrillic letters blank).
CYRILLIC_RETRY_SHARE = 0.5
#: ... when the box looks to hold at least this many characters.
CYRILLIC_MIN_EXPECTED = 4
#: The Cyrillic reading is kept when tesseract is this confident and read this many
#: Cyrillic letters (a texture it half-reads gives few letters at a low confidence).
CYRILLIC_MIN_SCORE = 0.6
CYRILLIC_MIN_LETTERS = 3


def _read_cyrillic(engine: Any, line: TextBox, crop: np.ndarray) -> TextBox:
    """``line`` read again by the Cyrillic reader when the recogniser left it mostly blank;
    the tesseract reading replaces it only when it holds Cyrillic words."""
    reader = getattr(engine, "cyrillic", None)
    if reader is None or line.expected < CYRILLIC_MIN_EXPECTED:
        return line
    if line.read_share >= CYRILLIC_RETRY_SHARE:
        return line
    text, score = reader.read(crop)
    cyrillic = sum(1 for c in text if "\u0400" <= c <= "\u04ff")
    if score < CYRILLIC_MIN_SCORE or cyrillic < CYRILLIC_MIN_LETTERS:
        return line
    return TextBox(text=text, score=round(score, 3), box=line.box, angle=line.angle,
                   expected=line.expected)


def _text_box(box: np.ndarray, crop: np.ndarray, text: str, score: float, to_photo: float) -> TextBox:
    (x0, y0), (x1, y1) = box.min(axis=0), box.max(axis=0)
    dx, dy = box[1] - box[0]
    angle = float(np.degrees(np.arctan2(dy, dx)))
    h, w = crop.shape[:2]
    expected = max(1, round((w / max(1, h)) / 0.6))
    return TextBox(
        text=text,
        score=round(score, 3),
        box=(round(x0 * to_photo), round(y0 * to_photo), round(x1 * to_photo), round(y1 * to_photo)),
        angle=round(angle, 1),
        expected=expected,
    )


def pil_to_rgb(image: Image.Image) -> np.ndarray:
    return np.asarray(image.convert("RGB"))
