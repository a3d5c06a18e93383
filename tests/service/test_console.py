"""The console over HTTP (the browser test drives the same pages in Chromium): the item page
shows evidence highlighted and the rule docs; verdicts from the form; rule pages for every
rule of the registry; metrics and audit pages."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from shelfcheck.rules import RULES
from shelfcheck.service.console import highlight

from .conftest import Service, make_service
from .test_security import _csrf, _login


def _moderator(svc: Service, name: str = "alice", role: str = "moderator") -> None:
    key = svc.client.post(
        "/api/v1/keys", headers=svc.admin, json={"name": name, "role": role}
    ).json()["key"]
    _login(svc, key)


def test_review_in_the_console(svc: Service) -> None:
    m = svc.key("merchant", "m", "m1")
    svc.submit(m, title="Hold knife set", description="Steel knives.", category="Home > Kitchen")
    svc.submit(m, id="L-old", title="Plain mug")
    _moderator(svc)
    queue = svc.client.get("/console/")
    claim = svc.client.post(
        "/console/next", data={"csrf_token": _csrf(queue.text)}, follow_redirects=True
    )
    page = claim.text
    assert 'data-rule="TEST-HOLD"' in page and ">Hold</mark>" in page
    assert 'href="/console/rules/TEST-HOLD"' in page
    assert "Claimed by you" in page and "Plain mug" in page  # the merchant's history
    for code in (
        "prohibited",
        "offensive",
        "brand",
        "photo",
        "title",
        "description",
        "size_chart",
        "variants",
        "inconsistent",
        "other",
    ):
        assert f'value="{code}"' in page
    for comment in ("Misleading Info", "Prohibited on Joom", "dangerous kind is incorrect"):
        assert f'<option value="{comment}">' in page
    action = re.search(r'action="(/console/items/\d+/verdict)"', page)
    assert action
    token = _csrf(page)
    r = svc.client.post(
        action.group(1), data={"csrf_token": token, "verdict": "reject", "reason": ["other"]}
    )
    assert r.status_code == 422 and "needs a comment" in r.text
    r = svc.client.post(
        action.group(1),
        data={
            "csrf_token": token,
            "verdict": "reject",
            "reason": ["other", "prohibited"],
            "other_comment": "Prohibited on Joom",
            "note": "weapons",
        },
    )
    assert r.status_code == 200 and "Verdict recorded" in r.text
    audit = svc.client.get("/console/audit").text
    assert "verdict_reject" in audit and "alice" in audit and "Prohibited on Joom" in audit


def test_every_rule_of_the_registry_has_a_page(settings: Any) -> None:
    for svc in make_service(replace(settings, rules=None)):
        _moderator(svc)
        index = svc.client.get("/console/rules").text
        for rule in RULES:
            assert f'href="/console/rules/{rule.id}"' in index
            page = svc.client.get(f"/console/rules/{rule.id}")
            assert page.status_code == 200 and rule.id in page.text
            assert "<h3>Why</h3>" in page.text
        assert svc.client.get("/console/rules/NOPE-1").status_code == 404


def test_metrics_page_is_for_admins(svc: Service) -> None:
    _moderator(svc)
    assert svc.client.get("/console/metrics").status_code == 403
    svc.client.cookies.clear()
    _moderator(svc, "root", "admin")
    page = svc.client.get("/console/metrics")
    assert page.status_code == 200 and "Machine vs people" in page.text


def test_highlight_uses_span_or_finds_the_evidence() -> None:
    findings = [
        {"field": "title", "evidence": "FREE", "span": [0, 4], "rule": "R1", "message": "m"},
        {
            "field": "title",
            "evidence": "shipping",
            "span": [90, 99],
            "rule": "R2",
            "message": "<b>",
        },
        {"field": "description", "evidence": "x", "span": [0, 1], "rule": "R3", "message": ""},
    ]
    out = str(highlight("FREE <fast> shipping", findings, "title"))
    assert out.startswith('<mark class="evidence" data-rule="R1"')
    assert "&lt;fast&gt;" in out and 'data-rule="R2" title="R2: &lt;b&gt;">shipping</mark>' in out
    assert "R3" not in out
