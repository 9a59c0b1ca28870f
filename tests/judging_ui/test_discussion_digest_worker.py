"""The panel's digest sent by REAL Celery worker processes on Redis and PostgreSQL (``file``
mail backend): two digest jobs running at the same time on two workers, one of them delivered
twice, write exactly one ``.eml`` per judge.

Skips locally when PostgreSQL (``TEST_DATABASE_URL``) or Redis is missing; fails under CI.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from contest.extensions import db
from contest.jobs import operations
from contest.jobs.models import JobStatus
from contest.judging import discussion
from contest.judging.discussion_digest import queue_digest
from contest.timeutil import utcnow
from tests.jobs.helpers import wait_until_finished
from tests.judging_ui import judge_fixtures
from tests.judging_ui.discussion_fixtures import cast
from tests.publication.test_notify_worker import _messages, notify_worker, queue

judges = judge_fixtures.judges
open_edition = judge_fixtures.open_edition
assigned = judge_fixtures.assigned
__all__ = ["cast", "notify_worker", "queue"]  # fixtures

pytestmark = pytest.mark.worker


def test_real_workers_send_one_digest_per_judge(
    app, make_app, tmp_path, open_edition, final, assigned, cast, queue, notify_worker
):
    broker, name = queue
    an = cast["assigned"]
    discussion.post_comment(
        an, assigned, final, "Đề nghị xem lại", now=utcnow() - timedelta(hours=2)
    )
    db.session.commit()
    worker_app = make_app(REDIS_URL=broker, CELERY_TASK_ALWAYS_EAGER=False, CELERY_QUEUE=name)
    workers = [notify_worker(worker_app), notify_worker(worker_app)]
    for worker in workers:
        worker.wait_ready(timeout=60)

    def logs() -> str:
        return "\n".join(w.log[-3000:] for w in workers)

    with worker_app.app_context():
        ids = [queue_digest().id, queue_digest().id]  # two jobs (two beats)
        assert operations.commit() == ids
        worker_app.extensions["celery"].tasks["jobs.run"].apply_async(args=[ids[0]])  # again
        jobs = [wait_until_finished(i, timeout=90, what=logs) for i in ids]
        finished = [(j.status, j.result, j.error) for j in jobs]
        db.session.remove()
    assert all(status == JobStatus.SUCCEEDED for status, _r, _e in finished), finished
    assert sum(result["digests"] for _s, result, _e in finished) == 2
    messages = _messages(tmp_path / "instance" / "mail")
    assert sorted(str(m["To"]) for m in messages) == ["gk2@example.vn", "gk3@example.vn"]
    assert all("Đề nghị xem lại" in m.get_content() for m in messages)
