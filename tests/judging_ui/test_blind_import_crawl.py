"""Blind judging from the outside, as an organizer would set it up: entries imported from an
entries file (FORMATS.md) whose authors wrote their own names, their school without its type
prefix and their commune without "xã"/"phường" into the title and summary, in every form people
write (any case, without diacritics, initials); their documents (real PDF and DOCX with
Vietnamese text) name them too, and so do comments in the panel's discussion. After the
document scan, a judge logs in through the real form and crawls everything reachable —
pages, downloads, thumbnails — and reads every e-mail sent to them, the daily digest
included: none of those names appears, in any form."""

from __future__ import annotations

from datetime import timedelta

from contest.areas.models import AreaLevel
from contest.entries.models import Entry
from contest.extensions import db
from contest.jobs.operations import commit
from contest.judging import assigning, discussion, reminders
from contest.judging.discussion_digest import send_digests
from contest.judging.doc_scan_tasks import start_scan
from contest.timeutil import utcnow
from tests import factories
from tests.judging import doc_scan_files as files
from tests.judging_ui import judge_fixtures
from tests.judging_ui.test_blind_crawl import _download_text, _found
from tests.judging_ui.test_judge_blindness import JUDGING_PATHS, _crawl

judges = judge_fixtures.judges
open_edition = judge_fixtures.open_edition

# What the entrants wrote (CSV: the entries file of FORMATS.md).
ENTRIES_FILE = (
    "code,title,field,area,unit,authors,summary\r\n"
    'KIN-001,"Máy sấy nông sản – N.T. Kín, L.V. Pằng (THPT Chiêm Hóa)",CNTT,'
    "Xã Yên Nguyên,Trường THPT Chiêm Hóa,"
    "Nguyễn Thị Kín|2008-03-01|F;Lò Văn Pằng|2008-05-02|M,"
    '"Chúng em là NGUYỄN THỊ KÍN và nguyen thi kin (Nguyễn T. Kín), cùng lo van pang, '
    "học sinh lớp 11A THPT Chiem Hoa, trường Chiêm Hoá. Máy sấy giúp bà con Yên Nguyên và "
    'Yen Nguyen. Em Kín đo nhiệt độ, bạn Pằng vẽ sơ đồ. Cảm ơn THPT CHIÊM HÓA."\r\n'
    'MX-002,"Đèn học tự động của Trần Minh Hải, Minh Xuân",CNTT,'
    "Phường Minh Xuân,Trường THCS Minh Xuân,"
    "Trần Minh Hải|2010-01-09|M,"
    '"Tác giả: tran minh hai (T.M. Hải, Trần M. Hải), THCS Minh Xuan, phuong Minh Xuân. '
    'Đèn giúp các bạn ở Minh Xuân học buổi tối. Hải Trần cảm ơn trường Minh Xuân."\r\n'
)
PERSON_NEEDLES = (
    "nguyen thi kin", "n t kin", "nguyen t kin", "nguyen kin", "lo van pang", "l v pang",
    "em kin", "ban pang", "thpt chiem hoa", "truong chiem hoa",
    "tran minh hai", "t m hai", "tran m hai", "hai tran", "thcs minh xuan",
    "truong minh xuan",
)  # fmt: skip
AREA_NEEDLES = ("chiem hoa", "yen nguyen", "minh xuan")


def _import(app, edition, tmp_path) -> list[Entry]:
    path = tmp_path / "hoso.csv"
    path.write_bytes(ENTRIES_FILE.encode())
    result = app.test_cli_runner().invoke(args=["entries", "import", edition.slug, str(path)])
    assert result.exit_code == 0, result.output + result.stderr
    db.session.expire_all()
    return sorted(
        db.session.scalars(db.select(Entry).where(Entry.edition_id == edition.id)),
        key=lambda e: e.code,
    )


def test_a_judge_finds_no_name_from_imported_entries_documents_and_discussion(
    app, client, login, open_edition, final, judges, organizer, outbox, tmp_path
):
    province = factories.make_area("Tỉnh Tuyên Quang", AreaLevel.PROVINCE)
    factories.make_area("Xã Yên Nguyên", AreaLevel.COMMUNE, parent=province)
    minh_xuan = factories.make_area("Phường Minh Xuân", AreaLevel.COMMUNE, parent=province)
    factories.make_unit("Trường THPT Chiêm Hóa", province, "other", commit=False)
    factories.make_unit("Trường THCS Minh Xuân", minh_xuan, "other")
    kin, hai = _import(app, open_edition, tmp_path)
    assert kin.area_id and kin.unit_id  # matched to the tree, as organizers' imports are

    # Their documents name them too (a scanned page, as a picture, is not read).
    files.attach(
        kin,
        files.pdf(["Thuyết minh. Tác giả: Nguyễn Thị Kín, L.V. Pằng – THPT Chiêm Hóa.", None]),
        files.PDF,
        "description",
        "Nguyen Thi Kin - thuyet minh.pdf",
    )
    files.attach(
        hai,
        files.docx(["Đèn học."], table=[["Tác giả", "Trần Minh Hải"]], header="THCS Minh Xuân"),
        files.DOCX,
        "description",
        "tran_minh_hai_mo_ta.docx",
    )
    files.attach(hai, files.jpeg(), files.JPEG, "photos", "Hai - Minh Xuan.jpg")
    an, binh = judges[0], judges[1]
    for entry in (kin, hai):
        assigning.assign_judges_to_entry(open_edition, final, entry, [an, binh], None)
    db.session.commit()
    start_scan(open_edition, organizer)
    commit()

    # The panel discusses; the others quote names (masked for judges, digest included).
    yesterday = utcnow() - timedelta(hours=3)
    discussion.post_comment(binh, kin, final, "Bài của Nguyen Thi Kin, THPT Chiêm Hóa.", yesterday)
    discussion.post_comment(organizer, hai, final, "Em T.M. Hải ở phường Minh Xuân.", yesterday)
    db.session.commit()
    send_digests()
    reminders.send_reminders()
    commit()

    login(an)
    pages = _crawl(client, "/judge/")
    for entry in (kin, hai):
        assert f"/judge/entries/{entry.id}" in pages
        assert f"/judge/entries/{entry.id}/discussion/{final.id}" in pages
    # The documents that name them are withheld until organizers handle the findings; the
    # crawl asks for every file of the entries all the same.
    downloads = {p for p in pages if p.startswith("/judge/attachments/")}
    downloads |= {f"/judge/attachments/{a.id}" for e in (kin, hai) for a in e.attachments}
    assert len(downloads) == 3
    leaks = []
    for path, page in pages.items():
        judging = path.startswith(JUDGING_PATHS)
        needles = PERSON_NEEDLES + AREA_NEEDLES if judging else PERSON_NEEDLES
        leaks += [f"{path}: {n}" for n in _found(page.headers + "\n" + page.text, needles)]
    for path in downloads:
        leaks += [f"{path}: {n}" for n in _found(_download_text(client, path), PERSON_NEEDLES)]
    mails = [m for m in outbox if an.email in str(m["To"])]
    assert any("Thảo luận của tiểu ban" in str(m["Subject"]) for m in mails), mails
    for message in mails:
        leaks += [f"e-mail: {n}" for n in _found(str(message), PERSON_NEEDLES + AREA_NEEDLES)]
    assert not leaks, "\n".join(leaks)
    # The judge still reads the rest of what the entrants wrote; the documents that name
    # them wait for the organizers (the photo names no one and is served).
    assert "Máy sấy nông sản" in pages[f"/judge/entries/{kin.id}"].text
    statuses = {}
    for attachment in hai.attachments:
        response = client.get(f"/judge/attachments/{attachment.id}")
        statuses[attachment.kind] = response.status_code
        response.close()
    assert statuses == {"description": 423, "photos": 200}

    # Exports, paper sheets and ZIPs are the organizers': a judge who guesses them gets none.
    slug = open_edition.slug
    for path in (
        f"/organizer/judging/{slug}/paper.pdf",
        f"/organizer/judging/{slug}/export.xlsx",
        f"/organizer/editions/{slug}/export.json",
        "/organizer/entries/export.xlsx",
        f"/organizer/judging/{slug}/scan",
    ):
        response = client.get(path)
        assert response.status_code in (403, 404), path
        response.close()

    # Sanity: the same check finds the names where organizers read them.
    client.post("/logout")
    login(organizer)
    for entry in (kin, hai):
        url = f"/organizer/judging/{open_edition.slug}/entries/{entry.id}/judge-text"
        original = client.get(url, query_string={"round": final.code}).get_data(as_text=True)
        assert len(_found(original, PERSON_NEEDLES)) >= 5
