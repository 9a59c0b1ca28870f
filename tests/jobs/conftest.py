"""Fixtures of the job tests: signing in without the login form, throw-away job handlers,
and real Redis servers and Celery worker processes (always cleaned up)."""

from __future__ import annotations

import pytest

from contest.jobs import operations
from tests.jobs import helpers
from tests.jobs.processes import CeleryWorker, RedisServer


@pytest.fixture()
def sign_in(client):
    """``sign_in(user)``: the test client's session belongs to ``user`` (no login form)."""
    return lambda user: helpers.sign_in(client, user)


@pytest.fixture()
def handler(monkeypatch):
    """``handler(kind, func)``: register a job handler for this test only."""

    def _register(kind: str, func):
        monkeypatch.setitem(operations.HANDLERS, kind, func)
        return func

    return _register


@pytest.fixture()
def redis_server(tmp_path):
    """``redis_server(port=None)``: start a private, non-persistent redis-server process."""
    servers: list[RedisServer] = []

    def _start(port: int | None = None) -> RedisServer:
        server = RedisServer(tmp_path, port)
        servers.append(server)
        server.start()
        return server

    try:
        yield _start
    finally:
        for server in servers:
            server.stop()


@pytest.fixture()
def celery_worker(tmp_path):
    """``celery_worker(redis_url, queue, database_url)``: start a real worker process."""
    workers: list[CeleryWorker] = []

    def _start(redis_url: str, queue: str, database_url: str, **env) -> CeleryWorker:
        worker = CeleryWorker(tmp_path, redis_url, queue, database_url, env)
        workers.append(worker)
        worker.start()
        return worker

    try:
        yield _start
    finally:
        for worker in workers:
            worker.stop()
