"""Real Chromium: an organizer opens the statistics page on a desktop and on a phone; every
chart is drawn by the vendored Chart.js (bars and doughnuts) with no script error (the CSP
forbids inline scripts); the tables fit the phone's width (they scroll inside their box).
Screenshots: test-artifacts/statistics-desktop.png, statistics-phone.png."""

from __future__ import annotations

import pytest

from tests.browser_support import screenshot, wait_until
from tests.factories import PASSWORD
from tests.publication.statistics_helpers import SLUG, build_edition, build_previous

pytestmark = pytest.mark.browser


def _login(page, base: str, user) -> None:
    page.goto(f"{base}/login")
    page.fill("input[name=email]", user.email)
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.locator("form button[type=submit]").last.click()


def _errors(page) -> list[str]:
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    return errors


def test_page_draws_every_chart_on_desktop_and_phone(
    runner, tmp_path, users, live_server, page, phone_page
):
    edition, areas = build_edition(runner, tmp_path, organizer=users["organizer"])
    build_previous(runner, tmp_path, areas)
    base = live_server.url
    for name, browser_page in (("desktop", page), ("phone", phone_page)):
        errors = _errors(browser_page)
        _login(browser_page, base, users["organizer"])
        browser_page.goto(f"{base}/organizer/statistics/{SLUG}")
        charts = browser_page.locator("canvas[data-chart]")
        assert charts.count() == 8  # area, field, 2 levels, gender, ethnicity, 2 comparisons
        wait_until(
            browser_page, "document.querySelectorAll('canvas[data-drawn=true]').length === 8"
        )
        assert errors == []
        overflow = browser_page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{name}: the page scrolls sideways by {overflow}px"
        screenshot(browser_page, f"statistics-{name}")
