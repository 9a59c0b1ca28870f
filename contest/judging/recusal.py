"""A conflict of interest removes the assignment (RULES.md §4): whenever a (judge, entry) pair
of an assignment becomes conflicted — a conflict declared by the judge or recorded by an
organizer, or one the service now infers because the judge's unit or name changed or the
entry's authors, unit, area or mentor changed — the pair's assignment goes in the same
transaction:

* the judge's draft sheet for the pair is deleted;
* a submitted sheet is kept (the default: it still counts in the entry's score, as every
  submitted sheet of the round does) or voided, by the organizer's choice. There is no
  "voided" sheet status: a voided sheet is deleted, its points kept in the audit entry (as
  when a judge leaves a panel), so every reader of sheets (progress, discrepancies, exports,
  the compile) simply no longer sees it;
* each removed pair is audited (``judging.unassign_conflict``).

The entry then lacks a judge: the automatic assignment counts only the assignments that
remain, so it reports the entry (or gives it another judge of the panel).

:func:`drop_conflicted_assignments_for` is set-based: one query for the assignments in
question, one :class:`.conflicts.ConflictIndex`, one query for their sheets.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Row, delete, select
from sqlalchemy.orm import selectinload

from ..accounts.models import User
from ..audit.operations import record
from ..contests.models import Round
from ..entries.models import Entry
from ..extensions import db
from .conflicts import ConflictIndex
from .models import Assignment, Score, ScoreSheet, SheetStatus

MAX_LISTED = 2000  # more entries than this: one pass over the whole edition instead of a list


@dataclass
class DropResult:
    """What :func:`drop_conflicted_assignments_for` removed: ``pairs`` as (round id, entry id,
    judge id)."""

    pairs: list[tuple[int, int, int]] = field(default_factory=list)
    drafts_deleted: int = 0
    submitted_kept: int = 0
    submitted_voided: int = 0

    def __iadd__(self, other: DropResult) -> DropResult:
        self.pairs += other.pairs
        self.drafts_deleted += other.drafts_deleted
        self.submitted_kept += other.submitted_kept
        self.submitted_voided += other.submitted_voided
        return self


def drop_conflicted_assignments_for(
    edition_id: int,
    actor: User | None,
    *,
    judge_ids: Iterable[int] | None = None,
    entry_ids: Iterable[int] | None = None,
    round_id: int | None = None,
    void_submitted: bool = False,
    index: ConflictIndex | None = None,
) -> DropResult:
    """Remove the conflicted assignments of edition ``edition_id`` among ``judge_ids`` and
    ``entry_ids`` (None: all) and, when given, of round ``round_id`` — drafts deleted,
    submitted sheets kept unless ``void_submitted`` (module docstring). ``index``: the
    conflicts already loaded by the caller (covering the judges and entries concerned).
    Audited; flushes."""
    query = select(Assignment.id, Assignment.round_id, Assignment.entry_id, Assignment.judge_id)
    query = query.where(Assignment.edition_id == edition_id)
    if judge_ids is not None:
        judge_ids = set(judge_ids)
        if not judge_ids:
            return DropResult()
        query = query.where(Assignment.judge_id.in_(judge_ids))
    if entry_ids is not None:
        entry_ids = set(entry_ids)
        if not entry_ids:
            return DropResult()
        query = query.where(Assignment.entry_id.in_(entry_ids))
    if round_id is not None:
        query = query.where(Assignment.round_id == round_id)
    rows = db.session.execute(query).all()
    if not rows:
        return DropResult()
    if index is None:
        index = ConflictIndex(
            edition_id,
            {r.judge_id for r in rows},
            None if entry_ids is None else {r.entry_id for r in rows},
        )
    bad = [r for r in rows if index.of(r.judge_id, r.entry_id)]
    if not bad:
        return DropResult()
    return _drop(edition_id, bad, index, actor, void_submitted)


def _drop(
    edition_id: int,
    bad: list[Row[int, int, int, int]],
    index: ConflictIndex,
    actor: User | None,
    void_submitted: bool,
) -> DropResult:
    """Remove the assignments ``bad`` (rows of id, round, entry, judge) and their sheets."""
    sheets = db.session.scalars(
        select(ScoreSheet)
        .where(
            ScoreSheet.edition_id == edition_id,
            ScoreSheet.judge_id.in_({r.judge_id for r in bad}),
            ScoreSheet.entry_id.in_({r.entry_id for r in bad}),
        )
        .options(selectinload(ScoreSheet.scores).selectinload(Score.criterion))
    ).all()
    by_key = {(s.round_id, s.entry_id, s.judge_id): s for s in sheets}
    people = dict(
        db.session.execute(
            select(User.id, User.email).where(User.id.in_({r.judge_id for r in bad}))
        ).all()
    )
    codes = dict(
        db.session.execute(
            select(Entry.id, Entry.code).where(Entry.id.in_({r.entry_id for r in bad}))
        ).all()
    )
    rounds = dict(
        db.session.execute(
            select(Round.id, Round.code).where(Round.id.in_({r.round_id for r in bad}))
        ).all()
    )
    result = DropResult()
    for row in sorted(bad, key=lambda r: (r.round_id, r.entry_id, r.judge_id)):
        sheet = by_key.get((row.round_id, row.entry_id, row.judge_id))
        details: dict[str, Any] = {
            "judge": people.get(row.judge_id),
            "round": rounds.get(row.round_id),
            "code": codes.get(row.entry_id),
            "reasons": [
                {"kind": r.kind.value, "inferred": r.inferred}
                for r in index.of(row.judge_id, row.entry_id)
            ],
        }
        if sheet is not None and sheet.status == SheetStatus.SUBMITTED.value:
            if void_submitted:
                details["submitted_sheet"] = "voided"
                details["voided_points"] = {s.criterion.code: str(s.points) for s in sheet.scores}
                details["voided_comment"] = sheet.comment
                db.session.delete(sheet)
                result.submitted_voided += 1
            else:
                details["submitted_sheet"] = "kept"
                result.submitted_kept += 1
        elif sheet is not None:
            details["draft_deleted"] = True
            db.session.delete(sheet)
            result.drafts_deleted += 1
        record(actor, "judging.unassign_conflict", "entry", row.entry_id, **details)
        result.pairs.append((row.round_id, row.entry_id, row.judge_id))
    db.session.flush()
    db.session.execute(delete(Assignment).where(Assignment.id.in_([r.id for r in bad])))
    db.session.flush()
    return result


# --- After a change that may create inferred conflicts -----------------------------------------


def after_judge_changed(judge: User, actor: User | None) -> DropResult:
    """``judge``'s unit, name or e-mail changed (their profile, an organizer): drop their
    assignments that are now conflicted, in every edition where they have any."""
    edition_ids = db.session.scalars(
        select(Assignment.edition_id).where(Assignment.judge_id == judge.id).distinct()
    ).all()
    result = DropResult()
    for edition_id in sorted(edition_ids):
        result += drop_conflicted_assignments_for(edition_id, actor, judge_ids=[judge.id])
    return result


def after_entries_changed(entries: Iterable[Entry], actor: User | None) -> DropResult:
    """The authors, unit, area or mentor of ``entries`` changed: drop their assignments that
    are now conflicted."""
    by_edition: dict[int, set[int]] = {}
    for entry in entries:
        if entry.id is not None:
            by_edition.setdefault(entry.edition_id, set()).add(entry.id)
    result = DropResult()
    for edition_id, ids in sorted(by_edition.items()):
        wanted = ids if len(ids) <= MAX_LISTED else None  # many: check the whole edition
        result += drop_conflicted_assignments_for(edition_id, actor, entry_ids=wanted)
    return result
