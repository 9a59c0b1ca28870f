"""Drafts, authors, submission at the deadline (with extensions), edits and withdrawal until
the deadline, read-only after it, stale pages and double submits, the receipt e-mail."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import time_machine
from sqlalchemy import select

from contest.audit.models import AuditEntry
from contest.contests.deadlines import SubmissionsClosed, extend_deadline
from contest.entries import access, operations
from contest.entries.models import Entry
from contest.entries.operations import AuthorData
from contest.extensions import db
from contest.jobs.operations import commit
from tests.entries.conftest import BEFORE, CHILD, DEADLINE, OPENS, make_draft

SECOND = timedelta(seconds=1)


def actions(entry_id) -> list[str]:
    return list(
        db.session.scalars(
            select(AuditEntry.action)
            .where(AuditEntry.object_type == "entry", AuditEntry.object_id == str(entry_id))
            .order_by(AuditEntry.id)
        )
    )


def test_draft_is_created_for_its_owner(youth, people):
    entry = make_draft(youth, people["entrant"], complete=False)
    assert entry.status == "draft" and entry.code is None and entry.source == "web"
    assert entry.owner_id == people["entrant"].id and entry.version == 1
    assert actions(entry.id) == ["entry.create"]


def test_draft_needs_title_and_field_of_the_edition(youth, technical, people):
    with pytest.raises(operations.InvalidEntry) as info:
        operations.create_draft(
            youth, people["entrant"], {"title": " ", "field_id": technical.fields[0].id}, now=BEFORE
        )
    assert {key for key, _m in info.value.problems} == {"title", "field_id"}


@pytest.mark.parametrize(
    ("moment", "allowed"),
    [
        (OPENS - SECOND, False),  # not open yet
        (OPENS, True),
        (DEADLINE - SECOND, True),
        (DEADLINE, False),  # the deadline instant is closed
        (DEADLINE + SECOND, False),
    ],
)
def test_submission_window_is_checked_at_the_write(youth, people, moment, allowed):
    entry = make_draft(youth, people["entrant"])
    if allowed:
        operations.submit(entry, people["entrant"], now=moment)
        assert entry.status == "submitted"
    else:
        with pytest.raises(SubmissionsClosed):
            operations.submit(entry, people["entrant"], now=moment)
        db.session.rollback()
        assert db.session.get(Entry, entry.id).status == "draft"


def test_area_extension_applies_to_the_area_and_below_only(youth, people, tree):
    extend_deadline(
        youth, tree["yen_son"], DEADLINE + timedelta(days=7), "Mưa lũ", people["organizer"]
    )
    db.session.commit()
    late = DEADLINE + timedelta(days=3)
    in_commune = make_draft(youth, people["entrant"], area=tree["my_bang"], title="A")
    elsewhere = make_draft(youth, people["entrant"], area=tree["ham_yen"], title="B")
    operations.submit(in_commune, people["entrant"], now=late)
    assert in_commune.status == "submitted"
    with pytest.raises(SubmissionsClosed):
        operations.submit(elsewhere, people["entrant"], now=late)
    with pytest.raises(SubmissionsClosed):
        operations.submit(in_commune, people["entrant"], now=DEADLINE + timedelta(days=7))


def test_whole_edition_extension(youth, people):
    extend_deadline(youth, None, DEADLINE + timedelta(days=2), "Gia hạn chung", people["organizer"])
    entry = make_draft(youth, people["entrant"])
    operations.submit(entry, people["entrant"], now=DEADLINE + timedelta(days=1))
    assert entry.status == "submitted"


def test_moving_a_draft_to_an_extended_area_after_the_deadline_is_refused(youth, people, tree):
    extend_deadline(youth, tree["yen_son"], DEADLINE + timedelta(days=7), "Lũ", people["organizer"])
    entry = make_draft(youth, people["entrant"], area=tree["ham_yen"])
    with pytest.raises(SubmissionsClosed):
        operations.update_entry(
            entry, people["entrant"], {"area_id": tree["yen_son"].id}, now=DEADLINE + SECOND
        )


def test_submit_assigns_code_audits_and_mails_a_receipt(app, youth, people, outbox):
    entry = make_draft(youth, people["entrant"])
    operations.submit(entry, people["entrant"], expected_version=entry.version, now=BEFORE)
    commit()
    assert entry.code == "STTN26-HT-001"
    assert entry.submitted_at == BEFORE
    assert actions(entry.id)[-1] == "entry.submit"
    (message,) = outbox
    assert message["To"] == "an@example.vn"
    assert "STTN26-HT-001" in message["Subject"]
    body = message.get_content()
    assert "STTN26-HT-001" in body and "Thước đo đa năng" in body
    assert "31/07/2026 17:00" in body  # editable until the deadline, local time


def test_incomplete_entry_cannot_be_submitted(youth, people):
    entry = make_draft(youth, people["entrant"], complete=False)
    with pytest.raises(operations.NotSubmittable) as info:
        operations.submit(entry, people["entrant"], now=BEFORE)
    text = str(info.value)
    assert "Chưa ghi đơn vị" in text
    assert "Hồ sơ cần có ít nhất một tác giả" in text
    assert "Thiếu tệp đính kèm" in text
    assert info.value.report.missing_attachments == ["description", "photos", "unit_confirmation"]


def test_technical_entry_must_be_applied_since_the_cut_off(technical, people):
    entry = make_draft(technical, people["entrant"], field="CNTT")
    operations.update_entry(
        entry, people["entrant"], {"applied_at": date(2022, 12, 31)}, now=BEFORE
    )
    with pytest.raises(operations.NotSubmittable) as info:
        operations.submit(entry, people["entrant"], now=BEFORE)
    assert "01/01/2023" in str(info.value)
    operations.update_entry(entry, people["entrant"], {"applied_at": date(2023, 1, 1)}, now=BEFORE)
    operations.submit(entry, people["entrant"], now=BEFORE)
    assert entry.code == "STKT26-CNTT-001"


def test_author_outside_the_age_band_is_refused_with_the_range(youth, people):
    entry = make_draft(youth, people["entrant"], complete=False)
    with pytest.raises(operations.InvalidEntry) as info:
        operations.set_authors(
            entry,
            people["entrant"],
            [AuthorData("Trần Bé", CHILD), AuthorData("Phạm Lớn", date(2007, 7, 30))],
            now=BEFORE,
        )
    ((key, message),) = info.value.problems
    assert key == "authors[1].date_of_birth"
    assert "Phạm Lớn" in message and "31/07/2007" in message and "31/07/2020" in message


def test_authors_count_and_single_representative(youth, people):
    entry = make_draft(youth, people["entrant"], complete=False)
    six = [AuthorData(f"Tác Giả {i}", CHILD) for i in range(6)]
    with pytest.raises(operations.InvalidEntry, match="tối đa 5 tác giả"):
        operations.set_authors(entry, people["entrant"], six, now=BEFORE)
    two_reps = [AuthorData("A", CHILD, is_representative=True)] * 2
    with pytest.raises(operations.InvalidEntry, match="Chỉ chọn một người đại diện"):
        operations.set_authors(entry, people["entrant"], two_reps, now=BEFORE)
    authors = operations.set_authors(
        entry, people["entrant"], [AuthorData("A", CHILD), AuthorData("B", CHILD, "M")], now=BEFORE
    )
    assert [(a.position, a.is_representative) for a in authors] == [(1, True), (2, False)]
    # saving the same authors again changes nothing (no new version)
    version = entry.version
    operations.set_authors(
        entry, people["entrant"], [AuthorData("A", CHILD), AuthorData("B", CHILD, "M")], now=BEFORE
    )
    assert entry.version == version
    # replacing keeps the rows in place and drops the extra one
    first_id = authors[0].id
    authors = operations.set_authors(entry, people["entrant"], [AuthorData("C", CHILD)], now=BEFORE)
    assert [(a.id, a.full_name) for a in authors] == [(first_id, "C")]


def test_edit_before_deadline_keeps_submitted_and_after_is_read_only(youth, people):
    entry = make_draft(youth, people["entrant"])
    operations.submit(entry, people["entrant"], now=BEFORE)
    changes = operations.update_entry(
        entry, people["entrant"], {"title": "Thước đo mới"}, now=DEADLINE - SECOND
    )
    assert changes == {"title": ["Thước đo đa năng", "Thước đo mới"]}
    assert entry.status == "submitted" and entry.code == "STTN26-HT-001"
    assert access.can_edit(people["entrant"], entry, DEADLINE - SECOND)
    assert not access.can_edit(people["entrant"], entry, DEADLINE)
    assert "không nhận hồ sơ" in access.edit_refusal(people["entrant"], entry, DEADLINE)
    with pytest.raises(SubmissionsClosed):
        operations.update_entry(entry, people["entrant"], {"title": "Muộn"}, now=DEADLINE)
    with pytest.raises(SubmissionsClosed):
        operations.withdraw(entry, people["entrant"], now=DEADLINE)
    # organizers may still correct it
    operations.update_entry(entry, people["organizer"], {"title": "Sửa bởi BTC"}, now=DEADLINE)


def test_edit_of_a_submitted_entry_must_keep_it_valid(youth, people):
    entry = make_draft(youth, people["entrant"])
    operations.submit(entry, people["entrant"], now=BEFORE)
    with pytest.raises(operations.NotSubmittable, match="Chưa ghi đơn vị"):
        operations.update_entry(entry, people["entrant"], {"unit_name": ""}, now=BEFORE)


def test_withdraw_and_resubmit_keep_the_code(youth, people):
    entry = make_draft(youth, people["entrant"])
    operations.submit(entry, people["entrant"], now=BEFORE)
    operations.withdraw(entry, people["entrant"], now=BEFORE, reason="Sửa lại")
    assert entry.status == "withdrawn" and entry.code == "STTN26-HT-001"
    with pytest.raises(operations.EntryError, match="đã được rút"):
        operations.withdraw(entry, people["entrant"], now=BEFORE)
    operations.submit(entry, people["entrant"], now=BEFORE + timedelta(days=1))
    assert entry.status == "submitted" and entry.code == "STTN26-HT-001"
    assert actions(entry.id)[-3:] == ["entry.submit", "entry.withdraw", "entry.submit"]


def test_only_never_submitted_drafts_can_be_deleted(youth, people):
    entry = make_draft(youth, people["entrant"])
    operations.submit(entry, people["entrant"], now=BEFORE)
    operations.withdraw(entry, people["entrant"], now=BEFORE)
    with pytest.raises(operations.EntryError):
        operations.delete_draft(entry, people["entrant"], now=BEFORE)
    draft = make_draft(youth, people["entrant"], title="Nháp")
    operations.delete_draft(draft, people["entrant"], now=BEFORE)
    db.session.commit()
    assert db.session.get(Entry, draft.id) is None


def test_strangers_may_not_edit(youth, people):
    entry = make_draft(youth, people["entrant"])
    for stranger in (people["other"], people["judge"], people["coord_hy"]):
        with pytest.raises(operations.NotAllowed):
            operations.update_entry(entry, stranger, {"title": "X"}, now=BEFORE)
        with pytest.raises(operations.NotAllowed):
            operations.submit(entry, stranger, now=BEFORE)


def test_coordinator_of_the_area_may_help(youth, people, tree):
    entry = make_draft(youth, people["entrant"], area=tree["my_bang"])
    operations.update_entry(entry, people["coord"], {"summary": "Bổ sung"}, now=BEFORE)
    operations.submit(entry, people["coord"], now=BEFORE)
    assert entry.status == "submitted"


def test_stale_version_is_refused(youth, people):
    entry = make_draft(youth, people["entrant"])
    seen = entry.version
    operations.update_entry(
        entry, people["entrant"], {"title": "Tab 1"}, expected_version=seen, now=BEFORE
    )
    db.session.commit()
    with pytest.raises(operations.StaleEntry, match="tải lại trang"):
        operations.update_entry(
            entry, people["entrant"], {"title": "Tab 2"}, expected_version=seen, now=BEFORE
        )
    with pytest.raises(operations.StaleEntry):
        operations.submit(entry, people["entrant"], expected_version=seen, now=BEFORE)
    db.session.rollback()
    assert db.session.get(Entry, entry.id).title == "Tab 1"


def test_concurrent_edit_from_an_older_load_is_refused_by_the_version_column(app, youth, people):
    """Two requests load the same version; the second write loses (no silent overwrite)."""
    entry = make_draft(youth, people["entrant"])
    entry_id = entry.id
    with app.app_context():  # the other request, in its own session
        other = db.session.get(Entry, entry_id)
        operations.update_entry(
            other, db.session.merge(people["entrant"]), {"title": "Khác"}, now=BEFORE
        )
        db.session.commit()
        db.session.remove()
    entry.title = "Của tôi"
    with pytest.raises(operations.StaleEntry):
        operations.flush_entry()
    db.session.rollback()
    assert db.session.get(Entry, entry_id).title == "Khác"


def test_two_tabs_submitting_the_same_draft_make_one_submission(app, youth, people, outbox):
    entry = make_draft(youth, people["entrant"])
    entry_id = entry.id
    # Tab 2 loaded the draft before tab 1 submitted it.
    assert entry.status == "draft"
    with app.app_context():  # tab 1, its own request and session
        first = db.session.get(Entry, entry_id)
        operations.submit(first, db.session.merge(people["entrant"]), now=BEFORE)
        commit()
        db.session.remove()
    with pytest.raises(operations.StaleEntry) as info:
        operations.submit(entry, people["entrant"], now=BEFORE)
    assert "Đã nộp" in str(info.value.message)
    db.session.rollback()
    stored = db.session.get(Entry, entry_id)
    assert stored.status == "submitted" and stored.code == "STTN26-HT-001"
    assert actions(entry_id).count("entry.submit") == 1
    assert len(outbox) == 1
    with pytest.raises(operations.EntryError, match="không cần nộp lại"):
        operations.submit(stored, people["entrant"], now=BEFORE)


def test_the_clock_is_read_at_the_write_when_no_time_is_given(youth, people):
    """Views pass no ``now``: the operations read the clock where they write."""
    entry = make_draft(youth, people["entrant"])
    with time_machine.travel(DEADLINE + SECOND, tick=False):
        with pytest.raises(SubmissionsClosed):
            operations.submit(entry, people["entrant"])
        assert not access.can_edit(people["entrant"], entry)
    with time_machine.travel(DEADLINE - SECOND, tick=False):
        operations.submit(entry, people["entrant"])
    assert entry.submitted_at == DEADLINE - SECOND
