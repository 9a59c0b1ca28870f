"""A conflict removes the assignment in the same transaction (RULES.md §4): drafts deleted,
submitted sheets kept or voided by the organizer's choice, every removal audited, and the
entry then reported short of judges — for conflicts declared by the judge, recorded by an
organizer, or inferred after the judge's or the entry's data changed."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import func, select

from contest.audit.models import AuditEntry
from contest.entries import operations as entry_ops
from contest.extensions import db
from contest.judging import assigning, sheets
from contest.judging.conflicts import declare_conflict
from contest.judging.judge_files import judged_rounds
from contest.judging.models import Assignment, ScoreSheet, SheetStatus
from contest.judging.panels import add_judges, ensure_panel
from contest.judging.progress import progress_by_panel
from contest.season.cockpit import as_json, cockpit
from tests import factories
from tests.judging.conftest import DURING, make_entry

FULL = {"novelty": "20", "applicability": "20", "effect": "30"}


def _pairs(round_) -> set[tuple[int, int]]:
    return assigning.existing_pairs(round_)


def _drafted(judge, entry, round_) -> ScoreSheet:
    sheet = sheets.open_sheet(judge, entry, round_, DURING)
    sheets.save_draft(sheet, judge, {"novelty": "5"}, "", 1, DURING)
    return sheet


def _submitted(judge, entry, round_) -> ScoreSheet:
    sheet = sheets.open_sheet(judge, entry, round_, DURING)
    sheets.save_draft(sheet, judge, FULL, "Tốt", 1, DURING)
    sheets.submit(sheet, judge, sheet.version, DURING)
    return sheet


def _audits(action: str = "judging.unassign_conflict") -> list[AuditEntry]:
    return db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)
    ).all()


def _sheet_statuses() -> dict[int, str]:
    rows = db.session.execute(select(ScoreSheet.entry_id, ScoreSheet.status)).all()
    return dict(rows)


def _setup(edition, final, judges):
    """An, assigned to a drafted, a submitted and an untouched entry of the unit "Trường X"
    and to one entry of another unit."""
    an = judges[0]
    drafted = make_entry(edition, "CNTT-001", unit_name="Trường X")
    submitted = make_entry(edition, "CNTT-002", unit_name="Trường X")
    untouched = make_entry(edition, "CNTT-003", unit_name="Trường X")
    other = make_entry(edition, "CNTT-004", unit_name="Trường Y")
    entries = [drafted, submitted, untouched, other]
    for entry in entries:
        assigning.assign_judges_to_entry(edition, final, entry, [an], None)
    _drafted(an, drafted, final)
    _submitted(an, submitted, final)
    db.session.commit()
    return an, entries


def test_an_organizers_conflict_keeps_submitted_sheets_by_default(
    edition, final, judges, organizer
):
    an, (drafted, submitted, untouched, other) = _setup(edition, final, judges)
    conflict = declare_conflict(edition, an, "unit", organizer, name="trường x")
    db.session.commit()
    assert _pairs(final) == {(other.id, an.id)}
    assert _sheet_statuses() == {submitted.id: SheetStatus.SUBMITTED.value}
    dropped = conflict.dropped
    assert (len(dropped.pairs), dropped.drafts_deleted, dropped.submitted_kept) == (3, 1, 1)
    assert dropped.submitted_voided == 0
    audits = {int(a.object_id): a for a in _audits()}
    assert set(audits) == {drafted.id, submitted.id, untouched.id}
    assert all(a.actor_id == organizer.id for a in audits.values())
    assert audits[drafted.id].details["draft_deleted"] is True
    assert audits[submitted.id].details["submitted_sheet"] == "kept"
    assert audits[submitted.id].details["reasons"] == [{"kind": "unit", "inferred": False}]
    # The kept sheet no longer opens for the judge: the entry does not exist for them.
    assert judged_rounds(an, submitted) == [] and judged_rounds(an, other) == [final]


def test_an_organizer_may_void_the_submitted_sheets(edition, final, judges, organizer):
    an, (drafted, submitted, untouched, other) = _setup(edition, final, judges)
    conflict = declare_conflict(
        edition, an, "unit", organizer, name="Trường X", void_submitted=True
    )
    db.session.commit()
    assert _pairs(final) == {(other.id, an.id)}
    assert db.session.scalar(select(func.count(ScoreSheet.id))) == 0
    assert conflict.dropped.submitted_voided == 1 and conflict.dropped.submitted_kept == 0
    audit = next(a for a in _audits() if int(a.object_id) == submitted.id)
    assert audit.details["submitted_sheet"] == "voided"
    points = {code: Decimal(p) for code, p in audit.details["voided_points"].items()}
    assert points == {code: Decimal(p) for code, p in FULL.items()}


def test_the_organizers_form_records_the_choice(client, login, edition, final, judges, organizer):
    an, (drafted, submitted, untouched, other) = _setup(edition, final, judges)
    login(organizer)
    response = client.post(
        f"/organizer/judging/{edition.slug}/conflicts/add",
        data={"judge_id": an.id, "kind": "entry", "target": submitted.code, "void_submitted": "y"},
        follow_redirects=True,
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "gỡ 1 phân công" in page and "huỷ 1 phiếu đã nộp" in page
    assert (submitted.id, an.id) not in _pairs(final)
    assert submitted.id not in _sheet_statuses()
    _panel_of_two(edition, final, judges)
    form = client.get(f"/organizer/judging/{edition.slug}/conflicts").get_data(as_text=True)
    assert 'name="void_submitted"' in form


def test_a_judges_own_declaration_drops_the_pair_even_after_submitting(edition, final, judges):
    an, (drafted, submitted, *_rest) = _setup(edition, final, judges)
    declare_conflict(edition, an, "entry", an, entry=submitted)
    db.session.commit()
    assert (submitted.id, an.id) not in _pairs(final)
    assert (drafted.id, an.id) in _pairs(final)
    assert _sheet_statuses()[submitted.id] == SheetStatus.SUBMITTED.value  # kept by default
    assert [(a.actor_id, int(a.object_id)) for a in _audits()] == [(an.id, submitted.id)]


def _panel_of_two(edition, final, judges):
    panel = ensure_panel(edition, edition.field_by_code("CNTT"), final, None)
    add_judges(panel, judges[:2], None)
    db.session.commit()
    return panel


def test_judging_assign_reports_the_entry_short_of_judges(runner, edition, final, judges):
    """Two judges per entry, a panel of two: after An's conflict (submitted sheet kept) the
    entry has one usable judge, and ``judging assign`` says so."""
    an, binh = judges[:2]
    _panel_of_two(edition, final, judges)
    entry = make_entry(edition, "CNTT-001")
    first = runner.invoke(args=["judging", "assign", edition.slug])
    assert "Mọi hồ sơ đã đủ giám khảo" in first.output, first.output
    _submitted(an, entry, final)
    declare_conflict(edition, an, "entry", an, entry=entry)
    db.session.commit()
    again = runner.invoke(args=["judging", "assign", edition.slug])
    assert again.exit_code == 0, again.output
    assert "Mọi hồ sơ đã đủ giám khảo" not in again.output
    assert "CNTT-001" in again.output and "xung đột" in again.output
    assert _pairs(final) == {(entry.id, binh.id)}
    counts = {j.judge_id: j.due for p in progress_by_panel(edition, final) for j in p.judges}
    assert counts == {an.id: 0, binh.id: 1}


def test_the_cockpit_shows_the_entry_short_of_a_judge_after_a_conflict(app, edition, final, judges):
    """An's submitted sheet is kept, but An no longer counts as the entry's judge: the
    edition's cockpit reports the entry short of judges, as ``judging assign`` does."""
    an, binh = judges[:2]
    _panel_of_two(edition, final, judges)
    entry = make_entry(edition, "CNTT-001")
    assigning.assign_judges_to_entry(edition, final, entry, [an, binh], None)
    _submitted(an, entry, final)
    db.session.commit()

    def judging_stage():
        with app.test_request_context("/"):
            data = as_json(cockpit(edition, DURING))
        return next(s for s in data["stages"] if s["key"] == "judging")

    assert judging_stage()["counts"]["short_of_judges"] == 0
    declare_conflict(edition, an, "entry", an, entry=entry)
    db.session.commit()
    stage = judging_stage()
    assert stage["counts"]["short_of_judges"] == 1
    assert stage["counts"]["sheets_submitted"] == 1  # the kept sheet still counts
    assert any("CNTT-001" in p["message"] for p in stage["problems"])


def test_judging_assign_drops_a_conflicted_assignment_left_behind(runner, edition, final, judges):
    """A conflict that reached the database another way (no clean-up ran): the automatic
    assignment counts only usable assignments, removes the conflicted one and reports."""
    an, binh = judges[:2]
    _panel_of_two(edition, final, judges)
    entry = make_entry(edition, "CNTT-001")
    runner.invoke(args=["judging", "assign", edition.slug])
    _drafted(an, entry, final)
    factories.make_conflict(an, edition, "entry", entry=entry)
    result = runner.invoke(args=["judging", "assign", edition.slug])
    assert "Mọi hồ sơ đã đủ giám khảo" not in result.output, result.output
    assert "CNTT-001" in result.output
    assert _pairs(final) == {(entry.id, binh.id)}
    assert db.session.scalar(select(func.count(ScoreSheet.id))) == 0
    assert len(_audits()) == 1


def test_a_judges_new_profile_unit_drops_the_pairs(edition, final, judges):
    from contest.accounts.operations import update_profile

    an, (drafted, submitted, untouched, other) = _setup(edition, final, judges)
    update_profile(an, an.full_name, "", "  Trường Y ", None)
    db.session.commit()
    assert _pairs(final) == {(e.id, an.id) for e in (drafted, submitted, untouched)}
    assert other.id in {int(a.object_id) for a in _audits()}
    assert _audits()[0].details["reasons"] == [{"kind": "unit", "inferred": True}]


def test_an_entrys_new_unit_or_authors_drop_the_pairs(edition, final, judges, organizer):
    an, (drafted, submitted, untouched, other) = _setup(edition, final, judges)
    an.unit_name = "Trường Z"
    db.session.commit()
    entry_ops.update_entry(other, organizer, {"unit_name": "Trường Z"})
    db.session.commit()
    assert (other.id, an.id) not in _pairs(final)
    author = entry_ops.AuthorData("Nguyễn Văn Mới", date(2000, 1, 1), "M", organisation="trường z")
    entry_ops.set_authors(untouched, organizer, [author])
    db.session.commit()
    assert (untouched.id, an.id) not in _pairs(final)
    assert (drafted.id, an.id) in _pairs(final)  # nothing changed there
    assert [int(a.object_id) for a in _audits()] == [other.id, untouched.id]


def test_an_import_that_changes_an_entrys_unit_drops_the_pair(edition, final, judges, organizer):
    import io

    from contest.entries.imports import import_entries

    an, (drafted, *_rest) = _setup(edition, final, judges)
    an.unit_name = "Trường Nhập"
    db.session.commit()
    rows = db.session.scalar(select(func.count(Assignment.id)))
    csv = (
        "code,title,field,authors,unit\n"
        f"{drafted.code},{drafted.title},CNTT,Nguyễn Văn Tác Giả,Trường Nhập\n"
    )
    import_entries(edition, io.BytesIO(csv.encode()), "ho-so.csv", organizer)
    db.session.commit()
    assert (drafted.id, an.id) not in _pairs(final)
    assert db.session.scalar(select(func.count(Assignment.id))) == rows - 1
