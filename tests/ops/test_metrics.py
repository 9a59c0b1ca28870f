"""``/metrics`` (issue 19 point 2), read back with Prometheus's own parser."""

from __future__ import annotations

import time
import uuid
from datetime import timedelta

import pytest
import redis
from prometheus_client.parser import text_string_to_metric_families

from contest.extensions import db
from contest.jobs.models import Job
from contest.ops.metrics import SEP, RedisRecorder
from contest.timeutil import utcnow
from tests.services import need, port_free, redis_url


def scrape(client, **kwargs) -> dict[str, list]:
    """metric family name → its samples."""
    response = client.get("/metrics", **kwargs)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/plain; version=0.0.4")
    return {
        family.name: family.samples
        for family in text_string_to_metric_families(response.get_data(as_text=True))
    }


def value(families, sample_name, **labels) -> float | None:
    name = sample_name.removesuffix("_total").removesuffix("_bucket").removesuffix("_count")
    name = name.removesuffix("_sum")
    for sample in families.get(name, []):
        if sample.name == sample_name and all(sample.labels.get(k) == v for k, v in labels.items()):
            return sample.value
    return None


def test_requests_are_counted_by_endpoint_and_status_with_a_histogram(client):
    for _ in range(3):
        assert client.get("/healthz").status_code == 200
    assert client.get("/no-such-page").status_code == 404
    families = scrape(client)
    assert (
        value(
            families,
            "contest_http_requests_total",
            endpoint="ops.healthz",
            method="GET",
            status="200",
        )
        == 3
    )
    assert value(families, "contest_http_requests_total", endpoint="unmatched", status="404") == 1
    labels = {"endpoint": "ops.healthz", "method": "GET", "status": "200"}
    assert value(families, "contest_http_request_duration_seconds_count", **labels) == 3
    assert value(families, "contest_http_request_duration_seconds_bucket", le="+Inf", **labels) == 3
    assert value(families, "contest_http_request_duration_seconds_sum", **labels) > 0
    cpu = value(families, "contest_http_request_cpu_seconds_total", **labels)
    assert 0 < cpu <= value(families, "contest_http_request_duration_seconds_sum", **labels) * 2
    # A second scrape counts the first one.
    families = scrape(client)
    assert value(families, "contest_http_requests_total", endpoint="ops.metrics") == 1


def test_jobs_durations_and_failures_come_from_the_jobs_table(app, client):
    now = utcnow()
    for seconds, status in ((2, "succeeded"), (40, "succeeded"), (3, "failed")):
        db.session.add(
            Job(kind="results.compile", status=status, started_at=now - timedelta(seconds=seconds),
                finished_at=now, total=1, progress=1)
        )  # fmt: skip
    db.session.add(Job(kind="entries.import", status="pending", created_at=now - timedelta(60)))
    db.session.commit()
    families = scrape(client)
    assert value(families, "contest_jobs", kind="results.compile", status="succeeded") == 2
    assert value(families, "contest_job_failures", kind="results.compile") == 1
    assert value(families, "contest_job_failures", kind="entries.import") == 0
    count = value(families, "contest_job_duration_seconds_count", kind="results.compile")
    assert count == 3
    assert value(families, "contest_job_duration_seconds_sum", kind="results.compile") == (
        pytest.approx(45, abs=0.01)
    )
    assert value(families, "contest_job_duration_seconds_bucket", kind="results.compile",
                 le="5.0") == 2  # fmt: skip
    assert value(families, "contest_jobs_oldest_waiting_seconds") >= 60 * 86400


def test_only_loopback_or_the_token_may_read_it(make_app, monkeypatch):
    far = {"REMOTE_ADDR": "203.0.113.7"}
    app = make_app()
    client = app.test_client()
    assert client.get("/metrics", environ_base=far).status_code == 404
    assert client.get("/metrics", environ_base={"REMOTE_ADDR": "::1"}).status_code == 200

    monkeypatch.setenv("METRICS_TOKEN", "t0ken-for-prometheus")
    assert client.get("/metrics", environ_base=far).status_code == 404
    wrong = {"Authorization": "Bearer nope"}
    assert client.get("/metrics", environ_base=far, headers=wrong).status_code == 404
    right = {"Authorization": "Bearer t0ken-for-prometheus"}
    assert client.get("/metrics", environ_base=far, headers=right).status_code == 200


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


def test_with_redis_every_process_adds_to_the_same_counters_and_the_queue_is_measured(
    make_app, redis_queue
):
    url, queue = redis_queue
    web1 = make_app(REDIS_URL=url, CELERY_QUEUE=queue).test_client()
    web2 = make_app(REDIS_URL=url, CELERY_QUEUE=queue).test_client()
    web1.get("/healthz")
    web2.get("/healthz")
    web2.get("/healthz")
    conn = redis.Redis.from_url(url)
    conn.lpush(queue, "{}", "{}")  # two messages waiting (what kombu's Redis transport holds)
    families = scrape(web1)
    assert value(families, "contest_http_requests_total", endpoint="ops.healthz") == 3
    assert value(families, "contest_queue_length", queue=queue) == 2
    assert value(families, "contest_workers_alive", queue=queue) == 0


def _stored(url: str, queue: str) -> dict[str, float]:
    """The shared hash as Redis holds it now (no flush)."""
    raw = redis.Redis.from_url(url).hgetall(f"contest:{queue}:metrics:http")
    return {k.decode(): float(v) for k, v in raw.items()}


def _healthz_count(stored: dict[str, float]) -> float:
    """Requests to ``/healthz`` (200, or 503 when no worker is alive)."""
    return sum(
        v for k, v in stored.items() if k.startswith(f"ops.healthz{SEP}") and k.endswith(f"{SEP}c")
    )


def test_with_redis_a_request_costs_no_round_trip_and_a_scrape_sees_it_at_once(
    make_app, redis_queue
):
    """Issue 15: the counters of a request stay in its process until the next flush (a
    cached public page costs less than a Redis round trip); reading ``/metrics`` sends this
    process's pending counters first, so the figures are never behind for it."""
    url, queue = redis_queue
    client = make_app(REDIS_URL=url, CELERY_QUEUE=queue, METRICS_FLUSH_SECONDS=3600).test_client()
    for _ in range(3):
        client.get("/healthz")
    assert _healthz_count(_stored(url, queue)) == 0  # nothing written on the request path
    families = scrape(client)
    assert value(families, "contest_http_requests_total", endpoint="ops.healthz") == 3
    assert _healthz_count(_stored(url, queue)) == 3
    assert (
        value(families, "contest_http_request_duration_seconds_count", endpoint="ops.healthz") == 3
    )
    assert value(families, "contest_http_request_duration_seconds_sum", endpoint="ops.healthz") > 0


def test_an_idle_process_sends_its_counters_within_the_interval(make_app, redis_queue):
    """A gunicorn worker that gets no more requests still sends what it counted: a thread
    flushes every ``METRICS_FLUSH_SECONDS``."""
    url, queue = redis_queue
    client = make_app(REDIS_URL=url, CELERY_QUEUE=queue, METRICS_FLUSH_SECONDS=0.2).test_client()
    client.get("/healthz")
    deadline = time.monotonic() + 10
    while _healthz_count(_stored(url, queue)) < 1 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _healthz_count(_stored(url, queue)) == 1


def test_counters_survive_a_redis_outage(redis_queue):
    """A flush that fails keeps the counters for the next one (and never raises)."""
    url, queue = redis_queue
    key = f"contest:{queue}:metrics:http"
    down = redis.Redis(port=port_free(), socket_connect_timeout=0.2, socket_timeout=0.2)
    recorder = RedisRecorder(down, key, interval=3600)
    recorder.add(SEP.join(("ops.healthz", "GET", "200")), 0.01, 0.005)
    recorder.flush()  # Redis unreachable: no error
    recorder.client = redis.Redis.from_url(url)
    recorder.add(SEP.join(("ops.healthz", "GET", "200")), 0.02, 0.005)
    recorder.flush()
    stored = _stored(url, queue)
    assert _healthz_count(stored) == 2
    assert stored[SEP.join(("ops.healthz", "GET", "200", "s"))] == pytest.approx(0.03)
