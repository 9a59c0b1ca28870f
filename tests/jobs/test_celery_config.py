"""Celery is wired the Flask way, with the settings the issue asks for."""

from __future__ import annotations

import logging
import socket
import threading
import time
from types import SimpleNamespace

import pytest

from contest.celery_app import SWEEP_EVERY, sweep_at_worker_start
from contest.jobs import operations
from contest.jobs.models import JobStatus
from tests.jobs.helpers import add_job, reload
from tests.services import port_free


def test_settings(app):
    conf = app.extensions["celery"].conf
    assert conf.task_serializer == "json" and conf.accept_content == ["json"]
    assert conf.task_acks_late is True and conf.task_reject_on_worker_lost is True
    assert conf.worker_prefetch_multiplier == 1
    assert conf.task_default_queue == "contest"
    assert conf.task_always_eager is True  # the tests' default: no REDIS_URL
    task = app.extensions["celery"].tasks["jobs.run"]
    assert task.acks_late is True and task.reject_on_worker_lost is True
    schedule = conf.beat_schedule["jobs-sweep"]
    assert schedule["task"] == "jobs.sweep" and schedule["schedule"] == SWEEP_EVERY == 10.0


def test_queue_and_broker_come_from_the_config(make_app):
    app = make_app(
        REDIS_URL="redis://127.0.0.1:6390/3", CELERY_QUEUE="q-test", CELERY_TASK_ALWAYS_EAGER=None
    )
    conf = app.extensions["celery"].conf
    assert conf.task_default_queue == "q-test"
    assert conf.broker_url == "redis://127.0.0.1:6390/3"
    assert conf.task_always_eager is False  # a broker is configured


def test_tasks_run_inside_the_app_context_of_their_app(make_app):
    app = make_app()
    other = make_app(JOB_REQUEUE_AFTER=12345)  # created later: Celery's "current" app
    assert app.extensions["celery"] is not other.extensions["celery"]
    result = app.extensions["celery"].tasks["jobs.sweep"].apply()
    assert result.result == 0  # (get() refuses when a worker test set Celery's join guard)
    with app.app_context():
        job = add_job(age=120)
        operations.sweep()  # dispatches through *this* app's Celery, not the latest one
        assert reload(job.id).status == JobStatus.SUCCEEDED


def test_worker_ready_sweeps_once(app):
    job = add_job(age=120)
    sender = SimpleNamespace(app=app.extensions["celery"])
    assert sweep_at_worker_start(sender=sender) == 1
    assert reload(job.id).status == JobStatus.SUCCEEDED
    assert sweep_at_worker_start(sender=SimpleNamespace(app=object())) is None


def test_worker_ready_survives_a_failing_sweep(app, monkeypatch, caplog):
    def _boom(*args, **kwargs):
        raise RuntimeError("database away")

    monkeypatch.setattr(operations, "sweep", _boom)
    # migrations/env.py's fileConfig() disables loggers that existed before the migration.
    monkeypatch.setattr(logging.getLogger("contest.celery_app"), "disabled", False)
    assert sweep_at_worker_start(sender=SimpleNamespace(app=app.extensions["celery"])) is None
    assert "sweep at worker start failed" in caplog.text


def test_delay_with_redis_stopped_fails_fast(make_app):
    """Celery's defaults block ~19 s; the short timeouts make it ~10 ms (5 s: a loaded CI)."""
    app = make_app(REDIS_URL=f"redis://127.0.0.1:{port_free()}/0", CELERY_TASK_ALWAYS_EAGER=False)
    task = app.extensions["celery"].tasks["jobs.sweep"]
    with app.app_context():
        for _ in range(2):  # the first call also builds the connection pool
            started = time.monotonic()
            with pytest.raises(Exception):  # noqa: B017 - kombu's OperationalError
                task.delay()
            assert time.monotonic() - started < 5.0


@pytest.fixture()
def silent_server():
    """A TCP port that accepts connections and never answers (a hung Redis)."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(64)
    stop = threading.Event()
    clients = []

    def _accept():
        server.settimeout(0.1)
        while not stop.is_set():
            try:
                clients.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=_accept, daemon=True)
    thread.start()
    try:
        yield server.getsockname()[1]
    finally:
        stop.set()
        thread.join(timeout=2)
        for client in clients:
            client.close()
        server.close()


def test_enqueue_on_a_hung_broker_gives_up_in_about_two_seconds(make_app, silent_server):
    app = make_app(REDIS_URL=f"redis://127.0.0.1:{silent_server}/0", CELERY_TASK_ALWAYS_EAGER=False)
    with app.app_context():
        job = add_job()
        started = time.monotonic()
        assert operations.dispatch(job.id) is False
        elapsed = time.monotonic() - started
        assert reload(job.id).status == JobStatus.PENDING
    assert elapsed < 3.5, f"publishing to a hung broker took {elapsed:.2f} s"


def test_sweep_interval_comes_from_the_config(make_app):
    app = make_app(JOB_SWEEP_EVERY=2)
    schedule = app.extensions["celery"].conf.beat_schedule["jobs-sweep"]
    assert schedule["schedule"] == 2.0 and 0 < schedule["options"]["expires"] <= 2.0
