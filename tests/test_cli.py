"""The command line over the engine: catalog formats, outputs, eval, rules."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from shelfcheck.cli import main

LISTINGS = [
    {"id": "a", "title": "Ceramic Coffee Mug 350 ml", "description": "Capacity: 350 ml.",
     "photos": ["img/a.jpg"], "variants": [{"color": "Black"}]},
    {"id": "b", "title": "CERAMIC COFFEE MUG 350 ML"},
]


def _decisions(path: Path) -> list[dict]:
    return [json.loads(x) for x in path.read_text().splitlines()]


def test_review_jsonl(tmp_path: Path) -> None:
    src = tmp_path / "c.jsonl"
    src.write_text("\n".join(json.dumps(x) for x in LISTINGS))
    out = tmp_path / "d.jsonl"
    assert main(["review", str(src), "-o", str(out), "-q", "--no-photos"]) == 0
    got = _decisions(out)
    assert [d["id"] for d in got] == ["a", "b"]
    assert got[1]["decision"] == "reject" and got[1]["policy_version"] == "73"
    assert "skipped on request" in got[0]["skipped"][0]


def test_review_csv_with_json_columns(tmp_path: Path) -> None:
    src = tmp_path / "c.csv"
    with src.open("w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=["id", "title", "description", "variants", "price"])
        writer.writeheader()
        writer.writerow({"id": "a", "title": "Ceramic Coffee Mug 350 ml", "description": "",
                         "variants": json.dumps([{"color": "Black"}]), "price": "8.5"})
        writer.writerow({"id": "b", "title": "CERAMIC COFFEE MUG", "description": "",
                         "variants": "", "price": ""})
    out = tmp_path / "d.jsonl"
    assert main(["review", str(src), "-o", str(out), "-q"]) == 0
    assert [d["id"] for d in _decisions(out)] == ["a", "b"]


def test_review_parquet(tmp_path: Path) -> None:
    src = tmp_path / "c.parquet"
    pq.write_table(pa.Table.from_pylist([{"id": "a", "title": "Ceramic Coffee Mug 350 ml"},
                                         {"id": "b", "title": "Glass Vase 20 cm"}]), src)
    out = tmp_path / "d.jsonl"
    assert main(["review", str(src), "-o", str(out), "-q"]) == 0
    assert [d["id"] for d in _decisions(out)] == ["a", "b"]


def test_review_with_workers_keeps_order(tmp_path: Path) -> None:
    src = tmp_path / "c.jsonl"
    rows = [{"id": f"x{i}", "title": "Ceramic Coffee Mug" if i % 2 else "GLASS VASE BIG"}
            for i in range(40)]
    src.write_text("\n".join(json.dumps(x) for x in rows))
    out = tmp_path / "d.jsonl"
    assert main(["review", str(src), "-o", str(out), "-q", "--workers", "2"]) == 0
    assert [d["id"] for d in _decisions(out)] == [r["id"] for r in rows]


def test_eval_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "l.jsonl"
    rows = [
        {"id": "a", "title": "Ceramic Coffee Mug 350 ml",
         "expected": {"decision": "approve", "reasons": [], "rules": []}},
        {"id": "b", "title": "CERAMIC COFFEE MUG 350 ML",
         "expected": {"decision": "reject", "reasons": ["title"], "rules": ["TITLE-7"]}},
        {"id": "c", "title": "Ceramic Coffee Mug Free Shipping",
         "expected": {"decision": "approve", "reasons": [], "rules": []}},
    ]
    src.write_text("\n".join(json.dumps(x) for x in rows))
    assert main(["eval", str(src), "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["listings"] == 3
    assert result["confusion"]["approve"]["reject"] == 1
    assert result["false_rejections_of_clean"] == 1
    assert result["worst"][0]["id"] == "c"


def test_rules_lists_and_documents(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules", "--json"]) == 0
    rules = json.loads(capsys.readouterr().out)
    assert any(r["id"] == "TITLE-7" for r in rules)
    assert main(["rules", "title-7"]) == 0
    assert "## What it checks" in capsys.readouterr().out
    assert main(["rules", "REVIEW-2"]) == 0
    assert "not machine-checked" in capsys.readouterr().out
    assert main(["rules", "NOPE-1"]) == 2


def test_policy_option_uses_another_folder(tmp_path: Path) -> None:
    assert main(["rules", "--policy", str(tmp_path / "missing")]) == 2


def test_photo_prints_one_photos_facts(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from PIL import Image

    path = tmp_path / "p.png"
    Image.new("RGB", (300, 300), "white").save(path)
    assert main(["photo", str(path), "--json"]) == 0
    facts = json.loads(capsys.readouterr().out)
    assert facts["width"] == 300 and facts["photo"] == str(path)


def test_photo_of_a_broken_file_is_an_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "not-a-photo.jpg"
    path.write_text("hello")
    assert main(["photo", str(path), "--json"]) == 2
    assert json.loads(capsys.readouterr().out)["error"]


def test_bank_add_writes_the_policy_copy(tmp_path: Path) -> None:
    import shutil

    from PIL import Image

    from shelfcheck.policy import DEFAULT_POLICY_DIR, load_policy

    folder = tmp_path / "policy"
    shutil.copytree(DEFAULT_POLICY_DIR, folder)
    image = tmp_path / "logo.png"
    img = Image.new("RGB", (256, 256), "white")
    img.paste((200, 0, 0), (60, 60, 200, 200))
    img.save(image)
    assert main(["bank", "add", str(image), "--brand", "Acme", "--policy", str(folder)]) == 0
    assert [e.brand for e in load_policy(folder).brand_bank.entries] == ["Acme"]
    assert not load_policy().brand_bank.entries  # the bundled policy is untouched
