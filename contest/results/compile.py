"""Compiling a round's results: set-based SQL → the ranking engine → an immutable run.

``compile_round(edition, round_)``:

1. **Lock** the round against an overlapping compile: on PostgreSQL a transaction-level
   advisory lock ``pg_try_advisory_xact_lock(LOCK_NAMESPACE, round id)`` (released at commit
   or rollback; busy → ``CompileBusy``, which the job retries with backoff). On SQLite, writers
   are serialised by the database itself and the unique (edition, round, number) of a run
   makes the loser of a race fail (IntegrityError / "database is locked"), which the job
   retries too; the retry then finds the winner's run.
2. **Members** of the round (RULES §5.7–5.8): the first round ranks the edition's accepted
   entries; a later round ranks the accepted entries flagged ADVANCED in the latest run of the
   round before (none → ``CompileError`` "compile that round first").
3. **Aggregate** in ONE query (``aggregate_query``): per submitted sheet of the round its
   total and per-criterion points (conditional aggregation per criterion id), then per entry
   the sheet count, the per-criterion sums and the smallest and largest sheet total, joined to
   the entry's field, board and panel score. Points are summed as integers (half points,
   ``CAST(points * 2 AS INTEGER)``) and the panel score read in hundredths, so no float ever
   enters (SQLite keeps NUMERIC as REAL). Rows are streamed (``yield_per``); only one small
   ``EntryAggregate`` per entry is kept, never a score row as an ORM object.
4. **Rank** with the engine (``run_round``): results in file order and the inputs' fingerprint.
5. **Write**, unless the latest run of the round has the same fingerprint (same inputs and
   engine → identical rows: the existing run is returned, ``created=False``, nothing written;
   the CLI says "unchanged, run N"). Otherwise run N+1 and all its rows are bulk-inserted in
   the caller's transaction: the job commits them together with its ``succeeded`` status, so a
   run is visible complete or not at all.

Everything is flushed, never committed (the job runner commits).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import Integer, and_, case, cast, func, insert, literal, select, text
from sqlalchemy.sql import Select

from ..contests.models import Board, Edition, EditionField, Round
from ..entries.models import Entry, EntryStatus
from ..extensions import db
from ..judging.models import PanelScore, Score, ScoreSheet, SheetStatus
from .config_from_edition import config_from_edition, previous_round
from .models import ResultRow, ResultsRun
from .ranking import ENGINE_VERSION, EntryAggregate, EntryResult, RankingConfig, run_round
from .ranking_inputs import decimal_from_units

#: First key of the PostgreSQL advisory lock (the second is the round id).
LOCK_NAMESPACE = 0x7265
#: Rows per streamed fetch and per bulk INSERT.
CHUNK = 5000

ProgressFn = Callable[..., None]


class CompileError(Exception):
    """The round cannot be compiled; ``message`` says why (Vietnamese msgid, translated)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class CompileBusy(CompileError):
    """Another compile of the same round holds the lock."""


@dataclass
class CompileOutcome:
    """The run a compile produced (``created``) or found unchanged, and its summary."""

    run: ResultsRun
    created: bool
    summary: dict[str, Any] = field(default_factory=dict)


def latest_run(round_: Round) -> ResultsRun | None:
    """The round's run with the highest number, if any."""
    return db.session.scalar(
        select(ResultsRun)
        .where(ResultsRun.round_id == round_.id)
        .order_by(ResultsRun.number.desc())
        .limit(1)
    )


def check_compilable(edition: Edition, round_: Round) -> None:
    """Raise ``CompileError`` when an earlier round has no run yet (its ADVANCED are unknown)."""
    before = previous_round(edition, round_)
    if before is not None and latest_run(before) is None:
        raise CompileError(
            _(
                "Hãy tổng hợp kết quả vòng %(before)s trước vòng %(round)s.",
                before=before.code,
                round=round_.code,
            )
        )


def member_condition(edition: Edition, round_: Round):
    """SQL condition on ``Entry`` selecting the round's members (module docstring, step 2)."""
    check_compilable(edition, round_)
    accepted = and_(Entry.edition_id == edition.id, Entry.status == EntryStatus.ACCEPTED.value)
    before = previous_round(edition, round_)
    if before is None:
        return accepted
    flags = literal(";") + ResultRow.flags + literal(";")
    advanced = select(ResultRow.entry_id).where(
        ResultRow.run_id == latest_run(before).id, flags.like("%;ADVANCED;%")
    )
    return and_(accepted, Entry.id.in_(advanced))


def aggregate_query(edition: Edition, round_: Round, criterion_ids: list[int]) -> Select:
    """The one set-based query of step 3: a row per member entry, ordered by code.

    Columns: entry id, code, field code, board code, sheet count (NULL = no sheet), the
    smallest and largest sheet total and one sum per criterion (``c0``, ``c1``, … in the given
    order), all in half points, and the panel score in hundredths (NULL = none).
    """
    halves = cast(Score.points * 2, Integer)
    per_criterion = [
        func.coalesce(func.sum(case((Score.criterion_id == cid, halves), else_=0)), 0).label(
            f"c{i}"
        )
        for i, cid in enumerate(criterion_ids)
    ]
    sheet = (
        select(
            ScoreSheet.entry_id.label("entry_id"),
            func.coalesce(func.sum(halves), 0).label("total"),
            *per_criterion,
        )
        .select_from(ScoreSheet)
        .outerjoin(
            Score, and_(Score.sheet_id == ScoreSheet.id, Score.criterion_id.in_(criterion_ids))
        )
        .where(ScoreSheet.round_id == round_.id, ScoreSheet.status == SheetStatus.SUBMITTED.value)
        .group_by(ScoreSheet.id, ScoreSheet.entry_id)
        .subquery("sheet")
    )
    per_entry = (
        select(
            sheet.c.entry_id,
            func.count().label("n"),
            func.min(sheet.c.total).label("low"),
            func.max(sheet.c.total).label("high"),
            *[func.sum(sheet.c[f"c{i}"]).label(f"c{i}") for i in range(len(criterion_ids))],
        )
        .group_by(sheet.c.entry_id)
        .subquery("agg")
    )
    panel_cents = cast(func.round(PanelScore.score * 100), Integer)
    return (
        select(
            Entry.id,
            Entry.code,
            EditionField.code.label("field"),
            Board.code.label("board"),
            per_entry.c.n,
            per_entry.c.low,
            per_entry.c.high,
            *[per_entry.c[f"c{i}"] for i in range(len(criterion_ids))],
            panel_cents.label("panel"),
        )
        .select_from(Entry)
        .join(EditionField, EditionField.id == Entry.field_id)
        .outerjoin(Board, Board.id == Entry.board_id)
        .outerjoin(per_entry, per_entry.c.entry_id == Entry.id)
        .outerjoin(
            PanelScore, and_(PanelScore.round_id == round_.id, PanelScore.entry_id == Entry.id)
        )
        .where(member_condition(edition, round_))
        .order_by(Entry.code)
    )


def _half(value: int) -> Any:
    """Half points (an int) → exact Decimal points with one decimal."""
    return decimal_from_units(int(value) * 5, 1)


def stream_aggregates(
    edition: Edition, round_: Round, config: RankingConfig, entry_ids: dict[str, int]
) -> Iterator[EntryAggregate]:
    """The round's ``EntryAggregate`` rows from ``aggregate_query``, streamed; fills
    ``entry_ids`` (code → id) for writing the run."""
    by_code = {c.code: c.id for c in edition.active_criteria}
    codes = list(config.criterion_codes)
    stmt = aggregate_query(edition, round_, [by_code[c] for c in codes])
    rows = db.session.execute(stmt, execution_options={"yield_per": CHUNK})
    for row in rows:
        entry_id, code, field_code, board_code, n, low, high, *sums, panel = row
        if not code:
            raise CompileError(_("Hồ sơ số %(id)d được chấp nhận nhưng chưa có mã.", id=entry_id))
        entry_ids[code] = entry_id
        n = int(n or 0)
        yield EntryAggregate(
            code=code,
            field=field_code,
            board=board_code,
            sheet_count=n,
            criterion_sums={c: _half(s or 0) for c, s in zip(codes, sums, strict=True)},
            min_total=_half(low) if n else None,
            max_total=_half(high) if n else None,
            panel_score=None if panel is None else decimal_from_units(int(panel), 2),
        )


def lock_round(round_: Round) -> None:
    """Step 1: take the round's advisory lock on PostgreSQL or raise ``CompileBusy``."""
    if db.session.get_bind().dialect.name != "postgresql":
        return
    got = db.session.scalar(
        text("SELECT pg_try_advisory_xact_lock(:ns, :key)"),
        {"ns": LOCK_NAMESPACE, "key": round_.id},
    )
    if not got:
        raise CompileBusy(_("Vòng %(round)s đang được tổng hợp ở nơi khác.", round=round_.code))


def _text(value: Any) -> Any:
    """A Decimal as its exact text for JSON; other values unchanged."""
    return None if value is None else str(value)


def explanation_json(result: EntryResult) -> dict[str, Any]:
    """The engine's explanation as small JSON (numbers as exact texts, empty parts left out)."""
    e = result.explanation
    data: dict[str, Any] = {
        "sheets": e.sheet_count,
        "required": e.judges_required,
        "sums": {c: str(v) for c, v in e.criterion_sums.items()},
        "computed": _text(e.computed_score),
        "min": _text(e.min_total),
        "max": _text(e.max_total),
    }
    if e.panel_score is not None:
        data["panel"] = str(e.panel_score)
        data["panel_ignored"] = e.panel_ignored
    if e.tied_with:
        data["tied_with"] = list(e.tied_with)
    if e.cutoff is not None:
        data["cutoff"] = str(e.cutoff)
    if e.levels:
        data["levels"] = [
            {
                k: v
                for k, v in (
                    ("level", lv.level),
                    ("outcome", str(lv.outcome)),
                    ("band", _text(lv.band)),
                    ("quota", lv.quota),
                    ("scope", str(lv.scope)),
                    ("taken_before", lv.taken_before),
                    ("slot_first", lv.slot_first),
                    ("slot_last", lv.slot_last),
                    ("tied_with", list(lv.tied_with) or None),
                )
                if v is not None
            }
            for lv in e.levels
        ]
    return data


def summarize(run: ResultsRun, created: bool, rows: list[tuple[str | None, str]]) -> dict:
    """The job result: run, counts of entries, ranked entries, prizes and flags.

    ``rows`` = (prize code, ``;``-joined flags) per row of the run.
    """
    prizes = Counter(p for p, _f in rows if p)
    flags = Counter(f for _p, fs in rows for f in (fs.split(";") if fs else []))
    return {
        "run_id": run.id,
        "number": run.number,
        "created": created,
        "round": run.round.code,
        "fingerprint": run.fingerprint,
        "entries": len(rows),
        "ranked": sum(1 for _p, fs in rows if "INCOMPLETE" not in fs.split(";")),
        "prizes": dict(sorted(prizes.items())),
        "flags": dict(sorted(flags.items())),
    }


def _run_rows(run: ResultsRun) -> list[tuple[str | None, str]]:
    """(prize, flags) of every row of a stored run, in order."""
    rows = db.session.execute(
        select(ResultRow.prize_code, ResultRow.flags)
        .where(ResultRow.run_id == run.id)
        .order_by(ResultRow.position)
    )
    return [(prize, flags) for prize, flags in rows]


def compile_round(
    edition: Edition,
    round_: Round,
    created_by_id: int | None = None,
    job_id: int | None = None,
    progress: ProgressFn | None = None,
) -> CompileOutcome:
    """Compile ``round_`` of ``edition`` (module docstring); flushes, never commits."""
    report = progress or (lambda *a, **k: None)
    lock_round(round_)
    config = config_from_edition(edition, round_)
    report(10, 100, _("Đang tổng hợp điểm…"))
    entry_ids: dict[str, int] = {}
    try:
        ranking = run_round(config, stream_aggregates(edition, round_, config, entry_ids))
    except ValueError as exc:  # data the engine refuses (e.g. an entry without its board)
        raise CompileError(_("Dữ liệu không hợp lệ: %(e)s", e=str(exc))) from exc
    report(60, 100, _("Đã xếp hạng %(n)d hồ sơ; đang ghi kết quả…", n=len(ranking.results)))
    latest = latest_run(round_)
    if latest is not None and latest.fingerprint == ranking.fingerprint:
        return CompileOutcome(latest, False, summarize(latest, False, _run_rows(latest)))
    run = ResultsRun(
        edition_id=edition.id,
        round_id=round_.id,
        number=(latest.number + 1) if latest else 1,
        fingerprint=ranking.fingerprint,
        engine_version=ENGINE_VERSION,
        has_boards=config.has_boards,
        last_round=config.round.last,
        entry_count=len(ranking.results),
        created_by_id=created_by_id,
        job_id=job_id,
    )
    db.session.add(run)
    db.session.flush()
    write_rows(run, ranking.results, entry_ids, report)
    db.session.flush()
    summary_rows = [(r.prize, ";".join(r.flags)) for r in ranking.results]
    return CompileOutcome(run, True, summarize(run, True, summary_rows))


_ROW_COLUMNS = (
    "run_id",
    "entry_id",
    "position",
    "entry_code",
    "field_code",
    "board_code",
    "group_key",
    "rank",
    "score",
    "prize_code",
    "flags",
    "explanation",
)


def write_rows(
    run: ResultsRun,
    results: tuple[EntryResult, ...],
    entry_ids: dict[str, int],
    report: ProgressFn,
) -> None:
    """Insert the run's rows, ``CHUNK`` at a time, in results-file order, inside the current
    transaction (PostgreSQL: ``COPY``, several times faster than row-by-row INSERTs)."""
    total = len(results) or 1
    connection = db.session.connection()
    use_copy = connection.dialect.name == "postgresql"
    for start in range(0, len(results), CHUNK):
        chunk = [
            {
                "run_id": run.id,
                "entry_id": entry_ids[r.entry],
                "position": start + i,
                "entry_code": r.entry,
                "field_code": r.field,
                "board_code": r.board,
                "group_key": "/".join(r.group),
                "rank": r.rank,
                "score": r.score,
                "prize_code": r.prize,
                "flags": ";".join(r.flags),
                "explanation": explanation_json(r),
            }
            for i, r in enumerate(results[start : start + CHUNK])
        ]
        if use_copy:
            _copy_rows(connection, chunk)
        else:
            db.session.execute(insert(ResultRow), chunk)
        done = start + len(chunk)
        report(60 + 40 * done // total - 1, 100)


def _copy_rows(connection, chunk: list[dict[str, Any]]) -> None:
    """``COPY`` rows into results_rows on the session's own connection (same transaction)."""
    columns = ", ".join(_ROW_COLUMNS)
    sql = f"COPY {ResultRow.__tablename__} ({columns}) FROM STDIN"  # noqa: S608 - constants
    with connection.connection.driver_connection.cursor() as cursor, cursor.copy(sql) as copy:
        for row in chunk:
            values = [row[name] for name in _ROW_COLUMNS]
            values[-1] = json.dumps(values[-1], ensure_ascii=False)
            copy.write_row(values)
