"""Areas (province, district, commune), units and the groups coordinators are bound to."""

from __future__ import annotations

from contest.areas.models import (
    Area,
    AreaGroup,
    AreaGroupArea,
    AreaGroupUnit,
    AreaLevel,
    GroupKind,
    Unit,
    UnitKind,
)

from .base import apply, done, save, seq


def make_area(
    name: str = "Tuyên Quang",
    level: str = AreaLevel.PROVINCE,
    parent: Area | None = None,
    *,
    commit: bool = True,
    **attrs,
) -> Area:
    """An area (a province by default); ``attrs``: ``code``, ``position``."""
    area = Area(name=name, level=str(level), parent=parent)
    apply(area, attrs)
    return save(area, commit)


def make_unit(
    name: str | None = None,
    area: Area | None = None,
    kind: str = UnitKind.SCHOOL,
    *,
    commit: bool = True,
) -> Unit:
    """A unit (a school by default) in ``area`` (a new district when absent)."""
    n = seq()
    area = area or make_area(f"Huyện thử {n}", AreaLevel.DISTRICT, commit=commit)
    return save(Unit(name=name or f"Trường THCS Thử {n}", area=area, kind=str(kind)), commit)


def make_area_group(
    province: Area | None = None,
    name: str | None = None,
    kind: str = GroupKind.CLUSTER,
    *,
    areas=(),
    units=(),
    actor=None,
    description: str = "",
    commit: bool = True,
) -> AreaGroup:
    """A group of ``province`` (a new province when absent) through
    :func:`contest.areas.groups.create_group`, with ``areas`` and ``units`` as members
    (:func:`~contest.areas.groups.set_members`: they must lie in the province)."""
    from contest.areas import groups

    province = province or make_area(f"Tỉnh thử {seq()}", AreaLevel.PROVINCE, commit=commit)
    group = groups.create_group(
        province, name or f"Cụm thi đua {seq()}", str(kind), actor, description
    )
    if areas or units:
        groups.set_members(group, [a.id for a in areas], [u.id for u in units], actor)
    done(commit)
    return group


def make_area_group_area(
    group: AreaGroup | None = None, area: Area | None = None, *, commit: bool = True
) -> AreaGroupArea:
    """``area`` (a new commune of the group's province when absent) as a member of
    ``group``."""
    group = group or make_area_group(commit=commit)
    area = area or make_area(
        f"Xã thử {seq()}", AreaLevel.COMMUNE, parent=group.province, commit=commit
    )
    return save(AreaGroupArea(group_id=group.id, area_id=area.id), commit)


def make_area_group_unit(
    group: AreaGroup | None = None, unit: Unit | None = None, *, commit: bool = True
) -> AreaGroupUnit:
    """``unit`` (a new school of the group's province when absent) as a member of
    ``group``."""
    group = group or make_area_group(commit=commit)
    unit = unit or make_unit(area=group.province, commit=commit)
    return save(AreaGroupUnit(group_id=group.id, unit_id=unit.id), commit)
