"""Shared fixtures: one policy and one set of tools for the whole run (models load once)."""

from __future__ import annotations

from pathlib import Path

import pytest

from shelfcheck.policy import Policy, load_policy
from shelfcheck.tools import Tools, default_tools

ROOT = Path(__file__).resolve().parents[1]
CASES = Path(__file__).parent / "cases"
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def policy() -> Policy:
    return load_policy()


@pytest.fixture(scope="session")
def tools() -> Tools:
    return default_tools()
