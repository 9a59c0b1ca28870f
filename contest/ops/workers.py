"""The worker's own heartbeat in Redis, read by ``/healthz`` and ``/metrics``.

A job's heartbeat (:mod:`contest.jobs.heartbeat`) exists only while a job runs; an idle
worker would look dead. So each Celery worker, once ready, starts a daemon thread in its main
process that writes ``contest:<queue>:worker:<hostname>`` = the time (Unix seconds) every
:data:`EVERY` seconds, with an expiry of :data:`TTL`: a worker that stopped, crashed or lost
Redis disappears from the keys within a minute.
"""

from __future__ import annotations

import logging
import threading
import time

import redis
from celery.signals import worker_ready, worker_shutdown

log = logging.getLogger(__name__)

EVERY = 15.0
TTL = 60
_stop = threading.Event()
_running: dict[str, str] = {}  # url, queue, hostname of this process's heartbeat


def prefix(queue: str) -> str:
    """The key prefix of the heartbeats of the workers reading ``queue``."""
    return f"contest:{queue}:worker:"


def client(url: str) -> redis.Redis:
    """A Redis client with short timeouts (a health check must answer quickly)."""
    return redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)


def beat(conn: redis.Redis, queue: str, hostname: str, now: float | None = None) -> None:
    """Write one heartbeat of worker ``hostname``."""
    conn.set(prefix(queue) + hostname, f"{time.time() if now is None else now:.3f}", ex=TTL)


def alive(conn: redis.Redis, queue: str, now: float | None = None) -> dict[str, float]:
    """Workers whose heartbeat is still there: hostname → seconds since their last beat."""
    now = time.time() if now is None else now
    found = {}
    for key in conn.scan_iter(match=prefix(queue) + "*", count=100):
        value = conn.get(key)
        if value is None:
            continue
        name = key.decode()[len(prefix(queue)) :]
        found[name] = max(0.0, round(now - float(value), 1))
    return found


def _loop(url: str, queue: str, hostname: str) -> None:
    conn = client(url)
    while True:
        try:
            beat(conn, queue, hostname)
        except Exception as exc:  # Redis away: try again next time
            log.warning("worker heartbeat not written: %s", exc)
        if _stop.wait(EVERY):
            return


def start_heartbeat(sender=None, **kwargs) -> threading.Thread | None:
    """``worker_ready`` handler: start the heartbeat thread of this worker."""
    celery_app = getattr(sender, "app", None)
    flask_app = getattr(celery_app, "flask_app", None)
    if flask_app is None or not flask_app.config.get("REDIS_URL"):
        return None
    _stop.clear()
    _running.update(
        url=flask_app.config["REDIS_URL"],
        queue=flask_app.config.get("CELERY_QUEUE") or "contest",
        hostname=getattr(sender, "hostname", None) or "worker",
    )
    thread = threading.Thread(
        target=_loop,
        args=(_running["url"], _running["queue"], _running["hostname"]),
        name="contest-worker-heartbeat",
        daemon=True,
    )
    thread.start()
    return thread


def stop_heartbeat(sender=None, **kwargs) -> None:
    """``worker_shutdown`` handler: stop beating and remove this worker's key (if Redis
    cannot be reached, the key expires by itself)."""
    _stop.set()
    if _running:
        try:
            client(_running["url"]).delete(prefix(_running["queue"]) + _running["hostname"])
        except Exception as exc:
            log.warning("worker heartbeat not removed: %s", exc)
        _running.clear()


def connect_signals() -> None:
    """Connect the handlers (idempotent: a fixed ``dispatch_uid``)."""
    worker_ready.connect(start_heartbeat, weak=False, dispatch_uid="contest.ops.heartbeat")
    worker_shutdown.connect(stop_heartbeat, weak=False, dispatch_uid="contest.ops.heartbeat_stop")
