"""The database half of a backup: a consistent snapshot and its restore, per dialect.

* PostgreSQL: a ``REPEATABLE READ`` transaction exports its snapshot
  (``pg_export_snapshot()``), counts every table's rows in it, and ``pg_dump --format=custom
  --snapshot=…`` dumps exactly that state. The restore turns the dump into SQL
  (``pg_restore -f -``) and runs it with ``psql --single-transaction`` after ``DROP SCHEMA
  public CASCADE``: it succeeds whole or leaves the database as it was.
* SQLite: the online backup API copies the file page by page under a read lock; the counts
  are read from the copy. The restore copies the backup next to the database file and
  renames it into place (atomic on one filesystem).

The password of a PostgreSQL URL goes to the tools in ``PGPASSWORD``, never on their command
line (visible in ``ps``).
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
import tempfile
from pathlib import Path

from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import URL, Engine, make_url

DUMP_NAMES = {"postgresql": "database.dump", "sqlite": "database.sqlite3"}
VERSION_TABLE = "alembic_version"


class DatabaseToolError(RuntimeError):
    """pg_dump / pg_restore / psql is missing, too old, or failed (``str`` says which)."""


def dialect_of(url: str | URL) -> str:
    """``postgresql`` or ``sqlite`` (ValueError for any other database)."""
    name = make_url(url).get_backend_name()
    if name not in DUMP_NAMES:
        raise ValueError(f"unsupported database: {name}")
    return name


# --- PostgreSQL ---------------------------------------------------------------------------


def _pg_env(url: URL) -> dict[str, str]:
    """libpq environment variables for ``url`` (host, port, user, password, database)."""
    env = dict(os.environ)
    for var, value in (
        ("PGHOST", url.host),
        ("PGPORT", url.port),
        ("PGUSER", url.username),
        ("PGPASSWORD", url.password),
        ("PGDATABASE", url.database),
    ):
        if value is not None:
            env[var] = str(value)
    return env


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise DatabaseToolError(f"{name} not found on PATH (install postgresql-client)")
    return path


def _major(version_text: str) -> int:
    match = re.search(r"(\d+)(?:\.\d+)?", version_text)
    if match is None:
        raise DatabaseToolError(f"cannot read a version in {version_text!r}")
    return int(match.group(1))


def check_pg_tools(engine: Engine) -> dict[str, int]:
    """The major versions of the server and of pg_dump / pg_restore / psql; raise
    :class:`DatabaseToolError` when a tool is missing or older than the server (pg_dump
    cannot dump a newer server; a dump from a newer pg_dump may not restore)."""
    with engine.connect() as conn:
        server = int(conn.execute(text("SHOW server_version_num")).scalar_one()) // 10000
    versions = {"server": server}
    for name in ("pg_dump", "pg_restore", "psql"):
        out = subprocess.run(
            [_tool(name), "--version"], capture_output=True, text=True, check=True
        ).stdout
        versions[name] = _major(out)
        if versions[name] < server:
            raise DatabaseToolError(
                f"{name} {versions[name]} is older than the PostgreSQL server {server}"
            )
    return versions


def _pg_tables(conn) -> list[str]:
    return list(
        conn.execute(
            text("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
        ).scalars()
    )


def _count(conn, tables: list[str]) -> dict[str, int]:
    preparer = conn.dialect.identifier_preparer
    return {
        name: conn.execute(
            text(f"SELECT count(*) FROM {preparer.quote(name)}")  # noqa: S608 - catalogue names
        ).scalar_one()
        for name in tables
    }


def _revision(conn, tables) -> str | None:
    if VERSION_TABLE not in tables:
        return None
    return conn.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalar()  # noqa: S608


def dump_postgresql(url: str | URL, target: Path) -> dict:
    """Dump the database at ``url`` to ``target`` (custom format); return the snapshot's
    ``row_counts`` and ``alembic_revision``."""
    url = make_url(url)
    engine = create_engine(url.set(drivername="postgresql+psycopg"), poolclass=_null_pool())
    try:
        check_pg_tools(engine)
        with engine.connect() as conn:
            conn = conn.execution_options(isolation_level="REPEATABLE READ")
            with conn.begin():
                snapshot = conn.execute(text("SELECT pg_export_snapshot()")).scalar_one()
                tables = _pg_tables(conn)
                counts = _count(conn, tables)
                revision = _revision(conn, tables)
                _run(
                    [
                        _tool("pg_dump"),
                        "--format=custom",
                        "--no-owner",
                        "--no-privileges",
                        f"--snapshot={snapshot}",
                        f"--file={target}",
                    ],
                    env=_pg_env(url),
                )
    finally:
        engine.dispose()
    return {"row_counts": counts, "alembic_revision": revision}


def restore_postgresql(url: str | URL, dump: Path) -> None:
    """Replace everything in the ``public`` schema by the dump, in one transaction."""
    url = make_url(url)
    env = _pg_env(url)
    with tempfile.TemporaryFile() as script:
        script.write(b"DROP SCHEMA IF EXISTS public CASCADE;\nCREATE SCHEMA public;\n")
        script.flush()
        _run(
            [_tool("pg_restore"), "--no-owner", "--no-privileges", "--file=-", str(dump)],
            env=env,
            stdout=script,
        )
        script.seek(0)
        _run(
            [
                _tool("psql"),
                "--quiet",
                "--no-psqlrc",
                "--single-transaction",
                "--set=ON_ERROR_STOP=1",
                "--output=/dev/null",
            ],
            env=env,
            stdin=script,
        )


def analyze(engine: Engine) -> None:
    """``ANALYZE`` the whole database (fresh planner statistics after a bulk load)."""
    with engine.connect() as conn:
        conn.execution_options(isolation_level="AUTOCOMMIT").execute(text("ANALYZE"))


def _run(args: list[str], *, env: dict[str, str], stdin=None, stdout=None) -> None:
    result = subprocess.run(
        args,
        env=env,
        stdin=stdin,
        stdout=stdout if stdout is not None else subprocess.PIPE,
        stderr=subprocess.PIPE,
        check=False,
    )
    if result.returncode != 0:
        message = result.stderr.decode("utf-8", "replace").strip().splitlines()
        raise DatabaseToolError(
            f"{Path(args[0]).name} failed ({result.returncode}): "
            + (" / ".join(message[-3:]) if message else "no message")
        )


def _null_pool():
    from sqlalchemy.pool import NullPool

    return NullPool


# --- SQLite -------------------------------------------------------------------------------


def sqlite_path(url: str | URL) -> Path:
    """The database file of a SQLite URL (ValueError for an in-memory database)."""
    database = make_url(url).database
    if not database or database == ":memory:":
        raise ValueError("an in-memory SQLite database cannot be backed up")
    return Path(database)


def dump_sqlite(url: str | URL, target: Path) -> dict:
    """Copy the SQLite database with the backup API; counts are read from the copy."""
    source = sqlite3.connect(sqlite_path(url))
    copy = sqlite3.connect(target)
    try:
        source.backup(copy)
    finally:
        source.close()
        copy.close()
    return sqlite_facts(target)


def sqlite_facts(path: Path) -> dict:
    """Row counts and alembic revision of the SQLite file at ``path`` (opened read-only)."""
    engine = create_engine(f"sqlite:///file:{path}?mode=ro&uri=true", poolclass=_null_pool())
    try:
        with engine.connect() as conn:
            tables = sorted(inspect(conn).get_table_names())
            return {"row_counts": _count(conn, tables), "alembic_revision": _revision(conn, tables)}
    finally:
        engine.dispose()


def restore_sqlite(url: str | URL, backup: Path) -> None:
    """Put a copy of ``backup`` in place of the database file (a rename: atomic)."""
    path = sqlite_path(url).resolve()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, staged = tempfile.mkstemp(prefix=".restore-", suffix=".sqlite3", dir=path.parent)
    os.close(fd)
    try:
        shutil.copyfile(backup, staged)
        for suffix in ("-wal", "-shm", "-journal"):  # leftovers belong to the old file
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        os.replace(staged, path)
    except BaseException:
        Path(staged).unlink(missing_ok=True)
        raise


# --- Either -------------------------------------------------------------------------------


def live_facts(engine: Engine) -> dict:
    """Row counts and alembic revision of the live database (for reports and emptiness)."""
    with engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            tables = _pg_tables(conn)
        else:
            tables = sorted(inspect(conn).get_table_names())
        return {"row_counts": _count(conn, tables), "alembic_revision": _revision(conn, tables)}


def is_empty(facts: dict) -> bool:
    """True when no table holds a row (the migrations' version table aside)."""
    return not any(n for name, n in facts["row_counts"].items() if name != VERSION_TABLE)
