"""Celery tasks of judging: the daily reminder to judges with sheets due and the daily digest
of the panels' discussions (beat schedule in :mod:`contest.celery_app`)."""

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


@shared_task(name="judging.discussion_digest", ignore_result=True)
def discussion_digest() -> int:
    """Add the job that e-mails each judge the day's new panel comments (at most one e-mail a
    day each, :mod:`.discussion_digest`); returns the job's id."""
    from ..jobs.operations import commit
    from .discussion_digest import queue_digest

    job = queue_digest()
    commit()
    return job.id


# The digest's job handler (registered on import).
from . import discussion_digest as _discussion_digest  # noqa: E402, F401
