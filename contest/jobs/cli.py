"""Command-line commands of the jobs feature: ``contest jobs sweep|list|selfcheck``."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..timeutil import format_local
from . import operations, selfcheck
from .labels import kind_label, status_label
from .models import Job, JobStatus

jobs_cli = AppGroup("jobs", help="Tác vụ nền — background jobs.")


@jobs_cli.command("sweep")
@click.option(
    "--older-than",
    type=click.FloatRange(min=0),
    default=None,
    help="Enqueue jobs pending for longer than this many seconds (default JOB_REQUEUE_AFTER).",
)
def sweep_command(older_than: float | None) -> None:
    """Enqueue again the jobs the broker never took and the running jobs whose heartbeat
    stopped (JOB_STALE_AFTER); print how many were enqueued."""
    count = operations.sweep(after=older_than)
    click.echo(_("Đã đưa %(count)d công việc vào hàng đợi.", count=count))


@jobs_cli.command("list")
@click.option("--status", type=click.Choice([s.value for s in JobStatus]), default=None)
@click.option("--limit", type=click.IntRange(min=1), default=20, show_default=True)
def list_command(status: str | None, limit: int) -> None:
    """Print the most recent jobs: id, status, progress, kind, creator, creation time."""
    stmt = select(Job).options(selectinload(Job.created_by)).order_by(Job.id.desc()).limit(limit)
    if status:
        stmt = stmt.where(Job.status == status)
    jobs = db.session.execute(stmt).scalars().all()
    if not jobs:
        click.echo(_("Chưa có công việc nào."))
        return
    for job in jobs:
        who = job.created_by.email if job.created_by else "-"
        click.echo(
            f"{job.id:>6}  {job.status:<9}  {job.percent:>3}%  {format_local(job.created_at)}  "
            f"{job.kind:<18}  {who}  {kind_label(job.kind)}"
        )


@jobs_cli.command("selfcheck")
@click.option(
    "--wait",
    "wait_seconds",
    type=click.FloatRange(min=0),
    default=30.0,
    show_default=True,
    help="Seconds to wait for a worker to run the check.",
)
def selfcheck_command(wait_seconds: float) -> None:
    """Run the system self-check through the job queue and print its outcome (exit 1 if it
    did not succeed in time)."""
    job = operations.create_job(selfcheck.KIND, {"pause": 0}, total=selfcheck.STEPS)
    job_id = job.id
    operations.commit()
    finished = operations.wait_for(job_id, timeout=wait_seconds)
    assert finished is not None  # it was committed just above
    click.echo(f"{job_id}  {finished.status}  {status_label(finished.status)}")
    if job.status != JobStatus.SUCCEEDED:
        if job.error:
            click.echo(job.error_summary, err=True)
        raise SystemExit(1)
    for key, value in (job.result or {}).items():
        click.echo(f"  {key}: {value}")


def register(app: Flask) -> None:
    """Attach this feature's commands to ``app.cli``."""
    app.cli.add_command(jobs_cli)
