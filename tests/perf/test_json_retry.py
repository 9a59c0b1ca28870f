"""Issue 15: JSON clients get JSON errors with a retry hint, also for 500 and 503 and when the
database cannot be reached (a restart): ``retry``, ``retry_after`` and ``Retry-After``."""

from __future__ import annotations

import socket

import pytest
from flask import abort

from contest import create_app
from tests.conftest import base_config


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # closed again when the block ends: nothing listens


@pytest.fixture()
def database_down():
    """The app in production error mode on a PostgreSQL server that is not there."""
    url = f"postgresql+psycopg://postgres@127.0.0.1:{_closed_port()}/contest_down"
    app = create_app(base_config(SQLALCHEMY_DATABASE_URI=url, PROPAGATE_EXCEPTIONS=False))

    @app.get("/test-only/crash.json")
    def crash():
        raise RuntimeError("boom")

    @app.get("/test-only/abort/<int:code>")
    def aborts(code: int):
        abort(code)

    return app


def _retry_json(response, code: int) -> dict:
    assert response.status_code == code, response.get_data(as_text=True)[:300]
    assert response.is_json, response.get_data(as_text=True)[:300]
    body = response.get_json()
    assert body["status"] == code and body["message"] and body["error"]
    assert body["retry"] is True and body["retry_after"] > 0
    assert int(response.headers["Retry-After"]) == body["retry_after"]
    return body


def test_a_database_restart_answers_json_503_with_a_retry_hint(database_down):
    client = database_down.test_client()
    body = _retry_json(client.get("/results/khong-co", headers={"Accept": "application/json"}), 503)
    assert "thử lại" in body["message"]
    page = client.get("/results/khong-co")  # a browser gets the page, with the same hint
    assert page.status_code == 503 and not page.is_json and page.headers["Retry-After"]


def test_500_and_503_carry_the_retry_hint(database_down):
    client = database_down.test_client()
    _retry_json(client.get("/test-only/crash.json"), 500)
    _retry_json(client.get("/test-only/abort/503", headers={"Accept": "application/json"}), 503)
    refused = client.get("/test-only/abort/404", headers={"Accept": "application/json"})
    assert refused.status_code == 404 and "retry" not in refused.get_json()
