"""The national dossier job end to end on real storage: the ZIP's structure (a folder per
selected entry, numbered in the list's order), the registration form PDF (exact Vietnamese
names and title in its text layer; it renders), the attachments copied byte for byte under
safe names, missing files reported, the XLSX list, atomic publication in storage, retention
and bounded memory."""

from __future__ import annotations

import io
import subprocess
import tracemalloc
import unicodedata
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from contest.extensions import db
from contest.jobs.models import Job
from contest.jobs.operations import commit
from contest.national import dossier as national_dossier
from contest.national import selection as national
from contest.storage import get_storage
from tests.publication.national_helpers import (
    AUTHORS,
    attach_files,
    detailed_authors,
    entry_id,
    published_edition,
)


@pytest.fixture()
def app(make_app, tmp_path):
    """The test app with its own upload folder."""
    app = make_app(UPLOAD_DIR=str(tmp_path / "uploads"))
    with app.app_context():
        yield app
        db.session.remove()


@pytest.fixture()
def organizer(users):
    return users["organizer"]


@pytest.fixture()
def edition(runner, tmp_path, organizer):
    edition = published_edition(runner, tmp_path, organizer)
    detailed_authors("B1")
    return edition


def _run(edition, organizer) -> Job:
    job = national_dossier.create_dossier_job(edition, organizer)
    job_id = job.id
    commit()  # tests run jobs in-process: the job has run when commit returns
    db.session.expire_all()
    return db.session.get(Job, job_id)


def pdf_text(data: bytes) -> str:
    """The PDF's text layer in reading order (a cell's wrapped lines stay together)."""
    out = subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True)
    return unicodedata.normalize("NFC", out.stdout.decode("utf-8"))


def _zip(job) -> zipfile.ZipFile:
    path = get_storage().local_path(job.result["storage_key"])
    return zipfile.ZipFile(path)


def test_dossier_end_to_end(edition, organizer, tmp_path):
    stored = attach_files("B1", tmp_path)
    national.include(edition, entry_id("A5"), '=HYPERLINK("x") ứng dụng tốt', organizer)
    db.session.commit()

    job = _run(edition, organizer)
    assert job.status == "succeeded", job.error
    result = job.result
    assert result["entries"] == 5 and result["codes"] == ["B1", "A1", "A2", "A3", "A5"]
    assert result["files"] == 4
    assert result["problems"] == [
        "B1 — Hướng dẫn.pdf: không tìm thấy tệp trong kho lưu trữ, chưa gửi kèm"
    ]
    assert job.progress == job.total == 6

    archive = _zip(job)
    names = archive.namelist()
    folders = sorted({n.split("/")[0] for n in names if "/" in n})
    assert folders == [
        "01_B1_may-phun-thuoc-tru-sau-tu-dong-dieu",  # ≤ 40 characters, whole words
        "02_A1_giai-phap-a1",
        "03_A2_giai-phap-a2",
        "04_A3_giai-phap-a3",
        "05_A5_giai-phap-a5",
    ]
    assert all(n.isascii() for n in folders)
    b1 = folders[0] + "/"
    assert sorted(n for n in names if n.startswith(b1)) == sorted(
        b1 + n
        for n in [
            "Phieu_dang_ky_B1.pdf",
            "Bản thuyết minh.pdf",
            "phun_.mp4",  # "Video: máy/phun?.mp4": the path part dropped, "?" replaced
            "ảnh.jpg",
            "ẢNH (2).jpg",  # same name, another case: numbered
            "TEP_CON_THIEU.txt",
        ]
    )
    # attachments byte-identical
    assert archive.read(b1 + "Bản thuyết minh.pdf") == stored["Bản thuyết minh.pdf"]
    assert archive.read(b1 + "phun_.mp4") == stored["Video: máy/phun?.mp4"]
    assert archive.read(b1 + "ảnh.jpg") == stored["ảnh.jpg"]
    assert archive.read(b1 + "ẢNH (2).jpg") == stored["ẢNH.jpg"]
    assert archive.getinfo(b1 + "phun_.mp4").compress_type == zipfile.ZIP_STORED
    assert "Hướng dẫn.pdf" in archive.read(b1 + "TEP_CON_THIEU.txt").decode("utf-8")
    assert archive.testzip() is None

    # the registration form: exact names and title, every author detail, the result
    pdf = archive.read(b1 + "Phieu_dang_ky_B1.pdf")
    text = pdf_text(pdf)
    flat = " ".join(text.split())
    for author in AUTHORS:
        assert author["full_name"] in flat
        for key in ("ethnicity", "organisation", "class_or_position", "phone", "email"):
            assert author[key] in flat, (key, author[key])
    assert "09/03/1985" in text and "01/12/1979" in text and "Nữ" in text and "Nam" in text
    assert "Máy phun thuốc trừ sâu tự động điều khiển bằng điện thoại" in flat
    assert "PHIẾU ĐĂNG KÝ DỰ THI" in text and "Hội thi Sáng tạo Kỹ thuật thử nghiệm" in text
    assert "Người đại diện: Hoàng Văn Đức" in flat
    assert "Công nghệ thông tin" not in flat and "Cơ khí" in flat  # B1's field
    assert "Đơn vị B1" in flat and "Giảm" not in flat
    assert "95,00" in flat and "Giải Nhất" in flat
    assert "Giám khảo 1" in flat and "Giám khảo 2" in flat and "Giám khảo 3" not in flat
    assert "Phiếu chấm đã thay đổi" not in flat  # the sheets are the run's
    assert "gk1@example.vn" not in flat  # judges are anonymised
    assert "Bản thuyết minh.pdf" in flat and "Đề xuất theo quy tắc (thứ 1)" in flat
    # the form lists the files under their names in the folder, and says which is missing
    assert "phun_.mp4" in flat and "ẢNH (2).jpg" in flat and "Video: máy" not in flat
    assert "Hướng dẫn.pdf Lưu ý: không tìm thấy tệp trong kho lưu trữ" in flat
    png = tmp_path / "form"
    subprocess.run(["pdftoppm", "-png", "-r", "40", "-f", "1", "-l", "1", "-", str(png)],
                   input=pdf, check=True)  # fmt: skip
    pages = list(tmp_path.glob("form*.png"))
    assert pages and pages[0].stat().st_size > 5000

    a5_text = " ".join(pdf_text(archive.read(folders[4] + "/Phieu_dang_ky_A5.pdf")).split())
    assert "Nguyễn Văn An" in a5_text and "Giải Khuyến khích" in a5_text
    assert "Hội đồng giám khảo" in a5_text  # A5's score is the panel's (PANEL_SCORE)
    assert "bổ sung: =HYPERLINK" in a5_text

    # the XLSX list at the root: Vietnamese headers, formula injection escaped
    sheet = load_workbook(io.BytesIO(archive.read(national_dossier.LIST_NAME))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == (
        "STT", "Mã", "Tên sản phẩm, giải pháp", "Tác giả", "Đơn vị", "Lĩnh vực", "Giải",
        "Điểm", "Lý do chọn", "Thư mục hồ sơ",
    )  # fmt: skip
    assert [r[1] for r in rows[1:]] == ["B1", "A1", "A2", "A3", "A5"]
    assert rows[1][0] == 1 and rows[1][5] == "Cơ khí" and rows[1][6] == "Giải Nhất"
    assert float(rows[1][7]) == 95.0 and rows[1][9] == folders[0]
    assert rows[5][8].startswith("Người dùng organizer bổ sung: =HYPERLINK")
    assert all(not str(c).startswith("=") for r in rows for c in r if c is not None)

    # published atomically: no spooled leftovers
    root = Path(get_storage().root)
    assert list((root / ".incoming").glob("*.part")) == []


def test_formula_in_a_cell_start_is_escaped(edition, organizer):
    from contest.entries.models import Entry

    entry = db.session.get(Entry, entry_id("A1"))
    entry.title = "=1+2 giải pháp"
    db.session.commit()
    job = _run(edition, organizer)
    sheet = load_workbook(io.BytesIO(_zip(job).read(national_dossier.LIST_NAME))).active
    titles = [r[2] for r in sheet.iter_rows(min_row=2, values_only=True)]
    assert "'=1+2 giải pháp" in titles


def test_empty_selection_fails_the_job_and_stores_nothing(edition, organizer, tmp_path):
    edition.national_max = None
    db.session.commit()
    job = _run(edition, organizer)
    assert job.status == "failed" and "Danh sách gửi dự thi toàn quốc đang trống" in job.error
    root = Path(get_storage().root)
    assert not list(root.rglob("*.zip")) and not list(root.rglob("*.part"))


def test_only_the_newest_dossiers_are_kept(edition, organizer, monkeypatch):
    monkeypatch.setattr(national_dossier, "KEEP", 2)
    jobs = [_run(edition, organizer) for _ in range(3)]
    db.session.expire_all()
    jobs = [db.session.get(Job, j.id) for j in jobs]
    storage = get_storage()
    assert jobs[0].result["removed"] is True
    assert not storage.exists(jobs[0].result["storage_key"])
    assert [national_dossier.download_key(j, edition) for j in jobs[1:]] == [
        j.result["storage_key"] for j in jobs[1:]
    ]
    assert all(storage.exists(j.result["storage_key"]) for j in jobs[1:])
    assert national_dossier.download_key(jobs[0], edition) is None


def test_copy_streams_with_bounded_memory(app, tmp_path):
    """A 24 MB attachment goes into the archive with far less memory than its size."""
    import hashlib
    import os

    from contest import file_types
    from contest.entries.models import Attachment
    from contest.storage import new_key

    storage = get_storage()
    data_path = tmp_path / "big.bin"
    digest = hashlib.sha256()
    with open(data_path, "wb") as handle:
        for _ in range(24):
            chunk = os.urandom(1024 * 1024)
            digest.update(chunk)
            handle.write(chunk)
    key = new_key("attachments", file_types.MP4)
    storage.put(data_path, key)
    attachment = Attachment(storage_key=key, content_type=file_types.MP4,
                            size_bytes=24 * 1024 * 1024, sha256=digest.hexdigest())  # fmt: skip
    target = tmp_path / "out.zip"
    tracemalloc.start()
    with zipfile.ZipFile(target, "w") as archive:
        assert national_dossier.copy_stored(
            archive, "v.mp4", storage, attachment, (2026, 7, 1, 0, 0, 0)
        )
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak < 4 * 1024 * 1024, peak
    with zipfile.ZipFile(target) as archive:
        assert archive.getinfo("v.mp4").file_size == 24 * 1024 * 1024


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Bản thuyết minh.pdf", "Bản thuyết minh.pdf"),
        ("C:\\Users\\An\\ảnh 1.JPG", "ảnh 1.JPG"),
        ("../../etc/passwd", "passwd"),
        ('a<b>c:d"e|f?g*.docx', "a_b_c_d_e_f_g_.docx"),
        ("  .hidden. ", "hidden"),
        ("CON.txt", "_CON.txt"),
        ("", "tep"),
        ("x" * 300 + ".mp4", "x" * 116 + ".mp4"),
        ("Tie\u0302\u0301ng Vie\u0323\u0302t.pdf", "Tiếng Việt.pdf"),  # NFD → NFC
    ],
)
def test_safe_names(name, expected):
    assert national_dossier.safe_name(name) == expected


def test_folder_names_are_ascii():
    assert (
        national_dossier.folder_name(7, "STTN26-HT-001", "Đèn học thông minh cho học sinh vùng cao")
        == "07_STTN26-HT-001_den-hoc-thong-minh-cho-hoc-sinh-vung-cao"
    )
    assert national_dossier.folder_name(12, "A1", "!!!", width=3) == "012_A1"


def test_youth_form_has_the_mentor_and_the_sending_unit(edition, organizer, tmp_path):
    from contest.entries.models import Entry
    from contest.national import paper as national_paper

    edition.kind = "youth"
    entry = db.session.get(Entry, entry_id("B1"))
    entry.mentor_name = "Lê Thị Hằng"
    entry.mentor_unit = "Trường THPT Chuyên Tuyên Quang"
    entry.mentor_phone = "0977 123 456"
    db.session.commit()
    chosen = national.selection(edition)
    item = chosen.items[0]
    scores = national_paper.score_summaries(edition, chosen.publication, [item.entry])
    data = national_paper.form_data(
        1, entry, item.entry, scores[entry.id], chosen.publication, item.why()
    )
    pdf = national_paper.render_pdf(data)
    flat = " ".join(pdf_text(pdf).split())
    assert "Cuộc thi Sáng tạo Thanh thiếu niên, Nhi đồng" in flat
    assert "GIÁO VIÊN HƯỚNG DẪN" in flat and "Lê Thị Hằng" in flat
    assert "Trường THPT Chuyên Tuyên Quang" in flat and "0977 123 456" in flat
    assert "Đơn vị cử dự thi" in flat and "Đơn vị áp dụng" not in flat
    assert "Áp dụng từ ngày" not in flat
    (tmp_path / "youth.pdf").write_bytes(pdf)
