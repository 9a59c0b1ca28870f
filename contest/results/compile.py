"""Compiling a round's results: set-based SQL → the ranking engine → an immutable run.

``compile_round(edition, round_)``:

1. **Lock** the round against an overlapping compile: on PostgreSQL a transaction-level
   advisory lock ``pg_try_advisory_xact_lock(LOCK_NAMESPACE, round id)`` (released at commit
   or rollback; busy → ``CompileBusy``, which the job retries with backoff). On SQLite, writers
   are serialised by the database itself and the unique (edition, round, number) of a run
   makes the loser of a race fail (IntegrityError / "database is locked"), which the job
   retries too; the retry then finds the winner's run.
2. **Members** of the round (RULES §5.7–5.8, judging's ``totals.member_condition``): the
   first round ranks the edition's accepted entries; a later round ranks the accepted entries
   flagged ADVANCED in the latest run of the round before (``advanced_entries``: the stored
   flags read as a set, ``flags.has_flag``), none → ``CompileError`` "compile that round
   first".
3. **Aggregate** in ONE query (``aggregate_query``): per submitted sheet of the round its
   points per counted criterion and its total, in half points (judging's
   ``totals.sheet_totals``, the one definition of a sheet total); then per entry the sheet count,
   the per-criterion sums and the smallest and largest sheet total, joined to the entry's
   field, board and panel score (in hundredths), so no float ever enters (SQLite keeps
   NUMERIC as REAL; halves are exact there). The rows are read with the raw driver cursor
   (plain tuples of ints and codes; on PostgreSQL binary, streamed as the server produces
   them) and checked as integers by the engine, a batch of rows column by column
   (``check_unit_columns``); one small ``EntryAggregate`` per entry is kept, never a score row.
4. **Fingerprint** the inputs (the engine's ``fingerprint_checked``, same canonical form)
   and, when the latest run of the round has the same one, return it before ranking
   anything (``created=False``, nothing written; the CLI says "unchanged, run N": the same
   inputs and engine would give identical rows).
5. **Rank and write** run N+1, part by part (``ranking.ranking_parts``: one ranking group at
   a time, unless an edition-wide prize level links the groups; the concatenated parts are
   exactly ``run_round``'s results): the rows go into the caller's transaction through
   ``run_writer.RowWriter`` — on PostgreSQL a ``COPY`` per part, streamed by a writer thread
   while the next part is ranked, each explanation in its compact form (``run_text``). The
   job commits them together with its ``succeeded`` status, so a run is visible complete or
   not at all.

Everything is flushed, never committed (the job runner commits).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Generator, Iterator
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

import psycopg
from flask_babel import gettext as _
from sqlalchemy import Integer, and_, cast, func, select, text
from sqlalchemy.sql import ColumnElement, Select

from .. import display
from ..contests.models import Board, Edition, EditionField, Round
from ..entries.models import Entry
from ..errors import UserError
from ..extensions import db
from ..judging import totals
from ..judging.models import PanelScore
from .config_from_edition import config_from_edition, previous_round
from .flags import Flag, decode, encode, has_flag
from .models import ResultRow, ResultsRun
from .ranking import (
    ENGINE_VERSION,
    CheckedEntry,
    EntryAggregate,
    HalfPointDecimals,
    RankingConfig,
    check_unit_columns,
    collector_paused,
    fingerprint_checked,
    listed_entries,
    rank_part,
    ranking_parts,
    run_round,  # noqa: F401 - the whole engine in one call (tests, bench)
)
from .run_text import explanation_context
from .run_writer import ProgressFn, RowWriter

#: First key of the PostgreSQL advisory lock (the second is the round id).
LOCK_NAMESPACE = 0x7265
#: Rows per fetch of the aggregate query.
FETCH = 5000


class CompileError(UserError):
    """The round cannot be compiled; ``message`` says why (Vietnamese msgid, translated)."""


class CompileBusy(CompileError):
    """Another compile of the same round holds the lock."""

    status = 409


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
                "Hãy tổng hợp kết quả %(before)s trước %(round)s.",
                before=display.round_title(before).lower(),
                round=display.round_title(round_).lower(),
            )
        )


def member_condition(edition: Edition, round_: Round) -> ColumnElement[bool]:
    """SQL condition on ``Entry`` selecting the round's members (module docstring, step 2;
    the rule is judging's ``totals.member_condition``)."""
    check_compilable(edition, round_)
    return totals.member_condition(edition, round_)


def advanced_entries(round_: Round) -> Select:
    """``SELECT entry_id`` of the rows the latest run of ``round_`` flagged ADVANCED (none
    without a run): what judging's ``totals`` reads for the next round's members. The flags
    are read as a set (``flags.has_flag``), never matched as text."""
    latest = (
        select(ResultsRun.id)
        .where(ResultsRun.round_id == round_.id)
        .order_by(ResultsRun.number.desc())
        .limit(1)
        .scalar_subquery()
    )
    return select(ResultRow.entry_id).where(
        ResultRow.run_id == latest, has_flag(ResultRow.flags, Flag.ADVANCED)
    )


def aggregate_query(edition: Edition, round_: Round, criterion_ids: list[int]) -> Select:
    """The one set-based query of step 3: a row per member entry, in no particular order (the
    engine sorts by code).

    Columns: entry id, code, field code, board code, sheet count (0 = no sheet), the smallest
    and largest sheet total (NULL without sheets), one sum per criterion (``c0``, ``c1``, … in
    the given order), all in half points, and the panel score in hundredths (NULL = none).
    The sheets and their totals are judging's ``totals.sheet_totals`` (the criteria that
    count), grouped once per sheet, then once per entry.
    """
    sheet = totals.sheet_totals(round_, criterion_ids)
    k = len(criterion_ids)
    per_entry = (
        select(
            sheet.c.entry_id,
            func.count().label("n"),
            func.min(sheet.c.halves).label("low"),
            func.max(sheet.c.halves).label("high"),
            *[func.sum(sheet.c[f"c{i}"]).label(f"c{i}") for i in range(k)],
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
            func.coalesce(per_entry.c.n, 0).label("n"),
            per_entry.c.low,
            per_entry.c.high,
            *[func.coalesce(per_entry.c[f"c{i}"], 0).label(f"c{i}") for i in range(k)],
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


#: The aggregate's planner setting on PostgreSQL, for its transaction: hash or merge joins
#: whatever the statistics. Right after a bulk import the tables have none, and a nested loop
#: re-runs the per-entry aggregate once per entry (7 s instead of 0.1 s at 3,000 entries);
#: imports ANALYZE what they filled, this keeps the plan linear even when that was skipped.
AGGREGATE_PLAN = "SET LOCAL enable_nestloop = off"
_DEFAULT_PLAN = "SET LOCAL enable_nestloop TO DEFAULT"


def _driver_rows(stmt: Select) -> Generator[tuple, None, None]:
    """Run ``stmt`` on the session's connection with the raw driver cursor (plain tuples, no
    ORM or Core row processing: the columns are ints and short strings), ``FETCH`` at a time.

    On PostgreSQL the rows come in binary format (no parsing of number texts) and, with libpq
    17 or later, in chunks as the server produces them (``cursor.stream``), so the engine
    checks the first rows while the server still joins the last ones. Consume the rows before
    using the connection again (the stream holds it)."""
    connection = db.session.connection()
    compiled = stmt.compile(dialect=connection.dialect, compile_kwargs={"render_postcompile": True})
    params: Any = compiled.params
    if compiled.positional:
        assert compiled.positiontup is not None  # a positional statement names its order
        params = tuple(params[name] for name in compiled.positiontup)
    driver = connection.connection.driver_connection
    assert driver is not None  # the session's connection is open
    postgresql = connection.dialect.name == "postgresql"
    cursor = driver.cursor()
    try:
        if postgresql:
            cursor.execute(AGGREGATE_PLAN)
            if psycopg.pq.version() >= 170000:  # chunked rows mode
                yield from cursor.stream(compiled.string, params, binary=True, size=FETCH)
                return
            cursor.execute(compiled.string, params, binary=True)
        else:
            cursor.execute(compiled.string, params)
        while rows := cursor.fetchmany(FETCH):
            yield from rows
    finally:
        cursor.close()
        if postgresql:
            try:  # the rest of the job's transaction plans as usual
                with driver.cursor() as reset:
                    reset.execute(_DEFAULT_PLAN)
            except psycopg.Error:  # the transaction failed: it is rolled back anyway
                pass


def stream_checked(
    edition: Edition, round_: Round, config: RankingConfig, entry_ids: dict[str, int]
) -> Iterator[CheckedEntry]:
    """The round's entries from ``aggregate_query`` as the engine's checked entries, streamed
    ``FETCH`` rows at a time (``check_unit_columns``: the integers are checked as such, column
    by column, never parsed back from Decimals); fills ``entry_ids`` (code → id) for writing
    the run."""
    by_code = {c.code: c.id for c in totals.counted_criteria(edition)}
    stmt = aggregate_query(edition, round_, [by_code[c] for c in config.criterion_codes])
    decimals = HalfPointDecimals()
    rows = _driver_rows(stmt)
    try:
        while batch := list(islice(rows, FETCH)):
            ids, codes, fields, boards, counts, lows, highs, *sums, panels = zip(
                *batch, strict=True
            )
            if not all(codes):
                entry_id = next(i for i, code in zip(ids, codes, strict=True) if not code)
                raise CompileError(
                    _("Hồ sơ số %(id)d được chấp nhận nhưng chưa có mã.", id=entry_id)
                )
            entry_ids.update(zip(codes, ids, strict=True))
            yield from check_unit_columns(
                config, codes, fields, boards, counts, sums, lows, highs, panels, decimals
            )
    finally:
        # a refused row stops the stream mid-way: close it now, or the connection stays
        # busy streaming and the job's rollback waits for it forever
        rows.close()


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
        raise CompileBusy(
            _("%(round)s đang được tổng hợp ở nơi khác.", round=display.round_title(round_))
        )


def summarize(run: ResultsRun, created: bool, counts: Counter[tuple[str | None, str]]) -> dict:
    """The job result: run, counts of entries, ranked entries, prizes and flags.

    ``counts`` = how many rows of the run have each (prize code, ``;``-joined flags).
    """
    prizes: Counter[str] = Counter()
    flags: Counter[str] = Counter()
    ranked = 0
    for (prize, joined), n in counts.items():  # a few distinct pairs
        split = decode(joined)
        if prize:
            prizes[prize] += n
        for flag in split:
            flags[flag] += n
        if Flag.INCOMPLETE not in split:
            ranked += n
    return {
        "run_id": run.id,
        "number": run.number,
        "created": created,
        "round": run.round.code,
        "fingerprint": run.fingerprint,
        "entries": counts.total(),
        "ranked": ranked,
        "prizes": dict(sorted(prizes.items())),
        "flags": dict(sorted(flags.items())),
    }


def _run_counts(run: ResultsRun) -> Counter[tuple[str | None, str]]:
    """How many rows of a stored run have each (prize, flags), counted by the database."""
    stmt = (
        select(ResultRow.prize_code, ResultRow.flags, func.count())
        .where(ResultRow.run_id == run.id)
        .group_by(ResultRow.prize_code, ResultRow.flags)
    )
    return Counter({(prize, flags): n for prize, flags, n in db.session.execute(stmt)})


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
            listed = listed_entries(config, stream_checked(edition, round_, config, entry_ids))
            inputs = fingerprint_checked(config, listed)
            if latest is not None and latest.fingerprint == inputs:
                return CompileOutcome(latest, False, summarize(latest, False, _run_counts(latest)))
            report(50, 100, _("Đang xếp hạng %(n)d hồ sơ và ghi kết quả…", n=len(listed)))
            run = ResultsRun(
                edition_id=edition.id,
                round_id=round_.id,
                number=(latest.number + 1) if latest else 1,
                fingerprint=inputs,
                engine_version=ENGINE_VERSION,
                has_boards=config.has_boards,
                last_round=config.round.last,
                entry_count=len(listed),
                created_by_id=created_by_id,
                job_id=job_id,
                explanation_context=explanation_context(config),
            )
            db.session.add(run)
            db.session.flush()
            counts: Counter[tuple[str | None, str]] = Counter()
            with RowWriter(run, config, entry_ids, report, len(listed)) as writer:
                for part in ranking_parts(config, listed):
                    results = rank_part(config, part)
                    writer.write(results)
                    counts.update((r.prize, encode(r.flags)) for r in results)
            db.session.flush()
            summary = summarize(run, True, counts)
    except ValueError as exc:  # data the engine refuses (e.g. an entry without its board)
        raise CompileError(_("Dữ liệu không hợp lệ: %(e)s", e=str(exc))) from exc
    return CompileOutcome(run, True, summary)
