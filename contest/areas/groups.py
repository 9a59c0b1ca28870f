"""Groups between a province and its communes, for coordinators (RULES §7).

Districts are gone since 1 July 2025; an organizer defines instead the groups that coordinators
work for: a *cluster* of communes/wards (e.g. the former Yên Sơn communes) or a *sector*
(e.g. the education department's schools, as units). A coordinator bound to a group sees the
entries of every member commune (and every area under it) and of every member unit; the
coordinator's role row keeps the group's province as its area, so the pages that start from
the coordinator's area (filters, dashboards) start from the province while
:func:`contest.entries.access.scope_clause` limits every list to the group.

Changes take the acting user, flush but never commit, and are audited; a refusal raises
:class:`~contest.areas.operations.AreaError`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import InstrumentedAttribute

from ..accounts.models import Role, User, UserRole
from ..audit.operations import record
from ..extensions import db
from .models import Area, AreaGroup, AreaGroupArea, AreaGroupUnit, AreaLevel, GroupKind, Unit
from .operations import AreaError, _clean_name
from .tree import ChildRow, descendant_ids, rows_with_counts

KIND_LABELS = {
    GroupKind.CLUSTER.value: _l("Cụm xã, phường"),
    GroupKind.SECTOR.value: _l("Ngành, khối đơn vị"),
}


# --- Scope (used by contest.entries.access) -----------------------------------------------


def group_area_select(group_id: int, name: str = "group_areas") -> Select[int]:
    """``SELECT id`` of the group's member areas and every area under them (one recursive
    CTE)."""
    members = select(AreaGroupArea.area_id.label("id")).where(AreaGroupArea.group_id == group_id)
    tree = members.cte(name, recursive=True)
    tree = tree.union_all(select(Area.id).where(Area.parent_id == tree.c.id))
    return select(tree.c.id)


def group_unit_select(group_id: int) -> Select[int]:
    """``SELECT unit_id`` of the group's member units."""
    return select(AreaGroupUnit.unit_id).where(AreaGroupUnit.group_id == group_id)


# --- Reading ------------------------------------------------------------------------------


def groups_of(province: Area) -> list[AreaGroup]:
    """The groups of ``province`` by name."""
    return list(
        db.session.scalars(
            select(AreaGroup).where(AreaGroup.province_id == province.id).order_by(AreaGroup.name)
        )
    )


def member_counts(group_ids: Iterable[int]) -> dict[int, tuple[int, int, int]]:
    """``{group_id: (communes, units, coordinators)}`` in three queries."""
    ids = list(group_ids)
    if not ids:
        return {}

    def per_group(column: InstrumentedAttribute[int | None], where: Any) -> dict[int | None, int]:
        stmt = select(column, func.count()).where(where, column.in_(ids)).group_by(column)
        return dict(db.session.execute(stmt).all())

    areas = per_group(AreaGroupArea.group_id, True)
    units = per_group(AreaGroupUnit.group_id, True)
    coordinators = per_group(UserRole.group_id, UserRole.role == Role.COORDINATOR.value)
    return {i: (areas.get(i, 0), units.get(i, 0), coordinators.get(i, 0)) for i in ids}


def candidate_areas(province: Area) -> list[Area]:
    """The areas a group of ``province`` may hold: the communes/wards under it (not the
    former districts), in tree order."""
    ids = descendant_ids(province.id) - {province.id}
    if not ids:
        return []
    return list(
        db.session.scalars(
            select(Area)
            .where(Area.id.in_(ids), Area.level == AreaLevel.COMMUNE.value)
            .order_by(Area.position, Area.name)
        )
    )


def candidate_units(province: Area) -> list[Unit]:
    """The units of ``province`` and of every area under it, by name."""
    ids = descendant_ids(province.id)
    return list(
        db.session.scalars(select(Unit).where(Unit.area_id.in_(ids)).order_by(Unit.name, Unit.id))
    )


def coordinators_of(group: AreaGroup) -> list[User]:
    """The accounts coordinating ``group``, by e-mail."""
    return list(
        db.session.scalars(
            select(User)
            .join(UserRole, UserRole.user_id == User.id)
            .where(UserRole.group_id == group.id, UserRole.role == Role.COORDINATOR.value)
            .order_by(User.email)
        )
    )


# --- Changing -----------------------------------------------------------------------------


def _check_kind(kind: str) -> str:
    if kind not in KIND_LABELS:
        raise AreaError(_l("Loại nhóm không hợp lệ."))
    return kind


def _check_name(province: Area, name: str, exclude_id: int | None = None) -> None:
    for group in groups_of(province):
        if group.id != exclude_id and group.name.casefold() == name.casefold():
            raise AreaError(_l("Tỉnh đã có nhóm tên “%(name)s”.", name=name))


def create_group(
    province: Area, name: str, kind: str, actor: User | None, description: str = ""
) -> AreaGroup:
    """Add an empty group to ``province`` (a root of the tree)."""
    if province.parent_id is not None:
        raise AreaError(_l("Nhóm chỉ được lập trong một tỉnh, thành phố."))
    name = _clean_name(name)
    kind = _check_kind(kind)
    _check_name(province, name)
    group = AreaGroup(
        province_id=province.id, name=name, kind=kind, description=(description or "").strip()
    )
    db.session.add(group)
    db.session.flush()
    record(actor, "area_group.create", "area_group", group.id, name=name, kind=kind)
    return group


def update_group(
    group: AreaGroup, name: str, kind: str, description: str, actor: User | None
) -> AreaGroup:
    """Rename ``group``, change its kind or description; audits what changed."""
    name = _clean_name(name)
    kind = _check_kind(kind)
    changes = {}
    if name != group.name:
        _check_name(group.province, name, exclude_id=group.id)
        changes["name"] = [group.name, name]
        group.name = name
    if kind != group.kind:
        changes["kind"] = [group.kind, kind]
        group.kind = kind
    description = (description or "").strip()
    if description != group.description:
        changes["description"] = [group.description, description]
        group.description = description
    if changes:
        db.session.flush()
        record(actor, "area_group.update", "area_group", group.id, **changes)
    return group


def set_members(
    group: AreaGroup, area_ids: Iterable[int], unit_ids: Iterable[int], actor: User | None
) -> tuple[int, int]:
    """Make the group's members exactly ``area_ids`` and ``unit_ids`` (areas and units of its
    province only; anything else is refused). Returns the number of (areas, units)."""
    province = group.province
    wanted_areas = {int(i) for i in area_ids}
    wanted_units = {int(i) for i in unit_ids}
    allowed_areas = {a.id for a in candidate_areas(province)}
    if wanted_areas - allowed_areas:
        raise AreaError(_l("Chỉ chọn được các xã, phường của %(name)s.", name=province.name))
    if wanted_units - {u.id for u in candidate_units(province)}:
        raise AreaError(_l("Chỉ chọn được các đơn vị của %(name)s.", name=province.name))
    had_areas = {a.id for a in group.areas}
    had_units = {u.id for u in group.units}
    if had_areas == wanted_areas and had_units == wanted_units:
        return len(wanted_areas), len(wanted_units)
    db.session.execute(
        AreaGroupArea.__table__.delete().where(
            AreaGroupArea.group_id == group.id, AreaGroupArea.area_id.not_in(wanted_areas)
        )
    )
    db.session.execute(
        AreaGroupUnit.__table__.delete().where(
            AreaGroupUnit.group_id == group.id, AreaGroupUnit.unit_id.not_in(wanted_units)
        )
    )
    db.session.add_all(
        AreaGroupArea(group_id=group.id, area_id=i) for i in sorted(wanted_areas - had_areas)
    )
    db.session.add_all(
        AreaGroupUnit(group_id=group.id, unit_id=i) for i in sorted(wanted_units - had_units)
    )
    db.session.flush()
    db.session.expire(group, ["areas", "units"])
    record(
        actor,
        "area_group.members",
        "area_group",
        group.id,
        areas_added=sorted(wanted_areas - had_areas),
        areas_removed=sorted(had_areas - wanted_areas),
        units_added=sorted(wanted_units - had_units),
        units_removed=sorted(had_units - wanted_units),
    )
    return len(wanted_areas), len(wanted_units)


def delete_group(group: AreaGroup, actor: User | None) -> None:
    """Delete ``group``; refused while a coordinator is bound to it."""
    if coordinators_of(group):
        raise AreaError(
            _l(
                "Không thể xoá “%(name)s”: nhóm còn điều phối viên. Hãy gỡ họ trước.",
                name=group.name,
            )
        )
    info = {"name": group.name, "kind": group.kind, "province_id": group.province_id}
    group_id = group.id
    db.session.delete(group)
    db.session.flush()
    record(actor, "area_group.delete", "area_group", group_id, **info)


def assign_coordinator(group: AreaGroup, user: User, actor: User | None) -> UserRole:
    """Make ``user`` the coordinator of ``group``: a new coordinator role, or the user's
    coordinator role moved from a single area or another group of the same province."""
    role = next((r for r in user.roles if r.role == Role.COORDINATOR.value), None)
    before = None
    if role is None:
        role = UserRole(role=Role.COORDINATOR.value, area_id=group.province_id, group_id=group.id)
        user.roles.append(role)
    else:
        before = {"area_id": role.area_id, "group_id": role.group_id}
        if role.group_id == group.id:
            return role
        role.area_id, role.group_id = group.province_id, group.id
    db.session.flush()
    record(actor, "area_group.coordinator", "user", user.id, group_id=group.id, before=before)
    return role


def remove_coordinator(group: AreaGroup, user: User, actor: User | None) -> None:
    """Take ``user``'s coordinator role for ``group`` away (other roles stay)."""
    role = next(
        (r for r in user.roles if r.role == Role.COORDINATOR.value and r.group_id == group.id),
        None,
    )
    if role is None:
        raise AreaError(_l("%(email)s không điều phối nhóm này.", email=user.email))
    user.roles.remove(role)
    db.session.flush()
    record(actor, "area_group.coordinator_removed", "user", user.id, group_id=group.id)


# --- A group coordinator's home -----------------------------------------------------------


def member_rows(group: AreaGroup) -> list[ChildRow]:
    """The group's communes/wards in display order, with their unit and sub-area counts (as
    the children of an area are listed)."""
    return rows_with_counts(list(group.areas))


def member_units(group: AreaGroup) -> list[Unit]:
    """The group's units and the units of its communes (and under), by area then name."""
    return list(
        db.session.scalars(
            select(Unit)
            .join(Unit.area)
            .where(
                or_(
                    Unit.area_id.in_(group_area_select(group.id, "member_unit_areas")),
                    Unit.id.in_(group_unit_select(group.id)),
                )
            )
            .order_by(Area.name, Unit.name)
        )
    )
