"""Playwright against Debian's chromium (no browser download), serving on 127.0.0.1 only."""

from __future__ import annotations

import os
import shutil

import pytest

# Playwright's sync API runs an event loop in this thread; Django's ORM calls made by the test
# itself (creating users, reading results) are still plain synchronous code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _chromium_path() -> str | None:
    return os.environ.get("CHROMIUM_PATH") or shutil.which("chromium")


@pytest.fixture(scope="session")
def browser():
    path = _chromium_path()
    if path is None:
        message = "Debian's chromium is not installed (apt-get install chromium)"
        if os.environ.get("REQUIRE_BROWSER"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 820, "height": 1180})  # a tablet, portrait
    page = context.new_page()
    yield page
    context.close()


def demo_password(leads: int) -> str:
    """Prepare the demo practice with ``leads`` leads; the password it prints."""
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("demo", "--no-serve", "--leads", str(leads), stdout=out)
    return next(
        line.split(":", 1)[1].strip() for line in out.getvalue().splitlines() if "password:" in line
    )


@pytest.fixture
def demo_session(live_server, page):
    """Log the browser in to a demo practice of ``leads`` leads; returns the site's URL."""

    def log_in(leads: int) -> str:
        password = demo_password(leads)
        base = live_server.url
        page.goto(base + "/")
        page.fill("#id_username", "demo")
        page.fill("#id_password", password)
        page.click("button[type=submit]")
        page.wait_for_url(base + "/p/demo/")
        return base

    return log_in
