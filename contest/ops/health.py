"""What ``/healthz`` checks: the database, Redis (when configured), a live worker (when tasks
go through Redis) and the free space where uploads are stored.

Each check returns a small dict with ``ok``; no URL, password or path is ever included (the
answer is public). ``HEALTH_MIN_FREE_MB`` (default 1024) is the free space under which the
upload folder counts as full.
"""

from __future__ import annotations

import os
import shutil
import time

from flask import Flask
from sqlalchemy import text

from ..extensions import db
from . import workers

MIN_FREE_MB = 1024


def check_database() -> dict:
    """``SELECT 1`` and its latency."""
    started = time.monotonic()
    try:
        db.session.execute(text("SELECT 1")).scalar_one()
    except Exception as exc:
        db.session.rollback()
        return {"ok": False, "error": type(exc).__name__}
    return {"ok": True, "latency_ms": round((time.monotonic() - started) * 1000, 1)}


def check_redis(app: Flask) -> dict | None:
    """PING, and the live workers (None when no Redis is configured: tasks run in-process)."""
    url = app.config.get("REDIS_URL")
    if not url:
        return None
    queue = app.config.get("CELERY_QUEUE") or "contest"
    try:
        conn = redis_client(app)
        started = time.monotonic()
        conn.ping()
        latency = round((time.monotonic() - started) * 1000, 1)
        alive = workers.alive(conn, queue)
    except Exception as exc:
        return {"ok": False, "error": type(exc).__name__}
    return {"ok": True, "latency_ms": latency, "workers": alive}


def check_disk(app: Flask) -> dict:
    """Free space of the filesystem that holds ``UPLOAD_DIR``."""
    folder = app.config["UPLOAD_DIR"]
    minimum = int(
        app.config.get("HEALTH_MIN_FREE_MB") or os.environ.get("HEALTH_MIN_FREE_MB") or MIN_FREE_MB
    )
    probe = folder
    while probe and not os.path.isdir(probe):  # not created yet: its nearest parent
        parent = os.path.dirname(probe)
        probe = parent if parent != probe else ""
    try:
        usage = shutil.disk_usage(probe or ".")
    except OSError as exc:
        return {"ok": False, "error": type(exc).__name__}
    free_mb = usage.free // (1024 * 1024)
    return {
        "ok": free_mb >= minimum and os.access(probe or ".", os.W_OK),
        "free_mb": free_mb,
        "free_percent": round(100 * usage.free / usage.total, 1) if usage.total else 0.0,
        "min_free_mb": minimum,
    }


def health(app: Flask) -> tuple[bool, dict]:
    """Run every check; ``(healthy, body)``."""
    checks: dict[str, dict] = {"database": check_database()}
    redis_check = check_redis(app)
    if redis_check is None:
        checks["worker"] = {"ok": True, "mode": "in-process"}
    else:
        alive = redis_check.pop("workers", {})
        checks["redis"] = redis_check
        checks["worker"] = {
            "ok": bool(alive),
            "alive": len(alive),
            "last_beat_seconds": min(alive.values()) if alive else None,
        }
    checks["disk"] = check_disk(app)
    healthy = all(check["ok"] for check in checks.values())
    return healthy, {"status": "ok" if healthy else "unhealthy", "checks": checks}


def redis_client(app: Flask):
    """One Redis client (with its connection pool) per app, short timeouts."""
    state = app.extensions.setdefault("contest_ops", {})
    if "redis" not in state:
        state["redis"] = workers.client(app.config["REDIS_URL"])
    return state["redis"]
