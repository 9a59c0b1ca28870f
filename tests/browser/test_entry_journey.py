"""Real Chromium on a phone-sized screen: an entrant registers through /register (and
confirms the address with the e-mailed link), creates an
entry with two authors (the second added by the page's script), uploads a PDF and an image,
submits and sees the receipt with the code; then an organizer, on a desktop, finds the entry
in the intake list and accepts it for judging. Every page is screenshotted under
test-artifacts/ (entries-*.png), must not scroll sideways on the phone, and axe-core finds no
serious or critical WCAG 2.1 AA problem on it. The last file is only chosen, not uploaded with
its own button: moving on to the review uploads it (nothing chosen is silently dropped)."""

from __future__ import annotations

import re

import pytest

from contest.entries.attachment_demo import sample_pdf
from contest.entries.models import Entry
from contest.extensions import db
from tests import factories
from tests.browser_support import assert_accessible, screenshot
from tests.entries_ui.conftest import open_edition, png_bytes

pytestmark = pytest.mark.browser

PHONE_WIDTH = 390


def watch_console(page) -> list[str]:
    """Collect script errors and CSP violations (resource statuses are left out)."""
    errors: list[str] = []

    def on_console(msg):
        if msg.type == "error" and not msg.text.startswith("Failed to load resource"):
            errors.append(msg.text)

    page.on("console", on_console)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    return errors


def fits_the_phone(page) -> None:
    """The page does not scroll sideways on the phone."""
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_WIDTH, page.url


def shot(page, name: str, phone: bool = True) -> None:
    """A screenshot, after checking the width on the phone and the accessibility."""
    if phone:
        fits_the_phone(page)
    assert_accessible(page, name)
    screenshot(page, name)


def test_entrant_submits_on_a_phone_and_an_organizer_accepts(
    live_server, phone_page, page, users, tmp_path
):
    base = live_server.url
    youth = open_edition("youth", "ttn-tuyen-quang-9", users["organizer"])
    phone = phone_page
    errors = watch_console(phone) + watch_console(page)
    phone.on("dialog", lambda dialog: dialog.accept())

    # -- registers through the real form
    phone.goto(f"{base}/register")
    form = phone.locator('[data-testid="register-form"]')
    form.locator('input[name="full_name"]').fill("Nguyễn Minh Anh")
    form.locator('input[name="email"]').fill("minhanh@example.vn")
    form.locator('input[name="password"]').fill("mật khẩu của Anh 2026")
    form.locator('input[name="confirm"]').fill("mật khẩu của Anh 2026")
    form.locator('input[name="phone"]').fill("0912 345 678")
    form.locator('input[name="unit_name"]').fill("Trường THCS Yên Sơn")
    form.locator('select[name="area"]').select_option(label="— Yên Sơn")
    shot(phone, "entries-01-register")
    form.locator('button[type="submit"]').click()
    phone.wait_for_url(re.compile(r"/register/sent$"))
    # -- confirms the address with the e-mailed link, then logs in
    mail = live_server.app.extensions["mail_outbox"][-1].get_content()
    phone.goto(re.search(r"https?://\S+/confirm/\S+", mail).group(0))
    phone.wait_for_url(re.compile(r"/login$"))
    login = phone.locator('[data-testid="login-form"]')
    login.locator('input[name="email"]').fill("minhanh@example.vn")
    login.locator('input[name="password"]').fill("mật khẩu của Anh 2026")
    login.locator('[type="submit"]').click()
    phone.wait_for_url(re.compile(r"/my/$"))
    shot(phone, "entries-02-home")

    # -- chooses the open edition and writes the general information
    phone.click(f'[data-testid="enter-{youth.slug}"]')
    phone.wait_for_url(re.compile(rf"/my/entries/new/{youth.slug}$"))
    phone.fill('[data-testid="title"]', "Thước đo góc đa năng cho học sinh")
    phone.select_option('[data-testid="field"]', label="Đồ dùng dành cho học tập")
    phone.fill('[data-testid="summary"]', "Đo góc, chiều dài và vẽ đường tròn bằng một dụng cụ.")
    assert phone.locator('[data-testid="unit"]').input_value() == "Trường THCS Yên Sơn"
    shot(phone, "entries-03-general")
    phone.click('[data-testid="save-next"]')
    phone.wait_for_url(re.compile(r"/my/entries/\d+/authors$"))
    entry_id = int(re.search(r"/my/entries/(\d+)/", phone.url).group(1))

    # -- two authors: the first row, then a row added by the script (the blank one is left)
    rows = phone.locator('[data-author-list] [data-testid="author-row"]')
    assert rows.count() == 2
    first = rows.nth(0)
    first.locator('[data-testid="author-name"]').fill("Nguyễn Minh Anh")
    first.locator('[data-testid="author-dob"]').fill("04/05/2012")
    first.locator('[data-testid="author-gender"]').select_option("F")
    first.locator('[data-testid="author-ethnicity"]').fill("Tày")
    first.locator('[data-testid="author-class"]').fill("8A")
    first.locator('[data-testid="author-phone"]').fill("0912345678")
    phone.click('[data-testid="add-author"]')
    assert rows.count() == 3
    added = rows.nth(2)
    assert added.locator("[data-author-number]").inner_text() == "3"
    added.locator('[data-testid="author-name"]').fill("Trần Bảo Long")
    added.locator('[data-testid="author-dob"]').fill("12/9/2013")
    added.locator('[data-testid="author-gender"]').select_option("M")
    added.locator('[data-testid="author-email"]').fill("long@example.vn")
    shot(phone, "entries-04-authors")
    phone.click('[data-testid="save-next"]')
    phone.wait_for_url(re.compile(r"/details$"))

    # -- mentor teacher
    phone.fill('[data-testid="mentor-name"]', "Cô Hoàng Thu Hà")
    phone.fill('[data-testid="mentor-unit"]', "Trường THCS Yên Sơn")
    shot(phone, "entries-05-mentor")
    phone.click('[data-testid="save-next"]')
    phone.wait_for_url(re.compile(r"/files$"))
    shot(phone, "entries-06-files-empty")

    # -- attachments: a PDF description, a photo, the unit's confirmation (a PDF scan)
    pdf = tmp_path / "ban-thuyet-minh.pdf"
    pdf.write_bytes(sample_pdf("Bản thuyết minh", ["Thước đo góc đa năng"]))
    photo = tmp_path / "anh-san-pham.png"
    photo.write_bytes(png_bytes((640, 480), (200, 90, 40)))
    confirmation = tmp_path / "xac-nhan.pdf"
    confirmation.write_bytes(sample_pdf("Xác nhận của đơn vị", ["Trường THCS Yên Sơn"]))
    for kind, path in (
        ("description", pdf),
        ("photos", photo),
    ):
        upload = phone.locator(f'[data-testid="attachment-upload-{kind}"]')
        upload.locator('input[type="file"]').set_input_files(str(path))
        with phone.expect_navigation():
            upload.locator('button[type="submit"]').click()
        card = phone.locator(f'[data-testid="attachment-kind-{kind}"]')
        assert card.locator('[data-testid="attachment-file"]').count() == 1, kind
    assert phone.locator('[data-testid="attachment-kind-photos"] img').count() == 1
    # the unit's confirmation is only chosen; "continue" uploads it before leaving
    upload = phone.locator('[data-testid="attachment-upload-unit_confirmation"]')
    upload.locator('input[type="file"]').set_input_files(str(confirmation))
    shot(phone, "entries-07-files")

    # -- review, then submit (the confirmation is accepted)
    phone.click('[data-testid="to-review"]')
    phone.wait_for_url(re.compile(r"/review$"))
    assert phone.locator('[data-testid="complete"]').is_visible()
    assert phone.locator('[data-testid="author"]').count() == 2
    shot(phone, "entries-08-review")
    phone.click('[data-testid="submit"]')
    phone.wait_for_url(re.compile(r"/receipt$"))
    code = phone.locator('[data-testid="receipt-code"]').inner_text().strip()
    assert re.fullmatch(r"STTN\d\d-HT-001", code)
    shot(phone, "entries-09-receipt")
    db.session.expire_all()
    entry = db.session.get(Entry, entry_id)
    assert entry.status == "submitted" and entry.code == code
    assert [a.full_name for a in entry.authors] == ["Nguyễn Minh Anh", "Trần Bảo Long"]
    assert sorted(a.kind for a in entry.attachments) == [
        "description",
        "photos",
        "unit_confirmation",
    ]

    # -- the entrant's list shows it
    phone.click('[data-testid="nav-toggle"]')
    phone.click('[data-testid="nav-entrant"]')
    assert code in phone.locator('[data-testid="my-entries"]').inner_text()
    shot(phone, "entries-10-home-submitted")

    # -- an organizer, on a desktop, accepts it for judging
    page.goto(f"{base}/login")
    page.fill('input[name="email"]', users["organizer"].email)
    page.fill('input[name="password"]', factories.PASSWORD)
    page.click('form[data-testid="login-form"] button[type="submit"]')
    page.wait_for_url(re.compile(r"/organizer/"))
    page.click('[data-testid="nav-group-season"]')
    page.click('[data-testid="nav-intake"]')
    page.wait_for_url(re.compile(r"/organizer/entries/"))
    row = page.locator(f'[data-testid="entry-row"][data-code="{code}"]')
    assert row.count() == 1
    # The bulk bar: the reason shows only for "reject"; "select all" counts the rows.
    reason = page.locator('[data-testid="bulk-reason"]')
    assert not reason.is_visible()
    page.select_option('[data-testid="bulk-action"]', "reject")
    assert reason.is_visible()
    page.check('[data-testid="select-all"]')
    assert page.locator("[data-selected-count]").inner_text() == "(1)"
    shot(page, "entries-11-intake-list", phone=False)
    page.select_option('[data-testid="bulk-action"]', "")
    page.uncheck('[data-testid="select-all"]')
    row.locator("a").first.click()
    page.wait_for_url(re.compile(rf"/organizer/entries/{entry_id}$"))
    assert page.locator('[data-testid="complete"]').is_visible()
    assert page.locator('[data-testid="attachment-row"] img').count() == 1
    shot(page, "entries-12-intake-detail", phone=False)
    with page.expect_navigation(url=re.compile(rf"/organizer/entries/{entry_id}$")):
        page.click('[data-testid="accept"]')  # same URL: wait for the post's navigation
    assert f"Đã đưa hồ sơ {code} vào chấm." in page.locator('[data-testid="flash"]').inner_text()
    assert page.locator('[data-testid="status"]').first.get_attribute("data-status") == "accepted"
    shot(page, "entries-13-accepted", phone=False)
    db.session.expire_all()
    assert db.session.get(Entry, entry_id).status == "accepted"

    # -- the dashboard draws its charts
    page.goto(f"{base}/organizer/entries/dashboard?edition={youth.slug}")
    page.wait_for_selector('canvas[data-drawn="true"]')
    shot(page, "entries-14-dashboard", phone=False)

    # -- the entrant sees the new status on the phone
    phone.goto(f"{base}/my/entries/{entry_id}")
    assert phone.locator('[data-testid="status"]').first.get_attribute("data-status") == "accepted"
    shot(phone, "entries-15-accepted-phone")
    assert errors == []


def test_coordinator_follows_the_area_on_a_phone(live_server, phone_page, users):
    """A district coordinator on a phone: the area's list (another district's entry absent),
    one entry, the dashboard; nothing scrolls sideways."""
    from contest.areas.tree import find_area
    from tests.entries_ui.conftest import make_entry

    base = live_server.url
    youth = open_edition("youth", "ttn-dieu-phoi", users["organizer"])
    yen_son = find_area("Yên Sơn", find_area("Tuyên Quang"))
    other = factories.make_area("Hàm Yên", "district", parent=find_area("Tuyên Quang"))
    mine = make_entry(youth, users["entrant"], yen_son, title="Máy bóc vỏ lạc", submit=True)
    theirs = make_entry(youth, users["entrant"], other, title="Ở huyện khác", submit=True)
    phone = phone_page
    errors = watch_console(phone)
    phone.goto(f"{base}/login")
    phone.fill('input[name="email"]', users["coordinator"].email)
    phone.fill('input[name="password"]', factories.PASSWORD)
    phone.click('form[data-testid="login-form"] button[type="submit"]')
    phone.wait_for_url(re.compile(r"/coordinator/"))
    phone.goto(f"{base}/coordinator/entries/")
    rows = phone.locator('[data-testid="entry-row"]')
    assert rows.count() == 1 and rows.first.get_attribute("data-code") == mine.code
    assert theirs.title not in phone.content()
    shot(phone, "entries-20-coordinator-list")
    rows.first.get_by_role("link", name=mine.title).click()
    phone.wait_for_url(re.compile(rf"/coordinator/entries/{mine.id}$"))
    assert phone.locator('[data-testid="help-edit"]').is_visible()
    shot(phone, "entries-21-coordinator-detail")
    phone.goto(f"{base}/coordinator/entries/dashboard")
    assert (
        phone.locator('[data-testid="field-status"] [data-testid="grand-total"]').inner_text()
        == "1"
    )
    shot(phone, "entries-22-coordinator-dashboard")
    assert errors == []
