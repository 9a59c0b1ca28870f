"""Announcements sent by REAL Celery workers on Redis and PostgreSQL through the ``file`` mail
backend: exactly one ``.eml`` per recipient when the job's message is delivered twice and a
second job for the same announcement runs at the same time on another worker; and a sending
whose worker is killed -9 mid-way is finished by the next worker (the sweeper re-runs the
stalled job), writing only to the recipients not written to yet. The draft reminders go the
same way: a reminders job whose worker is killed mid-way is finished by the next worker, each
draft's owner written to once.

Skips locally when PostgreSQL (``TEST_DATABASE_URL``) or Redis is missing; fails under CI.
"""

from __future__ import annotations

import email
import time
from collections import Counter
from email import policy
from pathlib import Path

import pytest
from sqlalchemy import func, select

from contest.accounts.models import Role
from contest.announcements import operations, tasks
from contest.announcements.models import AnnouncementRecipient, Audience
from contest.entries.models import Entry
from contest.extensions import db
from contest.jobs import operations as jobs
from contest.jobs.models import JobStatus
from tests import factories
from tests.announcements.helpers import build_season, local
from tests.jobs.helpers import reload, wait_until_finished
from tests.jobs.processes import CeleryWorker

pytestmark = pytest.mark.worker

STALE_AFTER = 3  # seconds without a heartbeat before a running job counts as stalled
EXTRA = 15  # coordinators added to the season's five


class AnnounceWorker(CeleryWorker):
    """A prefork worker (one pool process) of ``tests.announcements.worker_app``."""

    app_module = "tests.announcements.worker_app"
    pool = "prefork"


@pytest.fixture()
def workers(tmp_path):
    """``start(app, pause, *args)``: a real worker on ``app``'s queue and database, writing
    its e-mails to ``<tmp>/instance/mail``; all are stopped at the end."""
    started: list[AnnounceWorker] = []

    def start(app, pause: float = 0.0, *args: str) -> AnnounceWorker:
        folder = tmp_path / f"w{len(started)}"
        folder.mkdir()
        worker = AnnounceWorker(
            folder,
            app.config["REDIS_URL"],
            app.config["CELERY_QUEUE"],
            app.config["SQLALCHEMY_DATABASE_URI"],
            {
                "CONTEST_TEST_INSTANCE_PATH": str(tmp_path / "instance"),
                "ANNOUNCE_TEST_PAUSE": str(pause),
                "JOB_STALE_AFTER": str(STALE_AFTER),
                "JOB_SWEEP_EVERY": "1",
            },
        )
        worker.queue = app.config["CELERY_QUEUE"]
        worker.extra_args = ("--concurrency=1", *args)
        started.append(worker)
        worker.start()
        return worker

    try:
        yield start
    finally:
        for worker in started:
            worker.stop()


def _season_with_many_coordinators():
    season = build_season()
    for n in range(EXTRA):
        factories.make_user(f"dm{n:02d}@example.vn", (Role.COORDINATOR,), area=season["P"])
    return season


def _recipients() -> list[str]:
    return sorted(db.session.scalars(select(AnnouncementRecipient.email)))


def _delivered(folder: Path) -> Counter:
    return Counter(
        str(email.message_from_bytes(p.read_bytes(), policy=policy.default)["To"])
        for p in folder.glob("*.eml")
    )


def _app(make_app, broker_and_queue):
    broker, queue = broker_and_queue
    return make_app(
        REDIS_URL=broker,
        CELERY_TASK_ALWAYS_EAGER=False,
        CELERY_QUEUE=queue,
        JOB_STALE_AFTER=STALE_AFTER,
    )


def test_real_workers_write_to_each_recipient_once_when_the_job_is_duplicated(
    app, make_app, broker_and_queue, workers, tmp_path
):
    season = _season_with_many_coordinators()
    edition_id, organizer_id = season["edition"].id, season["organizer"].id
    real = _app(make_app, broker_and_queue)
    both = [workers(real), workers(real)]
    for worker in both:
        worker.wait_ready(timeout=60)

    def logs() -> str:
        return "\n".join(w.log[-3000:] for w in both)

    with real.app_context():
        from contest.accounts.models import User
        from contest.contests.models import Edition

        announcement = operations.send(
            db.session.get(Edition, edition_id),
            db.session.get(User, organizer_id),
            Audience.ALL_COORDINATORS,
            "Họp cán bộ đầu mối",
            "Kính mời dự họp.",
        )
        second = jobs.create_job(operations.SEND_KIND, {"announcement_id": announcement.id})
        second_id = second.id
        first_id, dispatched_second = jobs.commit()  # both handed to Redis
        assert dispatched_second == second_id
        real.extensions["celery"].tasks["jobs.run"].apply_async(args=[first_id])  # twice
        finished = [wait_until_finished(i, timeout=90, what=logs) for i in (first_id, second_id)]
        assert all(j.status == JobStatus.SUCCEEDED for j in finished), [j.error for j in finished]
        assert sum(j.result["sent"] for j in finished) == 5 + EXTRA
        expected = _recipients()
        statuses = db.session.scalars(select(AnnouncementRecipient.status).distinct()).all()
        db.session.remove()

    delivered = _delivered(tmp_path / "instance" / "mail")
    assert sorted(delivered) == expected and len(expected) == 5 + EXTRA
    assert set(delivered.values()) == {1}
    assert statuses == ["sent"]


def test_a_sending_whose_worker_was_killed_is_finished_by_the_next_worker_without_repeats(
    app, make_app, broker_and_queue, workers, tmp_path
):
    season = _season_with_many_coordinators()
    edition_id, organizer_id = season["edition"].id, season["organizer"].id
    real = _app(make_app, broker_and_queue)
    mail = tmp_path / "instance" / "mail"
    with real.app_context():
        from contest.accounts.models import User
        from contest.contests.models import Edition

        first = workers(real, 0.4, "--beat", f"--schedule-filename={tmp_path / 'beat-0'}")
        first.wait_ready(timeout=60)
        announcement = operations.send(
            db.session.get(Edition, edition_id),
            db.session.get(User, organizer_id),
            Audience.ALL_COORDINATORS,
            "Họp cán bộ đầu mối",
            "Kính mời dự họp.",
        )
        announcement_id, job_id = announcement.id, announcement.job_id
        jobs.commit()
        deadline = time.monotonic() + 60
        while (job := reload(job_id)).progress < 5:
            assert job.status == JobStatus.RUNNING or job.status == JobStatus.QUEUED, job.error
            assert time.monotonic() < deadline, first.log[-3000:]
            time.sleep(0.05)
        # Kill while the worker pauses after a delivery (not between a message's claim and
        # its delivery: a message killed there is lost, never sent twice — at most once).
        time.sleep(0.15)
        first.kill_all()  # kill -9: the main process, its pool process and its beat
        killed = reload(job_id)
        assert killed.status == JobStatus.RUNNING and killed.progress < 5 + EXTRA
        before = _delivered(mail)
        assert 5 <= sum(before.values()) < 5 + EXTRA and set(before.values()) == {1}

        second = workers(real, 0.0, "--beat", f"--schedule-filename={tmp_path / 'beat-1'}")
        second.wait_ready(timeout=60)
        job = wait_until_finished(job_id, timeout=90, what=lambda: second.log[-3000:])
        assert job.status == JobStatus.SUCCEEDED, job.error
        assert job.attempts == 2  # the same job, run again by the sweeper
        # The second run wrote exactly to those the first had not (the message being
        # delivered when the worker died counts as sent: its claim was committed).
        assert job.result["sent"] == 5 + EXTRA - sum(before.values())
        assert job.result["already_sent"] <= 1
        expected = _recipients()
        left = db.session.scalar(
            select(func.count(AnnouncementRecipient.id)).where(
                AnnouncementRecipient.announcement_id == announcement_id,
                AnnouncementRecipient.status != "sent",
            )
        )
        db.session.remove()

    delivered = _delivered(mail)
    assert set(delivered.values()) == {1}  # at most once each
    assert sorted(delivered) == expected  # and everyone, in the end
    assert left == 0


def test_draft_reminders_whose_worker_was_killed_are_finished_by_the_next_worker_once_each(
    app, make_app, broker_and_queue, workers, tmp_path
):
    season = build_season()
    edition = season["edition"]
    for n in range(EXTRA):  # more drafts, each of its own entrant, due with d1 and d2
        owner = factories.make_user(f"nhap{n:02d}@example.vn", (Role.ENTRANT,))
        db.session.add(
            Entry(edition_id=edition.id, title=f"Nháp {n}", area_id=season["B"].id,
                  field_id=edition.field_by_code("HT").id, owner_id=owner.id, status="draft")
        )  # fmt: skip
    db.session.commit()
    total = 2 + EXTRA
    due_at = local(2026, 7, 30, 9, 0)  # the day before the deadline of 31/7 17:00
    real = _app(make_app, broker_and_queue)
    mail = tmp_path / "instance" / "mail"
    with real.app_context():
        first = workers(real, 0.4, "--beat", f"--schedule-filename={tmp_path / 'beat-0'}")
        first.wait_ready(timeout=60)
        job_id = tasks.queue_reminders(due_at)
        assert job_id is not None
        jobs.commit()
        deadline = time.monotonic() + 60
        while (job := reload(job_id)).progress < 5:
            assert job.status in (JobStatus.RUNNING, JobStatus.QUEUED), job.error
            assert time.monotonic() < deadline, first.log[-3000:]
            time.sleep(0.05)
        time.sleep(0.15)
        first.kill_all()
        killed = reload(job_id)
        assert killed.status == JobStatus.RUNNING and killed.progress < total
        before = _delivered(mail)
        assert 5 <= sum(before.values()) < total and set(before.values()) == {1}

        second = workers(real, 0.0, "--beat", f"--schedule-filename={tmp_path / 'beat-1'}")
        second.wait_ready(timeout=60)
        job = wait_until_finished(job_id, timeout=90, what=lambda: second.log[-3000:])
        assert job.status == JobStatus.SUCCEEDED, job.error
        assert job.attempts == 2  # the same job, run again by the sweeper
        assert job.result["sent"] == total - sum(before.values())
        # Nothing is due any more: a new reminders job is not even created.
        assert tasks.queue_reminders(due_at) is None
        db.session.remove()

    delivered = _delivered(mail)
    assert set(delivered.values()) == {1}  # at most once each
    owners = {"e1@example.vn", "e2@example.vn"} | {f"nhap{n:02d}@example.vn" for n in range(EXTRA)}
    assert set(delivered) == owners  # and every draft's owner, in the end
