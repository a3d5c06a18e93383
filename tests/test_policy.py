"""Policy as data: loads, validates loudly, and matches phrases as documented."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from shelfcheck.policy import DEFAULT_POLICY_DIR, PolicyError, load_policy, phrase_regex


def test_bundled_policy_loads_with_its_version() -> None:
    assert load_policy().version == "73"


def _copy(tmp_path: Path) -> Path:
    target = tmp_path / "policy"
    shutil.copytree(DEFAULT_POLICY_DIR, target)
    return target


def test_unknown_key_fails_loudly(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    meta = folder / "meta.yaml"
    meta.write_text(meta.read_text() + "\nthreshold_typo: 3\n")
    with pytest.raises(PolicyError, match="threshold_typo"):
        load_policy(folder)


def test_unknown_file_fails_loudly(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    (folder / "platfroms.yaml").write_text("forbidden: []\n")
    with pytest.raises(PolicyError, match="platfroms.yaml"):
        load_policy(folder)


def test_missing_folder_fails_loudly(tmp_path: Path) -> None:
    with pytest.raises(PolicyError, match="not found"):
        load_policy(tmp_path / "nope")


def test_bad_yaml_fails_loudly(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    (folder / "meta.yaml").write_text("version: [unclosed\n")
    with pytest.raises(PolicyError, match="not valid YAML"):
        load_policy(folder)


@pytest.mark.parametrize(
    ("phrase", "text", "hit"),
    [
        ("free shipping", "Dress FREE-SHIPPING now", True),
        ("free shipping", "freeshipping", True),
        ("Amazon", "Amazonian parrot", False),
        ("#1", "#1 seller", True),
        ("No.1", "No.12 bolts", False),
    ],
)
def test_phrase_matching(phrase: str, text: str, hit: bool) -> None:
    import re

    assert bool(re.search(phrase_regex(phrase), text, re.IGNORECASE)) is hit


def test_queue_deadlines_stretch_before_a_big_sale() -> None:
    """REVIEW-3: in the 15 days before a big sale review takes about 40 % longer."""
    from datetime import date

    queue = load_policy().queue.model_copy(update={"big_sales": [date(2026, 11, 11)]})
    assert queue.deadline_days(2, date(2026, 11, 1)) == 3  # 2 x 1.4, rounded up
    assert queue.deadline_days(5, date(2026, 11, 11)) == 7  # the sale day itself
    assert queue.deadline_days(2, date(2026, 10, 27)) == 3  # 15 days before: still inside
    assert queue.deadline_days(2, date(2026, 10, 26)) == 2  # 16 days before: ordinary
    assert queue.deadline_days(2, date(2026, 11, 12)) == 2  # after the sale
    assert load_policy().queue.deadline_days(2, date(2026, 11, 1)) == 2  # no sales listed
