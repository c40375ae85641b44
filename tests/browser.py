"""Headless Chromium for the end-to-end tests: Debian's browser driven by Playwright.

No browser is downloaded: the tests use the system's `chromium` (Debian's package) and skip
cleanly when it or Playwright is missing. Screenshots go to var/screenshots/.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import IN_CI

CHROMIUM = Path(shutil.which("chromium") or "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = Path(__file__).resolve().parents[1] / "var" / "screenshots"
DESKTOP = {"width": 1280, "height": 900}

# Under CI a missing Chromium is a failure (the test runs and cannot start it), not a skip.
needs_chromium = pytest.mark.skipif(
    not CHROMIUM.exists() and not IN_CI, reason="no Chromium installed"
)


@contextmanager
def chromium_context(
    monkeypatch: pytest.MonkeyPatch, timeout_ms: int = 15000, **options: Any
) -> Iterator[Any]:
    """A fresh browser context (`options` go to `new_context`), closed with its browser.

    Playwright's sync API runs an event loop in the test thread; the ORM calls made by fixtures
    and the live server around it are still synchronous, hence DJANGO_ALLOW_ASYNC_UNSAFE.
    """
    playwright_api = pytest.importorskip("playwright.sync_api")
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        context = browser.new_context(**options)
        context.set_default_timeout(timeout_ms)
        try:
            yield context
        finally:
            context.close()
            browser.close()


def screenshot_path(name: str) -> str:
    """Where a screenshot called `name` is written (the folder is created)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return str(SCREENSHOTS / name)
