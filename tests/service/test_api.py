"""The submissions API on SQLite and PostgreSQL: store-then-review, idempotency, history,
live versions, blocked resubmission, 202 for photos, 413/422, queue, verdicts, appeals,
events, metrics, the migration."""

from __future__ import annotations

import shutil
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError

from shelfcheck.policy import DEFAULT_POLICY_DIR
from shelfcheck.service.models import Base

from .conftest import Service

PNG = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="


def test_submit_stores_and_decides(svc: Service) -> None:
    m = svc.key("merchant", "shop", "m1")
    r = svc.submit(m, id="L-1", title="Cotton summer dress", description="Soft cotton.")
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["status"] == "decided" and body["version"] == 1
    assert body["decision"]["decision"] == "approve"
    assert body["decision"]["policy_version"] and "quality_score" in body["decision"]
    again = svc.client.get(body["status_url"], headers=m).json()
    assert again["id"] == body["id"] and again["outcome"]["by"] == "machine"
    listing = svc.client.get("/api/v1/listings/L-1", headers=m).json()
    assert listing["live_version"] == 1 and listing["latest_version"] == 1


def test_same_content_is_idempotent(svc: Service) -> None:
    m = svc.key("merchant", "shop", "m1")
    first = svc.submit(m, description="Soft.")
    second = svc.submit(m, description="Soft.")
    assert second.status_code == 200 and second.json()["id"] == first.json()["id"]
    keyed = svc.client.post(
        "/api/v1/listings",
        headers=m | {"Idempotency-Key": "k1"},
        json={"id": "L-2", "title": "Linen shirt"},
    )
    replay = svc.client.post(
        "/api/v1/listings",
        headers=m | {"Idempotency-Key": "k1"},
        json={"id": "L-2", "title": "Linen shirt"},
    )
    assert replay.json()["id"] == keyed.json()["id"]
    reused = svc.client.post(
        "/api/v1/listings",
        headers=m | {"Idempotency-Key": "k1"},
        json={"id": "L-2", "title": "Another shirt"},
    )
    assert reused.status_code == 422 and "Idempotency-Key" in str(reused.json())
    history = svc.client.get("/api/v1/listings/L-1/history", headers=m).json()
    assert len(history["versions"]) == 1


def test_an_edit_is_reviewed_while_the_approved_version_stays_live(svc: Service) -> None:
    m = svc.key("merchant", "shop", "m1")
    assert svc.submit(m, title="Cotton dress").json()["decision"]["decision"] == "approve"
    held = svc.submit(m, title="Hold cotton dress")
    assert held.json()["decision"]["decision"] == "human_review"
    state = svc.client.get("/api/v1/listings/L-1", headers=m).json()
    assert state["live_version"] == 1 and state["latest_version"] == 2
    rejected = svc.submit(m, title="Cotton dress", description="A miracle dress")
    assert rejected.json()["outcome"]["decision"] == "reject"
    assert svc.client.get("/api/v1/listings/L-1", headers=m).json()["live_version"] == 1
    assert svc.submit(m, title="Cotton dress v2").json()["outcome"]["decision"] == "approve"
    state = svc.client.get("/api/v1/listings/L-1", headers=m).json()
    assert state["live_version"] == 4
    history = svc.client.get("/api/v1/listings/L-1/history", headers=m).json()["versions"]
    assert [v["version"] for v in history] == [1, 2, 3, 4]
    assert [v["live"] for v in history] == [False, False, False, True]
    assert history[0]["listing"]["title"] == "Cotton dress"  # never overwritten


def test_prohibited_content_cannot_be_resubmitted_unchanged(svc: Service) -> None:
    m = svc.key("merchant", "shop", "m1")
    r = svc.submit(m, title="Banned thing")
    assert r.json()["outcome"]["reasons"] == [{"code": "prohibited", "comment": None}]
    again = svc.submit(m, title="Banned thing")
    assert again.status_code == 409 and "prohibited" in again.text
    elsewhere = svc.submit(m, id="L-9", title="Banned thing")
    assert elsewhere.status_code == 409
    edited = svc.submit(m, title="Harmless thing")
    assert edited.status_code == 201 and edited.json()["version"] == 2
    # a title rejection is no block: the same content is simply the same version
    svc.submit(m, id="L-3", title="Shirt", description="miracle")
    assert svc.submit(m, id="L-3", title="Shirt", description="miracle").status_code == 200


def test_a_text_listing_is_stored_before_its_review(svc_factory: Any, monkeypatch: Any) -> None:
    """Store, then review: when the review in the request fails (here it raises), the
    listing is already stored, leased to that request; when the lease runs out a worker
    reviews it. Nothing accepted is lost."""
    for service in svc_factory(workers=1, review_lease_s=0.5, sync_wait_s=0.0):

        def boom(*_: Any) -> Any:
            raise RuntimeError("the review died")

        monkeypatch.setattr(service.client.app.state.service.reviewer, "review_now", boom)
        m = service.key("merchant", "shop", "m1")
        r = service.submit(m, id="L-9", title="Cotton summer dress")
        assert r.status_code == 202, r.text
        assert r.json()["status"] == "running"  # stored, leased to the failed request
        url = r.json()["status_url"]
        deadline = time.monotonic() + 30
        while (body := service.client.get(url, headers=m).json())["status"] != "decided":
            assert time.monotonic() < deadline
            time.sleep(0.05)
        assert body["decision"]["decision"] == "approve"


def test_listing_with_photos_answers_202_until_a_worker_decides(svc_factory: Any) -> None:
    for service in svc_factory(workers=0, sync_wait_s=0.0):
        m = service.key("merchant", "shop", "m1")
        r = service.submit(m, photos=[PNG])
        assert r.status_code == 202 and r.headers["location"] == r.json()["status_url"]
        assert r.json()["status"] == "pending"
        url = r.json()["status_url"]
    for service in svc_factory(workers=1, sync_wait_s=0.0):
        m = service.key("merchant", "shop2", "m1")
        deadline = time.monotonic() + 30
        while service.client.get(url, headers=m).json()["status"] != "decided":
            assert time.monotonic() < deadline
            time.sleep(0.05)


def test_listing_with_photos_waits_briefly_for_its_decision(svc: Service) -> None:
    m = svc.key("merchant", "shop", "m1")
    r = svc.submit(m, photos=[PNG])
    assert r.status_code in (201, 202)
    if r.status_code == 201:
        assert r.json()["decision"]["id"] == "L-1"


def test_malformed_input_names_the_field(svc: Service) -> None:
    m = svc.key("merchant", "shop", "m1")
    r = svc.client.post("/api/v1/listings", headers=m, json={"id": "x", "title": 5})
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", "title"]
    r = svc.client.post("/api/v1/listings", headers=m, json={"title": "no id"})
    assert r.status_code == 422 and ["body", "id"] in [e["loc"] for e in r.json()["detail"]]
    r = svc.client.post(
        "/api/v1/listings",
        headers=m,
        content=b"{not json",
    )
    assert r.status_code == 422
    r = svc.submit(m, merchant_id="someone-else")
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", "merchant_id"]


def test_too_big_gets_413(svc_factory: Any) -> None:
    for service in svc_factory(max_body_bytes=20_000, max_photo_bytes=1000):
        m = service.key("merchant", "shop", "m1")
        r = service.submit(m, description="x" * 30_000)
        assert r.status_code == 413
        big = "data:image/png;base64," + "A" * 4000
        r = service.submit(m, photos=[PNG, big])
        assert r.status_code == 413 and r.json()["detail"][0]["loc"] == ["body", "photos", "1"]


def _queue_item(svc: Service, who: dict[str, str], listing_id: str) -> dict[str, Any]:
    items = svc.client.get("/api/v1/queue", headers=who).json()["items"]
    return next(i for i in items if i["listing_id"] == listing_id)


def test_queue_claim_lease_and_verdict(svc: Service) -> None:
    m = svc.key("merchant", "shop", "m1")
    alice = svc.key("moderator", "alice")
    bob = svc.key("moderator", "bob")
    svc.submit(m, id="A", title="Hold lamp", category="Home > Lamps")
    svc.submit(m, id="B", title="Hold phone", category="Consumer Electronics > Phones")
    items = svc.client.get("/api/v1/queue", headers=alice).json()["items"]
    assert [i["listing_id"] for i in items] == ["A", "B"]  # ordinary goods are due first
    assert items[1]["high_risk"] and items[0]["due_at"] < items[1]["due_at"]
    item = items[0]
    assert svc.client.post(f"/api/v1/queue/{item['id']}/claim", headers=alice).status_code == 200
    taken = svc.client.post(f"/api/v1/queue/{item['id']}/claim", headers=bob)
    assert taken.status_code == 409
    assert svc.client.post("/api/v1/queue/next", headers=bob).json()["listing_id"] == "B"
    verdict = f"/api/v1/queue/{item['id']}/verdict"
    r = svc.client.post(verdict, headers=bob, json={"verdict": "approve"})
    assert r.status_code == 409  # not bob's claim
    r = svc.client.post(
        verdict, headers=alice, json={"verdict": "reject", "reasons": [{"code": "other"}]}
    )
    assert r.status_code == 422 and r.json()["detail"][0]["loc"][-1] == "comment"
    r = svc.client.post(
        verdict, headers=alice, json={"verdict": "reject", "reasons": [{"code": "nonsense"}]}
    )
    assert r.status_code == 422
    r = svc.client.post(
        verdict,
        headers=alice,
        json={
            "verdict": "reject",
            "note": "sold as a toy",
            "reasons": [{"code": "other", "comment": "Misleading Info"}, {"code": "prohibited"}],
        },
    )
    assert r.status_code == 200, r.text
    assert r.json()["reasons"] == [
        {"code": "prohibited", "comment": None},
        {"code": "other", "comment": "Misleading Info"},
    ]
    state = svc.client.get("/api/v1/listings/A", headers=m).json()
    assert state["latest"]["outcome"]["decision"] == "reject"
    assert state["latest"]["outcome"]["by"] == "human"
    assert svc.client.post(verdict, headers=alice, json={"verdict": "approve"}).status_code == 409
    audit = svc.client.get(
        "/api/v1/audit", headers=alice, params={"submission_id": state["latest"]["id"]}
    ).json()["entries"]
    actions = [e["action"] for e in audit]
    assert actions[0] == "verdict_reject" and audit[0]["actor"] == "alice"
    assert "machine_decision" in actions and "submitted" in actions
    machine = next(e for e in audit if e["action"] == "machine_decision")
    assert machine["rules"] == ["TEST-HOLD"] and machine["policy_version"]


def test_appeal_overturned_approves_and_is_not_rejected_again(svc: Service) -> None:
    m = svc.key("merchant", "shop", "m1")
    mod = svc.key("moderator", "alice")
    r = svc.submit(m, title="Herbal tea", description="Our miracle blend")
    assert r.json()["outcome"]["decision"] == "reject"
    appeal = svc.client.post(
        "/api/v1/listings/L-1/appeals",
        headers=m,
        json={
            "statement": "miracle is the blend's registered name",
            "evidence": [{"name": "test report", "url": "https://example.com/report.pdf"}],
        },
    )
    assert appeal.status_code == 201, appeal.text
    twice = svc.client.post("/api/v1/listings/L-1/appeals", headers=m, json={"statement": "again"})
    assert twice.status_code == 409
    item = _queue_item(svc, mod, "L-1")
    assert item["kind"] == "appeal"
    svc.client.post(f"/api/v1/queue/{item['id']}/claim", headers=mod)
    url = f"/api/v1/queue/{item['id']}/verdict"
    assert svc.client.post(url, headers=mod, json={"verdict": "overturn"}).status_code == 422
    r = svc.client.post(url, headers=mod, json={"verdict": "overturn", "note": "trade name"})
    assert r.status_code == 200, r.text
    got = svc.client.get(f"/api/v1/appeals/{appeal.json()['id']}", headers=m).json()
    assert got["status"] == "overturned" and got["note"] == "trade name"
    state = svc.client.get("/api/v1/listings/L-1", headers=m).json()
    assert state["live_version"] == 1 and state["latest"]["outcome"]["decision"] == "approve"
    # the same content again (here under another id) is not re-rejected for TEST-WORD
    same = svc.submit(m, id="L-2", title="Herbal tea", description="Our miracle blend")
    assert same.json()["outcome"]["decision"] == "approve"
    audit = svc.client.get("/api/v1/audit", headers=mod).json()["entries"]
    overturn = next(e for e in audit if e["action"] == "verdict_overturn")
    assert overturn["actor"] == "alice" and overturn["rules"] == ["TEST-WORD"]


def test_appeal_upheld_stays_rejected(svc: Service) -> None:
    m = svc.key("merchant", "shop", "m1")
    mod = svc.key("moderator", "alice")
    svc.submit(m, title="Tea", description="miracle cure")
    assert (
        svc.client.post(
            "/api/v1/listings/L-1/appeals", headers=m, json={"statement": "please"}
        ).status_code
        == 201
    )
    item = _queue_item(svc, mod, "L-1")
    svc.client.post(f"/api/v1/queue/{item['id']}/claim", headers=mod)
    r = svc.client.post(
        f"/api/v1/queue/{item['id']}/verdict",
        headers=mod,
        json={"verdict": "uphold", "note": "a medical claim"},
    )
    assert r.status_code == 200
    state = svc.client.get("/api/v1/listings/L-1", headers=m).json()
    assert state["latest"]["outcome"]["decision"] == "reject" and state["live"] is None
    approved = svc.submit(m, title="Tea", description="A calm blend")
    assert (
        svc.client.post(
            "/api/v1/listings/L-1/appeals", headers=m, json={"statement": "x"}
        ).status_code
        == 409
    )  # nothing to appeal
    assert approved.json()["outcome"]["decision"] == "approve"


def test_events_feed_in_order_with_cursor(svc: Service) -> None:
    m = svc.key("merchant", "shop", "m1")
    for i in range(5):
        svc.submit(m, id=f"E-{i}", title=f"Plain item {i}")
    r = svc.client.get("/api/v1/events", headers=m, params={"limit": 3}).json()
    assert [e["listing_id"] for e in r["events"]] == ["E-0", "E-1", "E-2"]
    rest = svc.client.get("/api/v1/events", headers=m, params={"after": r["next"]}).json()
    assert [e["listing_id"] for e in rest["events"]] == ["E-3", "E-4"]
    cursors = [e["cursor"] for e in r["events"] + rest["events"]]
    assert cursors == sorted(cursors) and len(set(cursors)) == 5
    assert all(e["type"] == "decision" and e["decision"] == "approve" for e in rest["events"])


def test_metrics(svc: Service) -> None:
    m = svc.key("merchant", "shop", "m1")
    mod = svc.key("moderator", "alice")
    svc.submit(m, id="1", title="Plain item")
    svc.submit(m, id="2", title="Banned item")
    svc.submit(m, id="3", title="Hold item")
    item = _queue_item(svc, mod, "3")
    svc.client.post(f"/api/v1/queue/{item['id']}/claim", headers=mod)
    svc.client.post(
        f"/api/v1/queue/{item['id']}/verdict",
        headers=mod,
        json={"verdict": "reject", "reasons": [{"code": "prohibited"}]},
    )
    data = svc.client.get("/api/v1/metrics", headers=svc.admin).json()
    assert data["machine_decisions"] == {"total": 3, "approve": 1, "reject": 1, "human_review": 1}
    assert data["rejections_by_reason"] == {"prohibited": 1}
    assert data["findings_by_rule"]["TEST-HOLD"] == {"review": 1}
    assert data["automation"]["automated_share"] == pytest.approx(2 / 3, abs=1e-3)
    assert data["agreement"]["by_reason"]["prohibited"]["agreement"] == 1.0
    assert data["queue"]["open"] == 0 and data["reviews"]["decided"] == 3


def test_migration_matches_the_models(svc: Service, database_url: str) -> None:
    engine = create_engine(database_url)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    engine.dispose()
    assert diff == []


def test_audit_log_is_append_only(svc: Service, database_url: str) -> None:
    m = svc.key("merchant", "shop", "m1")
    svc.submit(m)
    engine = create_engine(database_url)
    with pytest.raises(DBAPIError, match="append-only"), engine.begin() as conn:
        conn.execute(text("UPDATE audit_log SET actor = 'someone'"))
    with pytest.raises(DBAPIError, match="append-only"), engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_log"))
    engine.dispose()


def test_policy_and_openapi(svc: Service) -> None:
    policy = svc.client.get("/api/v1/policy", headers=svc.admin).json()
    assert [r["id"] for r in policy["rules"]] == ["TEST-HOLD", "TEST-BAN", "TEST-WORD"]
    assert policy["queue"]["ordinary_business_days"] == 2
    assert svc.client.get("/docs").status_code == 200
    paths = svc.client.get("/openapi.json").json()["paths"]
    assert "/api/v1/listings" in paths and "/api/v1/events" in paths


def test_queue_deadlines_stretch_before_a_big_sale(svc_factory: Any, tmp_path: Path) -> None:
    """REVIEW-3: an item queued in the 15 days before a big sale gets about 40 % longer."""
    policy_dir = tmp_path / "policy"
    shutil.copytree(DEFAULT_POLICY_DIR, policy_dir)
    sale = (datetime.now(timezone.utc) + timedelta(days=5)).date().isoformat()
    queue = policy_dir / "queue.yaml"
    queue.write_text(queue.read_text().replace("big_sales: []", f"big_sales: [{sale}]"))
    spans = {}
    for listing_id, changes in (("A", {}), ("B", {"policy_dir": str(policy_dir)})):
        for service in svc_factory(**changes):
            m = service.key("merchant", f"shop-{listing_id}", "m1")
            alice = service.key("moderator", f"alice-{listing_id}")
            # the first of a category is high-risk (new): the category is known after it
            service.submit(m, id=f"first-{listing_id}", title="Lamp", category="Home > Lamps")
            service.submit(m, id=listing_id, title="Hold lamp", category="Home > Lamps")
            item = _queue_item(service, alice, listing_id)
            created = datetime.fromisoformat(service.client.get(
                f"/api/v1/submissions/{item['submission_id']}", headers=alice
            ).json()["submitted_at"])
            spans[listing_id] = datetime.fromisoformat(item["due_at"]) - created
    assert spans["B"] > spans["A"]  # 3 business days instead of 2
