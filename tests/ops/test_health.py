"""``/healthz`` (issue 19 point 2): database, Redis, a live worker, disk space; 200 or 503;
no login; no secrets in the answer."""

from __future__ import annotations

import time
import uuid

import pytest
import redis

from contest import create_app
from contest.ops import workers
from tests.conftest import base_config
from tests.services import need, postgres_url, redis_url


def _get(app):
    response = app.test_client().get("/healthz")
    return response.status_code, response.get_json()


def test_healthy_embedded_default_answers_200_without_login(app, client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "ok"
    assert body["checks"]["database"]["ok"] is True
    assert body["checks"]["worker"] == {"ok": True, "mode": "in-process"}
    assert body["checks"]["disk"]["ok"] is True
    assert body["checks"]["disk"]["free_mb"] > 0
    assert "redis" not in body["checks"]
    assert response.headers["Cache-Control"] == "no-store"
    text = response.get_data(as_text=True)
    for secret in (app.config["SECRET_KEY"], app.config["UPLOAD_DIR"], "sqlite:", "postgresql"):
        assert secret not in text


def test_a_full_disk_makes_it_unhealthy(make_app):
    app = make_app(HEALTH_MIN_FREE_MB=10**12)
    status, body = _get(app)
    assert status == 503
    assert body["status"] == "unhealthy"
    assert body["checks"]["disk"]["ok"] is False
    assert body["checks"]["database"]["ok"] is True


def test_an_unreachable_database_makes_it_unhealthy(_migrated):
    # A port where nothing listens: the connection is refused at once.
    app = create_app(
        base_config(SQLALCHEMY_DATABASE_URI="postgresql+psycopg://nobody:s3cret@127.0.0.1:9/x")
    )
    with app.app_context():
        status, body = _get(app)
    assert status == 503
    assert body["checks"]["database"] == {"ok": False, "error": "OperationalError"}
    assert "s3cret" not in str(body)


@pytest.fixture()
def redis_queue():
    url = redis_url()
    need(url is not None, "Redis")
    queue = f"contest-test-{uuid.uuid4().hex[:12]}"
    yield url, queue
    conn = redis.Redis.from_url(url)
    for key in conn.scan_iter(match=f"contest:{queue}:*"):
        conn.delete(key)
    conn.delete(queue)


def test_with_redis_and_no_worker_it_is_unhealthy_until_a_worker_beats(make_app, redis_queue):
    url, queue = redis_queue
    app = make_app(REDIS_URL=url, CELERY_QUEUE=queue)
    status, body = _get(app)
    assert status == 503
    assert body["checks"]["redis"]["ok"] is True
    assert body["checks"]["worker"] == {"ok": False, "alive": 0, "last_beat_seconds": None}

    conn = workers.client(url)
    workers.beat(conn, queue, "w1@host", now=time.time() - 5)
    status, body = _get(app)
    assert status == 200
    assert body["checks"]["worker"]["alive"] == 1
    assert 4 <= body["checks"]["worker"]["last_beat_seconds"] <= 30
    assert url not in str(body)
    assert 0 < conn.ttl(workers.prefix(queue) + "w1@host") <= workers.TTL


def test_redis_down_makes_it_unhealthy(make_app):
    app = make_app(REDIS_URL="redis://127.0.0.1:9/0", CELERY_QUEUE="contest-test-down")
    status, body = _get(app)
    assert status == 503
    assert body["checks"]["redis"]["ok"] is False
    assert body["checks"]["worker"]["ok"] is False


@pytest.mark.worker
def test_a_real_worker_beats_and_its_beat_goes_when_it_stops(make_app, broker_and_queue, tmp_path):
    from tests.jobs.processes import CeleryWorker

    need(postgres_url() is not None, "PostgreSQL")
    broker, queue = broker_and_queue
    app = make_app(REDIS_URL=broker, CELERY_QUEUE=queue)
    worker = CeleryWorker(tmp_path, broker, queue, postgres_url(), {})
    worker.start()
    try:
        worker.wait_ready()
        deadline = time.monotonic() + 10
        while (status := _get(app)[0]) != 200 and time.monotonic() < deadline:
            time.sleep(0.2)
        status, body = _get(app)
        assert status == 200, worker.log[-2000:]
        assert body["checks"]["worker"]["alive"] == 1
    finally:
        worker.stop()
    status, body = _get(app)
    assert status == 503
    assert body["checks"]["worker"]["alive"] == 0
    conn = redis.Redis.from_url(broker)
    for key in conn.scan_iter(match=f"contest:{queue}:*"):  # the request counters
        conn.delete(key)
