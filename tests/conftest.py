"""Shared fixtures.

The schema is built by the migrations (never ``create_all``), once per test session, on
SQLite by default or on PostgreSQL when ``TEST_DATABASE_URL`` is set (under pytest-xdist, one
database per worker: see ``_per_xdist_worker``). After each test the
tables it wrote to are emptied (and the sequences it used restarted), so tests may commit
freely and other processes (a real Celery worker, a live server) see the same data.
"""

from __future__ import annotations

import gc
import os
import tempfile
from pathlib import Path
from typing import Any

import pytest
from flask import g, request_started
from jinja2 import BytecodeCache
from sqlalchemy import text

from config import database_url
from contest import create_app
from contest.extensions import db
from tests import factories

_TMP = Path(tempfile.mkdtemp(prefix="contest-tests-"))  # per process: SQLite file, uploads


def _per_xdist_worker() -> None:
    """Under pytest-xdist each worker process gets a database and a Redis database of its
    own (``contest_ci`` → ``contest_ci_gw1``, Redis db 0 → db 2); the temporary folder
    (SQLite file, uploads) already is per process and live servers take free ports. The
    environment is rewritten so that subprocesses (Celery workers) inherit the same."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker:
        return
    number = int(worker.removeprefix("gw"))
    url = os.environ.get("TEST_DATABASE_URL", "")
    if url.startswith("postgres"):
        from sqlalchemy import create_engine
        from sqlalchemy.engine import make_url

        parsed = make_url(database_url(url))
        name = f"{parsed.database}_{worker}"
        admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            if not conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}):
                conn.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        os.environ["TEST_DATABASE_URL"] = parsed.set(database=name).render_as_string(
            hide_password=False
        )
    from urllib.parse import urlsplit

    redis = urlsplit(os.environ.get("TEST_REDIS_URL") or "redis://127.0.0.1:6379/0")
    os.environ["TEST_REDIS_URL"] = redis._replace(path=f"/{number + 1}").geturl()


_per_xdist_worker()


def _remember_url_builders() -> None:
    """Every test creates its own app, and 90% of ``create_app`` is Werkzeug compiling a
    URL builder (Python code made from an AST) for each of the ~1,100 routes. A builder is a
    pure function of the rule's text and defaults (the rule itself comes in as an argument),
    so within the test process each one is compiled once and reused by later apps."""
    from werkzeug.routing.rules import Rule

    compile_builder = Rule._compile_builder
    builders: dict = {}

    def remembered(self, append_unknown: bool = True):
        key = (
            self.rule,
            self.subdomain,
            self.host,
            self.merge_slashes,
            tuple(sorted((k, repr(v)) for k, v in (self.defaults or {}).items())),
            tuple(self._trace),
            tuple((name, type(c).__qualname__) for name, c in self._converters.items()),
            append_unknown,
        )
        builder = builders.get(key)
        if builder is None:
            builder = builders[key] = compile_builder(self, append_unknown)
        return builder

    Rule._compile_builder = remembered  # type: ignore[method-assign]


_remember_url_builders()


class _CompiledTemplates(BytecodeCache):
    """Jinja's compiled templates, kept in memory for the whole test process. Each test
    app has its own Jinja environment, which would otherwise compile every template it
    renders again (a quarter of the time of a page-rendering test). The cache is keyed by
    the template's name and a checksum of its source, so an edited template is compiled
    anew."""

    def __init__(self) -> None:
        self.code: dict[str, bytes] = {}

    def load_bytecode(self, bucket) -> None:
        code = self.code.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket) -> None:
        self.code[bucket.key] = bucket.bytecode_to_string()


COMPILED_TEMPLATES = _CompiledTemplates()

# Every test builds an app (≈19,000 objects, freed only by the cyclic collector), so with
# Python's default thresholds the collector runs a full pass over the whole process every
# few tests: half of an empty test's set-up. Collect less often, and never walk the
# objects that live for the whole session (modules, the migrated metadata): see
# ``pytest_collection_finish``.
gc.set_threshold(50_000, 20, 100)


def pytest_collection_modifyitems(config, items) -> None:
    """Files with slow, browser or real-worker tests first (in their own order): under
    ``--dist loadfile`` a file runs on one worker from start to end, and a long one handed
    out last (the 74 s kill -9 recovery test) would keep the whole run waiting for it."""
    heavy = {
        item.path
        for item in items
        if any(item.get_closest_marker(name) for name in ("slow", "browser", "worker"))
    }
    items.sort(key=lambda item: item.path not in heavy)


def pytest_collection_finish(session) -> None:
    """Everything imported so far lives until the end: out of the collector's sight."""
    gc.collect()
    gc.freeze()


def pytest_xdist_auto_num_workers(config) -> int:
    """``-n auto``: one worker more than there are cores, because many tests wait on a
    browser, a Celery worker or a subprocess rather than compute."""
    return (os.cpu_count() or 1) + 1


def _database_uri() -> str:
    url = database_url(os.environ.get("TEST_DATABASE_URL"))
    return url or f"sqlite:///{_TMP / 'test.sqlite3'}"


DATABASE_URI = _database_uri()


def base_config(**overrides) -> dict:
    """The test configuration; ``overrides`` win."""
    config = {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": DATABASE_URI,
        "WTF_CSRF_ENABLED": False,
        "MAIL_BACKEND": "memory",
        "REDIS_URL": None,
        "CELERY_TASK_ALWAYS_EAGER": True,
        "UPLOAD_DIR": str(_TMP / "uploads"),
        "SERVER_NAME": None,
        # Cheap password hashing (production keeps argon2's defaults).
        "ARGON2_TIME_COST": 1,
        "ARGON2_MEMORY_COST": 1024,
        "ARGON2_PARALLELISM": 1,
    }
    config.update(overrides)
    return config


def _reset_schema(app) -> None:
    """Drop everything and rebuild the schema from the migrations."""
    from flask_migrate import upgrade

    with app.app_context():
        engine = db.engine
        if engine.dialect.name == "postgresql":
            with engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE"))
                conn.execute(text("CREATE SCHEMA public"))
        else:
            db.engine.dispose()
            path = Path(engine.url.database)
            if path.exists():
                path.unlink()
        upgrade()
        db.engine.dispose()


PG_EMPTY_USED_TABLES = """
DO $$
DECLARE
    r record;
    found boolean;
    i integer;
    used text[] := '{}';
BEGIN
    FOR r IN SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE n.nspname = 'public' AND c.relkind = 'r' AND c.relname <> 'alembic_version'
    LOOP
        EXECUTE format('SELECT EXISTS (SELECT 1 FROM %I)', r.relname) INTO found;
        IF found THEN
            used := used || quote_ident(r.relname);
        END IF;
    END LOOP;
    -- DELETE, not TRUNCATE: a few rows are gone in microseconds, while TRUNCATE makes new
    -- files for every table it touches and waits for them on disk. With replication role
    -- "replica" neither foreign keys nor triggers are checked, so the order does not matter.
    SET LOCAL session_replication_role = replica;
    FOR i IN 1 .. coalesce(array_length(used, 1), 0) LOOP
        EXECUTE 'DELETE FROM ' || used[i];
    END LOOP;
    SET LOCAL session_replication_role = origin;
    FOR r IN SELECT schemaname, sequencename FROM pg_sequences
             WHERE schemaname = 'public' AND last_value IS NOT NULL
    LOOP
        EXECUTE format('ALTER SEQUENCE %I.%I RESTART', r.schemaname, r.sequencename);
    END LOOP;
END $$;
"""


_CLEANERS: dict[str, Any] = {}  # database URL → this process's connection for emptying


def _pg_empty_used_tables(url) -> None:
    """Run :data:`PG_EMPTY_USED_TABLES` on a connection kept for the whole process: a new
    connection would first fill its catalog caches (≈14 ms against ≈2 ms per test). It
    holds no lock between tests; a connection lost meanwhile is replaced."""
    import psycopg

    dsn = url.set(drivername="postgresql").render_as_string(hide_password=False)
    for attempt in (1, 2):
        conn = _CLEANERS.get(dsn)
        if conn is None or conn.closed:
            conn = _CLEANERS[dsn] = psycopg.connect(dsn, autocommit=True)
        try:
            conn.execute(PG_EMPTY_USED_TABLES)  # no parameters: '%I' stays as written
            return
        except psycopg.OperationalError:
            conn.close()
            if attempt == 2:
                raise


def pytest_sessionfinish(session, exitstatus) -> None:
    """Close the connections kept for emptying the tables."""
    for conn in _CLEANERS.values():
        conn.close()
    _CLEANERS.clear()


def _empty_tables(app) -> None:
    with app.app_context():
        db.session.remove()
        if db.engine.dialect.name == "postgresql":
            # Empty only the tables a test wrote to and restart only the sequences it
            # used: one round trip, and far less work than truncating every table.
            _pg_empty_used_tables(db.engine.url)
            return
        tables = [t.name for t in db.metadata.sorted_tables]
        with db.engine.begin() as conn:
            # Self-references (areas.parent_id, ON DELETE RESTRICT) are checked row by
            # row, whatever the order of tables: switch the checks off while emptying.
            conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
            for name in reversed(tables):
                conn.execute(text(f"DELETE FROM {name}"))  # noqa: S608 - table names
            conn.exec_driver_sql("PRAGMA foreign_keys=ON")


@pytest.fixture(scope="session")
def _migrated():
    """Build the schema once per session from the migrations."""
    app = create_app(base_config())
    _reset_schema(app)
    return True


def _forget_loaded_user(sender, **extra) -> None:
    """The ``app`` fixture keeps one app context for the whole test and the test client
    reuses it, so ``g`` (where Flask-Login caches the user) would outlive a request: a logout,
    another client or a replayed cookie would see the previous request's user. Each request
    loads its user from its own cookies, as in production."""
    g.pop("_login_user", None)


@pytest.fixture()
def make_app(_migrated):
    """Factory: ``make_app(**config)`` creates an app on the test database."""
    apps = []

    def _make(**overrides):
        app = create_app(base_config(**overrides))
        app.jinja_env.bytecode_cache = COMPILED_TEMPLATES
        request_started.connect(_forget_loaded_user, app)
        apps.append(app)
        return app

    yield _make
    for app in apps:
        _empty_tables(app)
        with app.app_context():
            db.engine.dispose()


@pytest.fixture()
def app(make_app):
    """The default test app (CSRF off, tasks in-process, mail kept in memory)."""
    app = make_app()
    with app.app_context():
        yield app
        db.session.remove()


@pytest.fixture()
def client(app):
    return app.test_client()


@pytest.fixture()
def runner(app):
    return app.test_cli_runner()


@pytest.fixture()
def outbox(app):
    """Messages sent through the memory mail backend."""
    return app.extensions.setdefault("mail_outbox", [])


@pytest.fixture()
def users(app):
    """One user per role (password: ``factories.PASSWORD``), keyed by role name."""
    return factories.one_user_per_role()


@pytest.fixture()
def login(client):
    """``login(user)`` logs the test client in through the real login form."""

    def _login(user, password: str = factories.PASSWORD, remember: bool = False):
        response = client.post(
            "/login",
            data={"email": user.email, "password": password, "remember": "y" if remember else ""},
        )
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return response

    return _login


# Browser fixtures live in one place so that every browser test shares one Chromium (two
# Playwright sync sessions in one process collide).
from tests.browser_support import chromium, live_server, page, phone_page  # noqa: E402, F401


@pytest.fixture(autouse=True)
def _celery_join_guard_reset():
    """Some tests run Celery worker start-up code in this process, which sets Celery's global
    "joining a result would block" guard; reset it so a later eager ``.get()`` is allowed."""
    from celery._state import _set_task_join_will_block

    _set_task_join_will_block(False)
    yield


@pytest.fixture()
def broker_and_queue():
    """For real-worker tests: the shared test Redis and a queue of this test alone (PostgreSQL
    required); its keys, and any message of it left unacknowledged by a killed worker, are
    removed afterwards."""
    import json
    import uuid

    import redis

    from tests.services import need, postgres_url, redis_url

    need(postgres_url() is not None, "PostgreSQL (TEST_DATABASE_URL)")
    broker = redis_url()
    need(broker is not None, "Redis")
    queue = f"contest-test-{uuid.uuid4().hex[:12]}"
    try:
        yield broker, queue
    finally:
        client = redis.Redis.from_url(broker, socket_connect_timeout=1)
        for tag, raw in client.hgetall("unacked").items():
            if json.loads(raw)[-1] == queue:
                client.hdel("unacked", tag)
                client.zrem("unacked_index", tag)
        client.delete(queue, f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}")
        client.close()
