"""Celery tasks of the job system. Arguments are ids, never objects."""

from __future__ import annotations

from celery import shared_task
from sqlalchemy.exc import OperationalError

from . import selfcheck  # noqa: F401 - registers the system.selfcheck handler


@shared_task(
    bind=True,
    name="jobs.run",
    acks_late=True,
    reject_on_worker_lost=True,
    # The database was unreachable while claiming the job: try again later (errors inside
    # the job are retried by operations.run itself).
    autoretry_for=(OperationalError,),
    max_retries=5,
    retry_backoff=2,
    retry_backoff_max=120,
    retry_jitter=True,
)
def run_job(self, job_id: int, token: int | None = None) -> None:
    """Run one job row by id (a no-op if it has finished, another worker has it, or a run
    started after this message was sent: ``token`` is the job's ``attempts`` at sending)."""
    from . import operations

    redelivered = bool((self.request.delivery_info or {}).get("redelivered"))
    operations.run(job_id, redelivered=redelivered, token=token)


@shared_task(name="jobs.sweep", ignore_result=True)
def sweep_jobs() -> int:
    """Re-enqueue jobs never picked up or stalled (beat, every ``JOB_SWEEP_EVERY`` s)."""
    from . import operations

    return operations.sweep()
