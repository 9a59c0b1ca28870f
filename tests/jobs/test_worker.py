"""A real ``celery -A worker worker`` process on Redis runs jobs the app enqueued.

These tests skip locally when a service is missing and fail under ``CI=true``.
"""

from __future__ import annotations

import os
import shutil
import time
import uuid

import pytest
from sqlalchemy import select

from contest.extensions import db
from contest.jobs import operations, selfcheck
from contest.jobs.models import Job, JobStatus
from tests import factories
from tests.jobs.helpers import reload, sign_in, wait_until_finished
from tests.services import need, postgres_url, redis_url

pytestmark = pytest.mark.worker


def _queue() -> str:
    """A queue of this test alone, so that concurrent runs do not take each other's tasks."""
    return f"contest-test-{uuid.uuid4().hex[:12]}"


@pytest.fixture()
def shared_redis():
    """The shared test Redis and a queue name of this test; the queue's keys are removed."""
    import redis

    need(postgres_url() is not None, "PostgreSQL (TEST_DATABASE_URL)")
    broker = redis_url()
    need(broker is not None, "Redis")
    queue = _queue()
    try:
        yield broker, queue
    finally:
        client = redis.Redis.from_url(broker, socket_connect_timeout=1)
        client.delete(queue, f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}")
        client.close()


def test_real_worker_runs_a_job_and_the_result_lands_in_postgresql(
    make_app, shared_redis, celery_worker
):
    broker, queue = shared_redis
    app = make_app(REDIS_URL=broker, CELERY_TASK_ALWAYS_EAGER=False, CELERY_QUEUE=queue)
    worker = celery_worker(broker, queue, app.config["SQLALCHEMY_DATABASE_URI"])

    with app.app_context():
        job = operations.create_job(selfcheck.KIND, {"pause": 0}, total=selfcheck.STEPS)
        job_id = job.id
        assert operations.commit() == [job_id]  # handed to Redis
        assert reload(job_id).status in (JobStatus.QUEUED, JobStatus.RUNNING, JobStatus.SUCCEEDED)

        job = wait_until_finished(job_id, timeout=30, what=lambda: worker.log[-3000:])
        assert job.status == JobStatus.SUCCEEDED, job.error
        assert job.result["database"]["dialect"] == "postgresql"
        assert job.result["pid"] != os.getpid()  # it ran in the worker process
        assert (job.progress, job.total, job.attempts) == (4, 4, 1)
        db.session.remove()
    log = worker.wait_for_log("jobs.run", "succeeded")
    assert "jobs.run" in log and "succeeded" in log, log[-3000:]


def test_redis_down_the_action_is_kept_and_the_job_runs_once_redis_is_back(
    make_app, redis_server, celery_worker
):
    need(shutil.which("redis-server") is not None, "redis-server")
    redis = redis_server()
    queue = _queue()
    app = make_app(REDIS_URL=redis.url, CELERY_TASK_ALWAYS_EAGER=False, CELERY_QUEUE=queue)
    worker = celery_worker(redis.url, queue, app.config["SQLALCHEMY_DATABASE_URI"])
    worker.wait_ready(timeout=20)
    client = app.test_client()

    with app.app_context():
        sign_in(client, factories.make_user(email="btc@example.vn", roles=("organizer",)))
        redis.stop()

        started = time.monotonic()
        response = client.post("/jobs/selfcheck")  # the user's action, Redis down
        elapsed = time.monotonic() - started
        assert response.status_code == 302, response.get_data(as_text=True)[:300]
        assert client.get(response.headers["Location"]).status_code == 200
        job_id = db.session.scalar(select(Job.id))
        assert reload(job_id).status == JobStatus.PENDING  # committed, waiting
        assert elapsed < 2, f"the action took {elapsed:.2f} s with Redis down"

        redis.start()  # same port; the worker reconnects by itself
        assert operations.sweep(after=0) == 1

        job = wait_until_finished(job_id, timeout=20, what=lambda: worker.log[-3000:])
        assert job.status == JobStatus.SUCCEEDED, job.error
        assert job.result["pid"] != os.getpid()
        assert job.enqueue_count == 2 and job.attempts == 1
        db.session.remove()
    assert "Connection to broker lost" in worker.wait_for_log("Connection to broker lost")
