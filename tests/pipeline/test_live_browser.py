"""In headless Chromium: run status badges go to "completed" without a reload.

The embedded topology for real: a daphne server and a django-q2 `qcluster` worker run as
subprocesses on a database shared with this test (tests/pipeline/shared_db.py); with
REDIS_URL set (the PostgreSQL CI run) they use Redis for the channel layer and the queue.
A curator triggers a replay of the demo PanelApp snapshot from the live admin page in a
second tab while the first tab (the live page, or the public /sources/ page) only watches:
over the WebSocket, and, when the socket is unavailable, through the polling fallback.
Uses Debian's /usr/bin/chromium through Playwright; skips when either is missing. Screenshots
of both pages go to var/screenshots/.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.contrib.auth.models import Group

from tests.browser import DESKTOP, chromium_context, needs_chromium, screenshot_path
from tests.pipeline.processes import free_port, processes_stop, wait_http
from tests.pipeline.shared_db import REPO_DIR, manage_command, shared_database, subprocess_env

__all__ = ["shared_database"]

PASSWORD = "a-curator-password-1"  # noqa: S105 - a throwaway test account
# A WebSocket that never connects: the page must fall back to polling the state URL.
NO_WEBSOCKET_JS = """
window.WebSocket = function () {
  var socket = this;
  window.__socketAttempts = (window.__socketAttempts || 0) + 1;
  setTimeout(function () { if (socket.onclose) { socket.onclose({ code: 1006 }); } }, 10);
};
"""

pytestmark = [pytest.mark.slow, needs_chromium]


@pytest.fixture
def curator(django_user_model):
    user = django_user_model.objects.create_user("curator", password=PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name="Curator"))
    return user


@pytest.fixture
def server(demo_genes, curator, shared_database, tmp_path) -> Iterator[str]:
    """daphne + qcluster on the shared database; yields the server's base URL."""
    port = free_port()
    env = subprocess_env(shared_database, Q_WORKERS="1")
    daphne = str(Path(manage_command()[0]).with_name("daphne"))
    logs = [(tmp_path / name).open("w") for name in ("daphne.log", "qcluster.log")]
    commands = [
        [daphne, "-b", "127.0.0.1", "-p", str(port), "kidney_genetics.asgi:application"],
        manage_command("qcluster"),
    ]
    processes = [
        subprocess.Popen(command, cwd=REPO_DIR, env=env, stdout=log, stderr=subprocess.STDOUT)
        for command, log in zip(commands, logs, strict=True)
    ]
    try:
        wait_http(f"http://127.0.0.1:{port}/api/ping/", processes[0])
        yield f"http://127.0.0.1:{port}"
    finally:
        processes_stop(processes)
        for log in logs:
            log.close()


@pytest.fixture
def browser_context(monkeypatch):
    """A Chromium context. Waits use expect() locators: the pages' CSP (no 'unsafe-eval')
    refuses Playwright's wait_for_function.
    """
    with chromium_context(monkeypatch, timeout_ms=30000, viewport=DESKTOP) as context:
        yield context


def _log_in(context, base_url: str) -> None:
    page = context.new_page()
    page.goto(f"{base_url}/admin/login/?next=/admin/")
    page.fill("#id_username", "curator")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(f"{base_url}/admin/")
    page.close()


def _trigger_demo_panelapp(context, base_url: str) -> None:
    """A second tab: the curator's trigger button, replaying the demo snapshot."""
    page = context.new_page()
    page.goto(f"{base_url}/admin/pipeline/live/")
    row = page.locator('tr[data-run-source="panelapp"]')
    row.locator("select[name=mode]").select_option("demo")
    row.locator("[data-run-trigger]").click()
    page.wait_for_load_state()
    assert "queued (replay)" in page.content()
    page.close()


def _record_badge(page, badge_selector: str) -> None:
    """Mark the page (a reload would lose the mark) and record every text the badge shows."""
    page.evaluate("window.__notReloaded = true")
    page.evaluate(
        """selector => {
          window.__statuses = [];
          const badge = document.querySelector(selector);
          new MutationObserver(() => window.__statuses.push(badge.textContent))
            .observe(badge, { childList: true, characterData: true, subtree: true });
        }""",
        badge_selector,
    )


def _expect():
    return pytest.importorskip("playwright.sync_api").expect


def test_live_admin_page_shows_a_triggered_run_complete_over_the_websocket(server, browser_context):
    expect = _expect()
    _log_in(browser_context, server)
    page = browser_context.new_page()
    page.goto(f"{server}/admin/pipeline/live/")
    expect(page.locator("[data-progress-root]")).to_have_attribute("data-progress-mode", "live")
    row = page.locator('tr[data-run-source="panelapp"]')
    badge = 'tr[data-run-source="panelapp"] [data-run-field="status"]'
    expect(page.locator(badge)).to_have_text("never run")
    _record_badge(page, badge)
    _trigger_demo_panelapp(browser_context, server)
    expect(page.locator(badge)).to_have_text("completed", timeout=150_000)
    assert page.evaluate("window.__notReloaded") is True
    statuses = page.evaluate("window.__statuses")
    assert statuses[-1] == "completed" and len(statuses) >= 2, statuses
    expect(row).to_have_attribute("data-run-status", "completed")
    counts = row.locator('[data-run-field="counts"]').text_content()
    assert counts and counts.split(" / ")[0] == counts.split(" / ")[1], counts
    expect(page.locator("[data-progress-root]")).to_have_attribute("data-progress-mode", "live")
    # The run ends with a score recompute, which shows up as a job of its own.
    score = page.locator('tr[data-job-kind="score"]')
    expect(score).to_have_attribute("data-run-status", "completed")
    expect(score.locator('[data-run-field="message"]')).to_contain_text("genes scored")
    page.screenshot(path=screenshot_path("pipeline-live.png"), full_page=True)


def test_public_sources_page_falls_back_to_polling_without_a_websocket(server, browser_context):
    expect = _expect()
    _log_in(browser_context, server)
    watcher = browser_context.browser.new_context()
    watcher.add_init_script(NO_WEBSOCKET_JS)
    page = watcher.new_page()
    page.set_default_timeout(30000)
    page.goto(f"{server}/sources/")
    root = page.locator("[data-progress-root]")
    expect(root).to_have_attribute("data-progress-mode", "polling")
    badge = 'tr[data-run-source="panelapp"] [data-run-field="status"]'
    expect(page.locator(badge)).to_have_text("never run")
    _record_badge(page, badge)
    _trigger_demo_panelapp(browser_context, server)
    expect(page.locator(badge)).to_have_text("completed", timeout=150_000)
    assert page.evaluate("window.__notReloaded") is True
    assert page.evaluate("window.__socketAttempts") >= 1
    expect(root).to_have_attribute("data-progress-mode", "polling")
    page.locator("#source-table").screenshot(path=screenshot_path("sources-live-status.png"))
    watcher.close()
