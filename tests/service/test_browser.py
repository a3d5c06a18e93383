"""The console in a real browser: Playwright driving Debian's Chromium (``/usr/bin/chromium``).

Log in, claim a queued listing, see the evidence highlighted, reject with ``other`` +
comment (with the keyboard shortcuts), see the audit entry; then overturn an appeal.
Skipped, saying why, where Chromium or Playwright is missing.
"""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import uvicorn

from shelfcheck.service import Settings, create_app

from .conftest import ADMIN_KEY

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
sync_api = pytest.importorskip(
    "playwright.sync_api", reason="the playwright package is not installed"
)
if not shutil.which("chromium"):
    pytest.skip(
        "Debian's chromium is not installed (apt-get install -y chromium)", allow_module_level=True
    )


@pytest.fixture
def live_server(settings: Settings) -> Iterator[str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(settings), host="127.0.0.1", port=port, log_level="warning", lifespan="on"
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "server did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(20)


def _key(base: str, **body: Any) -> str:
    r = httpx.post(
        f"{base}/api/v1/keys", json=body, headers={"Authorization": f"Bearer {ADMIN_KEY}"}
    )
    assert r.status_code == 201, r.text
    return str(r.json()["key"])


def test_moderator_works_the_queue_in_chromium(live_server: str) -> None:
    base = live_server
    merchant = {
        "Authorization": f"Bearer {_key(base, name='shop', role='merchant', merchant_id='m1')}"
    }
    moderator_key = _key(base, name="alice", role="moderator")
    held = httpx.post(
        f"{base}/api/v1/listings",
        headers=merchant,
        json={"id": "K-1", "title": "Hold knife set", "description": "Six steel knives."},
    )
    assert held.json()["outcome"]["decision"] == "human_review"
    rejected = httpx.post(
        f"{base}/api/v1/listings",
        headers=merchant,
        json={"id": "T-1", "title": "Herbal tea", "description": "Our miracle blend."},
    )
    assert rejected.json()["outcome"]["decision"] == "reject"
    appeal = httpx.post(
        f"{base}/api/v1/listings/T-1/appeals",
        headers=merchant,
        json={
            "statement": "Miracle is the blend's trade name.",
            "evidence": [{"name": "lab test report", "url": "https://example.com/report.pdf"}],
        },
    )
    assert appeal.status_code == 201

    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--headless"]
        )
        try:
            page = browser.new_page()
            page.goto(f"{base}/console/login")
            page.fill("#key", moderator_key)
            page.click("#login")
            page.wait_for_url(f"{base}/console/")
            assert page.locator("table.queue").inner_text().count("m1") == 2

            # the human-review item: claim, evidence, reject with other + comment
            page.click("text=Hold knife set")
            page.click("#claim")
            page.wait_for_selector("#verdict-form")
            mark = page.locator("#title mark.evidence")
            assert mark.inner_text() == "Hold"
            assert mark.get_attribute("data-rule") == "TEST-HOLD"
            assert page.locator("a[href='/console/rules/TEST-HOLD']").count() >= 1
            page.locator("body").click()
            page.keyboard.press("0")  # the shortcut for `other`
            assert page.is_checked("#reason-other")
            page.select_option("#other-comment", "Misleading Info")
            page.locator("body").click()
            page.keyboard.press("r")  # reject
            page.wait_for_selector("#done")
            assert page.inner_text("#outcome") == "reject"

            page.click("text=audit entries")
            audit = page.locator("table.audit").inner_text()
            assert "verdict_reject" in audit and "alice" in audit
            assert "Misleading Info" in audit and "machine_decision" in audit

            # the appeal: claim, read the statement, overturn with a note
            page.goto(f"{base}/console/")
            page.click("text=Herbal tea")
            page.click("#claim")
            assert "trade name" in page.inner_text("#appeal")
            assert page.locator("#description mark.evidence").inner_text() == "miracle"
            page.fill("#note", "Trade name, lab report attached.")
            page.click("#overturn")
            page.wait_for_selector("#done")
            assert page.inner_text("#outcome") == "approve"
        finally:
            browser.close()

    state = httpx.get(f"{base}/api/v1/listings/T-1", headers=merchant).json()
    assert state["live_version"] == 1 and state["latest"]["outcome"]["by"] == "human"
    got = httpx.get(f"{base}/api/v1/appeals/{appeal.json()['id']}", headers=merchant).json()
    assert got["status"] == "overturned"
