"""Score sheets: open, draft, stale save, submit, double submit, reopen, window, retired
criteria, and the blind view of an entry."""

from __future__ import annotations

from dataclasses import asdict
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from contest.audit.models import AuditEntry
from contest.entries.access import NotAllowed
from contest.extensions import db
from contest.judging import assigning, sheets
from contest.judging.blind import judge_view
from contest.judging.conflicts import declare_conflict
from contest.judging.errors import InvalidPoints, NotAssigned, SheetLocked, StaleSheet, WindowClosed
from contest.judging.models import ScoreSheet
from tests import factories
from tests.judging.conftest import AFTER, BEFORE, DURING, make_entry

FULL = {"novelty": "25,5", "applicability": "20", "effect": Decimal("30.5")}


@pytest.fixture()
def setup(edition, final, judges):
    entry = make_entry(
        edition,
        "STKT-CNTT-001",
        authors=("Nguyễn Thị Bí Mật",),
        unit_name="Công ty Giấu Tên",
        mentor_name="Thầy Kín Đáo",
    )
    assigning.assign_judges_to_entry(edition, final, entry, judges[:2], None)
    db.session.commit()
    return entry


def test_open_save_and_submit(setup, final, judges):
    an = judges[0]
    sheet = sheets.open_sheet(an, setup, final, DURING)
    assert sheet.status == "draft" and sheet.version == 1
    assert [c.code for c in sheets.questions(sheet)] == ["novelty", "applicability", "effect"]
    sheets.save_draft(sheet, an, {"novelty": "25,5"}, "Tốt", 1, DURING)
    assert sheet.version == 2 and sheet.total == Decimal("25.5")
    with pytest.raises(InvalidPoints, match="Chưa chấm"):
        sheets.submit(sheet, an, 2, DURING)
    sheets.save_draft(sheet, an, FULL, "Tốt", 2, DURING)
    result = sheets.submit(sheet, an, sheet.version, DURING)
    assert result.submitted_now and sheet.status == "submitted"
    assert sheet.total == Decimal("76") and sheet.submitted_at is not None
    assert sheets.open_sheet(an, setup, final, DURING).id == sheet.id


def test_unchanged_save_keeps_the_version_and_clearing_removes_a_score(setup, final, judges):
    an = judges[0]
    sheet = sheets.open_sheet(an, setup, final, DURING)
    sheets.save_draft(sheet, an, {"novelty": "10"}, "", 1, DURING)
    sheets.save_draft(sheet, an, {"novelty": "10.0"}, "", 2, DURING)
    assert sheet.version == 2
    sheets.save_draft(sheet, an, {"novelty": ""}, "", 2, DURING)
    assert sheet.scores == [] and sheet.version == 3


@pytest.mark.parametrize(
    ("points", "message"),
    [("30.5", "từ 0 đến 30"), ("-1", "từ 0 đến 30"), ("7.3", "bội của 0,5"), ("abc", "không phải")],
)
def test_invalid_points_are_refused_and_nothing_saved(setup, final, judges, points, message):
    an = judges[0]
    sheet = sheets.open_sheet(an, setup, final, DURING)
    with pytest.raises(InvalidPoints, match=message):
        sheets.save_draft(sheet, an, {"novelty": points, "effect": "5"}, "", 1, DURING)
    assert sheet.scores == [] and sheet.version == 1
    with pytest.raises(InvalidPoints, match="không có trên phiếu"):
        sheets.save_draft(sheet, an, {"beauty": "5"}, "", 1, DURING)


def test_stale_save_is_refused_and_never_overwrites(setup, final, judges):
    an = judges[0]
    sheet = sheets.open_sheet(an, setup, final, DURING)
    sheets.save_draft(sheet, an, {"novelty": "10"}, "", 1, DURING)  # tab A, now version 2
    with pytest.raises(StaleSheet, match="tải lại"):
        sheets.save_draft(sheet, an, {"novelty": "20"}, "", 1, DURING)  # tab B, loaded at v1
    assert sheet.points_by_criterion()[sheet.scores[0].criterion_id] == Decimal("10")


def test_concurrent_write_is_caught_by_the_version_column(setup, final, judges, app):
    """Another transaction bumps the version between our read and our write."""
    an = judges[0]
    sheet = sheets.open_sheet(an, setup, final, DURING)
    db.session.commit()
    with db.engine.begin() as conn:
        conn.execute(
            ScoreSheet.__table__.update()
            .where(ScoreSheet.__table__.c.id == sheet.id)
            .values(version=ScoreSheet.__table__.c.version + 1, comment="khác")
        )
    with pytest.raises(StaleSheet):
        sheets.save_draft(sheet, an, {"novelty": "10"}, None, 1, DURING)


def test_double_submit_is_harmless(setup, final, judges):
    an = judges[0]
    sheet = sheets.open_sheet(an, setup, final, DURING)
    sheets.save_draft(sheet, an, FULL, "", 1, DURING)
    first = sheets.submit(sheet, an, 2, DURING)
    second = sheets.submit(sheet, an, 2, DURING)  # the same form posted twice
    assert first.submitted_now and not second.submitted_now
    assert second.sheet.id == first.sheet.id and sheet.status == "submitted"
    assert db.session.scalar(select(func.count(ScoreSheet.id))) == 1
    audits = db.session.scalar(
        select(func.count(AuditEntry.id)).where(AuditEntry.action == "judging.sheet_submit")
    )
    assert audits == 1


def test_submitted_sheet_is_locked_until_an_organizer_reopens_it(setup, final, judges, organizer):
    an = judges[0]
    sheet = sheets.open_sheet(an, setup, final, DURING)
    sheets.save_draft(sheet, an, FULL, "", 1, DURING)
    sheets.submit(sheet, an, 2, DURING)
    with pytest.raises(SheetLocked):
        sheets.save_draft(sheet, an, {"novelty": "1"}, "", sheet.version, DURING)
    with pytest.raises(NotAllowed):
        sheets.reopen(sheet, an, "tự mở", DURING)
    with pytest.raises(InvalidPoints, match="lý do"):
        sheets.reopen(sheet, organizer, "  ", DURING)
    sheets.reopen(sheet, organizer, "Giám khảo nhập nhầm điểm", AFTER)
    assert sheet.status == "draft" and sheet.reopen_reason == "Giám khảo nhập nhầm điểm"
    sheets.save_draft(sheet, an, {"novelty": "1"}, "", sheet.version, DURING)
    audit = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "judging.sheet_reopen")
    ).one()
    assert audit.actor_id == organizer.id and audit.details["reason"]


def test_judging_window_is_enforced_at_the_write(setup, final, judges, edition):
    an = judges[0]
    with pytest.raises(WindowClosed):
        sheets.open_sheet(an, setup, final, BEFORE)
    sheet = sheets.open_sheet(an, setup, final, DURING)
    sheets.save_draft(sheet, an, FULL, "", 1, DURING)
    with pytest.raises(WindowClosed):
        sheets.save_draft(sheet, an, {"novelty": "1"}, "", 2, AFTER)
    with pytest.raises(WindowClosed):
        sheets.submit(sheet, an, 2, AFTER)
    edition.judging_starts_at = None
    edition.judging_ends_at = None
    with pytest.raises(WindowClosed):
        sheets.submit(sheet, an, 2, DURING)


def test_only_assigned_unconflicted_judges_open_sheets(setup, final, judges, edition):
    an, binh, chi = judges
    with pytest.raises(NotAssigned):
        sheets.open_sheet(chi, setup, final, DURING)
    sheet = sheets.open_sheet(binh, setup, final, DURING)
    with pytest.raises(NotAssigned):
        sheets.save_draft(sheet, an, {"novelty": "1"}, "", 1, DURING)
    # A conflict recorded directly (bypassing the clean-up) still blocks every write.
    factories.make_conflict(binh, edition, "entry", entry=setup, commit=False)
    with pytest.raises(NotAssigned, match="xung đột"):
        sheets.save_draft(sheet, binh, {"novelty": "1"}, "", 1, DURING)
    declare_conflict(edition, an, "unit", an, name="Công ty Giấu Tên")
    with pytest.raises(NotAssigned):
        sheets.open_sheet(an, setup, final, DURING)


def test_retired_criteria_are_not_asked_but_old_scores_stay(setup, final, judges, edition):
    an, binh, _ = judges
    old = sheets.open_sheet(an, setup, final, DURING)
    sheets.save_draft(old, an, FULL, "", 1, DURING)
    effect = edition.criteria[2]
    effect.retired_at = DURING
    db.session.flush()
    new = sheets.open_sheet(binh, setup, final, DURING)
    assert [c.code for c in sheets.questions(new)] == ["novelty", "applicability"]
    assert "effect" in [c.code for c in sheets.questions(old)]
    sheets.save_draft(new, binh, {"novelty": 1, "applicability": 2}, "", 1, DURING)
    assert sheets.submit(new, binh, 2, DURING).submitted_now
    # the retired criterion's 30.5 points stay stored on the old sheet but no longer count in
    # its total (RULES §5.1, as the compile counts it: judging.totals)
    assert [s.points for s in old.scores if s.criterion_id == effect.id] == [Decimal("30.5")]
    assert old.total == Decimal("45.5")


def test_judge_view_shows_nothing_that_names_the_authors(setup):
    factories.make_attachment(
        setup,
        "description",
        original_name="Thuyết minh - Nguyễn Thị Bí Mật.pdf",
        storage_key="entries/ab/abc.pdf",
        size_bytes=10,
        commit=False,
    )
    view = judge_view(setup)
    text = repr(asdict(view))
    assert view.code == "STKT-CNTT-001" and view.attachments[0].name.startswith("STKT-CNTT-001")
    for secret in ("Bí Mật", "Giấu Tên", "Kín Đáo", "Thuyết minh"):
        assert secret not in text
