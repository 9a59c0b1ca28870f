"""The ``results.compile`` job: compile one round through the job system (Celery).

Params ``{"edition_id", "round_id"}``. The handler runs ``compile.compile_round`` inside the
job runner's transaction, which commits the run with the job's ``succeeded`` status (a worker
killed mid-run commits nothing; the redelivered message runs the job again from scratch).
Database trouble — ``OperationalError`` (connection lost, SQLite "database is locked"), an
``IntegrityError`` from a lost race for a run number, ``CompileBusy`` (another compile holds
the round's lock) — rolls the attempt back and retries with exponential backoff
(``RETRY_DELAYS``); the last failure fails the job. A retry after a lost race finds the
winner's run and returns it unchanged.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError, OperationalError

from ..contests.models import Edition, Round
from ..extensions import db
from ..jobs.models import Job
from ..jobs.operations import Progress, create_job, job_handler
from .compile import CompileBusy, CompileError, compile_round

log = logging.getLogger(__name__)

KIND = "results.compile"
#: Seconds to wait before each retry (the number of retries is its length).
RETRY_DELAYS: tuple[float, ...] = (0.5, 1.0, 2.0, 4.0, 8.0)
RETRYABLE = (OperationalError, IntegrityError, CompileBusy)


def create_compile_job(edition: Edition, round_: Round, user=None) -> Job:
    """Add a pending ``results.compile`` job for ``round_`` (flushes; commit dispatches it)."""
    return create_job(KIND, {"edition_id": edition.id, "round_id": round_.id}, user=user)


@job_handler(KIND, label=_l("Tổng hợp kết quả"), db_retries=False)  # RETRY_DELAYS
def compile_results(job: Job, progress: Progress) -> dict[str, Any]:
    """Compile the job's round, retrying database errors with backoff (module docstring)."""
    params = dict(job.params)
    created_by_id, job_id = job.created_by_id, job.id
    for attempt, delay in enumerate((*RETRY_DELAYS, None), start=1):
        try:
            edition = db.session.get(Edition, params["edition_id"])
            round_ = db.session.get(Round, params["round_id"])
            if edition is None or round_ is None or round_.edition_id != edition.id:
                raise CompileError(str(_l("Không còn lần thi hoặc vòng thi này.")))
            outcome = compile_round(
                edition, round_, created_by_id=created_by_id, job_id=job_id, progress=progress
            )
            return outcome.summary
        except RETRYABLE as exc:
            if delay is None:
                raise
            log.warning("results.compile job %s attempt %d: %s; retrying", job_id, attempt, exc)
            db.session.rollback()
            time.sleep(delay)
    raise AssertionError("unreachable")  # pragma: no cover
