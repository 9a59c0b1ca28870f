"""Figures shown on the home pages (a few grouped counts, no per-row queries)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import func, select

from ..accounts.models import ROLE_VALUES, User, UserRole
from ..areas.models import Area, AreaLevel, Unit
from ..areas.provinces import people_of_province
from ..areas.tree import subtree_select
from ..contests.models import Edition
from ..extensions import db


def users_per_role(province_id: int | None = None) -> dict[str, int]:
    """How many active users hold each role (every role listed, zeros included); only the
    people of ``province_id`` when given (an organizer bound to a province)."""
    stmt = (
        select(UserRole.role, func.count(UserRole.id))
        .join(User, User.id == UserRole.user_id)
        .where(User.is_active_account.is_(True))
        .group_by(UserRole.role)
    )
    if province_id is not None:
        stmt = stmt.where(UserRole.user_id.in_(people_of_province(province_id)))
    counts = dict.fromkeys(ROLE_VALUES, 0)
    counts.update(dict(db.session.execute(stmt).all()))
    return counts


def area_counts(province_id: int | None = None) -> dict[str, int]:
    """How many areas of each level there are, and how many units; only inside
    ``province_id`` when given."""
    areas = select(Area.level, func.count(Area.id)).group_by(Area.level)
    units = select(func.count(Unit.id))
    if province_id is not None:
        inside = subtree_select(province_id, "overview_areas")
        areas = areas.where(Area.id.in_(inside))
        units = units.where(Unit.area_id.in_(subtree_select(province_id, "overview_areas")))
    rows = dict(db.session.execute(areas).all())
    counts = {level.value: rows.get(level.value, 0) for level in AreaLevel}
    counts["units"] = db.session.execute(units).scalar() or 0
    return counts


def current_editions(limit: int = 6) -> list[Edition]:
    """The editions not archived, latest deadline first (the home page's seasons)."""
    return list(
        db.session.scalars(
            select(Edition)
            .where(Edition.archived_at.is_(None))
            .order_by(Edition.submission_deadline.desc(), Edition.id.desc())
            .limit(limit)
        )
    )


def judge_sections(groups, now) -> dict[str, list]:
    """The judge's rounds (``RoundGroup``) as ``{"current", "upcoming", "past"}``: rounds
    whose window is open (those with sheets left to submit first, the nearest deadline
    first), rounds whose window opens later (soonest first), and the others (newest first)."""
    current, upcoming, past = [], [], []
    for group in groups:
        starts = group.edition.judging_starts_at
        if group.window_open:
            current.append(group)
        elif starts is not None and starts > now:
            upcoming.append(group)
        else:
            past.append(group)
    far = datetime.max.replace(tzinfo=UTC)
    current.sort(key=lambda g: (g.submitted >= len(g.rows), g.deadline or far))
    upcoming.sort(key=lambda g: g.edition.judging_starts_at)
    past.sort(key=lambda g: g.deadline or far, reverse=True)
    return {"current": current, "upcoming": upcoming, "past": past}
