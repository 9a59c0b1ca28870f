"""Publication e-mails sent by REAL Celery worker processes on Redis and PostgreSQL, through
the ``file`` mail backend: exactly one ``.eml`` per expected message, even when the job's
message is delivered twice and a second job for the same publication runs at the same time on
another worker.

Skips locally when PostgreSQL (``TEST_DATABASE_URL``) or Redis is missing; fails under CI.
"""

from __future__ import annotations

import email
import subprocess
import sys
import time
import uuid
from email import policy
from pathlib import Path

import pytest

from contest.contests.operations import get_edition
from contest.extensions import db
from contest.jobs import operations
from contest.jobs.models import JobStatus
from contest.publication import notify
from contest.publication import operations as pub
from tests.jobs.helpers import wait_until_finished
from tests.jobs.processes import ROOT, CeleryWorker
from tests.publication.helpers import SLUG
from tests.publication.notify_helpers import FIRST_VERSION, prepare
from tests.services import need, postgres_url, redis_url

pytestmark = pytest.mark.worker


class NotifyWorker(CeleryWorker):
    """The deployment's worker (``celery -A worker worker``, development config, ``file`` mail
    backend) started through ``notify_worker_app``, which only moves its instance folder."""

    name = "worker"

    def start(self) -> None:
        log = open(self.log_path, "ab")  # noqa: SIM115 - the child keeps it open
        self.process = subprocess.Popen(
            [
                sys.executable, "-m", "celery", "-A", "tests.publication.notify_worker_app",
                "worker", "--pool=solo", "-Q", self.queue, "-n", f"{self.name}@%h",
                "--loglevel=info", "--without-gossip", "--without-mingle", "--without-heartbeat",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )  # fmt: skip
        log.close()


@pytest.fixture()
def notify_worker(tmp_path):
    """``notify_worker(app)``: start a real worker on ``app``'s Redis queue and database; all
    write their e-mails to ``<tmp>/instance/mail``. Returns the worker."""
    started: list[NotifyWorker] = []

    def _start(app) -> NotifyWorker:
        folder = tmp_path / f"worker{len(started) + 1}"
        folder.mkdir()
        worker = NotifyWorker(
            folder,
            app.config["REDIS_URL"],
            app.config["CELERY_QUEUE"],
            app.config["SQLALCHEMY_DATABASE_URI"],
            {"CONTEST_TEST_INSTANCE_PATH": str(tmp_path / "instance")},
        )
        worker.name = f"{app.config['CELERY_QUEUE']}-{len(started) + 1}"
        started.append(worker)
        worker.start()
        return worker

    try:
        yield _start
    finally:
        for worker in started:
            worker.stop()


@pytest.fixture()
def queue():
    """This test's own queue on the shared test Redis (its keys removed afterwards)."""
    import redis

    need(postgres_url() is not None, "PostgreSQL (TEST_DATABASE_URL)")
    broker = redis_url()
    need(broker is not None, "Redis")
    name = f"contest-test-{uuid.uuid4().hex[:12]}"
    try:
        yield broker, name
    finally:
        client = redis.Redis.from_url(broker, socket_connect_timeout=1)
        client.delete(name, f"_kombu.binding.{name}", f"_kombu.binding_permanent.{name}")
        client.close()


def _messages(folder: Path) -> list:
    """The e-mails the worker wrote to ``folder``."""
    return [
        email.message_from_bytes(path.read_bytes(), policy=policy.default)
        for path in sorted(folder.glob("*.eml"))
    ]


def _wait_for(condition, timeout: float, what) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(what())
        time.sleep(0.1)


def test_real_workers_send_each_mail_once_even_when_jobs_are_duplicated(
    runner, tmp_path, users, make_app, queue, notify_worker
):
    broker, name = queue
    edition_id = prepare(runner, tmp_path, users).id  # built in-process (the eager app)
    organizer_id = users["organizer"].id
    app = make_app(REDIS_URL=broker, CELERY_TASK_ALWAYS_EAGER=False, CELERY_QUEUE=name)
    workers = [notify_worker(app), notify_worker(app)]
    for worker in workers:  # both listening: the two jobs run at the same time
        worker.wait_ready(timeout=60)

    def logs() -> str:
        return "\n".join(w.log[-3000:] for w in workers)

    with app.app_context():
        edition = get_edition(SLUG)
        assert edition.id == edition_id
        publication = pub.publish(edition, db.session.get(type(users["organizer"]), organizer_id))
        # The same publication's job twice (e.g. a hook run twice), in the same transaction.
        second = operations.create_job(notify.KIND, {"publication_id": publication.id})
        second_id = second.id
        first_id, dispatched_second = operations.commit()  # both handed to Redis
        assert dispatched_second == second_id
        # The first job's message delivered twice.
        app.extensions["celery"].tasks["jobs.run"].apply_async(args=[first_id])

        jobs = [wait_until_finished(i, timeout=90, what=logs) for i in (first_id, second_id)]
        assert all(j.status == JobStatus.SUCCEEDED for j in jobs), [j.error for j in jobs]
        assert sum(j.result["sent"] for j in jobs) == len(FIRST_VERSION)
        assert sum(j.result["already_sent"] for j in jobs) == len(FIRST_VERSION)
        _wait_for(  # three messages handled: each logs "received" and "succeeded"
            lambda: sum(w.log.count("Task jobs.run[") for w in workers) >= 6,
            timeout=30,
            what=logs,
        )
        db.session.remove()

    messages = _messages(tmp_path / "instance" / "mail")
    assert sorted((str(m["To"]), str(m["Subject"])) for m in messages) == FIRST_VERSION
    [prize] = [m for m in messages if "A3 đạt Giải Nhì" in str(m["Subject"])]
    assert "Chúc mừng bạn đã đạt Giải Nhì" in prize.get_content()
    assert "“Giải pháp A3”" in prize.get_content()
