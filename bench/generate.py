"""A national-scale edition generated in SQL on PostgreSQL (issue 15), for the benchmarks and
the planner test: the technical template with four criteria, ``entries`` accepted entries
over its six fields (one author each), ten judges per field on the field's panel, three
assigned judges per entry each with a submitted sheet and four scores. Deterministic for a
seed (``hashtextextended`` of the seed and row ids). ``analyze=False`` leaves the tables
without planner statistics, as right after a bulk import.

Run inside an app context on a PostgreSQL database (``create_edition`` then ``generate``).
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy import text

JUDGES_PER_FIELD = 10
JUDGES_PER_ENTRY = 3

ENTRIES_SQL = """
INSERT INTO entries (edition_id, code, title, field_id, summary, area_name, unit_name, status,
    rejection_reason, mentor_name, mentor_unit, mentor_phone, mentor_email, applied_where,
    source, created_at, updated_at, submitted_at, version)
SELECT :ed, 'G26-' || f.code || '-' || lpad(g::text, 6, '0'), 'Giải pháp số ' || g, f.id,
    '', '', 'Đơn vị ' || (g % 700), 'accepted', '', '', '', '', '', '', 'import',
    now(), now(), now(), 1
FROM generate_series(1, :n) AS g
JOIN gen_fields AS f ON f.k = g % 6
"""

AUTHORS_SQL = """
INSERT INTO entry_authors (entry_id, position, full_name, date_of_birth, gender, ethnicity,
    organisation, class_or_position, phone, email, is_representative)
SELECT e.id, 1, 'Tác giả ' || e.id, DATE '1990-01-01' + (e.id % 3000), '', '', '', '', '', '',
    true
FROM entries AS e WHERE e.edition_id = :ed
"""

JUDGES_SQL = """
INSERT INTO users (email, full_name, phone, unit_name, is_active_account, created_at)
SELECT 'gen-judge-' || :ed || '-' || j || '@example.vn', 'Giám khảo ' || j, '', '', true, now()
FROM generate_series(0, 6 * :per_field - 1) AS j
"""

PANELS_SQL = """
INSERT INTO judging_panels (edition_id, field_id, round_id, created_at)
SELECT :ed, f.id, :round, now() FROM gen_fields AS f;
INSERT INTO judging_panel_members (panel_id, judge_id, added_at)
SELECT p.id, j.user_id, now()
FROM judging_panels AS p JOIN gen_fields AS f ON f.id = p.field_id
JOIN gen_judges AS j ON j.k / :per_field = f.k
WHERE p.round_id = :round;
INSERT INTO user_roles (user_id, role) SELECT user_id, 'judge' FROM gen_judges
"""

SHEETS_SQL = """
INSERT INTO judging_score_sheets (edition_id, round_id, entry_id, judge_id, status, source,
    comment, created_at, updated_at, submitted_at, reopen_reason, version)
SELECT :ed, :round, e.id, j.user_id, 'submitted', 'import', '', now(), now(), now(), '', 1
FROM entries AS e
JOIN gen_fields AS f ON f.id = e.field_id
CROSS JOIN generate_series(0, :per_entry - 1) AS slot
JOIN gen_judges AS j ON j.k = f.k * :per_field + (e.id + 3 * slot) % :per_field
WHERE e.edition_id = :ed
ORDER BY e.id, slot
"""

ASSIGNMENTS_SQL = """
INSERT INTO judging_assignments (edition_id, round_id, entry_id, judge_id, created_at)
SELECT edition_id, round_id, entry_id, judge_id, now() FROM judging_score_sheets
WHERE round_id = :round
"""

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

TABLES = (
    "entries",
    "entry_authors",
    "users",
    "user_roles",
    "judging_panels",
    "judging_panel_members",
    "judging_score_sheets",
    "judging_assignments",
    "judging_scores",
)


def create_edition(slug: str, title: str = "Hội thi Sáng tạo Kỹ thuật (đo hiệu năng)"):
    """The technical template with a fourth criterion, 3 judges per entry, judging window
    over; returns (edition id, round id). Commits."""
    from contest.contests.operations import create_edition as create
    from contest.contests.spec import CriterionSpec
    from contest.contests.templates import template_spec
    from contest.extensions import db

    deadline = datetime(2026, 7, 31, 10, 0, tzinfo=UTC)
    spec = template_spec("technical", slug, title, deadline)
    spec.criteria = [
        CriterionSpec("novelty", "Tính mới, tính sáng tạo", Decimal(30)),
        CriterionSpec("applicability", "Khả năng áp dụng", Decimal(20)),
        CriterionSpec("effect", "Hiệu quả kinh tế – kỹ thuật – xã hội", Decimal(30)),
        CriterionSpec("presentation", "Trình bày, thuyết minh", Decimal(20)),
    ]
    spec.judges_per_entry = JUDGES_PER_ENTRY
    edition = create(spec, None, confirm=True)
    edition.judging_starts_at = datetime(2026, 8, 1, tzinfo=UTC)
    edition.judging_ends_at = datetime(2026, 8, 31, tzinfo=UTC)
    db.session.commit()
    return edition.id, edition.rounds[0].id


def generate(
    edition_id: int, round_id: int, entries: int, seed: int = 2026, *, analyze: bool = True
) -> dict[str, float]:
    """Fill the edition (module docstring); seconds per step. With ``analyze`` the tables get
    planner statistics (``ANALYZE``); without, autovacuum is switched off on them so that
    none appear behind the caller's back."""
    from contest.extensions import db

    params = {
        "ed": edition_id,
        "round": round_id,
        "n": entries,
        "seed": str(seed),
        "per_entry": JUDGES_PER_ENTRY,
        "per_field": JUDGES_PER_FIELD,
    }
    steps: dict[str, float] = {}
    with db.engine.begin() as conn:
        if not analyze:
            for table in TABLES:
                conn.execute(text(f"ALTER TABLE {table} SET (autovacuum_enabled = false)"))
        conn.execute(
            text(
                "CREATE TEMP TABLE gen_fields ON COMMIT DROP AS SELECT id, code, "
                "(row_number() OVER (ORDER BY position, id) - 1)::int AS k "
                "FROM edition_fields WHERE edition_id = :ed"
            ),
            params,
        )
        for name, sql in (
            ("entries", ENTRIES_SQL),
            ("authors", AUTHORS_SQL),
            ("judges", JUDGES_SQL),
        ):
            started = time.perf_counter()
            conn.execute(text(sql), params)
            steps[name] = time.perf_counter() - started
        conn.execute(
            text(
                "CREATE TEMP TABLE gen_judges ON COMMIT DROP AS SELECT id AS user_id, "
                "(row_number() OVER (ORDER BY id) - 1)::int AS k "
                "FROM users WHERE email LIKE 'gen-judge-' || :ed || '-%'"
            ),
            params,
        )
        for name, sql in (
            ("panels", PANELS_SQL),
            ("sheets", SHEETS_SQL),
            ("assignments", ASSIGNMENTS_SQL),
            ("scores", SCORES_SQL),
        ):
            started = time.perf_counter()
            for statement in (s for s in sql.split(";") if s.strip()):
                conn.execute(text(statement), params)
            steps[name] = time.perf_counter() - started
    if analyze:
        started = time.perf_counter()
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            for table in TABLES:
                conn.execute(text(f"ANALYZE {table}"))
        steps["analyze"] = time.perf_counter() - started
    return steps
