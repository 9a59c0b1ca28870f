"""E-mail: rendered in the request, sent by a background job after the commit.

Backends (``MAIL_BACKEND``): ``smtp`` sends through ``MAIL_SERVER``; ``file`` (the embedded
default) writes each message as an ``.eml`` file to ``<instance>/mail`` and logs it;
``memory`` appends to ``app.extensions["mail_outbox"]`` (tests).
"""

from __future__ import annotations

import logging
import smtplib
import ssl
import uuid
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path
from typing import Any

from flask import current_app, render_template

from .jobs.models import Job
from .jobs.operations import create_job, job_handler

log = logging.getLogger(__name__)


def queue_email(to: str, subject: str, template: str, **context: Any) -> Job:
    """Render ``templates/emails/<template>.txt`` now and add a job that sends it after the
    commit (call :func:`contest.jobs.operations.commit`)."""
    body = render_template(f"emails/{template}.txt", **context)
    return create_job("mail.send", {"to": to, "subject": str(subject), "body": body})


def build_message(to: str, subject: str, body: str) -> EmailMessage:
    """Build a UTF-8 plain-text message."""
    msg = EmailMessage()
    msg["From"] = current_app.config["MAIL_DEFAULT_SENDER"]
    msg["To"] = to
    msg["Subject"] = subject
    msg["Date"] = formatdate(localtime=False)
    msg["Message-ID"] = make_msgid(domain="contest.local")
    msg.set_content(body, charset="utf-8")
    return msg


def deliver(msg: EmailMessage) -> None:
    """Send ``msg`` through the configured backend."""
    backend = current_app.config["MAIL_BACKEND"]
    if backend == "memory":
        current_app.extensions.setdefault("mail_outbox", []).append(msg)
    elif backend == "file":
        folder = Path(current_app.instance_path) / "mail"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{uuid.uuid4().hex}.eml"
        path.write_bytes(bytes(msg))
        log.info("mail to %s, %r written to %s", msg["To"], msg["Subject"], path)
    elif backend == "smtp":
        cfg = current_app.config
        if cfg["MAIL_USE_SSL"]:
            smtp: smtplib.SMTP = smtplib.SMTP_SSL(
                cfg["MAIL_SERVER"], cfg["MAIL_PORT"], context=ssl.create_default_context()
            )
        else:
            smtp = smtplib.SMTP(cfg["MAIL_SERVER"], cfg["MAIL_PORT"], timeout=30)
        with smtp:
            if cfg["MAIL_USE_TLS"]:
                smtp.starttls(context=ssl.create_default_context())
            if cfg["MAIL_USERNAME"]:
                smtp.login(cfg["MAIL_USERNAME"], cfg["MAIL_PASSWORD"] or "")
            smtp.send_message(msg)
    else:
        raise RuntimeError(f"unknown MAIL_BACKEND {backend!r}")


@job_handler("mail.send")
def _send_mail_job(job: Job, progress) -> dict[str, Any]:
    """Job handler: send one rendered e-mail."""
    params = job.params
    deliver(build_message(params["to"], params["subject"], params["body"]))
    return {"sent_to": params["to"]}
