"""Reading the text found on a photo: scripts, English or not, pattern hits with their box.

Pure functions over :class:`~shelfcheck.photos.analysis.PhotoFacts` used by the
photo rules (PHOTO-3, 7, 9, 10; INCONSISTENT-5).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass

from shelfcheck.photos.analysis import PhotoFacts, TextBox
from shelfcheck.policy import PhotoThresholds, TermSet


@dataclass(frozen=True, slots=True)
class Seen:
    """A pattern seen on a photo: the matched text, its line and box."""

    match: str
    line: str
    box: tuple[int, int, int, int]

    def evidence(self) -> str:
        return f"{self.match!r} in the text {self.line.strip()!r} at box {list(self.box)}"


def _is_ideograph(char: str) -> bool:
    name = unicodedata.name(char, "")
    return name.startswith(("CJK", "HIRAGANA", "KATAKANA", "HANGUL"))


def readable_lines(photo: PhotoFacts, min_score: float) -> list[TextBox]:
    return [b for b in photo.text or () if b.score >= min_score and b.text.strip()]


def fold_accents(word: str) -> str:
    """A word lower-cased without its accents ("KÉRASTASE" -> "kerastase")."""
    decomposed = unicodedata.normalize("NFKD", word.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def own_words(*texts: str) -> frozenset[str]:
    """The folded words (3 letters or more) of the listing's own title and brand: on a
    photo they are the product's print (brand, product name), not text to judge."""
    return frozenset(fold_accents(w) for text in texts for w in re.findall(r"[^\W\d_]{3,}", text or ""))


def latin_text(photo: PhotoFacts, min_score: float, skip: frozenset[str] = frozenset()) -> str:
    """The readable lines written in Latin letters only, one per line, without the words
    of ``skip`` (the listing's own title and brand words printed on the product)."""
    lines = []
    for b in readable_lines(photo, min_score):
        if not all(not c.isalpha() or "a" <= c.lower() <= "z" or unicodedata.name(c, "").startswith("LATIN")
                   for c in b.text):
            continue
        words = [w for w in b.text.strip().split() if fold_accents(re.sub(r"[^\w]", "", w)) not in skip]
        if words:
            lines.append(" ".join(words))
    return "\n".join(lines)


@dataclass(frozen=True, slots=True)
class Scripts:
    """How much English and how much other-language text a photo carries."""

    english_letters: int
    foreign_weight: float
    foreign_lines: tuple[TextBox, ...]
    unread_lines: tuple[TextBox, ...]


def scripts(photo: PhotoFacts, t: PhotoThresholds, min_score: float, ideograph_weight: float) -> Scripts:
    english = 0
    foreign = 0.0
    foreign_lines: list[TextBox] = []
    unread: list[TextBox] = []
    for box in photo.text or ():
        text = box.text
        visible = sum(1 for c in text if not c.isspace())
        words = re.findall(r"[A-Za-z]{3,}", text)
        if box.expected >= 2 * t.min_line_chars and box.read_share < t.unread_max_share:
            # English words on a half-read line: the unread part is its other version.
            if _big_enough(box, photo) and not words:
                unread.append(box)
                foreign += box.expected - visible
            english += sum(len(w) for w in words)
            continue
        if box.score < min_score or visible < t.min_line_chars:
            continue
        weight = 0.0
        ideographs = 0
        for char in text:
            if _is_ideograph(char):
                weight += ideograph_weight
                ideographs += 1
            elif char.isalpha() and not ("a" <= char.lower() <= "z"):
                weight += 1
        if 0 < ideographs < SHORT_IDEOGRAPH_LINE and box.score < SHORT_IDEOGRAPH_MIN_SCORE:
            # two or three characters half-read on a texture or a dial ('甲3:明' at 0.66)
            continue
        english += sum(len(w) for w in re.findall(r"[A-Za-z]{2,}", text))
        if weight:
            foreign += weight
            foreign_lines.append(box)
    return Scripts(english, foreign, tuple(foreign_lines), tuple(unread))


#: A line of fewer ideographs than this is judged only when read at this confidence.
SHORT_IDEOGRAPH_LINE = 4
SHORT_IDEOGRAPH_MIN_SCORE = 0.8


def _big_enough(box: TextBox, photo: PhotoFacts) -> bool:
    """A text line at least 2.5 % of the photo's height: an overlay, not small print."""
    return (box.box[3] - box.box[1]) >= 0.025 * max(1, photo.height)


def find(photo: PhotoFacts, terms: TermSet, min_score: float,
         exclude: TermSet | None = None) -> list[Seen]:
    """Every match of ``terms`` on the photo's readable lines (and on all of them joined)."""
    out: list[Seen] = []
    for box in readable_lines(photo, min_score):
        if exclude is not None and exclude.search(box.text):
            continue
        match = terms.search(box.text)
        if match:
            out.append(Seen(match.group(0), box.text, box.box))
    return out


def tilted(photo: PhotoFacts, t: PhotoThresholds, min_score: float) -> list[TextBox]:
    """Lines laid across the photo at an angle (a diagonal overlay)."""
    out = []
    for box in readable_lines(photo, min_score):
        angle = abs(box.angle) % 180
        angle = min(angle, 180 - angle)
        letters = sum(1 for c in box.text if c.isalpha())
        if t.watermark_min_angle <= angle <= 90 - t.watermark_min_angle and letters >= 2:
            out.append(box)
    return out


def parallel(lines: list[TextBox]) -> list[TextBox]:
    """Tilted lines that all lean the same way (an overlay laid across the photo);
    none when some lean the other way: labels around a watch dial or a round
    print are tilted both ways, a diagonal watermark is not."""
    def signed(box: TextBox) -> float:
        a = box.angle % 180
        return a - 180 if a > 90 else a
    up = [b for b in lines if signed(b) > 0]
    down = [b for b in lines if signed(b) < 0]
    return [] if up and down else lines


def repeated(photo: PhotoFacts, t: PhotoThresholds, min_score: float,
             skip: frozenset[str] = frozenset()) -> list[TextBox]:
    """The same text on several lines (a tiled overlay); the listing's own brand or
    product word repeated on the items of a pack ('Mxofere' on five soaps) is not one."""
    lines = readable_lines(photo, min_score)
    keys = Counter(re.sub(r"\W+", "", b.text.lower()) for b in lines)
    key, count = next(iter(keys.most_common(1)), ("", 0))
    if len(key) <= t.min_line_chars or count < t.watermark_min_repeats or fold_accents(key) in skip:
        return []
    return [b for b in lines if re.sub(r"\W+", "", b.text.lower()) == key]
