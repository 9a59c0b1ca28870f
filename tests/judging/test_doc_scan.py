"""The document scan job on real files (contest/judging/doc_scan*.py, doc_findings.py): PDFs
and DOCX files with Vietnamese text naming the entry's author, school and commune are
generated here, attached to accepted entries and scanned through the job system (tasks run
in-process). Findings carry the page (None for DOCX) and a snippet; pages that are only a
picture, and pictures, are counted as not read; a re-scan never duplicates a finding and keeps
the organizers' decisions; decisions are audited."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import select

from contest.audit.models import AuditEntry
from contest.extensions import db
from contest.jobs.models import Job
from contest.jobs.operations import commit, create_job
from contest.judging import doc_findings, doc_scan
from contest.judging.doc_scan_tasks import KIND, ScanBusy, start_scan
from contest.judging.errors import JudgingError
from contest.judging.masking import NameSet
from contest.judging.models_scan import DocumentFinding, ScannedFile
from tests.judging import doc_scan_files as files
from tests.judging.conftest import make_entry

AUTHOR = "Nguyễn Thị Kín"
SCHOOL = "Trường THPT Hàm Yên"  # the `places` fixture's school, in the district Hàm Yên
PAGE_2 = f"Tác giả: em {AUTHOR}, học sinh lớp 11A2 {SCHOOL}, tỉnh Tuyên Quang."


@pytest.fixture()
def entry(edition, places):
    return make_entry(
        edition,
        "STKT-CNTT-001",
        authors=(AUTHOR,),
        unit=places["school"],
        mentor_name="Trần Văn Hướng",
    )


def _scan(edition, organizer) -> Job:
    """Start a scan and run it (in-process); the finished job."""
    job = start_scan(edition, organizer)
    commit()
    db.session.expire_all()
    job = db.session.get(Job, job.id)
    assert job.status == "succeeded", job.error
    return job


def _findings(**where) -> list[DocumentFinding]:
    query = select(DocumentFinding).order_by(DocumentFinding.attachment_id, DocumentFinding.start)
    for key, value in where.items():
        query = query.where(getattr(DocumentFinding, key) == value)
    return db.session.scalars(query).all()


def _pdf_entry(entry):
    data = files.pdf(["Giới thiệu: hệ thống lọc nước sạch cho vùng cao.", PAGE_2, None])
    return files.attach(entry, data, files.PDF, "description", "thuyet-minh.pdf")


# --- Reading text (pure) ----------------------------------------------------------------------


def test_pdf_text_is_read_per_page_and_a_picture_page_is_not_read():
    document = doc_scan.extract_pdf(io.BytesIO(files.pdf(["Một hai ba.", PAGE_2, None])))
    assert document.page_count == 3
    # Vietnamese text comes back exactly (NFC), with the PDF's line breaks
    assert " ".join(document.pages[1].split()) == PAGE_2
    assert document.unread_pages == [3]


def test_docx_text_includes_tables_and_headers():
    data = files.docx(["Mở đầu."], table=[["Đơn vị", "THPT Hàm Yên"]], header="Nguyen Thi Kin")
    document = doc_scan.extract_docx(io.BytesIO(data))
    assert document.page_count is None and document.unread_pages == []
    text = document.pages[0]
    assert "Mở đầu." in text and "THPT Hàm Yên" in text and "Nguyen Thi Kin" in text


@pytest.mark.parametrize(
    "data, content_type",
    [
        (b"%PDF-1.7\n garbage that is no PDF at all", "application/pdf"),
        (b"PK\x03\x04 not a word document", doc_scan.DOCX),
    ],
)
def test_a_damaged_file_is_unreadable(data, content_type):
    with pytest.raises(doc_scan.Unreadable):
        doc_scan.extract(io.BytesIO(data), content_type)


def test_snippet_cuts_at_words_and_collapses_spaces():
    text = "một hai ba bốn năm sáu bảy tám chín mười\n\nNguyễn Thị Kín   học  sinh giỏi toàn diện"
    start = text.index("Nguyễn")
    before, found, after = doc_scan.snippet(text, start, start + len("Nguyễn Thị Kín"), width=17)
    assert found == "Nguyễn Thị Kín"
    assert before == "tám chín mười "  # "bảy" would be cut: left out
    assert after == " học sinh"  # "giỏi" would be cut: left out


def test_hits_count_offsets_across_pages():
    names = NameSet.of([("author", AUTHOR)])
    document = doc_scan.DocumentText(["Trang đầu.", f"Của {AUTHOR}."])
    (hit,) = doc_scan.find_names(document, names)
    assert hit.page == 2 and hit.start == len("Trang đầu.") + 1 + len("Của ")
    assert (hit.before, hit.found, hit.after) == ("Của ", AUTHOR, ".")


# --- The job ----------------------------------------------------------------------------------


def test_scan_finds_names_in_a_pdf_with_page_and_snippet(edition, organizer, entry):
    attachment = _pdf_entry(entry)
    job = _scan(edition, organizer)

    found = _findings(attachment_id=attachment.id)
    assert [(f.page, f.kind, f.found) for f in found] == [
        (2, "author", AUTHOR),
        (2, "unit", SCHOOL),
    ]
    author = found[0]
    assert author.before == "Tác giả: em" + " " and author.after.startswith(", học sinh lớp 11A2")
    assert author.status == "open" and author.decided_at is None
    assert author.entry_id == entry.id and author.sha256 == attachment.sha256
    scanned = db.session.scalars(select(ScannedFile)).one()
    assert (scanned.outcome, scanned.pages, scanned.unread_pages) == ("read", 3, [3])
    result = job.result
    assert result["documents_read"] == 1 and result["pages_read"] == 2
    assert result["unread_pages"] == 1 and result["findings"] == 2
    assert job.progress == job.total == 1


def test_scan_finds_names_in_a_docx_without_page(edition, organizer, entry):
    data = files.docx(
        ["Báo cáo của nhóm tác giả N.T. Kín về máy sấy nông sản."],
        table=[["Đơn vị", "THPT Hàm Yên"]],
        header="Nguyen Thi Kin - 2026",
    )
    attachment = files.attach(entry, data, files.DOCX, "full_text", "toan-van.docx")
    _scan(edition, organizer)

    found = _findings(attachment_id=attachment.id)
    assert [(f.page, f.kind, f.found) for f in found] == [
        (None, "author", "N.T. Kín"),
        (None, "unit", "THPT Hàm Yên"),
        (None, "author", "Nguyen Thi Kin"),
    ]
    assert found[0].before == "Báo cáo của nhóm tác giả"[-60:] + " "
    assert found[0].after.startswith(" về máy sấy")


def test_rescan_does_not_duplicate_and_keeps_decisions(edition, organizer, entry):
    _pdf_entry(entry)
    _scan(edition, organizer)
    first = _findings()
    doc_findings.decide(first[0], "accepted", organizer)
    db.session.commit()
    decided = [(first[0].id, "accepted"), (first[1].id, "open")]

    again = _scan(edition, organizer)
    assert again.result["scanned_now"] == 0 and again.result["unchanged"] == 1
    assert [(f.id, f.status) for f in _findings()] == decided

    # The entry's names change: the file is read again, known findings keep their decision.
    entry.mentor_name = "Lê Thị Mới"
    db.session.commit()
    third = _scan(edition, organizer)
    assert third.result["scanned_now"] == 1
    assert [(f.id, f.status) for f in _findings()] == decided
    assert db.session.scalar(select(db.func.count()).select_from(ScannedFile)) == 1

    # A name no longer known is no longer a finding.
    entry.authors[0].full_name = "Phạm Văn Khác"
    db.session.commit()
    _scan(edition, organizer)
    assert [(f.id, f.kind) for f in _findings()] == [(first[1].id, "unit")]


def test_a_replaced_file_is_scanned_afresh(edition, organizer, entry):
    old = _pdf_entry(entry)
    _scan(edition, organizer)
    assert _findings(attachment_id=old.id)
    entry.attachments.remove(old)
    db.session.commit()
    new = files.attach(
        entry, files.pdf(["Thuyết minh đã bỏ tên.", None, None]), files.PDF, "description", "m.pdf"
    )
    job = _scan(edition, organizer)
    assert _findings() == []
    scanned = db.session.scalars(select(ScannedFile)).one()
    assert scanned.attachment_id == new.id and scanned.unread_pages == [2, 3]
    assert job.result["unread_pages"] == 2 and job.result["findings"] == 0


def test_only_files_judges_receive_of_accepted_entries_are_scanned(
    edition, organizer, entry, places
):
    # The unit's confirmation names the school by design: organizers only, never scanned.
    files.attach(entry, files.pdf([PAGE_2]), files.PDF, "unit_confirmation", "xac-nhan.pdf")
    submitted = make_entry(edition, "STKT-CNTT-002", authors=(AUTHOR,), status="submitted")
    files.attach(submitted, files.pdf([PAGE_2]), files.PDF, "description", "a.pdf")
    job = _scan(edition, organizer)
    assert job.result["files"] == 0 and _findings() == []

    # An entry withdrawn after a scan loses its records at the next one.
    _pdf_entry(entry)
    _scan(edition, organizer)
    assert len(_findings()) == 2
    entry.status = "withdrawn"
    db.session.commit()
    _scan(edition, organizer)
    assert _findings() == [] and db.session.scalars(select(ScannedFile)).all() == []


def test_pictures_and_damaged_files_are_counted_as_not_read(edition, organizer, entry):
    files.attach(entry, files.jpeg(), files.JPEG, "photos", "anh-1.jpg")
    files.attach(entry, b"%PDF-1.7\nbroken", files.PDF, "instructions", "hdsd.pdf")
    job = _scan(edition, organizer)
    assert job.result["images"] == 1 and job.result["unreadable"] == 1
    outcomes = sorted(db.session.scalars(select(ScannedFile.outcome)))
    assert outcomes == ["image", "unreadable"]


def test_decisions_are_recorded_and_audited(edition, organizer, entry):
    _pdf_entry(entry)
    _scan(edition, organizer)
    finding = _findings()[0]
    doc_findings.decide(finding, "fixed", organizer)
    db.session.commit()
    assert finding.status == "fixed" and finding.decided_by_id == organizer.id
    assert finding.decided_at is not None
    doc_findings.decide(finding, "open", organizer)
    db.session.commit()
    assert finding.status == "open" and finding.decided_at is None
    with pytest.raises(JudgingError):
        doc_findings.decide(finding, "deleted", organizer)
    db.session.rollback()
    audits = db.session.scalars(
        select(AuditEntry)
        .where(AuditEntry.action == "judging.scan_finding")
        .order_by(AuditEntry.id)
    ).all()
    assert [(a.details["old"], a.details["new"]) for a in audits] == [
        ("open", "fixed"),
        ("fixed", "open"),
    ]
    assert audits[0].actor_id == organizer.id and audits[0].object_id == str(entry.id)
    assert audits[0].details["page"] == 2 and audits[0].details["found"] == AUTHOR


def test_a_second_scan_is_refused_while_one_is_unfinished(edition, organizer):
    create_job(KIND, {"edition_id": edition.id}, user=organizer)
    db.session.commit()  # pending: never dispatched
    with pytest.raises(ScanBusy):
        start_scan(edition, organizer)
