"""Fixtures for the review-service tests: one fresh store per test, on SQLite and PostgreSQL.

PostgreSQL tests run against ``SHELFCHECK_TEST_POSTGRES`` (default: the local
server, ``postgresql+psycopg://postgres@127.0.0.1:5432/test``), each in its own
schema; when no server answers they are skipped with the reason. The rules are
small test rules (below), so the tests do not move when the real rules change.
"""

from __future__ import annotations

import os
import secrets
import time
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import SQLAlchemyError
from starlette.exceptions import StarletteDeprecationWarning

from shelfcheck.model import Doubt, Reason
from shelfcheck.rule import Hit, rule
from shelfcheck.service import Settings, create_app

with warnings.catch_warnings():
    # Starlette's test client still runs on httpx and says so on import.
    warnings.simplefilter("ignore", StarletteDeprecationWarning)
    from starlette.testclient import TestClient

POSTGRES_URL = os.environ.get(
    "SHELFCHECK_TEST_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
ADMIN_KEY = "sc_test_admin_key"


def _postgres_problem() -> str | None:
    try:
        engine = create_engine(POSTGRES_URL, connect_args={"connect_timeout": 3})
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        engine.dispose()
    except (SQLAlchemyError, OSError) as exc:  # no server to test against
        return f"no PostgreSQL at {POSTGRES_URL} ({type(exc).__name__}: {str(exc)[:120]})"
    return None


_PG_PROBLEM: list[str | None] = []


def postgres_problem() -> str | None:
    if not _PG_PROBLEM:
        _PG_PROBLEM.append(_postgres_problem())
    return _PG_PROBLEM[0]


# --- test rules: deterministic stand-ins for the real registry --------------------------------


def _find(text_: str, word: str) -> tuple[int, int] | None:
    start = text_.lower().find(word)
    return (start, start + len(word)) if start >= 0 else None


@rule("TEST-HOLD", reason=Reason.PROHIBITED, doubt=Doubt.PLATFORM)
def title_names_a_doubtful_good(facts: Any, policy: Any) -> Iterator[Hit]:
    """The title names something that may be prohibited; a person decides.

    ## What it checks
    The word "hold" in the title (a test rule). Example: "Hold knife set".

    ## Why
    RULEBOOK §0: doubts on prohibited goods fall on the platform.

    ## Doubt
    Always unsure: human review.
    """
    title = facts.listing.title
    span = _find(title, "hold")
    if span:
        yield Hit(field="title", evidence=title[span[0] : span[1]], span=span, confidence=0.6)


@rule("TEST-BAN", reason=Reason.PROHIBITED, doubt=Doubt.PLATFORM)
def title_names_a_banned_good(facts: Any, policy: Any) -> Iterator[Hit]:
    """The product is prohibited on the marketplace.

    ## What it checks
    The word "banned" in the title (a test rule).

    ## Why
    RULEBOOK §1.

    ## Doubt
    A clear hit rejects.
    """
    title = facts.listing.title
    span = _find(title, "banned")
    if span:
        yield Hit(field="title", evidence=title[span[0] : span[1]], span=span, confidence=0.95)


@rule("TEST-WORD", reason=Reason.DESCRIPTION, doubt=Doubt.SELLER)
def description_has_a_sensitive_word(facts: Any, policy: Any) -> Iterator[Hit]:
    """The description makes a medical claim ("miracle").

    ## What it checks
    The word "miracle" in the description (a test rule).

    ## Why
    RULEBOOK REVIEW-4 names sensitive-word false positives as the appeal case.

    ## Doubt
    A clear hit rejects.
    """
    description = facts.listing.description
    span = _find(description, "miracle")
    if span:
        yield Hit(
            field="description", evidence=description[span[0] : span[1]], span=span, confidence=0.9
        )


@rule("TEST-SLOW", reason=Reason.OTHER, doubt=Doubt.SELLER)
def takes_its_time(facts: Any, policy: Any) -> Iterator[Hit]:
    """Never fires; takes 50 ms (the durability test needs reviews still running).

    ## What it checks
    Nothing (a test rule).

    ## Why
    The SIGKILL test must kill the server while reviews are pending.

    ## Doubt
    None.
    """
    time.sleep(0.05)
    yield from ()


TEST_RULES = (
    title_names_a_doubtful_good,
    title_names_a_banned_good,
    description_has_a_sensitive_word,
)
SLOW_TEST_RULES = (*TEST_RULES, takes_its_time)


# --- stores and apps ----------------------------------------------------------------------------


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty store: a SQLite file, or a PostgreSQL schema of its own."""
    if request.param == "postgresql":
        problem = postgres_problem()
        if problem:
            pytest.skip(problem)
    yield from fresh_store(request.param, tmp_path / "service.db")


def fresh_store(kind: str, sqlite_file: Path) -> Iterator[str]:
    """An empty store's URL: the SQLite file, or a PostgreSQL schema dropped afterwards."""
    if kind == "sqlite":
        yield f"sqlite:///{sqlite_file}"
        return
    schema = f"t_{secrets.token_hex(6)}"
    admin = create_engine(POSTGRES_URL)
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    sep = "&" if "?" in POSTGRES_URL else "?"
    yield f"{POSTGRES_URL}{sep}options={quote(f'-csearch_path={schema}')}"
    with admin.begin() as conn:
        conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
    admin.dispose()


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(
        database_url=database_url,
        bootstrap_admin_key=ADMIN_KEY,
        workers=1,
        poll_interval_s=0.05,
        rules=TEST_RULES,
        secret_key="test-secret",
        sqlite_synchronous="NORMAL",
        warm_up=False,
    )


@dataclass
class Service:
    """A running app with an admin client and helpers to mint keys."""

    client: TestClient
    settings: Settings

    def headers(self, key: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {key}"}

    @property
    def admin(self) -> dict[str, str]:
        return self.headers(ADMIN_KEY)

    def key(self, role: str, name: str, merchant_id: str | None = None) -> dict[str, str]:
        r = self.client.post(
            "/api/v1/keys",
            headers=self.admin,
            json={"name": name, "role": role, "merchant_id": merchant_id},
        )
        assert r.status_code == 201, r.text
        return self.headers(r.json()["key"])

    def submit(self, who: dict[str, str], **listing: Any) -> Any:
        listing.setdefault("id", "L-1")
        listing.setdefault("title", "Cotton summer dress")
        return self.client.post("/api/v1/listings", headers=who, json=listing)


def make_service(settings: Settings) -> Iterator[Service]:
    with TestClient(create_app(settings)) as client:
        yield Service(client, settings)


@pytest.fixture
def svc(settings: Settings) -> Iterator[Service]:
    yield from make_service(settings)


@pytest.fixture
def svc_factory(settings: Settings) -> Any:
    """Make a service with changed settings (same store)."""

    def make(**changes: Any) -> Iterator[Service]:
        return make_service(replace(settings, **changes))

    return make
