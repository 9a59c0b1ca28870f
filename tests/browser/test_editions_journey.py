"""Real Chromium: an organizer logs in through the login form, creates an edition from a
template, edits a criterion (meeting the sum-to-100 warning on the way), uploads the rules
document and extends the deadline for one district; a visitor, in a new browser context,
sees the public edition page with its live countdown (on a phone and on a desktop)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from contest.areas.models import AreaLevel
from contest.timeutil import LOCAL_TZ, utcnow
from tests import factories
from tests.browser_support import screenshot, wait_until
from tests.editions_ui.conftest import make_pdf

pytestmark = pytest.mark.browser

SLUG = "ttnnd-tuyen-quang-9"
TITLE = "Cuộc thi Sáng tạo Thanh thiếu niên, Nhi đồng tỉnh Tuyên Quang lần thứ 9 (2026–2027)"


def local_input(moment) -> str:
    """A moment as typed into a date-time input (Vietnam time)."""
    return moment.astimezone(LOCAL_TZ).strftime("%Y-%m-%dT%H:%M")


def watch_console(page) -> list[str]:
    """Collect script errors and CSP violations. Resource statuses are left out: a refused
    form answers 400 on purpose, and browsers ask for /favicon.ico."""

    def on_console(msg):
        if msg.type == "error" and not msg.text.startswith("Failed to load resource"):
            errors.append(msg.text)

    errors: list[str] = []
    page.on("console", on_console)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    return errors


@pytest.fixture()
def district(users):
    """A second district of the users' province, to extend the deadline for."""
    from contest.areas.operations import find_area

    return factories.make_area("Sơn Dương", AreaLevel.DISTRICT, parent=find_area("Tuyên Quang"))


def test_organizer_sets_up_an_edition_and_a_visitor_sees_it(
    live_server, page, phone_page, chromium, users, district, tmp_path
):
    base = live_server.url
    errors = watch_console(page)
    now = utcnow()

    # -- the organizer logs in through the real form
    page.goto(f"{base}/login")
    page.fill('input[name="email"]', users["organizer"].email)
    page.fill('input[name="password"]', factories.PASSWORD)
    page.click('form[data-testid="login-form"] button[type="submit"]')
    page.wait_for_url(re.compile(r"/organizer/"))

    # -- creates an edition from the youth template
    page.click('[data-testid="nav-group-season"]')
    page.click('[data-testid="nav-editions"]')
    page.click('[data-testid="new-edition"]')
    form = page.locator('[data-testid="template-form"]')
    form.locator('select[name="kind"]').select_option("youth")
    form.locator('input[name="slug"]').fill(SLUG)
    form.locator('input[name="title"]').fill(TITLE)
    form.locator('input[name="number"]').fill("9")
    form.locator('input[name="opens_at"]').fill(local_input(now - timedelta(days=1)))
    deadline = (now + timedelta(days=30)).astimezone(LOCAL_TZ).replace(hour=17, minute=0)
    form.locator('input[name="submission_deadline"]').fill(local_input(deadline))
    screenshot(page, "editions-01-create")
    form.locator('button[type="submit"]').click()
    page.wait_for_url(f"{base}/organizer/editions/{SLUG}")
    assert page.locator('[data-testid="edition-title"]').inner_text() == TITLE
    assert page.locator('[data-testid="phase"]').first.get_attribute("data-phase") == "open"
    assert page.locator('[data-testid="criteria-total"]').inner_text() == "100"
    screenshot(page, "editions-01b-overview")

    # -- edits a criterion: 40 → 45 breaks the sum (warning), then balances it
    page.click('[data-testid="tab-criteria"]')
    novelty = page.locator('[data-testid="row"][data-code="novelty"]')
    novelty.locator('[data-testid="name"]').fill("Tính mới, tính sáng tạo, tính độc đáo")
    novelty.locator('[data-testid="max-points"]').fill("45")
    page.click('form[data-testid="criteria-form"] button[type="submit"]')
    warning = page.locator('[data-testid="warnings"]')
    assert "tổng điểm tối đa của các tiêu chí là 105" in warning.inner_text()
    screenshot(page, "editions-02-criteria-warning")
    page.locator('[data-testid="row"][data-code="design"] [data-testid="max-points"]').fill("15")
    page.click('form[data-testid="criteria-form"] button[type="submit"]')
    assert "Đã lưu thay đổi." in page.locator('[data-testid="flash"]').inner_text()
    assert page.locator('[data-testid="warnings"]').count() == 0
    saved = page.locator('[data-testid="row"][data-code="novelty"] [data-testid="max-points"]')
    assert saved.input_value() == "45"
    screenshot(page, "editions-03-criteria-saved")
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "editions-03b-criteria-phone")
    page.set_viewport_size({"width": 1280, "height": 900})

    # -- uploads the rules document
    pdf = tmp_path / "the-le.pdf"
    pdf.write_bytes(make_pdf("The le cuoc thi lan thu 9"))
    page.click('[data-testid="tab-show"]')
    page.set_input_files('form[data-testid="rules-form"] input[type="file"]', str(pdf))
    page.click('form[data-testid="rules-form"] button[type="submit"]')
    assert "Đã tải lên tệp thể lệ." in page.locator('[data-testid="flash"]').inner_text()

    # -- extends the deadline for one district
    page.click('[data-testid="tab-extensions"]')
    extension = page.locator('[data-testid="extension-form"]')
    extension.locator('select[name="area"]').select_option(label="— Sơn Dương")
    extended = deadline + timedelta(days=10)
    extension.locator('input[name="new_deadline"]').fill(local_input(extended))
    extension.locator('textarea[name="reason"]').fill("Mưa lũ chia cắt các xã vùng cao")
    extension.locator('button[type="submit"]').click()
    assert "Đã gia hạn nộp hồ sơ." in page.locator('[data-testid="flash"]').inner_text()
    row = page.locator('[data-testid="extensions-table"] tr[data-area="Sơn Dương"]')
    assert extended.strftime("%d/%m/%Y %H:%M") in row.inner_text()
    # the whole edition keeps its deadline
    assert (
        deadline.strftime("%d/%m/%Y %H:%M")
        in page.locator('[data-testid="current-deadline"]').inner_text()
    )
    screenshot(page, "editions-04-extension")

    page.click('[data-testid="tab-audit"]')
    assert page.locator('[data-testid="audit-entry"]').count() == 4
    screenshot(page, "editions-05-audit")
    for tab in ("fields", "rounds", "prizes"):
        page.click(f'[data-testid="tab-{tab}"]')
        assert page.locator("main h2").first.is_visible()
        screenshot(page, f"editions-05-{tab}")
    page.click('[data-testid="nav-group-season"]')
    page.click('[data-testid="nav-editions"]')
    assert page.locator(f'tr[data-slug="{SLUG}"] [data-testid="phase"]').inner_text() == (
        "Đang nhận hồ sơ"
    )
    screenshot(page, "editions-05b-list")
    assert errors == []

    # -- a visitor (a new browser context, on a phone) finds the edition page
    visitor = phone_page
    visitor_errors = watch_console(visitor)
    visitor.goto(f"{base}/editions/")
    visitor.click(f'[data-slug="{SLUG}"] a')
    visitor.wait_for_url(f"{base}/editions/{SLUG}")
    assert visitor.locator('[data-testid="edition-title"]').inner_text() == TITLE
    countdown = visitor.locator('[data-testid="countdown"]')
    wait_until(
        visitor, "document.querySelector('[data-testid=countdown]').dataset.state === 'running'"
    )
    first = countdown.inner_text()
    assert re.fullmatch(r"Còn \d+ ngày \d\d giờ \d\d phút \d\d giây", first), first
    visitor.wait_for_timeout(1200)
    assert countdown.inner_text() != first  # it ticks
    assert "Sơn Dương" in visitor.locator('[data-testid="area-extensions"]').inner_text()
    assert (
        "Tính mới, tính sáng tạo, tính độc đáo"
        in visitor.locator('[data-testid="criteria"]').inner_text()
    )
    assert visitor.locator('[data-testid="rules-link"]').count() == 1
    width = visitor.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways on a phone ({width}px)"
    screenshot(visitor, "editions-06-public-phone")
    assert visitor_errors == []

    desktop = chromium.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    try:
        public = desktop.new_page()
        public.goto(f"{base}/editions/{SLUG}")
        assert public.locator('[data-testid="countdown"]').count() == 1
        screenshot(public, "editions-07-public-desktop")
        with public.expect_download() as download_info:
            public.click('[data-testid="rules-link"]')
        assert download_info.value.suggested_filename == f"the-le-{SLUG}.pdf"
    finally:
        desktop.close()
