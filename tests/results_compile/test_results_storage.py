"""How a run's rows are stored (migration 0010): the compact explanation reads back as the
engine's explanation dict; an entry that appears in a run cannot be deleted although the rows
have no foreign key to entries (a trigger guards it, on PostgreSQL also against a compile
still writing); downgrading expands the compact explanations back into JSON objects."""

from __future__ import annotations

import json
import threading
import time

import psycopg
import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError, IntegrityError

from contest.contests.operations import get_edition
from contest.entries.models import Entry
from contest.extensions import db
from contest.results import compile as compiling
from contest.results import run_writer
from contest.results.models import ResultRow, ResultsRun
from contest.results.run_text import FORMAT
from tests.results_compile.helpers import (
    create_edition,
    definition,
    import_entries,
    import_scores,
    sheet,
)
from tests.results_compile.test_compile import _small
from tests.results_compile.test_compile_fast_paths import _reference_explanation
from tests.results_review.helpers import SLUG, build, compile_now


def _engine_explanations(edition) -> dict[str, dict]:
    """Entry code → the explanation dict of a fresh engine run on the same inputs."""
    round_ = edition.rounds[-1]
    config = compiling.config_from_edition(edition, round_)
    ranking = compiling.run_round(config, compiling.stream_aggregates(edition, round_, config, {}))
    return {r.entry: _reference_explanation(r) for r in ranking.results}


def test_rows_store_a_compact_text_that_reads_back_as_the_explanation(runner, tmp_path):
    edition = build(runner, tmp_path)
    compile_now(edition)
    run = db.session.scalars(select(ResultsRun)).one()
    assert run.explanation_context["format"] == FORMAT
    assert run.explanation_context["criteria"] == ["novelty", "effect"]
    expected = _engine_explanations(edition)
    db.session.expire_all()
    rows = db.session.scalars(select(ResultRow).order_by(ResultRow.position)).all()
    assert len(rows) == len(expected) == 7
    for row in rows:
        assert row.explanation_text.startswith("[")  # compact, not the JSON object
        assert row.explanation == expected[row.entry_code]
        assert row.entry.code == row.entry_code  # the relationship still joins
    a3 = next(r for r in rows if r.entry_code == "A3")
    stored = len(a3.explanation_text.encode())
    assert stored * 3 < len(json.dumps(a3.explanation, separators=(",", ":")).encode())


def test_an_entry_in_a_run_cannot_be_deleted_but_others_can(runner, tmp_path):
    edition = build(runner, tmp_path)
    import_entries(runner, tmp_path, SLUG, [("R1", "CK", "rejected")])  # in no run
    compile_now(edition)
    ids = dict(db.session.execute(select(Entry.code, Entry.id)).all())
    delete = text("DELETE FROM entries WHERE id = :id")
    with pytest.raises(IntegrityError, match="results run"):
        db.session.execute(delete, {"id": ids["A1"]})
    db.session.rollback()
    assert db.session.get(Entry, ids["A1"]) is not None
    db.session.execute(delete, {"id": ids["R1"]})
    db.session.commit()
    assert db.session.get(Entry, ids["R1"]) is None


def test_on_postgresql_a_delete_waits_for_a_compile_still_writing(runner, tmp_path):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("the compile's advisory lock exists on PostgreSQL only")
    edition = build(runner, tmp_path)
    round_ = edition.rounds[-1]
    a1 = db.session.scalar(select(Entry.id).where(Entry.code == "A1"))
    outcome = compiling.compile_round(edition, round_)  # rows written, lock held, uncommitted
    assert outcome.created
    with db.engine.connect() as other:
        other.execute(text("SET lock_timeout = '300ms'"))
        with pytest.raises(DBAPIError, match="lock timeout"):  # waits: does not slip through
            other.execute(text("DELETE FROM entries WHERE id = :id"), {"id": a1})
        other.rollback()
        db.session.commit()  # the compile commits its rows and releases the lock
        with pytest.raises(IntegrityError, match="appears in a results run"):
            other.execute(text("DELETE FROM entries WHERE id = :id"), {"id": a1})
        other.rollback()
    assert db.session.scalar(select(ResultRow.id).where(ResultRow.entry_id == a1)) is not None


def _two_fields(runner, tmp_path):
    """Entries in both fields, prizes per field only: the compile ranks two parts."""
    slug = "stkt-parts"
    create_edition(runner, tmp_path, definition(slug))
    import_entries(runner, tmp_path, slug, [("A1", "CNTT", "accepted"), ("B1", "CK", "accepted")])
    import_scores(runner, tmp_path, slug, {"A1": [sheet(30, 50)] * 2, "B1": [sheet(20, 40)] * 2})
    edition = get_edition(slug)
    config = compiling.config_from_edition(edition, edition.rounds[-1])
    listed = compiling.listed_entries(
        config, compiling.stream_checked(edition, edition.rounds[-1], config, {})
    )
    assert len(compiling.ranking_parts(config, listed)) == 2
    return edition


@pytest.mark.parametrize(("parts", "failure"), [(1, "start"), (2, "start"), (1, "end")])
def test_on_postgresql_a_failing_copy_is_raised_and_leaves_nothing(
    runner, tmp_path, monkeypatch, parts, failure
):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("the rows are written by a COPY thread on PostgreSQL only")
    edition = _small(runner, tmp_path) if parts == 1 else _two_fields(runner, tmp_path)
    if failure == "start":  # the COPY statement itself fails: seen while rows are handed over
        monkeypatch.setattr(run_writer, "COPY_SQL", "COPY no_such_table (x) FROM STDIN")
        expected = psycopg.errors.UndefinedTable
    else:  # bad data: the server says so when the COPY ends, after the last row was handed
        monkeypatch.setattr(run_writer.RowWriter, "line", lambda self, i, r: "not\ta row")
        real_close = run_writer.RowWriter.close

        def close_after_the_failure(self):
            deadline = time.monotonic() + 10
            while self.error is None and time.monotonic() < deadline:
                time.sleep(0.01)
            assert self.error is not None
            real_close(self)

        monkeypatch.setattr(run_writer.RowWriter, "close", close_after_the_failure)
        expected = psycopg.errors.InvalidTextRepresentation
    with pytest.raises(expected):
        compiling.compile_round(edition, edition.rounds[-1])
    assert not [t for t in threading.enumerate() if t.name == "results-copy"]
    db.session.rollback()
    assert db.session.scalar(select(ResultsRun.id)) is None


def test_bad_input_mid_stream_is_refused_and_the_session_recovers(runner, tmp_path):
    edition = build(runner, tmp_path)
    db.session.execute(text("UPDATE entries SET code = '' WHERE code = 'A4'"))
    db.session.commit()
    with pytest.raises(compiling.CompileError, match="chưa có mã"):
        compiling.compile_round(edition, edition.rounds[-1])
    db.session.rollback()
    assert db.session.scalar(select(ResultsRun.id)) is None
    db.session.execute(text("UPDATE entries SET code = 'A4' WHERE code = ''"))
    db.session.commit()
    assert compiling.compile_round(edition, edition.rounds[-1]).created


def test_downgrade_expands_compact_explanations_and_upgrade_keeps_them(runner, tmp_path):
    edition = build(runner, tmp_path)
    compile_now(edition)
    expected = _engine_explanations(edition)
    db.session.remove()
    downgrade(revision="0009_national")
    with db.engine.connect() as conn:
        stored = conn.execute(text("SELECT entry_code, explanation FROM results_rows")).all()
    assert len(stored) == 7
    for code, value in stored:
        as_dict = value if isinstance(value, dict) else json.loads(value)
        assert as_dict == expected[code]  # the previous schema's JSON object
    upgrade()
    rows = db.session.scalars(select(ResultRow)).all()
    assert {r.entry_code: r.explanation for r in rows} == expected
    assert all(r.explanation_text.startswith("{") for r in rows)  # read as themselves
