"""The province a user is bound to (several provinces on one instance).

A user is bound through a role row: an organizer's or a judge's row naming the province, a
coordinator's row naming an area inside it. Admins, and organizers whose row names no
province, are instance-wide (the national body). What a binding lets a user reach is decided
in :mod:`contest.contests.tenancy` (editions) and by each feature's own scope.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..extensions import db
from .models import Area, AreaLevel

if TYPE_CHECKING:
    from sqlalchemy import ColumnElement, Select

    from ..audit.actor import Actor

ADMIN, ORGANIZER, COORDINATOR, JUDGE = "admin", "organizer", "coordinator", "judge"


@dataclass(frozen=True)
class Binding:
    """The province a user is bound to; ``strict``: only its editions (organizers), else its
    editions and the instance-wide ones (coordinators, judges)."""

    province_id: int
    strict: bool


def province_of(area_id: int | None) -> int | None:
    """The province above ``area_id`` (or itself): its root area, if that is a province."""
    from .tree import ancestor_ids

    if not area_id:
        return None
    root = db.session.get(Area, ([area_id, *ancestor_ids(area_id)])[-1])
    if root is None or root.level != AreaLevel.PROVINCE.value:
        return None
    return root.id


def binding_of(user: Actor | None) -> Binding | None:
    """The province ``user`` is bound to, or None when nothing restricts them."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    rows = list(user.roles)
    names = {r.role for r in rows}
    if ADMIN in names:
        return None
    organizer = next((r for r in rows if r.role == ORGANIZER), None)
    if organizer is not None:
        return Binding(organizer.area_id, True) if organizer.area_id else None
    for role in (COORDINATOR, JUDGE):
        row = next((r for r in rows if r.role == role and r.area_id), None)
        if row is not None:
            province = province_of(row.area_id)
            if province is not None:
                return Binding(province, False)
    return None


def user_province_id(user: Actor | None) -> int | None:
    """The province of a bound user (None: instance-wide or not staff)."""
    binding = binding_of(user)
    return binding.province_id if binding else None


def reaches_area(user: Actor | None, area_id: int | None) -> bool:
    """True when ``user`` may manage ``area_id``: anyone instance-wide, an organizer bound to
    a province only the areas inside it."""
    binding = binding_of(user)
    if binding is None:
        return True
    return area_id is not None and province_of(area_id) == binding.province_id


def people_of_province(province_id: int) -> Select[int]:
    """``SELECT user_id`` of everyone whose role row names ``province_id`` or an area under
    it (its organizers, judges and coordinators)."""
    from sqlalchemy import select

    from ..accounts.models import UserRole
    from .tree import subtree_select

    inside = subtree_select(province_id, "province_areas")
    return select(UserRole.user_id).where(UserRole.area_id.in_(inside))


def judge_of_province(user: Actor, province_id: int | None) -> bool:
    """True when ``user`` may judge in an edition of ``province_id``: a judge bound to that
    province, or one bound to none (instance-wide)."""
    rows = [r for r in user.roles if r.role == JUDGE]
    return any(r.area_id is None or province_id is None or r.area_id == province_id for r in rows)


def judge_pool_clause(province_id: int | None) -> ColumnElement[bool]:
    """The condition on a judge's :class:`UserRole` row for an edition of ``province_id``."""
    from sqlalchemy import or_, true

    from ..accounts.models import UserRole

    if province_id is None:
        return true()
    return or_(UserRole.area_id.is_(None), UserRole.area_id == province_id)


def instance_provinces() -> list[Area]:
    """The provinces on the instance (roots of level province), in display order."""
    from sqlalchemy import select

    return list(
        db.session.scalars(
            select(Area)
            .where(Area.level == AreaLevel.PROVINCE.value, Area.parent_id.is_(None))
            .order_by(Area.position, Area.name, Area.id)
        )
    )
