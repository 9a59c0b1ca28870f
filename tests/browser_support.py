"""Browser fixtures, imported by tests/conftest.py: a live server and real Chromium.

Playwright drives Debian's Chromium (``/usr/bin/chromium``); no ``playwright install``.
"""

from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from tests.services import need, port_free

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


class LiveServer:
    """The app served by Werkzeug in a background thread."""

    def __init__(self, app):
        self.app = app
        self.port = port_free()
        self.server = make_server("127.0.0.1", self.port, app, threaded=True)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.thread.join(timeout=5)


@pytest.fixture()
def live_server(make_app):
    """A live server with CSRF on, as in production."""
    app = make_app(WTF_CSRF_ENABLED=True)
    with LiveServer(app) as server:
        yield server


@pytest.fixture(scope="session")
def chromium():
    """A headless Chromium, launched once per test session."""
    need(os.path.exists(CHROMIUM), f"Chromium at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture()
def page(chromium):
    """A fresh browser context and page (desktop size)."""
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture()
def phone_page(chromium):
    """A fresh browser context the size of a phone."""
    context = chromium.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, locale="vi-VN"
    )
    page = context.new_page()
    yield page
    context.close()


def wait_until(page, expression: str, timeout: float = 10.0) -> None:
    """Wait until the JavaScript ``expression`` is true in ``page``. Playwright's
    ``wait_for_function`` compiles its predicate in the page when the first check fails,
    which the app's Content Security Policy (no 'unsafe-eval') refuses; ``evaluate`` runs
    through the DevTools protocol, outside that policy."""
    import time

    deadline = time.monotonic() + timeout
    while not page.evaluate(expression):
        assert time.monotonic() < deadline, f"still false after {timeout} s: {expression}"
        page.wait_for_timeout(50)


def screenshot(page, name: str) -> Path:
    """Save a full-page screenshot under test-artifacts/ and return its path."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


AXE = Path(__file__).resolve().parent / "assets" / "axe.min.js"
#: What is checked: WCAG 2.0 and 2.1, levels A and AA.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING_IMPACTS = ("serious", "critical")


def axe_violations(page) -> list[dict]:
    """axe-core's WCAG 2.1 A/AA violations on the current page (axe is evaluated through the
    DevTools protocol, which the page's CSP does not block)."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text(encoding="utf-8"))
    return page.evaluate(
        """async (tags) => {
            const result = await axe.run(document, {runOnly: {type: "tag", values: tags}});
            return result.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map(n => ({target: n.target.join(" "),
                                          summary: n.failureSummary}))}));
        }""",
        AXE_TAGS,
    )


def describe_violations(violations: list[dict]) -> str:
    """The violations, readably: rule, impact, help, then each element and why."""
    lines = []
    for v in violations:
        lines.append(f"[{v['impact']}] {v['id']}: {v['help']}")
        for node in v["nodes"][:8]:
            lines.append(f"    {node['target']}")
            for reason in (node["summary"] or "").splitlines()[1:3]:
                lines.append(f"        {reason.strip()}")
        if len(v["nodes"]) > 8:
            lines.append(f"    … and {len(v['nodes']) - 8} more")
    return "\n".join(lines)


def assert_accessible(page, where: str = "") -> None:
    """Fail on any serious or critical WCAG 2.1 AA violation axe-core finds on the page."""
    blocking = [v for v in axe_violations(page) if v["impact"] in BLOCKING_IMPACTS]
    assert not blocking, f"axe on {where or page.url}:\n" + describe_violations(blocking)
