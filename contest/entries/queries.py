"""Reading entries for the pages: filtered, searched, sorted and paginated lists, and the
dashboard counts (area × field, status, field × status, authors by gender and age group,
submissions per day), each one ``GROUP BY`` query.

Every helper takes the viewing user and applies :func:`.access.scope_clause`: a coordinator
never counts or lists an entry outside their area's subtree, whatever the filters say.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, case, exists, func, or_, select
from sqlalchemy.orm import selectinload

from ..areas.models import Area
from ..areas.tree import subtree_select
from ..contests.gates import EntryCounts
from ..contests.models import EditionField
from ..extensions import db
from . import access
from .eligibility import age_on
from .models import Author, Entry, EntryStatus

S = EntryStatus
# The statuses dashboards count by default: entries that reached the organizers and stay.
COUNTED = (S.SUBMITTED.value, S.RECEIVED.value, S.ACCEPTED.value, S.REJECTED.value)


@dataclass
class EntryFilters:
    """What an entry list shows. ``area_id`` includes the areas under it; ``sort`` is a key
    of :data:`SORTS`, ``-`` in front for descending."""

    edition_id: int | None = None
    field_id: int | None = None
    board_id: int | None = None
    area_id: int | None = None
    statuses: tuple[str, ...] = ()
    owner_id: int | None = None
    q: str = ""
    sort: str = "code"


SORTS = {
    "code": lambda: Entry.code,
    "title": lambda: Entry.title,
    "status": lambda: Entry.status,
    "submitted": lambda: Entry.submitted_at,
    "updated": lambda: Entry.updated_at,
    "field": lambda: EditionField.position,
    "area": lambda: Area.name,
}


def _like(q: str) -> str:
    escaped = q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _where(stmt, user, filters: EntryFilters):
    """Add the visibility rule and the filters to ``stmt`` (a select over entries)."""
    stmt = stmt.where(access.scope_clause(user))
    if filters.edition_id is not None:
        stmt = stmt.where(Entry.edition_id == filters.edition_id)
    if filters.field_id is not None:
        stmt = stmt.where(Entry.field_id == filters.field_id)
    if filters.board_id is not None:
        stmt = stmt.where(Entry.board_id == filters.board_id)
    if filters.area_id is not None:
        stmt = stmt.where(Entry.area_id.in_(subtree_select(filters.area_id, "filter_areas")))
    if filters.statuses:
        stmt = stmt.where(Entry.status.in_([str(s) for s in filters.statuses]))
    if filters.owner_id is not None:
        stmt = stmt.where(Entry.owner_id == filters.owner_id)
    q = " ".join((filters.q or "").split())
    if q:
        pattern = _like(q)
        by_author = exists(
            select(Author.id).where(
                Author.entry_id == Entry.id, Author.full_name.ilike(pattern, escape="\\")
            )
        )
        stmt = stmt.where(
            or_(
                Entry.title.ilike(pattern, escape="\\"),
                Entry.code.ilike(pattern, escape="\\"),
                Entry.unit_name.ilike(pattern, escape="\\"),
                by_author,
            )
        )
    return stmt


def entries_select(user, filters: EntryFilters):
    """The ``SELECT`` of the entries ``user`` may see that match ``filters``, sorted, with
    what a list row shows loaded up front (no query per row)."""
    return entries_ordered(user, filters).options(
        selectinload(Entry.authors),
        selectinload(Entry.field),
        selectinload(Entry.board),
        selectinload(Entry.area),
        selectinload(Entry.unit),
    )


def entries_ordered(user, filters: EntryFilters):
    """:func:`entries_select` without loading anything else (set-based exports pick their
    columns with ``with_only_columns``)."""
    stmt = _where(select(Entry), user, filters)
    key = (filters.sort or "code").lstrip("-")
    column = SORTS.get(key, SORTS["code"])()
    if key == "field":
        stmt = stmt.join(EditionField, EditionField.id == Entry.field_id)
    elif key == "area":
        stmt = stmt.outerjoin(Area, Area.id == Entry.area_id)
    descending = (filters.sort or "").startswith("-")
    return stmt.order_by(column.desc() if descending else column.asc(), Entry.id)


def entry_page(user, filters: EntryFilters, page: int = 1, per_page: int = 25):
    """One page of the list (Flask-SQLAlchemy ``Pagination``; out-of-range pages are empty)."""
    return db.paginate(
        entries_select(user, filters), page=max(1, page), per_page=per_page, error_out=False
    )


def entry_list(user, filters: EntryFilters) -> list[Entry]:
    """Every matching entry (exports)."""
    return list(db.session.execute(entries_select(user, filters)).scalars())


# --- Dashboard counts -------------------------------------------------------------------------


def _base(edition_id: int, statuses) -> EntryFilters:
    return EntryFilters(edition_id=edition_id, statuses=tuple(statuses or ()))


def counts_by_status(user, edition_id: int, area_id: int | None = None) -> dict[str, int]:
    """``{status: number of entries}`` (every status, zeros included)."""
    filters = EntryFilters(edition_id=edition_id, area_id=area_id)
    stmt = _where(select(Entry.status, func.count(Entry.id)), user, filters)
    counts = dict(db.session.execute(stmt.group_by(Entry.status)).all())
    return {s.value: counts.get(s.value, 0) for s in EntryStatus}


def counts_by_field_and_status(
    user, edition_id: int, area_id: int | None = None
) -> dict[tuple[int, str], int]:
    """``{(field_id, status): n}`` — the coordinator's dashboard."""
    filters = EntryFilters(edition_id=edition_id, area_id=area_id)
    stmt = _where(select(Entry.field_id, Entry.status, func.count(Entry.id)), user, filters)
    rows = db.session.execute(stmt.group_by(Entry.field_id, Entry.status))
    return {(field_id, status): n for field_id, status, n in rows}


def counts_by_area_and_field(
    user, edition_id: int, parent_area_id: int | None = None, statuses=COUNTED
) -> dict[tuple[int | None, int], int]:
    """``{(area_id, field_id): n}`` where ``area_id`` is the child of ``parent_area_id`` (a
    root area when None) that the entry's area lies under — a commune's entries count for
    its district. Entries of ``parent_area_id`` itself count under it; entries elsewhere or
    without a known area under None."""
    if parent_area_id is None:
        anchor = select(Area.id.label("group_id"), Area.id.label("id")).where(
            Area.parent_id.is_(None)
        )
    else:
        anchor = select(Area.id.label("group_id"), Area.id.label("id")).where(
            Area.parent_id == parent_area_id
        )
    groups = anchor.cte("area_groups", recursive=True)
    groups = groups.union_all(
        select(groups.c.group_id, Area.id).where(Area.parent_id == groups.c.id)
    )
    key: ColumnElement[Any]
    if parent_area_id is None:
        key = groups.c.group_id
    else:
        key = func.coalesce(
            groups.c.group_id, case((Entry.area_id == parent_area_id, parent_area_id))
        )
    inner = _where(
        select(key.label("grp"), Entry.field_id.label("field_id")).outerjoin(
            groups, groups.c.id == Entry.area_id
        ),
        user,
        _base(edition_id, statuses),
    ).subquery()
    rows = db.session.execute(
        select(inner.c.grp, inner.c.field_id, func.count()).group_by(inner.c.grp, inner.c.field_id)
    )
    return {(grp, field_id): n for grp, field_id, n in rows}


def submissions_per_day(user, edition_id: int) -> list[tuple[date, int]]:
    """``[(local date, entries first submitted that day)]`` in date order (entries still
    submitted or further along; drafts never count)."""
    if db.session.get_bind().dialect.name == "postgresql":
        day = func.date(func.timezone("Asia/Ho_Chi_Minh", Entry.submitted_at))
    else:  # SQLite stores UTC text; Vietnam is UTC+7 all year (no daylight saving)
        day = func.date(Entry.submitted_at, "+7 hours")
    inner = _where(
        select(day.label("day")).where(Entry.submitted_at.is_not(None)),
        user,
        _base(edition_id, COUNTED),
    ).subquery()
    rows = db.session.execute(
        select(inner.c.day, func.count()).group_by(inner.c.day).order_by(inner.c.day)
    )
    return [(d if isinstance(d, date) else date.fromisoformat(d), n) for d, n in rows]


YOUTH_AGE_GROUPS = (
    (0, 10, _l("Tiểu học (đến 10 tuổi)")),
    (11, 14, _l("THCS (11–14 tuổi)")),
    (15, 200, _l("THPT (từ 15 tuổi)")),
)
ADULT_AGE_GROUPS = ((0, 29, _l("Dưới 30 tuổi")), (30, 39, _l("30–39 tuổi")),
                    (40, 49, _l("40–49 tuổi")), (50, 59, _l("50–59 tuổi")),
                    (60, 200, _l("Từ 60 tuổi")))  # fmt: skip
UNKNOWN_AGE = _l("Không rõ ngày sinh")


@dataclass
class AuthorStats:
    """Authors counted by gender (``M``, ``F``, ``""``) and age group at the reference date."""

    groups: list[str]
    counts: Counter = field(default_factory=Counter)  # (gender, group) → n

    def total(self, gender: str | None = None, group: str | None = None) -> int:
        """The number of authors of ``gender`` and/or ``group`` (None: any)."""
        return sum(
            n
            for (g, a), n in self.counts.items()
            if (gender is None or g == gender) and (group is None or a == group)
        )


def authors_by_gender_and_age(user, edition, statuses=COUNTED) -> AuthorStats:
    """The authors of the counted entries by gender and age group (school levels for youth
    editions, decades otherwise); one ``GROUP BY`` query on (gender, date of birth)."""
    table = YOUTH_AGE_GROUPS if edition.kind == "youth" else ADULT_AGE_GROUPS
    stmt = _where(
        select(Author.gender, Author.date_of_birth, func.count(Author.id)).join(
            Entry, Entry.id == Author.entry_id
        ),
        user,
        _base(edition.id, statuses),
    ).group_by(Author.gender, Author.date_of_birth)
    stats = AuthorStats(groups=[str(label) for _lo, _hi, label in table] + [str(UNKNOWN_AGE)])
    for gender, dob, n in db.session.execute(stmt):
        if dob is None:
            group = str(UNKNOWN_AGE)
        else:
            age = age_on(dob, edition.reference_date)
            group = next(
                (str(label) for lo, hi, label in table if lo <= age <= hi), stats.groups[-2]
            )
        stats.counts[(gender, group)] += n
    return stats


def gate_counts(edition):
    """The counts the edition's date gates state (:mod:`contest.contests.gates`): drafts,
    entries submitted but not received, entries received but not decided. Every entry of the
    edition (organizer's view), one ``GROUP BY`` query."""
    rows = db.session.execute(
        select(Entry.status, func.count())
        .where(
            Entry.edition_id == edition.id,
            Entry.status.in_([S.DRAFT.value, S.SUBMITTED.value, S.RECEIVED.value]),
        )
        .group_by(Entry.status)
    )
    counts = {status: n for status, n in rows}
    return EntryCounts(
        drafts=counts.get(S.DRAFT.value, 0),
        submitted=counts.get(S.SUBMITTED.value, 0),
        received=counts.get(S.RECEIVED.value, 0),
    )
