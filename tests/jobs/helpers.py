"""Small helpers shared by the job tests."""

from __future__ import annotations

import time
from datetime import timedelta

from contest.extensions import db
from contest.jobs.models import FINISHED, Job
from contest.timeutil import utcnow
from tests import factories


def sign_in(test_client, user):
    """Make ``test_client``'s session belong to ``user`` through a server-side login session
    (what the login form creates), without depending on the login page."""
    row = factories.make_login_session(user)
    with test_client.session_transaction() as sess:
        sess["_user_id"] = f"{user.id}:{row.key}"
        sess["_fresh"] = True
    return user


def reload(job_id: int) -> Job | None:
    """The job as committed now (another session or process may have changed it)."""
    db.session.rollback()
    return db.session.get(Job, job_id, populate_existing=True)


def add_job(kind: str = "system.selfcheck", age: float = 0, **values) -> Job:
    """Insert a committed job row directly (nothing is dispatched), created ``age`` seconds
    ago."""
    values.setdefault("created_at", utcnow() - timedelta(seconds=age))
    return factories.make_job(kind, **values)


def wait_until_finished(job_id: int, timeout: float, what=lambda: "") -> Job:
    """Poll the database until job ``job_id`` has finished; fail with ``what()`` (e.g. the
    worker's log) after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        job = reload(job_id)
        if job is not None and job.status in FINISHED:
            return job
        if time.monotonic() > deadline:
            status = job.status if job else "missing"
            raise AssertionError(f"job {job_id} still {status} after {timeout} s\n{what()}")
        time.sleep(0.1)
