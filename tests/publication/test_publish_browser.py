"""Real Chromium on a phone: an organizer publishes through the form (confirmation checkbox
and dialog), an entrant lodges a complaint, the organizer answers it; pages screenshotted."""

from __future__ import annotations

import pytest

from tests import factories
from tests.browser_support import screenshot
from tests.publication.flow import SLUG, correct, entrant_owning, ready_edition

pytestmark = pytest.mark.browser


def _login(page, base: str, email: str) -> None:
    page.goto(f"{base}/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", factories.PASSWORD)
    with page.expect_navigation():
        page.click("[data-testid=login-form] button[type=submit]")


def test_publish_complain_and_answer_on_a_phone(live_server, phone_page, runner, tmp_path, users):
    edition = ready_edition(runner, tmp_path, users["organizer"])
    entrant_owning("A2", email="an@example.vn")
    page, base = phone_page, live_server.url
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    dialogs: list[str] = []

    def _accept(dialog):
        dialogs.append(dialog.message)
        dialog.accept()

    page.on("dialog", _accept)

    _login(page, base, "organizer@example.vn")
    page.goto(f"{base}/organizer/results/{SLUG}")
    page.click("[data-testid=link-publication]")
    page.wait_for_selector("[data-testid=publish-form]")
    screenshot(page, "publication-edition-phone")
    page.click("[data-testid=publish-submit]")  # the box is not ticked: refused
    page.wait_for_selector("text=Hãy đánh dấu ô xác nhận trước khi công bố.")
    page.check("input[name=confirm]")
    page.fill("input[name=posting_days]", "10")
    page.click("[data-testid=publish-submit]")
    page.wait_for_selector("[data-testid=state-posting]")
    assert dialogs and "không thể sửa" in dialogs[-1]
    assert "/v/1" in page.url
    screenshot(page, "publication-version-phone")
    page.goto(f"{base}/organizer/publication/")
    screenshot(page, "publication-index-phone")
    page.context.clear_cookies()  # log out (the menu is folded on a phone)

    _login(page, base, "an@example.vn")
    page.goto(f"{base}/my/")
    page.click("[data-testid=link-complaints]")
    page.click(f"[data-testid=lodge-{SLUG}]")
    page.select_option("select[name=entry]", "A4")
    page.fill("textarea[name=text]", "Hồ sơ A4 bằng điểm A3,\nxin xem lại.")
    screenshot(page, "complaints-new-phone")
    page.click("[data-testid=complaint-submit]")
    page.wait_for_selector("text=Đã gửi khiếu nại.")
    screenshot(page, "complaints-index-phone")
    page.context.clear_cookies()  # log out (the menu is folded on a phone)

    _login(page, base, "organizer@example.vn")
    page.goto(f"{base}/organizer/publication/{SLUG}/complaints")
    page.check("input[name=status][value=rejected]")
    page.fill("textarea[name=answer]", "Hai hồ sơ đã được bốc thăm theo quy chế.")
    screenshot(page, "publication-complaints-phone")
    page.click("form[data-testid^=answer-form] button[type=submit]")
    page.wait_for_selector("text=Đã trả lời khiếu nại.")

    # A correction: the list changes, the organizer publishes version 2 with a note.
    correct(edition, users["organizer"])
    page.goto(f"{base}/organizer/publication/{SLUG}")
    page.wait_for_selector("[data-testid=diff-A4]")
    page.fill("textarea[name=note]", "Bốc thăm lại giải Nhì")
    page.check("input[name=confirm]")
    page.click("[data-testid=publish-submit]")
    page.wait_for_selector("[data-testid=changes] [data-testid=diff-A3]")
    assert "/v/2" in page.url
    screenshot(page, "publication-version2-phone")
    assert not errors, errors


def test_a_blocked_edition_on_a_desktop(live_server, page, runner, tmp_path, users):
    from tests.publication.helpers import compiled_edition

    compiled_edition(runner, tmp_path)
    _login(page, live_server.url, "organizer@example.vn")
    page.goto(f"{live_server.url}/organizer/publication/{SLUG}")
    assert page.is_visible("[data-testid=blocker-A5-DISCREPANCY] a")
    assert page.is_visible("textarea[name=override_reason]")
    screenshot(page, "publication-edition-blocked-desktop")
    page.click("[data-testid=blocker-A5-DISCREPANCY] a")
    page.wait_for_selector("[data-testid=row-A5]")
    assert "flag=DISCREPANCY" in page.url
