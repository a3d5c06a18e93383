"""The fast paths of the language and readability analyses agree with the plain ones.

Each fast path skips work that cannot change a result (ASCII text counted in C, a regex
not run where it cannot match, one tag read without counters). Here each is compared with
the straightforward version it replaces, on inputs chosen to trip it.
"""

from __future__ import annotations

import random
import re
import string
from collections import Counter
from itertools import pairwise

from shelfcheck.analysis import language, readability
from shelfcheck.analysis.language import script_weights, strip_non_words
from shelfcheck.analysis.readability import measure
from shelfcheck.policy import Policy
from shelfcheck.tools import Tools

ASCII = "".join(map(chr, range(128)))
TRICKY = [
    "",
    " ",
    "Women Summer Dress",
    "WOMEN SUMMER DRESS USB-C T-Shirt",
    "iPhone 15 Case for AirPods Pro, USB-C",
    "Robe d'été femme à fleurs",
    "Pr1m3 t4bl3 c0v3r #@!% ^&* (Pr1m3),",
    "Gift for Mom, Gift for Dad, Birthday Gift, Nurse Gift, Christmas Gift, Xmas Gift",
    "Summer Shirt Rainbow Shirt Letter Shirt Cat Shirt Dog Shirt Cow Shirt",
    "Super Dress Mega Fashion Summer Super Dress Mega Fashion Summer",
    "#gift #mom #dad #love",
    "a - b – c — d | e ; f",
    "...!!!",
    "Mug\n\n\n\nCup",
    "Mug\t\x0b\x0c\x1c\x1d\x1e\x1fCup",
    "İstanbul KILIM ıi Straße ǅemal",
    "Кроссовки мужские Nike Air Max",
    "Ⓐⓑ Ⅻ ² ½ ª º",
    "&amp; &#x4A; &nbsp;",
    "Ã¢â‚¬Å“ quoted",
    "x" * 40,
    "RockmantraVintageMiniLeafsCeramicMug",
    "www.mugworld.com mail@shop.com",
    ASCII,
]


def _random_texts(count: int, alphabet: str, seed: int) -> list[str]:
    rnd = random.Random(seed)
    return ["".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, 40))) for _ in range(count)]


MIXED = string.ascii_letters[:8] + "AZaz09 _-.,;|#&!@$%^*()'’\n\téÉ中ı"


def test_ascii_counts_match_the_str_tests() -> None:
    for text in [ASCII, *TRICKY, *_random_texts(300, ASCII, 1)]:
        if not text.isascii():
            continue
        data = text.encode("ascii")
        count = readability._count
        assert count(data, readability._ASCII_LETTERS) == sum(map(str.isalpha, text))
        assert count(data, readability._ASCII_SPACES) == sum(map(str.isspace, text))
        assert count(data, readability._ASCII_UPPER) == sum(map(str.isupper, text))
        assert count(data, readability._ASCII_LOWER) == sum(map(str.islower, text))
        assert count(data, readability._ASCII_SYMBOLS) == sum(
            map(readability._SYMBOLS.__contains__, text)
        )
        assert language._letters(text) == sum(map(str.isalpha, text))
        assert language._capitals(text) == sum(map(str.isupper, text))


def test_ascii_edge_strip_matches_the_regex() -> None:
    tokens = [t for text in [*TRICKY, *_random_texts(500, ASCII, 2)] for t in text.split()]
    tokens += [c for c in ASCII if not c.isspace()]
    for token in tokens:
        if token.isascii():
            assert readability._strip_ascii_edges(token) == readability._strip_edges(token)


def _tags_reference(text: str, words: list[str], occasion) -> readability.TagSignals:
    """The tag signals as first written: counters for every list, one segment or many."""
    segments = [s for s in readability._TAG_SPLIT.split(text) if s.strip(" #")]
    hashtags = len(readability._HASHTAG.findall(text))
    segment_words = [readability._WORD.findall(s.lower()) for s in segments]
    occasion_tags = []
    shared: Counter[str] = Counter()
    for s, ws in zip(segments, segment_words, strict=True):
        if occasion(s):
            occasion_tags.append(s)
            shared.update(w for w in set(ws) if w not in readability._GLUE_WORDS)
    joined = [" ".join(ws) for ws in segment_words]
    counts = Counter(n for n in joined if n)
    duplicates = [n for n, c in counts.items() if c > 1]
    # a tag of two words or more said again inside an earlier tag
    duplicates += [
        n
        for i, n in enumerate(joined)
        if len(segment_words[i]) >= 2
        and n not in duplicates
        and any(f" {n} " in f" {p} " for p in joined[:i] if p != n)
    ]
    heads = Counter(ws[-1] for ws in segment_words if ws)
    head, head_count = heads.most_common(1)[0] if heads else ("", 0)
    lower = [w.lower() for w in words]
    before: dict[str, set[str]] = {}
    for prev, word in pairwise(lower):
        before.setdefault(word, set()).add(prev)
    chained, chained_count = max(
        ((w, len(p)) for w, p in before.items() if len(w) > 2), key=lambda x: x[1], default=("", 0)
    )
    return readability.TagSignals(
        segments=len(segments),
        hashtags=hashtags,
        occasion_tags=occasion_tags,
        occasion_repeat=max(shared.values(), default=0),
        word_tags=sum(len(ws) == 1 for ws in segment_words) if len(segments) > 1 else 0,
        word_tags_echo=sum(len(ws) == 1 and ws[0] in segment_words[0] for ws in segment_words[1:]),
        duplicate_tags=duplicates,
        head_word=head,
        head_count=head_count,
        chained_word=chained,
        chained_count=chained_count,
    )


def test_tags_match_the_counting_version(policy: Policy) -> None:
    pattern = policy.readability.occasion_terms.pattern
    occasion = lambda s: pattern.search(s) is not None  # noqa: E731
    words_alphabet = ["gift", "Mom", "dad", "Shirt", "a", "of", "cat", ",", " | ", " - ", "#", "xmas"]
    rnd = random.Random(3)
    generated = [
        " ".join(rnd.choice(words_alphabet) for _ in range(rnd.randint(0, 14))) for _ in range(400)
    ]
    for text in [*TRICKY, *generated, *_random_texts(200, MIXED, 4)]:
        words = readability._WORD.findall(text)
        assert readability._tags(text, words, occasion) == _tags_reference(text, words, occasion)


def test_measure_field_gate_matches_the_plain_measure(policy: Policy, tools: Tools) -> None:
    """measure_field reads the occasion terms only where the whole text may hold one."""
    rp = policy.readability

    def plain(text: str) -> readability.Readability:
        return measure(
            text,
            raw=text,
            vocabulary=tools.english_vocabulary,
            split=tools.split_words,
            occasion=lambda s: rp.occasion_terms.pattern.search(s) is not None,
            vocabulary_rank=rp.vocabulary_rank,
            short_words=rp.short_words,
            run_together_words=rp.run_together_words,
        )

    for text in [*TRICKY, *_random_texts(200, MIXED, 5)]:
        assert readability.measure_field(_Text(text), text, rp, tools) == plain(text)


def _blank_run_reference(text: str) -> int:
    best = run = 0
    for line in text.split("\n"):
        if line.strip(" |\t-_.·•"):
            run = 0
        else:
            run += 1
            best = max(best, run)
    return best


def test_skipped_scans_find_nothing() -> None:
    """The scans measure skips: symbol runs under four symbols, entities without "&",
    mojibake in ASCII text, "l33t" words without a letter, a digit and a letter in a row;
    one line's blank run."""
    leet = "aZ09 ſK\u212a٣.-"  # long s, Kelvin sign, an Arabic-Indic digit (re's [a-z] and digit)
    for text in [*TRICKY, *_random_texts(500, ASCII, 9), *_random_texts(300, MIXED, 10),
                 *_random_texts(500, leet, 15)]:
        if sum(map(readability._SYMBOLS.__contains__, text)) < 4:
            assert not readability._SYMBOL_RUN.findall(text)
        if "&" not in text:
            assert not readability._ENTITY.findall(text)
        if text.isascii():
            assert not readability._MOJIBAKE.findall(text)
        if not readability._LETTER_DIGIT_LETTER.search(text):
            assert not readability._LETTER_DIGIT_LETTER_TOKEN.findall(text)
        assert readability._blank_run(text) == _blank_run_reference(text)


class _Text:
    def __init__(self, clean: str) -> None:
        self.clean = clean
        self.truncated = False


_INNER_CAPITAL = re.compile(r"^[^\W\d_]*[a-z][A-Z]")
_LETTERS = re.compile(r"[^\W\d_]+", re.UNICODE)
_DIGITLESS_TOKEN = re.compile(r"(?<!\S)[^\s\d]++(?!\S)")


def _strip_reference(text: str, units: frozenset[str]) -> list[str]:
    letters = sum(map(str.isalpha, text))
    upper = sum(map(str.isupper, text))
    shouting = bool(letters) and upper / letters > 0.7
    out: list[str] = []
    for token in _DIGITLESS_TOKEN.findall(text):
        groups = [token] if token.isalpha() else _LETTERS.findall(token)
        several = len(groups) > 1
        for word in groups:
            if several and len(word) == 1 and word.isupper():
                continue
            if shouting:
                word = word.lower()
            elif (word.isupper() and len(word) > 1) or _INNER_CAPITAL.match(word):
                continue
            if word.lower() in units:
                continue
            out.append(word)
    return out


def test_strip_non_words_matches_the_regex_version(policy: Policy) -> None:
    units = policy.language.units
    camel = ["iPhone", "AirPods", "eBay", "Dress", "été", "aÉ", "a中B", "ǅemal", "xǅ", "ⓐB", "PlayStation"]
    rnd = random.Random(6)
    generated = [" ".join(rnd.choice(camel + ["USB-C", "6GB", "ml", "T-Shirt", "Ⅻ", "½"])
                          for _ in range(rnd.randint(0, 8))) for _ in range(300)]
    for text in [*TRICKY, *camel, *generated, *_random_texts(300, MIXED + "0123456789", 7)]:
        assert strip_non_words(text, units) == _strip_reference(text, units), text


def test_word_counts_match_the_word_tests(policy: Policy, tools: Tools) -> None:
    lp, vocabulary = policy.language, tools.english_vocabulary
    limit = lp.english_vocabulary_rank

    def english(lower: str) -> bool:
        if lower in lp.english_words:
            return True
        if lower in lp.foreign_words or len(lower) < 2:
            return False
        return vocabulary.get(lower, limit) < limit

    def foreign(lower: str) -> bool:
        if lower in lp.foreign_words:
            return True
        if lower in lp.english_words:
            return False  # a listed loanword ("café") is English, accents and all
        return not lower.isascii() and all(language.script_of(c) == "Latin" for c in lower)

    words = ["the", "a", "I", "dress", "baju", "murah", "de", "la", "été", "für", "中文", "x",
             "Ok", "zzzz", *sorted(lp.english_words)[:50], *sorted(lp.foreign_words)[:50]]
    words += [w for w in lp.english_words if w in lp.foreign_words]
    for word in words:
        assert language._word_counts([word], lp, vocabulary) == (
            english(word.lower()), foreign(word.lower())
        ), word


def test_script_weights_of_ascii_text(policy: Policy) -> None:
    for text in [ASCII, *TRICKY, *_random_texts(100, ASCII, 8)]:
        letters = sum(1 for c in text if c.isalpha())
        expected = {"Latin": float(letters)} if letters else {}
        if text.isascii():
            assert script_weights(text, policy.language.ideograph_weight) == expected


def _promises_reference(text: str, claims) -> list[tuple[tuple[int, int], bool]]:
    """DESC-6 / DESC-7 promises with every pattern of each list tried in every window."""
    from bisect import bisect_left

    lowered = text.lower()
    hits = []
    for word in claims.gate:
        i = lowered.find(word)
        while i >= 0:
            hits.append(i)
            i = lowered.find(word, i + 1)
    windows: list[list[int]] = []
    for i in sorted(hits):
        a, b = max(0, i - 60), min(len(text), i + 110)
        if windows and a <= windows[-1][1]:
            windows[-1][1] = b
        else:
            windows.append([a, b])
    out: list[tuple[re.Match[str], bool]] = []
    counts = {True: 0, False: 0}
    for a, b in windows:
        skip = [m.span() for m in claims.exceptions.pattern.finditer(text, a, b)]
        starts = [x for x, _ in skip]
        for clear, patterns in ((True, claims.clear), (False, claims.unsure)):
            if not patterns or counts[clear] >= 5:
                continue
            for m in patterns.pattern.finditer(text, a, b):
                s, e = m.span()
                k = bisect_left(starts, e) - 1
                if k >= 0 and skip[k][1] > s:
                    continue
                if any(s < o.end() and o.start() < e for o, _ in out):
                    continue
                out.append((m, clear))
                counts[clear] += 1
                if counts[clear] >= 5:
                    break
        if counts[True] >= 5:
            break
    return [(m.span(), c) for m, c in out]


def test_promises_narrowed_to_the_window_match_every_pattern(policy: Policy) -> None:
    """DESC-6 / DESC-7 try, in each window, only the patterns whose literals it holds."""
    from shelfcheck.rules.description import _promises

    pieces = [
        "1 year warranty", "Lifetime guarantee", "Guaranteed to last 10 years",
        "30 Day Replacement Guarantee", "Warranty Period 1 Week", "money-back guarantee",
        "guaranteed to fit", "1 year free replacement", "18 months free repair",
        "Arrives in 7-15 days", "Ships within 24 hours!", "Delivery: 3-5 working days",
        "Orders ship in two to three business days", "usually takes 15-25 days to arrive",
        "Fast delivery guaranteed", "Free Shipping", "Cash On Delivery", "next day delivery",
        "all orders are processed within 24 hours", "WARRANTY: 12 MONTHS", "SHİPS İN 2 DAYS",
        "Straße", "保修1年", "3天内发货", "гарантия 12 месяцев", "envío en 3 días",
        "Fast charging: full in 6 hours", ".", "\n", "x" * 120,
    ]
    rnd = random.Random(11)
    texts = [" ".join(rnd.choice(pieces) for _ in range(rnd.randint(1, 12))) for _ in range(400)]
    texts += pieces
    for claims in (policy.description.warranty, policy.description.delivery):
        for text in texts:
            assert [(m.span(), c) for m, c in _promises(text, claims)] == _promises_reference(
                text, claims
            ), text


def test_title_case_of_ascii_titles_matches_the_word_letters(policy: Policy, tools: Tools) -> None:
    """TITLE-7 counts an ASCII title's letters in C; the verdict is the one read word by word."""
    from shelfcheck.analysis.text import words
    from shelfcheck.facts import Facts
    from shelfcheck.model import Listing
    from shelfcheck.rules.title import title_all_one_case

    def reference(facts: Facts) -> list[str]:
        letters = [c for w in words(facts.title.clean) for c in w if c.isupper() or c.islower()]
        if len(letters) < policy.title.min_letters_for_case:
            return []
        if len(letters) < facts.title_readability.letters / 2:
            return []
        if all(c.isupper() for c in letters):
            return ["upper"]
        if all(c.islower() for c in letters):
            return ["lower"]
        return []

    titles = [*TRICKY, "WOMEN SUMMER DRESS", "women summer dress", "USB-C CABLE 2M", "usb-c 2m",
              "A", "ab", "AB 12", "Ab", "IPHONE 15 PRO MAX CASE", "iphone 15 case", "x_y z_w",
              *_random_texts(200, "AaBb _-1'.", 12)]
    for title in titles:
        facts = Facts(Listing(id="t", title=title, description=""), policy, tools)
        found = ["upper" if "capital letters" in h.message else "lower" for h in title_all_one_case.func(facts, policy)]
        assert found == reference(facts), title


def test_alternatives_match_the_whole_alternation() -> None:
    """gate.Alternatives tries only the terms whose literals a text holds: the same matches,
    in the same order, as the whole alternation (terms that overlap, share a start, have no
    literal, or differ only in case)."""
    from shelfcheck.gate import Alternatives

    terms = (
        r"\bcall\s+(?:me|us)\b",
        r"\bcall\b",
        r"\bcontact\s+(?:our|my)\s+(?:[a-z]+\s+){0,2}team\b",
        r"\bcontact\b",
        r"\d+\s*days?",
        r"(?<=\s)us\b",
        r"ß+",
        r"İstanbul",
        r"联系(?:客服|我们)",
        r"\bemail(?:\s+us)?\b",
        r"\b(?:message|msg)\s+(?:us\s+)?for\s+more\b",
    )
    pattern = re.compile("|".join(f"(?:{t})" for t in terms), re.IGNORECASE)
    alternatives = Alternatives(terms, pattern)
    pieces = ["call us", "CALL", "Call me", "contact our support team", "contact", "3 days",
              " us", "SS", "ß", "istanbul", "İSTANBUL", "ıstanbul", "联系客服", "email us", "EMAIL",
              "msg us for more", "message for more", "nothing here", "\n", ",", "x"]
    rnd = random.Random(13)
    texts = ["".join(rnd.choice(pieces) + rnd.choice(["", " ", ". "]) for _ in range(rnd.randint(0, 9)))
             for _ in range(600)]
    for text in [*pieces, *texts]:
        narrowed = alternatives.pattern_for(text)
        found = [m.span() for m in narrowed.finditer(text)] if narrowed else []
        assert found == [m.span() for m in pattern.finditer(text)], text
    # capturing groups: never narrowed (the numbers of the groups would move)
    grouped = re.compile(r"(?:(a)b)|(?:c)", re.IGNORECASE)
    assert Alternatives((r"(a)b", "c"), grouped).pattern_for("c") is grouped


class _Whole:
    """An ``Alternatives`` stand-in that always tries the whole alternation."""

    def __init__(self, patterns) -> None:
        self.pattern = patterns.pattern

    def pattern_for(self, text: str) -> re.Pattern[str]:
        return self.pattern


def test_contact_calls_with_narrowed_patterns_match_the_whole_list(policy: Policy, monkeypatch) -> None:
    from shelfcheck.analysis import contacts

    cp = policy.description.contact
    pieces = ["Contact us before ordering.", "message me for custom sizes", "we will reply soon",
              "We'll get back to you", "send the name you want to us", "Line ID: @shop",
              "drop us a line", "Email: shop@mail.com", "chat with our support team",
              "WhatsApp: 123", "follow our store", "contact your doctor", "联系客服", "ทักแชท",
              "CALL US NOW", "call the doctor", "for more", "Soft cotton."]
    rnd = random.Random(14)
    texts = [" ".join(rnd.choice(pieces) for _ in range(rnd.randint(1, 8))) for _ in range(300)]
    texts += pieces
    narrowed = [contacts.find_contact_calls(text, cp) for text in texts]
    monkeypatch.setattr(contacts, "_alternatives", _Whole)
    assert narrowed == [contacts.find_contact_calls(text, cp) for text in texts]
