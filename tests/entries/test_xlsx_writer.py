"""``tabular.write_xlsx`` writes the file openpyxl's write-only mode writes (issue 15): every
part of the archive equal to openpyxl's, the sheet byte for byte, for every kind of value the
exports pass and the odd ones (dates, decimals, NaN, error codes, texts XML refuses). Only the
creation time in ``docProps/core.xml`` may differ."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from contest.tabular import cell_text, write_xlsx

CORE = "docProps/core.xml"


def openpyxl_file(header, rows, title="") -> bytes:
    """What ``write_xlsx`` wrote before issue 15: openpyxl write-only, cell by cell."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=(title or "Sheet1")[:31])
    sheet.append([cell_text(h) for h in header])
    for row in rows:
        sheet.append([cell_text(value) for value in row])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def ours(header, rows, title="") -> bytes:
    out = io.BytesIO()
    write_xlsx(out, header, rows, title=title)
    return out.getvalue()


def parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        found = {name: archive.read(name) for name in archive.namelist()}
    found[CORE] = re.sub(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", b"T", found[CORE])
    return found


def assert_same(header, rows, title=""):
    rows = [list(r) for r in rows]
    assert parts(ours(header, rows, title)) == parts(openpyxl_file(header, rows, title))


HEADER = ["Mã hồ sơ", "Lĩnh vực", "Giám khảo", "Điểm (≤ 30)", "Nhận xét", "Nộp lúc"]


def test_the_score_sheet_rows_are_written_as_openpyxl_writes_them():
    rows = [
        ["G26-KT-000001", "KT", "Nguyễn Văn Ánh", 27.5, 'Tốt & <đẹp> "rõ"', "07/12/2026 19:36"],
        ["G26-KT-000002", "KT", '=HYPERLINK("x")', None, "", "+84 912"],
        ["-1", "@x", " khoảng trắng ", 0, "dòng 1\r\ndòng 2\tcột", None],
        [None, None, None, None, None, None],
        [],
        [1, 2**60, -0.0, 1 / 3, 1e-7, 12345678901234567890, True, False],
        ["#N/A", "#DIV/0!", "#khác", "🙂 emoji", "\x7f DEL", "a" * 40000],
    ]
    assert_same(HEADER, rows, title="Phiếu chấm · Vòng chung khảo dài hơn 31 ký tự")


def test_odd_values_go_through_openpyxl_with_its_styles():
    rows = [
        [datetime(2026, 12, 7, 19, 36, 5), date(2026, 12, 7), Decimal("12.50"), float("nan")],
        [time(7, 30), timedelta(hours=2), date(2026, 1, 1), float("inf")],
        [datetime(2026, 1, 2), Decimal(3), "x"],
    ]
    assert_same(["a", "b", "c", "d"], rows)


@pytest.mark.parametrize("text", ["bad \x00 nul", "vertical \x0b tab", "lone \ud800 surrogate"])
def test_texts_openpyxl_refuses_are_refused_the_same_way(text):
    with pytest.raises(Exception) as old:
        openpyxl_file(["a"], [[text]])
    with pytest.raises(Exception) as new:
        ours(["a"], [[text]])
    assert type(new.value) is type(old.value)


def test_a_refused_text_leaves_no_file_behind(tmp_path):
    path = tmp_path / "x.xlsx"
    with pytest.raises(Exception):  # noqa: B017 - openpyxl's IllegalCharacterError
        write_xlsx(path, ["a"], [["tốt"], ["bad \x00 nul"]])
    assert not path.exists()


def test_a_row_read_back_is_the_row_written(tmp_path):
    path = tmp_path / "x.xlsx"
    write_xlsx(path, HEADER, [["=1+1", "KT", "Trần Bình", 28.5, "", None]], title="T")
    sheet = load_workbook(path).worksheets[0]
    assert [c.value for c in sheet[2]] == ["'=1+1", "KT", "Trần Bình", 28.5, None, None]


text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
    max_size=12,
)
value = st.one_of(
    st.none(),
    text,
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(value, max_size=6), max_size=5))
def test_any_plain_values_give_openpyxls_file(rows):
    try:
        expected = parts(openpyxl_file(["h"], rows))
    except Exception as exc:  # a character openpyxl refuses: refused the same way
        with pytest.raises(type(exc)):
            ours(["h"], rows)
        return
    assert parts(ours(["h"], rows)) == expected
