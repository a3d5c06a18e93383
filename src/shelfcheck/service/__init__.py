"""The review service (issue 5): API, durable store, moderator console, appeals, metrics.

``create_app(settings)`` builds the FastAPI app; ``serve(...)`` runs it
(``shelfcheck serve``). Layers: ``models``/``db`` (the store, Alembic
migrations) <- ``crud`` (every query) <- ``worker`` (reviews, calling only
``shelfcheck.review.review``) and ``writer`` (group commit of submissions) <-
``api`` / ``console`` (the web layer).
"""

from __future__ import annotations

from shelfcheck.service.app import create_app, serve
from shelfcheck.service.settings import Settings

__all__ = ["Settings", "create_app", "serve"]
