"""Text on photos: rapidocr's detector and recogniser (PP-OCR models shipped in its wheel).

Built once per process by ``tools.ocr``. Detection runs on a small image;
recognition runs only on the crops where detection found text, so a photo
without text costs one detector pass. The recogniser reads Latin and Chinese
scripts; a line in another script (Cyrillic, Thai...) is found by the
detector but comes back mostly blank, which :class:`~shelfcheck.photos.analysis.TextBox`
keeps as a low ``read_share``.
"""

from __future__ import annotations

from typing import Any


class OcrEngine:
    """rapidocr's two models, loaded from the files inside the installed package."""

    def __init__(self, *, threads: int = 1) -> None:
        from rapidocr import RapidOCR

        engine = RapidOCR(
            params={
                "Global.log_level": "error",
                "Global.use_cls": False,
                "Det.limit_type": "max",
                "EngineConfig.onnxruntime.intra_op_num_threads": threads,
                "EngineConfig.onnxruntime.inter_op_num_threads": 1,
            }
        )
        self.detector: Any = engine._load_det_model()
        self.recogniser: Any = engine._load_rec_model()
