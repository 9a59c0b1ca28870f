"""Blind judging against the entrants' own words: entries whose titles, summaries and file
names name their authors, mentor, school and commune in the forms people write (with or without
diacritics, initials, a unit without its type prefix, a commune without "xã"). A judge logs in
through the real form and follows everything reachable — pages, downloads (PDF text through
pdftotext) and e-mails — and finds none of those names. Organizers see the original with the
names highlighted and may write what judges read (audited, still masked)."""

from __future__ import annotations

import html
import re
import subprocess
import unicodedata
from urllib.parse import unquote

from sqlalchemy import select

from contest.areas.models import AreaLevel
from contest.audit.models import AuditEntry
from contest.entries.attachment_demo import add_sample_files
from contest.extensions import db
from contest.jobs.operations import commit
from contest.judging import assigning, reminders
from tests import factories
from tests.judging.conftest import make_entry
from tests.judging_ui import judge_fixtures
from tests.judging_ui.test_judge_blindness import JUDGING_PATHS, _crawl

judges = judge_fixtures.judges
open_edition = judge_fixtures.open_edition

AUTHORS = ("Nguyễn Thị Kín", "Lò Văn Pằng")
MENTOR = "ThS. Hoàng Minh Tuệ"
SCHOOL = "Trường THPT Chiêm Hóa"
# What the entrants wrote, in the forms people use.
TITLE = "Máy sấy của Nguyễn Thị Kín (THPT Chiêm Hóa) – N.T. Kín, L.V. Pằng"
SUMMARY = (
    "Nhóm NGUYEN THI KIN và Lo Van Pang, học sinh trường Chiêm Hóa, dưới sự hướng dẫn của "
    "thầy Hoàng Minh Tuệ (Hoang Minh Tue), làm cho bà con xã Yên Nguyên và Yen Nguyen. "
    "Nguyễn T. Kín, N. T. Kín, Pằng Lò và Trường THPT Chiêm Hóa cảm ơn huyện Chiêm Hóa. "
    "Em Kín đo nhiệt độ, bạn Pằng vẽ, thầy Tuệ góp ý."
)
FILE_NAME = "Nguyen_Thi_Kin - LoVanPang - THPT Chiem Hoa - xa Yen Nguyen.bin"

# Folded word sequences that must not appear (any separators between the words).
PERSON_NEEDLES = (
    "nguyen thi kin", "n t kin", "nguyen t kin", "nguyen kin", "kin nguyen", "nguyenthikin",
    "lo van pang", "l v pang", "lo pang", "pang lo", "pang",
    "hoang minh tue", "h m tue", "hoang tue", "minh tue",
    "thpt chiem hoa", "truong chiem hoa", "em kin", "thay tue",
)  # fmt: skip
# Area names are offered to every user on profile forms: looked for on judging pages, files
# and e-mails only.
AREA_NEEDLES = ("chiem hoa", "yen nguyen")


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).replace("đ", "d")


def _found(text: str, needles) -> list[str]:
    """The needles in ``text`` (raw, HTML-unescaped, without tags and URL-decoded; folded;
    whole words)."""
    untagged = html.unescape(re.sub(r"<[^>]*>", "", text))
    forms = {_fold(f) for f in (text, html.unescape(text), unquote(text), untagged)}
    found = []
    for needle in needles:
        words = r"[\W_]*".join(map(re.escape, needle.split()))
        pattern = rf"(?<![a-z0-9]){words}(?![a-z0-9])"
        if any(re.search(pattern, f) for f in forms):
            found.append(needle)
    return found


def _places():
    province = factories.make_area("Tỉnh Tuyên Quang", commit=False)
    district = factories.make_area("Huyện Chiêm Hóa", AreaLevel.DISTRICT, province, commit=False)
    commune = factories.make_area("Xã Yên Nguyên", AreaLevel.COMMUNE, district, commit=False)
    unit = factories.make_unit(SCHOOL, district, "other")
    return commune, unit


def _named_entry(edition, code, commune, unit):
    """An accepted entry whose title, summary and file names name its people and places.
    The files' contents are neutral (names inside documents are the document scan's)."""
    entry = make_entry(edition, code, authors=("Tác Giả Tạm",))
    for attachment in add_sample_files(entry):
        attachment.original_name = FILE_NAME
    entry.authors[0].full_name = AUTHORS[0]
    entry.authors[0].organisation = SCHOOL
    entry.authors.append(entry.authors[0].__class__(position=2, full_name=AUTHORS[1]))
    entry.unit_id, entry.unit_name, entry.area_id = unit.id, SCHOOL, commune.id
    entry.mentor_name, entry.title, entry.summary = MENTOR, TITLE, SUMMARY
    db.session.commit()
    return entry


def _download_text(client, path: str) -> str:
    """A download's headers and its text (PDF through pdftotext, anything else as bytes)."""
    response = client.get(path)
    try:
        body = response.get_data()
        headers = "\n".join(f"{k}: {v}" for k, v in response.headers.items())
    finally:
        response.close()
    if body.startswith(b"%PDF"):
        text = subprocess.run(
            ["pdftotext", "-q", "-", "-"], input=body, capture_output=True, check=False
        ).stdout.decode("utf-8", "replace")
    else:
        text = body.decode("utf-8", "replace")
    return headers + "\n" + text


def test_a_judge_finds_no_name_the_entrants_wrote(
    client, login, open_edition, final, judges, outbox
):
    commune, unit = _places()
    entries = [_named_entry(open_edition, f"STKT-CNTT-02{i}", commune, unit) for i in range(3)]
    an = judges[0]
    for entry in entries:
        assigning.assign_judges_to_entry(open_edition, final, entry, [an], None)
    db.session.commit()
    reminders.send_reminders()  # the e-mails a judge gets are crawled too
    commit()

    login(an)
    pages = _crawl(client, "/judge/")
    for entry in entries:
        assert f"/judge/entries/{entry.id}" in pages
    downloads = [p for p in pages if re.fullmatch(r"/judge/attachments/\d+(/thumbnail)?", p)]
    assert downloads

    leaks = []
    for path, page in pages.items():
        judging = path.startswith(JUDGING_PATHS)
        needles = PERSON_NEEDLES + AREA_NEEDLES if judging else PERSON_NEEDLES
        leaks += [f"{path}: {n}" for n in _found(page.headers + "\n" + page.text, needles)]
    for path in downloads:
        leaks += [f"{path}: {n}" for n in _found(_download_text(client, path), PERSON_NEEDLES)]
    mails = [m for m in outbox if an.email in str(getattr(m, "to", m))]
    assert mails, "the judge should have been reminded"
    for message in mails:
        leaks += [f"e-mail: {n}" for n in _found(str(message), PERSON_NEEDLES + AREA_NEEDLES)]
    assert not leaks, "\n".join(leaks)
    # The judge still reads the rest of what the entrants wrote.
    entry_page = pages[f"/judge/entries/{entries[0].id}"].text
    assert "Máy sấy của [đã ẩn]" in entry_page and "cảm ơn [đã ẩn]" in entry_page

    # Sanity: the same check finds every name where it is (the organizer's page shows the
    # original), so a silent checker cannot pass this test.
    client.post("/logout")
    login(factories.make_user("btc-mask@example.vn", ("organizer",)))
    url = f"/organizer/judging/{open_edition.slug}/entries/{entries[0].id}/judge-text"
    original = client.get(url, query_string={"round": final.code}).get_data(as_text=True)
    assert set(_found(original, PERSON_NEEDLES + AREA_NEEDLES)) >= {
        "nguyen thi kin", "n t kin", "nguyen t kin", "lo van pang", "l v pang", "pang lo",
        "hoang minh tue", "thpt chiem hoa", "truong chiem hoa", "chiem hoa", "yen nguyen",
        "em kin", "thay tue",
    }  # fmt: skip


def test_organizers_see_the_names_highlighted_and_write_what_judges_read(
    client, login, open_edition, final, judges
):
    commune, unit = _places()
    entry = _named_entry(open_edition, "STKT-CNTT-030", commune, unit)
    entry.summary += " Sơ đồ do Pằng vẽ."  # a given name alone: hinted, not masked
    an = judges[0]
    assigning.assign_judges_to_entry(open_edition, final, entry, [an], None)
    db.session.commit()
    organizer = factories.make_user("btc-viet@example.vn", ("organizer",))
    login(organizer)
    base = f"/organizer/judging/{open_edition.slug}/entries/{entry.id}"
    sheets_page = client.get(base, query_string={"round": final.code}).get_data(as_text=True)
    assert "/judge-text" in sheets_page

    page = client.get(f"{base}/judge-text", query_string={"round": final.code})
    body = page.get_data(as_text=True)
    assert page.status_code == 200
    assert '<mark class="masked masked-author">Nguyễn Thị Kín</mark>' in body
    assert '<mark class="masked masked-unit">THPT Chiêm Hóa</mark>' in body
    assert '<mark class="masked masked-area">xã Yên Nguyên</mark>' in body
    assert '<mark class="hint">Pằng</mark> vẽ' in body and 'data-testid="hint-note"' in body

    written = {
        "round": final.code,
        "title": "Máy sấy nông sản dùng năng lượng mặt trời",
        "summary": "Máy sấy cho bà con xã Yên Nguyên, do em Kín Nguyễn làm.",
    }
    response = client.post(f"{base}/judge-text", data=written)
    assert response.status_code == 302
    db.session.refresh(entry)
    assert entry.judge_title == written["title"]
    assert entry.title == TITLE  # the entrant's text is kept
    audit = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "judging.judge_text")
    ).one()
    assert audit.actor_id == organizer.id and audit.object_id == str(entry.id)
    assert audit.details["summary_after"] == written["summary"]

    too_long = client.post(f"{base}/judge-text", data={**written, "title": "x" * 301})
    assert too_long.status_code == 400
    assert "Tối đa 300 ký tự" in too_long.get_data(as_text=True)

    client.post("/logout")
    login(an)
    judge_page = client.get(f"/judge/entries/{entry.id}").get_data(as_text=True)
    assert "Máy sấy nông sản dùng năng lượng mặt trời" in judge_page
    assert "Máy sấy cho bà con [đã ẩn], do em [đã ẩn] làm." in judge_page
    assert not _found(judge_page, PERSON_NEEDLES + AREA_NEEDLES)

    # Blank again: judges read the entrant's own text, masked.
    client.post("/logout")
    login(organizer)
    client.post(f"{base}/judge-text", data={"round": final.code, "title": "", "summary": " "})
    db.session.refresh(entry)
    assert entry.judge_title is None and entry.judge_summary is None
