"""Results: runs (immutable snapshots of a round's ranking), their rows, and the organizers'
prize decisions. Written directly: a real run comes from the compile
(:func:`contest.results.compile.compile_round`), which needs sheets to rank."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import func, select

from contest.contests.models import Edition, Round
from contest.entries.models import Entry
from contest.extensions import db
from contest.results.models import ResultRow, ResultsRun
from contest.results.models_decisions import PrizeDecision

from .base import apply, save
from .contests import make_edition
from .entries import make_entry


def make_results_run(
    edition: Edition | None = None,
    round_: Round | None = None,
    *,
    number: int | None = None,
    commit: bool = True,
    **attrs,
) -> ResultsRun:
    """Run ``number`` (the next one when absent) of ``round_`` (the last round when absent)
    of ``edition``, without rows (add them with :func:`make_result_row`, before anything reads
    the run); ``attrs``: ``entry_count``, ``has_boards``, ``last_round`` …"""
    edition = edition or make_edition(commit=commit)
    round_ = round_ if round_ is not None else edition.rounds[-1]
    if number is None:
        last = db.session.scalar(
            select(func.max(ResultsRun.number)).where(ResultsRun.round_id == round_.id)
        )
        number = (last or 0) + 1
    run = ResultsRun(
        edition_id=edition.id,
        round_id=round_.id,
        number=number,
        fingerprint="0" * 64,
        engine_version="factories",
    )
    apply(run, attrs)
    return save(run, commit)


def make_result_row(
    run: ResultsRun | None = None,
    entry: Entry | None = None,
    *,
    rank: int | None = 1,
    score: Decimal | str | None = "90.00",
    prize_code: str | None = "first",
    position: int | None = None,
    commit: bool = True,
    **attrs,
) -> ResultRow:
    """``entry`` (a new accepted entry of the run's edition when absent) listed in ``run``
    at ``position`` (after the last row when absent) with ``rank``, ``score`` and the
    proposed ``prize_code``; ``attrs``: ``flags`` (``;FLAG;`` form), ``group_key`` …"""
    run = run or make_results_run(commit=commit)
    entry = entry or make_entry(run.edition, commit=commit)
    if position is None:
        last = db.session.scalar(
            select(func.max(ResultRow.position)).where(ResultRow.run_id == run.id)
        )
        position = 0 if last is None else last + 1
    row = ResultRow(
        run_id=run.id,
        entry_id=entry.id,
        position=position,
        entry_code=entry.code or f"HS{entry.id}",
        field_code=entry.field.code,
        board_code=entry.board.code if entry.board is not None else None,
        group_key=entry.field.code,
        rank=rank,
        score=None if score is None else Decimal(str(score)),
        prize_code=prize_code,
    )
    apply(row, attrs)
    return save(row, commit)


def make_prize_decision(
    entry: Entry | None = None,
    prize_code: str | None = "first",
    reason: str = "Ban Tổ chức thống nhất sau khi xem xét",
    *,
    run: ResultsRun | None = None,
    round_: Round | None = None,
    decided_by=None,
    commit: bool = True,
    **attrs,
) -> PrizeDecision:
    """The organizers' decision ``prize_code`` (None: no prize) about ``entry`` in
    ``round_`` (the run's round, else the last round), written directly."""
    entry = entry or make_entry(commit=commit)
    if round_ is None:
        round_ = run.round if run is not None else entry.edition.rounds[-1]
    row = PrizeDecision(
        edition_id=entry.edition_id,
        round_id=round_.id,
        run_id=getattr(run, "id", None),
        entry_id=entry.id,
        prize_code=prize_code,
        reason=reason,
        decided_by_id=getattr(decided_by, "id", None),
    )
    apply(row, attrs)
    return save(row, commit)
