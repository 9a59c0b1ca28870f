"""Planner statistics after bulk writes, so that the compile after an import stays fast.

A bulk import is followed, often minutes later, by a compile. Without statistics on the
tables it just filled, PostgreSQL guesses a handful of rows and may plan the results
aggregate as a nested loop that re-runs the per-sheet aggregate once per entry (7 s instead
of 40 ms at 5,000 entries) — and autovacuum's analyse comes too late, or never when it is
off. So every import ANALYZEs the tables it filled, in its own transaction, right after
writing: PostgreSQL's ANALYZE may run inside a transaction block and counts the rows the
transaction itself inserted. Elsewhere (SQLite) this does nothing.
"""

from __future__ import annotations

from sqlalchemy import text

from .extensions import db


def analyze(*tables: str) -> bool:
    """``ANALYZE`` the named tables on PostgreSQL (True), nothing elsewhere (False)."""
    if db.session.get_bind().dialect.name != "postgresql":
        return False
    db.session.flush()
    for table in tables:
        if not table.replace("_", "").isalnum():  # names come from the models, never users
            raise ValueError(f"not a table name: {table!r}")
        db.session.execute(text(f'ANALYZE "{table}"'))
    return True
