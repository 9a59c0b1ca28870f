"""Real Chromium on a tablet: a judge declares a conflict on an assigned entry (a reason from
the list, text, confirmed) and is back on their list without it; on the sheet, in portrait
(820×1180) the entry and the sheet are tabs, in landscape (1024×768) they sit side by side;
each criterion shows its guidance; Enter moves from one input to the next without submitting;
after submitting, the next entry to score opens, and after the last one the list says the
judge is done. Screenshots: test-artifacts/tablet-*.png."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from contest.extensions import db
from contest.judging import assigning
from contest.judging.models import Assignment, Conflict, ScoreSheet
from tests.browser_support import screenshot
from tests.factories import PASSWORD
from tests.judging import conftest as judging_fixtures
from tests.judging.conftest import make_entry
from tests.judging_ui import judge_fixtures

edition = judging_fixtures.edition
final = judging_fixtures.final
organizer = judging_fixtures.organizer
judges = judge_fixtures.judges
open_edition = judge_fixtures.open_edition
assigned = judge_fixtures.assigned

pytestmark = pytest.mark.browser

GUIDANCE = "Điểm cao: giải pháp chưa từng có. Điểm thấp: cải tiến nhỏ."


@pytest.fixture()
def tablet(chromium):
    """A tablet in portrait (820×1180), touch enabled."""
    context = chromium.new_context(
        viewport={"width": 820, "height": 1180}, has_touch=True, locale="vi-VN"
    )
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture()
def workload(open_edition, final, judges, assigned):
    """An's entries: the fixture's one, a second to score next, and one from his own school."""
    second = make_entry(open_edition, "STKT-CNTT-002", summary="Máy tưới cây tự động.")
    own = make_entry(open_edition, "STKT-CNTT-003", unit_name="Trường THPT Của An")
    assigning.assign_entries_to_judge(open_edition, final, judges[0], [second, own], None)
    open_edition.active_criteria[0].guidance = GUIDANCE
    db.session.commit()
    return assigned, second, own


def _focused(page) -> str:
    return page.evaluate("document.activeElement && document.activeElement.dataset.testid")


def _box(page, testid: str) -> dict:
    return page.get_by_test_id(testid).bounding_box()


def test_a_judge_on_a_tablet_declares_a_conflict_scores_with_the_split_view_and_moves_on(
    live_server, tablet, judges, final, workload
):
    page, base = tablet, live_server.url
    first, second, own = workload
    an = judges[0]
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("dialog", lambda dialog: dialog.accept())

    page.goto(f"{base}/login")
    page.fill("input[name=email]", an.email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url(f"{base}/judge/")
    expect(page.get_by_test_id("assigned-entry")).to_have_count(3)

    # 1. A conflict, declared from the entry page: a reason, text, confirmed.
    page.get_by_role("link", name="STKT-CNTT-003").click()
    page.wait_for_url(f"{base}/judge/entries/{own.id}")
    page.get_by_test_id("declare-conflict").locator("summary").click()
    page.get_by_label("Cùng đơn vị (trường, cơ quan) với tác giả").check()
    page.get_by_test_id("conflict-text").fill("Tôi đang dạy ở trường của tác giả")
    screenshot(page, "tablet-declare-conflict")
    page.get_by_test_id("conflict-submit").click()
    page.wait_for_url(f"{base}/judge/")
    expect(page.locator(".alert-success")).to_contain_text("Đã ghi xung đột lợi ích")
    expect(page.get_by_test_id("assigned-entry")).to_have_count(2)
    assert "STKT-CNTT-003" not in page.get_by_test_id("assigned-entry").all_inner_texts()
    db.session.expire_all()
    conflict = db.session.scalars(select(Conflict)).one()
    assert (conflict.origin, conflict.judge_reason) == ("declared", "same_unit")
    assert not db.session.scalars(
        select(Assignment).where(Assignment.entry_id == own.id, Assignment.judge_id == an.id)
    ).all()

    # 2. Portrait: the sheet and the entry are tabs.
    page.goto(f"{base}/judge/entries/{first.id}/sheet/{final.id}")
    expect(page.get_by_test_id("split-tabs")).to_be_visible()
    expect(page.get_by_test_id("pane-sheet")).to_be_visible()
    expect(page.get_by_test_id("pane-entry")).to_be_hidden()
    guidance = page.get_by_test_id("guidance-novelty")
    expect(guidance).to_be_visible()
    expect(guidance).to_have_text(GUIDANCE)
    screenshot(page, "tablet-portrait-sheet")
    page.get_by_test_id("tab-entry").click()
    expect(page.get_by_test_id("pane-entry")).to_be_visible()
    expect(page.get_by_test_id("judge-entry-summary")).to_be_visible()
    expect(page.get_by_test_id("pane-sheet")).to_be_hidden()
    screenshot(page, "tablet-portrait-entry")
    page.get_by_test_id("tab-sheet").click()
    expect(page.get_by_test_id("pane-sheet")).to_be_visible()

    # 3. Enter goes from one input to the next; nothing is submitted.
    url = page.url
    page.get_by_test_id("points-novelty").click()
    page.keyboard.type("25")
    page.keyboard.press("Enter")
    assert _focused(page) == "points-applicability"
    page.keyboard.type("20")
    page.keyboard.press("Enter")
    assert _focused(page) == "points-effect"
    page.keyboard.type("30")
    page.keyboard.press("Enter")
    assert _focused(page) == "sheet-comment"
    page.keyboard.type("Hữu ích")
    assert page.url == url
    expect(page.get_by_test_id("sheet-total")).to_have_text("75")
    assert page.get_by_test_id("sheet-status").get_attribute("data-status") != "submitted"

    # 4. Submitting opens the next entry to score.
    page.get_by_test_id("submit-sheet").click()
    page.wait_for_url(f"{base}/judge/entries/{second.id}/sheet/{final.id}")
    expect(page.locator(".alert-success")).to_contain_text("Tiếp theo: hồ sơ STKT-CNTT-002")

    # 5. Landscape: both side by side, no tabs.
    page.set_viewport_size({"width": 1024, "height": 768})
    expect(page.get_by_test_id("split-tabs")).to_be_hidden()
    expect(page.get_by_test_id("pane-entry")).to_be_visible()
    expect(page.get_by_test_id("pane-sheet")).to_be_visible()
    entry_box, sheet_box = _box(page, "pane-entry"), _box(page, "pane-sheet")
    assert entry_box["x"] + entry_box["width"] <= sheet_box["x"]
    assert abs(entry_box["y"] - sheet_box["y"]) < 5
    expect(page.get_by_test_id("judge-entry-summary")).to_contain_text("Máy tưới cây tự động")
    expect(page.get_by_test_id("guidance-novelty")).to_be_visible()
    screenshot(page, "tablet-landscape-split")

    # 6. The last entry: back to the list, done.
    for testid, value in (("points-novelty", "20"), ("points-applicability", "20"),
                          ("points-effect", "20")):  # fmt: skip
        page.get_by_test_id(testid).fill(value)
    page.get_by_test_id("sheet-comment").click()  # leaves the last field: its draft saves
    expect(page.get_by_test_id("autosave-status")).to_contain_text("Đã tự động lưu")
    page.get_by_test_id("submit-sheet").click()
    page.wait_for_url(f"{base}/judge/")
    expect(page.locator(".alert-success")).to_contain_text("Bạn đã chấm xong")
    screenshot(page, "tablet-done")
    db.session.expire_all()
    statuses = db.session.scalars(select(ScoreSheet.status).where(ScoreSheet.judge_id == an.id))
    assert sorted(statuses) == ["submitted", "submitted"]
    assert errors == []
