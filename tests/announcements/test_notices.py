"""Automatic notices: a deadline extension tells the owners of the drafts and submitted
entries whose deadline moved; a reclassification tells the entry's owner. Each is a job added
to the event's transaction (dispatched after the commit), at most once per event and
recipient; an event rolled back sends nothing."""

from __future__ import annotations

from sqlalchemy import select

from contest.announcements import tasks
from contest.audit.models import AuditEntry
from contest.contests.deadlines import extend_deadline
from contest.entries import intake
from contest.extensions import db
from contest.jobs import operations as jobs
from contest.jobs.models import Job, JobStatus
from tests.announcements.helpers import BEFORE, SLUG, local


def _tos(outbox) -> list[str]:
    return sorted(m["To"] for m in outbox)


def _notice_jobs() -> list[Job]:
    return db.session.scalars(
        select(Job).where(Job.kind == tasks.NOTICE_KIND).order_by(Job.id)
    ).all()


def test_an_area_extension_tells_the_owners_of_its_drafts_and_submitted_entries(season, outbox):
    edition, organizer = season["edition"], season["organizer"]
    extend_deadline(edition, season["A"], local(2026, 8, 10, 17, 0), "Mưa lũ", organizer,
                    now=BEFORE)  # fmt: skip
    jobs.commit()
    # d1 (draft, A1 under A, e1) and s1 (submitted, A, e3); not r1 (received) nor B's d2.
    assert _tos(outbox) == ["e1@example.vn", "e3@example.vn"]
    body = next(m for m in outbox if m["To"] == "e1@example.vn").get_content()
    assert "gia hạn nộp hồ sơ cho địa bàn Yên Sơn đến 17:00 10/08/2026" in body
    assert "Mưa lũ" in body and "“Sản phẩm D1”" in body
    [job] = _notice_jobs()
    assert job.status == JobStatus.SUCCEEDED and job.created_by_id == organizer.id

    # The whole edition, to a date before Yên Sơn's: only the entries whose deadline moved.
    outbox.clear()
    extend_deadline(edition, None, local(2026, 8, 5, 17, 0), "Thêm thời gian", organizer,
                    now=BEFORE)  # fmt: skip
    jobs.commit()
    assert _tos(outbox) == ["e2@example.vn"]
    assert "đã gia hạn nộp hồ sơ đến 17:00 05/08/2026" in outbox[0].get_content()

    # The same event's job run again (a duplicated job): nobody is written to twice.
    audit_id = _notice_jobs()[-1].params["audit_id"]
    again = jobs.create_job(tasks.NOTICE_KIND, {"audit_id": audit_id})
    db.session.commit()
    result = jobs.run(again.id).result
    assert (result["sent"], result["already_sent"]) == (0, 1) and len(outbox) == 1


def test_the_extension_page_sends_the_notice_after_its_commit(client, login, season, outbox):
    login(season["organizer"])
    edition = season["edition"]
    edition.opens_at = local(2026, 3, 1, 7, 30)
    response = client.post(
        f"/organizer/editions/{SLUG}/extensions",
        data={"area": str(season["B"].id), "new_deadline": "2099-08-20T17:00",
              "reason": "Địa bàn bị sạt lở"},
    )  # fmt: skip
    assert response.status_code == 302, response.get_data(as_text=True)[:400]
    assert _tos(outbox) == ["e2@example.vn"]  # d2 (draft, Hàm Yên); r1 is received


def test_an_extension_rolled_back_sends_nothing(season, outbox):
    extend_deadline(season["edition"], None, local(2026, 8, 5, 17, 0), "Thử", season["organizer"],
                    now=BEFORE)  # fmt: skip
    db.session.rollback()
    jobs.commit()
    assert outbox == [] and _notice_jobs() == []


def test_a_reclassified_entry_s_owner_is_told_once(season, outbox):
    edition, organizer = season["edition"], season["organizer"]
    entry = season["s1"]
    intake.reclassify(entry, organizer, edition.field_by_code("PM"))
    jobs.commit()
    assert _tos(outbox) == ["e3@example.vn"]
    body = outbox[0].get_content()
    assert "TTN-HT-001" in body and "“Sản phẩm TTN-HT-001”" in body
    assert f"Lĩnh vực trước đây: {edition.field_by_code('HT').name}" in body
    assert f"Lĩnh vực mới: {edition.field_by_code('PM').name}" in body
    [job] = _notice_jobs()
    # A duplicated message of the job and a second job for the event send nothing more.
    jobs.run(job.id)
    second = jobs.create_job(tasks.NOTICE_KIND, dict(job.params))
    db.session.commit()
    assert jobs.run(second.id).result["already_sent"] == 1
    assert len(outbox) == 1
    # A bulk reclassification: one notice per entry moved (a2 is accepted, r1 received).
    outbox.clear()
    intake.bulk("reclassify", [season["r1"], season["a2"]], organizer,
                field=edition.field_by_code("PM"))  # fmt: skip
    jobs.commit()
    assert _tos(outbox) == ["e1@example.vn", "e4@example.vn"]
    audits = db.session.scalars(
        select(AuditEntry.id).where(AuditEntry.action == "entry.reclassify")
    ).all()
    assert sorted(j.params["audit_id"] for j in _notice_jobs()) == sorted(
        [*audits, job.params["audit_id"]]
    )


def test_the_reclassify_page_tells_the_owner(client, login, season, outbox):
    login(season["organizer"])
    entry = season["r1"]
    response = client.post(
        f"/organizer/entries/{entry.id}/reclassify",
        data={"field_id": str(season["edition"].field_by_code("PM").id),
              "version": str(entry.version)},
    )  # fmt: skip
    assert response.status_code == 302, response.get_data(as_text=True)[:400]
    assert _tos(outbox) == ["e4@example.vn"]
