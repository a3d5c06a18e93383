"""Whole-decision snapshots of the example catalog (a dozen listings the project wrote).

The snapshot keeps what a reviewer cares about: decision, reasons with comments,
and the rules that fired with their outcomes. Messages may be reworded freely.
After an intended change, regenerate with ``SHELFCHECK_UPDATE_SNAPSHOTS=1 pytest
tests/test_snapshots.py`` and read the diff before committing it.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from conftest import ROOT
from shelfcheck.catalog import read_catalog
from shelfcheck.model import Listing
from shelfcheck.policy import Policy
from shelfcheck.review import review
from shelfcheck.tools import Tools

CATALOG = ROOT / "examples" / "catalog.jsonl"
SNAPSHOT = Path(__file__).parent / "snapshots" / "examples.json"


def _summary(listing: Listing, policy: Policy, tools: Tools) -> dict:
    d = review(listing, policy=policy, tools=tools).to_json_dict()
    return {
        "decision": d["decision"],
        "reasons": [[r["code"], r["comment"]] for r in d["reasons"]],
        "rules": sorted({f"{f['rule']}:{f['outcome']}" for f in d["findings"]}),
    }


def test_example_catalog_decisions(policy: Policy, tools: Tools) -> None:
    listings = [item for _, item in read_catalog(str(CATALOG))]
    assert all(isinstance(x, Listing) for x in listings)
    got = {x.id: _summary(x, policy, tools) for x in listings}  # type: ignore[union-attr]
    if os.environ.get("SHELFCHECK_UPDATE_SNAPSHOTS"):
        SNAPSHOT.write_text(json.dumps(got, indent=2, ensure_ascii=False) + "\n")
        pytest.skip("snapshot rewritten")
    want = json.loads(SNAPSHOT.read_text())
    assert got == want
