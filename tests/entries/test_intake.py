"""Intake by organizers: transitions, audit, rejection e-mail, reclassification, bulk actions
with per-entry outcomes, completeness per entry."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from contest.audit.models import AuditEntry
from contest.contests import operations as editions
from contest.contests.validation import InvalidEdition
from contest.entries import completeness, intake, operations
from contest.entries.models import Attachment
from contest.extensions import db
from contest.jobs.operations import commit
from tests.entries.conftest import BEFORE, make_draft


def submitted(edition, owner, **kwargs):
    entry = make_draft(edition, owner, **kwargs)
    operations.submit(entry, owner, now=BEFORE)
    commit()
    return entry


def audits(action):
    return list(
        db.session.scalars(
            select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)
        )
    )


def test_receive_accept_reject_accept_again_each_audited(youth, people, outbox):
    org = people["organizer"]
    entry = submitted(youth, people["entrant"])
    outbox.clear()
    intake.receive(entry, org, expected_version=entry.version)
    assert entry.status == "received"
    with pytest.raises(operations.EntryError, match="đã ở trạng thái"):
        intake.receive(entry, org)
    intake.reject(entry, org, "  Sản phẩm sao chép ý tưởng đã đạt giải  ")
    commit()
    assert entry.status == "rejected"
    assert entry.rejection_reason == "Sản phẩm sao chép ý tưởng đã đạt giải"
    intake.accept(entry, org)
    assert entry.status == "accepted" and entry.rejection_reason == ""
    details = [
        (a.action, a.details["before"], a.details["after"], a.actor_id)
        for a in audits("entry.receive") + audits("entry.reject") + audits("entry.accept")
    ]
    assert details == [
        ("entry.receive", "submitted", "received", org.id),
        ("entry.reject", "received", "rejected", org.id),
        ("entry.accept", "rejected", "accepted", org.id),
    ]
    assert audits("entry.reject")[0].details["reason"] == "Sản phẩm sao chép ý tưởng đã đạt giải"
    (message,) = outbox
    assert message["To"] == "an@example.vn"
    assert "Sản phẩm sao chép ý tưởng đã đạt giải" in message.get_content()


def test_reject_needs_a_reason(youth, people):
    entry = submitted(youth, people["entrant"])
    with pytest.raises(operations.InvalidEntry, match="lý do"):
        intake.reject(entry, people["organizer"], "   ")
    assert entry.status == "submitted"


def test_impossible_moves_are_refused(youth, people):
    org = people["organizer"]
    draft = make_draft(youth, people["entrant"])
    with pytest.raises(operations.EntryError, match="Không thể chuyển"):
        intake.accept(draft, org)
    entry = submitted(youth, people["entrant"], title="Khác")
    intake.accept(entry, org)
    with pytest.raises(operations.EntryError, match="Không thể chuyển"):
        intake.receive(entry, org)


def test_only_organizers_do_intake(youth, people):
    entry = submitted(youth, people["entrant"])
    for user in (people["entrant"], people["coord"], people["judge"]):
        with pytest.raises(operations.NotAllowed):
            intake.accept(entry, user)
        with pytest.raises(operations.NotAllowed):
            intake.bulk("accept", [entry], user)


def test_stale_intake_is_refused(youth, people):
    entry = submitted(youth, people["entrant"])
    seen = entry.version
    intake.receive(entry, people["organizer"])
    with pytest.raises(operations.StaleEntry):
        intake.accept(entry, people["organizer"], expected_version=seen)


def test_accepted_entry_is_read_only_for_the_entrant_but_withdrawable_by_organizers(youth, people):
    entry = submitted(youth, people["entrant"])
    intake.accept(entry, people["organizer"])
    with pytest.raises(operations.NotAllowed, match="không thể sửa"):
        operations.update_entry(entry, people["entrant"], {"title": "X"}, now=BEFORE)
    intake.record_withdrawal(entry, people["organizer"], reason="Thí sinh xin rút")
    assert entry.status == "withdrawn"
    assert audits("entry.withdraw")[0].details["reason"] == "Thí sinh xin rút"


def test_reclassify_keeps_the_code_and_is_audited(youth, people):
    entry = submitted(youth, people["entrant"])
    intake.reclassify(entry, people["organizer"], youth.field_by_code("BDKH"))
    db.session.commit()
    assert (entry.field.code, entry.code) == ("BDKH", "STTN26-HT-001")
    (audit,) = audits("entry.reclassify")
    assert audit.details["before"] == {"field": "HT", "board": None}
    assert audit.details["after"] == {"field": "BDKH", "board": None}


def test_reclassify_checks_the_edition_and_boards(youth, technical, people):
    entry = submitted(youth, people["entrant"])
    with pytest.raises(operations.InvalidEntry):
        intake.reclassify(entry, people["organizer"], technical.field_by_code("CNTT"))


def test_bulk_reports_each_entry(youth, people):
    org = people["organizer"]
    a = submitted(youth, people["entrant"], title="A")
    b = submitted(youth, people["entrant"], title="B")
    intake.accept(b, org)
    draft = make_draft(youth, people["entrant"], title="C")
    outcomes = intake.bulk("receive", [a, b, draft], org)
    assert [(o.entry_id, o.ok) for o in outcomes] == [
        (a.id, True),
        (b.id, False),
        (draft.id, False),
    ]
    assert "Không thể chuyển" in outcomes[1].message
    assert a.status == "received" and b.status == "accepted" and draft.status == "draft"
    outcomes = intake.bulk("reclassify", [a, b], org, field=youth.field_by_code("PM"))
    assert all(o.ok for o in outcomes) and a.field.code == b.field.code == "PM"
    with pytest.raises(operations.InvalidEntry):
        intake.bulk("reject", [a], org, reason="")
    outcomes = intake.bulk("reject", [a, b], org, reason="Trùng lặp")
    assert all(o.ok for o in outcomes) and a.status == b.status == "rejected"


def test_completeness_per_entry_and_in_one_query(youth, people):
    full = make_draft(youth, people["entrant"], title="Đủ")
    bare = make_draft(youth, people["entrant"], title="Thiếu", complete=False)
    assert completeness.check(full).complete
    report = completeness.check(bare)
    assert not report.complete
    assert report.missing_attachments == ["description", "photos", "unit_confirmation"]
    db.session.delete(
        db.session.scalars(
            select(Attachment).where(Attachment.entry_id == full.id, Attachment.kind == "photos")
        ).one()
    )
    db.session.commit()
    assert completeness.missing_kinds_by_entry([full, bare]) == {
        full.id: ["photos"],
        bare.id: ["description", "photos", "unit_confirmation"],
    }
    assert "Ảnh chụp sản phẩm" in " ".join(completeness.check(full).messages())


def test_a_field_with_entries_cannot_be_deleted(youth, people):
    make_draft(youth, people["entrant"])
    with pytest.raises(InvalidEdition, match="đang có 1 hồ sơ"):
        editions.update_edition(
            youth,
            {"fields": [{"code": "PM", "name": "Phần mềm tin học"}]},
            people["organizer"],
            now=BEFORE,
        )
