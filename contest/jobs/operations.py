"""Creating, dispatching, running and sweeping background jobs.

The rule: a user's action never depends on the broker. The job row is added to the same
transaction as the action; :func:`commit` commits it and only then hands the job to Celery.
If the broker is down the row stays ``pending`` and :func:`sweep` (beat every
``JOB_SWEEP_EVERY`` seconds, and once at worker start) enqueues it again once the broker is
back.

Delivery is at least once (``acks_late``), so :func:`run` claims a job with one conditional
UPDATE before it runs it. Each message carries the job's ``attempts`` at its sending (its
token): it may start the job only while no run has started since, so a duplicate or a late
message is a no-op; a message redelivered after its worker died may take over the run it had
started. A running job writes a heartbeat (:mod:`.heartbeat`); the sweeper re-enqueues a job
whose heartbeat stopped (:mod:`.recovery`), so recovery never waits for the broker.
"""

from __future__ import annotations

import logging
import time
import traceback
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import event, or_, select, update
from sqlalchemy.orm import Session

from ..audit.actor import Actor
from ..extensions import db
from ..models_common import execute_dml
from ..timeutil import utcnow
from .heartbeat import Heartbeat, is_transient_db_error
from .models import FINISHED, Job, JobStatus

log = logging.getLogger(__name__)

_PENDING_KEY = "contest.jobs_to_dispatch"

Handler = Callable[[Job, "Progress"], dict[str, Any] | None]
HANDLERS: dict[str, Handler] = {}
# Human labels of job kinds (lazy strings), shown in the UI; see :func:`job_handler`.
KIND_LABELS: dict[str, Any] = {}
# Kinds whose handler retries database errors itself (see :func:`job_handler`).
OWN_DB_RETRIES: set[str] = set()


def job_handler(
    kind: str, label: Any = None, db_retries: bool = True
) -> Callable[[Handler], Handler]:
    """Mark ``func(job, progress)`` as the handler of jobs of ``kind``; it runs jobs once
    registered with :func:`register_handler` (``create_app`` does it for every feature:
    ``contest.wiring``). Importing the module registers nothing.

    ``label`` (a lazy Vietnamese string) names the kind in the UI. Handlers must be
    idempotent: a job may run again after a worker dies mid-way. They flush their work and
    return a JSON-able result (or None); :func:`run` commits the work together with the
    ``succeeded`` status, or rolls it back and records the error. A handler that retries
    database errors itself passes ``db_retries=False``: :func:`run` then fails it at once.
    """

    def decorator(func: Handler) -> Handler:
        func.job_kind = kind  # type: ignore[attr-defined]
        func.job_label = label  # type: ignore[attr-defined]
        func.job_db_retries = db_retries  # type: ignore[attr-defined]
        return func

    return decorator


def is_handler(obj: object) -> bool:
    """True for a function marked with :func:`job_handler`."""
    return callable(obj) and isinstance(getattr(obj, "job_kind", None), str)


def register_handler(func: Handler, kind: str | None = None) -> None:
    """Run jobs of ``func``'s kind (its :func:`job_handler` mark, or ``kind``) with ``func``;
    registering again replaces the previous handler of that kind."""
    kind = kind or func.job_kind  # type: ignore[attr-defined]
    HANDLERS[kind] = func
    label = getattr(func, "job_label", None)
    if label is not None:
        KIND_LABELS[kind] = label
    if getattr(func, "job_db_retries", True):
        OWN_DB_RETRIES.discard(kind)
    else:
        OWN_DB_RETRIES.add(kind)


class Progress:
    """Reports the progress of a running job in its own short transaction, so that the UI
    sees it while the handler's own work is still uncommitted.

    On SQLite a second connection cannot write while the handler's session holds the write
    lock; then the update goes through the handler's session and shows at the commit.
    """

    #: A report that changes only the count is skipped when the previous one was written
    #: less than this many seconds ago (each is a transaction of its own: a compile of
    #: 20,000 entries reported every 5,000 rows spent a tenth of its time on them). The
    #: last step, a new total or a message is always written; the runner writes the
    #: total at the end.
    MIN_INTERVAL = 0.25

    def __init__(self, job_id: int, total: int, attempt: int | None = None):
        self.job_id = job_id
        self.total = total
        self.attempt = attempt  # when given, a run that was replaced reports nothing
        self.written_at: float | None = None

    def __call__(self, done: int, total: int | None = None, message: str | None = None) -> None:
        """Record ``done`` of ``total`` steps (``total`` unchanged if None) and a message."""
        now = time.monotonic()
        if (
            (total is None or int(total) == self.total)
            and message is None
            and done < self.total
            and self.written_at is not None
            and now - self.written_at < self.MIN_INTERVAL
        ):
            return
        self.written_at = now
        if total is not None:
            self.total = max(0, int(total))
        values: dict[str, Any] = {
            "progress": max(0, min(int(done), self.total)),
            "heartbeat_at": utcnow(),
        }
        if total is not None:
            values["total"] = self.total
        if message is not None:
            values["message"] = str(message)[:300]
        stmt = update(Job).where(Job.id == self.job_id).values(**values)
        if self.attempt is not None:
            stmt = stmt.where(Job.attempts == self.attempt)
        if _session_holds_sqlite_write_lock():
            db.session.execute(stmt)
            return
        with db.engine.begin() as conn:
            conn.execute(stmt)


def _session_holds_sqlite_write_lock() -> bool:
    """True on SQLite when the session has written in its open transaction."""
    if db.engine.dialect.name != "sqlite" or not db.session().in_transaction():
        return False
    dbapi_connection = db.session.connection().connection.dbapi_connection
    return bool(getattr(dbapi_connection, "in_transaction", False))


def create_job(
    kind: str, params: dict[str, Any] | None = None, user: Actor | None = None, total: int = 100
) -> Job:
    """Add a pending job to the session (flushes; :func:`commit` dispatches it)."""
    if kind not in HANDLERS:
        raise ValueError(f"unknown job kind {kind!r}")
    job = Job(kind=kind, params=params or {}, created_by_id=getattr(user, "id", None), total=total)
    db.session.add(job)
    db.session.flush()
    db.session.info.setdefault(_PENDING_KEY, []).append(job.id)
    return job


@event.listens_for(Session, "after_rollback")
def _forget_jobs_on_rollback(session: Session) -> None:
    """Jobs created in a rolled-back transaction no longer exist: do not dispatch them."""
    session.info.pop(_PENDING_KEY, None)


def commit() -> list[int]:
    """Commit the session, then enqueue the jobs created in this transaction.

    Returns the ids of the jobs handed to the broker; the others stay pending for the
    sweeper. Never raises because the broker is down, and after one failed publish does not
    try the remaining jobs (fifty e-mails must not cost fifty broker timeouts).
    """
    job_ids = db.session.info.pop(_PENDING_KEY, [])
    db.session.commit()
    return _dispatch_all(job_ids)


def dispatch(job_id: int) -> bool:
    """Hand a pending job to Celery. Returns False (the job stays pending) if the job is not
    pending or the broker is unreachable; the sweeper tries again later."""
    return _dispatch(job_id) == _ENQUEUED


_ENQUEUED, _NOT_PENDING, _BROKER_DOWN = "enqueued", "not pending", "broker down"


def _dispatch_all(job_ids: list[int]) -> list[int]:
    """Dispatch ``job_ids`` in order until the broker fails; return those enqueued."""
    enqueued = []
    for job_id in job_ids:
        outcome = _dispatch(job_id)
        if outcome == _BROKER_DOWN:
            break
        if outcome == _ENQUEUED:
            enqueued.append(job_id)
    return enqueued


def _dispatch(job_id: int) -> str:
    """Claim a pending job (pending → queued) and publish it; undo the claim if the publish
    fails. Returns one of ``_ENQUEUED``, ``_NOT_PENDING``, ``_BROKER_DOWN``."""
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
        token = conn.scalar(select(Job.attempts).where(Job.id == job_id)) if claimed else None
    if not claimed:
        return _NOT_PENDING
    celery = current_app.extensions["celery"]
    try:
        # The task registered in *this* app's Celery (its FlaskTask pushes this app).
        celery.tasks["jobs.run"].apply_async(args=[job_id], kwargs={"token": token})
    except Exception as exc:  # broker down: keep the job, the sweeper re-enqueues it
        if celery.conf.task_always_eager:  # no broker: the in-process run itself failed
            log.exception("job %s failed to run in-process", job_id)
        else:
            log.warning("could not enqueue job %s: %s", job_id, exc)
        with db.engine.begin() as conn:
            conn.execute(
                update(Job)
                .where(Job.id == job_id, Job.status == JobStatus.QUEUED.value)
                .values(status=JobStatus.PENDING.value)
            )
        return _NOT_PENDING if celery.conf.task_always_eager else _BROKER_DOWN
    return _ENQUEUED


def sweep(now: datetime | None = None, after: float | None = None) -> int:
    """Enqueue jobs that were never picked up or whose run stopped; returns how many.

    * pending for longer than ``after`` seconds (default ``JOB_REQUEUE_AFTER``);
    * queued ten times that long ago and never started (a broker restart lost the message);
    * running with a heartbeat older than ``JOB_STALE_AFTER`` (its worker died):
      see :func:`.recovery.release_stalled`.
    """
    from .recovery import release_stalled

    now = now or utcnow()
    if after is None:
        after = current_app.config["JOB_REQUEUE_AFTER"]
    released = release_stalled(now)
    pending_before = now - timedelta(seconds=after)
    lost_before = now - timedelta(seconds=10 * after)
    stale = (
        db.session.execute(
            select(Job.id)
            .where(
                or_(
                    (Job.status == JobStatus.PENDING.value) & (Job.created_at <= pending_before),
                    (Job.status == JobStatus.QUEUED.value) & (Job.enqueued_at <= lost_before),
                    Job.id.in_(released),
                )
            )
            .order_by(Job.id)
        )
        .scalars()
        .all()
    )
    db.session.rollback()
    if not stale:
        return 0
    with db.engine.begin() as conn:  # lost messages: make those jobs pending again
        conn.execute(
            update(Job)
            .where(Job.id.in_(stale), Job.status == JobStatus.QUEUED.value)
            .values(status=JobStatus.PENDING.value)
        )
    enqueued = _dispatch_all(list(stale))
    log.info("sweep: %d of %d stale job(s) enqueued", len(enqueued), len(stale))
    return len(enqueued)


def _claim(job_id: int, token: int | None, redelivered: bool) -> int | None:
    """Atomically mark the job running; returns the run's number (the new ``attempts``), or
    None if the job is finished, running elsewhere, or started since the message was sent.

    Without a token (a message sent before tokens existed) any pending or queued job is
    taken, and a running one only by a redelivered message."""
    waiting = Job.status.in_([JobStatus.PENDING.value, JobStatus.QUEUED.value])
    running = Job.status == JobStatus.RUNNING.value
    if token is None:
        condition = or_(waiting, running) if redelivered else waiting
    else:
        condition = waiting & (Job.attempts == token)
        if redelivered:  # its worker died mid-run (acks_late): take over the run it started
            condition = condition | (running & (Job.attempts == token + 1))
    now = utcnow()
    with db.engine.begin() as conn:
        claimed = conn.execute(
            update(Job)
            .where(Job.id == job_id, condition)
            .values(
                status=JobStatus.RUNNING.value,
                started_at=now,
                heartbeat_at=now,
                attempts=Job.attempts + 1,
                progress=0,
                error=None,
            )
        ).rowcount
        if claimed != 1:
            return None
        return conn.scalar(select(Job.attempts).where(Job.id == job_id))


def _finish(job_id: int, attempt: int, **values: Any) -> bool:
    """Record the outcome in the session's transaction if run ``attempt`` still owns the job
    (a run replaced by the sweeper must not overwrite its successor); commit or roll back."""
    done = execute_dml(
        update(Job)
        .where(Job.id == job_id, Job.status == JobStatus.RUNNING.value, Job.attempts == attempt)
        .values(finished_at=utcnow(), heartbeat_at=utcnow(), **values)
        .execution_options(synchronize_session=False)
    ).rowcount
    if done != 1:
        db.session.rollback()
        log.warning("job %s: run %s was replaced; its outcome is dropped", job_id, attempt)
        return False
    db.session.commit()
    return True


# Progress message of a job failed by database errors (a Vietnamese msgid, shown translated).
DB_GAVE_UP = (
    "Lỗi cơ sở dữ liệu kéo dài: công việc đã được thử lại nhiều lần nhưng không thành công."
)


def run(job_id: int, redelivered: bool = False, token: int | None = None) -> Job | None:
    """Run job ``job_id`` (called by the Celery task) and commit its outcome.

    A finished job, or one another worker is running, is left alone, so a duplicate message
    is harmless. A transient database error (:func:`.heartbeat.is_transient_db_error`) runs
    the handler again after ``JOB_DB_RETRY_DELAY`` seconds, doubled each time, up to
    ``JOB_DB_RETRIES`` times; then, or for any other exception, the job is ``failed`` with the
    traceback. A heartbeat is written while the handler runs.
    """
    attempt = _claim(job_id, token, redelivered)
    if attempt is None:
        db.session.rollback()
        return db.session.get(Job, job_id, populate_existing=True)
    config = current_app.config
    every = float(config.get("JOB_STALE_AFTER", 60)) / 4
    with Heartbeat(db.engine, job_id, attempt, every):
        _run_with_retries(job_id, attempt, config)
    return db.session.get(Job, job_id, populate_existing=True)


_AFTER_SUCCESS_KEY = "contest.jobs.after_success"


def after_success(action: Callable[[], None]) -> None:
    """Run ``action`` once the running job's outcome is committed — for what must not happen
    if the job's work is rolled back (deleting files a correction replaced). Dropped when
    the job fails."""
    db.session.info.setdefault(_AFTER_SUCCESS_KEY, []).append(action)


def _run_after_success(job_id: int) -> None:
    for action in db.session.info.pop(_AFTER_SUCCESS_KEY, []):
        try:
            action()
        except Exception:  # the job's work is committed: report, don't fail it
            log.exception("job %s: an after-success action failed", job_id)


def _run_with_retries(job_id: int, attempt: int, config: Mapping[str, Any]) -> None:
    """Run the handler, retrying it on transient database errors; record the outcome."""
    retries = max(0, int(config.get("JOB_DB_RETRIES", 4)))
    delay = max(0.0, float(config.get("JOB_DB_RETRY_DELAY", 1.0)))
    kind = None
    for retry in range(retries + 1):
        try:
            job = db.session.get_one(Job, job_id, populate_existing=True)
            kind = job.kind
            handler = HANDLERS.get(job.kind)
            if handler is None:
                raise LookupError(f"no handler for job kind {job.kind!r}")
            db.session.info.pop(_AFTER_SUCCESS_KEY, None)
            result = handler(job, Progress(job.id, job.total, attempt))
            db.session.flush()
            finished = _finish(
                job_id,
                attempt,
                status=JobStatus.SUCCEEDED.value,
                result=result,
                progress=Job.total,  # the total as last reported (maybe by another connection)
            )
            if finished:
                _run_after_success(job_id)
            db.session.info.pop(_AFTER_SUCCESS_KEY, None)
            return
        except Exception as exc:
            error = traceback.format_exc(limit=20)[-4000:]
            db.session.info.pop(_AFTER_SUCCESS_KEY, None)
            db.session.rollback()
            transient = is_transient_db_error(exc)
            if transient and retry < retries and kind not in OWN_DB_RETRIES:
                wait = min(delay * 2**retry, 60.0)
                log.warning(
                    "job %s: database error, retry %d in %.1f s: %s", job_id, retry + 1, wait, exc
                )
                time.sleep(wait)
                continue
            log.exception("job %s failed", job_id)
            _record_failure(job_id, attempt, error, DB_GAVE_UP if transient else None, retry + 1)
            return


def _record_failure(job_id: int, attempt: int, error: str, message: str | None, tries: int) -> None:
    """Mark the run failed; if even that fails (the database is away), the job stays running
    and the sweeper takes it up once its heartbeat is stale."""
    if message is not None:
        error = f"Database error; the handler ran {tries} time(s):\n{error}"
    values: dict[str, Any] = {"status": JobStatus.FAILED.value, "error": error}
    if message is not None:
        values["message"] = message
    try:
        _finish(job_id, attempt, **values)
    except Exception:
        db.session.rollback()
        log.exception("job %s: the failure could not be recorded", job_id)


def wait_for(job_id: int, timeout: float = 60.0, poll: float = 0.5) -> Job | None:
    """Wait until job ``job_id`` has finished or ``timeout`` seconds have passed; return the
    job as last read (for commands that run a job through Celery and print its outcome)."""
    deadline = time.monotonic() + timeout
    while True:
        job = db.session.get(Job, job_id, populate_existing=True)
        if job is None or job.status in FINISHED or time.monotonic() >= deadline:
            return job
        db.session.rollback()  # the next read sees what other processes committed
        time.sleep(poll)
