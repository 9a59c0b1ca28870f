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
from email.header import Header
from email.message import EmailMessage
from email.policy import EmailPolicy
from email.utils import formatdate, make_msgid
from pathlib import Path
from typing import Any

from flask import current_app, render_template

from .jobs.models import Job
from .jobs.operations import create_job, job_handler

log = logging.getLogger(__name__)

_ADDRESS_HEADERS = ("from", "to", "cc", "bcc", "reply-to", "sender")


def _encoded_words(text: str, name: str, policy: EmailPolicy) -> str:
    """``text`` as RFC 2047 encoded words folded onto continuation lines; every space stays
    inside an encoded word, so a reader joining the lines loses none."""
    header = Header(text, "utf-8", maxlinelen=policy.max_line_length, header_name=name)
    return header.encode(linesep=policy.linesep)


class MailPolicy(EmailPolicy):
    """The SMTP policy, except that non-ASCII subjects and display names are encoded by
    :class:`email.header.Header` (the standard folder can drop the space between two encoded
    words of a long Vietnamese subject: "Cuộc thiSáng tạo")."""

    def fold(self, name, value):
        return self._fold_unicode(name, value) or super().fold(name, value)

    def fold_binary(self, name, value):
        folded = self._fold_unicode(name, value)
        if folded is None:
            return super().fold_binary(name, value)
        return folded.encode("ascii")

    def _fold_unicode(self, name: str, value) -> str | None:
        text = str(value)
        if text.isascii():
            return None
        lower = name.lower()
        if lower in _ADDRESS_HEADERS and getattr(value, "addresses", None):
            parts = [
                (_encoded_words(a.display_name, name, self) + " " if a.display_name else "")
                + f"<{a.addr_spec}>"
                for a in value.addresses
            ]
            body = ("," + self.linesep + " ").join(parts)
        elif lower in _ADDRESS_HEADERS:
            return None
        else:
            body = _encoded_words(text, name, self)
        return f"{name}: {body}{self.linesep}"


MAIL_POLICY = MailPolicy(linesep="\r\n")


def queue_email(to: str, subject: str, template: str, **context: Any) -> Job:
    """Render ``templates/emails/<template>.txt`` now and add a job that sends it after the
    commit (call :func:`contest.jobs.operations.commit`)."""
    body = render_template(f"emails/{template}.txt", **context)
    return create_job("mail.send", {"to": to, "subject": str(subject), "body": body})


def build_message(to: str, subject: str, body: str) -> EmailMessage:
    """Build a UTF-8 plain-text message (headers folded per RFC 2047, see :class:`MailPolicy`)."""
    msg = EmailMessage(policy=MAIL_POLICY)
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
