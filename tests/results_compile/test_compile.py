"""The compile job: rounds (preliminary → final), panel score, the set-based aggregate against
a naive computation, an all-or-nothing write, retries, immutability and the PostgreSQL lock."""

from __future__ import annotations

import random
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import OperationalError

from contest.accounts.models import Role
from contest.contests.operations import get_edition
from contest.entries.models import Entry
from contest.extensions import db
from contest.jobs.models import Job
from contest.jobs.operations import commit
from contest.results import compile as compiling
from contest.results import run_writer, tasks
from contest.results.config_from_edition import config_from_edition
from contest.results.models import ResultRow, ResultsRun
from contest.results.ranking import EntryInput, Sheet, aggregate
from contest.results.run_text import ExplanationTexts
from contest.timeutil import utcnow
from tests import factories
from tests.results_compile.helpers import (
    create_edition,
    definition,
    import_entries,
    import_scores,
    invoke_ok,
    sheet,
)


def _count(model) -> int:
    return db.session.scalar(select(func.count(model.id)))


# --------------------------------------------------------------------------- rounds


@pytest.mark.parametrize("cutoff", [60, None], ids=["cutoff-60", "default-cutoff"])
def test_preliminary_then_final_ranks_only_the_advanced(runner, tmp_path, cutoff):
    """A preliminary round without a cutoff uses RULES' default 60: the same outcome."""
    data = definition(
        "stkt-2v", rounds=[{"code": "prelim", "cutoff": cutoff}, {"code": "final", "cutoff": None}]
    )
    create_edition(runner, tmp_path, data)
    entries = [(f"A{i}", "CNTT", "accepted") for i in range(1, 5)]
    import_entries(runner, tmp_path, "stkt-2v", entries)
    import_scores(
        runner,
        tmp_path,
        "stkt-2v",
        {
            "A1": [sheet(30, 40), sheet(30, 40)],  # 70.00
            "A2": [sheet(20, 40), sheet(20, 40)],  # 60.00: exactly the cutoff
            "A3": [sheet(20, "39.5"), sheet(20, "39.5")],  # 59.50
            "A4": [sheet(40, 60)],  # INCOMPLETE never advances
        },
        round_code="prelim",
    )
    early = runner.invoke(args=["results", "compile", "stkt-2v"])  # default: the last round
    assert early.exit_code == 1 and "prelim" in early.output
    assert _count(ResultsRun) == 0

    invoke_ok(runner, "results", "compile", "stkt-2v", "--round", "prelim")
    invoke_ok(runner, "results", "export", "stkt-2v", str(tmp_path / "p.csv"), "--round", "prelim")
    assert (tmp_path / "p.csv").read_text(encoding="utf-8") == (
        "entry,field,rank,score,prize,flags\n"
        "A1,CNTT,1,70.00,,ADVANCED\n"
        "A2,CNTT,2,60.00,,ADVANCED\n"
        "A3,CNTT,3,59.50,,\n"
        "A4,CNTT,,,,INCOMPLETE\n"
    )
    import_scores(
        runner,
        tmp_path,
        "stkt-2v",
        {"A1": [sheet(40, 50), sheet(40, 50)], "A2": [sheet(30, 40), sheet(30, 40)]},
        round_code="final",
    )
    invoke_ok(runner, "results", "compile", "stkt-2v")
    invoke_ok(runner, "results", "export", "stkt-2v", str(tmp_path / "f.csv"))
    assert (tmp_path / "f.csv").read_text(encoding="utf-8") == (
        "entry,field,rank,score,prize,flags\nA1,CNTT,1,90.00,first,\nA2,CNTT,2,70.00,third,\n"
    )


# --------------------------------------------------------------------------- panel score, runs


def _small(runner, tmp_path, slug="stkt-ps"):
    create_edition(runner, tmp_path, definition(slug))
    import_entries(runner, tmp_path, slug, [("P1", "CK", "accepted"), ("P2", "CK", "accepted")])
    import_scores(
        runner,
        tmp_path,
        slug,
        {"P1": [sheet(30, 50), sheet(30, 50)], "P2": [sheet(40, 55), sheet(20, 40)]},
    )
    return get_edition(slug)


def test_a_panel_score_makes_a_new_run_and_keeps_the_old_one(runner, tmp_path):
    edition = _small(runner, tmp_path)
    invoke_ok(runner, "results", "compile", edition.slug)
    first = db.session.scalars(select(ResultsRun)).one()
    first_rows = [(r.entry_code, r.rank, r.score, r.prize_code, r.flags) for r in first.rows]
    assert first_rows == [
        ("P1", 1, Decimal("80.00"), "second", ""),
        ("P2", 2, Decimal("77.50"), "second", "DISCREPANCY"),
    ]
    p2 = db.session.scalar(select(Entry).where(Entry.code == "P2"))
    factories.make_panel_score(
        p2, edition.rounds[0], "86.00", "Tiểu ban thống nhất sau khi xem lại."
    )
    result = invoke_ok(runner, "results", "compile", edition.slug)
    assert "lần tổng hợp số 2" in result.output and "PANEL_SCORE 1" in result.output
    second = db.session.scalar(select(ResultsRun).where(ResultsRun.number == 2))
    assert second.fingerprint != first.fingerprint
    assert [(r.entry_code, r.rank, r.score, r.prize_code, r.flags) for r in second.rows] == [
        ("P2", 1, Decimal("86.00"), "first", "DISCREPANCY;PANEL_SCORE"),
        ("P1", 2, Decimal("80.00"), "second", ""),
    ]
    assert second.rows[0].explanation["computed"] == "77.50"
    assert second.rows[0].explanation["panel"] == "86.00"
    db.session.expire_all()
    assert [(r.entry_code, r.rank, r.score, r.prize_code, r.flags) for r in first.rows] == (
        first_rows
    )
    invoke_ok(runner, "results", "export", edition.slug, str(tmp_path / "x.csv"))
    assert (tmp_path / "x.csv").read_text(encoding="utf-8").splitlines()[1] == (
        "P2,CK,1,86.00,first,DISCREPANCY;PANEL_SCORE"
    )


def test_runs_are_immutable(runner, tmp_path):
    edition = _small(runner, tmp_path)
    invoke_ok(runner, "results", "compile", edition.slug)
    row = db.session.scalars(select(ResultRow)).first()
    row.rank = 5
    with pytest.raises(RuntimeError, match="immutable"):
        db.session.flush()
    db.session.rollback()
    run = db.session.scalars(select(ResultsRun)).one()
    run.fingerprint = "x"
    with pytest.raises(RuntimeError, match="immutable"):
        db.session.flush()
    db.session.rollback()


def test_the_job_records_progress_and_its_summary(runner, tmp_path):
    edition = _small(runner, tmp_path)
    job = tasks.create_compile_job(edition, edition.rounds[0])
    commit()
    job = db.session.get(Job, job.id, populate_existing=True)
    assert job.status == "succeeded" and job.progress == job.total
    assert job.result["number"] == 1 and job.result["created"] is True
    assert job.result["prizes"] == {"second": 2} and job.result["flags"] == {"DISCREPANCY": 1}
    run = db.session.scalars(select(ResultsRun)).one()
    assert run.job_id == job.id and run.entry_count == 2


# --------------------------------------------------------------------------- all or nothing


def test_a_failure_mid_write_leaves_no_run(runner, tmp_path, monkeypatch):
    edition = _small(runner, tmp_path)
    monkeypatch.setattr(run_writer, "CHUNK", 1)
    monkeypatch.setattr(tasks, "RETRY_DELAYS", ())
    real = ExplanationTexts.text
    calls = []

    def failing(self, result):
        calls.append(result.entry)
        if len(calls) == 2:  # the first row is already inserted
            raise OperationalError("INSERT", {}, Exception("disk I/O error"))
        return real(self, result)

    monkeypatch.setattr(ExplanationTexts, "text", failing)
    job = tasks.create_compile_job(edition, edition.rounds[0])
    commit()
    job = db.session.get(Job, job.id, populate_existing=True)
    assert job.status == "failed" and "disk I/O error" in job.error
    assert calls == ["P1", "P2"]
    assert _count(ResultsRun) == 0 and _count(ResultRow) == 0


def test_a_database_error_is_retried_with_backoff(runner, tmp_path, monkeypatch):
    edition = _small(runner, tmp_path)
    monkeypatch.setattr(tasks, "RETRY_DELAYS", (0.01, 0.01))
    real = compiling.rank_part
    attempts = []

    def flaky(config, part):
        attempts.append(1)
        if len(attempts) == 1:  # the run is flushed, its rows' writer started
            raise OperationalError("SELECT", {}, Exception("server closed the connection"))
        return real(config, part)

    monkeypatch.setattr(compiling, "rank_part", flaky)
    result = invoke_ok(runner, "results", "compile", edition.slug)
    assert len(attempts) == 2 and "lần tổng hợp số 1" in result.output
    assert _count(ResultsRun) == 1 and _count(ResultRow) == 2


def test_a_job_failure_is_reported_and_exits_1(runner, tmp_path, monkeypatch):
    edition = _small(runner, tmp_path)
    monkeypatch.setattr(tasks, "RETRY_DELAYS", ())

    def broken(config, part):
        raise OperationalError("SELECT", {}, Exception("no database"))

    monkeypatch.setattr(compiling, "rank_part", broken)
    result = runner.invoke(args=["results", "compile", edition.slug])
    assert result.exit_code == 1 and "no database" in result.output
    assert _count(ResultsRun) == 0


def test_an_overlapping_compile_is_refused_on_postgresql(runner, tmp_path):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("the advisory lock exists on PostgreSQL only")
    edition = _small(runner, tmp_path)
    round_ = edition.rounds[0]
    with db.engine.connect() as other:
        other.execute(
            text("SELECT pg_advisory_xact_lock(:ns, :key)"),
            {"ns": compiling.LOCK_NAMESPACE, "key": round_.id},
        )
        with pytest.raises(compiling.CompileBusy):
            compiling.compile_round(edition, round_)
        db.session.rollback()
        other.rollback()
    outcome = compiling.compile_round(edition, round_)
    assert outcome.created and outcome.run.number == 1
    db.session.rollback()


# --------------------------------------------------------------------------- the aggregate


def test_the_sql_aggregate_equals_a_naive_computation(runner, tmp_path):
    rng = random.Random(20260601)
    slug = "stkt-rnd"
    create_edition(runner, tmp_path, definition(slug))
    codes = [(f"R{i:02d}", rng.choice(["CNTT", "CK"]), "accepted") for i in range(40)]
    codes += [("R98", "CK", "rejected"), ("R99", "CNTT", "withdrawn")]
    import_entries(runner, tmp_path, slug, codes)
    edition = get_edition(slug)
    round_ = edition.rounds[0]
    judges = [
        factories.make_user(f"j{i}@example.vn", (Role.JUDGE,), password=None) for i in range(4)
    ]
    criteria = {c.code: c for c in edition.criteria}
    entries = db.session.scalars(select(Entry).where(Entry.edition_id == edition.id)).all()
    naive_sheets: dict[str, list[Sheet]] = {}
    for entry in entries:
        naive_sheets[entry.code] = []
        for judge in rng.sample(judges, rng.randint(0, 4)):
            submitted = rng.random() < 0.85
            points = {
                code: Decimal(rng.randint(0, int(c.max_points) * 2)) / 2
                for code, c in criteria.items()
            }
            factories.make_score_sheet(
                entry,
                judge,
                round_,
                points,
                status="submitted" if submitted else "draft",
                submitted_at=utcnow() - timedelta(hours=1),
                commit=False,
            )
            if submitted:
                naive_sheets[entry.code].append(Sheet(points=points, judge=judge.email))
        if rng.random() < 0.2:
            panel = Decimal(rng.randint(0, 10000)) / 100
            factories.make_panel_score(entry, round_, panel, "xem lại", commit=False)
            naive_panel = panel
        else:
            naive_panel = None
        naive_sheets[entry.code] = (naive_sheets[entry.code], naive_panel)
    db.session.commit()

    config = config_from_edition(edition, round_)
    ids: dict[str, int] = {}
    from_sql = list(compiling.stream_aggregates(edition, round_, config, ids))
    naive = [
        aggregate(
            EntryInput(
                code=e.code, field=e.field.code, sheets=tuple(naive_sheets[e.code][0]),
                panel_score=naive_sheets[e.code][1],
            ),
            config,
        )
        for e in sorted(entries, key=lambda e: e.code)
        if e.status == "accepted"
    ]  # fmt: skip
    assert len(from_sql) == 40 and set(ids) == {a.code for a in naive}
    assert from_sql == naive
    assert {a.sheet_count for a in from_sql} >= {0, 2, 3}
