"""Job handlers for the recovery tests only (never shipped in ``contest``): registered in
the test process by the ``handler`` fixture and in worker processes by
``tests.jobs.recovery_worker_app``."""

from __future__ import annotations

import os
import time

from sqlalchemy import text

from contest.audit.operations import record
from contest.extensions import db

SLOW = "test.slow"
BACKEND = "test.backend"


def slow(job, progress) -> dict:
    """``params["steps"]`` steps, each writing an audit row (uncommitted until the job
    succeeds) and pausing ``params["pause"]`` seconds; the result depends on the steps only."""
    steps = int(job.params["steps"])
    pause = float(job.params.get("pause", 0))
    total = 0
    for step in range(steps):
        value = (step * 7919 + 13) % 1000
        record(None, "test.slow.step", "job", job.id, step=step, value=value)
        db.session.flush()
        total += value
        progress(step + 1, steps)
        time.sleep(pause)
    return {"steps": steps, "sum": total}


def backend(job, progress) -> dict:
    """Which PostgreSQL backend this job's session talks to, and from which process."""
    backend_pid = db.session.execute(text("SELECT pg_backend_pid()")).scalar_one()
    return {"backend_pid": backend_pid, "pid": os.getpid()}


HANDLERS = {SLOW: slow, BACKEND: backend}
