"""Reminders: judges with sheets due while judging is open get at most one e-mail a day."""

from __future__ import annotations

from datetime import timedelta

import time_machine

from contest.jobs.operations import commit
from contest.judging.reminders import send_reminders
from contest.judging.tasks import remind_judges
from tests.judging_ui.conftest import AFTER, BEFORE, DURING
from tests.judging_ui.org_fixtures import submit_sheet


def _run(now):
    sent = send_reminders(now)
    commit()
    return sent


def test_only_judges_with_sheets_due_while_judging_is_open(
    edition, final, panel, entries, judges, outbox
):
    submit_sheet(edition, final, entries[0], judges[0], (30, 30, 40))  # An: nothing due
    submit_sheet(edition, final, entries[1], judges[1], (5,), status="draft")  # Bình: 1 due
    assert _run(BEFORE) == [] and _run(AFTER) == []
    assert _run(DURING) == [judges[1].id]
    assert [m["To"] for m in outbox] == ["gk2@example.vn"]
    body = outbox[0].get_content()
    assert "Bạn còn 1 phiếu chấm chưa nộp" in body and "Hội thi STKT 2026" in body
    assert "/judge/" in body
    for secret in ("Hoàng Thị Tác Giả", "Vũ Văn Sáng Chế", "CNTT-002"):
        assert secret not in body


def test_at_most_once_a_day_per_judge(edition, final, panel, entries, judges, outbox):
    submit_sheet(edition, final, entries[1], judges[1], (5,), status="draft")
    with time_machine.travel(DURING, tick=False):
        assert remind_judges.delay().get() == 1
    with time_machine.travel(DURING + timedelta(hours=10), tick=False):  # 19:00, same day
        assert remind_judges.delay().get() == 0
    with time_machine.travel(DURING + timedelta(hours=14), tick=False):  # 23:00, same day
        assert remind_judges.delay().get() == 0
    with time_machine.travel(DURING + timedelta(hours=15, minutes=30), tick=False):  # next day
        assert remind_judges.delay().get() == 1
    assert [m["To"] for m in outbox] == ["gk2@example.vn"] * 2


def test_the_reminder_task_is_on_the_beat_schedule(app):
    schedule = app.extensions["celery"].conf.beat_schedule["judging-remind"]
    assert schedule["task"] == "judging.remind" == remind_judges.name
