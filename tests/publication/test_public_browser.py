"""Real Chromium: a visitor reads the published results on a phone and on a desktop (no
sideways scrolling on the phone, no script error or CSP violation), opens the printable list
(its toolbar is not printed) and a superseded version."""

from __future__ import annotations

from datetime import timedelta

import pytest

from contest.extensions import db
from contest.publication import operations as pub
from contest.timeutil import utcnow
from tests.browser_support import screenshot
from tests.publication.public_fixtures import TECHNICAL_SLUG, correct, technical_edition

pytestmark = pytest.mark.browser
SLUG = TECHNICAL_SLUG


def watch_console(page) -> list[str]:
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    return errors


def test_visitor_reads_the_results_on_a_phone_and_a_desktop(live_server, page, phone_page, users):
    edition = technical_edition(opens_at="2026-06-01T07:00:00+07:00")
    pub.publish(edition, users["organizer"], now=utcnow() - timedelta(days=3))
    db.session.commit()
    correct(edition, users["organizer"], now=utcnow() - timedelta(days=1))
    base = live_server.url

    for browser_page, name in ((phone_page, "phone"), (page, "desktop")):
        errors = watch_console(browser_page)
        browser_page.goto(f"{base}/results/{SLUG}")
        banner = browser_page.get_by_test_id("state-banner")
        assert "Đang niêm yết đến" in banner.inner_text()
        assert browser_page.get_by_test_id("complaints-link").is_visible()
        assert browser_page.get_by_test_id("winner").count() == 5
        width = browser_page.evaluate("document.documentElement.scrollWidth")
        assert width <= browser_page.viewport_size["width"], f"{name}: {width}px wide"
        screenshot(browser_page, f"public-results-{name}")

        browser_page.get_by_test_id("version-link").nth(1).click()
        assert "/v/1" in browser_page.url
        assert (
            "đã được thay thế bởi phiên bản 2"
            in browser_page.get_by_test_id("state-banner").inner_text()
        )
        assert browser_page.get_by_test_id("difference").count() == 3
        screenshot(browser_page, f"public-results-v1-{name}")

        browser_page.goto(f"{base}/results/{SLUG}/print")
        assert browser_page.get_by_test_id("official-row").count() == 5
        width = browser_page.evaluate("document.documentElement.scrollWidth")
        assert width <= browser_page.viewport_size["width"], f"{name} print: {width}px wide"
        screenshot(browser_page, f"public-results-print-{name}")
        browser_page.emulate_media(media="print")
        assert not browser_page.get_by_test_id("print-button").is_visible()
        browser_page.emulate_media(media="screen")
        assert errors == [], errors
