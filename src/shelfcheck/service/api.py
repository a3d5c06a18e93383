"""The JSON API (``/api/v1``): submissions, history, appeals, queue, events, metrics, keys.

Thin: each handler checks who calls, calls ``crud`` inside one transaction and
shapes the answer. Submitting a listing, the busy path, runs on the event loop and
stores through the group writer (``writer.py``); the rest are plain handlers in
FastAPI's thread pool. Reviews run through ``worker.Reviewer`` (which alone calls
``shelfcheck.review.review``). A merchant only ever sees its own listings:
anything else is a plain 404, exactly as for an id that does not exist.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Annotated, Any, Literal

import orjson
from fastapi import APIRouter, Depends, Header, HTTPException, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from shelfcheck.model import Listing
from shelfcheck.service import crud
from shelfcheck.service.auth import STAFF, Principal
from shelfcheck.service.models import (
    ApiKey,
    Appeal,
    AuditEntry,
    Event,
    ListingRow,
    QueueItem,
    Submission,
    Verdict,
    utcnow,
)
from shelfcheck.service.state import ServiceState, current, service

log = logging.getLogger(__name__)

router = APIRouter(prefix="/api/v1")

State = Annotated[ServiceState, Depends(current)]


# --- who is calling -------------------------------------------------------------------------


async def caller(
    request: Request,
    authorization: Annotated[str | None, Header()] = None,
    x_api_key: Annotated[str | None, Header()] = None,
) -> Principal:
    return await principal_of(request, authorization, x_api_key)


async def principal_of(
    request: Request, authorization: str | None, x_api_key: str | None
) -> Principal:
    """The key's principal: from the key cache on the event loop, else read in a thread."""
    key = x_api_key
    if authorization and authorization.lower().startswith("bearer "):
        key = authorization[7:].strip()
    principal = None
    if key:
        keys = service(request).keys
        principal = keys.cached(key)
        if principal is None:
            principal = await run_in_threadpool(keys.lookup, key)
    if principal is None:
        raise HTTPException(
            401, "a valid API key is required", headers={"WWW-Authenticate": "Bearer"}
        )
    return principal


def require(*roles: str) -> Any:
    async def check(who: Annotated[Principal, Depends(caller)]) -> Principal:
        return has_role(who, roles)

    return Depends(check)


def has_role(who: Principal, roles: tuple[str, ...]) -> Principal:
    if who.role not in roles:
        raise HTTPException(403, f"this needs the {' or '.join(roles)} role")
    return who


async def submitter(request: Request) -> Principal:
    """``require("merchant", "admin")`` for the busiest endpoint, as one dependency that reads
    its headers itself: solving the nested dependencies and their declared headers took
    FastAPI longer than the rest of the request's HTTP handling. (Header docs:
    ``_SUBMIT_HEADERS``.)"""
    headers = request.headers
    who = await principal_of(request, headers.get("authorization"), headers.get("x-api-key"))
    return has_role(who, ("merchant", "admin"))


def _header_doc(name: str, description: str) -> dict[str, Any]:
    return {
        "name": name,
        "in": "header",
        "required": False,
        "schema": {"type": "string"},
        "description": description,
    }


_SUBMIT_HEADERS = [
    _header_doc("authorization", "Bearer <API key> (a merchant's, or an admin's)"),
    _header_doc("x-api-key", "the API key, instead of Authorization"),
    _header_doc("idempotency-key", "the same key again answers with the version it stored"),
]


Merchant = Annotated[Principal, require("merchant", "admin")]
Anyone = Annotated[Principal, require("merchant", "moderator", "admin")]
Staff = Annotated[Principal, require(*STAFF)]
Admin = Annotated[Principal, require("admin")]


def invalid(field: str, message: str, *, where: str = "body") -> HTTPException:
    """A 422 naming the field, shaped like FastAPI's own validation errors."""
    return HTTPException(
        422, [{"loc": [where, *field.split(".")], "msg": message, "type": "value_error"}]
    )


# --- answers --------------------------------------------------------------------------------


def submission_view(sub: Submission, machine: dict[str, Any] | None) -> dict[str, Any]:
    return {
        "id": sub.uid,
        "listing_id": sub.external_id,
        "merchant_id": sub.merchant_id,
        "version": sub.version,
        "status": sub.status,
        "status_url": f"/api/v1/submissions/{sub.uid}",
        "submitted_at": sub.created_at.isoformat(),
        "decided_at": sub.decided_at.isoformat() if sub.decided_at else None,
        "outcome": None
        if sub.outcome is None
        else {
            "decision": sub.outcome,
            "reasons": sub.outcome_reasons or [],
            "by": "machine" if sub.outcome_by == crud.MACHINE else "human",
        },
        "decision": machine,
    }


def _load_view(session: Session, sub: Submission) -> dict[str, Any]:
    machine = crud.machine_decision(session, submission_id=sub.id)
    return submission_view(sub, machine.payload if machine else None)


class FastJSON(JSONResponse):
    """A JSON answer rendered by orjson (a submission's answer carries its whole decision)."""

    def render(self, content: Any) -> bytes:
        return orjson.dumps(content)


def _answer(view: dict[str, Any], *, created: bool) -> JSONResponse:
    if view["status"] != "decided":
        return FastJSON(view, status_code=202, headers={"Location": view["status_url"]})
    return FastJSON(view, status_code=201 if created else 200)


def _check_photo_sizes(listing: Listing, limit: int) -> None:
    photos = [(f"photos.{i}", p) for i, p in enumerate(listing.photos)]
    photos += [(f"variants.{i}.photo", v.photo) for i, v in enumerate(listing.variants) if v.photo]
    for field, photo in photos:
        if photo.startswith("data:") and (len(photo) - photo.find(",") - 1) * 3 // 4 > limit:
            raise HTTPException(
                413,
                [
                    {
                        "loc": ["body", *field.split(".")],
                        "msg": f"photo larger than {limit} bytes",
                        "type": "too_large",
                    }
                ],
            )


# --- submissions ----------------------------------------------------------------------------


@router.post(
    "/listings",
    status_code=201,
    summary="Submit a listing (FORMATS §1); answers with its decision, or 202 and a status URL",
    responses={
        200: {"description": "the same content again: the stored version"},
        202: {"description": "stored; the review is still running"},
        409: {"description": "rejected for prohibited/brand: unchanged content refused"},
        413: {"description": "body or photo too large"},
    },
    openapi_extra={"parameters": _SUBMIT_HEADERS},
)
async def submit_listing(
    request: Request, listing: Listing, who: Annotated[Principal, Depends(submitter)]
) -> JSONResponse:
    """Store, then review. A text listing is stored leased to this request, reviewed here,
    and its decision stored; each store goes through the group writer and the answer
    waits for its commit. A listing with photos is stored pending and waits briefly for
    a worker."""
    st = service(request)
    idempotency_key = request.headers.get("idempotency-key")
    if idempotency_key is not None and len(idempotency_key) > 200:
        raise invalid("idempotency-key", "at most 200 characters", where="header")
    if who.role == "merchant":
        if listing.merchant_id not in (None, who.merchant_id):
            raise invalid("merchant_id", "this key submits for its own merchant only")
        merchant_id = who.merchant_id or ""
    elif not listing.merchant_id:
        raise invalid("merchant_id", "an admin must name the merchant")
    else:
        merchant_id = listing.merchant_id
    _check_photo_sizes(listing, st.settings.max_photo_bytes)
    payload = listing.model_dump(mode="json", exclude_unset=True)
    payload["merchant_id"] = merchant_id
    digest = crud.content_hash(payload)
    inline = st.settings.inline_review and not listing.photos
    if listing.merchant_id != merchant_id:
        listing = listing.model_copy(update={"merchant_id": merchant_id})
    # Stored before it is reviewed, so nothing accepted is ever lost: a text listing is stored
    # leased to this request, reviewed here on the event loop (CPU work, no thread hop),
    # and its decision stored by the next batch; if this process dies in between, the
    # lease runs out and a worker reviews it.
    now = utcnow()
    claim = (crud.new_uid(), now + timedelta(seconds=st.settings.review_lease_s))
    submitted = await st.writer.run(
        st.store_submissions,
        crud.NewSubmission(
            merchant_id=merchant_id,
            payload=payload,
            digest=digest,
            idempotency_key=idempotency_key,
            reviewed=None,
            now=now,
            claim=claim if inline else None,
        ),
    )
    sub = submitted.submission
    assert sub is not None
    if submitted.kind == "blocked":
        raise HTTPException(
            409,
            {
                "msg": "this content was rejected for "
                + ", ".join(r["code"] for r in sub.outcome_reasons or [])
                + "; change the listing or appeal the decision",
                "submission": f"/api/v1/submissions/{sub.uid}",
            },
        )
    if submitted.kind == "existing":
        return _answer(submission_view(sub, submitted.machine), created=False)
    st.remember_category(sub.category)
    if inline:
        reviewed = _review_inline(st, listing, submitted.excluded or [])
        done = None
        if reviewed is not None:
            done = await st.writer.run(
                st.finish_reviews, crud.Finished(sub, claim[0], reviewed, utcnow())
            )
        if done is not None and reviewed is not None:
            return _answer(submission_view(done, reviewed.payload), created=True)
        # the review failed: its lease runs out and a worker tries again
    st.pool.wake()
    await run_in_threadpool(st.reviewer.wait_for, sub.id, st.settings.sync_wait_s)
    return _answer(await run_in_threadpool(_fresh_view, st, sub.uid), created=True)


def _review_inline(st: ServiceState, listing: Listing, excluded: list[str]) -> crud.Reviewed | None:
    try:
        return st.reviewer.review_now(listing, excluded)
    except Exception:
        log.exception("inline review of %s failed; a worker takes it up", listing.id)
        return None


def _fresh_view(st: ServiceState, uid: str) -> dict[str, Any]:
    with st.db.read() as session:
        return _load_view(session, crud.get_submission(session, uid=uid, merchant_id=None))


@router.get("/submissions/{submission_id}", summary="One submitted version and its decision")
def get_submission(submission_id: str, st: State, who: Anyone) -> dict[str, Any]:
    with st.db.read() as session:
        sub = crud.get_submission(session, uid=submission_id, merchant_id=who.scope)
        return _load_view(session, sub)


def _merchant_for(who: Principal, merchant_id: str | None) -> str:
    if who.role == "merchant":
        return who.merchant_id or ""
    if not merchant_id:
        raise invalid("merchant_id", "staff must name the merchant", where="query")
    return merchant_id


def _listing_view(session: Session, listing: ListingRow) -> dict[str, Any]:
    def one(sub_id: int | None) -> dict[str, Any] | None:
        sub = session.get(Submission, sub_id) if sub_id else None
        return _load_view(session, sub) if sub else None

    latest = one(listing.latest_submission_id)
    live = one(listing.live_submission_id)
    return {
        "listing_id": listing.external_id,
        "merchant_id": listing.merchant_id,
        "live_version": live["version"] if live else None,
        "latest_version": latest["version"] if latest else None,
        "live": live,
        "latest": latest,
    }


@router.get("/listings", summary="Listings (a merchant: its own), with live and latest versions")
def list_listings(
    st: State,
    who: Anyone,
    merchant_id: str | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> dict[str, Any]:
    scope = who.scope if who.role == "merchant" else merchant_id
    with st.db.read() as session:
        rows = crud.list_listings(session, merchant_id=scope, limit=limit, offset=offset)
        return {"listings": [_listing_view(session, row) for row in rows]}


@router.get("/listings/{listing_id}", summary="A listing: its live and latest versions")
def get_listing(
    listing_id: str, st: State, who: Anyone, merchant_id: str | None = None
) -> dict[str, Any]:
    with st.db.read() as session:
        row = crud.get_listing(
            session, merchant_id=_merchant_for(who, merchant_id), external_id=listing_id
        )
        return _listing_view(session, row)


def _verdict_view(v: Verdict, *, staff: bool) -> dict[str, Any]:
    out = {
        "verdict": v.verdict,
        "decision": v.decision,
        "reasons": v.reasons,
        "note": v.note,
        "at": v.created_at.isoformat(),
    }
    if staff:
        out["actor"] = v.actor
    return out


def _appeal_view(a: Appeal, sub: Submission) -> dict[str, Any]:
    return {
        "id": a.uid,
        "listing_id": sub.external_id,
        "submission_id": sub.uid,
        "version": sub.version,
        "status": a.status,
        "statement": a.statement,
        "evidence": [{k: v for k, v in e.items() if k != "data"} for e in a.evidence],
        "created_at": a.created_at.isoformat(),
        "decided_at": a.decided_at.isoformat() if a.decided_at else None,
        "note": a.note,
    }


@router.get(
    "/listings/{listing_id}/history",
    summary="Every version, every decision and verdict (never overwritten)",
)
def listing_history(
    listing_id: str, st: State, who: Anyone, merchant_id: str | None = None
) -> dict[str, Any]:
    staff = who.role in STAFF
    with st.db.read() as session:
        row = crud.get_listing(
            session, merchant_id=_merchant_for(who, merchant_id), external_id=listing_id
        )
        versions = []
        for sub in crud.listing_versions(session, listing=row):
            view = _load_view(session, sub)
            view["listing"] = sub.payload
            view["live"] = sub.id == row.live_submission_id
            view["verdicts"] = [
                _verdict_view(v, staff=staff)
                for v in crud.verdicts_for(session, submission_id=sub.id)
            ]
            view["appeals"] = [
                _appeal_view(a, sub) for a in crud.appeals_for(session, submission_id=sub.id)
            ]
            versions.append(view)
        return {"listing_id": row.external_id, "merchant_id": row.merchant_id, "versions": versions}


# --- appeals --------------------------------------------------------------------------------


class EvidenceIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=200)
    #: A link to the document, or the document itself as a data: URI.
    url: str = Field(min_length=1, max_length=3_000_000)


class AppealIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    statement: str = Field(min_length=1, max_length=5000)
    evidence: list[EvidenceIn] = Field(default_factory=list, max_length=10)
    #: The version appealed; the latest one when left out.
    version: int | None = None


@router.post(
    "/listings/{listing_id}/appeals",
    status_code=201,
    summary="Appeal a rejection with a statement and evidence (RULEBOOK REVIEW-4)",
)
def appeal(
    listing_id: str, body: AppealIn, st: State, who: Annotated[Principal, require("merchant")]
) -> dict[str, Any]:
    with st.db.write() as session:
        row = crud.get_listing(session, merchant_id=who.merchant_id or "", external_id=listing_id)
        subs = crud.listing_versions(session, listing=row)
        wanted = [s for s in subs if s.version == body.version] if body.version else subs[-1:]
        if not wanted:
            raise invalid("version", "no such version")
        evidence = [e.model_dump() for e in body.evidence]
        created = crud.create_appeal(
            session,
            submission=wanted[0],
            statement=body.statement,
            evidence=evidence,
            policy=st.policy,
            now=utcnow(),
        )
        return _appeal_view(created, wanted[0])


@router.get("/appeals/{appeal_id}", summary="One appeal and its outcome")
def get_appeal(appeal_id: str, st: State, who: Anyone) -> dict[str, Any]:
    with st.db.read() as session:
        found = crud.get_appeal(session, uid=appeal_id, merchant_id=who.scope)
        sub = session.get(Submission, found.submission_id)
        assert sub is not None
        return _appeal_view(found, sub)


# --- the human queue ------------------------------------------------------------------------


def queue_view(item: QueueItem, sub: Submission) -> dict[str, Any]:
    return {
        "id": item.id,
        "kind": item.kind,
        "listing_id": sub.external_id,
        "merchant_id": sub.merchant_id,
        "submission_id": sub.uid,
        "version": sub.version,
        "title": str(sub.payload.get("title", ""))[:200],
        "high_risk": sub.high_risk,
        "created_at": item.created_at.isoformat(),
        "due_at": item.due_at.isoformat(),
        "claimed_by": item.claimed_by,
        "lease_until": item.lease_until.isoformat() if item.lease_until else None,
        "closed_at": item.closed_at.isoformat() if item.closed_at else None,
    }


@router.get("/queue", summary="Open human-review items and appeals, earliest deadline first")
def queue(
    st: State, who: Staff, limit: Annotated[int, Query(ge=1, le=1000)] = 200
) -> dict[str, Any]:
    with st.db.read() as session:
        return {"items": [queue_view(i, s) for i, s in crud.open_queue(session, limit=limit)]}


@router.post("/queue/next", summary="Claim the open item with the earliest deadline")
def claim_next(st: State, who: Staff) -> Response:
    with st.db.write() as session:
        item = crud.claim_next(
            session, actor=who.name, now=utcnow(), lease_s=st.settings.claim_lease_s
        )
        if item is None:
            return Response(status_code=204)
        sub = session.get(Submission, item.submission_id)
        assert sub is not None
        return JSONResponse(queue_view(item, sub))


@router.post("/queue/{item_id}/claim", summary="Claim one item (a lease: nobody else gets it)")
def claim(item_id: int, st: State, who: Staff) -> dict[str, Any]:
    with st.db.write() as session:
        item = crud.claim_item(
            session,
            item_id=item_id,
            actor=who.name,
            now=utcnow(),
            lease_s=st.settings.claim_lease_s,
        )
        sub = session.get(Submission, item.submission_id)
        assert sub is not None
        return queue_view(item, sub)


@router.post("/queue/{item_id}/release", status_code=204, summary="Give a claimed item back")
def release(item_id: int, st: State, who: Staff) -> Response:
    with st.db.write() as session:
        crud.release_item(session, item_id=item_id, actor=who.name)
    return Response(status_code=204)


class ReasonIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    code: str
    comment: str | None = None


class VerdictIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    verdict: Literal["approve", "reject", "uphold", "overturn"]
    reasons: list[ReasonIn] = Field(default_factory=list)
    note: str | None = Field(default=None, max_length=5000)


@router.post("/queue/{item_id}/verdict", summary="Decide a claimed item")
def verdict(item_id: int, body: VerdictIn, st: State, who: Staff) -> dict[str, Any]:
    with st.db.write() as session:
        row = crud.record_verdict(
            session,
            item_id=item_id,
            actor=who.name,
            verdict=body.verdict,
            reasons=[r.model_dump() for r in body.reasons],
            note=body.note,
            now=utcnow(),
        )
        return _verdict_view(row, staff=True)


# --- events, audit, metrics, policy, keys ---------------------------------------------------


def event_view(event: Event) -> dict[str, Any]:
    return {
        "cursor": event.seq,
        "type": event.type,
        "at": event.at.isoformat(),
        "merchant_id": event.merchant_id,
        **event.payload,
    }


@router.get("/events", summary="The change feed: decisions in commit order after a cursor")
def events(
    st: State,
    who: Anyone,
    after: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> dict[str, Any]:
    st.sequencer.run_once()
    with st.db.read() as session:
        rows = crud.events_after(session, after=after, merchant_id=who.scope, limit=limit)
    items = [event_view(e) for e in rows]
    return {"events": items, "next": items[-1]["cursor"] if items else after}


def audit_view(entry: AuditEntry) -> dict[str, Any]:
    return {
        "id": entry.id,
        "at": entry.at.isoformat(),
        "actor": entry.actor,
        "action": entry.action,
        "merchant_id": entry.merchant_id,
        "listing_id": entry.listing_id,
        "submission_id": entry.submission_uid,
        "policy_version": entry.policy_version,
        "rules": entry.rules,
        "detail": entry.detail,
    }


@router.get("/audit", summary="The append-only audit log, newest first")
def audit(
    st: State,
    who: Staff,
    submission_id: str | None = None,
    before: int | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> dict[str, Any]:
    with st.db.read() as session:
        rows = crud.audit_entries(session, limit=limit, before=before, submission_uid=submission_id)
        return {"entries": [audit_view(e) for e in rows]}


@router.get("/metrics", summary="Decisions by reason and rule, automation, agreement, queue")
def metrics(st: State, who: Admin) -> dict[str, Any]:
    with st.db.read() as session:
        return crud.metrics(session, now=utcnow())


@router.get("/policy", summary="The policy version in force and its rules")
def policy(st: State, who: Admin) -> dict[str, Any]:
    return {
        "version": st.policy.version,
        "queue": st.policy.queue.model_dump(mode="json", exclude={"high_risk_categories"})
        | {"high_risk_categories": list(st.policy.queue.high_risk_categories.terms)},
        "rules": [
            {
                "id": r.id,
                "reason": r.reason.value,
                "doubt": r.doubt.value,
                "kind": r.kind,
                "summary": r.summary,
            }
            for r in st.rules
        ],
    }


class KeyIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=100)
    role: Literal["merchant", "moderator", "admin"]
    merchant_id: str | None = Field(default=None, max_length=200)


def key_view(row: ApiKey) -> dict[str, Any]:
    return {
        "id": row.id,
        "name": row.name,
        "role": row.role,
        "merchant_id": row.merchant_id,
        "prefix": row.prefix,
        "created_at": row.created_at.isoformat(),
        "revoked_at": row.revoked_at.isoformat() if row.revoked_at else None,
    }


@router.post("/keys", status_code=201, summary="Mint an API key (shown once)")
def create_key(body: KeyIn, st: State, who: Admin) -> dict[str, Any]:
    with st.db.write() as session:
        row, plain = crud.create_api_key(
            session,
            name=body.name,
            role=body.role,
            merchant_id=body.merchant_id,
            created_by=who.label,
        )
        return key_view(row) | {"key": plain}


@router.get("/keys", summary="All API keys (never the keys themselves)")
def list_keys(st: State, who: Admin) -> dict[str, Any]:
    with st.db.read() as session:
        return {"keys": [key_view(k) for k in crud.list_api_keys(session)]}


@router.delete("/keys/{key_id}", summary="Revoke a key")
def revoke_key(key_id: int, st: State, who: Admin) -> dict[str, Any]:
    with st.db.write() as session:
        row = crud.revoke_api_key(session, key_id=key_id, actor=who.label)
    st.keys.clear()
    return key_view(row)
