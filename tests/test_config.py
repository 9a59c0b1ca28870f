"""Configuration: production refuses to start without its secrets; the embedded default works
with nothing set."""

from __future__ import annotations

import pytest

from config import ProductionConfig, database_url, get_config
from contest import create_app


def test_production_refuses_to_start_without_settings(monkeypatch):
    monkeypatch.setattr(ProductionConfig, "SECRET_KEY", None)
    monkeypatch.setattr(ProductionConfig, "SQLALCHEMY_DATABASE_URI", None)
    monkeypatch.setattr(ProductionConfig, "REDIS_URL", None)
    with pytest.raises(RuntimeError) as excinfo:
        create_app(config_name="production")
    message = str(excinfo.value)
    for name in ("SECRET_KEY", "DATABASE_URL", "REDIS_URL"):
        assert name in message


def test_production_starts_with_settings_and_secure_cookies(monkeypatch, tmp_path):
    monkeypatch.setattr(ProductionConfig, "SECRET_KEY", "x" * 32)
    monkeypatch.setattr(
        ProductionConfig, "SQLALCHEMY_DATABASE_URI", f"sqlite:///{tmp_path / 'p.db'}"
    )
    monkeypatch.setattr(ProductionConfig, "REDIS_URL", "redis://127.0.0.1:6379/0")
    app = create_app(config_name="production")
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["REMEMBER_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert app.extensions["celery"].conf.task_always_eager is False


def test_development_defaults_to_sqlite_in_instance_and_eager_tasks(monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    app = create_app(config_name="development")
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    assert uri.startswith("sqlite:///") and uri.endswith("contest.sqlite3")
    assert app.instance_path in uri
    assert app.extensions["celery"].conf.task_always_eager is True
    # The secret key is kept in the instance folder, the same for every process.
    assert create_app(config_name="development").config["SECRET_KEY"] == app.config["SECRET_KEY"]


def test_unknown_config_name_is_a_clear_error():
    with pytest.raises(RuntimeError, match="CONTEST_CONFIG"):
        get_config("staging")


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgres://u@h/db", "postgresql+psycopg://u@h/db"),
        ("postgresql://u@h/db", "postgresql+psycopg://u@h/db"),
        ("postgresql+psycopg://u@h/db", "postgresql+psycopg://u@h/db"),
        ("sqlite:///x.db", "sqlite:///x.db"),
        ("", None),
    ],
)
def test_database_url_normalised(given, expected):
    assert database_url(given) == expected


def test_trusted_proxy_gives_the_real_client_address(make_app):
    """Behind a proxy the throttle must see each visitor's address, not the proxy's."""
    from flask import request

    seen = []
    for proxies, expected in ((0, "127.0.0.1"), (1, "203.0.113.7")):
        app = make_app(TRUSTED_PROXIES=proxies)

        @app.get("/_addr")
        def _addr():
            seen.append(request.remote_addr)
            return "ok"

        app.test_client().get(
            "/_addr",
            headers={"X-Forwarded-For": "203.0.113.7"},
            environ_base={"REMOTE_ADDR": "127.0.0.1"},
        )
        assert seen[-1] == expected
