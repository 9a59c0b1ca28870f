"""Compile plans that cannot go quadratic (PostgreSQL only).

* The results aggregate is EXPLAINed, with the compile's planner setting
  (``compile.AGGREGATE_PLAN``), on a freshly generated, never analysed database (as right
  after a bulk import, autovacuum off): the plan must not put the round's sheets on the
  inner side of a nested loop (the per-sheet aggregate re-run once per entry: 7 s instead of
  40 ms at 5,000 entries).
* Imports (entries, scores; the command line here, the web job runs the same function)
  ANALYZE the tables they filled, in the same job.
"""

from __future__ import annotations

import os
from datetime import timedelta

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from contest import create_app
from contest.extensions import db
from contest.results.compile import AGGREGATE_PLAN
from contest.timeutil import utcnow
from tests.conftest import base_config
from tests.services import need, postgres_url

ENTRIES = 3000
SHEET_TABLES = {"judging_score_sheets"}


def _aggregate_query():
    """The function that builds the compile's aggregate, wherever it lives now."""
    try:
        from contest.judging.totals import aggregate_query  # after the refactor, if moved
    except ImportError:
        from contest.results.compile import aggregate_query
    return aggregate_query


@pytest.fixture(scope="module")
def fresh_database():
    """A throw-away database next to the test database (``<name>_plan``), migrated, with a
    generated edition whose tables were never analysed."""
    need(postgres_url() is not None, "PostgreSQL")
    from contest.timeutil import utcnow  # noqa: F401 - app imports first

    url = make_url(os.environ["TEST_DATABASE_URL"]).set(drivername="postgresql+psycopg")
    name = f"{url.database}_plan"
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    app = create_app(
        base_config(
            SQLALCHEMY_DATABASE_URI=url.set(database=name).render_as_string(hide_password=False)
        )
    )
    try:
        with app.app_context():
            from flask_migrate import upgrade

            upgrade()
            from bench.generate import create_edition, generate

            edition_id, round_id = create_edition("plan-test")
            generate(edition_id, round_id, ENTRIES, analyze=False)
            yield app, edition_id, round_id
            db.session.remove()
            db.engine.dispose()
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _relations(node) -> set[str]:
    found = {node["Relation Name"]} if "Relation Name" in node else set()
    for child in node.get("Plans", []):
        found |= _relations(child)
    return found


def _nested_loops_over_sheets(node, path="") -> list[str]:
    """Nested loops whose inner side reads the sheets (re-run once per outer row)."""
    bad = []
    here = f"{path}/{node['Node Type']}"
    if node["Node Type"] == "Nested Loop":
        for child in node.get("Plans", []):
            if child.get("Parent Relationship") == "Inner" and _relations(child) & SHEET_TABLES:
                bad.append(here)
    for child in node.get("Plans", []):
        bad += _nested_loops_over_sheets(child, here)
    return bad


def test_the_aggregate_plan_has_no_nested_loop_over_sheets_without_statistics(fresh_database):
    app, edition_id, round_id = fresh_database
    from contest.contests.models import Edition, Round
    from contest.judging.totals import counted_criteria

    with app.app_context():
        analysed = db.session.execute(
            text(
                "SELECT count(*) FROM pg_stat_user_tables WHERE relname = 'judging_score_sheets'"
                " AND (last_analyze IS NOT NULL OR last_autoanalyze IS NOT NULL)"
            )
        ).scalar()
        assert analysed == 0, "the database must be un-analysed for this test"
        edition = db.session.get(Edition, edition_id)
        round_ = db.session.get(Round, round_id)
        ids = [c.id for c in counted_criteria(edition)]
        stmt = _aggregate_query()(edition, round_, ids)
        compiled = stmt.compile(
            dialect=db.engine.dialect, compile_kwargs={"render_postcompile": True}
        )
        connection = db.session.connection()
        connection.exec_driver_sql(AGGREGATE_PLAN)  # as the compile runs it
        plan = connection.exec_driver_sql(
            "EXPLAIN (FORMAT JSON) " + str(compiled), compiled.params
        ).scalar()
        db.session.rollback()
    root = plan[0]["Plan"]
    assert _relations(root) & SHEET_TABLES, "the aggregate reads the sheets"
    bad = _nested_loops_over_sheets(root)
    assert not bad, f"nested loop over the sheets without statistics: {bad}\n{plan}"


def test_imports_analyze_the_tables_they_filled(app, runner, tmp_path):
    need(postgres_url() is not None, "PostgreSQL")
    from tests.results_compile.helpers import create_edition as create
    from tests.results_compile.helpers import definition, import_entries, import_scores, sheet

    def last_analyze(table: str):
        db.session.execute(text("SELECT pg_stat_clear_snapshot()"))
        return db.session.execute(
            text("SELECT last_analyze FROM pg_stat_user_tables WHERE relname = :t"), {"t": table}
        ).scalar()

    before = db.session.execute(text("SELECT now()")).scalar() - timedelta(seconds=1)
    db.session.rollback()
    create(runner, tmp_path, definition("stkt-analyze"))
    import_entries(runner, tmp_path, "stkt-analyze", [("A1", "CNTT", "accepted")])
    assert (last_analyze("entries") or before) > before
    assert (last_analyze("entry_authors") or before) > before
    import_scores(runner, tmp_path, "stkt-analyze", {"A1": [sheet(30, 40)]})
    for table in ("judging_score_sheets", "judging_scores"):
        assert (last_analyze(table) or before) > before, table
    assert utcnow()
