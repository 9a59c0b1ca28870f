"""Celery entry point of the recovery tests' workers: the deployment's ``worker`` module plus
the test-only handlers of ``tests.jobs.slow_handlers``.

With ``$CONTEST_TEST_PARENT_BACKEND`` set, the main worker process, once ready (after the
start-up sweep), opens a database connection, keeps it in its pool and writes its PostgreSQL
backend pid to that file: pool processes forked later must never use it."""

from __future__ import annotations

import os
from pathlib import Path

from celery.signals import worker_ready
from sqlalchemy import text

from contest.extensions import db
from contest.jobs.operations import HANDLERS
from tests.jobs.slow_handlers import HANDLERS as TEST_HANDLERS
from worker import celery, flask_app

HANDLERS.update(TEST_HANDLERS)


@worker_ready.connect
def _hold_a_connection_in_the_main_process(sender=None, **kwargs) -> None:
    path = os.environ.get("CONTEST_TEST_PARENT_BACKEND")
    if not path:
        return
    with flask_app.app_context():
        backend_pid = db.session.execute(text("SELECT pg_backend_pid()")).scalar_one()
        db.session.remove()  # back to the pool, still open
    Path(path).write_text(f"{os.getpid()} {backend_pid}")


__all__ = ["celery", "flask_app"]
