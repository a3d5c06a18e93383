"""Access: no endpoint answers without a key, merchants see only their own listings (404,
nothing leaked), roles are enforced, console forms need the CSRF token, HTML is escaped."""

from __future__ import annotations

import re

from .conftest import Service


def _api_routes(svc: Service) -> list[tuple[str, str]]:
    """Every API operation the OpenAPI document lists, with ids filled in."""
    paths = svc.client.get("/openapi.json").json()["paths"]
    return [
        (method.upper(), re.sub(r"\{[^}]+\}", "1", path))
        for path, operations in paths.items()
        if path.startswith("/api/")
        for method in operations
    ]


def test_no_endpoint_answers_without_a_valid_key(svc: Service) -> None:
    routes = _api_routes(svc)
    assert len(routes) >= 15
    for method, path in routes:
        for headers in ({}, {"Authorization": "Bearer nope"}, {"X-API-Key": ""}):
            r = svc.client.request(method, path, headers=headers, json={})
            assert r.status_code == 401, (method, path, r.status_code)


def test_a_merchant_cannot_see_another_merchants_listings(svc: Service) -> None:
    a = svc.key("merchant", "a", "merchant-a")
    b = svc.key("merchant", "b", "merchant-b")
    secret_title = "Secret prototype blender"
    made = svc.submit(a, id="A-1", title=secret_title, description="miracle").json()
    assert made["outcome"]["decision"] == "reject"
    for path in ("/api/v1/listings/A-1", "/api/v1/listings/A-1/history", made["status_url"]):
        r = svc.client.get(path, headers=b)
        assert r.status_code == 404
        assert secret_title not in r.text and "merchant-a" not in r.text
    appeal = svc.client.post(
        "/api/v1/listings/A-1/appeals", headers=b, json={"statement": "mine now"}
    )
    assert appeal.status_code == 404 and secret_title not in appeal.text
    assert svc.client.get("/api/v1/listings", headers=b).json() == {"listings": []}
    feed = svc.client.get("/api/v1/events", headers=b).json()
    assert feed["events"] == [] and secret_title not in str(feed)
    # b may use the same listing id for its own listing: a different listing
    own = svc.submit(b, id="A-1", title="Kettle")
    assert own.status_code == 201 and own.json()["merchant_id"] == "merchant-b"
    assert (
        svc.client.get("/api/v1/listings/A-1", headers=a).json()["latest"]["outcome"]["decision"]
        == "reject"
    )
    real_appeal = svc.client.post(
        "/api/v1/listings/A-1/appeals", headers=a, json={"statement": "fine"}
    ).json()
    r = svc.client.get(f"/api/v1/appeals/{real_appeal['id']}", headers=b)
    assert r.status_code == 404
    r = svc.submit(b, id="X", title="Kettle", merchant_id="merchant-a")
    assert r.status_code == 422


def test_roles(svc: Service) -> None:
    merchant = svc.key("merchant", "m", "m1")
    mod = svc.key("moderator", "alice")
    mint = {"name": "x", "role": "admin"}
    assert svc.client.post("/api/v1/keys", headers=mod, json=mint).status_code == 403
    assert svc.client.post("/api/v1/keys", headers=merchant, json=mint).status_code == 403
    assert svc.client.get("/api/v1/keys", headers=mod).status_code == 403
    assert svc.client.get("/api/v1/metrics", headers=mod).status_code == 403
    assert svc.client.get("/api/v1/policy", headers=mod).status_code == 403
    assert svc.client.get("/api/v1/queue", headers=merchant).status_code == 403
    assert svc.client.get("/api/v1/audit", headers=merchant).status_code == 403
    assert svc.client.post("/api/v1/queue/next", headers=merchant).status_code == 403
    assert svc.submit(mod).status_code == 403
    keys = svc.client.get("/api/v1/keys", headers=svc.admin).json()["keys"]
    assert all("key" not in k and "key_hash" not in k for k in keys)


def test_a_revoked_key_stops_working(svc: Service) -> None:
    r = svc.client.post(
        "/api/v1/keys",
        headers=svc.admin,
        json={"name": "m", "role": "merchant", "merchant_id": "m1"},
    ).json()
    merchant = svc.headers(r["key"])
    assert svc.client.get("/api/v1/listings", headers=merchant).status_code == 200
    svc.client.delete(f"/api/v1/keys/{r['id']}", headers=svc.admin)
    assert svc.client.get("/api/v1/listings", headers=merchant).status_code == 401


def _login(svc: Service, key: str) -> None:
    page = svc.client.get("/console/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token
    r = svc.client.post(
        "/console/login", data={"key": key, "csrf_token": token.group(1)}, follow_redirects=False
    )
    assert r.status_code == 303, r.text


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found
    return found.group(1)


def test_console_forms_need_the_csrf_token(svc: Service) -> None:
    m = svc.key("merchant", "m", "m1")
    svc.submit(m, title="Hold this")
    mod_key = svc.client.post(
        "/api/v1/keys", headers=svc.admin, json={"name": "alice", "role": "moderator"}
    ).json()["key"]
    page = svc.client.get("/console/login")
    assert page.status_code == 200
    r = svc.client.post(
        "/console/login", data={"key": mod_key, "csrf_token": "forged"}, follow_redirects=False
    )
    assert r.status_code == 403
    _login(svc, mod_key)
    queue = svc.client.get("/console/")
    assert queue.status_code == 200 and "Hold this" in queue.text
    for data in ({}, {"csrf_token": "forged"}):
        r = svc.client.post("/console/next", data=data, follow_redirects=False)
        assert r.status_code == 403
    r = svc.client.post(
        "/console/next", data={"csrf_token": _csrf(queue.text)}, follow_redirects=False
    )
    assert r.status_code == 303 and "/console/items/" in r.headers["location"]


def test_console_needs_a_staff_login(svc: Service) -> None:
    assert svc.client.get("/console/", follow_redirects=False).status_code == 303
    svc.client.cookies.set("shelfcheck_session", "eyJraWQiOjF9.forged")
    assert svc.client.get("/console/", follow_redirects=False).status_code == 303
    svc.client.cookies.clear()
    merchant_key = svc.client.post(
        "/api/v1/keys",
        headers=svc.admin,
        json={"name": "m", "role": "merchant", "merchant_id": "m1"},
    ).json()["key"]
    page = svc.client.get("/console/login")
    r = svc.client.post(
        "/console/login",
        data={"key": merchant_key, "csrf_token": _csrf(page.text)},
        follow_redirects=False,
    )
    assert r.status_code == 401


def test_console_escapes_listing_text(svc: Service) -> None:
    m = svc.key("merchant", "m", "m1")
    svc.submit(
        m,
        title="Hold <script>alert(1)</script>",
        description="<img src=x onerror=alert(2)>",
        photos=["javascript:alert(3)"],
    )
    _login(
        svc,
        svc.client.post(
            "/api/v1/keys", headers=svc.admin, json={"name": "alice", "role": "moderator"}
        ).json()["key"],
    )
    queue = svc.client.get("/console/")
    item = re.search(r'href="/console/items/(\d+)"', queue.text)
    assert item
    page = svc.client.get(f"/console/items/{item.group(1)}").text
    assert "<script>alert(1)" not in page and "&lt;script&gt;" in page
    assert "<img src=x" not in page and 'src="javascript:' not in page
