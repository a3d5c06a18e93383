"""The review service's tables (SQLAlchemy 2 declarative models).

History is never overwritten: a submission (one version of a listing as the
merchant sent it) and the machine's decision on it are written once; human
verdicts, appeals, the audit log and the event feed are appended. The few
columns that change are bookkeeping: a submission's review status and lease,
its *current* outcome (the last verdict, else the machine's decision), and a
listing's pointers to its latest and live versions.

The Alembic migration in ``migrations/versions`` creates exactly these tables
(a test compares the two).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Dialect,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

#: JSON on SQLite, JSONB on PostgreSQL.
Json = JSON().with_variant(JSONB(), "postgresql")


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp that is always timezone-aware UTC in Python (SQLite stores it naive)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    pass


class ServiceMeta(Base):
    """Small key/value facts about this database (the session-signing secret)."""

    __tablename__ = "service_meta"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class ApiKey(Base):
    """An API key: only its SHA-256 is stored; ``role`` is merchant, moderator or admin."""

    __tablename__ = "api_keys"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(16))
    merchant_id: Mapped[str | None] = mapped_column(String(200))
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by: Mapped[str | None] = mapped_column(String(100))
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ListingRow(Base):
    """A merchant's listing across its versions; ``live`` is the last approved one."""

    __tablename__ = "listings"
    __table_args__ = (UniqueConstraint("merchant_id", "external_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    merchant_id: Mapped[str] = mapped_column(String(200))
    external_id: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    latest_submission_id: Mapped[int | None] = mapped_column(Integer)
    live_submission_id: Mapped[int | None] = mapped_column(Integer)


class Submission(Base):
    """One version of a listing exactly as submitted, with its review status."""

    __tablename__ = "submissions"
    __table_args__ = (
        UniqueConstraint("listing_id", "version"),
        UniqueConstraint("merchant_id", "idempotency_key"),
        Index("ix_submissions_status", "status", "lease_until"),
        Index("ix_submissions_content", "merchant_id", "content_hash"),
        Index("ix_submissions_category", "category"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uid: Mapped[str] = mapped_column(String(32), unique=True)
    listing_id: Mapped[int] = mapped_column(ForeignKey("listings.id"))
    merchant_id: Mapped[str] = mapped_column(String(200))
    external_id: Mapped[str] = mapped_column(String(200))
    version: Mapped[int] = mapped_column(Integer)
    content_hash: Mapped[str] = mapped_column(String(64))
    idempotency_key: Mapped[str | None] = mapped_column(String(200))
    payload: Mapped[dict[str, Any]] = mapped_column(Json)
    category: Mapped[str | None] = mapped_column(String(500))
    has_photos: Mapped[bool] = mapped_column(Boolean)
    high_risk: Mapped[bool] = mapped_column(Boolean, default=False)
    #: pending -> running (leased to a worker) -> decided
    status: Mapped[str] = mapped_column(String(16))
    claim_token: Mapped[str | None] = mapped_column(String(32))
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: The current outcome: the last human verdict, else the machine's decision.
    outcome: Mapped[str | None] = mapped_column(String(16))
    outcome_reasons: Mapped[list[dict[str, Any]] | None] = mapped_column(Json)
    outcome_by: Mapped[str | None] = mapped_column(String(100))


class MachineDecision(Base):
    """The machine's decision on one submission (FORMATS §2), written once."""

    __tablename__ = "decisions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id"), unique=True)
    decision: Mapped[str] = mapped_column(String(16))
    reasons: Mapped[list[dict[str, Any]]] = mapped_column(Json)
    payload: Mapped[dict[str, Any]] = mapped_column(Json)
    policy_version: Mapped[str] = mapped_column(String(32))
    #: Rules not run because an appeal overturned them on this content (REVIEW-4).
    excluded_rules: Mapped[list[str]] = mapped_column(Json)
    duration_ms: Mapped[float] = mapped_column(Float)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class FindingRow(Base):
    """One finding of a machine decision, kept apart for counting by rule and reason."""

    __tablename__ = "findings"
    __table_args__ = (Index("ix_findings_rule", "rule"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id"), index=True)
    rule: Mapped[str] = mapped_column(String(32))
    reason: Mapped[str] = mapped_column(String(16))
    outcome: Mapped[str] = mapped_column(String(8))


class Appeal(Base):
    """A merchant's appeal against a rejection (RULEBOOK REVIEW-4)."""

    __tablename__ = "appeals"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uid: Mapped[str] = mapped_column(String(32), unique=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id"), index=True)
    merchant_id: Mapped[str] = mapped_column(String(200))
    statement: Mapped[str] = mapped_column(Text)
    evidence: Mapped[list[dict[str, Any]]] = mapped_column(Json)
    #: open -> upheld | overturned
    status: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by: Mapped[str | None] = mapped_column(String(100))
    note: Mapped[str | None] = mapped_column(Text)


class QueueItem(Base):
    """Work for people: a listing in human review, or an appeal; ordered by ``due_at``."""

    __tablename__ = "queue_items"
    __table_args__ = (Index("ix_queue_open", "closed_at", "due_at"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id"), index=True)
    appeal_id: Mapped[int | None] = mapped_column(ForeignKey("appeals.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    claimed_by: Mapped[str | None] = mapped_column(String(100))
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_by: Mapped[str | None] = mapped_column(String(100))


class Verdict(Base):
    """A person's decision on a queue item, next to what the machine had said."""

    __tablename__ = "verdicts"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id"), index=True)
    queue_item_id: Mapped[int] = mapped_column(ForeignKey("queue_items.id"))
    appeal_id: Mapped[int | None] = mapped_column(ForeignKey("appeals.id"))
    actor: Mapped[str] = mapped_column(String(100))
    #: approve | reject (a review); uphold | overturn (an appeal)
    verdict: Mapped[str] = mapped_column(String(16))
    decision: Mapped[str] = mapped_column(String(16))
    reasons: Mapped[list[dict[str, Any]]] = mapped_column(Json)
    note: Mapped[str | None] = mapped_column(Text)
    machine_decision: Mapped[str] = mapped_column(String(16))
    #: Reasons the machine raised (rejecting or sent to review) on this submission.
    machine_reasons: Mapped[list[str]] = mapped_column(Json)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Override(Base):
    """An overturned appeal: the machine no longer applies ``rule`` to this content."""

    __tablename__ = "overrides"
    __table_args__ = (UniqueConstraint("merchant_id", "content_hash", "rule"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    merchant_id: Mapped[str] = mapped_column(String(200))
    content_hash: Mapped[str] = mapped_column(String(64))
    rule: Mapped[str] = mapped_column(String(32))
    appeal_id: Mapped[int] = mapped_column(ForeignKey("appeals.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class AuditEntry(Base):
    """Append-only (database triggers refuse UPDATE and DELETE): who did what, when."""

    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(32))
    merchant_id: Mapped[str | None] = mapped_column(String(200))
    listing_id: Mapped[str | None] = mapped_column(String(200))
    submission_uid: Mapped[str | None] = mapped_column(String(32), index=True)
    policy_version: Mapped[str | None] = mapped_column(String(32))
    rules: Mapped[list[str]] = mapped_column(Json)
    detail: Mapped[dict[str, Any]] = mapped_column(Json)


class Event(Base):
    """The change feed. ``seq`` is given in commit order by one sequencer (see worker.py)."""

    __tablename__ = "events"
    __table_args__ = (Index("ix_events_merchant_seq", "merchant_id", "seq"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    seq: Mapped[int | None] = mapped_column(Integer, unique=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    merchant_id: Mapped[str] = mapped_column(String(200))
    type: Mapped[str] = mapped_column(String(32))
    payload: Mapped[dict[str, Any]] = mapped_column(Json)
