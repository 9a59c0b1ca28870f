"""Draft reminders: one e-mail per unsubmitted draft, N days (an edition setting, default 3)
before the deadline that applies to its area, while submissions are open there."""

from __future__ import annotations

import time_machine
from sqlalchemy import select

from contest.announcements import tasks
from contest.audit.models import AuditEntry
from contest.contests.deadlines import extend_deadline
from contest.extensions import db
from contest.jobs import operations as jobs
from contest.jobs.models import Job
from tests.announcements.helpers import BEFORE, SLUG, local


def _remind(now) -> list[str]:
    """Queue and run (in-process) the reminders due at ``now``; every address written to so
    far (the outbox accumulates)."""
    with time_machine.travel(now, tick=False):
        tasks.remind_drafts_task()
    return sorted(m["To"] for m in _outbox())


def _outbox():
    from flask import current_app

    return current_app.extensions.setdefault("mail_outbox", [])


def test_each_draft_is_reminded_once_before_its_own_deadline(season, outbox):
    edition = season["edition"]
    assert edition.reminder_days_before == 3  # the default
    extend_deadline(edition, season["A"], local(2026, 8, 10, 17, 0), "Mưa lũ",
                    season["organizer"], now=BEFORE)  # fmt: skip
    jobs.commit()
    outbox.clear()

    assert _remind(local(2026, 7, 28, 16, 0)) == []  # more than 3 days before 31/7 17:00
    assert db.session.scalars(select(Job).where(Job.kind == tasks.REMINDERS_KIND)).all() == []
    # d2 (Hàm Yên, 31/7) is due; d1 (Mỹ Bằng, under Yên Sơn: 10/8) is not yet.
    assert _remind(local(2026, 7, 29, 9, 0)) == ["e2@example.vn"]
    body = outbox[0].get_content()
    assert "“Sản phẩm D2”" in body and "Hạn nộp là 17:00 31/07/2026" in body
    assert "còn 2 ngày" in body and "Hồ sơ còn thiếu:" in body
    assert f"/my/entries/{season['d2'].id}" in body
    assert _remind(local(2026, 7, 29, 10, 0)) == ["e2@example.vn"]  # not twice
    # After d2's deadline it is closed there; d1 becomes due 3 days before 10/8.
    assert _remind(local(2026, 8, 8, 9, 0)) == ["e1@example.vn", "e2@example.vn"]
    assert _remind(local(2026, 8, 9, 9, 0)) == ["e1@example.vn", "e2@example.vn"]
    # A job only when some reminder is due (29/7 9:00 and 8/8).
    assert len(db.session.scalars(select(Job).where(Job.kind == tasks.REMINDERS_KIND)).all()) == 2


def test_a_reminders_job_run_twice_sends_nothing_more(season, outbox):
    now = local(2026, 7, 30, 9, 0)
    job_id = tasks.queue_reminders(now)
    db.session.commit()
    assert jobs.run(job_id).result["sent"] == 2  # d1 and d2: both due on 31/7
    duplicate = jobs.create_job(tasks.REMINDERS_KIND, {"now": now.isoformat()})
    db.session.commit()
    assert jobs.run(duplicate.id).result == {"messages": 0, "sent": 0, "already_sent": 0}
    assert sorted(m["To"] for m in outbox) == ["e1@example.vn", "e2@example.vn"]


def test_no_reminder_when_the_edition_sets_zero_days(season, outbox):
    season["edition"].reminder_days_before = 0
    db.session.commit()
    assert _remind(local(2026, 7, 31, 9, 0)) == []


def _general(edition, **values) -> dict:
    def moment(value):
        return (
            value.astimezone(local(2026, 1, 1).tzinfo).strftime("%Y-%m-%dT%H:%M") if value else ""
        )

    data = {"version": str(edition.version), "title": edition.title,
            "number": str(edition.number or ""), "description": edition.description,
            "organizing_units": edition.organizing_units, "opens_at": moment(edition.opens_at),
            "submission_deadline": moment(edition.submission_deadline),
            "judging_starts_at": "", "judging_ends_at": ""}  # fmt: skip
    data.update(values)
    return data


def test_the_general_settings_page_edits_the_reminder_days(client, login, season):
    edition = season["edition"]
    login(season["organizer"])
    url = f"/organizer/editions/{SLUG}/general"
    page = client.get(url).get_data(as_text=True)
    assert 'name="reminder_days_before"' in page and 'value="3"' in page
    assert "Nhắc thí sinh có hồ sơ nháp trước hạn nộp (số ngày)" in page
    response = client.post(url, data=_general(edition, reminder_days_before="99"))
    assert response.status_code == 400
    assert "Nhập số ngày từ 0 (không nhắc) đến 60." in response.get_data(as_text=True)
    response = client.post(url, data=_general(edition, reminder_days_before="5"))
    assert response.status_code == 302
    db.session.expire_all()
    assert edition.reminder_days_before == 5
    audit = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "edition.reminder_days")
    ).one()
    assert audit.details["changes"]["reminder_days_before"] == {"before": 3, "after": 5}
    audit_page = client.get(f"/organizer/editions/{SLUG}/audit").get_data(as_text=True)
    assert "đổi số ngày nhắc hồ sơ nháp" in audit_page
