"""The ``accounts.password_reset`` job: the work behind "forgot password".

The page only adds this job, whatever the address, and answers the same: looking the account
up, issuing the token and sending the e-mail happen in the worker, so neither the answer nor
its timing tells whether the address has an account. Params ``{"email", "base_url"}`` (the
site's address for the link outside production, where ``PUBLIC_BASE_URL`` is used).
"""

from __future__ import annotations

from typing import Any

from flask import current_app, request
from flask_babel import lazy_gettext as _l

from ..jobs.models import Job
from ..jobs.operations import Progress, create_job, job_handler
from .emails import deliver_password_reset
from .operations import normalize_email, request_password_reset

KIND = "accounts.password_reset"


def queue_password_reset(email: str):
    """Add the reset job for ``email`` (the same work for any address; the caller commits
    with :func:`contest.jobs.operations.commit`)."""
    base = str(current_app.config.get("PUBLIC_BASE_URL") or "")
    if current_app.config.get("ENV_NAME") != "production" or not base:
        base = request.host_url
    return create_job(KIND, {"email": normalize_email(email)[:254], "base_url": base}, total=1)


@job_handler(KIND, label=_l("Gửi thư đặt lại mật khẩu"))
def send_reset(job: Job, progress: Progress) -> dict[str, Any]:
    """Issue a reset token and mail it when the address has an active account (and fewer
    than the allowed number of links were sent lately); otherwise do nothing."""
    base = str(job.params.get("base_url") or "http://localhost").rstrip("/")
    with current_app.test_request_context("/", base_url=base):
        issued = request_password_reset(job.params.get("email", ""))
        if issued is not None:
            deliver_password_reset(*issued)
    # The result never says whether a mail left: job pages are seen by organizers.
    return {}
