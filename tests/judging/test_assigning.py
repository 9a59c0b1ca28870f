"""Assignment on the database: automatic, manual, removal, a judge dropping out, visibility,
rounds."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from contest.audit.models import AuditEntry
from contest.entries.access import can_view, visible_entries
from contest.extensions import db
from contest.judging import assigning, sheets
from contest.judging.assignment import ShortfallReason
from contest.judging.conflicts import declare_conflict
from contest.judging.errors import JudgingError
from contest.judging.judge_files import judged_rounds
from contest.judging.models import Assignment, PanelScore, ScoreSheet
from contest.judging.panels import (
    add_judges,
    current_round,
    ensure_panel,
    find_round,
    round_entry_ids,
    set_chair,
)
from contest.results import compile as compiling
from tests import factories
from tests.judging.conftest import DURING, make_entry


def _panel(edition, final, judges, field="CNTT"):
    panel = ensure_panel(edition, edition.field_by_code(field), final, None)
    add_judges(panel, judges, None)
    return panel


def _pairs(round_):
    return assigning.existing_pairs(round_)


def test_auto_assign_covers_balances_and_reports_shortfalls(edition, final, judges, organizer):
    an, binh, chi = judges
    _panel(edition, final, judges)
    entries = [make_entry(edition, f"CNTT-{i:03d}") for i in range(1, 8)]
    orphan = make_entry(edition, "CK-001", field="CK")
    make_entry(edition, "CNTT-099", status="rejected")
    binh.unit_name = "Công ty ABC"
    db.session.commit()
    conflicted = make_entry(edition, "CNTT-100", unit_name="Công ty ABC")
    declare_conflict(edition, an, "entry", an, entry=conflicted)

    result = assigning.auto_assign(edition, final, organizer)
    db.session.commit()

    pairs = _pairs(final)
    per_entry = {e.id: {j for x, j in pairs if x == e.id} for e in [*entries, conflicted]}
    assert all(len(js) == 2 for e, js in per_entry.items() if e != conflicted.id)
    assert per_entry[conflicted.id] == {chi.id}
    loads = [sum(1 for _e, j in pairs if j == judge.id) for judge in judges]
    assert max(loads) - min(loads) <= 1
    assert {e for e, _j in pairs} == {e.id for e in [*entries, conflicted]}  # not rejected
    by_code = {s.entry_code: s for s in result.shortfalls}
    assert set(by_code) == {"CK-001", "CNTT-100"}
    assert by_code["CK-001"].reason == ShortfallReason.NO_PANEL
    assert by_code["CNTT-100"].reason == ShortfallReason.CONFLICTS
    assert "Lê Văn An" in by_code["CNTT-100"].message
    assert "Phạm Thị Bình" in by_code["CNTT-100"].message
    assert orphan.id not in {e for e, _j in pairs}
    audit = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "judging.auto_assign")
    ).one()
    assert audit.actor_id == organizer.id and audit.details["created"] == len(pairs)

    again = assigning.auto_assign(edition, final, organizer)
    assert again.created == [] and _pairs(final) == pairs


def test_auto_assign_keeps_existing_and_fills_after_a_judge_joins(edition, final, judges):
    an, binh, chi = judges
    panel = _panel(edition, final, [an])
    entry = make_entry(edition, "CNTT-001")
    first = assigning.auto_assign(edition, final, None)
    assert first.created == [(entry.id, an.id)]
    assert first.shortfalls[0].reason == ShortfallReason.PANEL_TOO_SMALL
    add_judges(panel, [binh, chi], None)
    second = assigning.auto_assign(edition, final, None)
    assert len(second.created) == 1 and second.shortfalls == []
    assert (entry.id, an.id) in _pairs(final)


def test_manual_assignment_refuses_conflicts_non_judges_and_foreign_entries(
    edition, final, judges, organizer
):
    an, binh, _chi = judges
    entry = make_entry(edition, "CNTT-001", mentor_name="Phạm Thị Bình")
    rejected = make_entry(edition, "CNTT-002", status="rejected")
    created = assigning.assign_judges_to_entry(edition, final, entry, [an], organizer)
    assert len(created) == 1
    assert assigning.assign_judges_to_entry(edition, final, entry, [an], organizer) == []
    with pytest.raises(JudgingError, match="hướng dẫn"):
        assigning.assign_judges_to_entry(edition, final, entry, [binh], organizer)
    with pytest.raises(JudgingError, match="không thuộc vòng"):
        assigning.assign_entries_to_judge(edition, final, an, [rejected], organizer)
    with pytest.raises(JudgingError, match="giám khảo"):
        assigning.assign_judges_to_entry(edition, final, entry, [organizer], organizer)
    assert _pairs(final) == {(entry.id, an.id)}


def test_unassign_deletes_drafts_but_refuses_submitted_sheets(edition, final, judges):
    an, binh, _ = judges
    entry = make_entry(edition, "CNTT-001")
    assigning.assign_judges_to_entry(edition, final, entry, [an, binh], None)
    draft = sheets.open_sheet(an, entry, final, DURING)
    sheets.save_draft(draft, an, {"novelty": "10"}, "", draft.version, DURING)
    done = sheets.open_sheet(binh, entry, final, DURING)
    sheets.save_draft(
        done, binh, {"novelty": 10, "applicability": 10, "effect": 10}, "", None, DURING
    )
    sheets.submit(done, binh, now=DURING)
    with pytest.raises(JudgingError, match="đã nộp"):
        assigning.unassign(final, [(entry.id, binh.id)], None)
    assert assigning.unassign(final, [(entry.id, an.id)], None, reason="đổi người") == 1
    assert db.session.scalar(select(func.count(ScoreSheet.id))) == 1
    assert _pairs(final) == {(entry.id, binh.id)}


def test_judge_drops_out_drafts_go_submitted_stay_unless_voided(edition, final, judges):
    an, binh, chi = judges
    panel = _panel(edition, final, [an, binh])
    set_chair(panel, an, None)
    e1, e2 = make_entry(edition, "CNTT-001"), make_entry(edition, "CNTT-002")
    assigning.auto_assign(edition, final, None)
    s1 = sheets.open_sheet(an, e1, final, DURING)
    sheets.save_draft(s1, an, {"novelty": 10, "applicability": 10, "effect": 10}, "", None, DURING)
    sheets.submit(s1, an, now=DURING)
    s2 = sheets.open_sheet(an, e2, final, DURING)
    sheets.save_draft(s2, an, {"novelty": 5}, "", None, DURING)

    result = assigning.remove_judge(panel, an, None)
    assert (result.drafts_deleted, result.submitted_kept, result.submitted_voided) == (1, 1, 0)
    assert panel.chair_id is None and an.id not in panel.judge_ids
    assert _pairs(final) == {(e1.id, an.id), (e1.id, binh.id), (e2.id, binh.id)}
    add_judges(panel, [chi], None)
    assigning.auto_assign(edition, final, None)
    assert (e2.id, chi.id) in _pairs(final)

    add_judges(panel, [an], None)
    voided = assigning.remove_judge(panel, an, None, void_submitted=True)
    assert voided.submitted_voided == 1
    assert db.session.scalar(select(func.count(ScoreSheet.id))) == 0
    audit = db.session.scalars(
        select(AuditEntry)
        .where(AuditEntry.action == "judging.remove_judge")
        .order_by(AuditEntry.id.desc())
    ).first()
    assert audit.details["voided"][0]["entry"] == "CNTT-001"


def test_a_new_conflict_removes_the_unsubmitted_assignment(edition, final, judges):
    an = judges[0]
    entry = make_entry(edition, "CNTT-001", authors=("Hoàng Văn Em",))
    assigning.assign_judges_to_entry(edition, final, entry, [an], None)
    sheets.open_sheet(an, entry, final, DURING)
    declare_conflict(edition, an, "person", an, name="Hoàng Văn Em", note="em họ")
    assert _pairs(final) == set()
    assert db.session.scalar(select(func.count(ScoreSheet.id))) == 0


def test_judges_see_entries_only_through_the_judging_pages(edition, final, judges):
    """The entries' visibility rule (entrant, coordinator, organizer and attachment routes)
    never includes a judge's assigned entries: judges see them only in the judging pages."""
    an, binh, _ = judges
    mine = make_entry(edition, "CNTT-001")
    other = make_entry(edition, "CNTT-002")
    assigning.assign_judges_to_entry(edition, final, mine, [an], None)
    db.session.commit()
    assert db.session.scalars(visible_entries(an)).all() == []
    assert not can_view(an, mine) and not can_view(an, other) and not can_view(binh, mine)
    assert judged_rounds(an, mine) == [final] and judged_rounds(binh, mine) == []


def test_rounds_current_round_and_membership(edition, final, judges, organizer):
    prelim = factories.make_round(edition, "prelim", position=-1, cutoff=60)
    assert [r.code for r in edition.rounds] == ["prelim", "final"]
    assert current_round(edition).code == "prelim"
    assert find_round(edition, "FINAL").code == "final"
    with pytest.raises(JudgingError):
        find_round(edition, "semi")

    good, weak = make_entry(edition, "CNTT-001"), make_entry(edition, "CNTT-002")
    panel_score = make_entry(edition, "CNTT-003")
    assert round_entry_ids(edition, prelim) == {good.id, weak.id, panel_score.id}
    assert round_entry_ids(edition, final) == set()
    for entry, totals in ((good, (30, 31)), (weak, (30, 29)), (panel_score, (20, 20))):
        for judge, total in zip(judges, totals, strict=False):
            points = {"novelty": 30, "effect": total}
            factories.make_score_sheet(
                entry, judge, prelim, points, submitted_at=DURING, commit=False
            )
    factories.make_panel_score(panel_score, prelim, "61", "Hội đồng thống nhất", commit=False)
    # the final's members are read from the preliminary round's latest run: none before it
    assert round_entry_ids(edition, final) == set()
    # good: (60 + 61) / 2 = 60.5 ≥ 60; weak: 59.5; panel_score: panel score 61.
    compiling.compile_round(edition, prelim)
    assert round_entry_ids(edition, final) == {good.id, panel_score.id}
    prelim.cutoff = None  # RULES §4: the default cutoff is 60
    db.session.flush()
    compiling.compile_round(edition, prelim)
    assert round_entry_ids(edition, final) == {good.id, panel_score.id}
    prelim.cutoff = Decimal("59.5")
    db.session.flush()
    assert round_entry_ids(edition, final) == {good.id, panel_score.id}  # until compiled again
    compiling.compile_round(edition, prelim)
    assert round_entry_ids(edition, final) == {good.id, weak.id, panel_score.id}
    _panel(edition, final, judges)
    assert current_round(edition).code == "final"


def test_panel_membership_rules(edition, final, judges, organizer):
    panel = _panel(edition, final, judges[:2])
    assert add_judges(panel, judges, organizer) == [judges[2]]
    with pytest.raises(JudgingError):
        add_judges(panel, [organizer], organizer)
    outsider = factories.make_user("x@example.vn", ("judge",))
    with pytest.raises(JudgingError):
        set_chair(panel, outsider, organizer)
    set_chair(panel, judges[1], organizer)
    assert panel.chair_id == judges[1].id
    assert db.session.scalar(select(func.count(Assignment.id))) == 0


def test_panel_score_needs_an_organizer_a_reason_and_a_valid_score(
    edition, final, judges, organizer
):
    from contest.entries.access import NotAllowed
    from contest.judging.panels import set_panel_score

    entry = make_entry(edition, "CNTT-001")
    with pytest.raises(NotAllowed):
        set_panel_score(edition, final, entry, "80", "Hội đồng", judges[0])
    with pytest.raises(JudgingError):
        set_panel_score(edition, final, entry, "80", " ", organizer)
    for bad in ("100.5", "80.125", "-1", "abc", "NaN"):
        with pytest.raises(JudgingError):
            set_panel_score(edition, final, entry, bad, "Hội đồng", organizer)
    score = set_panel_score(edition, final, entry, "80,25", "Hội đồng thống nhất", organizer)
    assert score.score == Decimal("80.25")
    set_panel_score(edition, final, entry, "81", "Xem lại", organizer)
    assert db.session.scalar(select(PanelScore.score)) == Decimal("81")
    set_panel_score(edition, final, entry, None, "Huỷ", organizer)
    assert db.session.scalar(select(func.count(PanelScore.id))) == 0
    audits = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "judging.panel_score")
    ).all()
    assert [a.details["new"] for a in audits] == ["80.25", "81", None]
