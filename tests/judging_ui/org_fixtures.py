"""Helpers of the organizer's judging page tests."""

from __future__ import annotations

from decimal import Decimal

from contest.extensions import db
from contest.judging.models import Assignment, Score, ScoreSheet
from tests.judging.conftest import DURING


def submit_sheet(edition, round_, entry, judge, points, status="submitted") -> ScoreSheet:
    """Assign ``judge`` to ``entry`` and store a sheet with ``points`` (novelty,
    applicability, effect)."""
    db.session.add(
        Assignment(edition_id=edition.id, round_id=round_.id, entry_id=entry.id, judge_id=judge.id)
    )
    criteria = edition.active_criteria
    sheet = ScoreSheet(
        edition_id=edition.id,
        round_id=round_.id,
        entry_id=entry.id,
        judge_id=judge.id,
        status=status,
        submitted_at=DURING if status == "submitted" else None,
        scores=[
            Score(criterion_id=c.id, points=Decimal(str(p)))
            for c, p in zip(criteria, points, strict=False)
        ],
    )
    db.session.add(sheet)
    db.session.commit()
    return sheet
