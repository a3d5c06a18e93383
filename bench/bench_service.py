"""Load benchmark of the review service (issue 5): not a test, a measurement.

Starts ``python -m shelfcheck.service`` on loopback over a fresh store, then runs a
few hundred concurrent clients that submit text listings (each a new listing, so
each is stored and reviewed) for a fixed time, and prints throughput, latency
percentiles, errors, and whether the stored decisions equal the accepted
submissions. SQLite and PostgreSQL (``--postgres-url``; a fresh schema, dropped
afterwards).

    python bench/bench_service.py                       # both stores, 300 clients, 60 s
    python bench/bench_service.py --backend sqlite --clients 200 --duration 30

Bounded: loopback only, a fixed number of clients and seconds; the client is a
minimal asyncio HTTP/1.1 keep-alive loop so it takes as little of the CPU as it can.

Besides throughput it reports the CPU each part spent per accepted review during the
load (Linux ``/proc``): the server's processes, this client, and the PostgreSQL server
(every ``postgres`` process on the machine, so anything else using it counts too). On a
shared machine the throughput follows the CPU the server got; ``capacity`` is what the
measured CPU per review allows on ``--cores`` cores of its own.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import httpx
from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parents[1]
ADMIN_KEY = "sc_bench_admin_" + secrets.token_hex(8)
DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"

ADJECTIVES = [
    "Soft",
    "Waterproof",
    "Portable",
    "Vintage",
    "Lightweight",
    "Stainless",
    "Handmade",
    "Foldable",
    "Adjustable",
    "Rechargeable",
    "Wooden",
    "Ceramic",
]
PRODUCTS = [
    "cotton t-shirt",
    "hiking backpack",
    "desk lamp",
    "coffee mug",
    "yoga mat",
    "kitchen knife set",
    "phone stand",
    "wall clock",
    "garden hose",
    "wool scarf",
    "bath towel set",
    "travel pillow",
    "water bottle",
    "notebook",
    "plant pot",
]
DETAILS = [
    "Made of durable material for everyday use.",
    "Material: 100% cotton. Machine washable at 30 degrees.",
    "Size: 20 x 15 x 8 cm. Weight: 350 g.",
    "Suitable for home, office and travel.",
    "Package includes 1 item. Colour may differ slightly from the photo.",
    "Easy to clean; store in a dry place.",
]


def listing_body(rng: random.Random, serial: int) -> bytes:
    title = f"{rng.choice(ADJECTIVES)} {rng.choice(PRODUCTS)}"
    description = " ".join(rng.sample(DETAILS, 3))
    return json.dumps(
        {
            "id": f"B-{serial}",
            "title": title,
            "description": description,
            "category": "Home > Household",
            "price": round(rng.uniform(2, 80), 2),
        }
    ).encode()


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)
    accepted: set[str] = field(default_factory=set)
    statuses: dict[int, int] = field(default_factory=dict)
    errors: int = 0
    decisions: dict[str, int] = field(default_factory=dict)


async def client(
    port: int,
    key: str,
    start_serial: int,
    stop_at: float,
    tally: Tally,
    rng: random.Random,
    delay: float = 0.0,
) -> None:
    reader: asyncio.StreamReader | None = None
    writer: asyncio.StreamWriter | None = None
    serial = start_serial
    await asyncio.sleep(delay)
    while time.monotonic() < stop_at:
        try:
            if writer is None:
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
            assert reader is not None
            body = listing_body(rng, serial)
            serial += 1
            request = (
                f"POST /api/v1/listings HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                f"Authorization: Bearer {key}\r\nContent-Type: application/json\r\n"
                f"Content-Length: {len(body)}\r\n\r\n"
            ).encode() + body
            started = time.perf_counter()
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            status = int(head.split(b" ", 2)[1])
            length = 0
            for line in head.split(b"\r\n"):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":", 1)[1])
            payload = await reader.readexactly(length)
            tally.latencies.append(time.perf_counter() - started)
            tally.statuses[status] = tally.statuses.get(status, 0) + 1
            if status in (201, 202):
                data = json.loads(payload)
                tally.accepted.add(data["id"])
                outcome = (data.get("outcome") or {}).get("decision", "pending")
                tally.decisions[outcome] = tally.decisions.get(outcome, 0) + 1
            else:
                tally.errors += 1
        except (OSError, asyncio.IncompleteReadError, ValueError):
            tally.errors += 1
            if writer is not None:
                writer.close()
            reader = writer = None
            await asyncio.sleep(0.05)
    if writer is not None:
        writer.close()


def _proc_cpu_s(pid: int) -> float:
    """User + system CPU seconds of one process (0 if it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _processes() -> list[tuple[int, int, str]]:
    """(pid, parent pid, name) of every process (empty where there is no /proc)."""
    out = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text_ = stat.read_text()
        except OSError:
            continue
        name = text_[text_.find("(") + 1 : text_.rfind(")")]
        out.append((int(stat.parent.name), int(text_.rsplit(")", 1)[1].split()[1]), name))
    return out


def server_cpu_s(root: int) -> float:
    """CPU seconds of the server: its process and all its descendants (uvicorn's workers)."""
    children: dict[int, list[int]] = {}
    for pid, parent, _ in _processes():
        children.setdefault(parent, []).append(pid)
    total, todo = 0.0, [root]
    while todo:
        pid = todo.pop()
        total += _proc_cpu_s(pid)
        todo.extend(children.get(pid, []))
    return total


def postgres_cpu_s() -> float:
    return sum(_proc_cpu_s(pid) for pid, _, name in _processes() if name == "postgres")


def client_cpu_s() -> float:
    t = os.times()
    return t.user + t.system


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(
    database_url: str,
    port: int,
    workers: int,
    log: Path,
    rules_path: str | None,
    processes: int = 1,
) -> subprocess.Popen[bytes]:
    env = os.environ | {
        "SHELFCHECK_BOOTSTRAP_ADMIN_KEY": ADMIN_KEY,
        "SHELFCHECK_SECRET_KEY": secrets.token_hex(16),
    }
    if rules_path:
        env["SHELFCHECK_RULES_PATH"] = rules_path
    with log.open("wb") as sink:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "shelfcheck.service",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--database-url",
                database_url,
                "--workers",
                str(workers),
                "--processes",
                str(processes),
            ],
            env=env,
            cwd=ROOT,
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + 180
    while True:
        if proc.poll() is not None:
            raise SystemExit(f"server exited:\n{log.read_text()[-3000:]}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/docs", timeout=2).status_code == 200:
                return proc
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline:
            proc.kill()
            raise SystemExit("server did not start")
        time.sleep(0.2)


#: Clients start one after another over this long (not all in the same millisecond).
RAMP_S = 1.0


def run_load(port: int, keys: list[str], clients: int, duration: float) -> Tally:
    tally = Tally()

    async def main() -> None:
        stop_at = time.monotonic() + duration
        await asyncio.gather(
            *(
                client(
                    port,
                    keys[i % len(keys)],
                    i * 10_000_000,
                    stop_at,
                    tally,
                    random.Random(i),
                    delay=RAMP_S * i / clients,
                )
                for i in range(clients)
            )
        )

    try:
        import uvloop

        uvloop.run(main())
    except ImportError:
        asyncio.run(main())
    return tally


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def bench(backend: str, database_url: str, args: argparse.Namespace) -> dict[str, object]:
    port = free_port()
    log = Path(tempfile.gettempdir()) / f"bench_service_{backend}.log"
    proc = start_server(database_url, port, args.workers, log, args.rules_path, args.processes)
    try:
        base = f"http://127.0.0.1:{port}"
        admin = {"Authorization": f"Bearer {ADMIN_KEY}"}
        keys = [
            httpx.post(
                f"{base}/api/v1/keys",
                headers=admin,
                json={"name": f"bench-{i}", "role": "merchant", "merchant_id": f"merchant-{i}"},
            ).json()["key"]
            for i in range(args.merchants)
        ]
        # one request first: the language models and the first review are start-up, not load
        httpx.post(
            f"{base}/api/v1/listings",
            headers={"Authorization": f"Bearer {keys[0]}"},
            json={"id": "warm-up", "title": "Warm-up mug"},
            timeout=120,
        )
        cpu_before = server_cpu_s(proc.pid), client_cpu_s(), postgres_cpu_s()
        started = time.monotonic()
        tally = run_load(port, keys, args.clients, args.duration)
        elapsed = time.monotonic() - started
        cpu_after = server_cpu_s(proc.pid), client_cpu_s(), postgres_cpu_s()
        # reviews answered 202 (none expected for text listings) finish in the background
        engine = create_engine(database_url)
        deadline = time.monotonic() + 120
        while True:
            with engine.connect() as conn:
                left = conn.execute(
                    text("SELECT count(*) FROM submissions WHERE status != 'decided'")
                ).scalar_one()
            if left == 0 or time.monotonic() > deadline:
                break
            time.sleep(0.5)
        with engine.connect() as conn:
            stored = set(
                conn.execute(
                    text(
                        "SELECT s.uid FROM submissions s JOIN decisions d ON d.submission_id = s.id "
                        "WHERE s.external_id != 'warm-up'"
                    )
                ).scalars()
            )
            duplicates = conn.execute(
                text(
                    "SELECT count(*) FROM (SELECT submission_id FROM decisions "
                    "GROUP BY submission_id HAVING count(*) > 1) x"
                )
            ).scalar_one()
        engine.dispose()
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
    lat = tally.latencies
    per_review = [
        round((after - before) * 1000 / max(1, len(tally.accepted)), 2)
        for before, after in zip(cpu_before, cpu_after, strict=True)
    ]
    if backend == "sqlite":
        per_review[2] = 0.0
    total_ms = sum(per_review)
    return {
        "backend": backend,
        "clients": args.clients,
        "duration_s": round(elapsed, 1),
        "rules": args.rules_path or "shelfcheck.rules:RULES",
        "processes": args.processes,
        "requests": len(lat) + tally.errors,
        "accepted": len(tally.accepted),
        "throughput_reviews_per_s": round(len(tally.accepted) / elapsed, 1),
        "p50_ms": round(percentile(lat, 0.50) * 1000, 1),
        "p99_ms": round(percentile(lat, 0.99) * 1000, 1),
        "mean_ms": round(statistics.fmean(lat) * 1000, 1) if lat else None,
        "errors": tally.errors,
        "cpu_ms_per_review": dict(zip(("server", "client", "postgres"), per_review, strict=True)),
        "server_cores_used": round((cpu_after[0] - cpu_before[0]) / elapsed, 2),
        "capacity_reviews_per_s": round(args.cores * 1000 / total_ms, 1) if total_ms else None,
        "statuses": tally.statuses,
        "outcomes": tally.decisions,
        "stored_decisions": len(stored),
        "stored_equals_accepted": stored == tally.accepted,
        "duplicate_decisions": duplicates,
        "server_log": str(log),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--clients", type=int, default=300)
    parser.add_argument("--duration", type=float, default=60.0)
    parser.add_argument("--workers", type=int, default=2, help="server's background reviewers")
    parser.add_argument("--processes", type=int, default=2, help="server processes")
    parser.add_argument(
        "--cores", type=int, default=2, help="cores the capacity figure assumes (the target's 2)"
    )
    parser.add_argument("--merchants", type=int, default=10)
    parser.add_argument(
        "--postgres-url", default=os.environ.get("SHELFCHECK_TEST_POSTGRES", DEFAULT_PG)
    )
    parser.add_argument(
        "--rules-path",
        default=None,
        help="review with these rules only (module:ATTRIBUTE), e.g. "
        "tests.service.conftest:TEST_RULES to measure the service alone",
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object per store")
    args = parser.parse_args()
    if not 1 <= args.clients <= 2000 or not 1 <= args.duration <= 600:
        parser.error("--clients must be 1..2000 and --duration 1..600 s")
    results = []
    if args.backend in ("sqlite", "both"):
        with tempfile.TemporaryDirectory() as tmp:
            results.append(bench("sqlite", f"sqlite:///{tmp}/bench.db", args))
    if args.backend in ("postgresql", "both"):
        schema = f"bench_{secrets.token_hex(4)}"
        admin = create_engine(args.postgres_url)
        with admin.begin() as conn:
            conn.execute(text(f"CREATE SCHEMA {schema}"))
        sep = "&" if "?" in args.postgres_url else "?"
        url = f"{args.postgres_url}{sep}options={quote(f'-csearch_path={schema}')}"
        try:
            results.append(bench("postgresql", url, args))
        finally:
            with admin.begin() as conn:
                conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
            admin.dispose()
    for r in results:
        if args.json:
            print(json.dumps(r))
            continue
        print(
            f"\n== {r['backend']}: {r['clients']} clients, {r['duration_s']} s, "
            f"rules {r['rules']}, {r['processes']} server process(es) =="
        )
        print(f"throughput   {r['throughput_reviews_per_s']} reviews/s ({r['accepted']} accepted)")
        print(f"latency      p50 {r['p50_ms']} ms, p99 {r['p99_ms']} ms, mean {r['mean_ms']} ms")
        print(f"errors       {r['errors']}  statuses {r['statuses']}  outcomes {r['outcomes']}")
        cpu = r["cpu_ms_per_review"]
        print(
            f"CPU/review   server {cpu['server']} ms, client {cpu['client']} ms, "
            f"postgres {cpu['postgres']} ms; server used {r['server_cores_used']} cores; "
            f"capacity on {args.cores} cores {r['capacity_reviews_per_s']} reviews/s"
        )
        print(
            f"stored       {r['stored_decisions']} decisions; equals accepted: "
            f"{r['stored_equals_accepted']}; duplicates: {r['duplicate_decisions']}"
        )


if __name__ == "__main__":
    main()
