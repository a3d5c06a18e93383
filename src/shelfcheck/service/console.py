"""The moderators' console (``/console``): server-rendered Jinja2, no front-end build.

Queue ordered by deadline (REVIEW-3), claim with a lease, the listing with the
machine's evidence highlighted, findings with their rule docs, the merchant's
history, the verdict form with the closed reason set (``other`` needs its
comment), appeals (REVIEW-4), rule pages, the audit log and metrics.
Every POST carries the session's CSRF token.
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from markupsafe import Markup

from shelfcheck.model import OTHER_COMMENTS, REASON_DOUBT, Reason
from shelfcheck.rule import Rule
from shelfcheck.service import crud
from shelfcheck.service.auth import LOGIN_CSRF_COOKIE, SESSION_COOKIE, STAFF, Principal
from shelfcheck.service.models import Appeal, Submission, utcnow
from shelfcheck.service.state import ServiceState, service

router = APIRouter(prefix="/console", include_in_schema=False)
templates = Jinja2Templates(directory=Path(__file__).parent / "templates")

#: What the moderator tool shows for each reason (RULEBOOK §0).
REASON_LABELS = {
    Reason.PROHIBITED: "Product is prohibited on Joom",
    Reason.OFFENSIVE: "Offensive content",
    Reason.BRAND: "Brand violation",
    Reason.PHOTO: "Problems with photos",
    Reason.TITLE: "Problems with title",
    Reason.DESCRIPTION: "Problems with description",
    Reason.SIZE_CHART: "Problems with size chart",
    Reason.VARIANTS: "Problems with variants",
    Reason.INCONSISTENT: "Inconsistent product",
    Reason.OTHER: "Other (with a comment)",
}
#: Keyboard keys for the reasons, in the tool's order (1-9, then 0).
REASON_KEYS = dict(zip(Reason, "1234567890", strict=True))


class LoginRequired(Exception):
    pass


def to_login(request: Request, exc: LoginRequired) -> Response:
    return RedirectResponse("/console/login", status_code=303)


class Viewer:
    """The logged-in moderator or admin, and the CSRF token for its forms."""

    def __init__(self, principal: Principal, csrf: str) -> None:
        self.principal = principal
        self.csrf = csrf

    @property
    def name(self) -> str:
        return self.principal.name


def _session(request: Request) -> tuple[ServiceState, Principal, dict[str, object]]:
    st = service(request)
    data = st.signer.loads(request.cookies.get(SESSION_COOKIE))
    if data is None:
        raise LoginRequired()
    principal = st.keys.by_id(int(str(data.get("kid", 0))))
    if principal is None or principal.role not in STAFF:
        raise LoginRequired()
    return st, principal, data


def viewer(request: Request) -> Viewer:
    st, principal, data = _session(request)
    return Viewer(principal, st.signer.csrf_for(data))


async def checked_viewer(request: Request) -> Viewer:
    """The viewer of a POST whose form carries the right CSRF token (else 403)."""
    st, principal, data = _session(request)
    form = await request.form()
    if not st.signer.check_csrf(data, str(form.get("csrf_token") or "")):
        raise HTTPException(403, "CSRF check failed: reload the page and try again")
    return Viewer(principal, st.signer.csrf_for(data))


Page = Annotated[Viewer, Depends(viewer)]
Post = Annotated[Viewer, Depends(checked_viewer)]


def render(request: Request, name: str, status: int = 200, **context: Any) -> HTMLResponse:
    return templates.TemplateResponse(request, name, context, status_code=status)


# --- login ----------------------------------------------------------------------------------


@router.get("/login")
def login_form(request: Request, error: str | None = None) -> HTMLResponse:
    token = crud.new_uid()
    response = render(request, "login.html", csrf=token, error=error, viewer=None)
    response.set_cookie(
        LOGIN_CSRF_COOKIE,
        token,
        httponly=True,
        samesite="strict",
        secure=service(request).settings.secure_cookies,
    )
    return response


@router.post("/login")
def login(
    request: Request, key: Annotated[str, Form()], csrf_token: Annotated[str, Form()] = ""
) -> Response:
    st = service(request)
    cookie = request.cookies.get(LOGIN_CSRF_COOKIE)
    if not cookie or cookie != csrf_token:
        return HTMLResponse("CSRF check failed: reload the login page", status_code=403)
    principal = st.keys.lookup(key.strip())
    if principal is None or principal.role not in STAFF:
        response = render(
            request,
            "login.html",
            status=401,
            csrf=cookie,
            viewer=None,
            error="That key is not a moderator's or an admin's key.",
        )
        return response
    redirect = RedirectResponse("/console/", status_code=303)
    redirect.set_cookie(
        SESSION_COOKIE,
        st.signer.new_session(principal, ttl_s=st.settings.session_ttl_s),
        httponly=True,
        samesite="lax",
        secure=st.settings.secure_cookies,
        max_age=st.settings.session_ttl_s,
    )
    redirect.delete_cookie(LOGIN_CSRF_COOKIE)
    return redirect


@router.post("/logout")
def logout(who: Post) -> Response:
    response = RedirectResponse("/console/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response


# --- the queue ------------------------------------------------------------------------------


@router.get("/")
def queue_page(request: Request, who: Page) -> HTMLResponse:
    st = service(request)
    now = utcnow()
    with st.db.read() as session:
        rows = crud.open_queue(session, limit=500)
        return render(request, "queue.html", viewer=who, rows=rows, now=now)


@router.post("/next")
def claim_next(request: Request, who: Post) -> Response:
    st = service(request)
    with st.db.write() as session:
        item = crud.claim_next(
            session, actor=who.name, now=utcnow(), lease_s=st.settings.claim_lease_s
        )
    target = f"/console/items/{item.id}" if item else "/console/?empty=1"
    return RedirectResponse(target, status_code=303)


def _item_page(
    request: Request, who: Viewer, item_id: int, *, error: str | None = None, status: int = 200
) -> HTMLResponse:
    st = service(request)
    rules = {r.id: r for r in st.rules}
    with st.db.read() as session:
        item = crud.get_queue_item(session, item_id=item_id)
        sub = crud.get_submission(session, uid=_uid(session, item.submission_id), merchant_id=None)
        machine = crud.machine_decision(session, submission_id=sub.id)
        findings = machine.payload.get("findings", []) if machine else []
        appeal = session.get(Appeal, item.appeal_id) if item.appeal_id else None
        history = crud.merchant_history(session, merchant_id=sub.merchant_id)
        verdicts = crud.verdicts_for(session, submission_id=sub.id)
        payload = sub.payload
        context: dict[str, Any] = {
            "viewer": who,
            "item": item,
            "sub": sub,
            "listing": payload,
            "machine": machine,
            "findings": findings,
            "appeal": appeal,
            "history": history,
            "verdicts": verdicts,
            "title_html": highlight(str(payload.get("title", "")), findings, "title"),
            "description_html": highlight(
                str(payload.get("description", "")), findings, "description"
            ),
            "photos": [_photo(p) for p in payload.get("photos", [])],
            "rules": rules,
            "reasons": list(Reason),
            "labels": REASON_LABELS,
            "keys": REASON_KEYS,
            "other_comments": OTHER_COMMENTS,
            "error": error,
            "now": utcnow(),
            "mine": item.claimed_by == who.name
            and item.lease_until is not None
            and item.lease_until >= utcnow()
            and item.closed_at is None,
        }
        return render(request, "item.html", status=status, **context)


def _uid(session: Any, submission_id: int) -> str:
    sub = session.get(Submission, submission_id)
    if sub is None:
        raise crud.NotFound("no such submission")
    return str(sub.uid)


@router.get("/items/{item_id}")
def item_page(request: Request, item_id: int, who: Page) -> HTMLResponse:
    return _item_page(request, who, item_id)


@router.post("/items/{item_id}/claim")
def claim(request: Request, item_id: int, who: Post) -> Response:
    st = service(request)
    try:
        with st.db.write() as session:
            crud.claim_item(
                session,
                item_id=item_id,
                actor=who.name,
                now=utcnow(),
                lease_s=st.settings.claim_lease_s,
            )
    except crud.Conflict as exc:
        return _item_page(request, who, item_id, error=exc.message, status=409)
    return RedirectResponse(f"/console/items/{item_id}", status_code=303)


@router.post("/items/{item_id}/release")
def release(request: Request, item_id: int, who: Post) -> Response:
    with service(request).db.write() as session:
        crud.release_item(session, item_id=item_id, actor=who.name)
    return RedirectResponse("/console/", status_code=303)


@router.post("/items/{item_id}/verdict")
def verdict(
    request: Request,
    item_id: int,
    who: Post,
    verdict: Annotated[str, Form()],
    reason: Annotated[list[str], Form()] = [],  # noqa: B006 - FastAPI's form list default
    other_comment: Annotated[str, Form()] = "",
    note: Annotated[str, Form()] = "",
) -> Response:
    st = service(request)
    reasons = [
        {"code": code, "comment": other_comment if code == "other" else None} for code in reason
    ]
    try:
        with st.db.write() as session:
            crud.record_verdict(
                session,
                item_id=item_id,
                actor=who.name,
                verdict=verdict,
                reasons=reasons,
                note=note,
                now=utcnow(),
            )
    except crud.ServiceError as exc:
        return _item_page(
            request,
            who,
            item_id,
            error=exc.message,
            status=422 if isinstance(exc, crud.Invalid) else exc.status,
        )
    return RedirectResponse(f"/console/items/{item_id}?done=1", status_code=303)


# --- rules, audit, metrics ------------------------------------------------------------------


@router.get("/rules")
def rules_page(request: Request, who: Page) -> HTMLResponse:
    st = service(request)
    return render(request, "rules.html", viewer=who, rules=st.rules, doubt=REASON_DOUBT)


@router.get("/rules/{rule_id}")
def rule_page(request: Request, rule_id: str, who: Page) -> HTMLResponse:
    st = service(request)
    found = next((r for r in st.rules if r.id == rule_id or rule_id in r.aliases), None)
    if found is None:
        return render(
            request,
            "rules.html",
            status=404,
            viewer=who,
            rules=st.rules,
            doubt=REASON_DOUBT,
            missing=rule_id,
        )
    return render(request, "rule.html", viewer=who, rule=found, doc_html=rule_doc_html(found))


@router.get("/audit")
def audit_page(
    request: Request, who: Page, submission: str | None = None, before: int | None = None
) -> HTMLResponse:
    with service(request).db.read() as session:
        entries = crud.audit_entries(session, limit=200, before=before, submission_uid=submission)
        return render(request, "audit.html", viewer=who, entries=entries, submission=submission)


@router.get("/metrics")
def metrics_page(request: Request, who: Page) -> HTMLResponse:
    if who.principal.role != "admin":
        return HTMLResponse("metrics are for admins", status_code=403)
    with service(request).db.read() as session:
        data = crud.metrics(session, now=utcnow())
    return render(request, "metrics.html", viewer=who, m=data, labels=REASON_LABELS)


# --- rendering helpers ----------------------------------------------------------------------


def highlight(text: str, findings: list[dict[str, Any]], field: str) -> Markup:
    """``text`` as HTML with every finding's evidence on ``field`` in a ``<mark>``."""
    spans: list[tuple[int, int, str, str]] = []
    lowered = text.lower() if len(text.lower()) == len(text) else None
    for finding in findings:
        if finding.get("field") != field:
            continue
        evidence = str(finding.get("evidence") or "")
        span = finding.get("span")
        start = end = -1
        if (
            span
            and 0 <= span[0] < span[1] <= len(text)
            and (
                not evidence or text[span[0] : span[1]].strip().lower() == evidence.strip().lower()
            )
        ):
            start, end = span[0], span[1]
        elif evidence and lowered is not None:
            start = lowered.find(evidence.lower())
            end = start + len(evidence) if start >= 0 else -1
        if start >= 0 and end > start:
            spans.append((start, end, str(finding.get("rule")), str(finding.get("message"))))
    spans.sort()
    out: list[str] = []
    cursor = 0
    for start, end, rule_id, message in spans:
        if start < cursor:
            continue
        out.append(html.escape(text[cursor:start]))
        out.append(
            f'<mark class="evidence" data-rule="{html.escape(rule_id)}" '
            f'title="{html.escape(rule_id)}: {html.escape(message)}">'
            f"{html.escape(text[start:end])}</mark>"
        )
        cursor = end
    out.append(html.escape(text[cursor:]))
    return Markup("".join(out))


def _photo(value: Any) -> dict[str, str | None]:
    text = str(value)
    safe = text.startswith(("http://", "https://", "data:image/"))
    return {"src": text if safe else None, "label": text if len(text) < 200 else text[:60] + "…"}


_HEADING = re.compile(r"^##\s+(.*)$")


def rule_doc_html(rule: Rule) -> Markup:
    """A rule's docstring as HTML: ``## Heading`` lines become headings, the rest paragraphs."""
    blocks: list[str] = []
    paragraph: list[str] = []

    def flush() -> None:
        if paragraph:
            blocks.append(f"<p>{html.escape(' '.join(paragraph))}</p>")
            paragraph.clear()

    for line in rule.doc.splitlines()[1:]:
        heading = _HEADING.match(line.strip())
        if heading:
            flush()
            blocks.append(f"<h3>{html.escape(heading.group(1))}</h3>")
        elif not line.strip():
            flush()
        elif line.startswith(("    ", "\t", "- ", "* ")):
            flush()
            blocks.append(f"<pre>{html.escape(line.strip())}</pre>")
        else:
            paragraph.append(line.strip())
    flush()
    return Markup("\n".join(blocks))
