"""The fast paths of analysis/measures.py find what the plain ones find.

Each test builds the plain way (the regex or the step as first written) next to the fast
one and compares them on tricky texts and on many random ones made of the characters
that matter (digits, separators, unit letters, parameter words).
"""

from __future__ import annotations

import random
import re

import pytest

from shelfcheck.analysis import measures
from shelfcheck.policy import Policy

#: The number as first written: the look-behind first, every digit given back on failure.
PLAIN_NUM = r"(?<!\d)\d{1,7}(?:\.\d{1,6}|,\d{1,2}(?!\d))?"

TRICKY = [
    "",
    "12345678 cm",
    "1234567cm",
    "12 345 cm",
    "Size 36-38 cm (14.5in) 2 in x 3 in",
    "Bust: 86-90cm, waist 68~72 cm, hips 1,5 m",
    "40x40cm 23 cms X 23 cms 20 x 8 x 15 cm (L x W x H)",
    "50L x 25W x 28H cm 30cm(L) x 12cm(W) 1.2345678 mm",
    "Length 16 inch, 12.7\" 3'' 5 ft 2 feet 10 mm 2m long 3 M",
    "ขนาด หน่วยเป็น(นิ้ว) อก 40 เอว 38 ยาว 25",
    "胸围 88厘米 衣长 62公分 8米 5 см 4 мм",
    "weight 40-47.5 kg, 2 pcs, age 3y, 1,23 cm 1,234 cm 0,5cm",
    "1-2 cm error due to manual measurement, ±2 cm",
    "7=17.3mm Size 8: 18.1 mm; US 6 / EU 36 | waist: 70 to 74cm",
    "١٢ cm ۳۴ mm",  # digits of other scripts
    "99999999999x8888888888x7777777 cm",
    "2.5D 9H 64GB 128 GB 5000mAh 350 ml 2 L 500g 1 lb",
]

_ALPHABET = list("0123456789 .,-~x×*X:=()\t\n") + [
    "cm", "mm", "m", "in", "inch", "ft", '"', "''", "to", "kg", "ml", "l", "g",
    "bust", "waist", "length", "size", "L", "W", "H", "厘米", "อก", "US", "EU", "१",
]


def _random_texts(count: int, seed: int = 5) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice(_ALPHABET) for _ in range(rng.randint(1, 30))) for _ in range(count)]


def _plain(pattern: re.Pattern[str], num: str) -> re.Pattern[str]:
    return re.compile(pattern.pattern.replace(num, PLAIN_NUM), pattern.flags)


def _matches(pattern: re.Pattern[str], text: str) -> list[tuple[tuple[int, int], dict]]:
    found = [(m.span(), m.groupdict()) for m in pattern.finditer(text)]
    whole = pattern.match(text)
    full = pattern.fullmatch(text)
    for m in (whole, full):
        found.append((m.span(), m.groupdict()) if m else None)
    return found


@pytest.mark.parametrize("name", ["single", "dims", "other", "bare_after_param"])
def test_numbers_match_as_first_written(policy: Policy, name: str) -> None:
    rx = measures._compiled(policy.size)
    assert rx.num == measures.NUM_ONCE  # no unit of the policy starts with a digit
    fast = getattr(rx, name)
    plain = _plain(fast, rx.num)
    assert plain.pattern != fast.pattern
    for text in TRICKY + _random_texts(4000):
        assert _matches(fast, text) == _matches(plain, text), text


def test_table_cells_match_as_first_written() -> None:
    fast = measures._TABLE_CELL_NUMBER
    plain = _plain(fast, measures.NUM_ONCE)
    for text in TRICKY + _random_texts(4000):
        assert _matches(fast, text) == _matches(plain, text), text


def test_a_unit_starting_with_a_digit_keeps_the_plain_number(policy: Policy) -> None:
    units = {**policy.size.length_units, "2nd": 1.0}
    size = policy.size.model_copy(update={"length_units": units})
    rx = measures._compiled(size)
    assert rx.num == measures.NUM
    assert rx.single.search("12nd").group(0) == "12nd"  # "1" + unit "2nd", as first written


def test_parts_of_a_text_find_the_parameters_they_found_alone(policy: Policy) -> None:
    rx = measures._compiled(policy.size)
    texts = TRICKY + [
        "ขนาด: อก 40 นิ้ว รอบเอว 30 สะโพก 42 ความยาว 25",
        "ΑΣ bust ß waist ſize İnseam K length",
        "Bust Size: 88cm, Waist Size (cm) 70",
    ]
    for text in texts:
        unkeyed = rx.unkeyed_in(text)
        for start in range(len(text) + 1):
            for end in range(start, min(len(text), start + 40) + 1):
                part = text[start:end]
                assert measures._params_in(part, rx, unkeyed) == measures._params_in(part, rx)
    assert rx.unkeyed_in("ราคาถูก") == frozenset()
    assert rx.unkeyed_in("อก 40") != frozenset()


def test_the_times_signs_are_all_the_dimensions_regex_accepts(policy: Policy) -> None:
    # _text_measurements skips the dimensions regex on a text without "x", "X", "×", "*"
    sign = re.compile(r"[x×*X]", re.IGNORECASE)
    assert {chr(c) for c in range(0x110000) if sign.fullmatch(chr(c))} == set("xX×*")
    assert "[x×*X]" in measures._compiled(policy.size).dims.pattern
