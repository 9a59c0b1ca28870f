"""The certificates pages: the organizers' page and generation form (validation, job,
download, one PDF) and the public verification pages (valid, revoked, unknown, typing)."""

from __future__ import annotations

import io
import zipfile
from datetime import date

from sqlalchemy import func, select

from contest.certificates import operations as certs
from contest.certificates import pdf as certificate_pdf
from contest.certificates.models import Certificate, CertificateBatch
from contest.certificates.views import default_place
from contest.contests.models import Edition
from contest.extensions import db
from contest.jobs.models import Job, JobStatus
from contest.timeutil import to_local, utcnow
from tests.factories import PASSWORD
from tests.publication.certificates_support import (
    A1_AUTHORS,
    A1_TITLE,
    V1_CERTIFICATES,
    assert_qr_encodes,
    by_slot,
    correct,
    decide,
    pdf_text,
    published_edition,
    qr_image,
)
from tests.publication.helpers import compiled_edition

FORM = {
    "place": "Tuyên Quang",
    "signatory_title": "TM. BAN TỔ CHỨC\r\nTRƯỞNG BAN",
    "signatory_name": "Phạm Minh Đức",
}


def today() -> str:
    return to_local(utcnow()).date().isoformat()


def test_generate_from_the_page_download_and_one_pdf(app, client, login, runner, tmp_path, users):
    organizer = users["organizer"]
    edition, v1 = published_edition(runner, tmp_path, organizer)
    login(organizer)
    page = client.get(f"/organizer/certificates/{edition.slug}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    shown = to_local(utcnow()).date().strftime("%d/%m/%Y")  # dates are shown day first
    assert 'value="Tuyên Quang"' in html and f'value="{shown}"' in html
    assert "TM. BAN TỔ CHỨC\nTRƯỞNG BAN" in html and "0 / 7" in html
    assert A1_AUTHORS[1] in html and "chưa cấp" in html

    # invalid: nothing stored
    bad = client.post(
        f"/organizer/certificates/{edition.slug}/generate",
        data={**FORM, "signatory_name": "", "certificate_date": "2020-01-01"},
    )
    text = bad.get_data(as_text=True)
    assert bad.status_code == 400
    assert "Vui lòng nhập thông tin này." in text
    assert "Ngày cấp không được trước ngày công bố kết quả" in text
    assert db.session.scalar(select(func.count(CertificateBatch.id))) == 0
    assert (
        db.session.scalar(select(func.count(Job.id)).where(Job.kind == "certificates.generate"))
        == 0
    )

    done = client.post(
        f"/organizer/certificates/{edition.slug}/generate",
        data={**FORM, "certificate_date": today()},
    )
    assert done.status_code == 302 and "/jobs/" in done.headers["Location"]
    db.session.expire_all()
    job = db.session.scalars(select(Job).where(Job.kind == "certificates.generate")).one()
    assert job.status == JobStatus.SUCCEEDED, job.error
    batch = db.session.get(CertificateBatch, job.result["batch_id"])
    assert batch.signatory_title == "TM. BAN TỔ CHỨC\nTRƯỞNG BAN"
    assert batch.organizing_units == (edition.organizing_units or "")
    job_page = client.get(done.headers["Location"]).get_data(as_text=True)
    download_url = f"/organizer/certificates/batch/{batch.id}.zip"
    assert download_url in job_page

    zipped = client.get(download_url)
    assert zipped.status_code == 200 and zipped.mimetype == "application/zip"
    assert "attachment" in zipped.headers["Content-Disposition"]
    data = zipped.data
    zipped.close()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert len([n for n in archive.namelist() if n.endswith(".pdf")]) == V1_CERTIFICATES

    page = client.get(f"/organizer/certificates/{edition.slug}").get_data(as_text=True)
    assert download_url in page and "7 / 7" in page
    first = certs.certificates_of(v1)[0]
    assert first.display_code in page

    one = client.get(f"/organizer/certificates/{first.display_code.lower()}.pdf")
    assert one.status_code == 200 and one.mimetype == "application/pdf"
    text = pdf_text(one.data)
    assert A1_AUTHORS[0] in text and A1_TITLE in text and "Giải Nhất" in text
    assert "Phạm Minh Đức" in text  # the latest batch's settings
    assert client.get("/organizer/certificates/ZZZZ-ZZZZ-ZZZZ.pdf").status_code == 404
    assert client.get("/organizer/certificates/batch/999.zip").status_code == 404


def test_qr_uses_public_base_url_never_the_host_header(app, client, login, runner, tmp_path, users):
    app.config["PUBLIC_BASE_URL"] = "https://thi.tuyenquang.example.vn"
    organizer = users["organizer"]
    _edition, v1 = published_edition(runner, tmp_path, organizer)
    certs.issue_for(v1, organizer)
    db.session.commit()
    first = certs.certificates_of(v1)[0]
    evil = "http://evil.example"
    client.post("/login", data={"email": organizer.email, "password": PASSWORD}, base_url=evil)
    response = client.get(f"/organizer/certificates/{first.display_code}.pdf", base_url=evil)
    assert response.status_code == 200
    url = f"https://thi.tuyenquang.example.vn/verify/{first.display_code}"
    assert_qr_encodes(qr_image(response.data, tmp_path), url)
    assert "evil.example" not in pdf_text(response.data)


def test_generate_refused_before_publication(app, client, login, runner, tmp_path, users):
    edition = compiled_edition(runner, tmp_path)
    login(users["organizer"])
    page = client.get(f"/organizer/certificates/{edition.slug}").get_data(as_text=True)
    assert "chưa công bố kết quả" in page
    response = client.post(
        f"/organizer/certificates/{edition.slug}/generate",
        data={**FORM, "certificate_date": today()},
    )
    assert response.status_code == 302
    assert db.session.scalar(select(func.count(CertificateBatch.id))) == 0


def test_verify_pages(app, client, runner, tmp_path, users):
    organizer = users["organizer"]
    edition, v1 = published_edition(runner, tmp_path, organizer)
    certs.issue_for(v1, organizer)
    db.session.commit()
    a1_second = by_slot()[("A1", 2)][0]
    code = a1_second.display_code

    form = client.get("/verify/")
    assert form.status_code == 200 and 'name="code"' in form.get_data(as_text=True)
    typed = client.get("/verify/", query_string={"code": f" {code.lower().replace('-', ' ')} "})
    assert typed.status_code == 302 and typed.headers["Location"].endswith(f"/verify/{code}")
    bad = client.get("/verify/", query_string={"code": "abc<b>"})
    assert bad.status_code == 400
    assert "không đúng dạng" in bad.get_data(as_text=True)
    assert "<b>" not in bad.get_data(as_text=True)

    loose = client.get(f"/verify/{a1_second.code.lower()}")
    assert loose.status_code == 302 and loose.headers["Location"].endswith(f"/verify/{code}")

    valid = client.get(f"/verify/{code}")
    html = valid.get_data(as_text=True)
    assert valid.status_code == 200
    assert "Giấy chứng nhận hợp lệ" in html and "Đã bị thu hồi" not in html
    for expected in (A1_AUTHORS[1], A1_TITLE, "Giải Nhất", edition.title, "Đồng tác giả"):
        assert expected in html
    assert "0912345678" not in html  # the author's phone (and birth date) never shows
    assert valid.headers["X-Robots-Tag"] == "noindex, nofollow"

    decide(edition, "A1", None, organizer, reason="Vi phạm thể lệ")
    correct(edition, organizer)
    revoked = client.get(f"/verify/{code}")
    html = revoked.get_data(as_text=True)
    assert revoked.status_code == 200
    assert "Đã bị thu hồi" in html and "Giấy chứng nhận hợp lệ" not in html
    assert "Đã được đính chính bởi phiên bản 2" in html
    assert 'data-testid="replacement"' not in html  # A1 lost its prize: no replacement

    b = by_slot()[("A2", 1)][0]
    decide(edition, "A2", "special", organizer)
    correct(edition, organizer, note="Giải Đặc biệt")
    html = client.get(f"/verify/{b.display_code}").get_data(as_text=True)
    replacement = by_slot()[("A2", 1)][1]
    assert "Đã bị thu hồi" in html and "Đã được đính chính bởi phiên bản 3" in html
    assert f'/verify/{replacement.display_code}"' in html
    html = client.get(f"/verify/{replacement.display_code}").get_data(as_text=True)
    assert "Giấy chứng nhận hợp lệ" in html and "Giải Đặc biệt" in html

    unknown = client.get("/verify/ZZZZ-ZZZZ-ZZZZ")
    assert unknown.status_code == 404
    assert "Không tìm thấy giấy chứng nhận với mã ZZZZ-ZZZZ-ZZZZ" in unknown.get_data(as_text=True)
    hostile = client.get("/verify/%3Cscript%3Ealert(1)%3C%2Fscript%3E")
    assert hostile.status_code == 404
    assert "<script>alert(1)" not in hostile.get_data(as_text=True)


def test_default_place_comes_from_the_edition():
    def edition(title, units=""):
        return Edition(title=title, organizing_units=units)

    assert default_place(edition("Hội thi Sáng tạo Kỹ thuật tỉnh Bắc Kạn lần thứ 7")) == "Bắc Kạn"
    assert default_place(edition("Hội thi STKT", "Tỉnh đoàn\nLiên hiệp hội tỉnh Trà Vinh")) == (
        "Trà Vinh"
    )
    assert default_place(edition("Cuộc thi thành phố Hà Nội")) == "Hà Nội"
    assert default_place(edition("Hội thi Sáng tạo Kỹ thuật thử nghiệm")) == "Tuyên Quang"


def test_certificate_dates_and_units_in_pdf(app):
    settings = certificate_pdf.PrintSettings(
        "Tuyên Quang", date(2026, 1, 2), "TRƯỞNG BAN", "Phạm Minh Đức", "A; B"
    )
    assert certificate_pdf.unit_lines(settings.organizing_units) == ["A", "B"]
    assert certificate_pdf.unit_lines("Một\nHai; Ba") == ["Một", "Hai; Ba"]
    assert Certificate(code="7K3MQ9TX2HPD").display_code == "7K3M-Q9TX-2HPD"
