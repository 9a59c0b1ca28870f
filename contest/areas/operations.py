"""The area tree and its units: queries and changes.

Changes take the acting user, flush but never commit, and are audited. A refused change raises
:class:`AreaError` whose message is shown to the organizer as it is.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, func, select
from sqlalchemy.exc import IntegrityError

from ..accounts.models import User, UserRole
from ..audit.operations import record
from ..errors import UserError
from ..extensions import db
from .models import Area, AreaLevel, Unit, UnitKind

# Reading the tree lives in tree.py; these names are part of this module's interface too.
from .tree import (  # noqa: F401
    AreaNode,
    ChildRow,
    ancestor_ids,
    area_choices,
    area_tree,
    children_with_counts,
    descendant_ids,
    find_area,
    path_of,
    siblings,
    units_under,
)

# The 7 districts of Tuyên Quang before 1 July 2025 (no longer an administrative level): kept
# for :func:`seed_province`, which builds such a hand-made tree (tests, old instances). The
# current map comes from :mod:`.official` (``contest areas seed --province NAME``).
TUYEN_QUANG_DISTRICTS: tuple[str, ...] = (
    "Thành phố Tuyên Quang",
    "Lâm Bình",
    "Na Hang",
    "Chiêm Hóa",
    "Hàm Yên",
    "Yên Sơn",
    "Sơn Dương",
)

# The level a child of each level has (communes have no children). Since 1 July 2025 a
# province's children are communes/wards; a former district may still get a commune.
CHILD_LEVEL: dict[str, str] = {
    AreaLevel.PROVINCE.value: AreaLevel.COMMUNE.value,
    AreaLevel.DISTRICT.value: AreaLevel.COMMUNE.value,
}

LEVEL_LABELS = {
    AreaLevel.PROVINCE.value: _l("Tỉnh, thành phố"),
    AreaLevel.DISTRICT.value: _l("Huyện, thành phố (trước 1/7/2025)"),
    AreaLevel.COMMUNE.value: _l("Xã, phường, đặc khu"),
}

UNIT_KIND_LABELS = {
    UnitKind.SCHOOL.value: _l("Trường học"),
    UnitKind.COMPANY.value: _l("Doanh nghiệp"),
    UnitKind.AGENCY.value: _l("Cơ quan"),
    UnitKind.OTHER.value: _l("Khác"),
}


class AreaError(UserError):
    """A change to the area tree was refused; ``message`` is for the user."""


# --- Seeding ------------------------------------------------------------------------------


def seed_province(
    name: str = "Tỉnh Tuyên Quang", districts: Iterable[str] = TUYEN_QUANG_DISTRICTS
) -> Area:
    """Create the province and the districts named where absent (idempotent); flush, no
    commit. A hand-made tree as it was before 1 July 2025 (tests, old instances); the
    current map is :func:`contest.areas.official.seed_official_province`."""
    province = find_area(name)
    if province is None:
        province = Area(name=name, level=AreaLevel.PROVINCE.value, position=_next_position(None))
        db.session.add(province)
        db.session.flush()
    for position, district_name in enumerate(districts):
        if find_area(district_name, province) is None:
            db.session.add(
                Area(
                    name=district_name,
                    level=AreaLevel.DISTRICT.value,
                    parent_id=province.id,
                    position=position,
                )
            )
    db.session.flush()
    db.session.expire(province, ["children"])
    return province


# --- Changing areas -----------------------------------------------------------------------


def _clean_name(name: str) -> str:
    cleaned = " ".join((name or "").split())
    if not cleaned:
        raise AreaError(_l("Vui lòng nhập tên."))
    return cleaned


def _next_position(parent_id: int | None) -> int:
    return max((a.position for a in siblings(parent_id)), default=-1) + 1


def _check_sibling_name(name: str, parent_id: int | None, exclude_id: int | None = None) -> None:
    for sibling in siblings(parent_id):
        if sibling.id != exclude_id and sibling.name.casefold() == name.casefold():
            raise AreaError(_l("Đã có địa bàn tên “%(name)s” ở cấp này.", name=name))


def create_area(name: str, parent: Area | None, actor: User | None) -> Area:
    """Add a province (``parent`` None) or a child of ``parent`` one level below it."""
    name = _clean_name(name)
    if parent is None:
        level = AreaLevel.PROVINCE.value
    else:
        child_level = CHILD_LEVEL.get(parent.level)
        if child_level is None:
            raise AreaError(_l("Không thể thêm địa bàn dưới cấp xã, phường."))
        level = child_level
    parent_id = parent.id if parent else None
    _check_sibling_name(name, parent_id)
    area = Area(name=name, level=level, parent_id=parent_id, position=_next_position(parent_id))
    db.session.add(area)
    db.session.flush()
    record(actor, "area.create", "area", area.id, name=name, level=level, parent_id=parent_id)
    return area


def rename_area(area: Area, name: str, actor: User | None) -> Area:
    """Give ``area`` a new name (unique among its siblings). Entries of editions that ran
    keep the old name (:mod:`.snapshots`)."""
    name = _clean_name(name)
    if name == area.name:
        return area
    _check_sibling_name(name, area.parent_id, exclude_id=area.id)
    from .snapshots import freeze_entries_under  # entries import areas: import when used

    freeze_entries_under(area.id)
    old = area.name
    area.name = name
    db.session.flush()
    record(actor, "area.rename", "area", area.id, before=old, after=name)
    return area


def move_area(area: Area, offset: int, actor: User | None) -> bool:
    """Move ``area`` ``offset`` places among its siblings (-1 up, +1 down); siblings are
    renumbered 0, 1, 2, … Returns False when it is already at that end."""
    row = siblings(area.parent_id)
    index = next(i for i, a in enumerate(row) if a.id == area.id)
    target = index + offset
    if offset == 0 or not 0 <= target < len(row):
        return False
    row.insert(target, row.pop(index))
    for position, sibling in enumerate(row):
        sibling.position = position
    db.session.flush()
    record(actor, "area.move", "area", area.id, before=index, after=target)
    return True


def area_usage(area: Area) -> dict[str, int]:
    """What still refers to ``area``: children, units, users, coordinator roles."""

    def count(stmt: Select[int]) -> int:
        return db.session.execute(stmt).scalar() or 0

    return {
        "children": count(select(func.count(Area.id)).where(Area.parent_id == area.id)),
        "units": count(select(func.count(Unit.id)).where(Unit.area_id == area.id)),
        "users": count(select(func.count(User.id)).where(User.area_id == area.id)),
        "coordinators": count(select(func.count(UserRole.id)).where(UserRole.area_id == area.id)),
    }


def delete_area(area: Area, actor: User | None) -> None:
    """Delete ``area``; refused while it has children, units or users, or is the area of a
    coordinator (or anything else still refers to it)."""
    usage = area_usage(area)
    if usage["children"]:
        raise AreaError(
            _l(
                "Không thể xoá “%(name)s”: địa bàn còn %(n)d địa bàn trực thuộc.",
                name=area.name,
                n=usage["children"],
            )
        )
    if usage["coordinators"]:
        raise AreaError(
            _l("Không thể xoá “%(name)s”: đây là địa bàn của điều phối viên.", name=area.name)
        )
    if usage["units"]:
        raise AreaError(
            _l(
                "Không thể xoá “%(name)s”: địa bàn còn %(n)d đơn vị.",
                name=area.name,
                n=usage["units"],
            )
        )
    if usage["users"]:
        raise AreaError(
            _l(
                "Không thể xoá “%(name)s”: có %(n)d người dùng thuộc địa bàn này.",
                name=area.name,
                n=usage["users"],
            )
        )
    info = {"name": area.name, "level": area.level, "parent_id": area.parent_id}
    area_id = area.id
    _delete_or_refuse(
        area, _l("Không thể xoá “%(name)s”: địa bàn đang được sử dụng.", name=area.name)
    )
    record(actor, "area.delete", "area", area_id, **info)


def _delete_or_refuse(obj: object, message: Any) -> None:
    """Delete ``obj`` inside a savepoint; a foreign key still pointing at it (from a feature
    added later) turns into :class:`AreaError` instead of a failed transaction."""
    try:
        with db.session.begin_nested():
            db.session.delete(obj)
            db.session.flush()
    except IntegrityError:
        raise AreaError(message) from None


# --- Units --------------------------------------------------------------------------------


def _check_kind(kind: str) -> str:
    if kind not in UNIT_KIND_LABELS:
        raise AreaError(_l("Loại đơn vị không hợp lệ."))
    return kind


def _check_unit_name(name: str, area_id: int, exclude_id: int | None = None) -> None:
    names = db.session.execute(select(Unit.id, Unit.name).where(Unit.area_id == area_id))
    for unit_id, existing in names:
        if unit_id != exclude_id and existing.casefold() == name.casefold():
            raise AreaError(_l("Địa bàn này đã có đơn vị tên “%(name)s”.", name=name))


def create_unit(area: Area, name: str, kind: str, actor: User | None) -> Unit:
    """Add a unit (school, company, agency, other) to ``area``."""
    name = _clean_name(name)
    kind = _check_kind(kind)
    _check_unit_name(name, area.id)
    unit = Unit(area_id=area.id, name=name, kind=kind)
    db.session.add(unit)
    db.session.flush()
    record(actor, "unit.create", "unit", unit.id, name=name, kind=kind, area_id=area.id)
    return unit


def update_unit(unit: Unit, name: str, kind: str, actor: User | None) -> Unit:
    """Rename ``unit`` and/or change its kind; audits the fields that changed."""
    name = _clean_name(name)
    kind = _check_kind(kind)
    changes = {}
    if name != unit.name:
        _check_unit_name(name, unit.area_id, exclude_id=unit.id)
        changes["name"] = [unit.name, name]
        unit.name = name
    if kind != unit.kind:
        changes["kind"] = [unit.kind, kind]
        unit.kind = kind
    if changes:
        db.session.flush()
        record(actor, "unit.update", "unit", unit.id, **changes)
    return unit


def unit_user_count(unit: Unit) -> int:
    """How many users name ``unit`` as theirs."""
    return (
        db.session.execute(select(func.count(User.id)).where(User.unit_id == unit.id)).scalar() or 0
    )


def delete_unit(unit: Unit, actor: User | None) -> None:
    """Delete ``unit``; refused while users (or anything else) refer to it."""
    users = unit_user_count(unit)
    if users:
        raise AreaError(
            _l(
                "Không thể xoá “%(name)s”: có %(n)d người dùng thuộc đơn vị này.",
                name=unit.name,
                n=users,
            )
        )
    info = {"name": unit.name, "kind": unit.kind, "area_id": unit.area_id}
    unit_id = unit.id
    _delete_or_refuse(
        unit, _l("Không thể xoá “%(name)s”: đơn vị đang được sử dụng.", name=unit.name)
    )
    record(actor, "unit.delete", "unit", unit_id, **info)
