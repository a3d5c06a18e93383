"""Readability signals of a title or description (RULEBOOK TITLE-4..7, DESC-12).

Pure measurements, no verdicts: the rules compare them with the thresholds of
the policy's ``readability`` section. Each signal keeps the pieces of text it
saw, so a finding can quote them.

* **run-together words**: "RockmantraVintageMiniLeafsCeramicMug" — one token
  that splits into several words at capital humps or, in lower case, by
  English word frequencies (wordninja). Brand names with one hump
  ("PlayStation", "AirPods", "iPhone") are not run-together words, nor are web
  addresses, e-mails and handles ("www.mugworld.com": TITLE-1 judges them).
* **symbols instead of letters**: runs like ``%^*£&£$*@)@)``: several
  different symbols in a row (decorative "★★★" or "---" have one kind).
* **letter fragments**: "P ime P inted Sea er Ta le Cov r": lone letters and
  pieces of words that are no words at all.
* **repetition**: the share of words that repeat an earlier phrase of two or
  more words ("Super Dress Mega Fashion Summer Super Dress Mega Fashion Summer").
* **tag list**: comma or hashtag separated tags, how many name a gift or an
  occasion, how often the same head word closes a tag, duplicated tags, and a
  head word repeated after many different words ("Summer Shirt Rainbow Shirt
  Letter Shirt ...").
* **letter case**: share of upper- and lower-case letters.
* **descriptions**: HTML entities in the raw text, mojibake ("Ã¢â‚¬"),
  page-sized gaps of blank lines, symbol share, "l33t" words.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from itertools import pairwise
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from shelfcheck.analysis.text import Text
    from shelfcheck.policy import ReadabilityPolicy

_TOKEN = re.compile(r"\S+")
#: Hyphens and slashes keep words apart: "Ceramic-Coffee-Mug-With-Lid" and
#: "Apple/Strawberry/Lemon/Grape" are words, each judged on its own.
_HYPHENS = re.compile(r"[-–/]+")
_HUMP = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])")
_EDGE_PUNCT = re.compile(r"^[^\w]+|[^\w]+$")
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")
#: Symbols that stand in for letters; ordinary punctuation of a title is not among them.
_SYMBOLS = "!@#$%^&*()_+=~`|\\<>?{}[]£€¥§¤°¬"
_SYMBOL_RUN = re.compile("[" + re.escape(_SYMBOLS) + "]{4,}")
_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z][a-zA-Z0-9]{1,31});")
_MOJIBAKE = re.compile(r"Ã[\u0080-\u00ff]|Â[\u0080-\u00bf]|â€|â‚¬|Ã¢|ï¿½|\ufffd")
_LEET = re.compile(
    r"^(?=.*[a-z])(?:[a-z]*\d+[a-z]+\d*){2,}$|^[a-z]+\d[a-z]+\d[a-z]*$", re.IGNORECASE
)
#: Web addresses, e-mails and handles are no run-together words: TITLE-1 / DESC-2 / DESC-4 judge them.
_LINK_LIKE = re.compile(r"@|://|^www\d?\.|[^\W\d_]\.[a-z]{2,6}(?:[/?#]|$)", re.IGNORECASE)
#: Letters of one token that are split into words (wordninja's cost grows with the length).
_SPLIT_LIMIT = 200
#: Words that join tags rather than name anything ("Gift for Her", "Birthday and Party").
_GLUE_WORDS = frozenset({"for", "the", "and", "of", "a", "an", "to", "with", "in", "on", "or", "&"})
_NOT_ASCII_LETTER = re.compile(r"[^A-Za-z]")
#: A whole token (between spaces) with a letter, a digit and a letter in a row ("Pr1m3").
_LETTER_DIGIT_LETTER_TOKEN = re.compile(r"(?<!\S)\S*?[a-z]\d[a-z]\S*", re.IGNORECASE)
#: What every such token holds: one plain scan tells whether a text has any.
_LETTER_DIGIT_LETTER = re.compile(r"[a-z]\d[a-z]", re.IGNORECASE)
_HASHTAG = re.compile(r"(?<!\S)#[^\W\d_]\w*")
_TAG_SPLIT = re.compile(r"\s*(?:[,;|]|\s[-–—]\s|\s(?=#))\s*")


def _ascii_bytes(test: Callable[[str], bool]) -> bytes:
    """The ASCII characters for which ``test`` holds, as bytes (a ``bytes.translate`` table)."""
    return bytes(c for c in range(128) if test(chr(c)))


#: ASCII text (most titles and descriptions) is counted in C with ``bytes.translate``: the
#: characters each ``str`` test (isalpha, isspace, ...) holds for, derived from that same test.
_ASCII_LETTERS = _ascii_bytes(str.isalpha)
_ASCII_SPACES = _ascii_bytes(str.isspace)
_ASCII_UPPER = _ascii_bytes(str.isupper)
_ASCII_LOWER = _ascii_bytes(str.islower)
_ASCII_SYMBOLS = _ascii_bytes(_SYMBOLS.__contains__)
#: What ``_EDGE_PUNCT`` strips from an ASCII token: every ASCII character that is no ``\w``.
_ASCII_NOT_WORD = "".join(chr(c) for c in range(128) if not re.match(r"\w", chr(c)))


@dataclass(frozen=True, slots=True)
class TagSignals:
    """How much a title reads like a list of tags (TITLE-6)."""

    segments: int = 0
    hashtags: int = 0
    occasion_tags: list[str] = field(default_factory=list)
    #: The most tags among the gift/occasion tags that share one word ("Nurse Gift, Nurse
    #: Graduation Gift, Christmas Gift": 3).
    occasion_repeat: int = 0
    #: Tags of a single word ("Mug, Cup, Coffee, Tea"), and how many of them repeat a word
    #: of the first tag, the product phrase ("Ceramic Coffee Mug, Mug, Cup, Coffee").
    word_tags: int = 0
    word_tags_echo: int = 0
    duplicate_tags: list[str] = field(default_factory=list)
    #: The head word that most often closes a tag, and in how many tags.
    head_word: str = ""
    head_count: int = 0
    #: A word repeated after many different words ("Summer Shirt Rainbow Shirt ...").
    chained_word: str = ""
    chained_count: int = 0


@dataclass(frozen=True, slots=True)
class Readability:
    """Readability signals of one text (see the module docstring)."""

    words: int
    letters: int
    truncated: bool = False
    run_together: list[str] = field(default_factory=list)
    #: Share of the letters that sit in run-together tokens.
    run_together_share: float = 0.0
    symbol_runs: list[str] = field(default_factory=list)
    #: Share of the non-space characters that are symbols standing in for letters.
    symbol_share: float = 0.0
    fragments: list[str] = field(default_factory=list)
    #: Share of the word tokens that are fragments.
    fragment_share: float = 0.0
    #: The longest repeated phrase (two or more words) and the share of words that repeat.
    repeated_phrase: str = ""
    repetition_share: float = 0.0
    #: The longest run of one word said again and again in a row ("Mug Mug Mug Mug"): the
    #: word and how many times (1 when no word follows itself).
    stutter_word: str = ""
    stutter_count: int = 1
    tags: TagSignals = field(default_factory=TagSignals)
    upper_share: float = 0.0
    lower_share: float = 0.0
    #: Descriptions: share of the raw text written as HTML entities.
    entity_share: float = 0.0
    mojibake: int = 0
    #: Share of the non-space characters inside mojibake sequences.
    mojibake_share: float = 0.0
    #: Longest run of blank lines.
    blank_run: int = 0
    leet_words: list[str] = field(default_factory=list)
    #: "l33t" words that are English words once their digits are letters again ("C0ff33").
    leet_english: list[str] = field(default_factory=list)
    #: Whitespace-separated tokens (a "l33t" word is one token but several letter runs).
    tokens: int = 0

    @property
    def garbled(self) -> bool:
        """Mojibake or entity soup: the text cannot be judged for its language."""
        return self.mojibake_share >= 0.1 or self.entity_share >= 0.5


def _count(data: bytes, table: bytes) -> int:
    """How many bytes of ``data`` are among the bytes of ``table``."""
    return len(data) - len(data.translate(None, table))


def _strip_edges(token: str) -> str:
    """The token without the punctuation around it ("(Pr1m3)," -> "Pr1m3")."""
    return _EDGE_PUNCT.sub("", token)


def _strip_ascii_edges(token: str) -> str:
    """:func:`_strip_edges` of an ASCII token, without the regex (a token holds no newline,
    before which ``$`` would also match)."""
    return token.strip(_ASCII_NOT_WORD)


_DELEET = str.maketrans("0134578", "oieastb")
_DELEET_L = str.maketrans("0134578", "oleastb")
_LETTERS_DIGITS = re.compile(r"^[A-Za-z0-9]+$")


def _deleet_is_word(core: str, vocabulary: Mapping[str, int], rank: int) -> bool:
    """``core`` ("C0ff33", "s4f3") reads as an English word of four or more letters once its
    digits are turned back into the letters they stand for."""
    if not _LETTERS_DIGITS.match(core):
        return False
    lower = core.lower()
    for table in (_DELEET, _DELEET_L):
        word = lower.translate(table)
        if len(word) >= 4 and word.isalpha() and vocabulary.get(word, rank) < rank:
            return True
    return False


def _run_together(
    token: str,
    min_words: int,
    split: Callable[[str], list[str]],
    vocabulary: Mapping[str, int],
    rank: int,
) -> bool:
    """One token that is several ordinary words written without spaces."""
    letters = _NOT_ASCII_LETTER.sub("", token)
    humps = _HUMP.findall(letters)
    if len(humps) >= min_words and sum(1 for h in humps if len(h) > 1) >= min_words:
        return True
    if letters.islower() and len(letters) >= 4 * min_words:
        parts = split(letters[:_SPLIT_LIMIT])  # a page-long token says no more than its start
        known = [p for p in parts if len(p) > 2 and vocabulary.get(p, rank) < rank]
        return (
            len(parts) >= min_words and len(known) >= min_words and len(known) >= 0.75 * len(parts)
        )
    return False


def _is_fragment(
    core: str, vocabulary: Mapping[str, int], rank: int, short_words: frozenset[str]
) -> bool:
    """A lone letter or a piece of a word: "P", "ime", "iped" (not "a", "USB", "of", "Nike")."""
    lower = core.lower()
    if lower in short_words:
        return False
    if len(core) == 1:
        return True
    if core.isupper():  # acronyms and sizes: "HF", "XL", "DIY"
        return False
    if len(core) <= 2:
        return vocabulary.get(lower, rank) >= rank
    # Lower-case pieces that are no words at all ("iped", "oon", "inted"); capitalised unknown
    # words are usually brand names and are left alone.
    return core[0].islower() and lower not in vocabulary


_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def _broken_words(
    seq: list[tuple[int, str]],
    fragment_at: set[int],
    vocabulary: Mapping[str, int],
    rank: int,
    short_words: frozenset[str],
) -> list[int]:
    """Positions of tokens that are halves of one word split where a letter was lost
    ("Lig ts" = "Lights", "Rem te" = "Remote", "Cushio s"): two neighbouring tokens, not
    both words, that make a common word of four letters or more when joined with one letter
    between them (or none). A scraper that drops letters leaves capitalised halves, which
    :func:`_is_fragment` leaves alone as possible brand names.

    ``seq``: (token position, letters) of the plain-letter tokens, in order."""

    def is_word(lower: str) -> bool:
        return lower in short_words or (len(lower) >= 3 and vocabulary.get(lower, rank) < rank)

    found: list[int] = []
    for (i, a), (j, b) in pairwise(seq):
        if j != i + 1:
            continue
        la, lb = a.lower(), b.lower()
        if is_word(la) and is_word(lb):
            continue
        if any(
            vocabulary.get(la + c + lb, rank) < rank
            for c in ("", *_LETTERS)
            if len(la) + len(c) + len(lb) >= 4
        ):
            found.extend(k for k in (i, j) if k not in fragment_at and k not in found)
    return found


def _stutter(tokens: list[str]) -> tuple[str, int]:
    """The word of three or more letters said the most times in a row, and how many times."""
    best, count = "", 1
    previous, run = "", 0
    for token in tokens:
        word = token.strip(_ASCII_NOT_WORD).lower()
        if len(word) >= 3 and word.isalpha() and word == previous:
            run += 1
        else:
            previous, run = word, 1
        if run > count:
            best, count = word, run
    return best, count


def _repetition(words: list[str]) -> tuple[str, float]:
    """The longest phrase (2+ words) said again, and the share of words that repeat earlier ones."""
    if len(words) < 4:
        return "", 0.0
    lower = [w.lower() for w in words]
    if len(set(pairwise(lower))) == len(lower) - 1:
        # no two words follow each other twice: no phrase of 2+ words can repeat
        return "", 0.0
    repeated = [False] * len(lower)
    best = ""
    for n in range(min(8, len(lower) // 2), 1, -1):
        seen: dict[tuple[str, ...], int] = {}
        i = 0
        while i + n <= len(lower):
            gram = tuple(lower[i : i + n])
            if gram in seen and seen[gram] + n <= i and not any(repeated[i : i + n]):
                for j in range(i, i + n):
                    repeated[j] = True
                if not best:
                    best = " ".join(words[i : i + n])
                i += n
                continue
            seen.setdefault(gram, i)
            i += 1
    return best, sum(repeated) / len(lower)


def _tags(text: str, words: list[str], occasion: Callable[[str], bool]) -> TagSignals:
    segments = [s for s in _TAG_SPLIT.split(text) if s.strip(" #")]
    hashtags = len(_HASHTAG.findall(text)) if "#" in text else 0
    # each segment's lower-cased words, found once and read three times below
    segment_words = [_WORD.findall(s.lower()) for s in segments]
    occasion_tags = []
    shared: dict[str, int] = {}  # in how many gift/occasion tags each word is
    for s, ws in zip(segments, segment_words, strict=True):
        if occasion(s):
            occasion_tags.append(s)
            for w in set(ws):
                if w not in _GLUE_WORDS:
                    shared[w] = shared.get(w, 0) + 1
    if len(segments) > 1:
        joined = [" ".join(ws) for ws in segment_words]
        counts = Counter(n for n in joined if n)
        duplicates = [n for n, c in counts.items() if c > 1]
        # a tag of two words or more said again inside an earlier tag is a duplicate too
        # ("Large Capacity Purse Satchel Tote Bag, ..., Portable, Large Capacity")
        duplicates += [
            n
            for i, n in enumerate(joined)
            if len(segment_words[i]) >= 2
            and n not in duplicates
            and any(f" {n} " in f" {p} " for p in joined[:i] if p != n)
        ]
        heads = Counter(ws[-1] for ws in segment_words if ws)
        head, head_count = heads.most_common(1)[0] if heads else ("", 0)
    else:  # one tag at most (most titles): nothing repeats, its last word closes it once
        duplicates = []
        last = segment_words[0][-1:] if segment_words else []
        head, head_count = (last[0], 1) if last else ("", 0)
    lower = [w.lower() for w in words]
    if len(set(lower)) == len(lower):
        # no word said twice: each follows one word only, and the first long one wins the tie
        chained = next((w for w in lower[1:] if len(w) > 2), "")
        chained_count = 1 if chained else 0
    else:
        before: dict[str, set[str]] = {}
        for prev, word in pairwise(lower):
            before.setdefault(word, set()).add(prev)
        chained, chained_count = max(
            ((w, len(p)) for w, p in before.items() if len(w) > 2),
            key=lambda x: x[1],
            default=("", 0),
        )
    return TagSignals(
        segments=len(segments),
        hashtags=hashtags,
        occasion_tags=occasion_tags,
        occasion_repeat=max(shared.values(), default=0),
        word_tags=sum(1 for ws in segment_words if len(ws) == 1) if len(segments) > 1 else 0,
        word_tags_echo=sum(
            1 for ws in segment_words[1:] if len(ws) == 1 and ws[0] in segment_words[0]
        ),
        duplicate_tags=duplicates,
        head_word=head,
        head_count=head_count,
        chained_word=chained,
        chained_count=chained_count,
    )


def _blank_run(text: str) -> int:
    if "\n" not in text:  # one line: a gap of one blank line at most
        return 0 if text.strip(" |\t-_.·•") else 1
    best = run = 0
    for line in text.split("\n"):
        if line.strip(" |\t-_.·•"):
            run = 0
        else:
            run += 1
            best = max(best, run)
    return best


def measure(
    clean: str,
    *,
    raw: str = "",
    truncated: bool = False,
    vocabulary: Mapping[str, int],
    split: Callable[[str], list[str]],
    occasion: Callable[[str], bool],
    vocabulary_rank: int = 20000,
    short_words: frozenset[str] = frozenset(),
    run_together_words: int = 3,
    max_chars: int = 20000,
    word_signals: bool = True,
) -> Readability:
    """Measure the readability signals of ``clean`` (``raw``: the text before cleaning).

    ``word_signals=False`` measures only what a description is judged on (DESC-12:
    entities, mojibake, symbols, "l33t" words, blank gaps): run-together words,
    fragments, repetition and tags (TITLE-4..6) are left empty.
    """
    text = clean[:max_chars]
    ascii_text = text.isascii()
    tokens = _TOKEN.findall(text) if word_signals else []
    words = _WORD.findall(text)
    # character counts in C: these run on every title and description
    if ascii_text:
        data = text.encode("ascii")
        letters = _count(data, _ASCII_LETTERS)
        nonspace = len(data) - _count(data, _ASCII_SPACES)
        symbols = _count(data, _ASCII_SYMBOLS)
        upper = _count(data, _ASCII_UPPER)
        cased = upper + _count(data, _ASCII_LOWER)
    else:
        letters = sum(map(str.isalpha, text))
        nonspace = len(text) - sum(map(str.isspace, text))
        symbols = sum(map(_SYMBOLS.__contains__, text))
        upper = sum(map(str.isupper, text))
        cased = upper + sum(map(str.islower, text))
    strip_edges = _strip_ascii_edges if ascii_text else _strip_edges

    run_together: list[str] = []
    run_letters = 0
    fragments: list[str] = []
    alpha_tokens = 0
    # a "l33t" word has a letter, a digit and a letter in a row: only such tokens are read
    leet = (
        [
            core
            for core in (strip_edges(t) for t in _LETTER_DIGIT_LETTER_TOKEN.findall(text))
            if _LEET.match(core) and not core.isupper()
        ]
        if _LETTER_DIGIT_LETTER.search(text)
        else []
    )
    leet_english = (
        [
            core
            for core in (strip_edges(t) for t in _LETTER_DIGIT_LETTER_TOKEN.findall(text))
            if not core.isupper() and _deleet_is_word(core, vocabulary, vocabulary_rank)
        ]
        if leet or _LETTER_DIGIT_LETTER.search(text)
        else []
    )
    letter_tokens: list[tuple[int, str]] = []  # (position, letters) of plain-letter tokens
    fragment_at: set[int] = set()
    for position, token in enumerate(tokens):
        core = strip_edges(token)
        if not core:
            continue
        # fewer than two letters per word cannot be words run together: most tokens stop here
        if (
            len(core) >= 2 * run_together_words
            and not _LINK_LIKE.search(core)
            and any(
                len(part) >= 2 * run_together_words
                and _run_together(part, run_together_words, split, vocabulary, vocabulary_rank)
                for part in (
                    _HYPHENS.split(core) if "-" in core or "–" in core or "/" in core else (core,)
                )
            )
        ):
            run_together.append(core)
            run_letters += sum(1 for c in core if c.isalpha())
        if core.isalpha() and core.isascii() and not token.startswith("#"):
            alpha_tokens += 1
            if token[0].isalpha() and token[-1].isalpha():  # no "In. H": a split has no stop
                letter_tokens.append((position, core))
            if _is_fragment(core, vocabulary, vocabulary_rank, short_words):
                fragments.append(core)
                fragment_at.add(position)
    if fragments:
        # a title with letter fragments: the halves of words split where a letter was lost
        # count too ("L D Str p Lig ts": "Str", "Lig", "ts" beside "D" and "p")
        fragments += [
            tokens[k].strip(_ASCII_NOT_WORD)
            for k in _broken_words(
                letter_tokens, fragment_at, vocabulary, vocabulary_rank, short_words
            )
        ]

    # a run needs four symbols; entities need "&"; mojibake needs characters outside ASCII
    symbol_runs = _SYMBOL_RUN.findall(text) if symbols >= 4 else []
    phrase, repetition = _repetition(words) if word_signals else ("", 0.0)
    stutter = _stutter(tokens) if word_signals else ("", 1)
    raw_text = raw[: max_chars * 10]
    entities = sum(len(m) for m in _ENTITY.findall(raw_text)) if "&" in raw_text else 0
    mojibake = [] if ascii_text else _MOJIBAKE.findall(text)
    return Readability(
        words=len(words),
        letters=letters,
        truncated=truncated,
        run_together=run_together,
        run_together_share=run_letters / letters if letters else 0.0,
        symbol_runs=[r for r in symbol_runs if len(set(r)) >= 3],
        symbol_share=symbols / nonspace if nonspace else 0.0,
        fragments=fragments,
        fragment_share=len(fragments) / alpha_tokens if alpha_tokens else 0.0,
        repeated_phrase=phrase,
        stutter_word=stutter[0],
        stutter_count=stutter[1],
        repetition_share=repetition,
        tags=_tags(text, words, occasion) if word_signals else TagSignals(),
        upper_share=upper / cased if cased else 0.0,
        lower_share=(cased - upper) / cased if cased else 0.0,
        entity_share=entities / len(raw_text) if raw_text else 0.0,
        mojibake=len(mojibake),
        mojibake_share=sum(len(m) for m in mojibake) / nonspace if nonspace else 0.0,
        blank_run=_blank_run(text),
        leet_words=leet,
        leet_english=leet_english,
        tokens=len(tokens) if word_signals else len(text.split()) if leet_english else 0,
    )


def measure_field(
    text: Text, raw: str | None, policy: ReadabilityPolicy, tools: Any, *, word_signals: bool = True
) -> Readability:
    """:func:`measure` with the policy's settings and the shared English vocabulary."""
    terms = policy.occasion_terms
    # A tag is a piece of the text: where the whole text lacks every literal an occasion term
    # needs (its gate, read once per text), no tag holds one, and no tag is gated on its own.
    if word_signals and terms.may_match(text.clean):
        pattern = terms.pattern
        occasion: Callable[[str], bool] = lambda segment: pattern.search(segment) is not None
    else:
        occasion = lambda segment: False
    return measure(
        text.clean,
        raw=raw or "",
        truncated=text.truncated,
        vocabulary=tools.english_vocabulary,
        split=tools.split_words,
        occasion=occasion,
        vocabulary_rank=policy.vocabulary_rank,
        short_words=policy.short_words,
        run_together_words=policy.run_together_words,
        word_signals=word_signals,
    )
