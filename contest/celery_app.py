"""Celery wired the Flask way: every task runs inside an application context."""

from __future__ import annotations

from celery import Celery, Task
from flask import Flask


def celery_init_app(app: Flask) -> Celery:
    """Create the Celery app for ``app`` and store it in ``app.extensions["celery"]``.

    With ``REDIS_URL`` unset (outside production) tasks run in-process (``task_always_eager``).
    """

    class FlaskTask(Task):
        def __call__(self, *args, **kwargs):
            with app.app_context():
                return self.run(*args, **kwargs)

    redis_url = app.config.get("REDIS_URL")
    eager = app.config.get("CELERY_TASK_ALWAYS_EAGER")
    if eager is None:
        eager = not redis_url
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
        task_always_eager=bool(eager),
        task_eager_propagates=bool(app.config.get("TESTING")),
        timezone="Asia/Ho_Chi_Minh",
        enable_utc=True,
        broker_connection_retry_on_startup=True,
        broker_connection_timeout=2,
        broker_transport_options={
            "socket_connect_timeout": 2,
            "socket_timeout": 5,
            "max_retries": 1,
            "visibility_timeout": 3600,
        },
        task_publish_retry=True,
        task_publish_retry_policy={
            "max_retries": 1,
            "interval_start": 0,
            "interval_step": 0.2,
            "interval_max": 0.5,
        },
        beat_schedule={
            "jobs-sweep": {"task": "jobs.sweep", "schedule": 30.0},
        },
    )
    celery_app.set_default()
    app.extensions["celery"] = celery_app
    return celery_app
