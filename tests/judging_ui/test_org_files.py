"""Files of the organizer's judging pages: the XLSX export read back, the blank paper sheets
PDF (exact Vietnamese text, no author name), the scores import upload (success, failure)."""

from __future__ import annotations

import io
import subprocess
import unicodedata

import time_machine
from openpyxl import load_workbook
from sqlalchemy import func, select

from contest.extensions import db
from contest.judging.models import ScoreSheet
from tests.judging_ui.conftest import DURING
from tests.judging_ui.org_fixtures import submit_sheet


def test_export_has_one_row_per_sheet_and_a_column_per_criterion(
    client, login, organizer, edition, final, panel, entries, judges
):
    submit_sheet(edition, final, entries[0], judges[0], (25.5, 20, 30))
    submit_sheet(edition, final, entries[1], judges[1], (10,), status="draft")
    login(organizer)
    response = client.get(f"/organizer/judging/{edition.slug}/export.xlsx")
    assert response.status_code == 200
    assert "phieu-cham-stkt-2026-final.xlsx" in response.headers["Content-Disposition"]
    rows = list(load_workbook(io.BytesIO(response.data), read_only=True).active.values)
    header = rows[0]
    assert header[:6] == (
        "Mã hồ sơ",
        "Lĩnh vực",
        "Giám khảo",
        "E-mail giám khảo",
        "Trạng thái",
        "Nguồn",
    )
    assert header[6].startswith("Tính mới, tính sáng tạo (novelty")
    assert len(rows) == 3
    first = dict(zip(header, rows[1], strict=True))
    assert first["Mã hồ sơ"] == "CNTT-001" and first["Giám khảo"] == "TS. Lê Văn An"
    assert first["Tổng điểm"] == 75.5 and first["Trạng thái"] == "Đã nộp"
    assert rows[2][4] == "Bản nháp" and rows[2][7] is None  # unscored criterion stays empty


def _pdf_text(data: bytes) -> str:
    out = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True
    )
    return unicodedata.normalize("NFC", out.stdout.decode("utf-8"))


def test_paper_sheets_pdf_is_vietnamese_with_codes_only(
    client, login, organizer, edition, final, panel, entries, judges
):
    submit_sheet(edition, final, entries[0], judges[0], (), status="draft")
    submit_sheet(edition, final, entries[1], judges[0], (), status="draft")
    submit_sheet(edition, final, entries[1], judges[1], (), status="draft")
    login(organizer)
    response = client.get(f"/organizer/judging/{edition.slug}/paper.pdf?judge={judges[0].id}")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = _pdf_text(response.data)
    for expected in (
        "PHIẾU CHẤM ĐIỂM",
        "CNTT-001",
        "CNTT-002",
        "Tính mới, tính sáng tạo",
        "Giám khảo (ký, ghi rõ họ tên)",
        "TS. Lê Văn An",
        "Hội thi STKT 2026",
    ):
        assert expected in text, expected
    assert text.count("PHIẾU CHẤM ĐIỂM") == 2  # one page per assigned entry
    for secret in ("Hoàng Thị Tác Giả", "Vũ Văn Sáng Chế", "Giải pháp CNTT-001", "Phạm Thị Bình"):
        assert secret not in text
    everyone = _pdf_text(client.get(f"/organizer/judging/{edition.slug}/paper.pdf").data)
    assert everyone.count("PHIẾU CHẤM ĐIỂM") == 3


CSV_OK = (
    "entry,judge,criterion,points\n"
    "CNTT-001,gk1@example.vn,novelty,25\n"
    'CNTT-001,gk1@example.vn,applicability,"20,5"\n'
    "CNTT-001,gk1@example.vn,effect,30\n"
)


def _upload(client, edition, text: str, **extra):
    data = {"file": (io.BytesIO(text.encode()), "diem.csv"), **extra}
    return client.post(
        f"/organizer/judging/{edition.slug}/import", data=data, content_type="multipart/form-data"
    )


@time_machine.travel(DURING, tick=False)
def test_import_upload_success_summary(client, login, organizer, edition, entries, judges):
    login(organizer)
    response = _upload(client, edition, CSV_OK)
    html = response.get_data(as_text=True)
    assert response.status_code == 200, html
    assert "1 phiếu mới, 0 cập nhật, 0 không đổi" in html
    sheet = db.session.scalars(select(ScoreSheet)).one()
    assert (sheet.status, sheet.source, str(sheet.total)) == ("submitted", "import", "75.5")
    again = _upload(client, edition, CSV_OK).get_data(as_text=True)
    assert "0 phiếu mới, 0 cập nhật, 1 không đổi" in again


@time_machine.travel(DURING, tick=False)
def test_import_upload_failure_lists_rows_and_writes_nothing(
    client, login, organizer, edition, entries, judges
):
    login(organizer)
    bad = CSV_OK + "CNTT-002,gk2@example.vn,novelty,31\nXX-1,gk2@example.vn,novelty,1\n"
    response = _upload(client, edition, bad)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "không có gì được ghi" in html
    assert "dòng 5" in html and "dòng 6" in html
    assert db.session.scalar(select(func.count(ScoreSheet.id))) == 0
    response = client.post(f"/organizer/judging/{edition.slug}/import", data={})
    assert response.status_code == 400 and "Hãy chọn tệp." in response.get_data(as_text=True)
