"""Real Chromium on a phone: after a failed save the error summary at the top takes the
focus, is on screen, and links to each field in error; the field says it is invalid and
names its error text. Dates are typed dd/mm/yyyy whatever the browser's language."""

from __future__ import annotations

import re

import pytest

from contest.areas.tree import find_area
from tests import factories
from tests.browser_support import ARTIFACTS, assert_accessible
from tests.entries_ui.conftest import make_entry, open_edition

pytestmark = pytest.mark.browser

PHONE_HEIGHT = 844


def log_in(page, base: str, user) -> None:
    page.goto(f"{base}/login")
    page.fill('input[name="email"]', user.email)
    page.fill('input[name="password"]', factories.PASSWORD)
    with page.expect_navigation():
        page.click('form[data-testid="login-form"] button[type="submit"]')


def focused_testid(page) -> str | None:
    return page.evaluate("document.activeElement && document.activeElement.dataset.testid")


def summary_on_screen(page, summary) -> None:
    """The summary has the focus and its top is inside the phone's screen."""
    assert summary.get_attribute("role") == "alert" and summary.get_attribute("tabindex") == "-1"
    box = summary.bounding_box()
    assert box is not None and 0 <= box["y"] < PHONE_HEIGHT, box


def follow_link_to(page, summary, field_id: str) -> str:
    """The summary's link to ``field_id`` moves the focus into that field, which is marked
    invalid and described by its error text."""
    summary.locator(f'a[href="#{field_id}"]').click()
    assert page.evaluate("document.activeElement.id") == field_id
    field = page.locator(f"#{field_id}")
    assert field.get_attribute("aria-invalid") == "true"
    described = field.get_attribute("aria-describedby").split()
    assert f"{field_id}-error" in described
    return page.locator(f"#{field_id}-error").inner_text()


def test_bad_birth_date_on_the_authors_step(live_server, phone_page, users):
    base = live_server.url
    youth = open_edition("youth", "ttn-loi-ngay-sinh", users["organizer"])
    area = find_area("Yên Sơn", find_area("Tuyên Quang"))
    entry = make_entry(youth, users["entrant"], area, title="Máy gieo hạt")
    phone = phone_page
    log_in(phone, base, users["entrant"])
    phone.goto(f"{base}/my/entries/{entry.id}/authors")
    assert phone.locator("[data-error-summary]").count() == 0
    dob = phone.locator('[data-testid="author-dob"]').first
    assert dob.get_attribute("type") == "text"
    assert dob.get_attribute("placeholder") == "dd/mm/yyyy"
    assert dob.input_value() == "04/05/2012"  # shown day first
    dob.fill("31/02/2012")
    with phone.expect_navigation():
        phone.click('[data-testid="save-stay"]')
    summary = phone.locator("[data-error-summary]")
    assert summary.count() == 1
    assert focused_testid(phone) == "form-errors"
    summary_on_screen(phone, summary)
    phone.screenshot(path=str(ARTIFACTS / "form-errors-authors-phone-viewport.png"))
    assert_accessible(phone, "authors step with an error")
    # the link names the author's row, not only the field
    assert (
        "Tác giả 1 · Ngày sinh"
        in summary.locator('a[href="#authors-0-date_of_birth"]').inner_text()
    )
    error = follow_link_to(phone, summary, "authors-0-date_of_birth")
    assert "ngày/tháng/năm" in error
    # nothing typed is lost
    assert phone.locator('[data-testid="author-dob"]').first.input_value() == "31/02/2012"


def test_bad_deadline_on_a_settings_page(live_server, phone_page, users):
    base = live_server.url
    youth = open_edition("youth", "ttn-loi-han-nop", users["organizer"])
    phone = phone_page
    log_in(phone, base, users["organizer"])
    phone.goto(f"{base}/organizer/editions/{youth.slug}/general")
    deadline = phone.locator('input[name="submission_deadline"]')
    assert deadline.get_attribute("placeholder") == "dd/mm/yyyy hh:mm"
    assert re.fullmatch(r"\d\d/\d\d/\d{4} 17:00", deadline.input_value())
    deadline.fill("31/13/2026 17:00")
    with phone.expect_navigation():
        phone.click('form[data-testid="general-form"] button[type="submit"]')
    summary = phone.locator("[data-error-summary]")
    assert focused_testid(phone) == "form-errors"
    summary_on_screen(phone, summary)
    assert_accessible(phone, "settings page with an error")
    error = follow_link_to(phone, summary, "submission_deadline")
    assert "31/07/2025 17:00" in error
