"""Importing the entries file (FORMATS.md): CSV with and without BOM, XLSX, all or nothing
with every problem located by Excel row and column, idempotence, updates, the CLI."""

from __future__ import annotations

import io
from datetime import date

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from contest.audit.models import AuditEntry
from contest.contests import operations as editions
from contest.entries import operations
from contest.entries.imports import ImportFailed, import_entries
from contest.entries.models import Entry
from contest.extensions import db
from tests import factories
from tests.entries.conftest import BEFORE, DEADLINE, OPENS, make_draft

HEADER = "code,title,field,area,unit,authors,summary,status"
GOOD = [
    HEADER,
    "TQ-001,Máy lọc nước,HT,Huyện Yên Sơn,Trường THCS Yên Sơn,"
    '"Nguyễn Văn An|2010-03-04|M;Lê Thị Bình|2011-05-06|F",Tóm tắt,',
    "TQ-002,Đèn học,pm,Xã Không Có,Trường Làng,Hà Văn Cường|2012-01-02|,,accepted",
]


def csv_bytes(lines, bom=False) -> io.BytesIO:
    text = "\r\n".join(lines) + "\r\n"
    return io.BytesIO(("\ufeff" if bom else "").encode() + text.encode("utf-8"))


def xlsx_bytes(rows) -> io.BytesIO:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    out.seek(0)
    return out


def count() -> int:
    return db.session.scalar(select(func.count(Entry.id)))


def run(edition, data, name="entries.csv", actor=None):
    result = import_entries(edition, data, name, actor)
    db.session.commit()
    return result


@pytest.fixture()
def school(tree):
    return factories.make_unit("Trường THCS Yên Sơn", tree["yen_son"], "school")


def test_csv_import_creates_entries(youth, tree, school, people):
    result = run(youth, csv_bytes(GOOD), actor=people["organizer"])
    assert (result.created, result.updated, result.unchanged) == (["TQ-001", "TQ-002"], [], [])
    first, second = db.session.scalars(select(Entry).order_by(Entry.code)).all()
    assert (first.status, first.source, first.owner_id) == ("accepted", "import", None)
    assert first.area_id == tree["yen_son"].id and first.area_name == ""  # "Huyện" ignored
    assert first.unit_id == school.id and first.unit_name == "Trường THCS Yên Sơn"
    assert [
        (a.full_name, a.date_of_birth, a.gender, a.is_representative) for a in first.authors
    ] == [
        ("Nguyễn Văn An", date(2010, 3, 4), "M", True),
        ("Lê Thị Bình", date(2011, 5, 6), "F", False),
    ]
    assert first.summary == "Tóm tắt"
    assert second.field.code == "PM"  # field codes are matched whatever their case
    assert second.area_id is None and second.area_name == "Xã Không Có"  # kept as text
    assert second.unit_id is None and second.unit_name == "Trường Làng"
    actions = db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions[-3:] == ["entry.import_create", "entry.import_create", "entry.import"]


def test_same_file_twice_creates_no_duplicate(youth, tree):
    run(youth, csv_bytes(GOOD))
    again = run(youth, csv_bytes(GOOD))
    assert (again.created, again.updated, again.unchanged) == ([], [], ["TQ-001", "TQ-002"])
    assert count() == 2


def test_changed_row_updates_the_entry(youth, tree):
    run(youth, csv_bytes(GOOD))
    changed = [
        HEADER,
        GOOD[1],
        "TQ-002,Đèn học chống cận,PM,Hàm Yên,,Hà Văn Cường|2012-01-02|M,,rejected",
    ]
    result = run(youth, csv_bytes(changed))
    assert (result.updated, result.unchanged) == (["TQ-002"], ["TQ-001"])
    entry = db.session.scalars(select(Entry).where(Entry.code == "TQ-002")).one()
    assert (entry.title, entry.status, entry.area_id) == (
        "Đèn học chống cận",
        "rejected",
        tree["ham_yen"].id,
    )
    assert entry.authors[0].gender == "M"
    audit = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "entry.import_update")
    ).one()
    assert audit.details["status"] == ["accepted", "rejected"]
    assert audit.details["authors"] == [["Hà Văn Cường"], ["Hà Văn Cường"]]


def test_absent_columns_leave_existing_data_alone(youth, people):
    entry = make_draft(youth, people["entrant"])
    operations.submit(entry, people["entrant"], now=BEFORE)
    db.session.commit()
    phone = entry.authors[0].phone
    lines = [
        "code,title,field,authors",
        f"{entry.code},Thước đo ba chiều,HT,Nguyễn Minh Anh|2012-05-04|F",
    ]
    result = run(youth, csv_bytes(lines))
    assert result.updated == [entry.code]
    db.session.refresh(entry)
    assert entry.title == "Thước đo ba chiều"
    assert entry.status == "submitted"  # no status column: the status is left alone
    assert entry.unit_name == "Trường THCS Yên Sơn" and entry.owner_id == people["entrant"].id
    assert entry.authors[0].phone == phone  # same author: the web details stay


def test_csv_with_bom(youth, tree):
    result = run(youth, csv_bytes(GOOD, bom=True))
    assert result.created == ["TQ-001", "TQ-002"]


def test_xlsx_import_with_an_empty_row_and_typed_cells(youth, tree):
    rows = [
        ["Code", " Title ", "FIELD", "authors", "status"],
        ["X-1", "Sản phẩm một", "HT", "Trần An|2010-01-01|M", None],
        [None, None, None, None, None],
        [101, "Sản phẩm hai", "MT", "Vũ Hà|2013-02-03|F", "withdrawn"],
    ]
    result = run(youth, xlsx_bytes(rows), "entries.xlsx")
    assert result.created == ["X-1", "101"]
    withdrawn = db.session.scalars(select(Entry).where(Entry.code == "101")).one()
    assert withdrawn.status == "withdrawn"


def test_one_bad_row_writes_nothing_and_every_problem_is_reported(youth, tree):
    lines = [
        HEADER,
        GOOD[1],  # row 2: fine
        "TQ-003,Quá tuổi,HT,,,Già Quá|2005-01-01|M,,",  # row 3
        "TQ-004,,XX,,,Ai Đó|2010-13-40|X,,pending",  # row 4
        "TQ-001,Trùng mã,HT,,,Bé Ngoan|2012-01-01|F,,",  # row 5
        "TQ-006,Không tác giả,HT,,,,,",  # row 6
    ]
    with pytest.raises(ImportFailed) as info:
        import_entries(youth, csv_bytes(lines), "bad.csv", None)
    messages = [str(p) for p in info.value.problems]
    assert count() == 0
    assert [p.row for p in info.value.problems] == sorted(p.row for p in info.value.problems)
    expected_starts = [
        "dòng 3, cột authors: Già Quá (sinh ngày 01/01/2005) không trong độ tuổi dự thi",
        "dòng 4, cột title: thiếu tên",
        "dòng 4, cột field: lĩnh vực “XX” không có trong lần thi",
        "dòng 4, cột status: trạng thái “pending” không hợp lệ",
        "dòng 4, cột authors: Ai Đó: ngày sinh “2010-13-40” không đúng dạng",
        "dòng 4, cột authors: Ai Đó: giới tính “X” không hợp lệ",
        "dòng 5, cột code: mã “TQ-001” đã có ở dòng 2",
        "dòng 6, cột authors: Hồ sơ cần có ít nhất một tác giả.",
    ]
    for start in expected_starts:
        assert any(m.startswith(start) for m in messages), (start, messages)
    assert "31/07/2007" in messages[0]  # the allowed range is given


def test_multiline_cell_keeps_excel_row_numbers(youth, tree):
    lines = [
        "code,title,field,authors,summary",
        'A-1,Một,HT,An Bình|2010-01-01|M,"dòng một\ndòng hai"',
        "A-2,Hai,ZZ,An Bình|2010-01-01|M,",
    ]
    with pytest.raises(ImportFailed) as info:
        import_entries(youth, csv_bytes(lines), "f.csv", None)
    assert [str(p).split(":")[0] for p in info.value.problems] == ["dòng 3, cột field"]


def test_unknown_and_missing_columns(youth, tree):
    lines = ["code,title,field,colour", "A-1,Một,HT,xanh"]
    with pytest.raises(ImportFailed) as info:
        import_entries(youth, csv_bytes(lines), "f.csv", None)
    messages = [str(p) for p in info.value.problems]
    assert messages[0].startswith("dòng 1, cột colour: cột không được hỗ trợ")
    assert "dòng 1, cột authors: thiếu cột bắt buộc" in messages
    assert count() == 0


def test_boards_are_required_when_the_edition_has_them(people, tree):
    spec = editions.template_spec("youth", "ttn-bang", "Có bảng", DEADLINE)
    spec.opens_at = OPENS
    from contest.contests.spec import BoardSpec

    spec.boards = [BoardSpec("THPT", "Bảng THPT"), BoardSpec("THCS", "Bảng THCS")]
    edition = editions.create_edition(spec, people["organizer"])
    db.session.commit()
    with pytest.raises(ImportFailed, match="dòng 1, cột board"):
        import_entries(
            edition, csv_bytes(["code,title,field,authors", "A,T,HT,An|2010-01-01|M"]), "f", None
        )
    lines = [
        "code,title,field,board,authors",
        "A,T,HT,,An|2010-01-01|M",
        "B,T,HT,XYZ,An|2010-01-01|M",
        "C,T,HT,thpt,An|2010-01-01|M",
    ]
    with pytest.raises(ImportFailed) as info:
        import_entries(edition, csv_bytes(lines), "f", None)
    assert [(p.row, p.column) for p in info.value.problems] == [(2, "board"), (3, "board")]
    assert run(edition, csv_bytes([lines[0], lines[3]])).created == ["C"]


def test_board_column_must_stay_empty_without_boards(youth, tree):
    lines = ["code,title,field,board,authors", "A,T,HT,THPT,An|2010-01-01|M"]
    with pytest.raises(ImportFailed, match="không chia bảng"):
        import_entries(youth, csv_bytes(lines), "f", None)


def test_too_many_authors(youth, tree):
    authors = ";".join(f"Tác Giả {i}|2010-01-01|M" for i in range(6))
    with pytest.raises(ImportFailed, match="tối đa 5 tác giả"):
        import_entries(
            youth, csv_bytes(["code,title,field,authors", f"A,T,HT,{authors}"]), "f", None
        )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\xd0\xcf\x11\xe0rest-of-an-old-xls", "Excel 97–2003"),
        ("code,title\nA,Đèn".encode("cp1258"), "UTF-8"),
        (b"PK\x03\x04not really a zip", "Không đọc được tệp XLSX"),
        (b"", "thiếu dòng tiêu đề"),
        (b"code,title,field,authors\n", "không có dòng dữ liệu"),
    ],
)
def test_unreadable_files(youth, data, message):
    with pytest.raises(ImportFailed, match=message):
        import_entries(youth, io.BytesIO(data), "f", None)


def test_only_organizers_import_from_the_pages(youth, people):
    with pytest.raises(operations.NotAllowed):
        import_entries(youth, csv_bytes(GOOD), "f.csv", people["coord"])


def test_cli_import(runner, youth, tree, tmp_path):
    good = tmp_path / "good.csv"
    good.write_bytes(csv_bytes(GOOD, bom=True).getvalue())
    result = runner.invoke(args=["entries", "import", youth.slug, str(good)])
    assert result.exit_code == 0, result.output
    assert "2 hồ sơ mới, 0 cập nhật, 0 không đổi" in result.output
    result = runner.invoke(args=["entries", "import", youth.slug, str(good)])
    assert "0 hồ sơ mới, 0 cập nhật, 2 không đổi" in result.output
    bad = tmp_path / "bad.csv"
    bad.write_bytes(csv_bytes([HEADER, "TQ-009,,HT,,,An|2010-01-01|M,,"]).getvalue())
    result = runner.invoke(args=["entries", "import", youth.slug, str(bad)])
    assert result.exit_code == 1
    assert "Lỗi: dòng 2, cột title: thiếu tên sản phẩm, giải pháp" in result.output
    assert "Không có gì được ghi." in result.output
    assert count() == 2
    assert runner.invoke(args=["entries", "import", "khong-co", str(good)]).exit_code == 1
    assert (
        runner.invoke(args=["entries", "import", youth.slug, str(tmp_path / "x.csv")]).exit_code
        == 1
    )


def test_xlsx_problems_carry_excel_row_numbers(youth, tree):
    rows = [
        ["code", "title", "field", "authors"],
        ["X-1", "Một", "HT", "Trần An|2010-01-01|M"],
        [],
        ["X-3", "Ba", "HT", "=1+1"],
    ]
    with pytest.raises(ImportFailed) as info:
        import_entries(youth, xlsx_bytes(rows), "f.xlsx", None)
    assert {p.row for p in info.value.problems} == {4}
    assert count() == 0
