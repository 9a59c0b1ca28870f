"""Celery tasks of the job system."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="jobs.run", acks_late=True, reject_on_worker_lost=True)
def run_job(job_id: int) -> None:
    """Run one job row by id."""
    from . import operations

    operations.run(job_id)


@shared_task(name="jobs.sweep")
def sweep_jobs() -> int:
    """Re-enqueue jobs that were never picked up (scheduled by beat every 30 s)."""
    from . import operations

    return operations.sweep()
