"""Alembic environment: the service hands over an open connection (see db.py)."""

from __future__ import annotations

from alembic import context

from shelfcheck.service.models import Base

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - the service always passes one
    raise RuntimeError("run migrations through shelfcheck.service.db.Database.migrate()")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
)
with context.begin_transaction():
    context.run_migrations()
