"""Browser tests: Debian's Chromium driven by Playwright against a live server.

The server is the real app (CSRF on) on a free loopback port, serving the same
database as the test: its threads have connections of their own, so every browser test
commits for real (marked `committed` and `browser` below; `-m "not browser"` leaves
them out locally, CI runs them). Screenshots land in test-artifacts/ for people to look at.
Playwright's own browser download does not work on these machines, so the browser is
/usr/bin/chromium (installed by .ci/run with apt-get), or DUMAS_CHROMIUM.
"""
import os
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from app import create_app

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM = os.environ.get("DUMAS_CHROMIUM", "/usr/bin/chromium")
# Without the background-networking switches Chromium keeps dialling out, and this
# machine's closed network refuses it, slowly.
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


BROWSER_TESTS = Path(__file__).resolve().parent


def pytest_collection_modifyitems(items):
    for item in items:
        if BROWSER_TESTS in item.path.parents:
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.committed)


@pytest.fixture
def live_server(app, request):
    assert request.node.get_closest_marker("committed"), "a live server only sees committed data"
    live_app = create_app({**app.config, "WTF_CSRF_ENABLED": True})
    server = make_server("127.0.0.1", 0, live_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: .ci/run installs it (apt-get install chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, request):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="id-ID")
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


@pytest.fixture
def screenshot(page, request):
    """screenshot("name") saves test-artifacts/<test>-<n>-<name>.png, full page."""
    ARTIFACTS.mkdir(exist_ok=True)
    counter = iter(range(1, 100))
    test_name = request.node.name.replace("[", "-").replace("]", "")

    def take(name: str, target=None):
        path = ARTIFACTS / f"{test_name}-{next(counter):02d}-{name}.png"
        (target or page).screenshot(path=str(path), full_page=True)
        return path

    return take
