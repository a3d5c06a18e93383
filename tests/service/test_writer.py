"""Group commit: a batch of submissions is stored exactly as one at a time would store them,
and one failing item of a batch fails alone; on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from shelfcheck.model import Listing
from shelfcheck.policy import load_policy
from shelfcheck.review import review
from shelfcheck.service import crud
from shelfcheck.service.db import Database, WriteLock
from shelfcheck.service.models import ServiceMeta, utcnow
from shelfcheck.service.writer import GroupWriter
from shelfcheck.tools import default_tools

from .conftest import TEST_RULES, fresh_store

POLICY = load_policy(None)


@pytest.fixture
def other_url(database_url: str, tmp_path: Path) -> Iterator[str]:
    """A second empty store of the same kind as ``database_url``."""
    yield from fresh_store(database_url.split(":", 1)[0].split("+", 1)[0], tmp_path / "other.db")


def _item(
    listing: dict[str, Any], *, merchant: str = "m1", key: str | None = None, reviewed: bool = True
) -> crud.NewSubmission:
    payload = {**listing, "merchant_id": merchant}
    done = None
    if reviewed:
        decision = review(
            Listing.model_validate(payload), policy=POLICY, tools=default_tools(), rules=TEST_RULES
        )
        done = crud.Reviewed(decision, decision.to_json_dict(), [], 1.0)
    return crud.NewSubmission(
        merchant_id=merchant,
        payload=payload,
        digest=crud.content_hash(payload),
        idempotency_key=key,
        reviewed=done,
        now=utcnow(),
    )


#: Stored first, one at a time, in both stores: what the batch then depends on.
BEFORE = [
    _item({"id": "A", "title": "Cotton dress"}),
    _item({"id": "B", "title": "Banned thing"}),  # rejected for prohibited: sticky
    _item({"id": "K", "title": "Keyed shirt"}, key="k1"),
]

#: One batch that touches everything: new listings, new versions, the same listing twice,
#: the same content twice, a sticky block, an idempotent replay, a pending photo listing.
BATCH = [
    _item({"id": "A", "title": "Cotton dress v2", "category": "Dresses"}),
    _item({"id": "A", "title": "Hold cotton dress", "category": "Dresses"}),
    _item({"id": "A", "title": "Hold cotton dress", "category": "Dresses"}),
    _item({"id": "C", "title": "Banned thing"}),
    _item({"id": "K", "title": "Keyed shirt"}, key="k1"),
    _item({"id": "D", "title": "Linen shirt", "category": "Shirts"}),
    _item({"id": "E", "title": "Wool scarf", "category": "Shirts"}, merchant="m2"),
    _item({"id": "F", "title": "Tea", "description": "A miracle blend"}),
    _item(
        {"id": "G", "title": "Photo mug", "photos": ["https://example.com/m.jpg"]}, reviewed=False
    ),
    _item({"id": "A", "title": "Cotton dress v3", "category": "Dresses"}),
]


def _store(url: str, batches: list[list[crud.NewSubmission]]) -> tuple[list[Any], Any]:
    db = Database(url)
    db.migrate()
    answers: list[Any] = []
    try:
        for batch in batches:
            with db.write() as session:
                got = crud.store_submissions(session, batch, policy=POLICY)
                answers += [(a.kind, a.submission.version if a.submission else None) for a in got]
        with db.read() as session:
            return answers, _snapshot(session)
    finally:
        db.dispose()


def _snapshot(session: Session) -> dict[str, Any]:
    """The stored state, without ids, uids and times (they differ between two stores)."""

    def rows(sql: str) -> list[tuple[Any, ...]]:
        return [tuple(r) for r in session.execute(text(sql))]

    return {
        "submissions": rows(
            "SELECT merchant_id, external_id, version, status, outcome, high_risk, category "
            "FROM submissions ORDER BY merchant_id, external_id, version"
        ),
        "listings": rows(
            "SELECT l.merchant_id, l.external_id, latest.version, live.version FROM listings l "
            "LEFT JOIN submissions latest ON latest.id = l.latest_submission_id "
            "LEFT JOIN submissions live ON live.id = l.live_submission_id "
            "ORDER BY l.merchant_id, l.external_id"
        ),
        "decisions": rows(
            "SELECT s.external_id, s.version, d.decision FROM decisions d "
            "JOIN submissions s ON s.id = d.submission_id ORDER BY s.external_id, s.version"
        ),
        "findings": rows("SELECT rule, reason, outcome FROM findings ORDER BY rule, outcome"),
        "queue": rows(
            "SELECT s.external_id, s.version, q.kind FROM queue_items q "
            "JOIN submissions s ON s.id = q.submission_id ORDER BY s.external_id, s.version"
        ),
        "audit": rows("SELECT actor, action, listing_id FROM audit_log ORDER BY id"),
        "events": rows("SELECT merchant_id, type FROM events ORDER BY id"),
    }


def test_a_batch_stores_what_one_at_a_time_would(database_url: str, other_url: str) -> None:
    together = _store(database_url, [[i] for i in BEFORE] + [BATCH])
    one_by_one = _store(other_url, [[i] for i in BEFORE + BATCH])
    assert together == one_by_one
    answers = together[0][len(BEFORE) :]
    assert [kind for kind, _ in answers] == [
        "new", "new", "existing", "blocked", "existing", "new", "new", "new", "new", "new"
    ]  # fmt: skip
    assert [version for _, version in answers][:3] == [2, 3, 3]
    snapshot = together[1]
    assert ("m1", "A", 4, 4) in snapshot["listings"]  # v4 approved and live; v3 held
    assert ("m1", "G", 1, "pending", None) in [s[:5] for s in snapshot["submissions"]]
    # a category seen for the first time is high-risk, the second time not
    shirts = [s for s in snapshot["submissions"] if s[6] == "Shirts"]
    assert [s[5] for s in shirts] == [True, False]


def test_one_failing_item_of_a_batch_fails_alone(database_url: str) -> None:
    db = Database(database_url)
    db.migrate()
    writer = GroupWriter(db)
    gate = threading.Event()
    batches: list[list[str]] = []

    def store(session: Session, items: list[str]) -> list[str]:
        if "gate" in items and len(items) == 1:
            gate.wait(10)  # holds the writer until the others are queued: they come as one batch
        batches.append(list(items))
        for item in items:
            session.add(ServiceMeta(key=item, value="x"))
            if item == "bad":
                raise ValueError("a bad item")
        session.flush()
        return [f"stored {item}" for item in items]

    async def main() -> list[Any]:
        first = asyncio.ensure_future(writer.run(store, "gate"))
        await asyncio.sleep(0.05)
        rest = [asyncio.ensure_future(writer.run(store, k)) for k in ("a", "bad", "b")]
        await asyncio.sleep(0.05)
        gate.set()
        return await asyncio.gather(first, *rest, return_exceptions=True)

    writer.start()
    try:
        results = asyncio.run(main())
    finally:
        writer.stop()
    assert results[0] == "stored gate" and results[1] == "stored a" and results[3] == "stored b"
    assert isinstance(results[2], ValueError)
    assert ["a", "bad", "b"] in batches  # tried together first, then each alone
    with db.read() as session:
        keys = set(session.scalars(select(ServiceMeta.key)))
    db.dispose()
    assert {"gate", "a", "b"} <= keys and "bad" not in keys


_TRY_LOCK = (
    "import fcntl, os, sys\n"
    "fd = os.open(sys.argv[1], os.O_RDWR)\n"
    "try:\n"
    "    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)\n"
    "except BlockingIOError:\n"
    "    sys.exit(3)\n"
)


@pytest.mark.skipif(sys.platform == "win32", reason="flock: one server process on Windows")
def test_the_sqlite_write_lock_holds_across_processes(tmp_path: Path) -> None:
    """Another process cannot take the write lock while a writer holds it (SQLite's own
    busy handler polls with long sleeps; the file lock hands over at once)."""
    url = f"sqlite:///{tmp_path / 'one.db'}"
    lock = WriteLock(url)

    def other_process_gets_it() -> bool:
        probe = [sys.executable, "-c", _TRY_LOCK, f"{tmp_path / 'one.db'}-writelock"]
        return subprocess.run(probe, check=False).returncode == 0

    with lock:
        assert not other_process_gets_it()
    assert other_process_gets_it()
    lock.close()


def _leased(listing: dict[str, Any], token: str) -> crud.NewSubmission:
    item = _item(listing, reviewed=False)
    return crud.NewSubmission(
        merchant_id=item.merchant_id,
        payload=item.payload,
        digest=item.digest,
        idempotency_key=None,
        reviewed=None,
        now=item.now,
        claim=(token, utcnow() + timedelta(minutes=5)),
    )


#: Stored leased ("store, then review"), then their decisions stored: two versions of A
#: (the older approved after the newer: the newer stays live), a rejection, a held one.
LEASED = [
    ({"id": "A", "title": "Cotton dress"}, "t1"),
    ({"id": "A", "title": "Cotton dress v2"}, "t2"),
    ({"id": "B", "title": "Banned thing"}, "t3"),
    ({"id": "H", "title": "Hold cotton dress"}, "t4"),
    ({"id": "D", "title": "Linen shirt"}, "t5"),
]


def _finish(url: str, together: bool, lost: str | None = None) -> tuple[list[Any], Any]:
    """Store LEASED, then their decisions (newest first) in one call or one at a time;
    ``lost``: the token whose lease another worker took meanwhile."""
    db = Database(url)
    db.migrate()
    try:
        with db.write() as session:
            stored = crud.store_submissions(
                session, [_leased(listing, token) for listing, token in LEASED], policy=POLICY
            )
            if lost:
                session.execute(
                    text("UPDATE submissions SET claim_token = 'other' WHERE claim_token = :t"),
                    {"t": lost},
                )
        items = []
        for (listing, token), answer in reversed(list(zip(LEASED, stored, strict=True))):
            decision = review(
                Listing.model_validate({**listing, "merchant_id": "m1"}),
                policy=POLICY, tools=default_tools(), rules=TEST_RULES,
            )
            reviewed = crud.Reviewed(decision, decision.to_json_dict(), [], 1.0)
            items.append(crud.Finished(answer.submission, token, reviewed, utcnow()))
        groups = [items] if together else [[i] for i in items]
        done: list[Any] = []
        for group in groups:
            with db.write() as session:
                done += crud.finish_reviews(session, group, policy=POLICY)
        with db.read() as session:
            return [d.outcome if d else None for d in done], _snapshot(session)
    finally:
        db.dispose()


def test_decisions_stored_together_as_one_at_a_time_would(database_url: str, other_url: str) -> None:
    together = _finish(database_url, together=True)
    assert together == _finish(other_url, together=False)
    outcomes, snapshot = together
    assert outcomes == ["approve", "human_review", "reject", "approve", "approve"]
    assert ("m1", "A", 2, 2) in snapshot["listings"]  # v2 decided first: v1 does not replace it
    assert ("m1", "D", 1, 1) in snapshot["listings"] and ("m1", "H", 1, None) in snapshot["listings"]
    assert len(snapshot["decisions"]) == len(LEASED)
    assert [s[3] for s in snapshot["submissions"]] == ["decided"] * len(LEASED)


def test_a_batch_with_a_lost_lease_stores_nothing(database_url: str, other_url: str) -> None:
    """The group writer then stores each item alone: the lost one gets None."""
    with pytest.raises(crud.BatchConflict):
        _finish(database_url, together=True, lost="t3")
    db = Database(database_url)
    with db.read() as session:
        assert session.scalar(text("SELECT count(*) FROM decisions")) == 0
    db.dispose()
    outcomes, snapshot = _finish(other_url, together=False, lost="t3")
    assert outcomes == ["approve", "human_review", None, "approve", "approve"]
