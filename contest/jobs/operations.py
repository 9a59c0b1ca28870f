"""Creating, dispatching, running and sweeping background jobs.

The rule: a user's action never depends on the broker. The job row is added to the same
transaction as the action; :func:`commit` commits it and only then hands the job to Celery.
If the broker is down the row stays ``pending`` and :func:`sweep` (periodic, and at worker
start) enqueues it again once the broker is back.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from flask import current_app
from sqlalchemy import select, update

from ..extensions import db
from ..timeutil import utcnow
from .models import Job, JobStatus

log = logging.getLogger(__name__)

_PENDING_KEY = "contest.jobs_to_dispatch"

Handler = Callable[[Job, "Progress"], dict[str, Any] | None]
HANDLERS: dict[str, Handler] = {}


def job_handler(kind: str) -> Callable[[Handler], Handler]:
    """Register ``func(job, progress)`` as the handler of jobs of ``kind``.

    Handlers must be idempotent: a job may run again after a worker dies mid-way.
    They return a JSON-able result (or None) and may commit their own work.
    """

    def decorator(func: Handler) -> Handler:
        HANDLERS[kind] = func
        return func

    return decorator


class Progress:
    """Reports progress of a running job in its own short transaction, so the UI sees it
    while the handler's own work is still uncommitted."""

    def __init__(self, job_id: int):
        self.job_id = job_id

    def __call__(self, done: int, total: int | None = None, message: str | None = None) -> None:
        values: dict[str, Any] = {"progress": done}
        if total is not None:
            values["total"] = total
        if message is not None:
            values["message"] = message[:300]
        with db.engine.begin() as conn:
            conn.execute(update(Job).where(Job.id == self.job_id).values(**values))


def create_job(kind: str, params: dict[str, Any] | None = None, user=None, total: int = 100) -> Job:
    """Add a pending job to the session (flushes; :func:`commit` dispatches it)."""
    if kind not in HANDLERS:
        raise ValueError(f"unknown job kind {kind!r}")
    job = Job(kind=kind, params=params or {}, created_by_id=getattr(user, "id", None), total=total)
    db.session.add(job)
    db.session.flush()
    db.session.info.setdefault(_PENDING_KEY, []).append(job.id)
    return job


def commit() -> None:
    """Commit the session, then enqueue the jobs created in this transaction."""
    job_ids = db.session.info.pop(_PENDING_KEY, [])
    db.session.commit()
    for job_id in job_ids:
        dispatch(job_id)


def dispatch(job_id: int) -> bool:
    """Hand a pending job to Celery. Returns False (the job stays pending) if the broker is
    unreachable; the sweeper tries again later."""
    from .tasks import run_job

    with db.engine.begin() as conn:
        claimed = conn.execute(
            update(Job)
            .where(Job.id == job_id, Job.status == JobStatus.PENDING.value)
            .values(
                status=JobStatus.QUEUED.value,
                enqueued_at=utcnow(),
                enqueue_count=Job.enqueue_count + 1,
            )
        ).rowcount
    if not claimed:
        return False
    try:
        run_job.apply_async(args=[job_id])
    except Exception as exc:  # broker down: keep the job, the sweeper re-enqueues it
        log.warning("could not enqueue job %s: %s", job_id, exc)
        with db.engine.begin() as conn:
            conn.execute(
                update(Job)
                .where(Job.id == job_id, Job.status == JobStatus.QUEUED.value)
                .values(status=JobStatus.PENDING.value)
            )
        return False
    return True


def sweep(now=None) -> int:
    """Enqueue jobs that were never picked up: pending for longer than ``JOB_REQUEUE_AFTER``
    seconds, or queued long ago and never started (a broker restart lost the message).
    Returns how many were enqueued."""
    now = now or utcnow()
    after = timedelta(seconds=current_app.config["JOB_REQUEUE_AFTER"])
    lost_after = after * 10
    stale = db.session.execute(
        select(Job.id).where(
            ((Job.status == JobStatus.PENDING.value) & (Job.created_at <= now - after))
            | ((Job.status == JobStatus.QUEUED.value) & (Job.enqueued_at <= now - lost_after))
        )
    ).scalars().all()
    db.session.rollback()
    count = 0
    for job_id in stale:
        with db.engine.begin() as conn:
            conn.execute(
                update(Job)
                .where(Job.id == job_id, Job.status == JobStatus.QUEUED.value)
                .values(status=JobStatus.PENDING.value)
            )
        count += dispatch(job_id)
    return count


def run(job_id: int) -> Job | None:
    """Run job ``job_id`` (called by the Celery task). Finished jobs are left alone, so a
    duplicate or redelivered message is harmless."""
    job = db.session.get(Job, job_id)
    if job is None or job.done:
        db.session.rollback()
        return job
    handler = HANDLERS.get(job.kind)
    job.status = JobStatus.RUNNING.value
    job.started_at = utcnow()
    job.attempts += 1
    job.error = None
    db.session.commit()
    try:
        result = handler(job, Progress(job.id)) if handler else None
        if handler is None:
            raise LookupError(f"no handler for job kind {job.kind!r}")
    except Exception:
        db.session.rollback()
        job = db.session.get(Job, job_id)
        job.status = JobStatus.FAILED.value
        job.error = traceback.format_exc(limit=20)[-4000:]
        job.finished_at = utcnow()
        db.session.commit()
        log.exception("job %s (%s) failed", job_id, job.kind)
        return job
    job = db.session.get(Job, job_id)
    db.session.refresh(job)
    job.status = JobStatus.SUCCEEDED.value
    job.result = result
    job.progress = job.total
    job.finished_at = utcnow()
    db.session.commit()
    return job
