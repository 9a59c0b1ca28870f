"""``contest results compile`` → ``contest results export`` reproduce a hand-computed results
file (FORMATS.md), byte for byte, on an edition built through the real import commands."""

from __future__ import annotations

from openpyxl import load_workbook
from sqlalchemy import func, select

from contest.extensions import db
from contest.results.models import ResultRow, ResultsRun
from tests.results_compile.helpers import (
    create_edition,
    definition,
    import_entries,
    import_scores,
    invoke_ok,
    sheet,
)

SLUG = "stkt-kq"

ENTRIES = [
    ("T01", "CNTT", "accepted"),
    ("T02", "CNTT", "accepted"),
    ("T03", "CNTT", "accepted"),
    ("T04", "CNTT", "accepted"),
    ("T05", "CNTT", "accepted"),
    ("T06", "CNTT", "accepted"),
    ("T07", "CNTT", "accepted"),
    ("T08", "CNTT", "accepted"),
    ("T09", "CNTT", "accepted"),
    ("T10", "CNTT", "accepted"),
    ("T11", "CNTT", "rejected"),
    ("K01", "CK", "accepted"),
    ("K02", "CK", "accepted"),
]

SHEETS = {
    "T01": [sheet(38, 52), sheet(36, 54)],  # 90, 90 → 90.00 first
    "T02": [sheet(35, 50), sheet(30, 50)],  # 85, 80 → 82.50; effect mean 50
    "T03": [sheet(30, "52,5"), sheet(30, "52.5")],  # 82.5 ×2 → 82.50; effect 52.5: before T02
    "T04": [sheet(30, 40), sheet(30, 40)],  # 70.00, tied exactly with T05
    "T05": [sheet(30, 40), sheet(30, 40)],
    "T06": [sheet(32, 40), sheet(32, 40)],  # 72.00: the one third prize before T04/T05
    "T07": [sheet(40, 55), sheet(20, 45)],  # 95, 65 → 80.00, spread 30 > 20: DISCREPANCY
    "T08": [sheet(20, 35), sheet(20, 35)],  # 55.00: exactly the merit band
    "T09": [sheet(20, "34.5"), sheet(20, "34.5")],  # 54.50: just below it
    "T10": [sheet(30, 30)],  # one sheet of two: INCOMPLETE
    "K01": [sheet(30, "50.5"), sheet(30, 50), sheet(30, 50)],  # 80.5, 80, 80 → 80.17 (half-up)
    "K02": [sheet(20, 40), sheet(20, 40)],  # 60.00 → merit
}

# Computed by hand from RULES §5: fields in edition order (CNTT before CK), rank then code,
# the unranked last; T03 beats T02 on the effect mean (52.5 > 50); T04/T05 share rank 6 and
# straddle the last third-prize slot (T06 took the first): TIE_AT_QUOTA, both fall to merit;
# merit quota 3 = T04, T05, T08; T11 (rejected) is not listed.
EXPECTED_CSV = (
    "entry,field,rank,score,prize,flags\n"
    "T01,CNTT,1,90.00,first,\n"
    "T03,CNTT,2,82.50,second,\n"
    "T02,CNTT,3,82.50,second,\n"
    "T07,CNTT,4,80.00,second,DISCREPANCY\n"
    "T06,CNTT,5,72.00,third,\n"
    "T04,CNTT,6,70.00,merit,TIE_AT_QUOTA\n"
    "T05,CNTT,6,70.00,merit,TIE_AT_QUOTA\n"
    "T08,CNTT,8,55.00,merit,\n"
    "T09,CNTT,9,54.50,,\n"
    "T10,CNTT,,,,INCOMPLETE\n"
    "K01,CK,1,80.17,second,\n"
    "K02,CK,2,60.00,merit,\n"
)


def read_xlsx(path) -> list[tuple]:
    """The first sheet's rows, the workbook closed again."""
    workbook = load_workbook(path, read_only=True)
    try:
        return list(workbook.worksheets[0].iter_rows(values_only=True))
    finally:
        workbook.close()


def build(runner, tmp_path) -> None:
    """The small edition of this module, through the real commands."""
    create_edition(runner, tmp_path, definition(SLUG))
    import_entries(runner, tmp_path, SLUG, ENTRIES)
    import_scores(runner, tmp_path, SLUG, SHEETS)


def test_compile_then_export_reproduces_the_hand_computed_file(runner, tmp_path):
    build(runner, tmp_path)
    compiled = invoke_ok(runner, "results", "compile", SLUG)
    assert "lần tổng hợp số 1" in compiled.output
    assert "12 hồ sơ, 11 được xếp hạng" in compiled.output
    assert "first 1, merit 4, second 4, third 1" in compiled.output
    assert "DISCREPANCY 1, INCOMPLETE 1, TIE_AT_QUOTA 2" in compiled.output

    target = tmp_path / "ket-qua.csv"
    exported = invoke_ok(runner, "results", "export", SLUG, str(target))
    assert "12" in exported.output
    assert target.read_bytes() == EXPECTED_CSV.encode("utf-8")

    xlsx = tmp_path / "ket-qua.xlsx"
    invoke_ok(runner, "results", "export", SLUG, str(xlsx), "--round", "FINAL")
    sheet_rows = read_xlsx(xlsx)
    as_text = [tuple("" if v is None else str(v) for v in row) for row in sheet_rows]
    assert as_text == [tuple(line.split(",")) for line in EXPECTED_CSV.splitlines()]


def test_compile_twice_is_unchanged_and_writes_nothing(runner, tmp_path):
    build(runner, tmp_path)
    invoke_ok(runner, "results", "compile", SLUG)
    first = invoke_ok(runner, "results", "export", SLUG, str(tmp_path / "a.csv"))
    again = invoke_ok(runner, "results", "compile", SLUG)
    assert "không thay đổi, lần tổng hợp số 1" in again.output
    assert db.session.scalar(select(func.count(ResultsRun.id))) == 1
    assert db.session.scalar(select(func.count(ResultRow.id))) == 12
    invoke_ok(runner, "results", "export", SLUG, str(tmp_path / "b.csv"))
    assert first.exit_code == 0
    assert (tmp_path / "a.csv").read_bytes() == (tmp_path / "b.csv").read_bytes()


def test_official_layout_lists_the_winners_by_level(runner, tmp_path):
    build(runner, tmp_path)
    invoke_ok(runner, "results", "compile", SLUG)
    target = tmp_path / "ubnd.xlsx"
    invoke_ok(runner, "results", "export", SLUG, str(target), "--layout", "official")
    rows = read_xlsx(target)
    assert rows[0] == (
        "STT", "Mã", "Tên giải pháp", "Tác giả", "Đơn vị", "Lĩnh vực", "Điểm", "Giải"
    )  # fmt: skip
    assert [r[1] for r in rows[1:]] == [
        "T01", "T03", "T02", "T07", "K01", "T06", "T04", "T05", "T08", "K02"
    ]  # fmt: skip
    assert rows[1] == (
        1, "T01", "Giải pháp T01", "Nguyễn Văn An", "Đơn vị T01", "Công nghệ thông tin",
        "90.00", "Giải Nhất",
    )  # fmt: skip
    assert rows[-1][0] == 10 and rows[-1][-1] == "Giải Khuyến khích"


def test_errors_exit_1(runner, tmp_path):
    missing = runner.invoke(args=["results", "compile", "nope"])
    assert missing.exit_code == 1 and "nope" in missing.output
    build(runner, tmp_path)
    no_run = runner.invoke(args=["results", "export", SLUG, str(tmp_path / "x.csv")])
    assert no_run.exit_code == 1 and "chưa được tổng hợp" in no_run.output
    assert not (tmp_path / "x.csv").exists()
    bad_round = runner.invoke(args=["results", "compile", SLUG, "--round", "semi"])
    assert bad_round.exit_code == 1 and "final" in bad_round.output
    invoke_ok(runner, "results", "compile", SLUG)
    bad_ext = runner.invoke(args=["results", "export", SLUG, str(tmp_path / "x.txt")])
    assert bad_ext.exit_code == 1 and ".xlsx" in bad_ext.output
