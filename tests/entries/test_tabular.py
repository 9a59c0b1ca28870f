"""The shared spreadsheet reader and writer (contest/tabular.py)."""

from __future__ import annotations

import io
from datetime import date, datetime

import pytest
from openpyxl import Workbook, load_workbook

from contest.tabular import RowProblem, TableError, cell_to_text, read_table, write_xlsx


def table_of(text: str, **kwargs):
    return read_table(io.BytesIO(text.encode("utf-8")), **kwargs)


def test_header_is_trimmed_and_lower_cased_and_rows_keep_their_numbers():
    table = table_of("\n Code ,TITLE\n\nA, x \n,\nB,y\n")
    assert table.columns == ["code", "title"]
    assert [(r.number, r.values) for r in table.rows] == [
        (4, {"code": "A", "title": "x"}),
        (6, {"code": "B", "title": "y"}),
    ]
    assert table.rows[0].get("missing") == ""


def test_duplicate_columns_and_data_without_a_header_are_errors():
    with pytest.raises(TableError) as info:
        table_of("code,code,\nA,B,C\n")
    assert [str(p) for p in info.value.problems] == [
        "dòng 1, cột code: cột bị lặp lại",
        "dòng 2: có dữ liệu ở cột 3 không có tên",
    ]


def test_empty_unnamed_columns_are_ignored():
    table = table_of("code,,\nA,,\n")
    assert table.columns == ["code"] and table.rows[0].values == {"code": "A"}


def test_size_limit():
    with pytest.raises(TableError, match="Tệp quá lớn"):
        table_of("code\n" + "A\n" * 1000, max_bytes=100)


def test_problem_texts():
    assert str(RowProblem(3, "title", "thiếu")) == "dòng 3, cột title: thiếu"
    assert str(RowProblem(3, "", "thiếu")) == "dòng 3: thiếu"
    assert str(RowProblem(None, "", "hỏng")) == "hỏng"


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, ""),
        (datetime(2010, 3, 4), "2010-03-04"),
        (datetime(2010, 3, 4, 5, 6), "2010-03-04 05:06:00"),
        (date(2010, 3, 4), "2010-03-04"),
        (12.0, "12"),
        (12.5, "12.5"),
        (True, "TRUE"),
        ("  x  ", "x"),
    ],
)
def test_cell_to_text(value, text):
    assert cell_to_text(value) == text


def test_xlsx_reads_the_first_sheet_whatever_is_active():
    workbook = Workbook()
    workbook.active.append(["code"])
    workbook.active.append(["FIRST"])
    other = workbook.create_sheet("Khác")
    other.append(["code"])
    other.append(["SECOND"])
    workbook.active = 1
    data = io.BytesIO()
    workbook.save(data)
    data.seek(0)
    assert [r.values["code"] for r in read_table(data).rows] == ["FIRST"]


def test_write_xlsx_streams_and_escapes(tmp_path):
    path = tmp_path / "out.xlsx"
    write_xlsx(path, ["Tên"], (["=1+1"], ["bình thường"]), title="Danh sách")
    sheet = load_workbook(path).worksheets[0]
    assert sheet.title == "Danh sách"
    assert [c.value for c in sheet["A"]] == ["Tên", "'=1+1", "bình thường"]
    assert sheet["A2"].data_type == "s"
