"""The review service's settings: one frozen object handed to ``create_app(settings)``.

Everything has a default that works with nothing installed (a SQLite file in
the working folder). ``Settings.from_env()`` reads ``SHELFCHECK_*`` variables,
so a process started by ``shelfcheck serve`` or by a test can be configured
without code.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field, fields, replace
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from shelfcheck.rule import Rule

DEFAULT_DATABASE_URL = "sqlite:///shelfcheck.db"


@dataclass(frozen=True)
class Settings:
    #: SQLAlchemy URL: ``sqlite:///path.db`` (default) or ``postgresql+psycopg://user@host/db``.
    database_url: str = DEFAULT_DATABASE_URL
    #: Policy folder; ``None`` is the packaged default (``policies/v73``).
    policy_dir: str | None = None
    #: Background review threads taking pending reviews from the database (0: none).
    workers: int = 2
    #: Server processes on one port (``serve``); each runs its own review threads.
    processes: int = 1
    #: Text-only listings are reviewed in the request that submits them, then stored with
    #: their decision in one transaction (the answer waits for its commit).
    inline_review: bool = True
    #: How long a request with photos waits for its decision before answering 202.
    sync_wait_s: float = 2.0
    #: A review not finished within this lease is taken up again (a crashed worker's).
    review_lease_s: float = 60.0
    #: How often an idle worker looks for pending reviews.
    poll_interval_s: float = 0.5
    #: How long a moderator's claim on a queue item lasts.
    claim_lease_s: float = 15 * 60.0
    #: Signs console session cookies; ``None``: generated once and kept in the database.
    secret_key: str | None = None
    #: An admin key created at start if no key with this value exists (tests, first setup).
    bootstrap_admin_key: str | None = None
    #: Request bodies larger than this get 413.
    max_body_bytes: int = 8 * 1024 * 1024
    #: One photo given as a data: URI larger than this (decoded) gets 413.
    max_photo_bytes: int = 4 * 1024 * 1024
    #: Console session lifetime.
    session_ttl_s: int = 8 * 3600
    #: Mark cookies ``Secure`` (behind HTTPS).
    secure_cookies: bool = False
    #: SQLite ``synchronous`` pragma. In WAL mode NORMAL loses nothing when the process is
    #: killed (the SIGKILL test); FULL also survives a power cut, at one fsync per commit.
    sqlite_synchronous: str = "NORMAL"
    #: Load the language models at start (else on the first review that needs them).
    warm_up: bool = True
    #: Database connections kept open per process.
    pool_size: int = 10
    #: The rules ``review()`` runs; ``None`` is the whole registry ``shelfcheck.rules.RULES``.
    rules: Sequence[Rule] | None = field(default=None, compare=False)
    #: Or the rules as ``package.module:ATTRIBUTE`` (a tuple of rules), e.g. from the environment.
    rules_path: str | None = None

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None, **overrides: Any) -> Settings:
        """Settings from ``SHELFCHECK_<FIELD>`` variables, then ``overrides`` (not None)."""
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for f in fields(cls):
            raw = env.get(f"SHELFCHECK_{f.name.upper()}")
            if raw is None or f.name == "rules":
                continue
            default = getattr(cls, f.name, None)
            if isinstance(default, bool):
                values[f.name] = raw.strip().lower() in {"1", "true", "yes", "on"}
            elif isinstance(default, int):
                values[f.name] = int(raw)
            elif isinstance(default, float):
                values[f.name] = float(raw)
            else:
                values[f.name] = raw
        values.update({k: v for k, v in overrides.items() if v is not None})
        return replace(cls(), **values)

    def to_env(self) -> dict[str, str]:
        """The plain settings as ``SHELFCHECK_*`` variables (``rules`` objects do not travel)."""
        out: dict[str, str] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name == "rules" or value is None:
                continue
            out[f"SHELFCHECK_{f.name.upper()}"] = str(
                int(value) if isinstance(value, bool) else value
            )
        return out

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")
