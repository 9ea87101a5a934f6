"""Browser tests: Playwright's Python package driving Debian's Chromium.

``playwright install`` cannot download here; the tests use /usr/bin/chromium (set
CHROMIUM to use another). A missing browser fails in CI and skips on a laptop.
"""

import os
import shutil

import pytest
from django.test import Client

from tests.conftest import require_service

CHROMIUM = os.getenv("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]

pytestmark = pytest.mark.browser


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    require_service(f"Chromium at {CHROMIUM}", shutil.which(CHROMIUM) is not None)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_FLAGS, headless=True
        )
        yield chromium
        chromium.close()


@pytest.fixture
def open_as(browser, live_server):
    """``open_as(user)`` gives a signed-in page (``None``: signed out) on the live server."""
    contexts = []

    def _open(user=None, *, viewport=None):
        context = browser.new_context(
            base_url=live_server.url,
            viewport=viewport or {"width": 1280, "height": 900},
            locale="en-GB",
            timezone_id="Europe/London",
        )
        context.set_default_timeout(10_000)
        if user is not None:
            client = Client()
            client.force_login(user)
            context.add_cookies(
                [
                    {
                        "name": "sessionid",
                        "value": client.cookies["sessionid"].value,
                        "url": live_server.url,
                    }
                ]
            )
        contexts.append(context)
        page = context.new_page()
        errors = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.js_errors = errors
        return page

    yield _open
    for context in contexts:
        context.close()


def assert_accessible(page, context=None):
    """Run axe-core on the page; fail on any serious or critical violation."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, context=context)
    bad = [
        f"{v['id']} ({v['impact']}): {v['help']} at "
        + ", ".join(str(node["target"]) for node in v["nodes"][:3])
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert not bad, f"Accessibility problems on {page.url}:\n" + "\n".join(bad)


def assert_accessible_on_a_phone(page, width=320):
    """Narrow the page to a small phone's width: still accessible, and nothing wider than
    the screen to scroll sideways to."""
    page.set_viewport_size({"width": width, "height": 640})
    assert_accessible(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
