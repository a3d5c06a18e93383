"""Bad input gets a clear error or a finding: never a crash, never a lost record,
never an approval by accident."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from shelfcheck.catalog import BadRecord, read_catalog
from shelfcheck.cli import main
from shelfcheck.model import Doubt, Listing, Reason
from shelfcheck.policy import Policy
from shelfcheck.review import review
from shelfcheck.rule import Hit, rule
from shelfcheck.tools import Tools


def _write(tmp_path: Path, lines: list[str], name: str = "c.jsonl") -> Path:
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_malformed_json_is_reported_with_its_line_and_the_rest_goes_on(tmp_path: Path) -> None:
    path = _write(tmp_path, [
        json.dumps({"id": "a", "title": "Ceramic Mug"}),
        '{"id": "b", "title": ',
        json.dumps({"id": "c", "title": "Glass Vase"}),
    ])
    records = list(read_catalog(str(path)))
    assert [type(r).__name__ for _, r in records] == ["Listing", "BadRecord", "Listing"]
    bad = records[1][1]
    assert isinstance(bad, BadRecord) and bad.line == 2 and "malformed JSON" in bad.error


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"title": "No id"}, "id"),
        ({"id": "x"}, "title"),
        ({"id": "x", "title": 42}, "title"),
        ({"id": "x", "title": "T", "photos": "not-a-list"}, "photos"),
        ({"id": "x", "title": "T", "price": "cheap"}, "price"),
        ({"id": "x", "title": "T", "dangerous_kind": "radioactive"}, "dangerous_kind"),
        ({"id": "x", "title": "T", "variants": [{"quantity": "many"}]}, "variants.0.quantity"),
    ],
)
def test_wrong_or_missing_fields_name_the_field(tmp_path: Path, data: dict, field: str) -> None:
    path = _write(tmp_path, [json.dumps(data)])
    [(_, bad)] = list(read_catalog(str(path)))
    assert isinstance(bad, BadRecord)
    assert bad.error.startswith(field), bad.error


def test_not_an_object_is_a_bad_record(tmp_path: Path) -> None:
    path = _write(tmp_path, ["[1, 2, 3]"])
    [(_, bad)] = list(read_catalog(str(path)))
    assert isinstance(bad, BadRecord) and "JSON object" in bad.error


def test_unknown_fields_are_kept() -> None:
    listing = Listing.model_validate({"id": "x", "title": "T", "sku_internal": "A-1"})
    assert listing.model_dump()["sku_internal"] == "A-1"


def test_ten_megabyte_title_is_a_finding_not_a_crash(policy: Policy, tools: Tools) -> None:
    listing = Listing(id="big", title="Ceramic Mug " * 900_000)
    decision = review(listing, policy=policy, tools=tools)
    assert decision.decision != "approve"


def test_control_characters_do_not_crash(policy: Policy, tools: Tools) -> None:
    listing = Listing(id="ctl", title="Ceramic\x00 Mug\x07 350 ml\u200b", description="\x1b[31mred\x00")
    decision = review(listing, policy=policy, tools=tools)
    assert decision.id == "ctl"


def test_a_crashing_rule_sends_the_listing_to_people(policy: Policy, tools: Tools) -> None:
    @rule("TEST-1", reason=Reason.TITLE, doubt=Doubt.SELLER)
    def broken(facts: object, policy: object) -> Iterator[Hit]:
        """Broken on purpose.

        ## What it checks
        nothing
        ## Why
        test
        ## Doubt
        none
        """
        raise RuntimeError("boom")
        yield  # pragma: no cover

    decision = review(Listing(id="x", title="Ceramic Mug"), policy=policy, tools=tools, rules=(broken,))
    assert decision.decision == "human_review"
    assert decision.findings[0].outcome == "review"


def test_empty_catalog_is_an_error(tmp_path: Path) -> None:
    path = _write(tmp_path, [""])
    assert main(["review", str(path), "-o", str(tmp_path / "out.jsonl")]) == 2


def test_missing_catalog_is_an_error(tmp_path: Path) -> None:
    assert main(["review", str(tmp_path / "nope.jsonl")]) == 2


def test_unknown_format_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "catalog.xlsx"
    path.write_text("x")
    assert main(["review", str(path)]) == 2


def test_bad_lines_give_exit_1_and_an_error_line_each(tmp_path: Path) -> None:
    path = _write(tmp_path, [json.dumps({"id": "a", "title": "Ceramic Mug 350 ml"}), "{oops"])
    out = tmp_path / "out.jsonl"
    assert main(["review", str(path), "-o", str(out), "-q"]) == 1
    lines = [json.loads(x) for x in out.read_text().splitlines()]
    assert lines[0]["id"] == "a" and "decision" in lines[0]
    assert lines[1]["line"] == 2 and "error" in lines[1]
