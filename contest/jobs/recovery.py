"""Recovering jobs whose run stopped: automatically by the sweeper, or by an organizer.

A running job whose heartbeat is older than ``JOB_STALE_AFTER`` seconds has stalled (its
worker died, or the broker lost the message of a run that was cancelled). The sweeper makes
it pending again and enqueues it; after ``JOB_MAX_AUTO_RERUNS`` automatic re-runs in a row it
is failed instead, so a job that kills its worker every time does not loop for ever. An
organizer may re-run a failed or stalled job. Every re-run is one conditional UPDATE (two
sweepers or two clicks re-run a job once) and is audited on the job.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import func, select, update

from ..audit.models import AuditEntry
from ..audit.operations import record
from ..extensions import db
from ..models_common import execute_dml
from ..timeutil import as_utc, utcnow
from .models import Job, JobStatus

log = logging.getLogger(__name__)

# Audit actions of re-runs, shown on the job page.
RERUN_ACTIONS = ("job.rerun", "job.rerun_auto", "job.stalled_failed")

# Progress messages (Vietnamese msgids, translated when shown).
AUTO_RERUN_MESSAGE = "Công việc bị gián đoạn nên đã được tự động chạy lại."
GAVE_UP_MESSAGE = (
    "Công việc bị gián đoạn quá nhiều lần nên đã dừng; Ban Tổ chức có thể cho chạy lại."
)


def stale_after() -> float:
    """Seconds without a heartbeat after which a running job counts as stalled."""
    return float(current_app.config.get("JOB_STALE_AFTER", 60))


def _last_sign_of_life():
    return func.coalesce(Job.heartbeat_at, Job.started_at)


def _stalled_clause(now: datetime):
    cutoff = now - timedelta(seconds=stale_after())
    return (Job.status == JobStatus.RUNNING.value) & (_last_sign_of_life() <= cutoff)


def is_stalled(job: Job, now: datetime | None = None) -> bool:
    """True if ``job`` is running but has shown no sign of life for ``JOB_STALE_AFTER`` s."""
    if job.status != JobStatus.RUNNING.value:
        return False
    last = job.heartbeat_at or job.started_at
    if last is None:
        return True
    return (now or utcnow()) - as_utc(last) >= timedelta(seconds=stale_after())


def can_rerun(job: Job) -> bool:
    """Whether an organizer may re-run ``job``: it failed, or it has stalled."""
    return job.status == JobStatus.FAILED.value or is_stalled(job)


def release_stalled(now: datetime | None = None) -> list[int]:
    """Make stalled jobs pending again (or fail those re-run too often); commit, and return
    the ids of the jobs to enqueue."""
    now = now or utcnow()
    limit = int(current_app.config.get("JOB_MAX_AUTO_RERUNS", 3))
    rows = db.session.execute(
        select(Job.id, Job.auto_reruns).where(_stalled_clause(now)).order_by(Job.id)
    ).all()
    released = []
    for job_id, reruns in rows:
        where = (Job.id == job_id) & _stalled_clause(now)
        if reruns >= limit:
            values = {
                "status": JobStatus.FAILED.value,
                "finished_at": now,
                "message": GAVE_UP_MESSAGE,
                "error": f"Stalled (no heartbeat for {stale_after():g} s) after "
                f"{reruns} automatic re-run(s).",
            }
            action, details = "job.stalled_failed", {"auto_reruns": reruns}
        else:
            values = {
                "status": JobStatus.PENDING.value,
                "auto_reruns": Job.auto_reruns + 1,
                "message": AUTO_RERUN_MESSAGE,
                "progress": 0,
                "heartbeat_at": None,
            }
            action, details = "job.rerun_auto", {"n": reruns + 1}
        changed = execute_dml(
            update(Job).where(where).values(**values).execution_options(synchronize_session=False)
        ).rowcount
        if changed == 1:
            record(None, action, "job", job_id, **details)
            if action == "job.rerun_auto":
                released.append(job_id)
        db.session.commit()
    if rows:
        log.info(
            "sweep: %d stalled job(s) released, %d failed", len(released), len(rows) - len(released)
        )
    return released


def rerun(job: Job, user) -> bool:
    """Re-run a failed or stalled ``job`` for organizer ``user``: reset it to pending, audit,
    commit and enqueue it. Returns False if it is neither (e.g. it has just finished)."""
    from .operations import dispatch

    previous = job.status
    now = utcnow()
    changed = execute_dml(
        update(Job)
        .where(Job.id == job.id, (Job.status == JobStatus.FAILED.value) | _stalled_clause(now))
        .values(
            status=JobStatus.PENDING.value,
            progress=0,
            message="",
            error=None,
            finished_at=None,
            heartbeat_at=None,
            auto_reruns=0,
        )
        .execution_options(synchronize_session=False)
    ).rowcount
    if changed != 1:
        db.session.rollback()
        return False
    record(user, "job.rerun", "job", job.id, previous_status=previous)
    db.session.commit()
    dispatch(job.id)
    return True


def rerun_history(job: Job) -> list[AuditEntry]:
    """The audited re-runs of ``job``, oldest first."""
    return list(
        db.session.scalars(
            select(AuditEntry)
            .where(
                AuditEntry.object_type == "job",
                AuditEntry.object_id == str(job.id),
                AuditEntry.action.in_(RERUN_ACTIONS),
            )
            .order_by(AuditEntry.id)
        )
    )
