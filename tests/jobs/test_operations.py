"""create_job / commit / dispatch / run / sweep, with tasks run in-process (eager)."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from sqlalchemy import create_engine, func, select

from contest.audit.models import AuditEntry
from contest.audit.operations import record
from contest.extensions import db
from contest.jobs import operations
from contest.jobs.models import Job, JobStatus
from contest.timeutil import utcnow
from tests.jobs.helpers import add_job, reload
from tests.services import port_free


@pytest.fixture()
def calls(handler):
    """A handler of kind ``test.count`` that records each run and returns a result."""
    seen: list[int] = []

    def _count(job, progress):
        seen.append(job.id)
        progress(1, 2, "một nửa")
        return {"ran": len(seen), "param": job.params.get("x")}

    handler("test.count", _count)
    return seen


def test_job_is_dispatched_only_after_commit_and_runs_once(app, calls):
    job = operations.create_job("test.count", {"x": 7}, total=2)
    job_id = job.id
    assert calls == []  # nothing runs before the commit
    assert job.status == JobStatus.PENDING

    assert operations.commit() == [job_id]

    assert calls == [job_id]
    job = reload(job_id)
    assert job.status == JobStatus.SUCCEEDED
    assert job.result == {"ran": 1, "param": 7}
    assert (job.progress, job.total, job.percent) == (2, 2, 100)
    assert (job.attempts, job.enqueue_count) == (1, 1)
    assert job.enqueued_at <= job.started_at <= job.finished_at


def test_finished_job_run_again_is_a_no_op(app, calls):
    job = operations.create_job("test.count")
    operations.commit()
    finished_at = reload(job.id).finished_at

    again = operations.run(job.id)
    operations.run(job.id, redelivered=True)

    assert calls == [job.id]
    assert again.status == JobStatus.SUCCEEDED
    assert (again.attempts, again.finished_at) == (1, finished_at)


def test_dispatch_of_a_job_not_pending_does_nothing(app, calls):
    job = add_job("test.count", status=JobStatus.SUCCEEDED.value)
    assert operations.dispatch(job.id) is False
    assert operations.dispatch(999_999) is False
    assert calls == []
    assert reload(job.id).enqueue_count == 0


def test_duplicate_message_for_a_running_job_is_ignored_but_a_redelivery_takes_over(app, calls):
    job = add_job("test.count", status=JobStatus.RUNNING.value, attempts=1, started_at=utcnow())

    operations.run(job.id)  # a second copy of the message while the first worker runs it
    assert calls == []
    assert reload(job.id).status == JobStatus.RUNNING

    operations.run(job.id, redelivered=True)  # its worker died: the broker delivered it again
    assert calls == [job.id]
    job = reload(job.id)
    assert (job.status, job.attempts) == (JobStatus.SUCCEEDED, 2)


def test_failing_handler_marks_the_job_failed_and_rolls_back_its_work(app, handler):
    def _fail(job, progress):
        record(None, "test.partial", "job", job.id)
        db.session.flush()
        raise ValueError("không đọc được tệp điểm")

    handler("test.fail", _fail)
    job = operations.create_job("test.fail")
    operations.commit()

    job = reload(job.id)
    assert job.status == JobStatus.FAILED
    assert "Traceback" in job.error
    assert job.error_summary == "ValueError: không đọc được tệp điểm"
    assert job.finished_at is not None and job.result is None
    assert db.session.scalar(select(func.count()).select_from(AuditEntry)) == 0


def test_handler_work_is_committed_with_the_success(app, handler):
    def _work(job, progress):
        record(None, "test.done", "job", job.id)
        return None

    handler("test.work", _work)
    job = operations.create_job("test.work")
    operations.commit()

    assert reload(job.id).status == JobStatus.SUCCEEDED
    entry = db.session.execute(select(AuditEntry)).scalar_one()
    assert (entry.action, entry.object_id) == ("test.done", str(job.id))


def test_unknown_kind_is_refused_and_a_kind_without_handler_fails(app):
    with pytest.raises(ValueError, match="unknown job kind"):
        operations.create_job("no.such.kind")
    job = add_job("retired.kind")
    operations.run(job.id)
    job = reload(job.id)
    assert job.status == JobStatus.FAILED
    assert "LookupError" in job.error_summary


def test_progress_is_visible_from_another_connection_while_the_job_runs(app, handler):
    seen = {}
    other = create_engine(app.config["SQLALCHEMY_DATABASE_URI"])

    def _observe(job, progress):
        progress(2, 5, "Bước 2")
        progress(9)  # clamped to the total (the check constraint holds)
        with other.connect() as conn:
            row = conn.execute(
                select(Job.status, Job.progress, Job.total, Job.message).where(Job.id == job.id)
            ).one()
        seen["row"] = tuple(row)
        return None

    handler("test.observe", _observe)
    try:
        job = operations.create_job("test.observe")
        operations.commit()
    finally:
        other.dispose()
    assert seen["row"] == ("running", 5, 5, "Bước 2")
    assert reload(job.id).status == JobStatus.SUCCEEDED


def test_progress_of_a_handler_that_has_written_does_not_block(app, handler):
    """On SQLite the handler's write lock would block a second connection (10 s busy timeout,
    then an error); progress then goes through the handler's own session. On PostgreSQL it
    still shows at once while the handler's work stays uncommitted."""
    seen = {}
    other = create_engine(app.config["SQLALCHEMY_DATABASE_URI"])

    def _write_then_report(job, progress):
        record(None, "test.write", "job", job.id)
        db.session.flush()
        progress(1, 4, "đã ghi")
        with other.connect() as conn:
            seen["progress"] = conn.scalar(select(Job.progress).where(Job.id == job.id))
            seen["entries"] = conn.scalar(select(func.count()).select_from(AuditEntry))
        return None

    handler("test.write", _write_then_report)
    started = time.monotonic()
    try:
        job = operations.create_job("test.write")
        operations.commit()
    finally:
        other.dispose()
    assert time.monotonic() - started < 5
    assert reload(job.id).status == JobStatus.SUCCEEDED
    assert seen["entries"] == 0  # the handler's work is not visible before its commit
    if db.engine.dialect.name == "postgresql":
        assert seen["progress"] == 1


def test_rolled_back_jobs_are_not_dispatched(app, calls, monkeypatch):
    dispatched = []
    monkeypatch.setattr(operations, "dispatch", lambda job_id: dispatched.append(job_id))
    operations.create_job("test.count")
    db.session.rollback()
    assert operations.commit() == []
    assert dispatched == []
    assert db.session.scalar(select(func.count()).select_from(Job)) == 0


def test_broker_down_keeps_the_job_pending_and_fails_fast(make_app, calls):
    app = make_app(REDIS_URL=f"redis://127.0.0.1:{port_free()}/0", CELERY_TASK_ALWAYS_EAGER=False)
    with app.app_context():
        job = operations.create_job("test.count")
        started = time.monotonic()
        assert operations.commit() == []
        elapsed = time.monotonic() - started
        job = reload(job.id)
        assert job.status == JobStatus.PENDING
        assert job.enqueue_count == 1  # it was tried
        db.session.remove()
    assert elapsed < 1.5, f"enqueue with the broker down took {elapsed:.2f} s"
    assert calls == []


def test_broker_down_one_failed_publish_leaves_the_other_jobs_for_the_sweeper(make_app, calls):
    app = make_app(REDIS_URL=f"redis://127.0.0.1:{port_free()}/0", CELERY_TASK_ALWAYS_EAGER=False)
    with app.app_context():
        ids = [operations.create_job("test.count").id for _ in range(3)]
        assert operations.commit() == []
        jobs = [reload(job_id) for job_id in ids]
        assert [j.status for j in jobs] == ["pending"] * 3
        assert [j.enqueue_count for j in jobs] == [1, 0, 0]  # one broker timeout, not three
        assert operations.sweep(after=0) == 0
        assert [reload(job_id).enqueue_count for job_id in ids] == [2, 0, 0]
        db.session.remove()


def test_sweep_enqueues_old_pending_and_lost_queued_jobs_only(app, calls):
    now = utcnow()
    fresh = add_job("test.count")
    old = add_job("test.count", age=61)
    lost = add_job("test.count", age=700, status="queued", enqueued_at=now - timedelta(seconds=601))
    waiting = add_job("test.count", age=700, status="queued", enqueued_at=now)
    running = add_job("test.count", age=700, status="running", started_at=now)
    done = add_job("test.count", age=700, status="succeeded")

    assert operations.sweep() == 2

    assert sorted(calls) == sorted([old.id, lost.id])
    assert reload(old.id).status == reload(lost.id).status == JobStatus.SUCCEEDED
    assert reload(fresh.id).status == JobStatus.PENDING
    assert reload(waiting.id).status == JobStatus.QUEUED
    assert reload(running.id).status == JobStatus.RUNNING
    assert reload(done.id).status == JobStatus.SUCCEEDED
    assert reload(lost.id).enqueue_count == 1


def test_sweep_after_zero_takes_every_pending_job_and_respects_config(app, calls):
    job = add_job("test.count")
    app.config["JOB_REQUEUE_AFTER"] = 3600
    assert operations.sweep(now=utcnow() + timedelta(seconds=3599)) == 0
    assert operations.sweep(after=0) == 1
    assert calls == [job.id]
    assert operations.sweep(after=0) == 0  # nothing left


def test_wait_for_returns_the_finished_job(app, calls):
    job = operations.create_job("test.count")
    operations.commit()
    assert operations.wait_for(job.id, timeout=1).status == JobStatus.SUCCEEDED
    pending = add_job("test.count")
    started = time.monotonic()
    assert operations.wait_for(pending.id, timeout=0.3, poll=0.1).status == JobStatus.PENDING
    assert time.monotonic() - started < 2


def test_percent_and_error_summary(app):
    assert Job(progress=1, total=3, status="running").percent == 33
    assert Job(progress=0, total=0, status="succeeded").percent == 100
    assert Job(progress=0, total=0, status="running").percent == 0
    assert Job(error=None).error_summary == ""
    assert Job(error="Traceback…\n  line\nKeyError: 'x'\n\n").error_summary == "KeyError: 'x'"


def test_progress_reports_close_together_are_written_once(app, handler):
    """A count reported again within ``Progress.MIN_INTERVAL`` of the last write is not
    written (each write is a transaction); a message, a new total and the last step are."""
    written = []

    def _reporting(job, progress):
        from sqlalchemy import event

        def count(conn, cursor, statement, *rest):
            if statement.lstrip().upper().startswith("UPDATE JOBS"):
                written.append(statement)

        event.listen(db.engine, "before_cursor_execute", count)
        try:
            progress(1, 10, "bắt đầu")  # written: a message
            progress(2, 10)  # same total, no message, right after: skipped
            progress(3)  # skipped
            progress(4, 20)  # written: a new total
            progress(5, 20, "giữa chừng")  # written: a message
            progress(20, 20)  # written: the last step
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
        return None

    handler("test.progress", _reporting)
    job = operations.create_job("test.progress")
    operations.commit()
    assert len(written) == 4, written
    assert reload(job.id).progress == 20
