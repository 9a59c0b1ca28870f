"""The scores import (FORMATS.md "Scores file"): all or nothing with row numbers, keys,
idempotence, changed values, --create-judges, panels and assignments kept true, warnings."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from contest.accounts.operations import find_user
from contest.audit.models import AuditEntry
from contest.entries.import_rows import ImportFailed
from contest.extensions import db
from contest.judging import assigning, sheets
from contest.judging.imports import import_scores
from contest.judging.models import Assignment, Panel, Score, ScoreSheet
from contest.tabular import write_xlsx
from tests.judging.conftest import DURING, make_entry

HEADER = "entry,judge,criterion,points\n"


def _csv(*rows: str) -> io.BytesIO:
    return io.BytesIO(("\ufeff" + HEADER + "".join(r + "\n" for r in rows)).encode())


def _sheet_rows(entry: str, judge: str, novelty="25", applicability="20,5", effect="30"):
    return (
        f"{entry},{judge},novelty,{novelty}",
        f'{entry},{judge},applicability,"{applicability}"',
        f"{entry},{judge},effect,{effect}",
    )


def _count(model) -> int:
    return db.session.scalar(select(func.count(model.id)))


@pytest.fixture()
def entries(edition):
    return [make_entry(edition, "CNTT-001"), make_entry(edition, "CK-001", field="CK")]


def test_import_creates_submitted_sheets_panels_and_assignments(
    edition, entries, judges, organizer
):
    data = _csv(
        *_sheet_rows("CNTT-001", "GK1@example.vn"), *_sheet_rows("ck-001", "gk2@example.vn")
    )
    result = import_scores(edition, data, "diem.csv", organizer, now=DURING)
    db.session.commit()
    assert result.round_code == "final"
    assert sorted(result.created) == [("CK-001", "gk2@example.vn"), ("CNTT-001", "gk1@example.vn")]
    stored = db.session.scalars(select(ScoreSheet).order_by(ScoreSheet.id)).all()
    assert [(s.status, s.source) for s in stored] == [("submitted", "import")] * 2
    assert {s.total for s in stored} == {Decimal("75.5")}
    assert _count(Assignment) == 2 and _count(Panel) == 2
    panel_judges = {p.field.code: p.judge_ids for p in db.session.scalars(select(Panel))}
    assert panel_judges == {"CNTT": [judges[0].id], "CK": [judges[1].id]}


def test_all_or_nothing_with_every_problem_by_row_and_column(edition, entries, judges):
    make_entry(edition, "CNTT-009", status="rejected")
    data = _csv(
        *_sheet_rows("CNTT-001", "gk1@example.vn"),  # rows 2-4, valid
        "CNTT-404,gk1@example.vn,novelty,1",  # 5 unknown entry
        "CNTT-001,nobody@example.vn,novelty,1",  # 6 unknown judge
        "CNTT-001,gk2@example.vn,beauty,1",  # 7 unknown criterion
        "CNTT-001,gk2@example.vn,novelty,31",  # 8 out of range
        "CNTT-001,gk2@example.vn,applicability,7.3",  # 9 not a multiple of 0.5
        "CNTT-001,gk2@example.vn,effect,abc",  # 10 not a number
        "CNTT-001,gk1@example.vn,novelty,25",  # 11 duplicate key
        "CNTT-009,gk3@example.vn,novelty,1",  # 12 rejected entry
        "CK-001,gk3@example.vn,novelty,1",  # 13 sheet missing criteria
    )
    with pytest.raises(ImportFailed) as failure:
        import_scores(edition, data, "diem.csv", None, now=DURING)
    found = {(p.row, p.column) for p in failure.value.problems}
    assert {
        (5, "entry"),
        (6, "judge"),
        (7, "criterion"),
        (8, "points"),
        (9, "points"),
        (10, "points"),
        (11, "criterion"),
        (12, "entry"),
        (13, "criterion"),
    } <= found
    text = str(failure.value)
    assert "dòng 5, cột entry:" in text and "CNTT-404" in text
    assert "dòng 13, cột criterion:" in text and "applicability, effect" in text
    assert _count(ScoreSheet) == 0 and _count(Assignment) == 0 and _count(Panel) == 0


def test_unknown_columns_and_empty_files_are_refused(edition, entries):
    with pytest.raises(ImportFailed, match="cột"):
        import_scores(
            edition, io.BytesIO(b"entry,judge,criterion,points,note\n"), "x.csv", None, now=DURING
        )
    with pytest.raises(ImportFailed, match="không có dòng"):
        import_scores(edition, _csv(), "x.csv", None, now=DURING)


def test_same_file_twice_changes_nothing_and_a_changed_value_is_audited(edition, entries, judges):
    rows = _sheet_rows("CNTT-001", "gk1@example.vn")
    import_scores(edition, _csv(*rows), "a.csv", None, now=DURING)
    db.session.commit()
    version = db.session.scalar(select(ScoreSheet.version))
    again = import_scores(edition, _csv(*rows), "a.csv", None, now=DURING)
    assert again.created == [] and again.updated == []
    assert again.unchanged == [("CNTT-001", "gk1@example.vn")]
    assert _count(ScoreSheet) == 1 and _count(Score) == 3 and _count(Assignment) == 1
    assert db.session.scalar(select(ScoreSheet.version)) == version

    changed = _sheet_rows("CNTT-001", "gk1@example.vn", effect="35.5")
    result = import_scores(edition, _csv(*changed), "b.csv", None, now=DURING)
    assert result.updated == [("CNTT-001", "gk1@example.vn")]
    assert db.session.scalar(select(ScoreSheet)).total == Decimal("81")
    audit = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "judging.sheet_import_update")
    ).one()
    assert audit.details["points"] == {"effect": ["30.0", "35.5"]}


def test_create_judges_makes_passwordless_judge_accounts(edition, entries):
    rows = _sheet_rows("CNTT-001", "Moi.GiamKhao@Example.vn")
    with pytest.raises(ImportFailed, match="--create-judges"):
        import_scores(edition, _csv(*rows), "a.csv", None, now=DURING)
    result = import_scores(edition, _csv(*rows), "a.csv", None, create_judges=True, now=DURING)
    assert result.judges_created == ["moi.giamkhao@example.vn"]
    user = find_user("moi.giamkhao@example.vn")
    assert user.password_hash is None and user.role_names == {"judge"}


def test_web_draft_is_replaced_but_a_different_web_submission_is_refused(
    edition, entries, judges, final
):
    an, binh, _ = judges
    entry = entries[0]
    assigning.assign_judges_to_entry(edition, final, entry, [an, binh], None)
    draft = sheets.open_sheet(an, entry, final, DURING)
    sheets.save_draft(draft, an, {"novelty": "3"}, "", 1, DURING)
    done = sheets.open_sheet(binh, entry, final, DURING)
    sheets.save_draft(done, binh, {"novelty": 1, "applicability": 1, "effect": 1}, "", None, DURING)
    sheets.submit(done, binh, now=DURING)
    rows = [*_sheet_rows("CNTT-001", "gk1@example.vn"), *_sheet_rows("CNTT-001", "gk2@example.vn")]
    with pytest.raises(ImportFailed, match="mở lại phiếu"):
        import_scores(edition, _csv(*rows), "a.csv", None, now=DURING)
    result = import_scores(edition, _csv(*rows[:3]), "a.csv", None, now=DURING)
    assert result.updated == [("CNTT-001", "gk1@example.vn")]
    db.session.refresh(draft)
    assert (draft.status, draft.source, draft.total) == ("submitted", "import", Decimal("75.5"))


def test_conflicts_are_warnings_for_paper_sheets(edition, judges):
    make_entry(edition, "CNTT-001", mentor_name="Đỗ Minh Chi")
    result = import_scores(
        edition, _csv(*_sheet_rows("CNTT-001", "gk3@example.vn")), "a.csv", None, now=DURING
    )
    assert result.created and len(result.warnings) == 1
    assert "dòng 2" in result.warnings[0] and "hướng dẫn" in result.warnings[0]


def test_xlsx_files_are_read_too(edition, entries, judges, tmp_path):
    path = tmp_path / "diem.xlsx"
    rows = [
        [c.strip('"') for c in r.split(",", 3)] for r in _sheet_rows("CNTT-001", "gk1@example.vn")
    ]
    rows[2][3] = 30  # a number cell
    write_xlsx(path, ["entry", "judge", "criterion", "points"], rows)
    with path.open("rb") as handle:
        result = import_scores(edition, handle, "diem.xlsx", None, now=DURING)
    assert result.created == [("CNTT-001", "gk1@example.vn")]
