"""No database connection crosses a fork (issue 11 point 4), outside Celery too: a process
forked by ``os.fork`` that checks a connection out of the pool it inherited gets a new one
of its own, and the parent's connection keeps working (the child never closed it)."""

from __future__ import annotations

import os

from sqlalchemy import text

from contest.extensions import db
from contest.jobs import forksafe
from tests.services import need, postgres_url

BACKEND_PID = text("SELECT pg_backend_pid()")


def _in_child(work) -> str:
    """Run ``work()`` in a forked child; return what it printed to the pipe ("error: …" if
    it raised)."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never return into pytest
        os.close(read)
        try:
            answer = str(work())
        except BaseException as exc:  # noqa: BLE001 - reported to the parent
            answer = f"error: {exc!r}"
        os.write(write, answer.encode())
        os._exit(0)
    os.close(write)
    with os.fdopen(read) as pipe:
        answer = pipe.read()
    os.waitpid(pid, 0)
    return answer


def test_a_forked_process_opens_its_own_connection_and_leaves_the_parents(app):
    need(postgres_url() is not None, "PostgreSQL (TEST_DATABASE_URL)")
    parent = db.session.execute(BACKEND_PID).scalar_one()
    db.session.remove()  # back to the pool, still open: the child inherits it

    def child():
        with app.app_context():
            return db.session.execute(BACKEND_PID).scalar_one()

    answer = _in_child(child)
    assert answer.isdigit(), answer
    assert int(answer) != parent
    # The parent's pooled connection is the same one and still works.
    assert db.session.execute(BACKEND_PID).scalar_one() == parent
    db.session.remove()


def test_dispose_engines_in_a_forked_process_keeps_the_parents_connection(app):
    need(postgres_url() is not None, "PostgreSQL (TEST_DATABASE_URL)")
    parent = db.session.execute(BACKEND_PID).scalar_one()
    db.session.remove()

    def child():
        assert forksafe.dispose_engines(app) >= 1  # what worker_process_init does
        with app.app_context():
            return db.session.execute(BACKEND_PID).scalar_one()

    answer = _in_child(child)
    assert answer.isdigit() and int(answer) != parent, answer
    assert db.session.execute(BACKEND_PID).scalar_one() == parent
    db.session.remove()
