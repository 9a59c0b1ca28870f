"""The entry list export: XLSX with Vietnamese headers, one row per entry, formula injection
escaped, scoped to what the user may see; the CLI command."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from contest.entries import exports, intake, operations
from contest.entries.queries import EntryFilters
from contest.extensions import db
from contest.tabular import cell_text
from tests.entries.conftest import BEFORE, make_draft

HEADERS = [
    "STT",
    "Mã",
    "Tên sản phẩm/giải pháp",
    "Lĩnh vực",
    "Bảng",
    "Tác giả",
    "Ngày sinh",
    "Đơn vị",
    "Địa bàn",
    "Trạng thái",
    "Ngày nộp",
]


def rows_of(data) -> list[list]:
    sheet = load_workbook(data, read_only=True).worksheets[0]
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def test_formula_like_texts_are_escaped():
    assert [cell_text(v) for v in ("=SUM(A1)", "+84", "-1", "@x", "a=b", 5, None)] == [
        "'=SUM(A1)",
        "'+84",
        "'-1",
        "'@x",
        "a=b",
        5,
        None,
    ]


def test_export_opens_with_openpyxl_and_has_vietnamese_headers(youth, people, tree):
    entry = make_draft(youth, people["entrant"], area=tree["my_bang"], title='=HYPERLINK("x")')
    operations.submit(entry, people["entrant"], now=BEFORE)
    intake.accept(entry, people["organizer"])
    make_draft(youth, people["entrant"], title="Nháp không xuất")
    db.session.commit()
    out = io.BytesIO()
    assert exports.export_edition(out, youth) == 1
    out.seek(0)
    header, row = rows_of(out)
    assert header == HEADERS
    assert row == [
        1,
        "STTN26-HT-001",
        '\'=HYPERLINK("x")',
        "Đồ dùng dành cho học tập",
        None,
        "Nguyễn Minh Anh",
        "04/05/2012",
        "Trường THCS Yên Sơn",
        "Xã Mỹ Bằng",
        "Được đưa vào chấm",
        "01/06/2026",
    ]


def test_export_for_a_coordinator_is_scoped(youth, people, tree):
    mine = make_draft(youth, people["entrant"], area=tree["yen_son"], title="Yên Sơn")
    theirs = make_draft(youth, people["other"], area=tree["ham_yen"], title="Hàm Yên")
    for entry, owner in ((mine, people["entrant"]), (theirs, people["other"])):
        operations.submit(entry, owner, now=BEFORE)
    db.session.commit()
    out = io.BytesIO()
    assert exports.export_for_user(out, people["coord"], EntryFilters(edition_id=youth.id)) == 1
    out.seek(0)
    assert [r[2] for r in rows_of(out)[1:]] == ["Yên Sơn"]


def test_cli_export(runner, youth, people, tmp_path):
    entry = make_draft(youth, people["entrant"])
    operations.submit(entry, people["entrant"], now=BEFORE)
    db.session.commit()
    path = tmp_path / "ds.xlsx"
    result = runner.invoke(args=["entries", "export", youth.slug, str(path)])
    assert result.exit_code == 0, result.output
    assert "Đã xuất 1 hồ sơ" in result.output
    assert rows_of(path)[0] == HEADERS
    assert runner.invoke(args=["entries", "export", "khong-co", str(path)]).exit_code == 1
