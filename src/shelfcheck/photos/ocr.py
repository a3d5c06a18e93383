"""Text on photos: rapidocr's detector and recogniser (PP-OCR models shipped in its wheel),
and tesseract's Russian model for the lines the recogniser cannot read.

Built once per process by ``tools.ocr``. Detection runs on a small image
(:func:`shelfcheck.photos.analysis.read_text` makes the detector's input itself);
recognition runs only on the crops where detection found text, so a photo
without text costs one detector pass. The recogniser reads Latin and Chinese
scripts; a line in another script (Cyrillic, Thai...) is found by the
detector but comes back mostly blank, which :class:`~shelfcheck.photos.analysis.TextBox`
keeps as a low ``read_share``. Such a line is read again with tesseract
(``rus+eng``, Debian's ``tesseract-ocr-rus`` data) when it is installed, so the
photo rules see the Cyrillic words; without it the line stays unread and
``cyrillic_missing`` says why.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Any

import numpy as np

#: Where Debian's tesseract-ocr-rus / -eng put their data (tesseract 5, then 4).
TESSDATA_DIRS = (
    "/usr/share/tesseract-ocr/5/tessdata",
    "/usr/share/tesseract-ocr/4.00/tessdata",
    "/usr/share/tessdata",
)


class OcrEngine:
    """rapidocr's two models, loaded from the files inside the installed package, and the
    Cyrillic reader when tesseract and its Russian data are installed."""

    def __init__(self, *, threads: int = 1) -> None:
        from rapidocr import RapidOCR

        engine = RapidOCR(
            params={
                "Global.log_level": "error",
                "Global.use_cls": False,
                # Recognition reads each crop at its own width (48 px high): the
                # default pads every crop to 320 px, and the recogniser's cost grows
                # with the padded width. One crop per call: batching pads a batch to
                # its widest crop, which costs more than the calls it saves.
                "Rec.rec_img_shape": [3, 48, 48],
                "Rec.rec_batch_num": 1,
                "EngineConfig.onnxruntime.intra_op_num_threads": threads,
                "EngineConfig.onnxruntime.inter_op_num_threads": 1,
            }
        )
        self.detector: Any = engine._load_det_model()
        self.recogniser: Any = engine._load_rec_model()
        self.cyrillic, self.cyrillic_missing = load_cyrillic_reader()


class CyrillicReader:
    """tesseract (through tesserocr) reading one text line in Russian or English.

    One tesseract instance per process, so calls are serialised (the service
    may call from several threads); it reads only the rare lines rapidocr
    could not, so the lock costs nothing in practice.
    """

    def __init__(self, tessdata: str) -> None:
        import tesserocr

        self._api = tesserocr.PyTessBaseAPI(
            path=tessdata.rstrip("/") + "/",
            lang="rus+eng",
            psm=tesserocr.PSM.SINGLE_LINE,
            oem=tesserocr.OEM.LSTM_ONLY,
        )
        self._lock = threading.Lock()

    def read(self, crop_bgr: np.ndarray) -> tuple[str, float]:
        """The line's text and tesseract's mean word confidence (0-1)."""
        from PIL import Image

        image = Image.fromarray(np.ascontiguousarray(crop_bgr[:, :, ::-1]))
        with self._lock:
            self._api.SetImage(image)
            text = self._api.GetUTF8Text()
            confidences = self._api.AllWordConfidences()
        score = sum(confidences) / len(confidences) / 100 if confidences else 0.0
        return " ".join(text.split()), score


def tessdata_dir() -> str | None:
    """The first tessdata folder holding both Russian and English data (TESSDATA_PREFIX first)."""
    candidates = [os.environ["TESSDATA_PREFIX"]] if os.environ.get("TESSDATA_PREFIX") else []
    for folder in [*candidates, *TESSDATA_DIRS]:
        path = Path(folder)
        if (path / "rus.traineddata").is_file() and (path / "eng.traineddata").is_file():
            return str(path)
    return None


def load_cyrillic_reader() -> tuple[CyrillicReader | None, str]:
    """The Cyrillic reader, or None and the reason it is missing."""
    try:
        import tesserocr  # noqa: F401
    except ImportError:
        return None, "tesserocr is not installed"
    folder = tessdata_dir()
    if folder is None:
        return None, "tesseract's Russian data (Debian: tesseract-ocr-rus) is not installed"
    try:
        return CyrillicReader(folder), ""
    except RuntimeError as exc:  # tesseract refused the data files
        return None, f"tesseract could not load its Russian data: {exc}"
