"""Real Chromium: a judge logs in through the form, opens an assigned entry (blind), types
points (the draft autosaves, the total follows live), reloads and finds the values kept,
submits (confirmed) and cannot edit afterwards; an organizer reopens the sheet and the judge
can edit again. Screenshots: test-artifacts/judge-*.png (a tablet-sized screen)."""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from contest.extensions import db
from contest.judging.models import ScoreSheet
from tests.browser_support import screenshot
from tests.factories import PASSWORD
from tests.judging import conftest as judging_fixtures
from tests.judging_ui import judge_fixtures

edition = judging_fixtures.edition
final = judging_fixtures.final
organizer = judging_fixtures.organizer
judges = judge_fixtures.judges
open_edition = judge_fixtures.open_edition
assigned = judge_fixtures.assigned

pytestmark = pytest.mark.browser


@pytest.fixture()
def tablet(chromium):
    """A browser context the size of a tablet (portrait)."""
    context = chromium.new_context(viewport={"width": 820, "height": 1180}, locale="vi-VN")
    page = context.new_page()
    yield page
    context.close()


def _sheet(entry, judge) -> ScoreSheet | None:
    db.session.expire_all()
    return db.session.scalars(
        select(ScoreSheet).where(ScoreSheet.entry_id == entry.id, ScoreSheet.judge_id == judge.id)
    ).first()


def _wait_for_draft(entry, judge, total: str, comment: str, seconds: float = 10) -> None:
    """Wait until the autosaved draft holds ``total`` and ``comment``."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        sheet = _sheet(entry, judge)
        if sheet is not None and str(sheet.total) == total and sheet.comment == comment:
            return
        time.sleep(0.2)
    sheet = _sheet(entry, judge)
    raise AssertionError(f"draft not autosaved: {sheet and (sheet.total, sheet.comment)}")


def reopen_in_organizer_ui(chromium, base: str, organizer, entry, sheet) -> None:
    """Log in as ``organizer`` in a fresh browser context, open the organizer's page of
    ``entry``'s sheets, give a reason and reopen ``sheet`` (confirmed)."""
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    try:
        org = context.new_page()
        org.on("dialog", lambda dialog: dialog.accept())
        org.goto(f"{base}/login")
        org.fill("input[name=email]", organizer.email)
        org.fill("input[name=password]", PASSWORD)
        with org.expect_navigation():
            org.locator("form button[type=submit]").last.click()
        org.goto(f"{base}/organizer/judging/{entry.edition.slug}/entries/{entry.id}")
        row = org.get_by_test_id(f"sheet-{sheet.id}")
        expect(row).to_contain_text("Đã nộp")
        row.locator("input[name=reason]").fill("Giám khảo xin sửa điểm hiệu quả")
        row.get_by_role("button", name="Mở lại").click()
        expect(org.locator(".alert-success")).to_contain_text("Đã mở lại phiếu chấm")
        expect(org.get_by_test_id(f"sheet-{sheet.id}")).not_to_contain_text("Đã nộp")
        screenshot(org, "judge-organizer-reopened")
    finally:
        context.close()


def test_judge_drafts_reloads_submits_and_an_organizer_reopens(
    live_server, chromium, tablet, judges, assigned, final, organizer
):
    page = tablet
    base = live_server.url
    an = judges[0]
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on(
        "console",
        lambda m: (
            m.type == "error"
            and not m.text.startswith("Failed to load resource")
            and errors.append(m.text)
        ),
    )
    page.on("dialog", lambda dialog: dialog.accept())

    page.goto(f"{base}/login")
    page.fill("input[name=email]", an.email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url(f"{base}/judge/")
    row = page.get_by_test_id("assigned-entry").first
    assert row.get_attribute("data-status") == "not_started"
    assert "Nguyễn Thị Kín" not in page.content()
    screenshot(page, "judge-home")

    row.get_by_role("link", name="STKT-CNTT-001").click()
    page.wait_for_url(f"{base}/judge/entries/{assigned.id}")
    assert "Nguyễn Thị Kín" not in page.content()
    screenshot(page, "judge-entry")
    page.get_by_test_id("open-sheet").first.click()
    page.wait_for_url(f"**/sheet/{final.id}")

    # Types points: the total follows; the draft saves itself.
    page.get_by_test_id("points-novelty").fill("25,5")
    page.get_by_test_id("points-applicability").fill("20")
    assert page.get_by_test_id("sheet-total").inner_text() == "45,5"
    page.get_by_test_id("sheet-comment").fill("Giải pháp hữu ích")
    page.get_by_test_id("sheet-comment").blur()
    expect(page.get_by_test_id("autosave-status")).to_contain_text("Đã tự động lưu")
    screenshot(page, "judge-sheet-draft")
    _wait_for_draft(assigned, an, "45.5", "Giải pháp hữu ích")

    page.reload()
    assert page.get_by_test_id("points-novelty").input_value() == "25,5"
    assert page.get_by_test_id("points-applicability").input_value() == "20"
    assert page.get_by_test_id("sheet-comment").input_value() == "Giải pháp hữu ích"
    assert page.get_by_test_id("sheet-total").inner_text() == "45,5"

    # Invalid points are marked at once and not autosaved.
    page.get_by_test_id("points-effect").fill("41")
    assert "is-invalid" in (page.get_by_test_id("points-effect").get_attribute("class") or "")
    page.get_by_test_id("points-effect").fill("30,5")
    page.get_by_test_id("submit-sheet").click()
    page.wait_for_url(f"{base}/judge/")
    assert page.get_by_test_id("assigned-entry").first.get_attribute("data-status") == "submitted"
    assert "Đã nộp 1 / 1 phiếu" in page.content()
    screenshot(page, "judge-home-submitted")
    assert _sheet(assigned, an).status == "submitted"

    page.goto(f"{base}/judge/entries/{assigned.id}/sheet/{final.id}")
    assert page.get_by_test_id("sheet-locked").is_visible()
    assert page.get_by_test_id("points-novelty").is_disabled()
    assert page.get_by_test_id("submit-sheet").count() == 0
    screenshot(page, "judge-sheet-locked")

    # An organizer, in another browser, reopens the sheet with a reason through the
    # organizer's page of the entry's sheets; the judge can then edit again.
    reopen_in_organizer_ui(chromium, base, organizer, assigned, _sheet(assigned, an))
    assert _sheet(assigned, an).status == "draft"
    page.reload()
    assert page.get_by_test_id("sheet-reopened").is_visible()
    assert page.get_by_test_id("points-effect").is_enabled()
    page.get_by_test_id("points-effect").fill("35")
    # The URL stays the same: wait for the post's own navigation, not for the URL (it
    # matches at once), before reading the page and the database.
    with page.expect_navigation(url=f"**/sheet/{final.id}"):
        page.get_by_test_id("save-draft").click()
    assert page.get_by_test_id("points-effect").input_value() == "35"
    screenshot(page, "judge-sheet-reopened")
    _wait_for_draft(assigned, an, "80.5", "Giải pháp hữu ích")
    assert not errors, errors
