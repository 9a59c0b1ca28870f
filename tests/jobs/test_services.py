"""tests.services: a missing service skips locally and fails under CI."""

from __future__ import annotations

import socket

import pytest

from tests import services


@pytest.mark.parametrize(
    ("in_ci", "outcome"), [(False, pytest.skip.Exception), (True, pytest.fail.Exception)]
)
def test_need(monkeypatch, in_ci, outcome):
    monkeypatch.setattr(services, "IN_CI", in_ci)
    services.need(True, "anything")  # present: nothing happens
    with pytest.raises(outcome, match="Redis"):
        services.need(False, "Redis")


def test_redis_url_is_none_when_nothing_answers(monkeypatch):
    monkeypatch.setenv("TEST_REDIS_URL", f"redis://127.0.0.1:{services.port_free()}/0")
    assert services.redis_url() is None


def test_postgres_url_only_for_postgresql(monkeypatch):
    monkeypatch.setenv("TEST_DATABASE_URL", "sqlite:////tmp/x.db")
    assert services.postgres_url() is None
    monkeypatch.setenv("TEST_DATABASE_URL", "postgresql+psycopg://u@h/db")
    assert services.postgres_url() == "postgresql+psycopg://u@h/db"


def test_port_free_gives_a_bindable_port():
    port = services.port_free()
    with socket.socket() as s:
        s.bind(("127.0.0.1", port))
