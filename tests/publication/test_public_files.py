"""The official list of a published version: the printable page, the XLSX file (read back
with openpyxl) and the PDF (text layer with pdftotext, page 1 rendered with pdftoppm), in
Vietnamese and in English, escaped against formula injection."""

from __future__ import annotations

import io
import re
import subprocess
from datetime import UTC, datetime, timedelta

import time_machine
from openpyxl import load_workbook

from contest.extensions import db
from contest.publication import official_list
from contest.publication import operations as pub
from tests.publication.public_fixtures import (
    TECHNICAL_ENTRIES,
    TECHNICAL_SLUG,
    TECHNICAL_WINNERS_ORDER,
    correct,
    pdf_page_png,
    pdf_text,
    publish_youth,
    technical_edition,
    xlsx_rows,
)

T0 = datetime(2026, 8, 10, 3, 0, tzinfo=UTC)  # 10:00 in Vietnam
DURING = T0 + timedelta(days=1)
SLUG = TECHNICAL_SLUG
VI_HEADER = ("STT", "Mã", "Tên giải pháp", "Tác giả", "Đơn vị", "Lĩnh vực", "Giải")
PRIZES = {"T1": "Giải Nhất", "K1": "Giải Nhất", "T2": "Giải Nhì", "T3": "Giải Ba",
          "K2": "Giải Khuyến khích"}  # fmt: skip
FIELDS = {"T": "Công nghệ thông tin", "K": "Cơ khí"}


def publish_v1(users):
    edition = technical_edition()
    pub.publish(edition, users["organizer"], now=T0)
    db.session.commit()
    return edition


def test_xlsx_is_the_official_list(client, users):
    publish_v1(users)
    with time_machine.travel(DURING, tick=False):
        response = client.get(f"/results/{SLUG}/results.xlsx")
    assert response.status_code == 200 and response.mimetype == official_list.XLSX_MIMETYPE
    assert f"danh-sach-dat-giai-{SLUG}-v1.xlsx" in response.headers["Content-Disposition"]
    rows = xlsx_rows(response.data)
    assert rows[0][0] == "Hội thi Sáng tạo Kỹ thuật thử nghiệm"
    assert rows[1][0] == "DANH SÁCH ĐẠT GIẢI"
    assert rows[2][0] == (
        "Phiên bản 1, công bố ngày 10/08/2026. Đang niêm yết đến 25/08/2026 10:00"
    )
    header_at = official_list.HEADER_ROW - 1
    assert rows[header_at] == VI_HEADER
    data = rows[header_at + 1 :]
    assert [r[0] for r in data] == [1, 2, 3, 4, 5]  # STT numbered over the whole list
    assert [r[1] for r in data] == TECHNICAL_WINNERS_ORDER  # by prize level, then field
    for row in data:
        code = row[1]
        title, _field, unit, _area, authors, _totals = TECHNICAL_ENTRIES[code]
        expected_title = "'" + title if title.startswith("=") else title
        names = "; ".join(a.split("|")[0] for a in authors.split(";"))
        assert row[2:] == (expected_title, names, unit, FIELDS[code[0]], PRIZES[code]), code
    assert data[0][3] == "Nguyễn Thị Hồng Nhung; Trần Đức Mạnh"
    sheet = load_workbook(io.BytesIO(response.data)).worksheets[0]
    widths = [sheet.column_dimensions[c].width for c in "ABCDEFG"]
    assert widths == list(official_list.COLUMN_WIDTHS)
    assert sheet.freeze_panes == f"A{official_list.HEADER_ROW + 1}"


def test_xlsx_escapes_a_title_starting_with_equals(client, users):
    publish_v1(users)
    data = client.get(f"/results/{SLUG}/results.xlsx").data
    sheet = load_workbook(io.BytesIO(data)).worksheets[0]
    cells = [c for row in sheet.iter_rows() for c in row if c.value is not None]
    assert not [c.coordinate for c in cells if c.data_type == "f"]  # no formula at all
    t2 = next(c for c in cells if str(c.value).endswith("Phần mềm quản lý hồ sơ bệnh án điện tử"))
    assert t2.value == "'=Phần mềm quản lý hồ sơ bệnh án điện tử" and t2.data_type == "s"


def test_youth_list_names_the_product_column(client, users):
    publish_youth(users)
    rows = xlsx_rows(client.get("/results/ttnnd-ket-qua/results.xlsx").data)
    assert rows[official_list.HEADER_ROW - 1][2] == "Tên sản phẩm"
    html = client.get("/results/ttnnd-ket-qua/print").get_data(as_text=True)
    assert '<th scope="col">Tên sản phẩm</th>' in html


def test_pdf_text_is_exact_vietnamese_and_page_one_renders(client, users, tmp_path):
    publish_v1(users)
    with time_machine.travel(DURING, tick=False):
        response = client.get(f"/results/{SLUG}/results.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert f"danh-sach-dat-giai-{SLUG}-v1.pdf" in response.headers["Content-Disposition"]
    text = pdf_text(response.data)
    flat = " ".join(text.split())
    for expected in (
        "DANH SÁCH ĐẠT GIẢI",
        "Hội thi Sáng tạo Kỹ thuật thử nghiệm",
        "LIÊN HIỆP CÁC HỘI KHOA HỌC VÀ KỸ THUẬT TỈNH TUYÊN QUANG",
        "Phiên bản 1, công bố ngày 10/08/2026. Đang niêm yết đến 25/08/2026 10:00",
        "Tên giải pháp",
        "Máy bóc vỏ lạc bán tự động",
        "Hoàng Văn Ánh",
        "Vương Thị Lụa",
        "Phạm Thị Thuỷ",
        "Bộ điều khiển lò sấy chè tiết kiệm",
        "Hợp tác xã chè Mỹ Bằng",
        "Giải Nhất (2)",
        "Giải Khuyến khích (1)",
        "Tổng cộng: 5 bài đạt giải.",
    ):
        assert expected in flat, expected
    order = [flat.index(f" {code} ") for code in TECHNICAL_WINNERS_ORDER]
    assert order == sorted(order)
    assert "Ứng dụng tra cứu giống cây trồng" not in flat  # T4 has no prize
    fonts = subprocess.run(["pdffonts", "-"], input=response.data, capture_output=True,
                           check=True).stdout.decode()  # fmt: skip
    font_lines = [line for line in fonts.splitlines() if "DejaVu" in line]
    assert font_lines and all(" yes " in line for line in font_lines)  # embedded
    png = pdf_page_png(response.data, tmp_path / "danh-sach.png")
    assert png.read_bytes().startswith(b"\x89PNG") and png.stat().st_size > 20_000


def test_printable_page_is_the_official_layout(client, users):
    publish_v1(users)
    with time_machine.travel(DURING, tick=False):
        html = client.get(f"/results/{SLUG}/print").get_data(as_text=True)
    assert "css/official_list.css" in html and "js/print.js" in html
    assert "<script>" not in html and "style=" not in html  # CSP: no inline code
    assert re.findall(r'data-testid="official-row" data-code="(\w+)"', html) == (
        TECHNICAL_WINNERS_ORDER
    )
    assert [h for h in re.findall(r'<th scope="col">([^<]+)</th>', html)] == list(VI_HEADER)
    assert "Đang niêm yết đến 25/08/2026 10:00" in html
    assert f'href="/results/{SLUG}" data-testid="back-link"' in html
    assert 'data-testid="print-button"' in html
    css = (official_list.STYLESHEET).read_text()
    assert "size: A4 landscape" in css


def test_files_of_an_older_version(client, users):
    edition = publish_v1(users)
    correct(edition, users["organizer"], now=T0 + timedelta(days=2))
    with time_machine.travel(T0 + timedelta(days=3), tick=False):
        old = xlsx_rows(client.get(f"/results/{SLUG}/results.xlsx?v=1").data)
        new = xlsx_rows(client.get(f"/results/{SLUG}/results.xlsx").data)
        page = client.get(f"/results/{SLUG}/print?v=1").get_data(as_text=True)
        pdf = pdf_text(client.get(f"/results/{SLUG}/results.pdf?v=1").data)
    start = official_list.HEADER_ROW
    assert [r[1] for r in old[start:]] == TECHNICAL_WINNERS_ORDER
    assert [r[1] for r in new[start:]] == ["T1", "K1", "T2", "T3", "T4"]
    assert old[2][0].endswith("Phiên bản này đã được thay thế bởi phiên bản 2 (ngày 12/08/2026)")
    assert new[2][0].startswith("Phiên bản 2, công bố ngày 12/08/2026")
    assert "Phiên bản này đã được thay thế bởi phiên bản 2" in page
    assert f'href="/results/{SLUG}/v/1" data-testid="back-link"' in page
    assert "Phiên bản này đã được thay thế bởi phiên bản 2" in " ".join(pdf.split())


def test_english_headers(client, users):
    publish_v1(users)
    client.post("/lang/en", data={"next": "/"})
    rows = xlsx_rows(client.get(f"/results/{SLUG}/results.xlsx").data)
    header = rows[official_list.HEADER_ROW - 1]
    assert header[:4] == ("No.", "Code", "Solution title", "Authors")
    assert all(h.isascii() for h in header), header  # every column name translated
    html = client.get(f"/results/{SLUG}/print").get_data(as_text=True)
    assert '<html lang="en">' in html and '<th scope="col">Solution title</th>' in html
    # the data stay as published
    assert rows[official_list.HEADER_ROW][2] == TECHNICAL_ENTRIES["T1"][0]
