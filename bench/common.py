"""Shared pieces of the issue 15 benchmarks: a throw-away PostgreSQL database, the app on it,
a generated and compiled (optionally published) edition, the machine's load."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432/"
ORGANIZER = "btc-bench@example.vn"
PASSWORD = "mật khẩu đo hiệu năng 2026"


def admin_sql(sql: str) -> None:
    """Run ``sql`` (autocommit) on the server's ``postgres`` database."""
    from sqlalchemy import create_engine, text

    engine = create_engine(SERVER + "postgres", isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(sql))
    engine.dispose()


def fresh_database(name: str) -> str:
    """Create (again) the database ``name``; its URL."""
    if not name.startswith(("contest_h6_", "contest_bench")):
        raise SystemExit("benchmark databases are named contest_h6_* or contest_bench*")
    admin_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin_sql(f'CREATE DATABASE "{name}"')
    return SERVER + name


def drop_database(name: str) -> None:
    admin_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def make_app(url: str, **extra):
    """The app on ``url``, tasks in-process."""
    from contest import create_app

    config = {
        "TESTING": False,
        "SQLALCHEMY_DATABASE_URI": url,
        "REDIS_URL": None,
        "CELERY_TASK_ALWAYS_EAGER": True,
        "MAIL_BACKEND": "memory",
        "SECRET_KEY": "bench-secret-key",
        "WTF_CSRF_ENABLED": False,
        "ARGON2_TIME_COST": 1,
        "ARGON2_MEMORY_COST": 1024,
        "ARGON2_PARALLELISM": 1,
    }
    config.update(extra)
    return create_app(config)


def build_edition(app, entries: int, *, publish: bool = True, slug: str = "bench-perf") -> dict:
    """Migrate, generate ``entries`` entries (3 sheets each, analysed), compile the round
    through its job, publish it (override) when ``publish``; an organizer who can log in.
    Returns timings and ids."""
    from flask_migrate import upgrade

    from bench.generate import create_edition, generate
    from contest.accounts.models import Role, User, UserRole
    from contest.accounts.passwords import hash_password
    from contest.contests.models import Edition
    from contest.extensions import db
    from contest.jobs.operations import commit
    from contest.publication import operations as pub
    from contest.results import tasks

    out: dict = {}
    with app.app_context():
        upgrade()
        started = time.perf_counter()
        edition_id, round_id = create_edition(slug)
        out["generate"] = generate(edition_id, round_id, entries, analyze=True)
        user = User(email=ORGANIZER, full_name="Ban Tổ chức", password_hash=hash_password(PASSWORD),
                    is_active_account=True)  # fmt: skip
        user.roles.append(UserRole(role=str(Role.ORGANIZER)))
        db.session.add(user)
        db.session.commit()
        edition = db.session.get(Edition, edition_id)
        t = time.perf_counter()
        tasks.create_compile_job(edition, edition.rounds[0], user=user)
        commit()
        out["compile_s"] = time.perf_counter() - t
        if publish:
            db.session.expire_all()
            edition = db.session.get(Edition, edition_id)
            publication = pub.publish(edition, user, override_reason="Đo hiệu năng")
            out["winners"] = len(publication.entries)
            commit()
        out["build_s"] = time.perf_counter() - started
        out["edition_id"], out["round_id"], out["slug"] = edition_id, round_id, slug
        db.session.remove()
    return out


def machine_load() -> str:
    """``uptime``'s load averages and the number of CPUs."""
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} / {five:.2f} / {fifteen:.2f} on {os.cpu_count()} CPUs"


def git_state() -> str:
    try:
        out = subprocess.run(["git", "-C", str(ROOT), "log", "-1", "--format=%h"],
                             capture_output=True, text=True, check=False)  # fmt: skip
        return out.stdout.strip()
    except OSError:
        return "?"
