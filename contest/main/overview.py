"""Figures shown on the home pages (a few grouped counts, no per-row queries)."""

from __future__ import annotations

from sqlalchemy import func, select

from ..accounts.models import ROLE_VALUES, User, UserRole
from ..areas.models import Area, AreaLevel, Unit
from ..extensions import db


def users_per_role() -> dict[str, int]:
    """How many active users hold each role (every role listed, zeros included)."""
    rows = db.session.execute(
        select(UserRole.role, func.count(UserRole.id))
        .join(User, User.id == UserRole.user_id)
        .where(User.is_active_account.is_(True))
        .group_by(UserRole.role)
    ).all()
    counts = dict.fromkeys(ROLE_VALUES, 0)
    counts.update(dict(rows))
    return counts


def area_counts() -> dict[str, int]:
    """How many areas of each level there are, and how many units."""
    rows = dict(
        db.session.execute(select(Area.level, func.count(Area.id)).group_by(Area.level)).all()
    )
    counts = {level.value: rows.get(level.value, 0) for level in AreaLevel}
    counts["units"] = db.session.execute(select(func.count(Unit.id))).scalar() or 0
    return counts
