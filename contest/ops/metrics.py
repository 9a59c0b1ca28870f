"""``/metrics`` in the Prometheus text format (0.0.4).

* ``contest_http_requests_total`` and ``contest_http_request_duration_seconds`` (a histogram)
  by endpoint (the Flask endpoint name, never the raw path: bounded cardinality), method and
  status; ``contest_http_request_cpu_seconds_total``, the CPU time of the thread that served
  them (``time.thread_time``: the only thread of a sync worker, or the request's thread in a
  gthread worker, so this is the requests' own CPU and not the flushing thread's: what a
  page costs, whatever else the machine is doing). With ``REDIS_URL`` the counters live in
  one Redis hash, so every gunicorn worker adds to the same figures; without it they are
  per process (the embedded default). A request adds to counters in its own process; they
  reach Redis in one pipeline at most every ``METRICS_FLUSH_SECONDS`` (1 s), from a
  background thread, when ``/metrics`` is read and when the process exits — never a Redis
  round trip per request (a cached public page costs less than that round trip).
* ``contest_jobs`` (rows by kind and status), ``contest_job_failures`` and
  ``contest_job_duration_seconds`` (a histogram of started → finished, per kind) are read from
  the jobs table (the last :data:`JOB_WINDOW` jobs).
* ``contest_queue_length`` (messages waiting in the Celery queue in Redis),
  ``contest_jobs_oldest_waiting_seconds`` and ``contest_workers_alive``.

Recording a request never fails it: Redis errors are swallowed.
"""

from __future__ import annotations

import atexit
import logging
import os
import threading
import time
import weakref
from collections import defaultdict

from flask import Flask, g, request
from sqlalchemy import func, select

from ..extensions import db
from ..timeutil import as_utc, utcnow

log = logging.getLogger(__name__)

BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
JOB_BUCKETS = (0.1, 0.5, 1.0, 5.0, 10.0, 30.0, 60.0, 300.0, 900.0, 3600.0)
JOB_WINDOW = 10_000
SEP = "\x1f"


def _bucket(seconds: float, buckets=BUCKETS) -> int:
    for index, bound in enumerate(buckets):
        if seconds <= bound:
            return index
    return len(buckets)  # +Inf


class LocalRecorder:
    """Request counters in this process."""

    def __init__(self):
        self.lock = threading.Lock()
        self.data: dict[str, float] = defaultdict(float)

    def add(self, labels: str, seconds: float, cpu: float) -> None:
        with self.lock:
            self.data[f"{labels}{SEP}c"] += 1
            self.data[f"{labels}{SEP}s"] += seconds
            self.data[f"{labels}{SEP}u"] += cpu
            self.data[f"{labels}{SEP}b{_bucket(seconds)}"] += 1

    def read(self) -> dict[str, float]:
        with self.lock:
            return dict(self.data)


class RedisRecorder:
    """Request counters in a Redis hash shared by every process of the deployment.

    :meth:`add` only adds to this process's pending counters (no network); :meth:`flush`
    sends them in one pipeline of ``HINCRBY`` / ``HINCRBYFLOAT``. Flushes happen at most
    every ``interval`` seconds on the request path, from one background thread per process
    (so an idle worker's last requests arrive too), before :meth:`read` and at exit. A
    flush that fails keeps the counters for the next one."""

    def __init__(self, client, key: str, interval: float = 1.0):
        self.client, self.key, self.interval = client, key, float(interval)
        self.lock = threading.Lock()
        self.pending: dict[str, float] = defaultdict(float)
        self.last_flush = time.monotonic()
        _RECORDERS.add(self)
        _ensure_flusher(self.interval)

    def add(self, labels: str, seconds: float, cpu: float) -> None:
        with self.lock:
            pending = self.pending
            pending[f"{labels}{SEP}c"] += 1
            pending[f"{labels}{SEP}s"] += seconds
            pending[f"{labels}{SEP}u"] += cpu
            pending[f"{labels}{SEP}b{_bucket(seconds)}"] += 1
            due = time.monotonic() - self.last_flush >= self.interval
        if due:
            self.flush()
        elif _flusher_pid != os.getpid():  # a forked child (gunicorn worker): its own thread
            _ensure_flusher(self.interval)

    def flush(self) -> None:
        """Send the pending counters to Redis (never raises; on failure they stay pending)."""
        with self.lock:
            self.last_flush = time.monotonic()
            if not self.pending:
                return
            batch, self.pending = self.pending, defaultdict(float)
        try:
            pipe = self.client.pipeline(transaction=False)
            for field, amount in batch.items():
                if field.endswith(f"{SEP}s") or field.endswith(f"{SEP}u"):
                    pipe.hincrbyfloat(self.key, field, amount)
                else:
                    pipe.hincrby(self.key, field, int(amount))
            pipe.execute()
        except Exception as exc:  # metrics never break a request
            log.debug("request metrics not recorded yet: %s", exc)
            with self.lock:
                for field, amount in batch.items():
                    self.pending[field] += amount

    def read(self) -> dict[str, float]:
        flush_all()  # this process's counters (every app of it) are in the figures at once
        raw = self.client.hgetall(self.key)
        return {k.decode(): float(v) for k, v in raw.items()}


#: Every Redis recorder of this process (flushed by the thread, before a read and at exit).
_RECORDERS: weakref.WeakSet[RedisRecorder] = weakref.WeakSet()
_flusher_lock = threading.Lock()
_flusher_pid: int | None = None
_flusher_interval = 1.0


def flush_all() -> None:
    """Send every pending counter of this process to Redis."""
    for each in list(_RECORDERS):
        each.flush()


def _flush_due() -> None:
    now = time.monotonic()
    for each in list(_RECORDERS):
        if each.pending and now - each.last_flush >= each.interval:
            each.flush()


def _flusher_loop(pid: int) -> None:
    while _flusher_pid == pid:
        time.sleep(_flusher_interval)
        try:
            _flush_due()
        except Exception:  # noqa: BLE001 - the thread must outlive any one failure
            log.debug("request metrics flush failed", exc_info=True)


def _ensure_flusher(interval: float) -> None:
    """Start this process's flushing thread (once per process: a fork needs its own)."""
    global _flusher_pid, _flusher_interval
    with _flusher_lock:
        _flusher_interval = max(0.05, min(_flusher_interval, interval))
        pid = os.getpid()
        if _flusher_pid == pid:
            return
        _flusher_pid = pid
        threading.Thread(
            target=_flusher_loop, args=(pid,), name="contest-metrics-flush", daemon=True
        ).start()


atexit.register(flush_all)


def recorder(app: Flask):
    """The app's request recorder (Redis when configured)."""
    state = app.extensions.setdefault("contest_ops", {})
    if "recorder" not in state:
        if app.config.get("REDIS_URL"):
            from .health import redis_client

            queue = app.config.get("CELERY_QUEUE") or "contest"
            state["recorder"] = RedisRecorder(
                redis_client(app),
                f"contest:{queue}:metrics:http",
                interval=float(app.config.get("METRICS_FLUSH_SECONDS", 1.0)),
            )
        else:
            state["recorder"] = LocalRecorder()
    return state["recorder"]


def install(app: Flask) -> None:
    """Time every request (before/after request hooks)."""

    @app.before_request
    def _start_timer() -> None:
        g._metrics_started = (time.perf_counter(), time.thread_time())

    @app.after_request
    def _record(response):
        started = g.pop("_metrics_started", None)
        if started is not None:
            endpoint = request.url_rule.endpoint if request.url_rule else "unmatched"
            record(app, endpoint, request.method, response.status_code, started)
        return response


def record(app: Flask, endpoint: str, method: str, status: int, started: tuple) -> None:
    """Count one request answered; ``started`` is ``(perf_counter(), thread_time())`` taken
    when it arrived."""
    labels = SEP.join((endpoint, method, str(status)))
    recorder(app).add(labels, time.perf_counter() - started[0], time.thread_time() - started[1])


# --- Rendering ----------------------------------------------------------------------------


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


def _labels(**labels) -> str:
    if not labels:
        return ""
    return "{" + ",".join(f'{k}="{_escape(str(v))}"' for k, v in labels.items()) + "}"


def _number(value: float) -> str:
    return repr(float(value)) if value != int(value) else str(int(value))


def _histogram(lines, name, labels, counts, total, count, buckets) -> None:
    running = 0
    for index, bound in enumerate(buckets):
        running += counts.get(index, 0)
        lines.append(f"{name}_bucket{_labels(**labels, le=repr(float(bound)))} {running}")
    lines.append(f"{name}_bucket{_labels(**labels, le='+Inf')} {_number(count)}")
    lines.append(f"{name}_sum{_labels(**labels)} {_number(total)}")
    lines.append(f"{name}_count{_labels(**labels)} {_number(count)}")


def request_lines(data: dict[str, float]) -> list[str]:
    """The HTTP families from a recorder's raw counters."""
    series: dict[str, dict] = {}
    for field, value in data.items():
        labels, _, part = field.rpartition(SEP)
        entry = series.setdefault(labels, {"c": 0.0, "s": 0.0, "u": 0.0, "b": {}})
        if part in ("c", "s", "u"):
            entry[part] = value
        elif part.startswith("b"):
            entry["b"][int(part[1:])] = int(value)
    lines = [
        "# HELP contest_http_requests_total HTTP requests answered.",
        "# TYPE contest_http_requests_total counter",
    ]
    keyed: list[tuple[dict[str, str], dict]] = []
    for labels, entry in sorted(series.items()):
        endpoint, method, status = labels.split(SEP)
        keyed.append(({"endpoint": endpoint, "method": method, "status": status}, entry))
        lines.append(f"contest_http_requests_total{_labels(**keyed[-1][0])} {_number(entry['c'])}")
    lines += [
        "# HELP contest_http_request_cpu_seconds_total CPU time of the threads serving requests.",
        "# TYPE contest_http_request_cpu_seconds_total counter",
    ]
    for names, entry in keyed:
        lines.append(
            f"contest_http_request_cpu_seconds_total{_labels(**names)} {_number(entry['u'])}"
        )
    lines += [
        "# HELP contest_http_request_duration_seconds Time to answer a request.",
        "# TYPE contest_http_request_duration_seconds histogram",
    ]
    for names, entry in keyed:
        _histogram(
            lines,
            "contest_http_request_duration_seconds",
            names,
            entry["b"],
            entry["s"],
            entry["c"],
            BUCKETS,
        )
    return lines


def job_lines(now=None) -> list[str]:
    """The job families, from the last :data:`JOB_WINDOW` rows of the jobs table."""
    from ..jobs.models import Job, JobStatus

    now = now or utcnow()
    lines = [
        "# HELP contest_jobs Background jobs by kind and status (rows of the jobs table).",
        "# TYPE contest_jobs gauge",
    ]
    counts = db.session.execute(
        select(Job.kind, Job.status, func.count()).group_by(Job.kind, Job.status)
    ).all()
    failures: dict[str, int] = defaultdict(int)
    for kind, status, n in sorted(counts):
        lines.append(f"contest_jobs{_labels(kind=kind, status=status)} {n}")
        if status == JobStatus.FAILED.value:
            failures[kind] += n
    lines += [
        "# HELP contest_job_failures Jobs that ended failed, by kind.",
        "# TYPE contest_job_failures gauge",
    ]
    for kind in sorted({kind for kind, _s, _n in counts}):
        lines.append(f"contest_job_failures{_labels(kind=kind)} {failures.get(kind, 0)}")

    rows = db.session.execute(
        select(Job.kind, Job.started_at, Job.finished_at)
        .where(Job.started_at.is_not(None), Job.finished_at.is_not(None))
        .order_by(Job.id.desc())
        .limit(JOB_WINDOW)
    ).all()
    durations: dict[str, dict] = {}
    for kind, started, finished in rows:
        assert started is not None and finished is not None  # the query asks for both
        seconds = max(0.0, (as_utc(finished) - as_utc(started)).total_seconds())
        entry = durations.setdefault(kind, {"b": defaultdict(int), "s": 0.0, "c": 0})
        entry["b"][_bucket(seconds, JOB_BUCKETS)] += 1
        entry["s"] += seconds
        entry["c"] += 1
    lines += [
        "# HELP contest_job_duration_seconds Time from start to finish of recent jobs.",
        "# TYPE contest_job_duration_seconds histogram",
    ]
    for kind, entry in sorted(durations.items()):
        _histogram(
            lines,
            "contest_job_duration_seconds",
            {"kind": kind},
            entry["b"],
            entry["s"],
            entry["c"],
            JOB_BUCKETS,
        )
    oldest = db.session.execute(
        select(func.min(Job.created_at)).where(
            Job.status.in_([JobStatus.PENDING.value, JobStatus.QUEUED.value])
        )
    ).scalar_one()
    age = max(0.0, (now - as_utc(oldest)).total_seconds()) if oldest else 0.0
    lines += [
        "# HELP contest_jobs_oldest_waiting_seconds Age of the oldest job not yet started.",
        "# TYPE contest_jobs_oldest_waiting_seconds gauge",
        f"contest_jobs_oldest_waiting_seconds {_number(round(age, 1))}",
    ]
    return lines


def queue_lines(app: Flask) -> list[str]:
    """Queue length and live workers (Redis only)."""
    from . import workers
    from .health import redis_client

    if not app.config.get("REDIS_URL"):
        return []
    queue = app.config.get("CELERY_QUEUE") or "contest"
    conn = redis_client(app)
    try:
        length = conn.llen(queue)
        alive = len(workers.alive(conn, queue))
    except Exception as exc:
        log.warning("queue metrics not read: %s", exc)
        return []
    return [
        "# HELP contest_queue_length Messages waiting in the Celery queue.",
        "# TYPE contest_queue_length gauge",
        f"contest_queue_length{_labels(queue=queue)} {length}",
        "# HELP contest_workers_alive Celery workers with a recent heartbeat.",
        "# TYPE contest_workers_alive gauge",
        f"contest_workers_alive{_labels(queue=queue)} {alive}",
    ]


def render(app: Flask) -> str:
    """The whole exposition."""
    try:
        data = recorder(app).read()
    except Exception as exc:
        log.warning("request metrics not read: %s", exc)
        data = {}
    lines = request_lines(data) + job_lines() + queue_lines(app)
    return "\n".join(lines) + "\n"
