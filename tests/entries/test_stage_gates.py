"""Gates with consequences, at the operation level: closing submissions early and opening
judging need a confirmation stating the counts (audited); reclassifying or rejecting an entry
after judging started needs one stating its sheets; nothing can be imported or created once
the results are published (the command line refuses too)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from contest.audit.models import AuditEntry
from contest.contests import operations as editions
from contest.contests.validation import InvalidEdition
from contest.entries import intake, operations
from contest.entries.imports import ImportFailed, import_entries
from contest.entries.judging_gate import ConfirmationNeeded
from contest.extensions import db
from contest.jobs.operations import commit
from tests import factories
from tests.entries.conftest import BEFORE, DEADLINE, local, make_draft
from tests.entries.test_import import GOOD, csv_bytes

AFTER_DEADLINE = local(2026, 8, 5, 9, 0)
JUDGING_STARTS = local(2026, 8, 3, 8, 0)
DURING_JUDGING = local(2026, 8, 10, 9, 0)


def audits(action):
    return list(
        db.session.scalars(
            select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)
        )
    )


def entries_of(edition, owner, statuses):
    """One complete entry per status in ``statuses`` (submitted and moved at BEFORE)."""
    out = []
    for i, status in enumerate(statuses):
        entry = make_draft(edition, owner, title=f"Sản phẩm {i}")
        if status != "draft":
            operations.submit(entry, owner, now=BEFORE)
        if status in ("received", "accepted"):
            intake.receive(entry, edition.created_by, now=BEFORE)
        if status == "accepted":
            intake.accept(entry, edition.created_by, now=BEFORE)
        commit()
        out.append(entry)
    return out


# --- Closing submissions early -----------------------------------------------------------------


def test_closing_early_needs_a_confirmation_with_the_counts(youth, people):
    org = people["organizer"]
    entries_of(youth, people["entrant"], ["draft", "draft", "submitted", "received"])
    early = local(2026, 5, 31, 17, 0)
    with pytest.raises(InvalidEdition) as refused:
        editions.update_edition(youth, {"submission_deadline": early}, org, now=BEFORE)
    [warning] = refused.value.warnings
    assert "2 hồ sơ nháp sẽ bị khoá" in warning.message
    assert "1 hồ sơ đã nộp nhưng chưa được tiếp nhận" in warning.message
    db.session.rollback()
    assert youth.submission_deadline == DEADLINE
    assert audits("edition.update") == []

    editions.update_edition(youth, {"submission_deadline": early}, org, now=BEFORE, confirm=True)
    db.session.commit()
    assert youth.submission_deadline == early
    [audit] = audits("edition.update")
    assert audit.details["closed_early"] == {"drafts_locked": 2, "submitted": 1}
    assert "2 hồ sơ nháp sẽ bị khoá" in audit.details["confirmed_warnings"][0]
    assert audit.actor_id == org.id


def test_a_deadline_still_ahead_needs_no_confirmation(youth, people):
    entries_of(youth, people["entrant"], ["draft"])
    later = BEFORE + timedelta(days=3)
    editions.update_edition(youth, {"submission_deadline": later}, people["organizer"], now=BEFORE)
    assert youth.submission_deadline == later
    assert "closed_early" not in audits("edition.update")[0].details


def test_judging_moved_to_now_while_open_closes_early_too(youth, people):
    entries_of(youth, people["entrant"], ["draft"])
    with pytest.raises(InvalidEdition) as refused:
        editions.update_edition(
            youth,
            {"submission_deadline": BEFORE - timedelta(days=1), "judging_starts_at": BEFORE},
            people["organizer"],
            now=BEFORE,
        )
    messages = [w.message for w in refused.value.warnings]
    assert any("1 hồ sơ nháp sẽ bị khoá" in m for m in messages)
    assert any("Mở việc chấm ngay bây giờ trong khi 0" in m for m in messages) is False


# --- Opening judging -------------------------------------------------------------------------


def test_opening_judging_with_undecided_entries_needs_a_confirmation(youth, people):
    org = people["organizer"]
    entries_of(youth, people["entrant"], ["submitted", "received", "accepted", "draft"])
    with pytest.raises(InvalidEdition) as refused:
        editions.update_edition(
            youth, {"judging_starts_at": JUDGING_STARTS}, org, now=AFTER_DEADLINE
        )
    [warning] = refused.value.warnings
    assert "2 hồ sơ mới nộp hoặc mới tiếp nhận" in warning.message
    db.session.rollback()
    assert youth.judging_starts_at is None

    editions.update_edition(
        youth, {"judging_starts_at": JUDGING_STARTS}, org, now=AFTER_DEADLINE, confirm=True
    )
    db.session.commit()
    assert youth.judging_starts_at == JUDGING_STARTS
    assert audits("edition.update")[0].details["judging_opened"] == {"undecided": 2}


def test_opening_judging_when_every_entry_is_decided_needs_nothing(youth, people):
    entries_of(youth, people["entrant"], ["accepted", "draft"])
    editions.update_edition(
        youth, {"judging_starts_at": JUDGING_STARTS}, people["organizer"], now=AFTER_DEADLINE
    )
    assert youth.judging_starts_at == JUDGING_STARTS


def test_judging_set_in_the_future_needs_nothing(youth, people):
    entries_of(youth, people["entrant"], ["submitted"])
    later = AFTER_DEADLINE + timedelta(days=5)
    editions.update_edition(
        youth, {"judging_starts_at": later}, people["organizer"], now=AFTER_DEADLINE
    )
    assert youth.judging_starts_at == later


# --- Reclassifying or rejecting after judging started ------------------------------------------


def judged_entry(edition, people):
    """An accepted entry with two assignments, one submitted and one draft sheet; judging
    started at JUDGING_STARTS."""
    [entry] = entries_of(edition, people["entrant"], ["accepted"])
    edition.judging_starts_at = JUDGING_STARTS
    first_round = edition.rounds[0]
    judges = [people["judge"], people["other"]]
    for judge, status in zip(judges, ("submitted", "draft"), strict=True):
        factories.make_score_sheet(
            entry,
            judge,
            first_round,
            (),
            status=status,
            submitted_at=DURING_JUDGING,
            assign=True,
            commit=False,
        )
    db.session.commit()
    return entry


COUNTS = {"assignments": 2, "submitted_sheets": 1, "draft_sheets": 1}


def test_reject_after_judging_started_needs_a_confirmation(youth, people):
    org = people["organizer"]
    entry = judged_entry(youth, people)
    with pytest.raises(ConfirmationNeeded) as refused:
        intake.reject(entry, org, "Trùng ý tưởng", now=DURING_JUDGING)
    assert "2 lượt phân công giám khảo, 1 phiếu chấm đã nộp và 1 phiếu chấm nháp" in str(
        refused.value.message
    )
    db.session.rollback()
    assert entry.status == "accepted"
    intake.reject(entry, org, "Trùng ý tưởng", now=DURING_JUDGING, confirm=True)
    commit()
    assert entry.status == "rejected"
    assert audits("entry.reject")[0].details["confirmed_judging"] == COUNTS


def test_reclassify_after_judging_started_needs_a_confirmation(youth, people):
    org = people["organizer"]
    entry = judged_entry(youth, people)
    other_field = youth.field_by_code("PM")
    with pytest.raises(ConfirmationNeeded):
        intake.reclassify(entry, org, other_field, now=DURING_JUDGING)
    db.session.rollback()
    assert entry.field.code == "HT"
    intake.reclassify(entry, org, other_field, now=DURING_JUDGING, confirm=True)
    commit()
    assert entry.field.code == "PM"
    assert audits("entry.reclassify")[0].details["confirmed_judging"] == COUNTS


def test_bulk_reject_after_judging_started_needs_the_confirmation(youth, people):
    org = people["organizer"]
    entry = judged_entry(youth, people)
    [outcome] = intake.bulk("reject", [entry], org, now=DURING_JUDGING, reason="Trùng")
    assert not outcome.ok and "1 phiếu chấm đã nộp" in outcome.message
    [outcome] = intake.bulk(
        "reject", [entry], org, now=DURING_JUDGING, reason="Trùng", confirm=True
    )
    assert outcome.ok and entry.status == "rejected"


def test_an_entry_with_sheets_needs_the_confirmation_without_a_judging_window(youth, people):
    """A season run from files (sheets imported, judging dates never set): the entry's
    sheets show that its judging has started."""
    entry = judged_entry(youth, people)
    youth.judging_starts_at = None
    db.session.commit()
    with pytest.raises(ConfirmationNeeded) as refused:
        intake.reject(entry, people["organizer"], "Trùng", now=AFTER_DEADLINE)
    assert "1 phiếu chấm đã nộp và 1 phiếu chấm nháp" in str(refused.value.message)
    db.session.rollback()
    intake.reject(entry, people["organizer"], "Trùng", now=AFTER_DEADLINE, confirm=True)
    assert entry.status == "rejected"


def test_before_judging_no_confirmation_is_asked(youth, people):
    [entry] = entries_of(youth, people["entrant"], ["received"])
    intake.reject(entry, people["organizer"], "Thiếu bản vẽ", now=AFTER_DEADLINE)
    assert entry.status == "rejected"
    assert "confirmed_judging" not in audits("entry.reject")[0].details


# --- Published results -------------------------------------------------------------------------

PUBLISHED_MESSAGE = "Lần thi đã công bố kết quả"


def publish(edition):
    edition.judging_starts_at = JUDGING_STARTS
    edition.judging_ends_at = JUDGING_STARTS + timedelta(days=10)
    edition.published_at = JUDGING_STARTS + timedelta(days=20)
    db.session.commit()


def test_import_is_refused_once_results_are_published(youth, people, tree):
    publish(youth)
    with pytest.raises(ImportFailed) as refused:
        import_entries(youth, csv_bytes(GOOD), "f.csv", people["organizer"])
    [problem] = refused.value.problems
    assert PUBLISHED_MESSAGE in str(problem) and "bản đính chính" in str(problem)
    youth.archived_at = youth.published_at + timedelta(days=1)
    with pytest.raises(ImportFailed):
        import_entries(youth, csv_bytes(GOOD), "f.csv", None)


def test_organizers_cannot_create_an_entry_once_published(youth, people):
    org = people["organizer"]
    values = {"title": "Bổ sung", "field_id": youth.field_by_code("HT").id}
    operations.create_draft(youth, org, values, now=AFTER_DEADLINE)  # closed: organizers may
    publish(youth)
    with pytest.raises(operations.EntryError, match=PUBLISHED_MESSAGE):
        operations.create_draft(youth, org, values)


def test_cli_import_is_refused_once_published(runner, youth, tree, tmp_path):
    publish(youth)
    good = tmp_path / "good.csv"
    good.write_bytes(csv_bytes(GOOD).getvalue())
    result = runner.invoke(args=["entries", "import", youth.slug, str(good)])
    assert result.exit_code == 1
    assert PUBLISHED_MESSAGE in result.output and "Không có gì được ghi." in result.output
