"""Every query the review service makes: keyword-only functions over a ``Session``.

The web layer (``api.py``, ``console.py``) and the workers (``worker.py``) call
these and never write SQL themselves (full-stack-fastapi-template's ``crud.py``).
A function runs inside the caller's transaction; it does not commit.
Problems a caller must answer are raised as :class:`Conflict` / :class:`NotFound`.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Literal, cast

from sqlalchemy import Table, and_, bindparam, func, insert, or_, select, tuple_, update
from sqlalchemy.orm import Session

from shelfcheck.model import OTHER_COMMENTS, Decision, Reason
from shelfcheck.policy import Policy
from shelfcheck.service.models import (
    ApiKey,
    Appeal,
    AuditEntry,
    Event,
    FindingRow,
    ListingRow,
    MachineDecision,
    Override,
    QueueItem,
    ServiceMeta,
    Submission,
    Verdict,
    utcnow,
)

ROLES = ("merchant", "moderator", "admin")
_AUDIT = cast(Table, AuditEntry.__table__)
_EVENTS = cast(Table, Event.__table__)
_FINDINGS = cast(Table, FindingRow.__table__)
_LISTINGS = cast(Table, ListingRow.__table__)
_SUBMISSIONS = cast(Table, Submission.__table__)
_DECISIONS = cast(Table, MachineDecision.__table__)
_QUEUE = cast(Table, QueueItem.__table__)
#: Rejections that a merchant cannot clear by sending the same content again.
STICKY_REASONS = frozenset({Reason.PROHIBITED.value, Reason.BRAND.value})
MACHINE = "machine"


class ServiceError(Exception):
    status = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class Conflict(ServiceError):
    status = 409


class NotFound(ServiceError):
    status = 404


class Invalid(ServiceError):
    status = 422

    def __init__(self, message: str, *, field: str) -> None:
        super().__init__(message)
        self.field = field


# --- small helpers ------------------------------------------------------------------------


def new_uid() -> str:
    return secrets.token_hex(12)


def content_hash(payload: dict[str, Any]) -> str:
    """What the merchant can change: everything but the listing's id and merchant."""
    body = {k: v for k, v in payload.items() if k not in {"id", "merchant_id"}}
    blob = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(blob.encode()).hexdigest()


def add_business_days(start: datetime, days: int) -> datetime:
    """``start`` plus ``days`` working days (Saturday and Sunday do not count)."""
    current = start
    added = 0
    while added < days:
        current += timedelta(days=1)
        if current.weekday() < 5:
            added += 1
    return current


def _insert(session: Session, row: Any) -> int:
    """Insert one new row with a plain INSERT (the hot paths skip the ORM's unit of work).

    ``row`` stays a transient object holding the values, with its new ``id`` set.
    """
    table = row.__table__
    values = {k: v for k, v in _values(row).items() if v is not None}
    result = session.execute(insert(table).returning(table.c.id), values)
    new_id = int(result.scalar_one())
    row.id = new_id
    return new_id


def _values(row: Any) -> dict[str, Any]:
    """A transient model object's column values, but its ``id`` (the database gives that)."""
    return {c.key: getattr(row, c.key) for c in row.__table__.columns if c.key != "id"}


def get_meta(session: Session, *, key: str) -> str | None:
    row = session.get(ServiceMeta, key)
    return row.value if row else None


def ensure_meta(session: Session, *, key: str, value: str) -> str:
    """The stored value of ``key``, storing ``value`` first if there is none."""
    existing = get_meta(session, key=key)
    if existing is not None:
        return existing
    session.add(ServiceMeta(key=key, value=value))
    session.flush()
    return value


def add_audit(session: Session, **fields: Any) -> None:
    """Append one audit entry (``fields``: those of :func:`_audit_row`)."""
    session.execute(insert(_AUDIT), _audit_row(**fields))


def _audit_row(
    *,
    actor: str,
    action: str,
    submission: Submission | None = None,
    policy_version: str | None = None,
    rules: list[str] | None = None,
    detail: dict[str, Any] | None = None,
    now: datetime | None = None,
) -> dict[str, Any]:
    """One audit entry's values (several of one transaction go in one INSERT)."""
    return {
        "at": now or utcnow(),
        "actor": actor,
        "action": action,
        "merchant_id": submission.merchant_id if submission else None,
        "listing_id": submission.external_id if submission else None,
        "submission_uid": submission.uid if submission else None,
        "policy_version": policy_version,
        "rules": rules or [],
        "detail": detail or {},
    }


def add_event(
    session: Session,
    *,
    submission: Submission,
    type: str,
    payload: dict[str, Any],
    now: datetime,
) -> None:
    session.execute(
        insert(_EVENTS), _event_row(submission=submission, type=type, payload=payload, now=now)
    )


def _event_row(
    *, submission: Submission, type: str, payload: dict[str, Any], now: datetime
) -> dict[str, Any]:
    body = {
        "listing_id": submission.external_id,
        "submission_id": submission.uid,
        "version": submission.version,
        **payload,
    }
    return {"at": now, "merchant_id": submission.merchant_id, "type": type, "payload": body}


# --- API keys ------------------------------------------------------------------------------


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def create_api_key(
    session: Session,
    *,
    name: str,
    role: str,
    merchant_id: str | None,
    created_by: str,
    key: str | None = None,
) -> tuple[ApiKey, str]:
    """A new key; the plain key is returned once and only its hash is kept."""
    if role not in ROLES:
        raise Invalid(f"role must be one of {', '.join(ROLES)}", field="role")
    if role == "merchant" and not merchant_id:
        raise Invalid("a merchant key needs its merchant_id", field="merchant_id")
    plain = key or f"sc_{secrets.token_urlsafe(32)}"
    row = ApiKey(
        name=name,
        role=role,
        merchant_id=merchant_id if role == "merchant" else None,
        key_hash=hash_key(plain),
        prefix=plain[:10],
        created_at=utcnow(),
        created_by=created_by,
    )
    session.add(row)
    session.flush()
    add_audit(
        session,
        actor=created_by,
        action="key_created",
        detail={"key_id": row.id, "name": name, "role": role, "merchant_id": merchant_id},
    )
    return row, plain


def find_api_key(session: Session, *, key: str) -> ApiKey | None:
    row = session.scalar(select(ApiKey).where(ApiKey.key_hash == hash_key(key)))
    return row if row is not None and row.revoked_at is None else None


def get_api_key(session: Session, *, key_id: int) -> ApiKey | None:
    row = session.get(ApiKey, key_id)
    return row if row is not None and row.revoked_at is None else None


def list_api_keys(session: Session) -> list[ApiKey]:
    return list(session.scalars(select(ApiKey).order_by(ApiKey.id)))


def revoke_api_key(session: Session, *, key_id: int, actor: str) -> ApiKey:
    row = session.get(ApiKey, key_id)
    if row is None:
        raise NotFound("no such key")
    if row.revoked_at is None:
        row.revoked_at = utcnow()
        add_audit(session, actor=actor, action="key_revoked", detail={"key_id": key_id})
    return row


# --- submissions -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Reviewed:
    """A decision made before its listing was stored (a text listing, reviewed in the request)."""

    decision: Decision
    #: ``decision.to_json_dict()``, made once for the store and the answer.
    payload: dict[str, Any]
    #: The rules left out because appeals overturned them on this content.
    excluded: list[str]
    duration_ms: float


@dataclass(frozen=True)
class NewSubmission:
    """One listing version a request asks to store (an item of a group-writer batch)."""

    merchant_id: str
    payload: dict[str, Any]
    #: ``content_hash(payload)``.
    digest: str
    idempotency_key: str | None
    #: Its decision when it was reviewed before it was stored; else it is stored undecided.
    reviewed: Reviewed | None
    now: datetime
    #: (claim token, lease end): store it undecided but already leased to the request that
    #: reviews it next ("store, then review"): no worker takes it unless that request dies
    #: and the lease runs out.
    claim: tuple[str, datetime] | None = None

    @property
    def listing_key(self) -> tuple[str, str]:
        return self.merchant_id, str(self.payload["id"])

    @property
    def content_key(self) -> tuple[str, str]:
        return self.merchant_id, self.digest


@dataclass(frozen=True)
class Submitted:
    """What became of a submission.

    ``new``: stored (decided when it came reviewed, else pending). ``existing``: the
    same version again. ``blocked``: content once rejected for prohibited/brand.
    ``stale``: the review left out other rules than appeals now exclude (``excluded``);
    nothing was stored, review again.
    """

    kind: Literal["new", "existing", "blocked", "stale"]
    submission: Submission | None
    #: The machine's decision on ``submission`` (FORMATS §2), if it has one.
    machine: dict[str, Any] | None = None
    excluded: list[str] | None = None


def store_submissions(
    session: Session,
    items: Sequence[NewSubmission],
    *,
    policy: Policy,
    known_categories: frozenset[str] | set[str] = frozenset(),
) -> list[Submitted]:
    """Store listing versions, each as if stored alone in this order, with a few statements
    per batch rather than a dozen per listing (the group writer hands in its whole batch).

    Same content as the listing's latest version (or the same ``Idempotency-Key``):
    that version again. Content once rejected for ``prohibited`` or ``brand``: blocked.
    A reviewed version is stored decided with all its rows (decision, findings, live
    version, queue item, audit, event); an unreviewed one is stored pending for a worker.
    ``known_categories``: categories already stored (not high-risk for being new).

    Items that share a listing, content or key with an earlier item go into the next
    run, so a run reads everything its items depend on once, then writes.
    """
    out: list[Submitted] = []
    for run in _runs(items):
        out.extend(_store_run(session, run, policy=policy, known_categories=known_categories))
    return out


def _runs(items: Sequence[NewSubmission]) -> Iterator[list[NewSubmission]]:
    run: list[NewSubmission] = []
    taken: set[tuple[str, ...]] = set()
    for item in items:
        keys = {("listing", *item.listing_key), ("content", *item.content_key)}
        if item.idempotency_key:
            keys.add(("key", item.merchant_id, item.idempotency_key))
        if keys & taken:
            yield run
            run, taken = [], set()
        run.append(item)
        taken |= keys
    if run:
        yield run


@dataclass
class _Stored:
    """What is stored already that a run's items depend on (read before the run writes)."""

    by_key: dict[tuple[str, str], Submission]
    #: (merchant, listing id) -> (listings.id, latest submission id, live submission id)
    listings: dict[tuple[str, str], tuple[int, int | None, int | None]]
    latest: dict[int, Submission]
    #: (merchant, content hash) -> an earlier version rejected for prohibited/brand
    sticky: dict[tuple[str, str], int]
    #: (merchant, content hash) -> the rules appeals took off that content
    excluded: dict[tuple[str, str], list[str]]
    categories: set[str]


def _read_stored(
    session: Session, run: list[NewSubmission], *, policy: Policy, known: frozenset[str] | set[str]
) -> _Stored:
    """Six indexed reads at most for the whole run. The listings' rows are locked
    (PostgreSQL; SQLite's writer holds the whole store) until the run's commit."""
    s, lst = _SUBMISSIONS.c, _LISTINGS.c
    keys = [(i.merchant_id, i.idempotency_key) for i in run if i.idempotency_key]
    by_key = {}
    if keys:
        for sub in session.scalars(
            select(Submission).where(
                tuple_(Submission.merchant_id, Submission.idempotency_key).in_(keys)
            )
        ):
            by_key[(sub.merchant_id, str(sub.idempotency_key))] = sub
    listings = {
        (m, e): (lid, latest, live)
        for lid, m, e, latest, live in session.execute(
            select(
                lst.id,
                lst.merchant_id,
                lst.external_id,
                lst.latest_submission_id,
                lst.live_submission_id,
            )
            .where(tuple_(lst.merchant_id, lst.external_id).in_([i.listing_key for i in run]))
            .order_by(lst.id)
            .with_for_update()
        )
    }
    latest_ids = [latest for _, latest, _ in listings.values() if latest is not None]
    latest = (
        {
            sub.id: sub
            for sub in session.scalars(select(Submission).where(Submission.id.in_(latest_ids)))
        }
        if latest_ids
        else {}
    )
    contents = [i.content_key for i in run]
    sticky: dict[tuple[str, str], int] = {}
    for sub_id, m, digest, reasons in session.execute(
        select(s.id, s.merchant_id, s.content_hash, s.outcome_reasons)
        .where(tuple_(s.merchant_id, s.content_hash).in_(contents), s.outcome == "reject")
        .order_by(s.id)
    ):
        if {r.get("code") for r in reasons or []} & STICKY_REASONS:
            sticky.setdefault((m, digest), sub_id)
    excluded: dict[tuple[str, str], list[str]] = {}
    for m, digest, rule_id in session.execute(
        select(Override.merchant_id, Override.content_hash, Override.rule)
        .where(tuple_(Override.merchant_id, Override.content_hash).in_(contents))
        .order_by(Override.rule)
    ):
        excluded.setdefault((m, digest), []).append(rule_id)
    asked = {
        category
        for category in (_category(i.payload) for i in run)
        if category
        and category not in known
        and not policy.queue.high_risk_categories.search(category)
    }
    categories = set(known)
    if asked:
        categories.update(
            session.scalars(select(s.category).where(s.category.in_(asked)).distinct())
        )
    return _Stored(by_key, listings, latest, sticky, excluded, categories)


def _category(payload: dict[str, Any]) -> str | None:
    category = payload.get("category") or None
    return str(category)[:500] if category else None


def _is_sticky(sub: Submission) -> bool:
    reasons = {r.get("code") for r in (sub.outcome_reasons or [])}
    return sub.outcome == "reject" and bool(reasons & STICKY_REASONS)


def _known(session: Session, sub: Submission, kind: Literal["existing", "blocked"]) -> Submitted:
    machine = machine_decision(session, submission_id=sub.id)
    return Submitted(kind, sub, machine.payload if machine else None)


def _resolve(session: Session, item: NewSubmission, stored: _Stored) -> Submitted | None:
    """The answer when ``item`` is not a new version (``None`` when it is)."""
    if item.idempotency_key:
        prior = stored.by_key.get((item.merchant_id, item.idempotency_key))
        if prior is not None:
            if prior.content_hash != item.digest or prior.external_id != item.listing_key[1]:
                raise Invalid(
                    "this Idempotency-Key was used for another listing", field="Idempotency-Key"
                )
            return _known(session, prior, "existing")
    listing = stored.listings.get(item.listing_key)
    latest = stored.latest.get(listing[1]) if listing is not None and listing[1] else None
    if latest is not None and latest.content_hash == item.digest:
        return _known(session, latest, "blocked" if _is_sticky(latest) else "existing")
    sticky = stored.sticky.get(item.content_key)
    if sticky is not None:
        return Submitted("blocked", session.get(Submission, sticky))
    excluded = stored.excluded.get(item.content_key, [])
    if item.reviewed is not None and excluded != item.reviewed.excluded:
        return Submitted("stale", None, excluded=excluded)
    return None


def _store_run(
    session: Session,
    run: list[NewSubmission],
    *,
    policy: Policy,
    known_categories: frozenset[str] | set[str],
) -> list[Submitted]:
    stored = _read_stored(session, run, policy=policy, known=known_categories)
    answers = [_resolve(session, item, stored) for item in run]
    fresh = [item for item, answer in zip(run, answers, strict=True) if answer is None]
    if not fresh:
        return [a for a in answers if a is not None]
    # listings seen for the first time, in key order (two processes lock them alike)
    first = sorted(
        {i.listing_key: i for i in fresh if i.listing_key not in stored.listings}.items()
    )
    if first:
        inserted = session.execute(
            insert(_LISTINGS).returning(
                _LISTINGS.c.id, _LISTINGS.c.merchant_id, _LISTINGS.c.external_id
            ),
            [{"merchant_id": m, "external_id": e, "created_at": i.now} for (m, e), i in first],
        )
        for listing_id, merchant_id, external_id in inserted:
            stored.listings[(merchant_id, external_id)] = (listing_id, None, None)
    subs = [_new_version(item, stored, policy=policy) for item in fresh]
    # RETURNING in whatever order the database likes (SQLite inserts row by row when
    # asked to keep the order); the uid says which row is which
    ids: dict[str, int] = {
        uid: sub_id
        for uid, sub_id in session.execute(
            insert(_SUBMISSIONS).returning(_SUBMISSIONS.c.uid, _SUBMISSIONS.c.id),
            [_values(sub) for sub in subs],
        )
    }
    rows = _Rows()
    pointers = []
    for item, sub in zip(fresh, subs, strict=True):
        sub.id = ids[sub.uid]
        listing_id, _, live_id = stored.listings[item.listing_key]
        live = None
        if sub.outcome == "approve":
            live = live_id is None or live_id < sub.id
            live_id = sub.id if live else live_id
        pointers.append({"listing": listing_id, "latest": sub.id, "live": live_id})
        rows.audit.append(
            _audit_row(
                actor=item.merchant_id,
                action="submitted",
                submission=sub,
                now=item.now,
                detail={"version": sub.version, "content_hash": item.digest},
            )
        )
        if item.reviewed is not None:
            rows.add_decision(sub, item.reviewed, live=live, policy=policy, now=item.now)
    session.execute(
        update(_LISTINGS)
        .where(_LISTINGS.c.id == bindparam("listing"))
        .values(latest_submission_id=bindparam("latest"), live_submission_id=bindparam("live")),
        pointers,
    )
    rows.insert(session)
    new = iter(subs)
    out = []
    for item, answer in zip(run, answers, strict=True):
        if answer is None:
            answer = Submitted(
                "new",
                next(new),
                item.reviewed.payload if item.reviewed else None,
                excluded=stored.excluded.get(item.content_key, []),
            )
        out.append(answer)
    return out


def _new_version(item: NewSubmission, stored: _Stored, *, policy: Policy) -> Submission:
    """The submission row of a new version (decided when it comes reviewed, else pending)."""
    listing_id, latest_id, _ = stored.listings[item.listing_key]
    latest = stored.latest.get(latest_id) if latest_id else None
    category = _category(item.payload)
    high_risk = bool(category) and (
        bool(policy.queue.high_risk_categories.search(category or ""))
        or category not in stored.categories
    )
    if category:
        stored.categories.add(category)
    decision = item.reviewed.decision if item.reviewed is not None else None
    now = item.now
    token, lease_until = item.claim if item.claim and decision is None else (None, None)
    return Submission(
        uid=new_uid(),
        listing_id=listing_id,
        merchant_id=item.merchant_id,
        external_id=item.listing_key[1],
        version=(latest.version + 1) if latest else 1,
        content_hash=item.digest,
        idempotency_key=item.idempotency_key,
        payload=item.payload,
        category=category,
        has_photos=bool(item.payload.get("photos")),
        high_risk=high_risk,
        status=("running" if token else "pending") if decision is None else "decided",
        claim_token=token,
        lease_until=lease_until,
        attempts=0 if decision is None and not token else 1,
        created_at=now,
        decided_at=None if decision is None else now,
        outcome=None if decision is None else decision.decision,
        outcome_reasons=None if decision is None else _reasons(decision),
        outcome_by=None if decision is None else MACHINE,
    )


def _owned(session: Session, model: Any, *, uid: str, merchant_id: str | None, what: str) -> Any:
    """A row by its public id; a merchant sees only its own (404 otherwise, no leak)."""
    query = select(model).where(model.uid == uid)
    if merchant_id is not None:
        query = query.where(model.merchant_id == merchant_id)
    row = session.scalar(query)
    if row is None:
        raise NotFound(f"no such {what}")
    return row


def get_submission(session: Session, *, uid: str, merchant_id: str | None) -> Submission:
    """A submission by its public id; a merchant sees only its own (404 otherwise)."""
    sub: Submission = _owned(
        session, Submission, uid=uid, merchant_id=merchant_id, what="submission"
    )
    return sub


def get_listing(session: Session, *, merchant_id: str, external_id: str) -> ListingRow:
    row = session.scalar(
        select(ListingRow).where(
            ListingRow.merchant_id == merchant_id, ListingRow.external_id == external_id
        )
    )
    if row is None:
        raise NotFound("no such listing")
    return row


def list_listings(
    session: Session, *, merchant_id: str | None, limit: int, offset: int
) -> list[ListingRow]:
    query = select(ListingRow).order_by(ListingRow.id).limit(limit).offset(offset)
    if merchant_id is not None:
        query = query.where(ListingRow.merchant_id == merchant_id)
    return list(session.scalars(query))


def listing_versions(session: Session, *, listing: ListingRow) -> list[Submission]:
    return list(
        session.scalars(
            select(Submission)
            .where(Submission.listing_id == listing.id)
            .order_by(Submission.version)
        )
    )


def machine_decision(session: Session, *, submission_id: int) -> MachineDecision | None:
    return session.scalar(
        select(MachineDecision).where(MachineDecision.submission_id == submission_id)
    )


def verdicts_for(session: Session, *, submission_id: int) -> list[Verdict]:
    return list(
        session.scalars(
            select(Verdict).where(Verdict.submission_id == submission_id).order_by(Verdict.id)
        )
    )


def appeals_for(session: Session, *, submission_id: int) -> list[Appeal]:
    return list(
        session.scalars(
            select(Appeal).where(Appeal.submission_id == submission_id).order_by(Appeal.id)
        )
    )


def merchant_history(session: Session, *, merchant_id: str, limit: int = 20) -> dict[str, Any]:
    """A merchant's record: outcome counts and the latest versions it sent."""
    counts = dict(
        session.execute(
            select(Submission.outcome, func.count())
            .where(Submission.merchant_id == merchant_id)
            .group_by(Submission.outcome)
        ).all()
    )
    recent = list(
        session.scalars(
            select(Submission)
            .where(Submission.merchant_id == merchant_id)
            .order_by(Submission.id.desc())
            .limit(limit)
        )
    )
    appeals = session.scalar(
        select(func.count()).select_from(Appeal).where(Appeal.merchant_id == merchant_id)
    )
    return {
        "counts": {str(k): v for k, v in counts.items()},
        "recent": recent,
        "appeals": appeals or 0,
    }


# --- the machine's reviews ------------------------------------------------------------------


def excluded_rules(session: Session, *, merchant_id: str, content_hash: str) -> list[str]:
    """Rules an overturned appeal took off this content (REVIEW-4)."""
    return sorted(
        session.scalars(
            select(Override.rule).where(
                Override.merchant_id == merchant_id, Override.content_hash == content_hash
            )
        )
    )


def has_pending_reviews(session: Session, *, now: datetime) -> bool:
    """Whether any review waits (a read: idle workers ask this, not for the write lock)."""
    return session.scalar(select(Submission.id).where(_waiting(now)).limit(1)) is not None


def _waiting(now: datetime) -> Any:
    return or_(
        Submission.status == "pending",
        and_(Submission.status == "running", Submission.lease_until < now),
    )


def claim_pending_reviews(
    session: Session, *, token: str, lease_until: datetime, now: datetime, limit: int
) -> list[Submission]:
    """Lease up to ``limit`` reviews that wait, or whose worker died (lease expired)."""
    ids = list(
        session.scalars(
            select(Submission.id)
            .where(_waiting(now))
            .order_by(Submission.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
    )
    if not ids:
        return []
    session.execute(
        update(Submission)
        .where(Submission.id.in_(ids))
        .values(
            status="running",
            claim_token=token,
            lease_until=lease_until,
            attempts=Submission.attempts + 1,
        )
        .execution_options(synchronize_session=False)
    )
    return list(session.scalars(select(Submission).where(Submission.id.in_(ids))))


def finish_review(
    session: Session,
    *,
    submission: Submission,
    claim_token: str,
    decision: Decision,
    excluded: list[str],
    duration_ms: float,
    policy: Policy,
    now: datetime,
    rows: _Rows | None = None,
) -> Submission | None:
    """Store a worker's decision if the worker still holds the lease (else ``None``).
    ``rows``: collect the decision's rows there for the caller to insert (a batch).

    One transaction: the submission's outcome, then the decision's rows. The
    unique decision per submission makes a second one impossible. ``submission``
    (the caller's copy) is updated to match.
    """
    sub = submission
    reasons = _reasons(decision)
    taken = session.execute(
        update(Submission)
        .where(
            Submission.id == sub.id,
            Submission.status == "running",
            Submission.claim_token == claim_token,
        )
        .values(
            status="decided",
            decided_at=now,
            outcome=decision.decision,
            outcome_reasons=reasons,
            outcome_by=MACHINE,
            lease_until=None,
        )
        .execution_options(synchronize_session=False)
    )
    if taken.rowcount != 1:  # type: ignore[attr-defined]
        return None
    sub.status, sub.decided_at, sub.outcome = "decided", now, decision.decision
    sub.outcome_reasons, sub.outcome_by, sub.lease_until = reasons, MACHINE, None
    live = _maybe_go_live(session, submission=sub) if decision.decision == "approve" else None
    batch = rows if rows is not None else _Rows()
    reviewed = Reviewed(decision, decision.to_json_dict(), excluded, duration_ms)
    batch.add_decision(sub, reviewed, live=live, policy=policy, now=now)
    if rows is None:
        batch.insert(session)
    return sub


@dataclass(frozen=True)
class Finished:
    """A decision made in the request for a submission it stored leased (an item of a
    group-writer batch)."""

    submission: Submission
    claim_token: str
    reviewed: Reviewed
    now: datetime


class BatchConflict(Exception):
    """A batch's rows changed under it (a lease lost, a newer live version): the group
    writer rolls the batch back and stores each item alone, which sorts them out."""


def finish_reviews(
    session: Session, items: Sequence[Finished], *, policy: Policy
) -> list[Submission | None]:
    """:func:`finish_review` for each item, in one transaction (``None``: the lease was
    lost). Two or more items go in with one statement per table: an UPDATE of all the
    submissions, one of the listings their approvals make live, one INSERT per table of
    the decisions' rows. Should any row not be as expected, :class:`BatchConflict`."""
    rows = _Rows()
    if len(items) < 2 or not session.get_bind().dialect.supports_sane_multi_rowcount:
        done = [
            finish_review(
                session,
                submission=item.submission,
                claim_token=item.claim_token,
                decision=item.reviewed.decision,
                excluded=item.reviewed.excluded,
                duration_ms=item.reviewed.duration_ms,
                policy=policy,
                now=item.now,
                rows=rows,
            )
            for item in items
        ]
        rows.insert(session)
        return done
    lives = _go_live_together(session, items)
    s = _SUBMISSIONS.c
    reasons = [_reasons(item.reviewed.decision) for item in items]
    taken = session.execute(
        update(_SUBMISSIONS)
        .where(
            s.id == bindparam("b_id"),
            s.status == "running",
            s.claim_token == bindparam("b_token"),
        )
        .values(
            status="decided",
            decided_at=bindparam("b_now"),
            outcome=bindparam("b_outcome"),
            outcome_reasons=bindparam("b_reasons"),
            outcome_by=MACHINE,
            lease_until=None,
        ),
        [
            {
                "b_id": item.submission.id,
                "b_token": item.claim_token,
                "b_now": item.now,
                "b_outcome": item.reviewed.decision.decision,
                "b_reasons": why,
            }
            for item, why in zip(items, reasons, strict=True)
        ],
    )
    if taken.rowcount != len(items):  # type: ignore[attr-defined]
        raise BatchConflict(f"{len(items) - taken.rowcount} of {len(items)} leases lost")  # type: ignore[attr-defined]
    for item, why, live in zip(items, reasons, lives, strict=True):
        sub = item.submission
        sub.status, sub.decided_at, sub.outcome = "decided", item.now, item.reviewed.decision.decision
        sub.outcome_reasons, sub.outcome_by, sub.lease_until = why, MACHINE, None
        rows.add_decision(sub, item.reviewed, live=live, policy=policy, now=item.now)
    rows.insert(session)
    return [item.submission for item in items]


def _go_live_together(session: Session, items: Sequence[Finished]) -> list[bool | None]:
    """:func:`_maybe_go_live` for the approvals among ``items`` (None for the others):
    the listings read and locked once, in id order as ``store_submissions`` locks them,
    and updated with one statement."""
    approved = [i.submission.listing_id for i in items if i.reviewed.decision.decision == "approve"]
    if not approved:
        return [None] * len(items)
    lst = _LISTINGS.c
    live_now: dict[int, int | None] = dict(
        session.execute(  # type: ignore[arg-type]
            select(lst.id, lst.live_submission_id)
            .where(lst.id.in_(set(approved)))
            .order_by(lst.id)
            .with_for_update()
        ).all()
    )
    lives: list[bool | None] = []
    moves = []
    for item in items:
        sub = item.submission
        if item.reviewed.decision.decision != "approve":
            lives.append(None)
            continue
        current = live_now.get(sub.listing_id)
        live = current is None or current < sub.id
        if live:
            live_now[sub.listing_id] = sub.id
            moves.append({"b_listing": sub.listing_id, "b_sub": sub.id})
        lives.append(live)
    if moves:
        moved = session.execute(
            update(_LISTINGS)
            .where(
                lst.id == bindparam("b_listing"),
                or_(lst.live_submission_id.is_(None), lst.live_submission_id < bindparam("b_sub")),
            )
            .values(live_submission_id=bindparam("b_sub")),
            moves,
        )
        if moved.rowcount != len(moves):  # type: ignore[attr-defined]
            raise BatchConflict("a listing's live version changed during the batch")
    return lives


def _reasons(decision: Decision) -> list[dict[str, Any]]:
    return [r.model_dump(mode="json") for r in decision.reasons]


@dataclass
class _Rows:
    """The rows of machine decisions, collected to go in with one INSERT per table."""

    decisions: list[dict[str, Any]] = field(default_factory=list)
    findings: list[dict[str, Any]] = field(default_factory=list)
    queue: list[dict[str, Any]] = field(default_factory=list)
    audit: list[dict[str, Any]] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)

    def add_decision(
        self,
        sub: Submission,
        reviewed: Reviewed,
        *,
        live: bool | None,
        policy: Policy,
        now: datetime,
    ) -> None:
        """A decided submission's decision, findings, queue item (``human_review``),
        audit entry and event. ``live``: whether an approval made it the live version."""
        decision = reviewed.decision
        reasons = sub.outcome_reasons or []
        self.decisions.append(
            {
                "submission_id": sub.id,
                "decision": decision.decision,
                "reasons": reasons,
                "payload": reviewed.payload,
                "policy_version": decision.policy_version,
                "excluded_rules": reviewed.excluded,
                "duration_ms": reviewed.duration_ms,
                "created_at": now,
            }
        )
        self.findings.extend(
            {
                "submission_id": sub.id,
                "rule": f.rule,
                "reason": f.reason.value,
                "outcome": f.outcome,
            }
            for f in decision.findings
        )
        if decision.decision == "human_review":
            days = (
                policy.queue.high_risk_business_days
                if sub.high_risk
                else policy.queue.ordinary_business_days
            )
            # REVIEW-3: in the days before a big sale the queue is slower
            days = policy.queue.deadline_days(days, sub.created_at.date())
            self.queue.append(
                {
                    "kind": "review",
                    "submission_id": sub.id,
                    "created_at": now,
                    "due_at": add_business_days(sub.created_at, days),
                }
            )
        self.audit.append(
            _audit_row(
                actor=MACHINE,
                action="machine_decision",
                submission=sub,
                now=now,
                policy_version=decision.policy_version,
                rules=sorted({f.rule for f in decision.findings}),
                detail={
                    "decision": decision.decision,
                    "reasons": reasons,
                    "excluded": reviewed.excluded,
                },
            )
        )
        self.events.append(
            _event_row(
                submission=sub,
                type="decision",
                now=now,
                payload={
                    "decision": decision.decision,
                    "reasons": reasons,
                    "by": MACHINE,
                    "policy_version": decision.policy_version,
                    "live": live,
                },
            )
        )

    def insert(self, session: Session) -> None:
        for table, rows in (
            (_DECISIONS, self.decisions),
            (_FINDINGS, self.findings),
            (_QUEUE, self.queue),
            (_AUDIT, self.audit),
            (_EVENTS, self.events),
        ):
            if rows:
                session.execute(insert(table), rows)


def _maybe_go_live(session: Session, *, submission: Submission) -> bool:
    """Make an approved version live unless a newer version is live already (one UPDATE)."""
    result = session.execute(
        update(ListingRow)
        .where(
            ListingRow.id == submission.listing_id,
            or_(
                ListingRow.live_submission_id.is_(None),
                ListingRow.live_submission_id < submission.id,
            ),
        )
        .values(live_submission_id=submission.id)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def review_progress(session: Session) -> dict[str, int]:
    rows = session.execute(
        select(Submission.status, func.count()).group_by(Submission.status)
    ).all()
    return {status: count for status, count in rows}


# --- appeals --------------------------------------------------------------------------------


def create_appeal(
    session: Session,
    *,
    submission: Submission,
    statement: str,
    evidence: list[dict[str, Any]],
    policy: Policy,
    now: datetime,
) -> Appeal:
    """A merchant appeals a rejected version (REVIEW-4); it goes to the human queue."""
    if submission.outcome != "reject":
        raise Conflict("only a rejected listing can be appealed")
    if any(a.status == "open" for a in appeals_for(session, submission_id=submission.id)):
        raise Conflict("this version already has an open appeal")
    appeal = Appeal(
        uid=new_uid(),
        submission_id=submission.id,
        merchant_id=submission.merchant_id,
        statement=statement,
        evidence=evidence,
        status="open",
        created_at=now,
    )
    session.add(appeal)
    session.flush()
    session.add(
        QueueItem(
            kind="appeal",
            submission_id=submission.id,
            appeal_id=appeal.id,
            created_at=now,
            due_at=add_business_days(now, policy.queue.appeal_business_days),
        )
    )
    add_audit(
        session,
        actor=submission.merchant_id,
        action="appealed",
        submission=submission,
        now=now,
        detail={"appeal_id": appeal.uid, "evidence": len(evidence)},
    )
    add_event(
        session,
        submission=submission,
        type="appeal",
        now=now,
        payload={"appeal_id": appeal.uid, "status": "open"},
    )
    return appeal


def get_appeal(session: Session, *, uid: str, merchant_id: str | None) -> Appeal:
    """An appeal by its public id; a merchant sees only its own (404 otherwise)."""
    appeal: Appeal = _owned(session, Appeal, uid=uid, merchant_id=merchant_id, what="appeal")
    return appeal


# --- the human queue ------------------------------------------------------------------------


def open_queue(session: Session, *, limit: int = 200) -> list[tuple[QueueItem, Submission]]:
    """Open items, earliest deadline first (REVIEW-3)."""
    rows = session.execute(
        select(QueueItem, Submission)
        .join(Submission, Submission.id == QueueItem.submission_id)
        .where(QueueItem.closed_at.is_(None))
        .order_by(QueueItem.due_at, QueueItem.id)
        .limit(limit)
    ).all()
    return list(rows)


def get_queue_item(session: Session, *, item_id: int) -> QueueItem:
    item = session.get(QueueItem, item_id)
    if item is None:
        raise NotFound("no such queue item")
    return item


def claim_item(
    session: Session, *, item_id: int, actor: str, now: datetime, lease_s: float
) -> QueueItem:
    """Lease one item to ``actor``; nobody else gets it while the lease lasts."""
    taken = session.execute(
        update(QueueItem)
        .where(
            QueueItem.id == item_id,
            QueueItem.closed_at.is_(None),
            or_(
                QueueItem.claimed_by.is_(None),
                QueueItem.lease_until < now,
                QueueItem.claimed_by == actor,
            ),
        )
        .values(claimed_by=actor, lease_until=now + timedelta(seconds=lease_s))
        .execution_options(synchronize_session=False)
    )
    item = session.get(QueueItem, item_id, populate_existing=True)
    if item is None:
        raise NotFound("no such queue item")
    if taken.rowcount != 1:  # type: ignore[attr-defined]
        raise Conflict("closed" if item.closed_at else f"claimed by {item.claimed_by}")
    return item


def claim_next(session: Session, *, actor: str, now: datetime, lease_s: float) -> QueueItem | None:
    """The open item with the earliest deadline that nobody holds, leased to ``actor``."""
    mine = session.scalar(
        select(QueueItem)
        .where(
            QueueItem.closed_at.is_(None),
            QueueItem.claimed_by == actor,
            QueueItem.lease_until >= now,
        )
        .order_by(QueueItem.due_at)
        .limit(1)
    )
    if mine is not None:
        return mine
    candidates = session.scalars(
        select(QueueItem.id)
        .where(
            QueueItem.closed_at.is_(None),
            or_(QueueItem.claimed_by.is_(None), QueueItem.lease_until < now),
        )
        .order_by(QueueItem.due_at, QueueItem.id)
        .limit(20)
    ).all()
    for item_id in candidates:
        try:
            return claim_item(session, item_id=item_id, actor=actor, now=now, lease_s=lease_s)
        except Conflict:
            continue
    return None


def release_item(session: Session, *, item_id: int, actor: str) -> None:
    session.execute(
        update(QueueItem)
        .where(
            QueueItem.id == item_id, QueueItem.claimed_by == actor, QueueItem.closed_at.is_(None)
        )
        .values(claimed_by=None, lease_until=None)
        .execution_options(synchronize_session=False)
    )


def check_reasons(reasons: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The closed reason set of RULEBOOK §0; ``other`` needs one of its three comments."""
    known = {r.value for r in Reason}
    out: list[dict[str, Any]] = []
    seen: set[str] = set()
    for index, reason in enumerate(reasons):
        code = reason.get("code")
        if code not in known:
            raise Invalid(f"unknown reason {code!r}", field=f"reasons[{index}].code")
        if code in seen:
            continue
        seen.add(code)
        comment = reason.get("comment") or None
        if code == Reason.OTHER.value:
            if comment not in OTHER_COMMENTS:
                raise Invalid(
                    f"`other` needs a comment: one of {', '.join(OTHER_COMMENTS)}",
                    field=f"reasons[{index}].comment",
                )
        else:
            comment = None
        out.append({"code": code, "comment": comment})
    order = {r.value: i for i, r in enumerate(Reason)}
    return sorted(out, key=lambda r: order[r["code"]])


def _machine_reasons(session: Session, *, submission_id: int) -> list[str]:
    return sorted(
        set(
            session.scalars(
                select(FindingRow.reason).where(
                    FindingRow.submission_id == submission_id,
                    FindingRow.outcome.in_(("reject", "review")),
                )
            )
        )
    )


def record_verdict(
    session: Session,
    *,
    item_id: int,
    actor: str,
    verdict: str,
    reasons: list[dict[str, Any]],
    note: str | None,
    now: datetime,
) -> Verdict:
    """A moderator decides a claimed item: approve/reject a review, uphold/overturn an appeal."""
    item = session.get(QueueItem, item_id, with_for_update=True)
    if item is None:
        raise NotFound("no such queue item")
    if item.closed_at is not None:
        raise Conflict("this item is already decided")
    if item.claimed_by != actor or item.lease_until is None or item.lease_until < now:
        raise Conflict("claim the item first (or your claim has run out)")
    allowed = ("approve", "reject") if item.kind == "review" else ("uphold", "overturn")
    if verdict not in allowed:
        raise Invalid(f"verdict must be one of {', '.join(allowed)}", field="verdict")
    sub = session.get(Submission, item.submission_id)
    assert sub is not None
    note = (note or "").strip() or None
    machine = machine_decision(session, submission_id=sub.id)
    appeal = session.get(Appeal, item.appeal_id) if item.appeal_id else None
    if verdict == "reject":
        reasons = check_reasons(reasons)
        if not reasons:
            raise Invalid("a rejection needs at least one reason", field="reasons")
    elif verdict == "uphold":
        reasons = list(sub.outcome_reasons or [])
    else:
        reasons = []
    if item.kind == "appeal" and not note:
        raise Invalid("say why: an appeal verdict needs a note", field="note")
    decision = "reject" if verdict in ("reject", "uphold") else "approve"
    row = Verdict(
        submission_id=sub.id,
        queue_item_id=item.id,
        appeal_id=item.appeal_id,
        actor=actor,
        verdict=verdict,
        decision=decision,
        reasons=reasons,
        note=note,
        machine_decision=machine.decision if machine else "none",
        machine_reasons=_machine_reasons(session, submission_id=sub.id),
        created_at=now,
    )
    session.add(row)
    item.closed_at = now
    item.closed_by = actor
    overridden: list[str] = []
    if appeal is not None:
        appeal.status = "upheld" if verdict == "uphold" else "overturned"
        appeal.decided_at = now
        appeal.decided_by = actor
        appeal.note = note
    if verdict == "overturn":
        overridden = sorted(
            {
                f.rule
                for f in session.scalars(
                    select(FindingRow).where(
                        FindingRow.submission_id == sub.id, FindingRow.outcome == "reject"
                    )
                )
            }
        )
        for rule_id in overridden:
            exists = session.scalar(
                select(Override.id).where(
                    Override.merchant_id == sub.merchant_id,
                    Override.content_hash == sub.content_hash,
                    Override.rule == rule_id,
                )
            )
            if exists is None:
                session.add(
                    Override(
                        merchant_id=sub.merchant_id,
                        content_hash=sub.content_hash,
                        rule=rule_id,
                        appeal_id=appeal.id if appeal else 0,
                        created_at=now,
                    )
                )
    sub.outcome = decision
    sub.outcome_reasons = reasons
    sub.outcome_by = actor
    live = _maybe_go_live(session, submission=sub) if decision == "approve" else None
    add_audit(
        session,
        actor=actor,
        action=f"verdict_{verdict}",
        submission=sub,
        now=now,
        policy_version=machine.policy_version if machine else None,
        rules=overridden,
        detail={
            "queue_item": item.id,
            "decision": decision,
            "reasons": reasons,
            "note": note,
            "appeal_id": appeal.uid if appeal else None,
            "machine_decision": row.machine_decision,
        },
    )
    add_event(
        session,
        submission=sub,
        type="verdict",
        now=now,
        payload={
            "decision": decision,
            "reasons": reasons,
            "by": "human",
            "verdict": verdict,
            "appeal_id": appeal.uid if appeal else None,
            "live": live,
        },
    )
    session.flush()
    return row


# --- audit and events -----------------------------------------------------------------------


def audit_entries(
    session: Session,
    *,
    limit: int = 100,
    before: int | None = None,
    submission_uid: str | None = None,
) -> list[AuditEntry]:
    query = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
    if before is not None:
        query = query.where(AuditEntry.id < before)
    if submission_uid is not None:
        query = query.where(AuditEntry.submission_uid == submission_uid)
    return list(session.scalars(query))


#: pg_try_advisory_xact_lock key: one event sequencer at a time across processes.
_SEQUENCER_LOCK = 0x73657173


def sequence_events(session: Session, *, batch: int = 2000) -> int:
    """Number committed events in commit order (the feed's cursor is ``seq``).

    Ids are handed out before commit, so on PostgreSQL a lower id can commit
    later; numbering only what is committed, by one sequencer at a time, gives
    a feed in which nothing appears behind a cursor a client already passed.
    """
    if session.get_bind().dialect.name == "postgresql":
        got = session.scalar(select(func.pg_try_advisory_xact_lock(_SEQUENCER_LOCK)))
        if not got:
            return 0
    ids = session.scalars(
        select(Event.id).where(Event.seq.is_(None)).order_by(Event.id).limit(batch)
    ).all()
    if not ids:
        return 0
    top = session.scalar(select(func.max(Event.seq))) or 0
    session.execute(
        update(Event), [{"id": event_id, "seq": top + i} for i, event_id in enumerate(ids, 1)]
    )
    return len(ids)


def events_after(
    session: Session, *, after: int, merchant_id: str | None, limit: int
) -> list[Event]:
    query = (
        select(Event)
        .where(Event.seq.is_not(None), Event.seq > after)
        .order_by(Event.seq)
        .limit(limit)
    )
    if merchant_id is not None:
        query = query.where(Event.merchant_id == merchant_id)
    return list(session.scalars(query))


# --- metrics --------------------------------------------------------------------------------


def metrics(session: Session, *, now: datetime) -> dict[str, Any]:
    """Decisions by reason and rule, automation share, agreement with people, the queue."""
    by_decision = dict(
        session.execute(
            select(MachineDecision.decision, func.count()).group_by(MachineDecision.decision)
        ).all()
    )
    by_reason = dict(
        session.execute(
            select(FindingRow.reason, func.count(func.distinct(FindingRow.submission_id)))
            .where(FindingRow.outcome == "reject")
            .group_by(FindingRow.reason)
        ).all()
    )
    by_rule: dict[str, dict[str, int]] = {}
    for rule_id, outcome, count in session.execute(
        select(FindingRow.rule, FindingRow.outcome, func.count()).group_by(
            FindingRow.rule, FindingRow.outcome
        )
    ):
        by_rule.setdefault(rule_id, {})[outcome] = count
    machine_total = sum(by_decision.values())
    automated = by_decision.get("approve", 0) + by_decision.get("reject", 0)
    verdicts = session.execute(
        select(
            Verdict.verdict,
            Verdict.decision,
            Verdict.reasons,
            Verdict.machine_decision,
            Verdict.machine_reasons,
        )
    ).all()
    agreement: dict[str, Counter[str]] = {}
    decisions_agree = 0
    for _verdict, decision, reasons, machine_decision_, machine_reasons in verdicts:
        human = {r["code"] for r in reasons}
        machine = set(machine_reasons)
        for code in human | machine:
            tally = agreement.setdefault(code, Counter())
            if code in human and code in machine:
                tally["both"] += 1
            elif code in machine:
                tally["machine_only"] += 1
            else:
                tally["human_only"] += 1
        if decision == machine_decision_ or (
            machine_decision_ == "human_review" and decision == "reject" and machine & human
        ):
            decisions_agree += 1
    per_reason = {
        code: {**tally, "agreement": round(tally["both"] / sum(tally.values()), 3)}
        for code, tally in sorted(agreement.items())
    }
    open_items = session.execute(
        select(QueueItem.kind, QueueItem.created_at, QueueItem.due_at).where(
            QueueItem.closed_at.is_(None)
        )
    ).all()
    ages = [(now - created).total_seconds() for _, created, _ in open_items]
    progress = review_progress(session)
    return {
        "machine_decisions": {"total": machine_total, **by_decision},
        "rejections_by_reason": by_reason,
        "findings_by_rule": by_rule,
        "automation": {
            "automated": automated,
            "sent_to_people": by_decision.get("human_review", 0),
            "automated_share": round(automated / machine_total, 4) if machine_total else None,
        },
        "agreement": {
            "verdicts": len(verdicts),
            "decision_agreement": round(decisions_agree / len(verdicts), 4) if verdicts else None,
            "by_reason": per_reason,
        },
        "queue": {
            "open": len(open_items),
            "reviews": sum(1 for kind, _, _ in open_items if kind == "review"),
            "appeals": sum(1 for kind, _, _ in open_items if kind == "appeal"),
            "overdue": sum(1 for _, _, due in open_items if due < now),
            "oldest_age_s": round(max(ages), 1) if ages else 0,
            "mean_age_s": round(sum(ages) / len(ages), 1) if ages else 0,
        },
        "reviews": {
            "pending": progress.get("pending", 0),
            "running": progress.get("running", 0),
            "decided": progress.get("decided", 0),
        },
    }
