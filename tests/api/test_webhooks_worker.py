"""A webhook delivery sent by a REAL Celery worker on Redis and PostgreSQL: the event's
commit queues ``webhooks.deliver``; the worker POSTs the signed body to a local receiver.

Skips locally when PostgreSQL (``TEST_DATABASE_URL``) or Redis is missing; fails under CI."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import select

from contest.accounts.models import Role
from contest.api import webhooks
from contest.api.models import WebhookDelivery
from contest.audit.operations import record
from contest.extensions import db
from tests import factories
from tests.api.test_webhooks import Receiver
from tests.jobs.processes import CeleryWorker

pytestmark = pytest.mark.worker


def test_a_real_worker_delivers_a_committed_event(make_app, broker_and_queue, tmp_path):
    broker, queue = broker_and_queue
    app = make_app(REDIS_URL=broker, CELERY_TASK_ALWAYS_EAGER=False, CELERY_QUEUE=queue)
    receiver = Receiver()
    worker = CeleryWorker(tmp_path, broker, queue, app.config["SQLALCHEMY_DATABASE_URI"], {})
    worker.start()
    try:
        with app.app_context():
            admin = factories.make_user("admin@example.vn", (Role.ADMIN,))
            hook = webhooks.register_webhook(
                admin, receiver.url, ["entry.submitted"], allow_private=True
            )
            db.session.commit()
            record(admin, "entry.submit", "entry", 42)
            db.session.commit()  # queues webhooks.deliver after the commit
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline and not receiver.requests:
                time.sleep(0.2)
            assert len(receiver.requests) == 1, worker.log_path.read_text()[-2000:]
            headers, body = receiver.requests[0]
            secret_ts = headers["X-Contest-Timestamp"]
            assert headers["X-Contest-Signature"] == webhooks.signature(
                hook.secret, secret_ts, body
            )
            while time.monotonic() < deadline:
                db.session.expire_all()
                delivery = db.session.scalars(select(WebhookDelivery)).one()
                if delivery.status == "succeeded":
                    break
                time.sleep(0.2)
            assert delivery.status == "succeeded" and delivery.attempts == 1
            db.session.remove()
    finally:
        worker.stop()
        receiver.close()
