"""The organizers' statistics page, the XLSX download and the summary report job end to end
(contest/reports/views.py, report.py): the chart data attributes and table
cells hold the numbers of the hand-built edition; the report job (started from an English
session) writes a Vietnamese PDF whose text layer has the exact headings and names with
diacritics; page 1 and the chart pages render to PNG (the charts' colours are there); the PDF
download is refused for another edition's, another kind's or an unfinished job."""

from __future__ import annotations

import io
import json
import re
import subprocess
from html import unescape

from flask import has_request_context
from PIL import Image

from contest.audit.models import AuditEntry
from contest.extensions import db
from contest.jobs.models import Job
from contest.jobs.operations import commit, create_job, run
from contest.reports import report
from contest.storage import get_storage
from tests.publication.statistics_helpers import (
    PREVIOUS_TITLE,
    SLUG,
    TITLE,
    add_entry,
    build_edition,
    build_previous,
)

URL = f"/organizer/statistics/{SLUG}"


def chart(html: str, name: str) -> dict:
    """The JSON of the canvas ``chart-<name>``."""
    found = re.search(rf'<canvas data-chart="([^"]*)" data-testid="chart-{name}"', html)
    assert found, name
    return json.loads(unescape(found.group(1)))


def cells(html: str, testid: str) -> dict[tuple[str, str], str]:
    """``{(row, column): text}`` of the table ``testid``."""
    body = re.search(rf'<table[^>]*data-testid="{testid}".*?</table>', html, re.S).group(0)
    found = re.findall(r'<td class="num[^"]*" data-row="([^"]*)" data-col="([^"]*)">([^<]*)<', body)
    return {(r, c): v for r, c, v in found}


def test_page_shows_tables_and_chart_data(runner, tmp_path, users, client, login):
    edition, areas = build_edition(runner, tmp_path, organizer=users["organizer"])
    login(users["organizer"])
    html = client.get(URL).get_data(as_text=True)
    assert "Không có lần thi trước cùng loại để so sánh." in html  # none yet
    build_previous(runner, tmp_path, areas)
    response = client.get(URL)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<script>" not in html.replace("<script src=", "")  # no inline script (CSP)
    assert "vendor/chartjs/chart.umd.min.js" in html and "js/charts.js" in html

    area = chart(html, "area")
    assert area["labels"] == ["Hàm Yên", "Sơn Dương", "Yên Sơn", "Chưa rõ địa bàn"]
    assert [(d["label"], d["data"]) for d in area["datasets"]] == [
        ("Đã nộp", [2, 2, 2, 1]), ("Được chấm", [1, 2, 2, 0]), ("Đạt giải", [0, 2, 2, 0]),
    ]  # fmt: skip
    field = chart(html, "field")
    assert field["labels"] == ["HT", "PM"]  # codes: the names are in the table
    assert '<span class="row-code">HT</span> Đồ dùng dành cho học tập</th>' in html
    assert [d["data"] for d in field["datasets"]] == [[4, 3], [3, 2], [2, 2]]
    gender = chart(html, "gender")
    assert gender["type"] == "doughnut" and gender["labels"] == ["Nam", "Nữ", "Không rõ"]
    assert gender["datasets"][0]["data"] == [5, 4, 1]
    ethnicity = chart(html, "ethnicity")
    assert list(zip(ethnicity["labels"], ethnicity["datasets"][0]["data"], strict=True)) == [
        ("Kinh", 4), ("Tày", 3), ("Dao", 1), ("Nùng", 1), ("Không rõ", 1),
    ]  # fmt: skip
    assert chart(html, "level")["datasets"][0]["data"] == [2, 2, 2, 1]
    assert chart(html, "author_level")["datasets"][0]["data"] == [2, 4, 2, 2]
    compare = chart(html, "comparison_area")
    assert [d["data"] for d in compare["datasets"]] == [[0, 2, 1, 0], [2, 2, 2, 1]]
    assert chart(html, "comparison_field")["labels"] == ["HT", "PM", "MT"]

    yen_son = str(areas["yen_son"].id)
    area_cells = cells(html, "table-area")
    assert area_cells[(yen_son, "prize-third")] == "1" and area_cells[(yen_son, "prized")] == "2"
    assert area_cells[("total", "submitted")] == "7" and area_cells[("none", "accepted")] == "0"
    assert cells(html, "table-gender")[("F", "prize-merit")] == "1"
    field_cmp = cells(html, "compare-field")
    assert field_cmp[("MT", "entries-difference")] == "−1"
    assert field_cmp[("MT", "entries-percent")] == "−100 %"
    assert field_cmp[("total", "entries-percent")] == "+133,3 %"
    assert cells(html, "compare-area")[(str(areas["ham_yen"].id), "entries-percent")] == "—"
    assert 'data-summary="authors">10<' in html and 'data-summary="prizes">4<' in html
    assert "Tính theo lượt tác giả" in html and "Tính theo hồ sơ." in html
    assert f"Lần trước: {PREVIOUS_TITLE}." in html


def test_xlsx_has_every_table_escaped(runner, tmp_path, users, client, login):
    from openpyxl import load_workbook

    edition, areas = build_edition(runner, tmp_path, organizer=users["organizer"])
    add_entry(edition, "E10", "PM", "submitted", areas["yen_son"],
              [("Hacker", None, "M", "=HYPERLINK(\"x\")", "")])  # fmt: skip
    db.session.commit()
    login(users["organizer"])
    response = client.get(f"{URL}/statistics.xlsx")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].endswith("thong-ke-ttn-tk.xlsx")
    book = load_workbook(io.BytesIO(response.data))
    assert book.sheetnames == [
        "Tổng hợp", "Theo địa bàn", "Theo lĩnh vực", "Theo cấp học (hồ sơ)",
        "Theo cấp học (tác giả)", "Theo giới tính", "Theo dân tộc", "Danh sách đạt giải",
    ]  # fmt: skip
    rows = list(book["Theo lĩnh vực"].iter_rows(values_only=True))
    assert rows[0] == ("Lĩnh vực", "Đã nộp", "Được chấm", "Đạt giải", "Giải Nhất", "Giải Nhì",
                       "Giải Ba", "Giải Khuyến khích")  # fmt: skip
    assert rows[1:] == [
        ("Đồ dùng dành cho học tập", 4, 3, 2, 1, 1, 0, 0),
        ("Phần mềm tin học", 4, 2, 2, 0, 0, 1, 1),
        ("Tổng cộng", 8, 5, 4, 1, 1, 1, 1),
    ]
    ethnicities = [r[0] for r in book["Theo dân tộc"].iter_rows(values_only=True)]
    assert '\'=HYPERLINK("x")' in ethnicities  # formula injection escaped
    winners = list(book["Danh sách đạt giải"].iter_rows(values_only=True))
    assert winners[1][:4] == ("Giải Nhất", "E1", "Sản phẩm E1: Mô hình “sáng tạo” số 1",
                              "Nguyễn Thị Hoa, Lê Văn Bình")  # fmt: skip


def pdf_text(path, *args) -> str:
    return subprocess.run(
        ["pdftotext", *args, str(path), "-"], check=True, capture_output=True, text=True
    ).stdout


def coloured_pixels(png, colour: tuple[int, int, int], tolerance: int = 30) -> int:
    with Image.open(png) as image:
        counts = image.convert("RGB").getcolors(1 << 24)
    return sum(
        n
        for n, pixel in counts
        if all(abs(a - b) <= tolerance for a, b in zip(pixel, colour, strict=True))
    )


def test_report_job_end_to_end(runner, tmp_path, users, client, login):
    edition, areas = build_edition(runner, tmp_path, organizer=users["organizer"])
    build_previous(runner, tmp_path, areas)
    login(users["organizer"])
    client.post("/lang/en", data={"next": "/"})  # the report stays Vietnamese
    response = client.post(f"{URL}/report")
    assert response.status_code == 302 and "/jobs/" in response.headers["Location"]
    job = db.session.scalars(db.select(Job).where(Job.kind == report.KIND)).one()
    assert job.status == "succeeded", job.error
    assert job.params == {"edition_id": edition.id} and job.progress == job.total == 5
    assert job.result["edition"] == SLUG and job.result["publication_version"] == 1
    audit = db.session.scalars(db.select(AuditEntry).where(AuditEntry.action == "job.start")).one()
    assert audit.details == {"kind": report.KIND, "edition": SLUG}
    key = job.result["key"]
    assert key.startswith("reports/") and get_storage().exists(key)

    page = client.get(response.headers["Location"]).get_data(as_text=True)
    download = f"{URL}/report/{job.id}.pdf"
    assert f'href="{download}"' in page
    listed = client.get(URL).get_data(as_text=True)
    assert f'href="{download}"' in listed  # the page lists the report

    pdf = client.get(download)
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert pdf.headers["Content-Disposition"].endswith("bao-cao-tong-ket-ttn-tk.pdf")
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf.data)

    text = pdf_text(path)
    flat = " ".join(text.split())
    assert f"BÁO CÁO TỔNG KẾT {TITLE}" in flat
    for expected in (
        "Liên hiệp các Hội Khoa học và Kỹ thuật tỉnh Tuyên Quang", "Tỉnh Đoàn Tuyên Quang",
        "Số liệu giải thưởng theo bản công bố kết quả số 1",
        "I. Số liệu chung", "II. Theo địa bàn", "III. Theo lĩnh vực",
        "IV. Theo cấp học (hồ sơ)", "V. Theo cấp học (tác giả)", "VI. Theo giới tính",
        "VII. Theo dân tộc", "VIII. Danh sách đạt giải", "So sánh với lần thi trước",
        "Giải Nhất (1)", "Giải Khuyến khích (1)", "Nguyễn Thị Hoa, Lê Văn Bình",
        "Hoàng Thị Mai, Đặng Văn Cường", "Phạm Minh Đức", "Vũ Thị Lan",
        "Sản phẩm E1: Mô hình “sáng tạo” số 1", "Trường THCS Tân Trào (Xã Tân Trào)",
        "Đồ dùng dành cho học tập", "Hàm Yên", "Sơn Dương", "Yên Sơn", "Chưa rõ địa bàn",
        "Tiểu học", "THCS", "THPT", "Nữ: 4 (40 %)", "Tày: 3 (30 %)", "Kinh",
        f"So với {PREVIOUS_TITLE}: 3 hồ sơ đã nộp, lần này 7 (+4; +133,3 %).",
        "Sản phẩm thân thiện với môi trường (chỉ có ở lần trước)",
    ):  # fmt: skip
        assert expected in flat, expected
    assert "Lượt tác giả (hồ sơ đã nộp) 10" in flat and "trong đó nữ 4" in flat
    assert "Ngô Thị Hằng" not in flat  # not a winner: names appear only in the winners' list
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True).stdout
    assert "DejaVu" in fonts and all(
        line.split()[-5] == "yes" for line in fonts.splitlines()[2:] if line.strip()
    )  # every font embedded

    pages = text.split("\f")
    assert "BÁO CÁO TỔNG KẾT" in pages[0] and "I. Số liệu chung" in pages[0]
    bars_page = next(i for i, p in enumerate(pages, 1) if "II. Theo địa bàn" in p)
    doughnut_page = next(i for i, p in enumerate(pages, 1) if "VI. Theo giới tính" in p)
    png = {}
    for number in sorted({1, bars_page, doughnut_page}):
        prefix = tmp_path / f"page{number}"
        subprocess.run(
            ["pdftoppm", "-png", "-r", "60", "-f", str(number), "-l", str(number), str(path),
             str(prefix)],
            check=True,
        )  # fmt: skip
        png[number] = next(tmp_path.glob(f"page{number}-*.png"))
        with Image.open(png[number]) as image:
            assert image.size[0] > 400
    assert coloured_pixels(png[1], (0, 0, 0), tolerance=60) > 500  # the title and the numbers
    # The charts' colours: #0d6efd (first series / the "Nam" slice), #d63384 (the second).
    for number in (bars_page, doughnut_page):
        assert coloured_pixels(png[number], (0x0D, 0x6E, 0xFD)) > 200, number
        assert coloured_pixels(png[number], (0xD6, 0x33, 0x84)) > 200, number


def test_report_without_publication_or_previous(runner, tmp_path, users, client, login):
    """Run as a worker runs it: no request, the job runner called directly."""
    edition, _areas = build_edition(runner, tmp_path, publish_results=False)
    assert not has_request_context()
    job_id = report.create_report_job(edition, users["organizer"]).id
    db.session.commit()  # not dispatched: pending, as a worker would find it
    run(job_id)
    job = db.session.get(Job, job_id, populate_existing=True)
    assert job.status == "succeeded", job.error
    assert job.result["publication_version"] is None
    login(users["organizer"])
    path = tmp_path / "r.pdf"
    path.write_bytes(client.get(f"{URL}/report/{job.id}.pdf").data)
    flat = " ".join(pdf_text(path).split())
    assert "Kết quả chưa được công bố: báo cáo chưa có số liệu giải thưởng." in flat
    assert "Không có lần thi trước cùng loại để so sánh." in flat
    assert "Giải Nhất" not in flat and "Đạt giải" not in flat


def test_download_refusals(runner, tmp_path, users, client, login):
    from tests.results_compile.helpers import create_edition, definition

    edition, _areas = build_edition(runner, tmp_path, publish_results=False)
    create_edition(runner, tmp_path, definition("stkt-khac"))
    login(users["organizer"])
    client.post(f"{URL}/report")
    job = db.session.scalars(db.select(Job).where(Job.kind == report.KIND)).one()
    assert client.get(f"{URL}/report/{job.id}.pdf").status_code == 200
    assert client.get(f"/organizer/statistics/stkt-khac/report/{job.id}.pdf").status_code == 404
    other = create_job("system.selfcheck", {"edition_id": edition.id}, users["organizer"])
    pending = report.create_report_job(edition, users["organizer"])
    db.session.commit()  # committed without dispatch: stays pending
    assert client.get(f"{URL}/report/{other.id}.pdf").status_code == 404
    assert client.get(f"{URL}/report/{pending.id}.pdf").status_code == 404
    assert client.get(f"{URL}/report/999999.pdf").status_code == 404
    assert client.get("/organizer/statistics/khong-co/report/1.pdf").status_code == 404
    get_storage().delete(job.result["key"])  # the file is gone: 404, not a crash
    assert client.get(f"{URL}/report/{job.id}.pdf").status_code == 404
    # The report button needs the CSRF-protected form: a bare POST with CSRF on is refused.
    login(users["coordinator"])
    assert client.get(URL).status_code == 403
    assert client.post(f"{URL}/report").status_code == 403


def test_technical_edition_page_hides_school_level_and_is_linked(
    runner, tmp_path, users, client, login
):
    from tests.results_compile.helpers import create_edition, definition

    create_edition(runner, tmp_path, definition("stkt-tk"))
    login(users["organizer"])
    html = client.get("/organizer/statistics/stkt-tk").get_data(as_text=True)
    assert 'data-testid="section-area"' in html and 'data-testid="section-level"' not in html
    assert 'data-testid="no-publication"' in html and "Giải Nhất" not in html
    assert client.get("/organizer/statistics/khong-co").status_code == 404
    overview = client.get("/organizer/editions/stkt-tk").get_data(as_text=True)
    assert 'href="/organizer/statistics/stkt-tk" data-testid="go-statistics"' in overview


def test_report_of_a_deleted_edition_fails_cleanly(app, users):
    job = create_job(report.KIND, {"edition_id": 999999}, users["organizer"], total=report.STEPS)
    job_id = job.id
    commit()  # runs in-process (tests run tasks eagerly)
    job = db.session.get(Job, job_id, populate_existing=True)
    assert job.status == "failed" and "ReportError" in job.error and job.result is None
