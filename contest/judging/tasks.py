"""Celery tasks of judging: the daily reminder to judges with sheets due (beat schedule in
:mod:`contest.celery_app`)."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="judging.remind", ignore_result=True)
def remind_judges() -> int:
    """E-mail every judge with sheets due (at most once a day each); returns how many."""
    from ..jobs.operations import commit
    from .reminders import send_reminders

    sent = send_reminders()
    commit()
    return len(sent)
