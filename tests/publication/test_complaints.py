"""Complaints: who may lodge one and when, which entries, text and count limits, answering
once (accepted / rejected), audit, and the answer's e-mail sent exactly once."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from sqlalchemy import func, select, update

from contest.accounts.models import Role
from contest.audit.models import AuditEntry
from contest.entries.models import Entry
from contest.extensions import db
from contest.jobs import operations as jobs
from contest.jobs.models import Job, JobStatus
from contest.publication import complaints as domain
from contest.publication import operations as pub
from contest.publication.models import Complaint, SentNotification
from tests import factories
from tests.publication.flow import T0, correct, entrant_owning, published, ready_edition, version


def _entry(code: str) -> Entry:
    return db.session.scalar(select(Entry).where(Entry.code == code))


def _refused(func_, *args) -> str:
    with pytest.raises(domain.ComplaintError) as refused:
        func_(*args)
    db.session.rollback()
    return refused.value.message


@pytest.fixture()
def posting(runner, tmp_path, users):
    """Version 1 published at T0 with 15 days of posting; an entrant owning A2."""
    with time_machine.travel(T0, tick=False):
        edition, v1 = published(runner, tmp_path, users["organizer"])
    return edition, v1, entrant_owning("A2", email="an@example.vn")


def test_only_entrants_of_the_edition_may_complain(posting, users):
    edition, v1, owner = posting
    now = T0 + timedelta(days=1)
    assert domain.can_complain(owner, edition, now)
    stranger = factories.make_user(roles=(Role.ENTRANT,))  # no entry in this edition
    refusal = domain.can_complain(stranger, edition, now)
    assert not refusal and "có hồ sơ" in refusal.reason
    assert not domain.can_complain(users["organizer"], edition, now)  # not an entrant
    drafter = entrant_owning("A6")
    db.session.execute(update(Entry).where(Entry.code == "A6").values(status="draft", code="A6"))
    jobs.commit()
    assert not domain.can_complain(drafter, edition, now)  # a draft does not count
    message = _refused(domain.lodge, v1, _entry("A1"), stranger, "Không đúng", now)
    assert "có hồ sơ" in message
    assert db.session.scalar(select(func.count(Complaint.id))) == 0


def test_complaints_are_taken_only_during_the_posting_period(runner, tmp_path, users):
    organizer = users["organizer"]
    edition = ready_edition(runner, tmp_path, organizer)
    owner = entrant_owning("A2")
    assert "chưa được công bố" in domain.can_complain(owner, edition, T0).reason
    with time_machine.travel(T0, tick=False):
        v1 = pub.publish(edition, organizer, posting_days=15)
        jobs.commit()
    ends = T0 + timedelta(days=15)
    assert domain.can_complain(owner, edition, T0)
    assert domain.can_complain(owner, edition, ends - timedelta(seconds=1))
    late = domain.can_complain(owner, edition, ends)
    assert not late and "đã kết thúc" in late.reason and "16/09/2026 10:00" in late.reason
    assert "đã kết thúc" in _refused(domain.lodge, v1, _entry("A1"), owner, "Trễ", ends)
    domain.lodge(v1, _entry("A1"), owner, "Đúng hạn", ends - timedelta(seconds=1))
    jobs.commit()


def test_no_complaint_without_a_posting_period(runner, tmp_path, users):
    edition, v1 = published(runner, tmp_path, users["organizer"], posting_days=0)
    owner = entrant_owning("A2")
    refusal = domain.can_complain(owner, edition)
    assert not refusal and "không có thời gian niêm yết" in refusal.reason


def test_complaints_stay_with_their_version_and_a_superseded_one_takes_none(posting, users):
    edition, v1, owner = posting
    organizer = users["organizer"]
    with time_machine.travel(T0 + timedelta(days=1), tick=False):
        first = domain.lodge(v1, _entry("A3"), owner, "A3 đáng giải Nhì hơn A4?")
        jobs.commit()
        correct(edition, organizer)
        v2 = pub.publish(edition, organizer, note="Sau khiếu nại")
        jobs.commit()
        assert first.publication_id == version(edition, 1).id
        assert "thay thế" in _refused(domain.lodge, version(edition, 1), _entry("A3"), owner, "x")
        second = domain.lodge(v2, _entry("A3"), owner, "Về phiên bản 2")
        jobs.commit()
    assert second.publication_id == v2.id
    assert db.session.get(Complaint, first.id).publication.version == 1


def test_which_entries_may_be_complained_about(posting, runner, tmp_path):
    edition, v1, owner = posting
    now = T0 + timedelta(hours=1)
    # Another entrant's listed entry, and an accepted entry not on the list (A6, incomplete).
    assert domain.lodge(v1, _entry("A1"), owner, "A1 không phải sáng tạo mới", now).id
    assert domain.lodge(v1, _entry("A6"), owner, "A6 chưa được chấm đủ", now).id
    jobs.commit()
    assert domain.entry_by_code(edition, " a6 ").code == "A6"
    db.session.execute(update(Entry).where(Entry.code == "A6").values(status="withdrawn"))
    jobs.commit()
    assert "Không có hồ sơ này" in _refused(domain.lodge, v1, _entry("A6"), owner, "x", now)
    assert "Không có hồ sơ này" in _refused(domain.lodge, v1, None, owner, "x", now)


def test_text_is_required_and_bounded(posting):
    edition, v1, owner = posting
    now = T0 + timedelta(hours=1)
    assert "nội dung" in _refused(domain.lodge, v1, _entry("A1"), owner, "  \n ", now)
    assert "4000" in _refused(domain.lodge, v1, _entry("A1"), owner, "x" * 4001, now)
    complaint = domain.lodge(v1, _entry("A1"), owner, "  " + "ý" * 4000 + " ", now)
    assert len(complaint.text) == 4000


def test_at_most_five_open_complaints_per_edition(posting, users):
    edition, v1, owner = posting
    now = T0 + timedelta(hours=1)
    made = [domain.lodge(v1, _entry("A1"), owner, f"Khiếu nại {n}", now) for n in range(5)]
    jobs.commit()
    assert domain.open_count(owner, edition) == 5
    assert "5 khiếu nại" in _refused(domain.lodge, v1, _entry("A1"), owner, "Thứ sáu", now)
    other = entrant_owning("A3")  # the limit is per user
    domain.lodge(v1, _entry("A1"), other, "Của người khác", now)
    domain.answer(made[0], "rejected", "Không có căn cứ", users["organizer"], now)
    jobs.commit()
    assert domain.lodge(v1, _entry("A1"), owner, "Thứ sáu, sau khi có trả lời", now).id


def test_lodging_and_answering_are_audited_and_answered_once(posting, users, outbox):
    edition, v1, owner = posting
    organizer = users["organizer"]
    now = T0 + timedelta(hours=2)
    complaint = domain.lodge(v1, _entry("A4"), owner, "A4 bằng điểm A3", now)
    jobs.commit()
    assert complaint.status == "open" and complaint.user_id == owner.id
    assert "chấp nhận" in _refused(domain.answer, complaint, "open", "Sai", organizer)
    assert "nội dung" in _refused(domain.answer, complaint, "accepted", " ", organizer)
    domain.answer(complaint, "accepted", "Sẽ bốc thăm lại", organizer, now)
    jobs.commit()
    complaint = db.session.get(Complaint, complaint.id)
    assert (complaint.status, complaint.answer) == ("accepted", "Sẽ bốc thăm lại")
    assert complaint.answered_by_id == organizer.id and complaint.answered_at == now
    message = _refused(domain.answer, complaint, "rejected", "Đổi ý", organizer)
    assert "đã được trả lời" in message
    assert db.session.get(Complaint, complaint.id).status == "accepted"
    audit = {
        a.action: a
        for a in db.session.scalars(
            select(AuditEntry).where(AuditEntry.action.like("publication.complaint%"))
        )
    }
    assert audit["publication.complaint"].actor_id == owner.id
    assert audit["publication.complaint"].details == {
        "edition": edition.slug,
        "version": 1,
        "entry": "A4",
    }
    assert audit["publication.complaint_answer"].actor_id == organizer.id
    assert audit["publication.complaint_answer"].details["status"] == "accepted"


def test_the_answer_is_e_mailed_exactly_once(posting, users, outbox):
    edition, v1, owner = posting
    complaint = domain.lodge(v1, _entry("A1"), owner, "A1 trùng ý tưởng", T0)
    jobs.commit()
    outbox.clear()  # (other features may e-mail about the publication itself)
    domain.answer(complaint, "rejected", "Ý tưởng đã được thẩm định", users["organizer"])
    jobs.commit()  # the job runs in-process after the commit
    assert len(outbox) == 1
    message = outbox[0]
    assert message["To"] == "an@example.vn"
    assert edition.title in message["Subject"]
    body = message.get_content()
    assert "Ý tưởng đã được thẩm định" in body and "không được chấp nhận" in body
    assert "A1" in body and "/complaints/" in body
    job = db.session.scalar(select(Job).where(Job.kind == domain.JOB_KIND))
    assert job.status == JobStatus.SUCCEEDED.value and job.result["sent"] is True
    # The handler run again (a duplicated job) and the job redelivered: nothing more is sent.
    assert domain.send_answer(job, lambda *a, **k: None)["sent"] is False
    db.session.execute(update(Job).where(Job.id == job.id).values(status=JobStatus.QUEUED.value))
    jobs.commit()
    again = jobs.run(job.id)
    assert again.status == JobStatus.SUCCEEDED.value and again.result["sent"] is False
    assert len(outbox) == 1
    kinds = db.session.scalars(
        select(SentNotification.key).where(SentNotification.kind == "complaint_answer")
    ).all()
    assert kinds == [f"complaint-answer:{complaint.id}"]


def test_an_answer_given_meanwhile_by_another_organizer_wins(posting, users, outbox):
    edition, v1, owner = posting
    complaint = domain.lodge(v1, _entry("A1"), owner, "A1 trùng ý tưởng", T0)
    jobs.commit()
    assert complaint.status == "open"  # loaded here; another organizer answers in between
    with db.engine.begin() as conn:
        conn.execute(
            update(Complaint)
            .where(Complaint.id == complaint.id)
            .values(status="rejected", answer="Trả lời trước")
        )
    message = _refused(domain.answer, complaint, "accepted", "Trả lời sau", users["organizer"])
    assert "đã được trả lời" in message
    stored = db.session.get(Complaint, complaint.id)
    assert (stored.status, stored.answer) == ("rejected", "Trả lời trước")
    assert db.session.scalar(select(func.count(Job.id)).where(Job.kind == domain.JOB_KIND)) == 0
    del edition
