"""Kill the server (SIGKILL) while reviews are pending; after a restart every accepted
listing has exactly one current decision, and nothing is lost or duplicated."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, text

from .conftest import ADMIN_KEY

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """``python -m shelfcheck.service`` in a process of its own."""

    def __init__(self, database_url: str, log: Path, **env: str) -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        environ = os.environ | {
            "SHELFCHECK_BOOTSTRAP_ADMIN_KEY": ADMIN_KEY,
            "SHELFCHECK_SECRET_KEY": "s",
            "SHELFCHECK_POLL_INTERVAL_S": "0.05",
            "SHELFCHECK_WARM_UP": "0",
            "SHELFCHECK_RULES_PATH": "tests.service.conftest:SLOW_TEST_RULES",
            **env,
        }
        with log.open("ab") as sink:
            self.proc = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "shelfcheck.service",
                    "--port",
                    str(self.port),
                    "--database-url",
                    database_url,
                ],
                env=environ,
                cwd=ROOT,
                stdout=sink,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + 120
        while True:
            assert self.proc.poll() is None, log.read_text()[-3000:]
            try:
                if httpx.get(f"{self.url}/docs", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, "server did not start"
            time.sleep(0.1)

    def kill(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(10)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(20)


@pytest.fixture
def servers(tmp_path: Path) -> Iterator[list[Server]]:
    started: list[Server] = []
    yield started
    for server in started:
        if server.proc.poll() is None:
            server.kill()


def test_sigkill_loses_nothing(database_url: str, tmp_path: Path, servers: list[Server]) -> None:
    log = tmp_path / "server.log"
    # Reviews go through the worker pool only (one thread, 50 ms a review), so the kill lands
    # while accepted reviews are still pending or running.
    first = Server(
        database_url,
        log,
        SHELFCHECK_INLINE_REVIEW="0",
        SHELFCHECK_SYNC_WAIT_S="0",
        SHELFCHECK_REVIEW_LEASE_S="1",
        SHELFCHECK_WORKERS="1",
        SHELFCHECK_POLL_INTERVAL_S="0.5",
    )
    servers.append(first)
    admin = {"Authorization": f"Bearer {ADMIN_KEY}"}
    key = httpx.post(
        f"{first.url}/api/v1/keys",
        headers=admin,
        json={"name": "m", "role": "merchant", "merchant_id": "m1"},
    ).json()["key"]
    merchant = {"Authorization": f"Bearer {key}"}

    def submit(i: int) -> str | None:
        try:
            r = httpx.post(
                f"{first.url}/api/v1/listings",
                headers=merchant,
                timeout=60,
                json={
                    "id": f"D-{i}",
                    "title": f"Ceramic mug number {i}",
                    "description": "A plain white mug.",
                },
            )
        except httpx.HTTPError:
            return None
        return str(r.json()["id"]) if r.status_code in (201, 202) else None

    with ThreadPoolExecutor(8) as pool:
        early = list(pool.map(submit, range(60)))
        late = [pool.submit(submit, i) for i in range(60, 120)]
        time.sleep(0.2)
        first.kill()
        accepted = [uid for uid in early + [f.result() for f in late] if uid]
    assert len(accepted) >= 40

    engine = create_engine(database_url)
    with engine.connect() as conn:
        pending = conn.execute(
            text("SELECT count(*) FROM submissions WHERE status != 'decided'")
        ).scalar_one()
    assert pending > 0, "the kill came too late to test anything"

    second = Server(database_url, log, SHELFCHECK_REVIEW_LEASE_S="1", SHELFCHECK_WORKERS="2")
    servers.append(second)
    deadline = time.monotonic() + 120
    while True:
        with engine.connect() as conn:
            left = conn.execute(
                text("SELECT count(*) FROM submissions WHERE status != 'decided'")
            ).scalar_one()
        if left == 0:
            break
        assert time.monotonic() < deadline, f"{left} reviews never finished"
        time.sleep(0.2)
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT s.uid, count(d.id) FROM submissions s "
                "LEFT JOIN decisions d ON d.submission_id = s.id GROUP BY s.uid"
            )
        ).all()
        decision_events = (
            conn.execute(
                text("SELECT count(*), count(DISTINCT payload) FROM events WHERE type = 'decision'")
            ).one()
            if engine.dialect.name == "sqlite"
            else conn.execute(
                text(
                    "SELECT count(*), count(DISTINCT payload::text) FROM events WHERE type = 'decision'"
                )
            ).one()
        )
    engine.dispose()
    decisions = dict(rows)
    assert set(accepted) <= set(decisions), "an accepted listing was lost"
    assert all(count == 1 for count in decisions.values()), "a listing was decided twice"
    assert decision_events[0] == decision_events[1] == len(decisions)
    for uid in accepted[:5]:
        r = httpx.get(f"{second.url}/api/v1/submissions/{uid}", headers=merchant)
        assert r.json()["status"] == "decided" and r.json()["decision"]["id"].startswith("D-")
    second.stop()
