"""Celery wired the Flask way: every task runs inside an application context.

Settings that matter (see FORMATS "Environment" and the README):

* ``REDIS_URL`` is the broker; without it (outside production) tasks run in-process.
* ``CELERY_QUEUE`` (default ``contest``) is the one queue the app sends to and the worker
  reads, so that two deployments (or two concurrent test runs) on one Redis stay apart.
* JSON only, ``acks_late`` with ``task_reject_on_worker_lost``: a task whose worker dies is
  delivered again, which is safe because job tasks are idempotent.
* Short broker timeouts: with Redis down ``.delay()`` fails within about a second instead of
  blocking a web request for ~20 s; the caller keeps the job ``pending`` for the sweeper.
* The sweeper runs once when a worker is ready and every ``JOB_SWEEP_EVERY`` seconds (10)
  under ``celery beat``; it also re-enqueues jobs whose heartbeat stopped.
* No database connection crosses a fork: each pool process disposes of the engines it
  inherited (``worker_process_init``), pooled connections are checked against the process
  that opened them (``jobs.forksafe``), and the main process closes the connections of its
  start-up sweep.
"""

from __future__ import annotations

import logging
from typing import Any

from celery import Celery, Task
from celery.schedules import crontab
from celery.signals import worker_process_init, worker_ready
from flask import Flask

from .jobs import forksafe

log = logging.getLogger(__name__)

SWEEP_EVERY = 10.0  # default seconds between two beat-scheduled sweeps (JOB_SWEEP_EVERY)


def celery_init_app(app: Flask) -> Celery[Any]:
    """Create the Celery app for ``app`` and store it in ``app.extensions["celery"]``.

    With ``REDIS_URL`` unset (outside production) tasks run in-process (``task_always_eager``).
    """

    class FlaskTask(Task):
        """A task that runs inside ``app``'s application context."""

        def __call__(self, *args, **kwargs):
            with app.app_context():
                return self.run(*args, **kwargs)

    redis_url = app.config.get("REDIS_URL")
    eager = app.config.get("CELERY_TASK_ALWAYS_EAGER")
    if eager is None:
        eager = not redis_url
    queue = app.config.get("CELERY_QUEUE") or "contest"
    timeout = float(app.config.get("CELERY_BROKER_TIMEOUT") or 1.0)
    sweep_every = float(app.config.get("JOB_SWEEP_EVERY") or SWEEP_EVERY)
    celery_app = Celery(app.name, task_cls=FlaskTask)
    celery_app.conf.update(
        broker_url=redis_url or "memory://",
        result_backend=None,
        task_ignore_result=True,
        task_serializer="json",
        accept_content=["json"],
        result_serializer="json",
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        # A connection loss means unacknowledged messages come back: stop the running copy.
        worker_cancel_long_running_tasks_on_connection_loss=True,
        task_always_eager=bool(eager),
        task_eager_propagates=bool(app.config.get("TESTING")),
        task_default_queue=queue,
        timezone="Asia/Ho_Chi_Minh",
        enable_utc=True,
        broker_connection_retry_on_startup=True,
        broker_connection_timeout=timeout,
        broker_transport_options={
            "socket_connect_timeout": timeout,
            # Bounds a synchronous command (a publish) on a hung server; the worker's BRPOP
            # is read by the event loop and is not subject to it.
            "socket_timeout": timeout,
            "max_retries": 1,
            # Longer than the longest job, or Redis hands a running job to a second worker.
            "visibility_timeout": 3600,
        },
        task_publish_retry=True,
        task_publish_retry_policy={
            "max_retries": 1,  # one retry re-opens a pooled connection broken by a restart
            "interval_start": 0,
            "interval_step": 0.2,
            "interval_max": 0.2,
        },
        beat_schedule={
            "jobs-sweep": {
                "task": "jobs.sweep",
                "schedule": sweep_every,
                # no pile-up while workers are down
                "options": {"expires": max(sweep_every - 5, sweep_every / 2)},
            },
            # Judges with sheets due: at most one e-mail a day each (contest.judging.reminders).
            "judging-remind": {"task": "judging.remind", "schedule": crontab(minute=0, hour=8)},
            # New panel comments: at most one digest a day per judge (judging.discussion_digest).
            "judging-discussion-digest": {
                "task": "judging.discussion_digest",
                "schedule": crontab(minute=0, hour=7),
            },
            # Posting periods that ended become final (contest.publication.tasks).
            "publication-finalize": {
                "task": "publication.finalize",
                "schedule": 300.0,
                "options": {"expires": 290.0},
            },
            # Drafts due their one reminder (contest.announcements.tasks).
            "announcements-remind-drafts": {
                "task": "announcements.remind_drafts",
                "schedule": crontab(minute=20),
                "options": {"expires": 3000.0},
            },
            # Failed result e-mails are retried with backoff (contest.publication.notify).
            "publication-notify-retry": {
                "task": "publication.notify_retry",
                "schedule": 300.0,
                "options": {"expires": 290.0},
            },
            # Webhook deliveries due (retries with backoff, lost messages; contest.api.webhooks).
            "webhooks-sweep": {
                "task": "webhooks.sweep",
                "schedule": 10.0,
                "options": {"expires": 9.0},
            },
        },
    )
    celery_app.set_default()
    # Not a Celery attribute: the worker signals read it.
    celery_app.flask_app = app  # type: ignore[attr-defined]
    app.extensions["celery"] = celery_app
    return celery_app


@worker_ready.connect
def sweep_at_worker_start(sender=None, **kwargs) -> int | None:
    """When a worker is ready, enqueue the jobs left pending while no broker or worker ran.

    Errors are logged, never raised: a sweep must not stop the worker from starting.
    """
    celery_app = getattr(sender, "app", None)
    flask_app = getattr(celery_app, "flask_app", None)
    if flask_app is None:
        return None
    from .jobs import operations

    try:
        with flask_app.app_context():
            try:
                count = operations.sweep()
            except Exception:
                log.exception("sweep at worker start failed")
                return None
    finally:
        # Pool processes forked later (replacing one that died) must find no connection.
        forksafe.dispose_engines(flask_app, close=True)
    log.info("sweep at worker start: %d job(s) enqueued", count)
    return count


@worker_process_init.connect
def dispose_engines_in_pool_process(sender=None, **kwargs) -> None:
    """A new pool process drops the connections it inherited (without closing them)."""
    from celery import current_app as celery_current

    flask_app = getattr(celery_current, "flask_app", None)
    if flask_app is not None:
        forksafe.dispose_engines(flask_app)
