"""Jobs survive what stops them: duplicate and late messages, transient database errors,
heartbeats and the sweeper's re-runs of stalled jobs, and organizers' re-runs (tasks run
in-process; the real-worker versions are in test_recovery_worker.py)."""

from __future__ import annotations

import re
import sqlite3
import time
from datetime import timedelta

import pytest
from sqlalchemy import create_engine, select, text, update
from sqlalchemy.exc import OperationalError

from contest.audit.models import AuditEntry
from contest.extensions import db
from contest.jobs import operations, recovery
from contest.jobs.models import Job, JobStatus
from contest.timeutil import as_utc, utcnow
from tests import factories
from tests.jobs.helpers import add_job, reload, sign_in


@pytest.fixture()
def calls(handler):
    """A handler of kind ``test.count`` that records each run and writes an audit row."""
    seen: list[int] = []

    def _count(job, progress):
        seen.append(job.id)
        db.session.add(AuditEntry(action="test.count", object_type="job", object_id=str(job.id)))
        progress(1, 2)
        return {"ran": len(seen)}

    handler("test.count", _count)
    return seen


def _ago(seconds: float):
    return utcnow() - timedelta(seconds=seconds)


def _audit(action: str) -> list[AuditEntry]:
    db.session.rollback()
    return list(db.session.scalars(select(AuditEntry).where(AuditEntry.action == action)))


def _db_error(message: str) -> OperationalError:
    return OperationalError("UPDATE scores", {}, sqlite3.OperationalError(message))


# --- messages: one conditional UPDATE claims the job ------------------------------------


def test_a_duplicate_message_is_ignored_and_a_redelivery_takes_over_its_own_run(app, calls):
    job = add_job(
        "test.count", status="running", attempts=1, started_at=_ago(1), heartbeat_at=_ago(1)
    )
    operations.run(job.id, token=0)  # the message of run 1, delivered a second time
    assert calls == [] and reload(job.id).status == JobStatus.RUNNING

    operations.run(job.id, token=0, redelivered=True)  # run 1's worker died: take it over
    job = reload(job.id)
    assert calls == [job.id]
    assert (job.status, job.attempts) == (JobStatus.SUCCEEDED, 2)


def test_a_late_message_of_a_replaced_run_is_a_no_op(app, calls):
    # Run 1 stalled; the sweeper made the job pending again and sent a message with token 1.
    job = add_job("test.count", status="queued", attempts=1, auto_reruns=1)
    operations.run(job.id, token=0, redelivered=True)  # run 1's message, back after 1 h
    assert calls == [] and reload(job.id).status == JobStatus.QUEUED

    operations.run(job.id, token=1)
    assert reload(job.id).attempts == 2 and calls == [job.id]
    operations.run(job.id, token=1, redelivered=True)  # finished: nothing more
    operations.run(job.id, token=0, redelivered=True)
    assert calls == [job.id] and len(_audit("test.count")) == 1


def test_dispatch_sends_the_number_of_runs_started_as_the_token(app, calls, monkeypatch):
    sent = []
    task = app.extensions["celery"].tasks["jobs.run"]
    monkeypatch.setattr(task, "apply_async", lambda args, kwargs: sent.append((args, kwargs)))
    job = add_job("test.count", status="pending", attempts=2)
    assert operations.dispatch(job.id) is True
    assert sent == [([job.id], {"token": 2})]


def test_a_replaced_run_drops_its_outcome(app, handler):
    """The sweeper replaced this run while it was still going (e.g. its heartbeat could not
    be written): its work and outcome are rolled back, the successor's row is untouched."""
    other = create_engine(app.config["SQLALCHEMY_DATABASE_URI"])

    def _replaced(job, progress):
        with other.begin() as conn:  # another worker claims the job meanwhile
            conn.execute(update(Job).where(Job.id == job.id).values(attempts=Job.attempts + 1))
        db.session.add(AuditEntry(action="test.work", object_type="job", object_id=str(job.id)))
        return {"done": True}

    handler("test.replaced", _replaced)
    try:
        job = operations.create_job("test.replaced")
        operations.commit()
    finally:
        other.dispose()
    job = reload(job.id)
    assert (job.status, job.attempts, job.result) == (JobStatus.RUNNING, 2, None)
    assert _audit("test.work") == []


# --- transient database errors ---------------------------------------------------------


def test_a_transient_database_error_runs_the_job_again(app, handler):
    app.config["JOB_DB_RETRY_DELAY"] = 0.01
    tries = []

    def _flaky(job, progress):
        tries.append(job.id)
        db.session.add(AuditEntry(action="test.work", object_type="job", object_id=str(job.id)))
        db.session.flush()
        if len(tries) == 1 and db.engine.dialect.name == "postgresql":
            # a real lost connection: the server ends this session
            db.session.execute(text("SELECT pg_terminate_backend(pg_backend_pid())"))
        if len(tries) == 1:
            raise _db_error("server closed the connection unexpectedly")
        if len(tries) == 2:
            raise _db_error("could not serialize access due to concurrent update")
        return {"tries": len(tries)}

    handler("test.flaky", _flaky)
    job = operations.create_job("test.flaky")
    operations.commit()

    job = reload(job.id)
    assert job.status == JobStatus.SUCCEEDED, job.error
    assert (job.result, job.attempts, job.error) == ({"tries": 3}, 1, None)
    assert len(_audit("test.work")) == 1  # the failed tries' work was rolled back


def test_a_lasting_database_error_fails_the_job_with_a_clear_message(app, handler):
    app.config.update(JOB_DB_RETRIES=2, JOB_DB_RETRY_DELAY=0.05)
    tries = []

    def _down(job, progress):
        tries.append(time.monotonic())
        raise _db_error("connection refused")

    handler("test.down", _down)
    job = operations.create_job("test.down")
    operations.commit()

    job = reload(job.id)
    assert job.status == JobStatus.FAILED and len(tries) == 3
    assert tries[1] - tries[0] >= 0.05 and tries[2] - tries[1] >= 0.1  # backoff doubles
    assert job.message == operations.DB_GAVE_UP
    assert job.error.startswith("Database error; the handler ran 3 time(s):")
    assert "OperationalError" in job.error_summary and "connection refused" in job.error_summary


def test_other_errors_fail_at_once(app, handler):
    tries = []

    def _bug(job, progress):
        tries.append(1)
        raise KeyError("score")

    handler("test.bug", _bug)
    job = operations.create_job("test.bug")
    operations.commit()
    assert reload(job.id).status == JobStatus.FAILED and tries == [1]


# --- heartbeat ---------------------------------------------------------------------------


def test_a_running_job_writes_its_heartbeat_without_reporting_progress(app, handler):
    app.config["JOB_STALE_AFTER"] = 0.8  # a heartbeat every 0.2 s
    other = create_engine(app.config["SQLALCHEMY_DATABASE_URI"])
    seen = []

    def _quiet(job, progress):
        for _ in range(3):
            time.sleep(0.5)
            with other.connect() as conn:
                seen.append(conn.scalar(select(Job.heartbeat_at).where(Job.id == job.id)))
        return None

    handler("test.quiet", _quiet)
    try:
        job = operations.create_job("test.quiet")
        operations.commit()
    finally:
        other.dispose()
    assert reload(job.id).status == JobStatus.SUCCEEDED
    beats = [as_utc(b) if not isinstance(b, str) else b for b in seen]
    assert len(set(beats)) == 3, beats  # a new heartbeat between each look


# --- the sweeper -------------------------------------------------------------------------


def test_sweep_reruns_a_stalled_job_once_and_audits_it(app, calls):
    app.config["JOB_STALE_AFTER"] = 60
    stalled = add_job(
        "test.count", status="running", attempts=1, started_at=_ago(300), heartbeat_at=_ago(61)
    )
    alive = add_job(
        "test.count", status="running", attempts=1, started_at=_ago(300), heartbeat_at=_ago(5)
    )

    assert operations.sweep() == 1
    assert operations.sweep() == 0  # idempotent

    job = reload(stalled.id)
    assert (job.status, job.attempts, job.auto_reruns) == (JobStatus.SUCCEEDED, 2, 1)
    assert calls == [stalled.id]
    assert reload(alive.id).status == JobStatus.RUNNING
    [entry] = _audit("job.rerun_auto")
    assert (entry.object_id, entry.details, entry.actor_id) == (str(stalled.id), {"n": 1}, None)
    operations.run(stalled.id, token=0, redelivered=True)  # the dead run's message: no-op
    assert calls == [stalled.id]


def test_two_sweepers_release_a_stalled_job_once(app, calls):
    stalled = add_job(
        "test.count", status="running", attempts=1, started_at=_ago(300), heartbeat_at=_ago(300)
    )
    assert recovery.release_stalled() == [stalled.id]
    assert recovery.release_stalled() == []
    assert reload(stalled.id).auto_reruns == 1 and len(_audit("job.rerun_auto")) == 1


def test_a_job_that_stalls_again_and_again_is_failed(app, calls):
    app.config["JOB_MAX_AUTO_RERUNS"] = 3
    job = add_job(
        "test.count",
        status="running",
        attempts=4,
        auto_reruns=3,
        started_at=_ago(300),
        heartbeat_at=_ago(300),
    )
    assert operations.sweep() == 0
    job = reload(job.id)
    assert (job.status, job.message) == (JobStatus.FAILED, recovery.GAVE_UP_MESSAGE)
    assert "3 automatic re-run(s)" in job.error and calls == []
    assert len(_audit("job.stalled_failed")) == 1


# --- organizers re-run a failed or stalled job ---------------------------------------------


def test_organizer_reruns_a_failed_job_from_its_page(app, client, users, calls, sign_in):
    job = add_job("test.count", status="failed", attempts=1, error="Traceback\nRuntimeError: x")
    sign_in(users["organizer"])
    html = client.get(f"/jobs/{job.id}").get_data(as_text=True)
    assert f'action="/jobs/{job.id}/rerun"' in html and "data-confirm=" in html
    assert "Chạy lại" in html

    response = client.post(f"/jobs/{job.id}/rerun")
    assert response.status_code == 302
    job = reload(job.id)
    assert (job.status, job.attempts, job.error) == (JobStatus.SUCCEEDED, 2, None)
    [entry] = _audit("job.rerun")
    assert (entry.actor_id, entry.details) == (users["organizer"].id, {"previous_status": "failed"})
    html = client.get(f"/jobs/{job.id}").get_data(as_text=True)
    assert "Đã cho chạy lại công việc." in html
    assert 'data-testid="job-rerun-history"' in html and "cho chạy lại" in html
    assert f'action="/jobs/{job.id}/rerun"' not in html  # succeeded: nothing to re-run


def test_a_stalled_job_page_says_so_and_offers_a_rerun(app, client, users, calls, sign_in):
    job = add_job(
        "test.count",
        status="running",
        attempts=3,
        auto_reruns=2,
        started_at=_ago(600),
        heartbeat_at=_ago(600),
    )
    recovery.release_stalled()  # the sweeper's audit entry (the broker part is not needed)
    db.session.execute(
        update(Job)
        .where(Job.id == job.id)
        .values(status="running", started_at=_ago(300), heartbeat_at=_ago(300))
    )
    db.session.commit()
    sign_in(users["organizer"])
    html = client.get(f"/jobs/{job.id}").get_data(as_text=True)
    assert 'data-testid="job-stalled"' in html
    assert "Đã chạy lại tự động lần 3" in html and "đã chạy lại tự động lần 3" in html
    assert f'action="/jobs/{job.id}/rerun"' in html

    client.post(f"/jobs/{job.id}/rerun")
    job = reload(job.id)
    assert (job.status, job.auto_reruns) == (JobStatus.SUCCEEDED, 0)


def test_a_job_neither_failed_nor_stalled_is_not_rerun(app, client, users, calls, sign_in):
    running = add_job("test.count", status="running", started_at=_ago(5), heartbeat_at=_ago(1))
    done = add_job("test.count", status="succeeded", result={"ran": 1})
    sign_in(users["organizer"])
    for job in (running, done):
        assert f'action="/jobs/{job.id}/rerun"' not in client.get(f"/jobs/{job.id}").get_data(
            as_text=True
        )
        response = client.post(f"/jobs/{job.id}/rerun", follow_redirects=True)
        assert "Chỉ có thể chạy lại công việc đã thất bại hoặc bị gián đoạn." in response.get_data(
            as_text=True
        )
    assert reload(running.id).status == JobStatus.RUNNING and calls == []
    assert reload(done.id).result == {"ran": 1} and _audit("job.rerun") == []


def test_only_organizers_rerun_and_the_csrf_token_is_checked(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    with app.app_context():
        entrant = factories.make_user(email="ts@example.vn", roles=("entrant",))
        job = add_job("mail.send", status="failed", created_by_id=entrant.id, error="x")
        sign_in(client, entrant)
        html = client.get(f"/jobs/{job.id}").get_data(as_text=True)
        assert f'action="/jobs/{job.id}/rerun"' not in html  # the creator sees the job only
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)
        response = client.post(f"/jobs/{job.id}/rerun", data={"csrf_token": token})
        assert response.status_code == 403

        sign_in(client, factories.make_user(email="btc@example.vn", roles=("organizer",)))
        assert client.post(f"/jobs/{job.id}/rerun").status_code == 400  # no CSRF token
        assert reload(job.id).status == JobStatus.FAILED and _audit("job.rerun") == []
        db.session.remove()
