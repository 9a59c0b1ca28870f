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
   points per criterion (``sum(points) FILTER (WHERE criterion_id = …)``, doubled and cast to
   an integer: half points) and their sum, the sheet total; then per entry the sheet count,
   the per-criterion sums and the smallest and largest sheet total, joined to the entry's
   field, board and panel score (in hundredths), so no float ever enters (SQLite keeps
   NUMERIC as REAL; halves are exact there). The rows are read with the raw driver cursor
   (plain tuples of ints and codes) and checked as integers by the engine (``check_units``);
   one small ``EntryAggregate`` per entry is kept, never a score row.
4. **Fingerprint** the inputs (the engine's ``fingerprint``, same canonical form) and, when
   the latest run of the round has the same one, return it before ranking anything.
5. **Rank** with the engine (``run_round``): results in file order and the inputs' fingerprint.
6. **Write** (the fingerprint differs: same inputs and engine would give identical rows, so
   step 4 returned the existing run, ``created=False``, nothing written; the CLI says
   "unchanged, run N"): run N+1 and all its rows are bulk-inserted in the caller's
   transaction (PostgreSQL: one ``COPY`` stream): the job commits them together with its
   ``succeeded`` status, so a run is visible complete or not at all.

Everything is flushed, never committed (the job runner commits).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import Integer, and_, cast, func, insert, literal, select, text
from sqlalchemy.sql import Select

from ..contests.models import Board, Edition, EditionField, Round
from ..entries.models import Entry, EntryStatus
from ..extensions import db
from ..judging.models import PanelScore, Score, ScoreSheet, SheetStatus
from .config_from_edition import config_from_edition, previous_round
from .models import ResultRow, ResultsRun
from .ranking import (
    ENGINE_VERSION,
    CheckedEntry,
    EntryAggregate,
    EntryResult,
    HalfPointDecimals,
    RankingConfig,
    check_units,
    collector_paused,
    fingerprint,
    run_round,
)
from .run_text import copy_text, json_code, json_codes, json_number, level_texts

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
    """The one set-based query of step 3: a row per member entry, in no particular order (the
    engine sorts by code).

    Columns: entry id, code, field code, board code, sheet count (NULL = no sheet), the
    smallest and largest sheet total and one sum per criterion (``c0``, ``c1``, … in the given
    order), all in half points, and the panel score in hundredths (NULL = none).
    """
    per_criterion = [
        func.coalesce(
            cast(2 * func.sum(Score.points).filter(Score.criterion_id == cid), Integer), 0
        ).label(f"c{i}")
        for i, cid in enumerate(criterion_ids)
    ]
    sheet = (
        select(ScoreSheet.entry_id.label("entry_id"), *per_criterion)
        .select_from(ScoreSheet)
        .outerjoin(
            Score, and_(Score.sheet_id == ScoreSheet.id, Score.criterion_id.in_(criterion_ids))
        )
        .where(ScoreSheet.round_id == round_.id, ScoreSheet.status == SheetStatus.SUBMITTED.value)
        .group_by(ScoreSheet.id, ScoreSheet.entry_id)
        .subquery("sheet")
    )
    total = sum((sheet.c[f"c{i}"] for i in range(1, len(criterion_ids))), sheet.c.c0)
    per_entry = (
        select(
            sheet.c.entry_id,
            func.count().label("n"),
            func.min(total).label("low"),
            func.max(total).label("high"),
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
    )


def _driver_rows(stmt: Select) -> Iterator[tuple]:
    """Run ``stmt`` on the session's connection with the raw driver cursor (plain tuples, no
    ORM or Core row processing: the columns are ints and short strings), ``CHUNK`` at a time."""
    connection = db.session.connection()
    compiled = stmt.compile(dialect=connection.dialect, compile_kwargs={"render_postcompile": True})
    params: Any = compiled.params
    if compiled.positional:
        params = tuple(params[name] for name in compiled.positiontup)
    cursor = connection.connection.driver_connection.cursor()
    try:
        cursor.execute(compiled.string, params)
        while rows := cursor.fetchmany(CHUNK):
            yield from rows
    finally:
        cursor.close()


def stream_checked(
    edition: Edition, round_: Round, config: RankingConfig, entry_ids: dict[str, int]
) -> Iterator[CheckedEntry]:
    """The round's entries from ``aggregate_query`` as the engine's checked entries
    (``check_units``: the integers are checked as such, never parsed back from Decimals),
    streamed; fills ``entry_ids`` (code → id) for writing the run."""
    by_code = {c.code: c.id for c in edition.active_criteria}
    stmt = aggregate_query(edition, round_, [by_code[c] for c in config.criterion_codes])
    decimals = HalfPointDecimals()
    for row in _driver_rows(stmt):
        entry_id, code, field_code, board_code, n, low, high, *sums, panel = row
        if not code:
            raise CompileError(_("Hồ sơ số %(id)d được chấp nhận nhưng chưa có mã.", id=entry_id))
        entry_ids[code] = entry_id
        n = int(n or 0)
        yield check_units(
            config,
            code,
            field_code,
            board_code,
            n,
            tuple(int(s or 0) for s in sums),
            int(low) if n else None,
            int(high) if n else None,
            None if panel is None else int(panel),
            decimals,
        )


def stream_aggregates(
    edition: Edition, round_: Round, config: RankingConfig, entry_ids: dict[str, int]
) -> Iterator[EntryAggregate]:
    """The round's ``EntryAggregate`` rows by code (``stream_checked`` without the integers)."""
    checked = stream_checked(edition, round_, config, entry_ids)
    yield from sorted((c.agg for c in checked), key=lambda agg: agg.code)


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


def explanation_json(result: EntryResult) -> str:
    """The engine's explanation as small JSON text (numbers as exact texts, empty parts left
    out): exactly what ``json.dumps(…, ensure_ascii=False, separators=(",", ":"))`` writes
    for the same dict (keys in this order), built directly: 100,000 rows per national
    compile, and compact text is ≈ 10 % less for the server to parse and store."""
    e = result.explanation
    sums = ",".join(f'{json_code(c)}:"{v}"' for c, v in e.criterion_sums.items())
    text = (
        f'{{"sheets":{e.sheet_count},"required":{e.judges_required},"sums":{{{sums}}},'
        f'"computed":{json_number(e.computed_score)},"min":{json_number(e.min_total)},'
        f'"max":{json_number(e.max_total)}'
    )
    if e.panel_score is not None:
        ignored = "true" if e.panel_ignored else "false"
        text += f',"panel":"{e.panel_score}","panel_ignored":{ignored}'
    if e.tied_with:
        text += f',"tied_with":{json_codes(e.tied_with)}'
    if e.cutoff is not None:
        text += f',"cutoff":"{e.cutoff}"'
    if e.levels:
        text += ',"levels":' + level_texts.levels(e.levels)
    return text + "}"


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
    latest = latest_run(round_)
    try:
        with collector_paused():  # 100,000 small objects, no cycles
            listed = list(stream_checked(edition, round_, config, entry_ids))
            if latest is not None and latest.fingerprint == fingerprint(config, listed):
                return CompileOutcome(latest, False, summarize(latest, False, _run_rows(latest)))
            ranking = run_round(config, listed)
            del listed
            report(60, 100, _("Đã xếp hạng %(n)d hồ sơ; đang ghi kết quả…", n=len(ranking.results)))
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
    except ValueError as exc:  # data the engine refuses (e.g. an entry without its board)
        raise CompileError(_("Dữ liệu không hợp lệ: %(e)s", e=str(exc))) from exc
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


def _copy_line(run_id: int, position: int, r: EntryResult, entry_id: int) -> str:
    """A run row as one COPY text line (``_ROW_COLUMNS`` order, no newline): the same values
    as ``_row_values``, the numbers written directly and only texts escaped."""
    rank = "\\N" if r.rank is None else r.rank
    score = "\\N" if r.score is None else r.score
    return (
        f"{run_id}\t{entry_id}\t{position}\t{copy_text(r.entry)}\t{copy_text(r.field)}\t"
        f"{copy_text(r.board)}\t{copy_text('/'.join(r.group))}\t{rank}\t{score}\t"
        f"{copy_text(r.prize)}\t{copy_text(';'.join(r.flags))}\t"
        f"{copy_text(explanation_json(r))}"
    )


def _row_values(run_id: int, position: int, r: EntryResult, entry_id: int) -> tuple:
    """A run row's values in ``_ROW_COLUMNS`` order (explanation as JSON text)."""
    return (
        run_id,
        entry_id,
        position,
        r.entry,
        r.field,
        r.board,
        "/".join(r.group),
        r.rank,
        r.score,
        r.prize,
        ";".join(r.flags),
        explanation_json(r),
    )


def write_rows(
    run: ResultsRun,
    results: tuple[EntryResult, ...],
    entry_ids: dict[str, int],
    report: ProgressFn,
) -> None:
    """Insert the run's rows in results-file order inside the current transaction, ``CHUNK``
    rows at a time. PostgreSQL: ONE ``COPY … FROM STDIN`` stream in text format on the
    session's connection, fed chunk by chunk, so the server stores a chunk while the next one
    is formatted (the two cores work in parallel)."""
    total = len(results) or 1
    connection = db.session.connection()
    try:
        if connection.dialect.name != "postgresql":
            for start in range(0, len(results), CHUNK):
                chunk = [
                    dict(
                        zip(
                            _ROW_COLUMNS,
                            _row_values(run.id, start + i, r, entry_ids[r.entry]),
                            strict=True,
                        )
                    )
                    for i, r in enumerate(results[start : start + CHUNK])
                ]
                for row in chunk:
                    row["explanation"] = json.loads(row["explanation"])
                db.session.execute(insert(ResultRow), chunk)
                report(60 + 40 * (start + len(chunk)) // total - 1, 100)
            return
        columns = ", ".join(_ROW_COLUMNS)
        sql = f"COPY {ResultRow.__tablename__} ({columns}) FROM STDIN"  # noqa: S608 - constants
        driver = connection.connection.driver_connection
        with driver.cursor() as cursor, cursor.copy(sql) as copy:
            for start in range(0, len(results), CHUNK):
                chunk = results[start : start + CHUNK]
                lines = [
                    _copy_line(run.id, start + i, r, entry_ids[r.entry])
                    for i, r in enumerate(chunk)
                ]
                copy.write("\n".join(lines) + "\n")
                report(60 + 40 * (start + len(chunk)) // total - 1, 100)
    finally:
        level_texts.clear()
