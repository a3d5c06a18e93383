"""The review service's first schema: listings, submissions, decisions, queue, appeals,
verdicts, overrides, audit log (append-only) and events.

Revision ID: 0001
Revises:
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "service_meta",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("value", sa.Text(), nullable=False),
    )
    op.create_table(
        "api_keys",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("merchant_id", sa.String(200)),
        sa.Column("key_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("prefix", sa.String(16), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("created_by", sa.String(100)),
        sa.Column("revoked_at", TS),
    )
    op.create_table(
        "listings",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("merchant_id", sa.String(200), nullable=False),
        sa.Column("external_id", sa.String(200), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("latest_submission_id", sa.Integer()),
        sa.Column("live_submission_id", sa.Integer()),
        sa.UniqueConstraint("merchant_id", "external_id"),
    )
    op.create_table(
        "submissions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("uid", sa.String(32), nullable=False, unique=True),
        sa.Column("listing_id", sa.Integer(), sa.ForeignKey("listings.id"), nullable=False),
        sa.Column("merchant_id", sa.String(200), nullable=False),
        sa.Column("external_id", sa.String(200), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("idempotency_key", sa.String(200)),
        sa.Column("payload", JSON, nullable=False),
        sa.Column("category", sa.String(500)),
        sa.Column("has_photos", sa.Boolean(), nullable=False),
        sa.Column("high_risk", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("claim_token", sa.String(32)),
        sa.Column("lease_until", TS),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("decided_at", TS),
        sa.Column("outcome", sa.String(16)),
        sa.Column("outcome_reasons", JSON),
        sa.Column("outcome_by", sa.String(100)),
        sa.UniqueConstraint("listing_id", "version"),
        sa.UniqueConstraint("merchant_id", "idempotency_key"),
    )
    op.create_index("ix_submissions_status", "submissions", ["status", "lease_until"])
    op.create_index("ix_submissions_content", "submissions", ["merchant_id", "content_hash"])
    op.create_index("ix_submissions_category", "submissions", ["category"])
    op.create_table(
        "decisions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "submission_id",
            sa.Integer(),
            sa.ForeignKey("submissions.id"),
            nullable=False,
            unique=True,
        ),
        sa.Column("decision", sa.String(16), nullable=False),
        sa.Column("reasons", JSON, nullable=False),
        sa.Column("payload", JSON, nullable=False),
        sa.Column("policy_version", sa.String(32), nullable=False),
        sa.Column("excluded_rules", JSON, nullable=False),
        sa.Column("duration_ms", sa.Float(), nullable=False),
        sa.Column("created_at", TS, nullable=False),
    )
    op.create_table(
        "findings",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("submission_id", sa.Integer(), sa.ForeignKey("submissions.id"), nullable=False),
        sa.Column("rule", sa.String(32), nullable=False),
        sa.Column("reason", sa.String(16), nullable=False),
        sa.Column("outcome", sa.String(8), nullable=False),
    )
    op.create_index("ix_findings_rule", "findings", ["rule"])
    op.create_index("ix_findings_submission_id", "findings", ["submission_id"])
    op.create_table(
        "appeals",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("uid", sa.String(32), nullable=False, unique=True),
        sa.Column("submission_id", sa.Integer(), sa.ForeignKey("submissions.id"), nullable=False),
        sa.Column("merchant_id", sa.String(200), nullable=False),
        sa.Column("statement", sa.Text(), nullable=False),
        sa.Column("evidence", JSON, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("decided_at", TS),
        sa.Column("decided_by", sa.String(100)),
        sa.Column("note", sa.Text()),
    )
    op.create_index("ix_appeals_submission_id", "appeals", ["submission_id"])
    op.create_table(
        "queue_items",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("submission_id", sa.Integer(), sa.ForeignKey("submissions.id"), nullable=False),
        sa.Column("appeal_id", sa.Integer(), sa.ForeignKey("appeals.id")),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("due_at", TS, nullable=False),
        sa.Column("claimed_by", sa.String(100)),
        sa.Column("lease_until", TS),
        sa.Column("closed_at", TS),
        sa.Column("closed_by", sa.String(100)),
    )
    op.create_index("ix_queue_open", "queue_items", ["closed_at", "due_at"])
    op.create_index("ix_queue_items_submission_id", "queue_items", ["submission_id"])
    op.create_table(
        "verdicts",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("submission_id", sa.Integer(), sa.ForeignKey("submissions.id"), nullable=False),
        sa.Column("queue_item_id", sa.Integer(), sa.ForeignKey("queue_items.id"), nullable=False),
        sa.Column("appeal_id", sa.Integer(), sa.ForeignKey("appeals.id")),
        sa.Column("actor", sa.String(100), nullable=False),
        sa.Column("verdict", sa.String(16), nullable=False),
        sa.Column("decision", sa.String(16), nullable=False),
        sa.Column("reasons", JSON, nullable=False),
        sa.Column("note", sa.Text()),
        sa.Column("machine_decision", sa.String(16), nullable=False),
        sa.Column("machine_reasons", JSON, nullable=False),
        sa.Column("created_at", TS, nullable=False),
    )
    op.create_index("ix_verdicts_submission_id", "verdicts", ["submission_id"])
    op.create_table(
        "overrides",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("merchant_id", sa.String(200), nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("rule", sa.String(32), nullable=False),
        sa.Column("appeal_id", sa.Integer(), sa.ForeignKey("appeals.id"), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.UniqueConstraint("merchant_id", "content_hash", "rule"),
    )
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("at", TS, nullable=False),
        sa.Column("actor", sa.String(100), nullable=False),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("merchant_id", sa.String(200)),
        sa.Column("listing_id", sa.String(200)),
        sa.Column("submission_uid", sa.String(32)),
        sa.Column("policy_version", sa.String(32)),
        sa.Column("rules", JSON, nullable=False),
        sa.Column("detail", JSON, nullable=False),
    )
    op.create_index("ix_audit_log_submission_uid", "audit_log", ["submission_uid"])
    op.create_table(
        "events",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("seq", sa.Integer(), unique=True),
        sa.Column("at", TS, nullable=False),
        sa.Column("merchant_id", sa.String(200), nullable=False),
        sa.Column("type", sa.String(32), nullable=False),
        sa.Column("payload", JSON, nullable=False),
    )
    op.create_index("ix_events_merchant_seq", "events", ["merchant_id", "seq"])
    _append_only("audit_log")


def _append_only(table: str) -> None:
    """The audit log can be added to, never changed: the database itself refuses."""
    if op.get_bind().dialect.name == "sqlite":
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
            )
        return
    op.execute(
        f"CREATE FUNCTION {table}_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
        f"BEGIN RAISE EXCEPTION '{table} is append-only'; END $$"
    )
    op.execute(
        f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
        f"FOR EACH ROW EXECUTE FUNCTION {table}_append_only()"
    )


def downgrade() -> None:
    for table in (
        "events",
        "audit_log",
        "overrides",
        "verdicts",
        "queue_items",
        "appeals",
        "findings",
        "decisions",
        "submissions",
        "listings",
        "api_keys",
        "service_meta",
    ):
        op.drop_table(table)
    if op.get_bind().dialect.name != "sqlite":
        op.execute("DROP FUNCTION IF EXISTS audit_log_append_only()")
