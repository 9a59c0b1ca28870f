"""E-mails when results are published, sent by a job after the commit,
each message at most once. Who is told what: :mod:`.notify_plan`.

Publishing adds ONE ``publication.notify`` job (params ``publication_id``, ``attempt``) inside
the publish transaction (the ``@after_publish`` hook below): nothing is sent when that
transaction rolls back, and the job reaches Celery only after the commit
(``contest.jobs.operations.commit``).

Each message goes through ``notifications.send_once`` with its key
(``publication:<id>:author:<author id>`` / ``…:judge:<user id>`` / ``…:owner:<user id>``), so
a duplicated or redelivered job, a second job for the same publication, or a retry sends
nothing twice. The job's result counts what was sent, what had been sent before, and the
recipients skipped (no address, a malformed one, a deactivated account).

Failures: a message the mail server refuses (recipient, sender or data refused, or an address
it cannot carry) has its claim released by ``send_once``; the job goes on with the others,
then fails, saying how many were not sent. Any other error (server unreachable,
authentication) stops the job at once. A failed job is retried by ``retry_failed`` (beat task
``publication.notify_retry``, every 5 minutes, see ``contest.celery_app``) after a delay that
grows with each attempt (``RETRY_DELAYS``), as a new job for the same publication: it sends
exactly the messages not sent yet. A superseded version's failed notifications are not
retried (its correction is out and says what changed).
"""

from __future__ import annotations

import logging
import smtplib
from datetime import datetime, timedelta
from typing import Any

from celery import shared_task
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..extensions import db
from ..jobs.models import Job, JobStatus
from ..jobs.operations import Progress, create_job, job_handler
from ..timeutil import utcnow
from .hooks import after_publish
from .models import Publication
from .notifications import send_once
from .notify_plan import plan_for

log = logging.getLogger(__name__)

KIND = "publication.notify"
#: Seconds after the n-th failed attempt before attempt n + 1 (its length bounds the retries).
RETRY_DELAYS: tuple[int, ...] = (300, 900, 3600, 3 * 3600, 12 * 3600)
#: Errors that concern one message only: the job goes on with the others.
MESSAGE_ERRORS = (
    smtplib.SMTPRecipientsRefused,
    smtplib.SMTPSenderRefused,
    smtplib.SMTPDataError,
    smtplib.SMTPNotSupportedError,
    ValueError,  # an address or header the message cannot carry (UnicodeEncodeError too)
)


class NotifyIncomplete(Exception):
    """Some messages were not sent; a retry sends exactly those."""


# ---------------------------------------------------------------- the hook and the job


@after_publish
def queue_notifications(publication: Publication, previous, actor) -> None:
    """Add the notification job to the publish transaction (dispatched after the commit)."""
    create_job(KIND, {"publication_id": publication.id, "attempt": 1}, user=actor, total=1)


@job_handler(KIND, label=_l("Gửi thư báo kết quả công bố"))
def send_notifications(job: Job, progress: Progress) -> dict[str, Any]:
    """Send the publication's e-mails not sent yet (module docstring); fail when some could
    not be sent."""
    publication = db.session.get(Publication, int(job.params["publication_id"]))
    if publication is None:
        return {"messages": 0, "sent": 0, "note": "publication deleted"}
    plan = plan_for(publication)
    total = len(plan.mails)
    progress(0, total, _("Đang gửi %(n)d thư…", n=total))
    sent = already = 0
    refused: list[str] = []
    for done, mail in enumerate(plan.mails, start=1):
        try:
            if send_once(mail.key, mail.kind, mail.to, mail.subject, mail.body):
                sent += 1
            else:
                already += 1
        except MESSAGE_ERRORS as exc:
            log.warning("publication %s: mail to %s refused: %s", publication.id, mail.to, exc)
            refused.append(mail.to)
        except Exception as exc:
            raise NotifyIncomplete(
                _(
                    "Dừng gửi thư sau %(sent)d thư vì lỗi máy chủ thư (%(error)s); "
                    "lần chạy lại chỉ gửi các thư chưa gửi.",
                    sent=sent,
                    error=exc,
                )
            ) from exc
        if done % 10 == 0 or done == total:
            progress(done, message=_("Đã xử lý %(done)d/%(total)d thư", done=done, total=total))
    if refused:
        raise NotifyIncomplete(
            _(
                "%(failed)d thư bị máy chủ thư từ chối (%(sent)d thư đã gửi); "
                "lần chạy lại chỉ gửi các thư chưa gửi.",
                failed=len(refused),
                sent=sent,
            )
        )
    return {
        "publication_id": publication.id,
        "version": publication.version,
        "messages": total,
        "sent": sent,
        "already_sent": already,
        "missing_address": plan.missing_address,
        "invalid_address": plan.invalid_address,
        "inactive_account": plan.inactive_account,
    }


def retry_failed(now: datetime | None = None) -> list[int]:
    """Add a new notification job for each publication whose latest one failed, once its
    delay (``RETRY_DELAYS``) has passed, at most ``len(RETRY_DELAYS)`` times, never for a
    superseded version. Flushes; returns the new jobs' ids (commit with
    ``contest.jobs.operations.commit``)."""
    now = now or utcnow()
    horizon = now - timedelta(seconds=sum(RETRY_DELAYS) + 86400)
    failed_ids = db.session.scalars(
        select(Job.id).where(
            Job.kind == KIND, Job.status == JobStatus.FAILED.value, Job.finished_at >= horizon
        )
    ).all()
    if not failed_ids:
        return []
    latest: dict[int, Job] = {}
    for job in db.session.scalars(
        select(Job).where(Job.kind == KIND, Job.id >= min(failed_ids)).order_by(Job.id)
    ):
        latest[int(job.params.get("publication_id", 0))] = job
    created = []
    for publication_id, job in sorted(latest.items()):
        attempt = int(job.params.get("attempt", 1))
        if job.status != JobStatus.FAILED.value or attempt > len(RETRY_DELAYS):
            continue
        if job.finished_at is None or job.finished_at > now - timedelta(
            seconds=RETRY_DELAYS[attempt - 1]
        ):
            continue
        publication = db.session.get(Publication, publication_id)
        if publication is None or publication.superseded_at is not None:
            continue
        params = {"publication_id": publication_id, "attempt": attempt + 1, "retry_of": job.id}
        created.append(create_job(KIND, params, total=1).id)
    return created


@shared_task(name="publication.notify_retry", ignore_result=True)
def retry_failed_task() -> int:
    """Beat: retry failed notification jobs (``retry_failed``); returns how many."""
    from ..jobs.operations import commit

    created = retry_failed()
    commit()
    return len(created)
