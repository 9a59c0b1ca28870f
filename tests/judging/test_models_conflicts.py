"""Database constraints of the judging tables, and conflicts of interest (declared, inferred)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy.exc import IntegrityError

from contest.contests.apply import deletion_blockers
from contest.extensions import db
from contest.judging.conflicts import ConflictIndex, conflicted, declare_conflict, person_key
from contest.judging.models import (
    Assignment,
    Conflict,
    ConflictKind,
    Panel,
    PanelMember,
    PanelScore,
    Score,
    ScoreSheet,
)
from tests.judging.conftest import make_entry


def _sheet(edition, final, entry, judge, **kw):
    sheet = ScoreSheet(
        edition_id=edition.id, round_id=final.id, entry_id=entry.id, judge_id=judge.id, **kw
    )
    db.session.add(sheet)
    db.session.flush()
    return sheet


def _refused(*objects):
    with pytest.raises(IntegrityError), db.session.begin_nested():
        db.session.add_all(objects)
        db.session.flush()


# --- Constraints ------------------------------------------------------------------------------


def test_unique_constraints(edition, final, judges):
    entry = make_entry(edition, "CNTT-001")
    field = edition.field_by_code("CNTT")
    panel = Panel(edition_id=edition.id, field_id=field.id, round_id=final.id)
    db.session.add(panel)
    db.session.flush()
    _refused(Panel(edition_id=edition.id, field_id=field.id, round_id=final.id))
    db.session.add(PanelMember(panel_id=panel.id, judge_id=judges[0].id))
    db.session.flush()
    _refused(PanelMember(panel_id=panel.id, judge_id=judges[0].id))
    a = dict(edition_id=edition.id, round_id=final.id, entry_id=entry.id, judge_id=judges[0].id)
    db.session.add(Assignment(**a))
    db.session.flush()
    _refused(Assignment(**a))
    sheet = _sheet(edition, final, entry, judges[0])
    _refused(ScoreSheet(**a))
    criterion = edition.criteria[0]
    db.session.add(Score(sheet_id=sheet.id, criterion_id=criterion.id, points=Decimal("5")))
    db.session.flush()
    _refused(Score(sheet_id=sheet.id, criterion_id=criterion.id, points=Decimal("6")))
    p = dict(edition_id=edition.id, round_id=final.id, entry_id=entry.id, reason="Hội đồng")
    db.session.add(PanelScore(score=Decimal("80"), **p))
    db.session.flush()
    _refused(PanelScore(score=Decimal("81"), **p))


@pytest.mark.parametrize("points", ["-0.5", "7.25", "0.3"])
def test_points_must_be_non_negative_half_steps(edition, final, judges, points):
    entry = make_entry(edition, "CNTT-001")
    sheet = _sheet(edition, final, entry, judges[0])
    _refused(Score(sheet_id=sheet.id, criterion_id=edition.criteria[0].id, points=Decimal(points)))


def test_checks_on_sheet_status_and_conflict_target(edition, final, judges):
    entry = make_entry(edition, "CNTT-001")
    base = dict(edition_id=edition.id, round_id=final.id, entry_id=entry.id)
    _refused(ScoreSheet(judge_id=judges[0].id, status="submitted", **base))  # no submitted_at
    _refused(ScoreSheet(judge_id=judges[1].id, status="lost", **base))
    _refused(Conflict(edition_id=edition.id, judge_id=judges[0].id, kind="person", name=""))
    _refused(Conflict(edition_id=edition.id, judge_id=judges[0].id, kind="area"))
    _refused(PanelScore(score=Decimal("101"), reason="x", **base))
    _refused(PanelScore(score=Decimal("80"), reason="", **base))


def test_a_criterion_with_scores_cannot_be_deleted(edition, final, judges):
    entry = make_entry(edition, "CNTT-001")
    criterion = edition.criteria[0]
    assert deletion_blockers("criteria", criterion) == []
    sheet = _sheet(edition, final, entry, judges[0])
    db.session.add(Score(sheet_id=sheet.id, criterion_id=criterion.id, points=Decimal("5")))
    db.session.flush()
    assert deletion_blockers("criteria", criterion)
    assert deletion_blockers("rounds", final)


# --- Conflicts --------------------------------------------------------------------------------


def test_same_unit_is_inferred_by_id_by_name_and_by_author_organisation(edition, judges, places):
    an, binh, chi = judges
    an.unit_id = places["cement"].id
    binh.unit_name = "  trường thpt HÀM YÊN "
    chi.unit_name = "Hợp tác xã Chè Mỹ Bằng"
    db.session.commit()
    by_id = make_entry(edition, "E1", unit=places["cement"])
    by_name = make_entry(edition, "E2", unit_name="Trường THPT Hàm Yên")
    by_author = make_entry(edition, "E3", organisation="Hợp tác xã chè Mỹ Bằng")
    other = make_entry(edition, "E4", unit_name="Bệnh viện tỉnh")
    assert [r.kind for r in conflicted(an, by_id)] == [ConflictKind.UNIT]
    assert conflicted(an, by_id)[0].inferred
    assert conflicted(binh, by_name) and not conflicted(binh, by_id)
    assert conflicted(chi, by_author) and not conflicted(chi, by_name)
    assert not any(conflicted(j, other) for j in judges)


def test_mentor_is_inferred_by_name_without_titles_or_by_email(edition, judges):
    an, binh, _chi = judges
    by_name = make_entry(edition, "E1", mentor_name="Lê  Văn An")
    by_email = make_entry(edition, "E2", mentor_name="Cô Bình", mentor_email="GK2@example.vn")
    assert [r.kind for r in conflicted(an, by_name)] == [ConflictKind.MENTOR]
    assert conflicted(binh, by_email) and not conflicted(binh, by_name)
    assert person_key("PGS.TS. Lê Văn Hùng") == "lê văn hùng"
    assert person_key("Lê Văn Hưng") != person_key("Lê Văn Hùng")


def test_declared_conflicts(edition, judges, places, organizer):
    an, binh, chi = judges
    in_commune = make_entry(edition, "E1", area=places["my_bang"])
    named = make_entry(edition, "E2", area=places["ham_yen"])
    relative = make_entry(edition, "E3", authors=("Hoàng Thị Lan", "Nguyễn Văn Nam"))
    declare_conflict(edition, an, ConflictKind.AREA, an, area=places["yen_son"])
    declare_conflict(edition, binh, ConflictKind.ENTRY, organizer, entry=named)
    declare_conflict(edition, chi, ConflictKind.PERSON, chi, name="nguyễn văn  nam")
    assert [r.kind for r in conflicted(an, in_commune)] == [ConflictKind.AREA]  # area subtree
    assert not conflicted(an, named)
    assert [r.kind for r in conflicted(binh, named)] == [ConflictKind.ENTRY]
    assert [r.kind for r in conflicted(chi, relative)] == [ConflictKind.PERSON]
    assert "Nguyễn Văn Nam".casefold() in str(conflicted(chi, relative)[0]).casefold()
    origins = {c.judge_id: c.origin for c in db.session.query(Conflict)}
    assert origins == {an.id: "declared", binh.id: "organizer", chi.id: "declared"}


def test_index_computes_all_pairs_in_a_few_queries(edition, judges, places, app):
    from sqlalchemy import event

    entries = [make_entry(edition, f"E{i}", unit=places["cement"]) for i in range(30)]
    judges[0].unit_id = places["cement"].id
    db.session.commit()
    edition_id, judge_ids = edition.id, [j.id for j in judges]
    expected = {(e.id, judge_ids[0]) for e in entries}
    statements = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        pairs = ConflictIndex(edition_id, judge_ids).pairs()
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    assert pairs == expected
    assert len(statements) <= 6, statements


def test_one_pair_agrees_with_the_whole_index_in_three_statements(
    edition, judges, places, organizer, app
):
    """The autosave's check of one (judge, entry) pair reads the pair's own columns from the
    loaded objects; on every pair it finds the same reasons as the edition's whole index."""
    from sqlalchemy import event

    an, binh, chi = judges
    an.unit_id = places["cement"].id
    binh.unit_name = "Trường THPT Hàm Yên"
    db.session.commit()
    entries = [
        make_entry(edition, "E1", unit=places["cement"], area=places["my_bang"]),
        make_entry(edition, "E2", unit_name="trường thpt hàm yên", mentor_name="PGS. Lê Văn An"),
        make_entry(edition, "E3", authors=("Hoàng Thị Lan", "Nguyễn Văn Nam")),
        make_entry(edition, "E4", area=places["ham_yen"], organisation="Bệnh viện tỉnh"),
    ]
    declare_conflict(edition, an, ConflictKind.AREA, an, area=places["yen_son"])
    declare_conflict(edition, binh, ConflictKind.ENTRY, organizer, entry=entries[3])
    declare_conflict(edition, chi, ConflictKind.PERSON, chi, name="nguyễn văn nam")
    declare_conflict(edition, chi, ConflictKind.UNIT, organizer, name="Bệnh viện tỉnh")
    db.session.commit()
    whole = ConflictIndex(edition.id, [j.id for j in judges])
    found = 0
    for judge in judges:
        for entry in entries:
            db.session.refresh(judge)  # loaded, as the save has them
            db.session.refresh(entry)
            statements: list[str] = []
            listener = lambda *args, seen=statements: seen.append(args[2])  # noqa: E731
            event.listen(db.engine, "before_cursor_execute", listener)
            try:
                reasons = conflicted(judge, entry)
            finally:
                event.remove(db.engine, "before_cursor_execute", listener)
            assert sorted(map(str, reasons)) == sorted(map(str, whole.of(judge.id, entry.id)))
            assert len(statements) <= 3, statements
            found += bool(reasons)
    assert found >= 6  # the world has conflicts of every kind, not only clean pairs
