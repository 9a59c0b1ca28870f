"""The ``certificates.generate`` job end to end: certificates issued, one PDF per certificate
in a ZIP with ASCII file names and an index, the PDFs' text (exact Vietnamese), fonts
embedded, page 1 rendered, the QR code encodes the public verification URL, progress, and
nothing half-written when it fails."""

from __future__ import annotations

import io
import subprocess
from datetime import date

import pytest
from openpyxl import load_workbook
from PIL import Image
from sqlalchemy import select

from contest.certificates import operations as certs
from contest.certificates import pdf as certificate_pdf
from contest.certificates import tasks as certificate_jobs
from contest.certificates.models import CertificateBatch
from contest.extensions import db
from contest.jobs.models import Job, JobStatus
from contest.jobs.operations import Progress, commit
from contest.storage import get_storage
from tests.publication.certificates_support import (
    A1_AUTHORS,
    A1_TITLE,
    V1_CERTIFICATES,
    assert_qr_encodes,
    correct,
    decide,
    pdf_fonts,
    pdf_text,
    published_edition,
    qr_image,
    zip_members,
)

BASE = "https://thi.tuyenquang.example.vn"


def start(edition, publication, organizer, **settings) -> tuple[int, int]:
    """Create a batch and its job, commit (the job runs in-process); (batch id, job id)."""
    values = {
        "place": "Tuyên Quang",
        "certificate_date": date(2026, 12, 15),
        "signatory_title": "TM. BAN TỔ CHỨC\nTRƯỞNG BAN",
        "signatory_name": "Phạm Minh Đức",
        "organizing_units": "Liên hiệp các Hội Khoa học và Kỹ thuật tỉnh Tuyên Quang",
    }
    values.update(settings)
    batch = CertificateBatch(publication_id=publication.id, created_by_id=organizer.id, **values)
    db.session.add(batch)
    db.session.flush()
    job = certificate_jobs.create_generate_job(batch, edition, user=organizer)
    batch_id, job_id = batch.id, job.id
    commit()
    db.session.expire_all()
    return batch_id, job_id


def test_generate_job_end_to_end(app, runner, tmp_path, users, monkeypatch):
    app.config["PUBLIC_BASE_URL"] = BASE + "/"
    organizer = users["organizer"]
    edition, v1 = published_edition(runner, tmp_path, organizer)
    reported = []
    real_progress = Progress.__call__

    def spy(self, done, total=None, message=None):
        reported.append((done, total, message))
        return real_progress(self, done, total, message)

    monkeypatch.setattr(Progress, "__call__", spy)
    batch_id, job_id = start(edition, v1, organizer)

    job = db.session.get(Job, job_id)
    assert job.status == JobStatus.SUCCEEDED, job.error
    assert job.result["batch_id"] == batch_id
    assert job.result["certificates"] == V1_CERTIFICATES and job.result["issued"] == 7
    assert (job.progress, job.total) == (V1_CERTIFICATES + 1, V1_CERTIFICATES + 1)
    steps = V1_CERTIFICATES + 1
    assert [r[0] for r in reported] == list(range(steps)) + [steps]  # one step per certificate
    assert all(r[1] == steps for r in reported)
    assert [r[2] for r in reported[1:-1]] == [c.display_code for c in certs.certificates_of(v1)]
    batch = db.session.get(CertificateBatch, batch_id)
    assert batch.ready and batch.certificate_count == V1_CERTIFICATES and batch.finished_at

    with get_storage().open(batch.zip_key) as handle:
        data = handle.read()
    assert batch.zip_size == len(data)
    members = zip_members(data)
    issued = certs.certificates_of(v1)
    names = [certificate_pdf.file_name(c) for c in issued]
    assert sorted(members) == sorted([*names, certificate_jobs.INDEX_NAME])
    assert names[:2] == ["A1_1_Nguyen-Thi-Anh-Tuyet.pdf", "A1_2_Dang-Van-Huong.pdf"]
    assert all(n.isascii() for n in members)

    for certificate, name in zip(issued, names, strict=True):
        text = pdf_text(members[name])
        for expected in (
            certificate.author_name,
            certificate.entry_title,
            "Đã đạt " + certificate.prize_name,
            edition.title,
            certificate.display_code,
            "GIẤY CHỨNG NHẬN",
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
            "Độc lập – Tự do – Hạnh phúc",
            "Tuyên Quang, ngày 15 tháng 12 năm 2026",
            "TRƯỞNG BAN",
            "Phạm Minh Đức",
            "LIÊN HIỆP CÁC HỘI KHOA HỌC VÀ KỸ THUẬT TỈNH TUYÊN QUANG",
        ):
            assert expected in text, (name, expected)
        role = (
            "Đồng tác giả của giải pháp:" if certificate.co_authored else "Tác giả của giải pháp:"
        )
        assert role in text
    first = pdf_text(members[names[0]])
    assert A1_AUTHORS[0] in first and A1_TITLE in first and "Giải Nhất" in first
    assert A1_AUTHORS[1] not in first  # one author per certificate

    pdf = members[names[0]]
    fonts = pdf_fonts(pdf, tmp_path)
    assert fonts and all(embedded == "yes" for _name, embedded in fonts)
    assert any("DejaVu" in name for name, _e in fonts)

    (tmp_path / "page.pdf").write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-r", "40", "-png", "-f", "1", "-l", "1", "-singlefile",
         str(tmp_path / "page.pdf"), str(tmp_path / "page")],
        check=True,
    )  # fmt: skip
    with Image.open(tmp_path / "page.png") as page:
        assert page.width > page.height  # A4 landscape
    info = subprocess.run(
        ["pdfinfo", str(tmp_path / "page.pdf")], capture_output=True, text=True, check=True
    ).stdout
    assert "Pages:           1" in info

    url = f"{BASE}/verify/{issued[0].display_code}"
    assert certificate_pdf.verify_url(issued[0].code) == url
    assert_qr_encodes(qr_image(pdf, tmp_path), url)

    sheet = load_workbook(io.BytesIO(members[certificate_jobs.INDEX_NAME])).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == certificate_jobs.INDEX_HEADER
    assert [r[1] for r in rows[1:]] == [c.display_code for c in issued]
    assert rows[1][3] == A1_AUTHORS[0] and rows[1][6] == names[0] and rows[1][7] == url


def test_rerun_keeps_codes_and_a_superseded_version_is_refused(app, runner, tmp_path, users):
    organizer = users["organizer"]
    edition, v1 = published_edition(runner, tmp_path, organizer)
    first_batch, _ = start(edition, v1, organizer)
    codes_v1 = [c.code for c in certs.certificates_of(v1)]
    second_batch, job_id = start(edition, v1, organizer, place="Na Hang")
    assert db.session.get(Job, job_id).result["issued"] == 0
    assert [c.code for c in certs.certificates_of(v1)] == codes_v1
    first = db.session.get(CertificateBatch, first_batch)
    second = db.session.get(CertificateBatch, second_batch)
    assert first.zip_key != second.zip_key
    storage = get_storage()
    with storage.open(first.zip_key) as a, storage.open(second.zip_key) as b:
        assert sorted(zip_members(a.read())) == sorted(zip_members(b.read()))

    decide(edition, "A2", "special", organizer)
    correct(edition, organizer)
    _batch, job_id = start(edition, v1, organizer)  # v1 is superseded now
    job = db.session.get(Job, job_id)
    assert job.status == JobStatus.FAILED
    assert "phiên bản mới nhất" in job.error_summary


def test_mid_job_and_failed_job_leave_no_zip_visible(app, runner, tmp_path, users, monkeypatch):
    """While the ZIP is being written it is only a ``.part`` file in the spool folder and the
    batch has no ``zip_key`` (what a killed worker leaves); a failure removes the part."""
    organizer = users["organizer"]
    edition, v1 = published_edition(runner, tmp_path, organizer)
    storage = get_storage()
    spool = storage.spool_dir()
    zips_before = set(storage.root.rglob("*.zip"))
    parts_before = set(spool.glob("*.part"))
    seen = {}
    real = certificate_pdf.Renderer.pdf

    def failing(self, certificate, settings, kind):
        seen["calls"] = seen.get("calls", 0) + 1
        if seen["calls"] == 3:  # mid-job: what another process (or a restart) would see
            seen["parts"] = set(spool.glob("*.part")) - parts_before
            seen["zips"] = set(storage.root.rglob("*.zip")) - zips_before
            with db.engine.connect() as other:
                seen["batches"] = other.execute(
                    select(CertificateBatch.id, CertificateBatch.zip_key)
                ).all()
            raise RuntimeError("máy in hỏng")
        return real(self, certificate, settings, kind)

    monkeypatch.setattr(certificate_pdf.Renderer, "pdf", failing)
    batch_id, job_id = start(edition, v1, organizer)
    assert len(seen["parts"]) == 1 and seen["zips"] == set()
    assert seen["batches"] == [(batch_id, None)]
    job = db.session.get(Job, job_id)
    assert job.status == JobStatus.FAILED and "máy in hỏng" in job.error_summary
    batch = db.session.get(CertificateBatch, batch_id)
    assert batch.zip_key is None and not batch.ready
    assert set(storage.root.rglob("*.zip")) == zips_before
    assert set(spool.glob("*.part")) == parts_before
    # the certificates issued in step 1 stay (their codes are final); a re-run reuses them
    assert len(certs.certificates_of(v1)) == V1_CERTIFICATES


@pytest.mark.parametrize(
    ("day", "text"),
    [
        (date(2026, 2, 5), "Tuyên Quang, ngày 05 tháng 02 năm 2026"),
        (date(2026, 12, 15), "Tuyên Quang, ngày 15 tháng 12 năm 2026"),
        (date(2026, 3, 9), "Tuyên Quang, ngày 09 tháng 3 năm 2026"),
    ],
)
def test_vietnamese_date_line(day, text):
    assert certificate_pdf.vietnamese_date("Tuyên Quang", day) == text


def test_ascii_file_names():
    assert certificate_pdf.ascii_name("Đặng Thị Ngọc Ánh") == "Dang-Thi-Ngoc-Anh"
    assert certificate_pdf.ascii_name("Lê Văn Dũng / Nhóm 2") == "Le-Van-Dung-Nhom-2"
    assert certificate_pdf.ascii_name("STKT25-CNTT-001") == "STKT25-CNTT-001"
