"""Compiling results at national scale: the compile job against the bare SQL aggregate.

Creates a throw-away PostgreSQL database (``psql -h 127.0.0.1 -U postgres``, trust auth),
migrates it, and generates a national-scale technical edition DIRECTLY in SQL
(``INSERT … SELECT generate_series``, no ORM loops): 6 fields, 4 criteria (30/20/30/20),
3 judges per entry, ``--entries`` accepted entries with codes (100,000 by default), 3
submitted score sheets each and one score per criterion (1.2 M scores). Points are multiples
of 0.5 within each criterion's maximum, pseudo-random but deterministic for a ``--seed``
(``hashtextextended`` of the seed and the row's ids: an entry's quality plus a judge's noise).
The compile reads only entries, sheets and scores, so no panel or assignment rows are made;
the judges are plain user rows (sheets reference them). Then ``ANALYZE``.

In the same run it times:

(a) the bare SQL aggregate: per submitted sheet of the round its total, then ``GROUP BY
    entry`` (count, min, max, sum of the totals), every row fetched; best of ``--repeat``
    after one warm-up run;
(b) the compile end to end through the same code path as ``contest results compile``: a
    ``results.compile`` job created, committed and run in-process (Celery eager), until the
    job row says ``succeeded``; then a second compile (the idempotent "unchanged" path).

It prints both, their ratio (target: compile ≤ 5× the aggregate), the process's peak RSS
(``getrusage``) and the peak during the first compile alone (``VmHWM`` reset before it), and
a breakdown of one more compile done phase by phase and rolled back: the compile's own
aggregate query (raw rows), the checked engine inputs, the fingerprint alone (what an
unchanged re-compile costs before it returns), the engine on all entries, writing all the
run's rows (COPY chunks), and then what the compile does instead of those two: ranking part by
part while the rows of the previous parts are stored (``RowWriter``).
The database is dropped at the end unless ``--keep``; ``--reuse NAME`` measures again on a
kept database (migrated to the current head, its runs deleted first, kept again).

    .venv/bin/python bench/compile_national.py                 # 100,000 entries
    .venv/bin/python bench/compile_national.py --entries 10000 --keep
    .venv/bin/python bench/compile_national.py --reuse contest_bench_compile_1234
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PSQL = ["psql", "-h", "127.0.0.1", "-U", "postgres", "-v", "ON_ERROR_STOP=1", "-qAt"]
JUDGES_PER_FIELD = 10
JUDGES_PER_ENTRY = 3
SLUG = "bench-national"

ENTRIES_SQL = """
INSERT INTO entries (edition_id, code, title, field_id, summary, area_name, unit_name, status,
    rejection_reason, mentor_name, mentor_unit, mentor_phone, mentor_email, applied_where,
    source, created_at, updated_at, submitted_at, version)
SELECT :ed, 'QG26-' || f.code || '-' || lpad(g::text, 6, '0'), 'Giải pháp số ' || g, f.id,
    '', '', 'Đơn vị ' || (g % 700), 'accepted', '', '', '', '', '', '', 'import',
    now(), now(), now(), 1
FROM generate_series(1, :n) AS g
JOIN bench_fields AS f ON f.k = g % 6
"""

JUDGES_SQL = """
INSERT INTO users (email, full_name, phone, unit_name, is_active_account, created_at)
SELECT 'bench-judge-' || j || '@example.vn', 'Giám khảo ' || j, '', '', true, now()
FROM generate_series(0, :n - 1) AS j
"""

SHEETS_SQL = """
INSERT INTO judging_score_sheets (edition_id, round_id, entry_id, judge_id, status, source,
    comment, created_at, updated_at, submitted_at, reopen_reason, version)
SELECT :ed, :round, e.id, j.user_id, 'submitted', 'import', '', now(), now(), now(), '', 1
FROM entries AS e
JOIN bench_fields AS f ON f.id = e.field_id
CROSS JOIN generate_series(0, :per_entry - 1) AS slot
JOIN bench_judges AS j ON j.k = f.k * :per_field + (e.id + 3 * slot) % :per_field
WHERE e.edition_id = :ed
ORDER BY e.id, slot
"""

# quality ∈ [0, 1) per entry; noise ∈ [-0.15, 0.15] per score; points = max × (0.30 + 0.65 ×
# quality + noise) rounded to a half point and clamped to [0, max].
SCORES_SQL = """
INSERT INTO judging_scores (sheet_id, criterion_id, points)
SELECT s.id, c.id,
    LEAST(c.max_points, GREATEST(0, round(2 * c.max_points * (0.30
        + 0.65 * (abs(hashtextextended(:seed || ':e:' || s.entry_id, 0)) % 1000) / 1000.0
        + ((abs(hashtextextended(:seed || ':s:' || s.id || ':' || c.id, 0)) % 301) - 150)
          / 1000.0)) / 2))
FROM judging_score_sheets AS s
CROSS JOIN criteria AS c
WHERE s.round_id = :round AND c.edition_id = :ed
ORDER BY s.id, c.id
"""

BARE_AGGREGATE_SQL = """
SELECT t.entry_id, count(*), min(t.total), max(t.total), sum(t.total)
FROM (
    SELECT s.id, s.entry_id, sum(sc.points) AS total
    FROM judging_score_sheets AS s
    JOIN judging_scores AS sc ON sc.sheet_id = s.id
    WHERE s.round_id = %(round)s AND s.status = 'submitted'
    GROUP BY s.id, s.entry_id
) AS t
GROUP BY t.entry_id
"""


def psql(sql: str) -> str:
    """Run ``sql`` on the server's ``postgres`` database; return its output."""
    out = subprocess.run([*PSQL, "-d", "postgres", "-c", sql], capture_output=True, text=True)
    if out.returncode:
        raise RuntimeError(out.stderr.strip())
    return out.stdout.strip()


def rss_mb(field: str) -> float:
    """``VmRSS`` / ``VmHWM`` of this process from /proc, in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


def reset_peak() -> bool:
    """Reset the kernel's peak-RSS mark of this process (``VmHWM``)."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def maxrss_mb() -> float:
    """Peak RSS of the whole process so far (``getrusage``; Linux reports KB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def make_app(url: str):
    """The app on the throw-away database, tasks in-process."""
    from contest import create_app

    return create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": url,
            "REDIS_URL": None,
            "CELERY_TASK_ALWAYS_EAGER": True,
            "MAIL_BACKEND": "memory",
        }
    )


def create_edition() -> tuple[int, int]:
    """The technical template with a 4th criterion and 3 judges per entry; (edition, round)."""
    from contest.contests.operations import create_edition as create
    from contest.contests.spec import CriterionSpec
    from contest.contests.templates import template_spec
    from contest.extensions import db

    deadline = datetime(2026, 7, 31, 10, 0, tzinfo=UTC)
    spec = template_spec("technical", SLUG, "Hội thi Sáng tạo Kỹ thuật toàn quốc (bench)", deadline)
    spec.criteria = [
        CriterionSpec("novelty", "Tính mới, tính sáng tạo", Decimal(30)),
        CriterionSpec("applicability", "Khả năng áp dụng", Decimal(20)),
        CriterionSpec("effect", "Hiệu quả kinh tế – kỹ thuật – xã hội", Decimal(30)),
        CriterionSpec("presentation", "Trình bày, thuyết minh", Decimal(20)),
    ]
    spec.judges_per_entry = JUDGES_PER_ENTRY
    edition = create(spec, None, confirm=True)
    db.session.commit()
    return edition.id, edition.rounds[0].id


def generate(edition_id: int, round_id: int, entries: int, seed: int) -> dict[str, float]:
    """Entries, judges, sheets and scores in SQL, then ANALYZE; seconds per step."""
    from sqlalchemy import text

    from contest.extensions import db

    steps: dict[str, float] = {}
    params = {
        "ed": edition_id,
        "round": round_id,
        "n": entries,
        "seed": str(seed),
        "per_entry": JUDGES_PER_ENTRY,
        "per_field": JUDGES_PER_FIELD,
    }
    with db.engine.begin() as conn:
        conn.execute(
            text(
                "CREATE TEMP TABLE bench_fields AS SELECT id, code, "
                "(row_number() OVER (ORDER BY position, id) - 1)::int AS k "
                "FROM edition_fields WHERE edition_id = :ed"
            ),
            params,
        )
        for name, sql, extra in (
            ("entries", ENTRIES_SQL, {}),
            ("judges", JUDGES_SQL, {"n": 6 * JUDGES_PER_FIELD}),
        ):
            t = time.perf_counter()
            conn.execute(text(sql), {**params, **extra})
            steps[name] = time.perf_counter() - t
        conn.execute(
            text(
                "CREATE TEMP TABLE bench_judges AS SELECT id AS user_id, "
                "(row_number() OVER (ORDER BY id) - 1)::int AS k "
                "FROM users WHERE email LIKE 'bench-judge-%'"
            )
        )
        for name, sql in (("sheets", SHEETS_SQL), ("scores", SCORES_SQL)):
            t = time.perf_counter()
            conn.execute(text(sql), params)
            steps[name] = time.perf_counter() - t
    t = time.perf_counter()
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE"))
    steps["vacuum analyze"] = time.perf_counter() - t
    return steps


def forget_runs() -> tuple[int, int]:
    """On a kept database: delete the edition's results runs (and so their rows), then
    ``VACUUM ANALYZE``; (edition, round)."""
    from sqlalchemy import select, text

    from contest.contests.models import Edition
    from contest.extensions import db

    edition = db.session.scalar(select(Edition).where(Edition.slug == SLUG))
    ids = edition.id, edition.rounds[0].id
    db.session.execute(text("DELETE FROM results_runs WHERE edition_id = :ed"), {"ed": ids[0]})
    db.session.commit()
    db.session.remove()
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE"))
    return ids


def counts(edition_id: int) -> dict[str, int]:
    """Row counts of what was generated."""
    from sqlalchemy import text

    from contest.extensions import db

    queries = {
        "entries": "SELECT count(*) FROM entries WHERE edition_id = :ed",
        "sheets": "SELECT count(*) FROM judging_score_sheets WHERE edition_id = :ed",
        "scores": "SELECT count(*) FROM judging_scores",
        "judges": "SELECT count(DISTINCT judge_id) FROM judging_score_sheets",
    }
    with db.engine.connect() as conn:
        return {k: conn.execute(text(q), {"ed": edition_id}).scalar() for k, q in queries.items()}


def bare_aggregate(round_id: int) -> tuple[float, int]:
    """Seconds to run the bare aggregate and fetch every row; the row count."""
    from contest.extensions import db

    with db.engine.connect() as conn:
        t = time.perf_counter()
        rows = conn.exec_driver_sql(BARE_AGGREGATE_SQL, {"round": round_id}).fetchall()
        elapsed = time.perf_counter() - t
    return elapsed, len(rows)


def compile_job(edition_id: int, round_id: int) -> tuple[float, dict]:
    """Seconds for ``contest results compile``'s path: job created, committed, run, finished."""
    from contest.contests.models import Edition, Round
    from contest.extensions import db
    from contest.jobs.models import JobStatus
    from contest.jobs.operations import commit, wait_for
    from contest.results import tasks

    db.session.remove()
    t = time.perf_counter()
    edition = db.session.get(Edition, edition_id)
    round_ = db.session.get(Round, round_id)
    job = tasks.create_compile_job(edition, round_)
    job_id = job.id
    commit()
    job = wait_for(job_id, timeout=3600)
    elapsed = time.perf_counter() - t
    if job is None or job.status != JobStatus.SUCCEEDED.value:
        raise RuntimeError(f"compile job {job_id} did not succeed: {job and job.error}")
    result = dict(job.result)
    db.session.remove()
    return elapsed, result


def phases(edition_id: int, round_id: int) -> dict[str, float]:
    """One more compile, phase by phase as ``compile_round`` runs them, rolled back: seconds
    per phase."""
    from sqlalchemy import select

    from contest.contests.models import Edition, Round
    from contest.extensions import db
    from contest.results.compile import _driver_rows, aggregate_query, stream_checked
    from contest.results.config_from_edition import config_from_edition
    from contest.results.models import ResultsRun
    from contest.results.ranking import (
        ENGINE_VERSION,
        collector_paused,
        fingerprint,
        listed_entries,
        rank_part,
        ranking_parts,
        run_round,
    )
    from contest.results.run_text import explanation_context
    from contest.results.run_writer import RowWriter, write_rows

    out: dict[str, float] = {}
    db.session.remove()
    edition = db.session.get(Edition, edition_id)
    round_ = db.session.get(Round, round_id)
    config = config_from_edition(edition, round_)
    by_code = {c.code: c.id for c in edition.active_criteria}
    ids = [by_code[c] for c in config.criterion_codes]
    with collector_paused():
        t = time.perf_counter()
        rows = list(_driver_rows(aggregate_query(edition, round_, ids)))
        out["aggregate query, raw rows"] = time.perf_counter() - t
        del rows
        entry_ids: dict[str, int] = {}
        t = time.perf_counter()
        listed = list(stream_checked(edition, round_, config, entry_ids))
        out["query + checked engine inputs"] = time.perf_counter() - t
        t = time.perf_counter()
        fingerprint(config, listed)
        out["fingerprint alone (unchanged path)"] = time.perf_counter() - t
        t = time.perf_counter()
        ranking = run_round(config, listed)
        out["engine (run_round)"] = time.perf_counter() - t
        number = db.session.scalar(
            select(ResultsRun.number).where(ResultsRun.round_id == round_id).limit(1)
        )
        run = ResultsRun(
            edition_id=edition_id,
            round_id=round_id,
            number=(number or 0) + 1000,
            fingerprint=ranking.fingerprint,
            engine_version=ENGINE_VERSION,
            has_boards=config.has_boards,
            last_round=config.round.last,
            entry_count=len(ranking.results),
            explanation_context=explanation_context(config),
        )
        t = time.perf_counter()
        cpu = time.process_time()
        db.session.add(run)
        db.session.flush()
        write_rows(run, config, ranking.results, entry_ids, lambda *a, **k: None)
        db.session.flush()
        out["write rows (COPY)"] = time.perf_counter() - t
        out["  of which client CPU"] = time.process_time() - cpu
        del ranking
        run = ResultsRun(
            edition_id=edition_id,
            round_id=round_id,
            number=(number or 0) + 1001,
            fingerprint=run.fingerprint,
            engine_version=ENGINE_VERSION,
            has_boards=config.has_boards,
            last_round=config.round.last,
            entry_count=len(listed),
            explanation_context=explanation_context(config),
        )
        db.session.add(run)
        db.session.flush()
        listed = listed_entries(config, listed)
        t = time.perf_counter()
        cpu = time.process_time()
        with RowWriter(run, config, entry_ids, lambda *a, **k: None, len(listed)) as writer:
            for part in ranking_parts(config, listed):
                writer.write(rank_part(config, part))
        db.session.flush()
        out["rank + write, part by part (the compile)"] = time.perf_counter() - t
        out["  of which client CPU "] = time.process_time() - cpu
    db.session.rollback()
    db.session.remove()
    return out


def main() -> int:
    """Create, fill, measure, report, drop."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--repeat", type=int, default=3, help="timed runs of the aggregate")
    parser.add_argument("--keep", action="store_true", help="keep the database")
    parser.add_argument(
        "--reuse",
        metavar="DATABASE",
        help="measure again on a database kept by --keep (its runs are deleted first; kept)",
    )
    args = parser.parse_args()

    name = args.reuse or f"contest_bench_compile_{os.getpid()}"
    url = f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    if args.reuse:
        args.keep = True
    else:
        psql(f"CREATE DATABASE {name}")
    print(f"database {name}")
    app = None
    try:
        app = make_app(url)
        with app.app_context():
            from flask_migrate import upgrade

            t = time.perf_counter()
            upgrade(directory=str(ROOT / "migrations"))
            print(f"migrated in {time.perf_counter() - t:.1f} s")
            if args.reuse:
                edition_id, round_id = forget_runs()
            else:
                edition_id, round_id = create_edition()
                steps = generate(edition_id, round_id, args.entries, args.seed)
                for step, seconds in steps.items():
                    print(f"  generate {step:<15} {seconds:7.1f} s")
            print("  rows:", counts(edition_id))
            print(f"RSS after generation {rss_mb('VmRSS'):.1f} MB")

            bare_aggregate(round_id)  # warm-up: the same data pages for both measurements
            bare_runs = [bare_aggregate(round_id) for _ in range(args.repeat)]
            bare = min(s for s, _n in bare_runs)
            print(
                "bare aggregate: "
                + ", ".join(f"{s:.3f}" for s, _n in bare_runs)
                + f" s (best {bare:.3f} s, median {statistics.median(s for s, _ in bare_runs):.3f}"
                f" s, {bare_runs[0][1]} rows)"
            )

            rss_before = rss_mb("VmRSS")
            peak_reset = reset_peak()
            first, result = compile_job(edition_id, round_id)
            peak = rss_mb("VmHWM")
            print(
                f"compile #1 (job, end to end): {first:.3f} s — run {result['number']}, "
                f"{result['entries']} entries, {result['ranked']} ranked, "
                f"prizes {result['prizes']}, flags {result['flags']}"
            )
            second, result2 = compile_job(edition_id, round_id)
            print(
                f"compile #2 (unchanged path):  {second:.3f} s — created={result2['created']}, "
                f"run {result2['number']}"
            )
            ratio = first / bare
            print(f"ratio compile / bare aggregate: {ratio:.2f}× (target ≤ 5×)")
            print(
                f"RSS before compile {rss_before:.1f} MB, peak during compile {peak:.1f} MB "
                f"(+{peak - rss_before:.1f} MB)"
                + ("" if peak_reset else " [VmHWM not reset: peak since start]")
            )
            print("phases of a compile (rolled back):")
            for phase, seconds in phases(edition_id, round_id).items():
                print(f"  {phase:<42} {seconds:7.3f} s")
            print(f"peak RSS of the process (getrusage): {maxrss_mb():.1f} MB")
    finally:
        if app is not None:
            with app.app_context():
                from contest.extensions import db

                db.session.remove()
                db.engine.dispose()
        if args.keep:
            print(f"kept database {name} ({url})")
        else:
            psql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
            print(f"dropped database {name}")
    return 0 if ratio <= 5 else 1


if __name__ == "__main__":
    sys.exit(main())
