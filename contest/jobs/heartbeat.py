"""A running job's heartbeat, and which database errors are worth running a job again for.

A job writes ``heartbeat_at`` when it is claimed, at every progress report, and from a small
daemon thread every quarter of ``JOB_STALE_AFTER`` seconds on a connection of its own. The
writes are conditional on the run still owning the job (same ``attempts``), so a run that was
replaced never keeps its successor looking alive. Heartbeat errors are logged, never raised.
"""

from __future__ import annotations

import logging
import threading

from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, OperationalError

from ..timeutil import utcnow
from .models import Job, JobStatus

log = logging.getLogger(__name__)


def beat(engine: Engine, job_id: int, attempt: int) -> bool:
    """Write the heartbeat of run ``attempt`` of job ``job_id`` in its own transaction.

    Returns False when that run no longer owns the job (finished, failed or taken over)."""
    with engine.begin() as conn:
        return (
            conn.execute(
                update(Job)
                .where(
                    Job.id == job_id,
                    Job.status == JobStatus.RUNNING.value,
                    Job.attempts == attempt,
                )
                .values(heartbeat_at=utcnow())
            ).rowcount
            == 1
        )


class Heartbeat:
    """A daemon thread beating every ``every`` seconds until :meth:`stop` (a context manager)."""

    def __init__(self, engine: Engine, job_id: int, attempt: int, every: float):
        self.engine = engine
        self.job_id = job_id
        self.attempt = attempt
        self.every = max(0.2, float(every))
        self._stop = threading.Event()
        self._thread = threading.Thread(
            target=self._loop, name=f"job-{job_id}-heartbeat", daemon=True
        )

    def __enter__(self) -> Heartbeat:
        self._thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self._stop.set()
        self._thread.join(timeout=2)  # a late beat is harmless: it needs the run to own the job

    def _loop(self) -> None:
        while not self._stop.wait(self.every):
            try:
                if not beat(self.engine, self.job_id, self.attempt):
                    if not self._stop.is_set():  # not merely finished meanwhile
                        log.warning("job %s: run %s was replaced", self.job_id, self.attempt)
                    return
            except Exception as exc:  # the database is away or locked: try again next time
                log.warning("job %s: heartbeat not written: %s", self.job_id, exc)


def is_transient_db_error(exc: BaseException) -> bool:
    """True for database errors that may pass if the job runs again: lost or refused
    connections, serialization failures and deadlocks (all ``OperationalError``), and any
    error the driver reports as a disconnect. Looks through chained causes."""
    seen = 0
    current: BaseException | None = exc
    while current is not None and seen < 10:
        if isinstance(current, OperationalError):
            return True
        if isinstance(current, DBAPIError) and current.connection_invalidated:
            return True
        current = current.__cause__ or current.__context__
        seen += 1
    return False
