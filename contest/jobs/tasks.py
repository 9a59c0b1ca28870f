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
    autoretry_for=(OperationalError,),  # the database is unreachable: try again later
    max_retries=5,
    retry_backoff=2,
    retry_backoff_max=120,
    retry_jitter=True,
)
def run_job(self, job_id: int) -> None:
    """Run one job row by id (a no-op if it has finished or another worker has it)."""
    from . import operations

    redelivered = bool((self.request.delivery_info or {}).get("redelivered"))
    operations.run(job_id, redelivered=redelivered)


@shared_task(name="jobs.sweep", ignore_result=True)
def sweep_jobs() -> int:
    """Re-enqueue jobs that were never picked up (scheduled by beat every 30 s)."""
    from . import operations

    return operations.sweep()
