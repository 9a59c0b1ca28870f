"""An entry's load in judging (its assignments and score sheets): what the intake gate tells
an organizer before reclassifying or rejecting the entry once judging has started
(:mod:`contest.entries.judging_gate`, which this registers with in ``create_app``)."""

from __future__ import annotations

from sqlalchemy import func, select

from ..entries.judging_gate import JudgingLoad
from ..entries.models import Entry
from ..extensions import db
from .models import Assignment, ScoreSheet, SheetStatus


def entry_load(entry: Entry) -> JudgingLoad:
    """The entry's assignments, submitted sheets and draft sheets (every round)."""
    assignments = db.session.scalar(
        select(func.count()).select_from(Assignment).where(Assignment.entry_id == entry.id)
    )
    sheets = dict(
        db.session.execute(
            select(ScoreSheet.status, func.count())
            .where(ScoreSheet.entry_id == entry.id)
            .group_by(ScoreSheet.status)
        ).all()
    )
    return JudgingLoad(
        assignments=assignments or 0,
        submitted_sheets=sheets.get(SheetStatus.SUBMITTED.value, 0),
        draft_sheets=sheets.get(SheetStatus.DRAFT.value, 0),
    )
