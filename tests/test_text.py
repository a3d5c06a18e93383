"""The cleaned form every rule reads (analysis/text.py)."""

from __future__ import annotations

import pytest

from shelfcheck.analysis.text import normalise


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("Cotton dress", "Cotton dress"),
        ("  Cotton   dress  ", "Cotton dress"),  # printable ASCII: only spaces to collapse
        ("Cotton\tdress", "Cotton dress"),  # a tab is not printable: the full path
        ("Cotton\u00a0\u00a0dress", "Cotton dress"),  # no-break spaces
        ("Cotton&nbsp;dress", "Cotton dress"),
        ("Cotton <b>dress</b>", "Cotton dress"),
        ("Line one<br>Line two", "Line one\nLine two"),
        ("a\r\nb\rc", "a\nb\nc"),
        ("Ｃｏｔｔｏｎ ﬁne", "Cotton fine"),  # full-width letters and a ligature (NFKC)
        ("zero\u200bwidth\x07bell", "zero width bell"),
        ("one  \n  two", "one\ntwo"),
    ],
)
def test_normalise(raw: str, clean: str) -> None:
    assert normalise(raw, 1000).clean == clean


def test_long_text_is_cut_and_says_so() -> None:
    text = normalise("x" * 50, 10)
    assert text.clean == "x" * 10 and text.truncated and text.raw_length == 50
