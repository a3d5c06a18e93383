"""Engines, sessions and migrations for the review service's store.

SQLite (the default, nothing to install) runs in WAL mode; all writes go through
one lock (:class:`WriteLock`: threads of a process, and processes) and ``BEGIN
IMMEDIATE``, so writers queue rather than poll in SQLite's busy handler.
PostgreSQL needs no lock. Alembic
migrations (``migrations/``, configured in code, no ``alembic.ini``) are
applied on start under a lock, so two processes starting together are safe.
"""

from __future__ import annotations

import contextlib
import json
import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, make_url, text
from sqlalchemy.orm import Session, sessionmaker

try:
    import fcntl
except ImportError:  # not on Windows: one server process there
    fcntl = None  # type: ignore[assignment]

MIGRATIONS = Path(__file__).parent / "migrations"

#: pg_advisory_lock key held while migrating ("shelfcheck" in ASCII, truncated).
_MIGRATE_LOCK = 0x7368656C66


class Database:
    """The engines and session factories of one service instance."""

    def __init__(
        self, url: str, *, pool_size: int = 10, sqlite_synchronous: str = "NORMAL"
    ) -> None:
        self.url = url
        self.is_sqlite = url.startswith("sqlite")
        if self.is_sqlite:
            self.write_engine = _sqlite_engine(url, immediate=True, synchronous=sqlite_synchronous)
            self.read_engine = _sqlite_engine(url, immediate=False, synchronous=sqlite_synchronous)
        else:
            self.write_engine = create_engine(
                url,
                pool_size=pool_size,
                max_overflow=2 * pool_size,
                pool_pre_ping=True,
                json_serializer=dumps,
                json_deserializer=orjson.loads,
            )
            self.read_engine = self.write_engine
        self._writes = sessionmaker(self.write_engine, expire_on_commit=False)
        self._reads = sessionmaker(self.read_engine, expire_on_commit=False)
        self._write_lock: contextlib.AbstractContextManager[Any] = (
            WriteLock(url) if self.is_sqlite else contextlib.nullcontext()
        )

    @contextlib.contextmanager
    def write(self) -> Iterator[Session]:
        """A transaction that writes: committed on success, rolled back on error."""
        with self._write_lock, self._writes() as session, session.begin():
            yield session

    @contextlib.contextmanager
    def read(self) -> Iterator[Session]:
        with self._reads() as session, session.begin():
            yield session

    def migrate(self) -> None:
        """Bring the schema to the newest Alembic revision."""
        with self._write_lock, self.write_engine.connect() as conn:
            if not self.is_sqlite:
                conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": _MIGRATE_LOCK})
                conn.commit()
            try:
                cfg = alembic_config()
                cfg.attributes["connection"] = conn
                command.upgrade(cfg, "head")
                conn.commit()
            finally:
                if not self.is_sqlite:
                    conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": _MIGRATE_LOCK})
                    conn.commit()

    def dispose(self) -> None:
        if isinstance(self._write_lock, WriteLock):
            self._write_lock.close()
        self.write_engine.dispose()
        if self.read_engine is not self.write_engine:
            self.read_engine.dispose()


class WriteLock:
    """One SQLite writer at a time: a thread lock, and across processes an ``flock`` on
    ``<database file>-writelock``.

    Why the file lock: SQLite's busy handler polls with sleeps growing to 100 ms, so with
    several server processes a writer waiting for another's transaction kept sleeping
    past its turn (seconds of latency while a core sat idle); ``flock`` wakes the waiter
    the moment the lock is free. ``BEGIN IMMEDIATE`` stays, for writers outside the service.
    """

    def __init__(self, url: str) -> None:
        self._thread = threading.Lock()
        database = make_url(url).database
        self._path = (
            f"{database}-writelock" if fcntl and database and database != ":memory:" else None
        )
        self._fd: int | None = None

    def __enter__(self) -> None:
        self._thread.acquire()
        try:
            if self._path is not None:
                if self._fd is None:
                    self._fd = os.open(self._path, os.O_RDWR | os.O_CREAT, 0o600)
                fcntl.flock(self._fd, fcntl.LOCK_EX)
        except BaseException:
            self._thread.release()
            raise

    def __exit__(self, *exc: object) -> None:
        try:
            if self._fd is not None:
                fcntl.flock(self._fd, fcntl.LOCK_UN)
        finally:
            self._thread.release()

    def close(self) -> None:
        with self._thread:
            if self._fd is not None:
                os.close(self._fd)
                self._fd = None


def alembic_config() -> Config:
    """Alembic's configuration, in code (the package ships no ``alembic.ini``)."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def dumps(value: Any) -> str:
    """JSON text for the JSON columns: orjson (a tenth of json's time on the hot path);
    json for what orjson refuses (integers past 64 bits in a listing's extra fields)."""
    try:
        return orjson.dumps(value).decode()
    except TypeError:
        return json.dumps(value, ensure_ascii=False)


def _sqlite_engine(url: str, *, immediate: bool, synchronous: str) -> Engine:
    engine = create_engine(
        url,
        connect_args={"check_same_thread": False, "timeout": 30},
        pool_size=8,
        max_overflow=32,
        json_serializer=dumps,
        json_deserializer=orjson.loads,
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # pysqlite's own transaction handling is off; "begin" below emits BEGIN itself
        # (SQLAlchemy's documented recipe for SQLite transactions).
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute(f"PRAGMA synchronous={synchronous}")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=30000")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine
