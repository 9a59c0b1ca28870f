"""Sheet totals and round membership (RULES.md §5.1, §5.7–5.8), defined once.

**Sheet total** (§5.1) = the sum of the points of one sheet over the criteria that count: the
edition's criteria not retired (:func:`counted_criteria`). A criterion may be retired during judging
(with an override); its old scores stay stored but no longer count anywhere — not in the
compile, the review page, the judging progress, the discrepancy list, the organizer's entry
page, nor a judge's own sheet. Two forms of the one rule, both built on :func:`counted_criteria`:

* :func:`sheet_total` — one sheet in Python (``ScoreSheet.total``);
* :func:`sheet_totals` — the set-based SQL: one row per submitted sheet of a round with its
  points per counted criterion and its total, in **half points** as integers (points are
  multiples of 0.5, so no float and no rounding ever enters). Every reader aggregates this
  subquery (grouped once per sheet, joined by hash), never the scores again.

The entry score (the mean of the sheet totals, §5.2) and the flags are the ranking engine's
(``results.ranking``); nothing else recomputes them.

**Round membership** (§5.7–5.8): the first round takes the edition's accepted entries; a later
round takes the accepted entries the latest run of the round before flagged ADVANCED — read
from that run, never recomputed from the sheets. The run belongs to the results feature, which
sits above judging: it gives its query of a round's advanced entries to
:func:`use_advanced_entries` when the application is created (``create_app``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal

from sqlalchemy import Integer, and_, cast, func, select
from sqlalchemy.sql import ColumnElement, Select, Subquery

from ..contests.models import Criterion, Edition, Round
from ..entries.models import Entry, EntryStatus
from ..extensions import db
from .models import Score, ScoreSheet, SheetStatus

#: ``advanced(round) -> SELECT entry_id …``: the entries the latest run of ``round`` flagged
#: ADVANCED (empty without a run). Given by the results feature (:func:`use_advanced_entries`).
AdvancedEntries = Callable[[Round], Select]
_advanced: list[AdvancedEntries] = []


# --- Sheet totals (§5.1) ----------------------------------------------------------------------


def counted_criteria(edition: Edition) -> list[Criterion]:
    """The criteria whose points count in sheet totals, in edition order: those not retired
    (``Edition.active_criteria``, the ones a new sheet shows)."""
    return edition.active_criteria


def sheet_total(sheet: ScoreSheet) -> Decimal:
    """The total of one sheet (``ScoreSheet``): its points over the criteria that count."""
    counted = {c.id for c in counted_criteria(sheet.edition)}
    return sum((s.points for s in sheet.scores if s.criterion_id in counted), Decimal(0))


def sheet_totals(round_: Round, criterion_ids: Sequence[int] | None = None) -> Subquery:
    """The round's submitted sheets, one row each: ``sheet_id``, ``entry_id``, ``judge_id``,
    ``c0`` … ``c{k-1}`` (points per criterion of ``criterion_ids``, in that order) and
    ``halves`` (the sheet total), all in half points.

    ``criterion_ids`` must be the ids of the criteria that count (:func:`counted_criteria`;
    the compile passes them in its ranking order); None = those of the round's edition.
    A sheet without any counted point has 0 everywhere.
    """
    if criterion_ids is None:
        criterion_ids = [c.id for c in counted_criteria(round_.edition)]
    ids = list(criterion_ids)
    halves = cast(2 * Score.points, Integer)
    per_criterion = [  # integers (not PostgreSQL's bigint/numeric sums) all the way up
        cast(func.coalesce(func.sum(halves).filter(Score.criterion_id == cid), 0), Integer).label(
            f"c{i}"
        )
        for i, cid in enumerate(ids)
    ]
    # the same aggregates as the columns (the database computes each once)
    total = sum((c.element for c in per_criterion[1:]), per_criterion[0].element) if ids else None
    if total is None:
        total = cast(0, Integer)
    return (
        select(
            ScoreSheet.id.label("sheet_id"),
            ScoreSheet.entry_id.label("entry_id"),
            ScoreSheet.judge_id.label("judge_id"),
            *per_criterion,
            total.label("halves"),
        )
        .select_from(ScoreSheet)
        .outerjoin(Score, and_(Score.sheet_id == ScoreSheet.id, Score.criterion_id.in_(ids)))
        .where(ScoreSheet.round_id == round_.id, ScoreSheet.status == SheetStatus.SUBMITTED.value)
        .group_by(ScoreSheet.id, ScoreSheet.entry_id, ScoreSheet.judge_id)
        .subquery("sheet")
    )


def from_halves(halves: int) -> Decimal:
    """A number of half points as exact points (``161`` → ``80.5``)."""
    return Decimal(int(halves)) / 2


# --- Round membership (§5.7–5.8) --------------------------------------------------------------


def use_advanced_entries(query: AdvancedEntries) -> None:
    """Read the entries a round's latest run flagged ADVANCED with ``query`` (see the module
    docstring; called once by ``create_app``, again harmlessly)."""
    _advanced[:] = [query]


def ordered_rounds(edition: Edition) -> list[Round]:
    """The edition's rounds in order (position, then id)."""
    return sorted(edition.rounds, key=lambda r: (r.position, r.id))


def round_before(edition: Edition, round_: Round) -> Round | None:
    """The round before ``round_``, or None for the first round."""
    rounds = ordered_rounds(edition)
    index = next(i for i, r in enumerate(rounds) if r.id == round_.id)
    return rounds[index - 1] if index else None


def member_condition(edition: Edition, round_: Round) -> ColumnElement[bool]:
    """SQL condition on ``Entry`` selecting the entries of ``round_`` (module docstring)."""
    accepted = and_(Entry.edition_id == edition.id, Entry.status == EntryStatus.ACCEPTED.value)
    before = round_before(edition, round_)
    if before is None:
        return accepted
    if not _advanced:
        raise RuntimeError("round membership needs the results feature (create_app wires it)")
    return and_(accepted, Entry.id.in_(_advanced[0](before)))


def round_member_ids(edition: Edition, round_: Round) -> set[int]:
    """Ids of the entries of ``round_`` (one query)."""
    return set(db.session.scalars(select(Entry.id).where(member_condition(edition, round_))))
