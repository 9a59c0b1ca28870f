"""Crash safety of the compile job (issue 6): a real worker is SIGKILLed in the middle of a
compile, after the run and its rows were written but before the commit; no run is visible,
and after a restart the job completes with exactly the rows of an undisturbed compile.

How the job comes back. The task is ``acks_late`` with ``reject_on_worker_lost``: the killed
worker never acknowledged the message, so Redis keeps it in its ``unacked`` hash and hands it
out again once the broker's visibility timeout has passed (1 h, ``celery_app``), flagged
``redelivered``. ``jobs.operations.run`` then takes the job over although its row still says
``running`` (``_claim(redelivered=True)``); a message that is NOT flagged redelivered leaves a
``running`` job alone, and ``sweep`` only re-enqueues ``pending``/lost ``queued`` jobs, never a
``running`` one. So the test does not wait an hour: it restores this one message itself, as
Redis would after the timeout (kombu's ``QoS.restore_by_tag``, which sets ``redelivered``),
and a freshly started worker runs it.

The compile is made slow in the first worker only: it runs ``slow_worker_app`` (the real
``worker`` module plus the test-only ``slow_compile.install``), with
``RESULTS_COMPILE_TEST_DELAY`` (a pause after each progress report).
Needs PostgreSQL (TEST_DATABASE_URL) and Redis: skips locally without them, fails under CI.
"""

from __future__ import annotations

import json
import signal
import time
import uuid

import pytest
from sqlalchemy import func, select

from contest.extensions import db
from contest.jobs.models import Job, JobStatus
from contest.results import compile as compiling
from contest.results.models import ResultRow, ResultsRun
from tests.jobs.helpers import reload, wait_until_finished
from tests.jobs.processes import CeleryWorker
from tests.results_review.helpers import build, compile_now

pytestmark = pytest.mark.worker


class SlowCompileWorker(CeleryWorker):
    """A real worker whose compile pauses after each progress report (``slow_worker_app``)."""

    app_module = "tests.results_compile.slow_worker_app"


@pytest.fixture()
def workers(tmp_path):
    """``start(broker, queue, database_url, **env)``: a real worker process; all stopped."""
    started: list[CeleryWorker] = []

    def start(
        broker: str, queue: str, database_url: str, worker_class=CeleryWorker, **env
    ) -> CeleryWorker:
        folder = tmp_path / f"w{len(started)}"
        folder.mkdir()
        worker = worker_class(folder, broker, queue, database_url, env)
        started.append(worker)
        worker.start()
        return worker

    try:
        yield start
    finally:
        for worker in started:
            worker.stop()


def _unacked_tags(client, queue: str) -> list[str]:
    """Delivery tags of the messages of ``queue`` that Redis holds as unacknowledged."""
    tags = []
    for tag, raw in client.hgetall("unacked").items():
        _message, _exchange, routing_key = json.loads(raw)
        if routing_key == queue:
            tags.append(tag.decode())
    return tags


def _restore_as_after_visibility_timeout(app, queue: str) -> int:
    """Put this queue's unacknowledged messages back, flagged redelivered (what Redis does
    once the visibility timeout has passed). Returns how many."""
    import redis

    celery = app.extensions["celery"]
    client = redis.Redis.from_url(app.config["REDIS_URL"])
    tags = _unacked_tags(client, queue)
    client.close()
    with celery.connection_for_write() as connection:
        qos = connection.default_channel.qos
        for tag in tags:
            qos.restore_by_tag(tag)
    return len(tags)


def _rows(run_id: int) -> list[tuple]:
    """Everything a run row holds (but its ids), in order."""
    stmt = (
        select(
            ResultRow.position,
            ResultRow.entry_id,
            ResultRow.entry_code,
            ResultRow.field_code,
            ResultRow.board_code,
            ResultRow.group_key,
            ResultRow.rank,
            ResultRow.score,
            ResultRow.prize_code,
            ResultRow.flags,
            ResultRow.explanation_text,
        )
        .where(ResultRow.run_id == run_id)
        .order_by(ResultRow.position)
    )
    return [tuple(r) for r in db.session.execute(stmt)]


def _count(model) -> int:
    db.session.rollback()  # see what other processes committed
    return db.session.scalar(select(func.count()).select_from(model))


def _wait_for_progress(job_id: int, at_least: int, worker: CeleryWorker, timeout: float) -> Job:
    """Poll until the job is running with ``progress >= at_least``."""
    deadline = time.monotonic() + timeout
    while True:
        job = reload(job_id)
        if job.status == JobStatus.RUNNING and job.progress >= at_least:
            return job
        assert job.status not in (JobStatus.SUCCEEDED, JobStatus.FAILED), job.error
        if time.monotonic() > deadline:
            raise AssertionError(f"job {job_id}: {job.status} {job.progress}\n{worker.log[-3000:]}")
        time.sleep(0.05)


def test_a_worker_killed_mid_compile_leaves_no_run_and_the_redelivered_job_completes(
    make_app, broker_and_queue, workers
):
    broker, queue = broker_and_queue
    app = make_app(REDIS_URL=broker, CELERY_TASK_ALWAYS_EAGER=False, CELERY_QUEUE=queue)
    database_url = app.config["SQLALCHEMY_DATABASE_URI"]
    with app.app_context():
        edition = build(app.test_cli_runner(), _tmp(app))
        round_ = edition.rounds[-1]
        # the undisturbed compile of the same data, in-process, never committed
        undisturbed = compiling.compile_round(edition, round_)
        expected_rows = _rows(undisturbed.run.id)
        expected_fingerprint = undisturbed.run.fingerprint
        db.session.rollback()
        assert _count(ResultsRun) == 0 and len(expected_rows) == 7

        slow = workers(
            broker, queue, database_url, SlowCompileWorker, RESULTS_COMPILE_TEST_DELAY="3"
        )
        slow.wait_ready()
        job_id = compile_now(edition)  # committed and handed to Redis
        # progress 99 is reported after the rows were written: all flushed, nothing committed;
        # the worker then pauses 3 s (after 10 and 60 too), and is killed in that pause
        _wait_for_progress(job_id, 99, slow, timeout=20)
        assert _count(ResultsRun) == 0 and _count(ResultRow) == 0

        slow.process.send_signal(signal.SIGKILL)
        slow.process.wait(timeout=10)
        time.sleep(0.3)  # PostgreSQL notices the closed connection and rolls back
        assert _count(ResultsRun) == 0 and _count(ResultRow) == 0
        killed = reload(job_id)
        assert (killed.status, killed.attempts) == (JobStatus.RUNNING, 1)

        fresh = workers(broker, queue, database_url)
        fresh.wait_ready()
        assert _restore_as_after_visibility_timeout(app, queue) == 1
        job = wait_until_finished(job_id, timeout=30, what=lambda: fresh.log[-3000:])
        assert job.status == JobStatus.SUCCEEDED, job.error
        assert job.attempts == 2  # the same job row, taken over by the redelivered message
        assert job.result["number"] == 1 and job.result["created"] is True

        run = db.session.scalars(select(ResultsRun)).one()
        assert (run.number, run.job_id) == (1, job_id)
        assert run.fingerprint == expected_fingerprint
        assert _rows(run.id) == expected_rows
        db.session.remove()
    assert "jobs.run" in fresh.wait_for_log("jobs.run")


def _tmp(app):
    """A private folder for the command files of this test."""
    from pathlib import Path

    path = Path(app.instance_path) / f"k3-worker-{uuid.uuid4().hex[:8]}"
    path.mkdir(parents=True)
    return path
