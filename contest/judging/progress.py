"""The organizer's view of judging progress: who has judged what, and where judges disagree.

* :func:`progress_by_panel` — per panel (field) and judge: sheets due (assignments), drafted
  and submitted, counted by one GROUP BY query over the round's assignments; panel members
  without assignments are listed with zeros.
* :func:`discrepancies` — entries whose submitted sheet totals differ by more than the
  edition's ``discrepancy_threshold`` (max − min > threshold), with each judge's total (one
  GROUP BY query over the scores).
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import and_, case, func, select

from ..accounts.models import User
from ..contests.models import Edition, EditionField, Round
from ..entries.models import Entry
from ..extensions import db
from . import totals
from .models import Assignment, Panel, PanelMember, PanelScore, ScoreSheet, SheetStatus


@dataclass
class JudgeProgress:
    """One judge's counts in one panel."""

    judge_id: int
    name: str
    email: str
    due: int = 0
    drafted: int = 0
    submitted: int = 0

    @property
    def not_started(self) -> int:
        """Assigned entries without any sheet yet."""
        return max(self.due - self.drafted - self.submitted, 0)

    @property
    def outstanding(self) -> int:
        """Sheets still to submit."""
        return max(self.due - self.submitted, 0)


@dataclass
class PanelProgress:
    """A panel (field) of the round and its judges' counts."""

    field: EditionField
    panel: Panel | None
    # (``dataclasses.field``: the attribute ``field`` above hides the name.)
    judges: list[JudgeProgress] = dataclasses.field(default_factory=list)

    @property
    def due(self) -> int:
        """Sheets due in the panel."""
        return sum(j.due for j in self.judges)

    @property
    def drafted(self) -> int:
        """Draft sheets in the panel."""
        return sum(j.drafted for j in self.judges)

    @property
    def submitted(self) -> int:
        """Submitted sheets in the panel."""
        return sum(j.submitted for j in self.judges)


def _counts(edition: Edition, round_: Round) -> dict[tuple[int, int], tuple[int, int, int]]:
    """``{(field id, judge id): (due, drafted, submitted)}`` for the round (one query)."""
    drafted = func.sum(case((ScoreSheet.status == SheetStatus.DRAFT.value, 1), else_=0))
    submitted = func.sum(case((ScoreSheet.status == SheetStatus.SUBMITTED.value, 1), else_=0))
    rows = db.session.execute(
        select(Entry.field_id, Assignment.judge_id, func.count(Assignment.id), drafted, submitted)
        .join(Entry, Entry.id == Assignment.entry_id)
        .outerjoin(
            ScoreSheet,
            and_(
                ScoreSheet.round_id == Assignment.round_id,
                ScoreSheet.entry_id == Assignment.entry_id,
                ScoreSheet.judge_id == Assignment.judge_id,
            ),
        )
        .where(Assignment.edition_id == edition.id, Assignment.round_id == round_.id)
        .group_by(Entry.field_id, Assignment.judge_id)
    )
    return {(f, j): (int(n), int(d or 0), int(s or 0)) for f, j, n, d, s in rows}


def progress_by_panel(edition: Edition, round_: Round) -> list[PanelProgress]:
    """Every field of the edition with its panel (if any) and each judge's counts."""
    counts = _counts(edition, round_)
    panels = {
        p.field_id: p
        for p in db.session.scalars(
            select(Panel).where(Panel.edition_id == edition.id, Panel.round_id == round_.id)
        )
    }
    members = db.session.execute(
        select(Panel.field_id, PanelMember.judge_id)
        .join(PanelMember, PanelMember.panel_id == Panel.id)
        .where(Panel.edition_id == edition.id, Panel.round_id == round_.id)
    ).all()
    judge_ids = {j for _f, j in counts} | {j for _f, j in members}
    people = {
        u.id: u
        for u in (
            db.session.scalars(select(User).where(User.id.in_(judge_ids))) if judge_ids else []
        )
    }
    by_field: dict[int, set[int]] = defaultdict(set)
    for field_id, judge_id in [*counts, *members]:
        by_field[field_id].add(judge_id)
    out = []
    for field_ in edition.fields:
        item = PanelProgress(field_, panels.get(field_.id))
        for judge_id in sorted(by_field.get(field_.id, ()), key=lambda j: people[j].display_name):
            due, drafted, submitted = counts.get((field_.id, judge_id), (0, 0, 0))
            person = people[judge_id]
            item.judges.append(
                JudgeProgress(judge_id, person.display_name, person.email, due, drafted, submitted)
            )
        out.append(item)
    return out


@dataclass
class SheetTotal:
    """A judge's submitted total for an entry."""

    sheet_id: int
    judge_name: str
    total: Decimal


@dataclass
class Discrepancy:
    """An entry whose submitted totals spread more than the threshold."""

    entry_id: int
    entry_code: str
    field_code: str
    totals: list[SheetTotal]
    panel_score: Decimal | None

    @property
    def spread(self) -> Decimal:
        """Highest total minus lowest total."""
        values = [t.total for t in self.totals]
        return max(values) - min(values)


def discrepancies(edition: Edition, round_: Round) -> list[Discrepancy]:
    """Entries of ``round_`` whose submitted totals differ by more than the edition's
    threshold (max − min > threshold), by entry code. The totals are ``totals.sheet_totals``
    (the criteria that count), read in one query."""
    sheet = totals.sheet_totals(round_)
    rows = db.session.execute(
        select(
            sheet.c.sheet_id,
            sheet.c.entry_id,
            Entry.code,
            EditionField.code,
            User.full_name,
            User.email,
            sheet.c.halves,
        )
        .join(Entry, Entry.id == sheet.c.entry_id)
        .join(EditionField, EditionField.id == Entry.field_id)
        .join(User, User.id == sheet.c.judge_id)
    ).all()
    by_entry: dict[int, list] = defaultdict(list)
    for row in rows:
        by_entry[row[1]].append(row)
    panel_scores = dict(
        db.session.execute(
            select(PanelScore.entry_id, PanelScore.score).where(PanelScore.round_id == round_.id)
        ).all()
    )
    threshold = Decimal(edition.discrepancy_threshold)
    out = []
    for entry_id, sheets in by_entry.items():
        sheet_totals = [
            SheetTotal(sheet_id, name or email, totals.from_halves(halves))
            for sheet_id, _e, _c, _f, name, email, halves in sorted(sheets, key=lambda r: r[0])
        ]
        if len(sheet_totals) < 2:
            continue
        item = Discrepancy(
            entry_id, sheets[0][2] or "", sheets[0][3], sheet_totals, panel_scores.get(entry_id)
        )
        if item.spread > threshold:
            out.append(item)
    return sorted(out, key=lambda d: d.entry_code)
