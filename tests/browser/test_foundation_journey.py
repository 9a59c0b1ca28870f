"""Real Chromium: each role logs in through the real form and lands on its home page; the
language switch works; the login and home pages are screenshotted for a look. axe-core finds
no serious or critical WCAG 2.1 AA problem on them; the organizer's menu fits on one line at
1366 px and opens with the keyboard; the skip link leads to the main content."""

from __future__ import annotations

import pytest

from tests import factories
from tests.browser_support import assert_accessible, screenshot

pytestmark = pytest.mark.browser

HOMES = {
    "admin": "home-organizer",
    "organizer": "home-organizer",
    "coordinator": "home-coordinator",
    "judge": "home-judge",
    "entrant": "home-entrant",
}


def _login(page, base: str, email: str) -> None:
    page.goto(f"{base}/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", factories.PASSWORD)
    page.click("[data-testid=login-form] button[type=submit]")


@pytest.mark.parametrize("role", list(HOMES))
def test_each_role_lands_on_its_home_page(live_server, users, chromium, role):
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    try:
        _login(page, live_server.url, users[role].email)
        page.wait_for_selector(f"[data-testid={HOMES[role]}]", timeout=10_000)
        assert page.url.rstrip("/").endswith(
            {
                "home-organizer": "/organizer",
                "home-coordinator": "/coordinator",
                "home-judge": "/judge",
                "home-entrant": "/my",
            }[HOMES[role]]
        )
        assert_accessible(page, f"home of {role}")
        if role in ("organizer", "entrant"):
            screenshot(page, f"foundation-home-{role}")
        # Logging out ends the session: the home page then asks for a login again.
        page.click("[data-testid=logout]")
        page.goto(f"{live_server.url}/home")
        assert "/login" in page.url
        assert not errors, errors
    finally:
        context.close()


def test_login_page_in_vietnamese_then_english_on_a_phone(live_server, phone_page):
    page = phone_page
    page.goto(f"{live_server.url}/login")
    heading = page.locator("h1").inner_text()
    assert heading == "Đăng nhập"
    assert "Quên mật khẩu?" in page.content()
    screenshot(page, "foundation-login-vi-phone")
    assert_accessible(page, "login (vi, phone)")
    # The language buttons sit in the collapsed menu on a phone.
    page.click("button.navbar-toggler")
    with page.expect_navigation():
        page.click("[data-testid=lang-en]")
    assert page.locator("h1").inner_text() == "Log in"
    assert_accessible(page, "login (en, phone)")
    # No sideways scrolling on a phone.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_organizer_menu_fits_one_line_at_1366_and_works_by_keyboard(live_server, users, chromium):
    context = chromium.new_context(viewport={"width": 1366, "height": 768}, locale="vi-VN")
    page = context.new_page()
    try:
        _login(page, live_server.url, users["organizer"].email)
        page.wait_for_selector("[data-testid=home-organizer]")
        top = page.locator("[data-testid=nav-links] > li")
        assert 3 <= top.count() <= 6
        tops = {round(top.nth(i).bounding_box()["y"]) for i in range(top.count())}
        assert len(tops) == 1, f"the menu wraps: rows at {sorted(tops)}"
        bar = page.locator("nav.navbar").bounding_box()
        assert bar["height"] < 80, bar
        # nothing spills out of the bar's container (the last item is logging out)
        inner = page.locator("nav.navbar > div").bounding_box()
        logout = page.locator("[data-testid=logout]").bounding_box()
        assert logout["x"] + logout["width"] <= inner["x"] + inner["width"] + 1, (logout, inner)
        # A menu opens from the keyboard and its links lead to their pages.
        page.focus("[data-testid=nav-group-season]")
        page.keyboard.press("Enter")
        page.wait_for_selector("[data-testid=nav-intake]", state="visible")
        page.click("[data-testid=nav-intake]")
        page.wait_for_url("**/organizer/entries/")
        assert page.locator("[data-testid=nav-group-season]").get_attribute("class").count("active")
        assert_accessible(page, "intake list")
        # The skip link is the first stop of the keyboard and leads to the main content.
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.dataset.testid") == "skip-link"
        page.keyboard.press("Enter")
        assert page.evaluate("document.activeElement.id") == "content"
    finally:
        context.close()
