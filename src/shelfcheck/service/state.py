"""Everything one running service holds: settings, store, policy, tools, workers, keys."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Request

from shelfcheck.policy import Policy
from shelfcheck.rule import Rule
from shelfcheck.service.auth import KeyCache, Signer
from shelfcheck.service.db import Database
from shelfcheck.service.settings import Settings
from shelfcheck.service.worker import Reviewer, Sequencer, WorkerPool
from shelfcheck.tools import Tools


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


def service(request: Request) -> ServiceState:
    state: ServiceState = request.app.state.service
    return state
