"""Text normalisation: the one cleaned form of each field that every rule reads.

HTML tags are dropped and entities unescaped ("a little HTML", FORMATS §1),
Unicode is NFKC-normalised (full-width letters, ligatures), control characters
become spaces, and runs of spaces collapse (newlines are kept: DESC-12 reads
blank-line gaps). Text past the policy's size limit is cut for analysis and
the cut is recorded, so a 10 MB title costs no more than a long one.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass

_TAG = re.compile(
    r"<\s*(br|/p|p|/div|div|li|/li|tr)\b[^>]*>|<\s*(td|th)\b[^>]*>|<[^>]{0,500}>", re.IGNORECASE
)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u2028\u2029\ufeff]")
_SPACES = re.compile(r"[ \t\u00a0]+")


@dataclass(frozen=True, slots=True)
class Text:
    """A field's text as the rules see it."""

    raw_length: int
    clean: str
    truncated: bool

    def __str__(self) -> str:
        return self.clean

    def __bool__(self) -> bool:
        return bool(self.clean.strip())


def _tag_to_space(match: re.Match[str]) -> str:
    # a table row is a line and its cells are cut at bars, so that a size table in HTML
    # reads as one written with bars ("S | 92cm | 64cm")
    if match.group(1):
        return "\n"
    return " | " if match.group(2) else " "


def normalise(raw: str | None, limit: int) -> Text:
    """Clean ``raw`` for analysis, cutting it at ``limit`` characters."""
    raw = raw or ""
    truncated = len(raw) > limit
    text = raw[:limit] if truncated else raw
    if "<" in text:
        text = _TAG.sub(_tag_to_space, text)
    if "&" in text:
        text = html.unescape(text)
    if not (text.isascii() and text.isprintable()):
        # printable ASCII (most short fields) is already NFKC, without controls or CRs
        text = unicodedata.normalize("NFKC", text)
        text = _CONTROL.sub(" ", text)
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        text = _SPACES.sub(" ", text)
    elif "  " in text:  # printable ASCII has no tab or no-break space: only double spaces
        text = _SPACES.sub(" ", text)
    if "\n" in text:
        text = "\n".join(line.strip() for line in text.split("\n"))
    text = text.strip()
    return Text(raw_length=len(raw), clean=text, truncated=truncated)


_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?", re.UNICODE)


def words(text: str) -> list[str]:
    """The words (runs of letters) of ``text``."""
    return _WORD.findall(text)
