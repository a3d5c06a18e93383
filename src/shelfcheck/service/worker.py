"""Who executes a review: the in-process worker pool and the event sequencer.

The seam is :class:`Reviewer`, the only caller of ``shelfcheck.review.review``.
``review_now(listing, excluded)`` reviews a text listing in the request that
submits it, before anything is stored (the request then stores the listing and
its decision in one transaction, see ``writer.py``). ``run(submission, token)``
reviews one stored, leased submission and stores the decision if the lease is
still held: the :class:`WorkerPool` threads use it for everything the database
says is pending (listings with photos), or running under an expired lease (a
crashed or killed process's work), so nothing accepted is lost. A later
multi-machine executor only needs another loop around ``claim`` and ``run``.
"""

from __future__ import annotations

import logging
import secrets
import threading
import time
from collections.abc import Sequence
from datetime import timedelta

from shelfcheck.model import Decision, Listing
from shelfcheck.policy import Policy
from shelfcheck.review import review
from shelfcheck.rule import Rule
from shelfcheck.service import crud
from shelfcheck.service.db import Database
from shelfcheck.service.models import Submission, utcnow
from shelfcheck.tools import Tools

log = logging.getLogger(__name__)

#: After this many leases a review that keeps failing goes to people instead.
MAX_ATTEMPTS = 5


class Reviewer:
    """Reviews stored submissions and stores the decisions (the executor seam)."""

    def __init__(
        self,
        *,
        db: Database,
        policy: Policy,
        tools: Tools,
        rules: Sequence[Rule],
        lease_s: float,
    ) -> None:
        self.db = db
        self.policy = policy
        self.tools = tools
        self.rules = tuple(rules)
        self.lease_s = lease_s
        self._done = threading.Condition()
        self._finished: dict[int, float] = {}

    def claim(self, *, limit: int) -> tuple[str, list[Submission]]:
        token = secrets.token_hex(8)
        now = utcnow()
        with self.db.read() as session:  # idle polls stay off the write lock
            if not crud.has_pending_reviews(session, now=now):
                return token, []
        with self.db.write() as session:
            subs = crud.claim_pending_reviews(
                session,
                token=token,
                lease_until=now + timedelta(seconds=self.lease_s),
                now=now,
                limit=limit,
            )
        return token, subs

    def run(
        self, submission: Submission, token: str, *, excluded: list[str] | None = None
    ) -> tuple[Submission, Decision] | None:
        """Review one leased submission and store its decision; ``None`` if the lease was lost.

        ``excluded``: the rules appeals took off this content, if the caller read them already.
        """
        if excluded is None:
            with self.db.read() as session:
                excluded = crud.excluded_rules(
                    session,
                    merchant_id=submission.merchant_id,
                    content_hash=submission.content_hash,
                )
        started = time.perf_counter()
        decision = self._decide(submission, excluded)
        duration_ms = (time.perf_counter() - started) * 1000
        with self.db.write() as session:
            stored = crud.finish_review(
                session,
                submission=submission,
                claim_token=token,
                decision=decision,
                excluded=excluded,
                duration_ms=duration_ms,
                policy=self.policy,
                now=utcnow(),
            )
        if stored is not None:
            with self._done:
                self._finished[stored.id] = time.monotonic()
                self._done.notify_all()
            return stored, decision
        return None

    def review_now(self, listing: Listing, excluded: list[str]) -> crud.Reviewed:
        """Review a listing that is not stored yet (the request stores it with the decision)."""
        started = time.perf_counter()
        decision = self._review(listing, excluded)
        return crud.Reviewed(
            decision=decision,
            payload=decision.to_json_dict(),
            excluded=excluded,
            duration_ms=(time.perf_counter() - started) * 1000,
        )

    def _review(self, listing: Listing, excluded: list[str]) -> Decision:
        rules = [r for r in self.rules if r.id not in excluded] if excluded else self.rules
        return review(listing, policy=self.policy, tools=self.tools, rules=rules)

    def _decide(self, submission: Submission, excluded: list[str]) -> Decision:
        try:
            return self._review(Listing.model_validate(submission.payload), excluded)
        except Exception as exc:  # never approve what could not be reviewed
            if submission.attempts < MAX_ATTEMPTS:
                raise
            log.exception("review of %s failed %d times", submission.uid, submission.attempts)
            return Decision(
                id=str(submission.payload.get("id", submission.external_id)),
                decision="human_review",
                quality_score=0,
                policy_version=self.policy.version,
                skipped=[f"the review failed: {type(exc).__name__}: {exc}"[:300]],
            )

    def wait_for(self, submission_id: int, timeout: float) -> bool:
        """Block until a decision on ``submission_id`` is stored here (or ``timeout``)."""
        deadline = time.monotonic() + timeout
        with self._done:
            while submission_id not in self._finished:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._done.wait(left)
            self._forget_old()
            return True

    def _forget_old(self) -> None:
        if len(self._finished) > 10_000:
            cutoff = time.monotonic() - 60
            self._finished = {k: v for k, v in self._finished.items() if v > cutoff}


class WorkerPool:
    """Threads that take pending reviews from the database until stopped."""

    def __init__(self, reviewer: Reviewer, *, size: int, poll_interval_s: float) -> None:
        self.reviewer = reviewer
        self.size = size
        self.poll_interval_s = poll_interval_s
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._threads: list[threading.Thread] = []

    def start(self) -> None:
        for index in range(self.size):
            thread = threading.Thread(target=self._loop, name=f"review-worker-{index}", daemon=True)
            thread.start()
            self._threads.append(thread)

    def wake(self) -> None:
        self._wake.set()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self._wake.set()
        for thread in self._threads:
            thread.join(timeout)
        self._threads.clear()

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                token, subs = self.reviewer.claim(limit=1)
            except Exception:
                log.exception("claiming pending reviews failed")
                subs, token = [], ""
            if not subs:
                self._wake.wait(self.poll_interval_s)
                self._wake.clear()
                continue
            for sub in subs:
                if self._stop.is_set():
                    return  # the lease runs out and another worker takes it up
                try:
                    self.reviewer.run(sub, token)
                except Exception:
                    log.exception("review of submission %s failed; it will be retried", sub.uid)


class Sequencer:
    """One thread numbering committed events in commit order (see ``crud.sequence_events``)."""

    def __init__(self, db: Database, *, interval_s: float = 0.2) -> None:
        self.db = db
        self.interval_s = interval_s
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def run_once(self) -> int:
        with self._lock, self.db.write() as session:
            return crud.sequence_events(session)

    def start(self) -> None:
        self._thread = threading.Thread(target=self._loop, name="event-sequencer", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(5)

    def _loop(self) -> None:
        while not self._stop.wait(self.interval_s):
            try:
                while self.run_once() >= 2000:
                    pass
            except Exception:
                log.exception("event sequencing failed")
