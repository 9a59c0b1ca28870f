"""The jobs that send announcements, automatic notices and draft reminders, each e-mail at most
once (``contest.publication.notifications.send_once``).

* ``announcements.send`` — one announcement: writes to its recipients still ``pending`` or
  ``failed``, marking each row ``sent`` or ``failed`` as it goes (committed one by one, so
  the page's counts and the progress bar follow). A job run again — a duplicated message, a
  worker killed mid-way and its job re-run by the sweeper, a resumed sending — writes only to
  the rest. An address the mail server refuses is marked ``failed`` and the job goes on,
  then fails saying how many; any other error (server unreachable) stops it at once.
* ``announcements.notice`` — the e-mails of one audited event (:func:`queue_notice`, added to
  the event's own transaction, so nothing is sent for an event rolled back).
* ``announcements.reminders`` — the draft reminders due now; added by the beat task
  ``announcements.remind_drafts`` (hourly, ``contest.celery_app``) when some are due and no
  such job is waiting.
"""

from __future__ import annotations

import logging
import smtplib
from datetime import datetime
from typing import Any

from celery import shared_task
from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from ..audit.models import AuditEntry
from ..extensions import db
from ..jobs.models import FINISHED, Job
from ..jobs.operations import Progress, create_job, job_handler
from ..publication.notifications import send_once
from ..timeutil import utcnow
from . import mails
from .models import Announcement, AnnouncementRecipient, RecipientStatus
from .operations import SEND_KIND, message_key

log = logging.getLogger(__name__)

NOTICE_KIND = "announcements.notice"
REMINDERS_KIND = "announcements.reminders"
#: Errors that concern one message only: the job goes on with the others.
MESSAGE_ERRORS = (
    smtplib.SMTPRecipientsRefused,
    smtplib.SMTPSenderRefused,
    smtplib.SMTPDataError,
    smtplib.SMTPNotSupportedError,
    ValueError,  # an address or header the message cannot carry
)


class SendingIncomplete(Exception):
    """Some messages were not sent; running the job again sends exactly those."""


def _step(total: int) -> int:
    """Report progress about a hundred times over ``total`` messages."""
    return max(1, total // 100)


# ---------------------------------------------------------------- announcements


@job_handler(SEND_KIND, label=_l("Gửi thông báo"))
def send_announcement(job: Job, progress: Progress) -> dict[str, Any]:
    """Send one announcement to the recipients not written to yet (module docstring)."""
    announcement = db.session.get(Announcement, int(job.params["announcement_id"]))
    if announcement is None:
        return {"messages": 0, "note": "announcement deleted"}
    todo = db.session.execute(
        select(AnnouncementRecipient.id, AnnouncementRecipient.email)
        .where(
            AnnouncementRecipient.announcement_id == announcement.id,
            AnnouncementRecipient.status != RecipientStatus.SENT.value,
        )
        .order_by(AnnouncementRecipient.id)
    ).all()
    total = announcement.recipient_count
    done = total - len(todo)
    subject = announcement.subject
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        body = render_template(
            "emails/announcement.txt",
            body=announcement.body,
            edition=announcement.edition,
            audience=str(announcement.audience_label),
        )
    announcement_id = announcement.id
    progress(done, total, _("Đang gửi %(n)d thư…", n=len(todo)))
    sent = already = failed = 0
    for recipient_id, address in todo:
        values: dict[str, Any]
        try:
            fresh = send_once(
                message_key(announcement_id, address), "announcement", address, subject, body
            )
        except MESSAGE_ERRORS as exc:
            log.warning("announcement %s: mail to %s refused: %s", announcement_id, address, exc)
            failed += 1
            values = {"status": RecipientStatus.FAILED.value, "error": str(exc)[:300]}
        except Exception as exc:
            db.session.rollback()
            raise SendingIncomplete(
                _(
                    "Dừng gửi sau %(sent)d thư vì lỗi máy chủ thư (%(error)s); "
                    "gửi tiếp sẽ chỉ gửi các thư chưa gửi.",
                    sent=sent,
                    error=exc,
                )
            ) from exc
        else:
            sent, already = sent + fresh, already + (not fresh)
            values = {"status": RecipientStatus.SENT.value, "error": "", "sent_at": utcnow()}
        db.session.execute(
            update(AnnouncementRecipient)
            .where(AnnouncementRecipient.id == recipient_id)
            .values(**values)
        )
        db.session.commit()
        done += 1
        if done % _step(total) == 0 or done == total:
            progress(done, message=_("Đã xử lý %(done)d/%(total)d thư", done=done, total=total))
    if failed:
        raise SendingIncomplete(
            _(
                "%(failed)d thư bị máy chủ thư từ chối (%(sent)d thư đã gửi); "
                "gửi tiếp sẽ chỉ gửi các thư chưa gửi.",
                failed=failed,
                sent=sent,
            )
        )
    return {"announcement_id": announcement_id, "messages": total, "sent": sent,
            "already_sent": already}  # fmt: skip


# ---------------------------------------------------------------- automatic notices


def queue_notice(audit: AuditEntry) -> None:
    """Audit listener (registered in ``create_app``): add the notice job of the event
    ``audit`` records to its transaction; it is dispatched after the commit."""
    db.session.flush()  # the audit entry's id names the event
    job = create_job(NOTICE_KIND, {"audit_id": audit.id}, total=1)
    job.created_by_id = audit.actor_id


def _send_all(mail_list: list[mails.Mail], progress: Progress, what: str) -> dict[str, Any]:
    """Send ``mail_list`` at most once each; refused ones are counted, then the job fails."""
    total = len(mail_list)
    progress(0, total, _("Đang gửi %(n)d thư…", n=total))
    sent = already = 0
    refused = []
    for done, mail in enumerate(mail_list, start=1):
        try:
            if send_once(mail.key, mail.kind, mail.to, mail.subject, mail.body):
                sent += 1
            else:
                already += 1
        except MESSAGE_ERRORS as exc:
            log.warning("%s: mail to %s refused: %s", what, mail.to, exc)
            refused.append(mail.to)
        if done % _step(total) == 0 or done == total:
            progress(done, message=_("Đã xử lý %(done)d/%(total)d thư", done=done, total=total))
    if refused:
        raise SendingIncomplete(
            _(
                "%(failed)d thư bị máy chủ thư từ chối (%(sent)d thư đã gửi); "
                "chạy lại sẽ chỉ gửi các thư chưa gửi.",
                failed=len(refused),
                sent=sent,
            )
        )
    return {"messages": total, "sent": sent, "already_sent": already}


@job_handler(NOTICE_KIND, label=_l("Gửi thư báo gia hạn hoặc chuyển lĩnh vực"))
def send_notice(job: Job, progress: Progress) -> dict[str, Any]:
    """Send the e-mails of one audited event (:func:`.mails.notice_mails`)."""
    audit = db.session.get(AuditEntry, int(job.params["audit_id"]))
    if audit is None:
        return {"messages": 0, "note": "event not found"}
    result = _send_all(mails.notice_mails(audit), progress, f"notice {audit.id}")
    return {"event": audit.action, **result}


# ---------------------------------------------------------------- draft reminders


@job_handler(REMINDERS_KIND, label=_l("Nhắc thí sinh nộp hồ sơ nháp"))
def send_reminders(job: Job, progress: Progress) -> dict[str, Any]:
    """Send the draft reminders due at the job's ``now`` (default: when it runs)."""
    raw = job.params.get("now")
    now = datetime.fromisoformat(raw) if raw else utcnow()
    due = mails.due_drafts(now)
    mail_list = [m for m in (mails.reminder_mail(e, d, now) for e, d in due) if m is not None]
    return _send_all(mail_list, progress, "reminders")


def queue_reminders(now: datetime | None = None) -> int | None:
    """Add a reminders job when drafts are due and none is waiting or running; returns its
    id (flushes; commit with ``contest.jobs.operations.commit``). An explicit ``now`` is
    passed on to the job; otherwise the job uses the time it runs."""
    params = {"now": now.isoformat()} if now is not None else {}
    now = now or utcnow()
    waiting = db.session.scalar(
        select(Job.id).where(Job.kind == REMINDERS_KIND, Job.status.not_in(FINISHED)).limit(1)
    )
    if waiting is not None or not mails.due_drafts(now):
        return None
    return create_job(REMINDERS_KIND, params, total=1).id


@shared_task(name="announcements.remind_drafts", ignore_result=True)
def remind_drafts_task() -> int | None:
    """Beat: queue the draft reminders due now (:func:`queue_reminders`)."""
    from ..jobs.operations import commit

    job_id = queue_reminders()
    commit()
    return job_id
