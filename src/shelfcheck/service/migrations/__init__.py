"""Alembic migrations of the review service's store (applied on start by ``db.Database.migrate``)."""
