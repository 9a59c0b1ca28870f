"""``system.selfcheck``: a job that proves the background pipeline end to end and tells the
organizers that the database, the job queue and the storage folder answer."""

from __future__ import annotations

import os
import socket
import time
from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, text

from ..extensions import db
from ..timeutil import as_utc, utcnow
from .models import Job, JobStatus
from .operations import Progress, job_handler

KIND = "system.selfcheck"
STEPS = 4
# Tables whose rows are counted (those present in the schema).
COUNTED_TABLES = ("users", "areas", "units", "jobs", "audit_entries")


def N_(message: str) -> str:  # noqa: N802 - the gettext "mark only" convention
    """Mark ``message`` for translation without translating it: progress messages are stored
    as Vietnamese msgids and translated when shown."""
    return message


@job_handler(KIND, label=_l("Kiểm tra hệ thống"))
def run_selfcheck(job: Job, progress: Progress) -> dict[str, Any]:
    """Check that the database answers, count rows of a few tables, look at the job queue and
    the upload folder; pause ``params["pause"]`` seconds between steps (0 in tests)."""
    pause = max(0.0, min(float(job.params.get("pause", 0) or 0), 5.0))
    started = time.monotonic()

    progress(0, STEPS, N_("Đang kiểm tra kết nối cơ sở dữ liệu…"))
    t0 = time.monotonic()
    db.session.execute(text("SELECT 1")).scalar_one()
    database = {
        "ok": True,
        "dialect": db.engine.dialect.name,
        "latency_ms": round((time.monotonic() - t0) * 1000, 2),
    }
    time.sleep(pause)

    progress(1, message=N_("Đang đếm dữ liệu…"))
    counts = {}
    for name in COUNTED_TABLES:
        table = db.metadata.tables.get(name)
        if table is not None:
            counts[name] = db.session.execute(select(func.count()).select_from(table)).scalar_one()
    time.sleep(pause)

    progress(2, message=N_("Đang kiểm tra hàng đợi công việc…"))
    by_status = {
        status: count
        for status, count in db.session.execute(
            select(Job.status, func.count()).group_by(Job.status)
        ).all()
    }
    oldest_waiting = db.session.execute(
        select(func.min(Job.created_at)).where(
            Job.status.in_([JobStatus.PENDING.value, JobStatus.QUEUED.value]), Job.id != job.id
        )
    ).scalar_one()
    jobs = {
        "by_status": {status.value: by_status.get(status.value, 0) for status in JobStatus},
        "oldest_waiting_seconds": _age_seconds(oldest_waiting),
    }
    time.sleep(pause)

    progress(3, message=N_("Đang kiểm tra thư mục lưu trữ…"))
    upload_dir = current_app.config["UPLOAD_DIR"]
    storage = {
        "exists": os.path.isdir(upload_dir),
        "writable": os.path.isdir(upload_dir) and os.access(upload_dir, os.W_OK),
    }
    time.sleep(pause)

    progress(STEPS, message=N_("Hoàn tất kiểm tra."))
    return {
        "database": database,
        "counts": counts,
        "jobs": jobs,
        "storage": storage,
        "host": socket.gethostname(),
        "pid": os.getpid(),
        "duration_ms": round((time.monotonic() - started) * 1000, 1),
    }


def _age_seconds(when) -> int | None:
    """Seconds since ``when`` (a stored UTC datetime), or None."""
    if when is None:
        return None
    return max(0, int((utcnow() - as_utc(when)).total_seconds()))
