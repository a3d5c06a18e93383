"""The app factory and the server: ``create_app(settings)`` and ``serve(...)``.

``create_app`` builds a FastAPI app over its own store, so each test gets its
own database. On start it applies the Alembic migrations, makes sure the
session secret (and a bootstrap admin key, if asked for) exist, loads the
policy and tools, and starts the review workers and the event sequencer.
"""

from __future__ import annotations

import gc
import importlib
import logging
import os
import secrets
import sys
from collections.abc import AsyncIterator, Awaitable, Callable, MutableMapping
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles

from shelfcheck.policy import load_policy
from shelfcheck.service import api, console, crud
from shelfcheck.service.auth import KeyCache, Signer
from shelfcheck.service.db import Database
from shelfcheck.service.settings import Settings
from shelfcheck.service.state import ServiceState
from shelfcheck.service.worker import Reviewer, Sequencer, WorkerPool
from shelfcheck.service.writer import GroupWriter
from shelfcheck.tools import default_tools

log = logging.getLogger(__name__)

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


class BodyLimit:
    """Refuse request bodies over ``limit`` bytes with 413 before the app reads them."""

    def __init__(self, app: ASGIApp, *, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.limit:
            await self._refuse(send)
            return
        chunks: list[bytes] = []
        size = 0
        more = True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                await self.app(scope, _replay([message]), send)
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.limit:
                await self._refuse(send)
                return
            chunks.append(chunk)
            more = message.get("more_body", False)
        body = {"type": "http.request", "body": b"".join(chunks), "more_body": False}
        await self.app(scope, _replay([body], then=receive), send)

    async def _refuse(self, send: Send) -> None:
        response = JSONResponse(
            {"detail": f"request body larger than {self.limit} bytes"}, status_code=413
        )
        await response({"type": "http"}, _replay([]), send)


def _replay(messages: list[Message], then: Receive | None = None) -> Receive:
    queue = list(messages)

    async def receive() -> Message:
        if queue:
            return queue.pop(0)
        if then is not None:
            return await then()
        return {"type": "http.disconnect"}

    return receive


def build_state(settings: Settings) -> ServiceState:
    from shelfcheck.rules import RULES

    db = Database(
        settings.database_url,
        pool_size=settings.pool_size,
        sqlite_synchronous=settings.sqlite_synchronous,
    )
    policy = load_policy(settings.policy_dir)
    tools = default_tools()
    rules = tuple(settings.rules if settings.rules is not None else RULES)
    if settings.rules is None and settings.rules_path:
        module, _, attribute = settings.rules_path.partition(":")
        rules = tuple(getattr(importlib.import_module(module), attribute))
    reviewer = Reviewer(
        db=db, policy=policy, tools=tools, rules=rules, lease_s=settings.review_lease_s
    )
    return ServiceState(
        settings=settings,
        db=db,
        policy=policy,
        tools=tools,
        rules=rules,
        reviewer=reviewer,
        pool=WorkerPool(reviewer, size=settings.workers, poll_interval_s=settings.poll_interval_s),
        sequencer=Sequencer(db),
        keys=KeyCache(db),
        signer=Signer(settings.secret_key or ""),
        writer=GroupWriter(db),
    )


def _ensure_bootstrap_key(session: Any, key: str | None) -> None:
    """The admin key the settings name (``SHELFCHECK_BOOTSTRAP_ADMIN_KEY``), created once."""
    if key and crud.find_api_key(session, key=key) is None:
        crud.create_api_key(
            session, name="admin", role="admin", merchant_id=None, created_by="bootstrap", key=key
        )


#: How long a thread runs before another that waits gets the GIL (Python's default: 5 ms).
GIL_SWITCH_S = 0.001


def start(state: ServiceState) -> None:
    """Migrate, make sure the secret and the bootstrap key exist, start the workers."""
    state.db.migrate()
    with state.db.write() as session:
        secret = state.settings.secret_key or crud.ensure_meta(
            session, key="session_secret", value=secrets.token_hex(32)
        )
        _ensure_bootstrap_key(session, state.settings.bootstrap_admin_key)
    state.signer = Signer(secret)
    if state.settings.warm_up:
        state.tools.warm_up()
        # What start-up loaded (policy, language models, the app) lives as long as the
        # process: frozen, it is no longer walked by every full garbage collection (those
        # walks took ~8% of a loaded server's CPU).
        gc.collect()
        gc.freeze()
    # The group writer thread holds the store (and, on SQLite, the write lock other processes
    # wait for) while it writes; with the default 5 ms switch interval it waited that long
    # for the GIL behind a request thread's review. 1 ms: ~7% more of the cores used.
    sys.setswitchinterval(GIL_SWITCH_S)
    state.writer.start()
    state.pool.start()
    state.sequencer.start()


def stop(state: ServiceState) -> None:
    state.pool.stop()
    state.writer.stop()
    state.sequencer.stop()
    state.db.dispose()


def create_app(settings: Settings | None = None) -> FastAPI:
    """A review service over its own store (``Settings()``: a SQLite file here)."""
    state = build_state(settings or Settings())

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        start(state)
        try:
            yield
        finally:
            stop(state)

    app = FastAPI(
        title="shelfcheck review service",
        version="1",
        description="Machine review of marketplace listings (RULEBOOK v"
        f"{state.policy.version}): submissions, decisions, the human queue, appeals, metrics.",
        lifespan=lifespan,
    )
    app.state.service = state
    app.include_router(api.router)
    app.include_router(console.router)
    app.mount("/static", StaticFiles(directory=Path(__file__).parent / "static"), name="static")

    @app.exception_handler(crud.ServiceError)
    async def _service_error(request: Request, exc: crud.ServiceError) -> JSONResponse:
        if isinstance(exc, crud.Invalid):
            return JSONResponse(
                {
                    "detail": [
                        {
                            "loc": ["body", *exc.field.split(".")],
                            "msg": exc.message,
                            "type": "value_error",
                        }
                    ]
                },
                status_code=422,
            )
        return JSONResponse({"detail": exc.message}, status_code=exc.status)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        # FastAPI's shape, without echoing the input back (it may be megabytes of photos).
        errors = [
            {"loc": list(e.get("loc", ())), "msg": e.get("msg", ""), "type": e.get("type", "")}
            for e in exc.errors()
        ]
        return JSONResponse({"detail": errors}, status_code=422)

    @app.get("/", include_in_schema=False)
    def _root() -> RedirectResponse:
        return RedirectResponse("/console/")

    app.add_exception_handler(console.LoginRequired, console.to_login)  # type: ignore[arg-type]
    app.add_middleware(BodyLimit, limit=state.settings.max_body_bytes)
    return app


def serve(
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    database_url: str | None = None,
    workers: int | None = None,
    policy_dir: str | None = None,
    processes: int | None = None,
) -> None:
    """Run the service (``shelfcheck serve``): settings from ``SHELFCHECK_*`` and these.

    ``processes`` > 1 runs that many server processes on one port (uvicorn's workers),
    each with its own review threads: one Python process uses at most one core.
    """
    import uvicorn

    settings = Settings.from_env(
        database_url=database_url, workers=workers, policy_dir=policy_dir, processes=processes
    )
    logging.basicConfig(
        level=logging.INFO,
        stream=sys.stderr,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    prepare(settings)
    options: dict[str, Any] = {"host": host, "port": port, "access_log": False, "log_level": "info"}
    if settings.processes <= 1:
        uvicorn.run(create_app(settings), **options)
        return
    # the processes build their apps from the environment (only plain settings travel)
    for name, value in settings.to_env().items():
        os.environ[name] = value
    # a process busy reviewing (or loading the language models) answers the supervisor's
    # health check late: give it time rather than have it killed and restarted
    uvicorn.run(
        "shelfcheck.service.app:app_from_env",
        timeout_worker_healthcheck=120, factory=True, workers=settings.processes, **options
    )


def app_from_env() -> FastAPI:
    """The app of one server process when ``serve`` runs several."""
    return create_app(Settings.from_env())


def prepare(settings: Settings) -> None:
    """Migrate, and give a fresh store its secret and one admin key (printed once)."""
    db = Database(settings.database_url, sqlite_synchronous=settings.sqlite_synchronous)
    try:
        db.migrate()
        with db.write() as session:
            crud.ensure_meta(session, key="session_secret", value=secrets.token_hex(32))
            _ensure_bootstrap_key(session, settings.bootstrap_admin_key)
            if crud.list_api_keys(session):
                return
            _, plain = crud.create_api_key(
                session, name="admin", role="admin", merchant_id=None, created_by="first start"
            )
        print(f"shelfcheck: first admin API key (shown once): {plain}", file=sys.stderr, flush=True)
    finally:
        db.dispose()
