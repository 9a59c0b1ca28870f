"""A whole season in real Chromium, from launch to national selection, with the gates biting.

The organizer creates a youth edition from the built-in template and sets its national
maximum; imports two entries through the import page (a job); an entrant already has one
submitted entry and one draft (made in the database during setup). Moving the deadline before
now asks for a confirmation that counts the draft to lock and the entry not yet received; the
organizer then accepts the entrant's entry and opens judging. Three judges sit on the panel,
two per entry, assigned automatically; one judge declares a conflict with an entry already
assigned to them, the entry shows as short of a judge and the organizer assigns the proposed
replacement in one click. The judges score through their sheets, leaving one entry with a
single sheet; the organizer ends the judging window, compiles (a job), is refused publication
for the INCOMPLETE entry, publishes with an override reason, generates the certificates (a
job), sees the national selection and the override on the edition's cockpit. Finally the
entrant, on a phone, sees the prize and downloads the certificate.

Dates are set relative to the real clock through the general settings page (no time travel:
the live server runs in a thread of this process and reads the same clock).
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from contest.accounts.models import Role
from contest.areas.tree import find_area
from contest.contests.models import Edition
from contest.entries.models import Entry
from contest.extensions import db
from contest.judging.models import Assignment
from contest.timeutil import LOCAL_TZ, utcnow
from tests import factories
from tests.browser_support import screenshot
from tests.entries_ui.conftest import make_entry

pytestmark = pytest.mark.browser

SLUG = "ttnnd-mua-giai-10"
TITLE = "Cuộc thi Sáng tạo Thanh thiếu niên, Nhi đồng tỉnh Tuyên Quang lần thứ 10 (2027–2028)"
ENTRIES_CSV = (
    "code,title,field,authors\r\n"
    "NK-001,Máy thái chuối mini,HT,Lý Văn Tú|2012-05-04|M\r\n"
    "NK-002,Cân điện tử cho lớp học,HT,Hà Văn Nam|2012-03-03|M\r\n"
)
WINNER_TITLE = "Thước đo góc đa năng cho học sinh"
INCOMPLETE = "NK-002"
CONFLICTED = "NK-001"
# Points per criterion (novelty 40, effect 30, design 20, materials 10) by entry.
POINTS = {
    "winner": ("36", "27", "18", "9"),  # 90: Giải Nhất (band 85)
    CONFLICTED: ("28", "21", "14", "7"),  # 70: Giải Ba (band 65)
    INCOMPLETE: ("24", "18", "12", "6"),  # 60, one sheet only
}


def local_input(moment) -> str:
    """A moment as typed into a date-time input (Vietnam time, to the minute)."""
    return moment.astimezone(LOCAL_TZ).strftime("%Y-%m-%dT%H:%M")


def watch_console(page, errors: list[str]) -> None:
    """Collect script errors (resource statuses left out: refused forms answer 4xx)."""

    def on_console(msg):
        if msg.type == "error" and not msg.text.startswith("Failed to load resource"):
            errors.append(f"{page.url}: {msg.text}")

    page.on("console", on_console)
    page.on("pageerror", lambda exc: errors.append(f"{page.url}: {exc}"))
    page.on("dialog", lambda dialog: dialog.accept())


def visit(page, url: str) -> None:
    """Open ``url`` and check it answered (a server error shows up here, with its status)."""
    response = page.goto(url)
    assert response is not None and response.ok, f"{url}: {response and response.status}"


def login(page, base: str, email: str) -> None:
    """Log in through the real form (every demo password is ``factories.PASSWORD``)."""
    visit(page, f"{base}/login")
    page.fill('input[name="email"]', email)
    page.fill('input[name="password"]', factories.PASSWORD)
    submit(page, 'form[data-testid="login-form"] button[type="submit"]')
    assert "/login" not in page.url, page.url


def submit(page, target) -> None:
    """Click ``target`` (a locator or a selector) and wait for the page it loads: read
    right after the click, the flash messages would still be the old page's (none)."""
    with page.expect_navigation():
        (page.locator(target) if isinstance(target, str) else target).click()


def flash_text(page) -> str:
    """The flashed messages of the page, as one string."""
    return " ".join(page.locator('[data-testid="flash"]').all_inner_texts())


def save_dates(page, base: str, **dates) -> None:
    """Open the general settings page, type the given dates and save (a change with
    consequences comes back asking for the confirmation instead)."""
    visit(page, f"{base}/organizer/editions/{SLUG}/general")
    form = page.locator('[data-testid="general-form"]')
    for name, moment in dates.items():
        form.locator(f'input[name="{name}"]').fill(local_input(moment))
    submit(page, form.locator('button[type="submit"]'))


def entry_by_code(code: str) -> Entry:
    db.session.expire_all()
    return db.session.scalars(select(Entry).where(Entry.code == code)).one()


def judges_of(entry: Entry) -> set[int]:
    db.session.expire_all()
    return set(
        db.session.scalars(select(Assignment.judge_id).where(Assignment.entry_id == entry.id))
    )


def score(page, base: str, entry: Entry, round_id: int, points) -> None:
    """Fill and submit ``entry``'s sheet (the confirmation dialog is accepted)."""
    visit(page, f"{base}/judge/entries/{entry.id}/sheet/{round_id}")
    for code, value in zip(("novelty", "effect", "design", "materials"), points, strict=True):
        page.get_by_test_id(f"points-{code}").fill(value)
    with page.expect_navigation():
        page.get_by_test_id("submit-sheet").click()
    visit(page, f"{base}/judge/entries/{entry.id}/sheet/{round_id}")
    assert page.get_by_test_id("sheet-status").get_attribute("data-status") == "submitted"


def test_a_season_from_launch_to_national_selection(
    live_server, page, phone_page, chromium, users, tmp_path
):
    base = live_server.url
    organizer, entrant = users["organizer"], users["entrant"]
    errors: list[str] = []
    watch_console(page, errors)
    now = utcnow()

    # -- 1. Launch: the organizer creates the edition from the youth template.
    login(page, base, organizer.email)
    visit(page, f"{base}/organizer/editions/new")
    form = page.locator('[data-testid="template-form"]')
    form.locator('select[name="kind"]').select_option("youth")
    form.locator('input[name="slug"]').fill(SLUG)
    form.locator('input[name="title"]').fill(TITLE)
    form.locator('input[name="number"]').fill("10")
    form.locator('input[name="opens_at"]').fill(local_input(now - timedelta(days=1)))
    deadline = (now + timedelta(days=30)).astimezone(LOCAL_TZ).replace(hour=17, minute=0)
    form.locator('input[name="submission_deadline"]').fill(local_input(deadline))
    form.locator('button[type="submit"]').click()
    page.wait_for_url(f"{base}/organizer/editions/{SLUG}")
    assert page.locator('[data-testid="phase"]').first.get_attribute("data-phase") == "open"
    # … and sets how many entries go to the national contest (frozen once judging starts).
    visit(page, f"{base}/organizer/editions/{SLUG}/prizes")
    page.fill('input[name="national_max"]', "2")
    submit(page, 'main form button[type="submit"]')
    assert "Đã lưu thay đổi." in flash_text(page)
    screenshot(page, "season-01-launched")

    edition = db.session.scalars(select(Edition).where(Edition.slug == SLUG)).one()
    assert edition.national_max == 2
    # Setup in the database: the entrant has one submitted entry and one draft.
    yen_son = find_area("Yên Sơn", find_area("Tuyên Quang"))
    entrant.area_id = yen_son.id
    db.session.commit()
    winner = make_entry(edition, entrant, yen_son, title=WINNER_TITLE, submit=True)
    make_entry(edition, entrant, yen_son, title="Bản nháp chưa nộp", complete=False)
    winner_code = winner.code

    # -- 2. Entries: the organizer imports a file through the import page (a job).
    csv = tmp_path / "danh-sach.csv"
    csv.write_text(ENTRIES_CSV, encoding="utf-8")
    visit(page, f"{base}/organizer/entries/import")
    form = page.locator('[data-testid="import-form"]')
    form.locator('select[name="edition"]').select_option(str(edition.id))
    form.locator('input[name="file"]').set_input_files(str(csv))
    form.locator('[data-testid="import-submit"]').click()
    page.wait_for_url(re.compile(r"/jobs/\d+$"))
    page.wait_for_selector('[data-testid="job-result"]')
    assert "2 hồ sơ mới" in page.inner_text('[data-testid="job-result"]')
    screenshot(page, "season-02-import-job")

    # -- 3. Closing early asks for a confirmation with the counts, then goes through.
    closed_at = utcnow() - timedelta(minutes=30)
    save_dates(page, base, submission_deadline=closed_at)
    warnings = page.locator('[data-testid="warnings"]').inner_text()
    assert "1 hồ sơ nháp sẽ bị khoá" in warnings, warnings
    assert "1 hồ sơ đã nộp nhưng chưa được tiếp nhận" in warnings, warnings
    screenshot(page, "season-03-close-early-confirm")
    db.session.expire_all()
    assert db.session.get(Edition, edition.id).submission_deadline > utcnow()  # not saved
    page.check('[data-testid="confirm"]')
    page.click('[data-testid="general-form"] button[type="submit"]')
    page.wait_for_url(f"{base}/organizer/editions/{SLUG}/general")
    assert "Đã lưu thay đổi." in flash_text(page)
    db.session.expire_all()
    assert db.session.get(Edition, edition.id).submission_deadline < utcnow()

    # The organizer accepts the entrant's entry, then opens judging (nothing undecided).
    visit(page, f"{base}/organizer/entries/{winner.id}")
    submit(page, '[data-testid="accept"]')
    assert f"Đã đưa hồ sơ {winner_code} vào chấm." in flash_text(page)
    save_dates(
        page,
        base,
        judging_starts_at=utcnow() - timedelta(minutes=20),
        judging_ends_at=utcnow() + timedelta(days=1),
    )
    assert "Đã lưu thay đổi." in flash_text(page), page.content()[:3000]

    # -- 4. Judging: three judges on the HT panel, automatic assignment (two per entry).
    judges = [
        factories.make_user(f"gk{i}@example.vn", (Role.JUDGE,), full_name=name)
        for i, name in enumerate(("Giám khảo An", "Giám khảo Bình", "Giám khảo Chi"), 1)
    ]
    visit(page, f"{base}/organizer/judging/{SLUG}/")
    add = page.locator('[data-testid="add-HT"]')
    add.locator('textarea[name="emails"]').fill("\n".join(j.email for j in judges))
    submit(page, add.locator('button[type="submit"]'))
    assert "Đã thêm 3 giám khảo" in flash_text(page)
    visit(page, f"{base}/organizer/judging/{SLUG}/assignment")
    submit(page, page.get_by_role("button", name="Phân công tự động"))
    assert "Đã phân công thêm 6 lượt chấm." in flash_text(page)
    assert page.locator('[data-testid="no-shortfalls"]').is_visible()
    screenshot(page, "season-04-assigned")

    entries = {code: entry_by_code(code) for code in (winner_code, CONFLICTED, INCOMPLETE)}
    by_id = {j.id: j for j in judges}
    before = judges_of(entries[CONFLICTED])
    assert len(before) == 2
    leaving = by_id[min(before)]
    (replacement_id,) = set(by_id) - before
    replacement = by_id[replacement_id]

    # A conflict after assignment: the judge declares it on the entry's page.
    judge_context = chromium.new_context(viewport={"width": 820, "height": 1180}, locale="vi-VN")
    try:
        jpage = judge_context.new_page()
        watch_console(jpage, errors)
        login(jpage, base, leaving.email)
        visit(jpage, f"{base}/judge/entries/{entries[CONFLICTED].id}")
        box = jpage.locator('[data-testid="declare-conflict"]')
        box.locator("summary").click()
        box.get_by_test_id("conflict-reason-relative").check()
        box.get_by_test_id("conflict-text").fill("Cháu ruột của tác giả")
        with jpage.expect_navigation():
            box.get_by_test_id("conflict-submit").click()
        assert jpage.url == f"{base}/judge/"
        assert jpage.goto(f"{base}/judge/entries/{entries[CONFLICTED].id}").status == 404
    finally:
        judge_context.close()
    assert judges_of(entries[CONFLICTED]) == before - {leaving.id}

    # The entry is short of a judge; the proposed replacement is assigned in one click.
    visit(page, f"{base}/organizer/judging/{SLUG}/conflicts")
    row = page.locator(f'[data-testid="self-declared-{CONFLICTED}"]')
    assert row.get_by_test_id("short").inner_text() == "thiếu 1"
    assert row.get_by_test_id("proposal").inner_text() == replacement.display_name
    screenshot(page, "season-05-conflict-short")
    submit(page, row.get_by_role("button", name=f"Phân công {replacement.display_name}"))
    assert judges_of(entries[CONFLICTED]) == (before - {leaving.id}) | {replacement.id}
    visit(page, f"{base}/organizer/judging/{SLUG}/assignment")
    assert page.locator(f'[data-testid="entry-{CONFLICTED}"] .badge').count() == 0

    # -- 5. The judges score through their sheets; INCOMPLETE keeps a single sheet.
    round_id = edition.rounds[0].id
    incomplete_judges = sorted(judges_of(entries[INCOMPLETE]))
    skipped = (incomplete_judges[-1], entries[INCOMPLETE].id)
    for judge in judges:
        context = chromium.new_context(viewport={"width": 820, "height": 1180}, locale="vi-VN")
        try:
            jpage = context.new_page()
            watch_console(jpage, errors)
            login(jpage, base, judge.email)
            for key, entry in (
                ("winner", entries[winner_code]),
                (CONFLICTED, entries[CONFLICTED]),
                (INCOMPLETE, entries[INCOMPLETE]),
            ):
                if judge.id in judges_of(entry) and (judge.id, entry.id) != skipped:
                    score(jpage, base, entry, round_id, POINTS[key])
            screenshot(jpage, f"season-06-judge-{judge.id}")
        finally:
            context.close()

    # The judging window ends (it must be over before publishing).
    save_dates(page, base, judging_ends_at=utcnow() - timedelta(minutes=1))
    assert "Đã lưu thay đổi." in flash_text(page), page.content()[:3000]

    # The organizer compiles the results (a job).
    visit(page, f"{base}/organizer/results/{SLUG}")
    page.get_by_role("button", name="Tổng hợp kết quả").click()
    page.wait_for_url(re.compile(r"/jobs/\d+$"))
    page.wait_for_selector('[data-testid="job-result"]')
    screenshot(page, "season-07-compiled")

    # Publication is refused, naming the INCOMPLETE entry …
    visit(page, f"{base}/organizer/publication/{SLUG}")
    blockers = page.locator('[data-testid="blockers"]').inner_text()
    assert f"{INCOMPLETE}: chưa đủ phiếu chấm, còn thiếu 1 phiếu đã nộp." in blockers
    assert "Sẵn sàng công bố" not in page.inner_text("main")
    page.check('input[name="confirm"]')
    submit(page, '[data-testid="publish-submit"]')
    # (the page asks for the override reason, still listing the INCOMPLETE entry)
    main = page.inner_text("main")
    assert "Còn vấn đề chưa xử lý: hãy xử lý" in main, main
    assert page.locator(f'[data-testid="blocker-{INCOMPLETE}-INCOMPLETE"]').is_visible()
    assert page.locator('[data-testid="no-versions"]').is_visible()
    db.session.expire_all()
    assert db.session.get(Edition, edition.id).published_at is None
    screenshot(page, "season-08-publish-refused")
    # … then goes through with an override reason.
    reason = "Giám khảo thứ hai ốm dài ngày; Ban Giám khảo thống nhất giữ điểm một phiếu."
    page.fill('textarea[name="override_reason"]', reason)
    if not page.is_checked('input[name="confirm"]'):
        page.check('input[name="confirm"]')
    page.click('[data-testid="publish-submit"]')
    page.wait_for_selector("[data-testid=state-posting]")
    page.wait_for_url(f"{base}/organizer/publication/{SLUG}/v/1")
    assert page.get_by_test_id("override").inner_text() == reason
    screenshot(page, "season-09-published")

    # -- 6. Certificates (a job), then the national selection.
    visit(page, f"{base}/organizer/certificates/{SLUG}")
    page.fill('input[name="signatory_name"]', "Hoàng Thị Thu Hà")
    page.click('[data-testid="generate-submit"]')
    page.wait_for_selector('[data-testid="certificates-result"]')
    screenshot(page, "season-10-certificates")
    visit(page, f"{base}/organizer/national/{SLUG}")
    selected = page.locator('[data-testid="selected"]')
    winner_item = selected.locator(f'[data-testid="item-{winner_code}"]')
    assert winner_item.get_by_test_id("number").inner_text() == "1"
    assert "Giải Nhất" in winner_item.inner_text()
    assert selected.locator(f'[data-testid="item-{CONFLICTED}"]').count() == 1
    screenshot(page, "season-11-national")
    # The edition's cockpit shows the override and the stages reached.
    visit(page, f"{base}/organizer/season/{SLUG}")
    assert reason in page.get_by_test_id("stage-publication").inner_text()
    assert page.get_by_test_id("stage-certificates").get_attribute("data-state") == "done"
    assert page.get_by_test_id("stage-national").get_attribute("data-state") in ("now", "done")
    screenshot(page, "season-11b-cockpit")

    # -- 7. The entrant, on a phone: the prize, then the certificate.
    phone = phone_page
    watch_console(phone, errors)
    login(phone, base, entrant.email)
    visit(phone, f"{base}/my/entries/")
    card = phone.locator(f'[data-testid="my-entry"][data-entry-id="{winner.id}"]')
    assert "Giải Nhất" in card.get_by_test_id("outlook-badge").inner_text()
    assert "giấy chứng nhận" in card.get_by_test_id("outlook").inner_text()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(phone, "season-12-entrant-list-phone")
    card.click()
    phone.wait_for_url(f"{base}/my/entries/{winner.id}")
    assert "Giải Nhất" in phone.get_by_test_id("outlook").inner_text()
    assert phone.get_by_test_id("national").is_visible()
    link = phone.get_by_test_id("certificate-link").first
    href = link.get_attribute("href")
    assert re.fullmatch(r"/my/certificates/[^/]+\.pdf", href), href
    screenshot(phone, "season-13-entrant-entry-phone")
    # The certificate opens inline, in the browser's PDF viewer (which hides the bytes from
    # the page): follow the link, then download the same address with the phone's session.
    with phone.expect_response(lambda r: r.url == f"{base}{href}") as opened:
        link.click()
    assert opened.value.status == 200
    assert opened.value.headers["content-type"] == "application/pdf"
    pdf = phone.context.request.get(f"{base}{href}")
    assert pdf.ok and pdf.body().startswith(b"%PDF-")
    assert errors == []
