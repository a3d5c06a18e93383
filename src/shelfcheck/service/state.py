"""Everything one running service holds: settings, store, policy, tools, workers, keys."""

from __future__ import annotations

from dataclasses import dataclass, field

from fastapi import Request
from sqlalchemy.orm import Session

from shelfcheck.policy import Policy
from shelfcheck.rule import Rule
from shelfcheck.service import crud
from shelfcheck.service.auth import KeyCache, Signer
from shelfcheck.service.db import Database
from shelfcheck.service.models import Submission
from shelfcheck.service.settings import Settings
from shelfcheck.service.worker import Reviewer, Sequencer, WorkerPool
from shelfcheck.service.writer import GroupWriter
from shelfcheck.tools import Tools

#: Categories remembered as stored at most; past that the set starts again (memory bound).
MAX_KNOWN_CATEGORIES = 100_000


@dataclass
class ServiceState:
    settings: Settings
    db: Database
    policy: Policy
    tools: Tools
    rules: tuple[Rule, ...]
    reviewer: Reviewer
    pool: WorkerPool
    sequencer: Sequencer
    keys: KeyCache
    signer: Signer
    writer: GroupWriter
    #: Categories this process has seen stored: a submission in one of them skips the
    #: "first of its category" (high-risk) query. Submissions are never deleted.
    known_categories: set[str] = field(default_factory=set)

    def store_submissions(
        self, session: Session, items: list[crud.NewSubmission]
    ) -> list[crud.Submitted]:
        """``crud.store_submissions`` with this service's policy (the group writer's function)."""
        return crud.store_submissions(
            session, items, policy=self.policy, known_categories=self.known_categories
        )

    def finish_reviews(
        self, session: Session, items: list[crud.Finished]
    ) -> list[Submission | None]:
        """``crud.finish_reviews`` with this service's policy (the group writer's function)."""
        return crud.finish_reviews(session, items, policy=self.policy)

    def remember_category(self, category: str | None) -> None:
        """Call after the commit that stored ``category``."""
        if category and category not in self.known_categories:
            if len(self.known_categories) >= MAX_KNOWN_CATEGORIES:
                self.known_categories.clear()
            self.known_categories.add(category)


def service(request: Request) -> ServiceState:
    state: ServiceState = request.app.state.service
    return state


async def current(request: Request) -> ServiceState:
    """``service`` as a dependency: FastAPI runs a plain ``def`` dependency in a worker
    thread (a hop per request); an ``async def`` one runs on the event loop."""
    return service(request)
