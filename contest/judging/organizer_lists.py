"""The long lists of the organizer's judging pages (an edition may have thousands of entries): the
assignment page's entries and the conflicts page's rows, filtered in SQL by field and flag and read
a page at a time, with a number of statements that does not depend on the number of entries.

The round's entries come from :func:`contest.judging.totals.member_condition` (a SQL
condition, never a list of ids sent back to the database).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select

from ..accounts.models import User
from ..contests.models import Edition, Round
from ..entries.models import Entry
from ..extensions import db
from .models import Assignment
from .totals import member_condition

PER_PAGE = 50


@dataclass
class AssignmentList:
    """One page of the assignment page: its entries, their judges, the filters used."""

    pagination: Any
    assigned: dict[int, list[User]]
    field_id: int | None
    lacking: bool
    lacking_total: int

    @property
    def entries(self) -> list[Entry]:
        return list(self.pagination.items)


def _assigned_count(round_: Round):
    return (
        select(func.count(Assignment.id))
        .where(Assignment.round_id == round_.id, Assignment.entry_id == Entry.id)
        .scalar_subquery()
    )


def assignment_list(
    edition: Edition,
    round_: Round,
    *,
    field_id: int | None = None,
    lacking: bool = False,
    page: int = 1,
    per_page: int = PER_PAGE,
) -> AssignmentList:
    """The round's entries (by code) of ``field_id`` (None: every field), only those with
    fewer judges than the edition asks when ``lacking``; one page, with the judges of the
    page's entries. Four statements."""
    members = member_condition(edition, round_)
    short = _assigned_count(round_) < edition.judges_per_entry
    stmt = select(Entry).where(members)
    if field_id is not None:
        stmt = stmt.where(Entry.field_id == field_id)
    if lacking:
        stmt = stmt.where(short)
    pagination = db.paginate(stmt.order_by(Entry.code, Entry.id), page=page, per_page=per_page)
    ids = [e.id for e in pagination.items]
    assigned: dict[int, list[User]] = {}
    if ids:
        for entry_id, user in db.session.execute(
            select(Assignment.entry_id, User)
            .join(User, User.id == Assignment.judge_id)
            .where(Assignment.round_id == round_.id, Assignment.entry_id.in_(ids))
            .order_by(User.full_name, User.id)
        ):
            assigned.setdefault(entry_id, []).append(user)
    lacking_total = db.session.scalar(select(func.count(Entry.id)).where(members, short))
    return AssignmentList(pagination, assigned, field_id, lacking, lacking_total or 0)


@dataclass
class ConflictRow:
    """One conflicted (judge, entry) pair of a panel with one reason."""

    field_code: str
    judge: User
    entry_code: str
    reason: Any


@dataclass
class ConflictList:
    """The conflicts page's rows (every matching one, sorted) and the panels' judges."""

    rows: list[ConflictRow]
    judges: list[User]


def conflict_rows(edition: Edition, round_: Round, *, field_id: int | None = None) -> ConflictList:
    """Declared and inferred conflicts between the round's panel judges and the round's
    entries of their panel's field (``field_id``: that field only), by field, judge, entry.
    A constant number of statements: the entries as plain rows, the panels, the judges and
    :class:`.conflicts.ConflictIndex` (which reads the edition's entries in six queries)."""
    from .conflicts import ConflictIndex
    from .panels import panels_of_round

    panel_judges = panels_of_round(edition, round_)
    every_judge = {j for js in panel_judges.values() for j in js}
    people = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(every_judge)))}
    judges = sorted(people.values(), key=lambda u: u.display_name)
    if field_id is not None:
        panel_judges = {f: js for f, js in panel_judges.items() if f == field_id}
    judge_ids = {j for js in panel_judges.values() for j in js}
    if not judge_ids:
        return ConflictList([], judges)
    stmt = select(Entry.id, Entry.code, Entry.field_id).where(member_condition(edition, round_))
    if field_id is not None:
        stmt = stmt.where(Entry.field_id == field_id)
    entries = {row.id: row for row in db.session.execute(stmt)}
    index = ConflictIndex(edition.id, judge_ids, None)
    field_codes = {f.id: f.code for f in edition.fields}
    rows = []
    for (judge_id, entry_id), reasons in index.reasons.items():
        entry = entries.get(entry_id)
        if entry is None or judge_id not in panel_judges.get(entry.field_id, ()):
            continue
        for reason in reasons:
            rows.append(
                ConflictRow(
                    field_codes.get(entry.field_id, ""), people[judge_id], entry.code or "", reason
                )
            )
    rows.sort(key=lambda r: (r.field_code, r.judge.display_name, r.entry_code))
    return ConflictList(rows, judges)
