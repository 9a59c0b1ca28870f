"""Real Chromium: an organizer opens the national selection page (desktop and phone: no
sideways scrolling), removes an entry through the form — the browser asks for confirmation
first — and starts the dossier, landing on the job's progress page with the download."""

from __future__ import annotations

import re

import pytest

from contest.extensions import db
from contest.national import selection as national
from tests import factories
from tests.browser_support import screenshot
from tests.publication.national_helpers import attach_files, detailed_authors, entry_id
from tests.publication.national_helpers import published_edition as publish_edition

pytestmark = pytest.mark.browser

PAGE = "/organizer/national/stkt-review"


def _login(page, base, user) -> None:
    page.goto(f"{base}/login")
    page.fill('input[name="email"]', user.email)
    page.fill('input[name="password"]', factories.PASSWORD)
    page.click('form[data-testid="login-form"] button[type="submit"]')
    page.wait_for_url(re.compile(r"/organizer/"))


def test_national_page_in_a_browser(live_server, page, phone_page, runner, tmp_path, users):
    organizer = users["organizer"]
    base = live_server.url
    with live_server.app.app_context():
        edition = publish_edition(runner, tmp_path, organizer)
        detailed_authors("B1")
        attach_files("B1", tmp_path, video_bytes=200_000)
        national.include(edition, entry_id("A5"), "Sản phẩm ứng dụng rộng ở 5 xã", organizer)
        national.record_result(edition, entry_id("B1"), "Giải Ba", "QĐ số 12", organizer)
        db.session.commit()

    _login(page, base, organizer)
    page.goto(base + PAGE)
    assert page.locator('[data-testid="warn-over"]').is_visible()
    screenshot(page, "national-01-desktop")

    # removal asks first; dismissing keeps the entry
    item = page.locator('[data-testid="item-A2"]')
    item.locator("summary", has_text="Loại khỏi danh sách").click()
    remove = item.locator('[data-testid="remove-form-A2"]')
    remove.locator('textarea[name="reason"]').fill("Tác giả xin rút")
    dialogs: list[str] = []

    def answer(dialog, accept):
        dialogs.append(dialog.message)
        dialog.accept() if accept else dialog.dismiss()

    page.once("dialog", lambda d: answer(d, False))
    remove.locator('button[type="submit"]').click()
    assert dialogs and "A2" in dialogs[0]
    assert page.locator('[data-testid="item-A2"]').count() == 1
    page.once("dialog", lambda d: answer(d, True))
    remove.locator('button[type="submit"]').click()
    page.wait_for_selector('[data-testid="removed-A2"]')
    assert page.locator('[data-testid="item-A2"]').count() == 0
    assert not page.locator('[data-testid="warn-over"]').count()

    # the dossier: job page with progress, then the download
    page.click('[data-testid="make-dossier"]')
    page.wait_for_url(re.compile(r"/jobs/\d+"))
    page.wait_for_selector('[data-testid="dossier-result"]')
    screenshot(page, "national-03-job")
    with page.expect_download() as info:
        page.click('[data-testid="download"]')
    assert info.value.suggested_filename.startswith("Ho_so_toan_quoc_stkt-review_")

    # on a phone: the page fits the screen
    _login(phone_page, base, organizer)
    phone_page.goto(base + PAGE)
    overflow = phone_page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0
    phone_page.locator('[data-testid="item-B1"] summary', has_text="Ghi kết quả").click()
    screenshot(phone_page, "national-02-phone")
