"""Group commit: one thread per process writes the submissions of many requests together.

Why: every transaction costs a commit, and on SQLite the process's write lock;
dozens of request threads taking turns at that lock under the GIL spent most of
their time waiting for each other. Here a request hands its write to the writer
as an item for a function (``fn(session, items) -> one result per item``, e.g.
``crud.store_submissions``) and awaits it; the writer takes everything queued at
that moment, hands each function all of its items at once (so it can write them
with one statement per table), commits once, and only then gives each request
its result. So an answer still means "stored" (the guarantee the SIGKILL test
checks), at one commit per batch instead of two per request.

A function must be safe to run again: when it raises, the batch is rolled back
and its items run again one transaction each, so one bad request (or a unique
key another process took a moment earlier) fails only itself.
"""

from __future__ import annotations

import asyncio
import logging
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from shelfcheck.service.db import Database

log = logging.getLogger(__name__)

T = TypeVar("T")
R = TypeVar("R")
Many = Callable[[Session, list[Any]], list[Any]]

#: An item that hits a unique key alone is tried this often (a concurrent first version
#: of the same listing in another process: the next try sees that row).
ATTEMPTS = 3


@dataclass
class _Job:
    fn: Many
    item: Any
    loop: asyncio.AbstractEventLoop
    future: asyncio.Future[Any]
    result: Any = None
    error: BaseException | None = None


class GroupWriter:
    """A thread that commits queued items in batches of up to ``max_batch``."""

    def __init__(self, db: Database, *, max_batch: int = 256) -> None:
        self.db = db
        self.max_batch = max_batch
        self._queue: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._loop, name="group-writer", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        """Finish what is queued, then stop."""
        if self._thread is not None:
            self._queue.put(None)
            self._thread.join(timeout)
            self._thread = None

    async def run(self, fn: Callable[[Session, list[T]], list[R]], item: T) -> R:
        """Store ``item`` with ``fn``; returns its result once the transaction committed."""
        loop = asyncio.get_running_loop()
        job = _Job(fn, item, loop, loop.create_future())
        if self._thread is None:  # not started (or stopped): write alone, here
            self._run_alone(job)
            _settle([job])
        else:
            self._queue.put(job)
        result: R = await job.future
        return result

    def _loop(self) -> None:
        while True:
            first = self._queue.get()
            if first is None:
                return
            jobs = [first]
            stop = False
            while len(jobs) < self.max_batch:
                try:
                    job = self._queue.get_nowait()
                except queue.Empty:
                    break
                if job is None:
                    stop = True
                    break
                jobs.append(job)
            self._run_batch(jobs)
            by_loop: dict[asyncio.AbstractEventLoop, list[_Job]] = {}
            for job in jobs:
                by_loop.setdefault(job.loop, []).append(job)
            for loop, done in by_loop.items():  # one wake-up per batch, not per request
                loop.call_soon_threadsafe(_settle, done)
            if stop:
                return

    def _run_batch(self, jobs: list[_Job]) -> None:
        if len(jobs) == 1:
            self._run_alone(jobs[0])
            return
        by_fn: dict[Many, list[_Job]] = {}
        for job in jobs:
            by_fn.setdefault(job.fn, []).append(job)
        try:
            with self.db.write() as session:
                results = [
                    (group, fn(session, [j.item for j in group])) for fn, group in by_fn.items()
                ]
        except Exception:
            log.debug("a batch of %d writes failed; each runs alone", len(jobs), exc_info=True)
            for job in jobs:
                self._run_alone(job)
            return
        for group, answers in results:
            for job, answer in zip(group, answers, strict=True):
                job.result = answer

    def _run_alone(self, job: _Job) -> None:
        for attempt in range(1, ATTEMPTS + 1):
            try:
                with self.db.write() as session:
                    job.result = job.fn(session, [job.item])[0]
            except IntegrityError as exc:
                if attempt < ATTEMPTS:
                    continue
                job.error = exc
            except Exception as exc:  # noqa: BLE001 - the caller gets it; the writer goes on
                job.error = exc
            return


def _settle(jobs: list[_Job]) -> None:
    """On the jobs' event loop: hand each waiting request its result."""
    for job in jobs:
        if job.future.done():  # the request was cancelled (its client went away)
            continue
        if job.error is not None:
            job.future.set_exception(job.error)
        else:
            job.future.set_result(job.result)
