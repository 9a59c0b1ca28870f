"""Administering the provinces of an instance (several provinces on one instance).

An administrator lists the provinces (root areas of level province) with their official code,
communes/wards, organizers and editions; adds one of the 34 official provinces with its
communes/wards (the code path of ``contest areas seed --province``); and binds an existing
account as organizer of a province, or takes that role away. The command line finds the
province a person typed (:func:`instance_province`) for ``contest user create --province``
and ``contest edition create --province``.

Functions flush, never commit, and raise :class:`~contest.areas.operations.AreaError` when
refused. Everything that changes something is audited.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from ..accounts.models import Role, User, UserRole
from ..audit.operations import record
from ..extensions import db
from .models import Area, AreaLevel
from .official import (
    OfficialProvince,
    SeedResult,
    UnknownProvince,
    find_province,
    normalise,
    official_provinces,
    seed_official_province,
)
from .operations import AreaError
from .provinces import instance_provinces


@dataclass(frozen=True)
class ProvinceRow:
    """One province of the instance as the administrators' page lists it."""

    area: Area
    communes: int
    organizers: list[User]
    editions: int


def organizers_of(province_id: int) -> list[User]:
    """The accounts whose organizer role names ``province_id``, by e-mail."""
    return list(
        db.session.scalars(
            select(User)
            .join(UserRole, UserRole.user_id == User.id)
            .where(UserRole.role == Role.ORGANIZER.value, UserRole.area_id == province_id)
            .order_by(User.email)
        )
    )


def instance_wide_organizers() -> list[User]:
    """Organizers bound to no province (the national body; they reach every province)."""
    return list(
        db.session.scalars(
            select(User)
            .join(UserRole, UserRole.user_id == User.id)
            .where(UserRole.role == Role.ORGANIZER.value, UserRole.area_id.is_(None))
            .order_by(User.email)
        )
    )


def province_rows() -> list[ProvinceRow]:
    """Every province with its number of communes/wards (the areas of level commune directly
    under it: the 2025 map), its organizers and its number of editions."""
    from ..contests.models import Edition
    from ..contests.tenancy import ALL_PROVINCES

    provinces = instance_provinces()
    ids = [p.id for p in provinces]
    communes = dict(
        db.session.execute(
            select(Area.parent_id, func.count(Area.id))
            .where(Area.parent_id.in_(ids), Area.level == AreaLevel.COMMUNE.value)
            .group_by(Area.parent_id)
        ).all()
    )
    editions = dict(
        db.session.execute(
            select(Edition.province_id, func.count(Edition.id))
            .where(Edition.province_id.in_(ids))
            .group_by(Edition.province_id)
            .execution_options(**{ALL_PROVINCES: True})
        ).all()
    )
    return [
        ProvinceRow(p, communes.get(p.id, 0), organizers_of(p.id), editions.get(p.id, 0))
        for p in provinces
    ]


def missing_official_provinces() -> list[OfficialProvince]:
    """The official provinces not on the instance yet (by code, or by name for a province
    made by hand), in code order."""
    present = instance_provinces()
    codes = {p.code for p in present if p.code}
    names = {normalise(p.name) for p in present}
    return [
        o for o in official_provinces() if o.code not in codes and normalise(o.name) not in names
    ]


def official_province_choices() -> list[tuple[OfficialProvince, bool]]:
    """The 34 official provinces for a select, each with True when it is on the instance
    already; those not on it first, each part by name."""
    missing = {o.code for o in missing_official_provinces()}
    ordered = sorted(
        official_provinces(), key=lambda o: (o.code not in missing, normalise(o.short_name))
    )
    return [(o, o.code not in missing) for o in ordered]


def seed_province(code_or_name: str, actor) -> SeedResult:
    """Add the official province ``code_or_name`` with its communes/wards where absent
    (idempotent, keyed by official code: ``contest areas seed --province``); audited by the
    seeding when anything was created."""
    try:
        return seed_official_province(code_or_name, actor)
    except UnknownProvince as error:
        raise AreaError(error.message) from None


def instance_province(name: str) -> Area:
    """The province on the instance that ``name`` designates, typed as for ``areas seed``
    ("Tuyên Quang", "tinh tuyen quang", "Thành phố Hà Nội", "08"): the province with that
    official code, else a root province with that name. :class:`AreaError` (Vietnamese) when
    the name is no province, or that province is not on the instance yet."""
    wanted = normalise(name)
    roots = instance_provinces()
    try:
        official = find_province(name)
    except UnknownProvince as error:
        by_name = [p for p in roots if normalise(p.name) == wanted]
        if len(by_name) == 1:
            return by_name[0]
        raise AreaError(error.message) from None
    for province in roots:
        if province.code == official.code:
            return province
    same = [p for p in roots if not p.code and normalise(p.name) == normalise(official.name)]
    if len(same) == 1:
        return same[0]
    if same:
        raise AreaError(
            _l(
                "Có %(n)d tỉnh, thành phố cùng tên “%(name)s”; hãy đổi tên cho khác nhau.",
                n=len(same),
                name=official.short_name,
            )
        )
    raise AreaError(
        _l(
            "%(name)s chưa có trên hệ thống. Quản trị hệ thống thêm tỉnh, thành phố ở trang "
            "“Tỉnh, thành phố” hoặc bằng lệnh contest areas seed --province.",
            name=official.name,
        )
    )


def _province(area: Area | None) -> Area:
    if area is None or area.parent_id is not None or area.level != AreaLevel.PROVINCE.value:
        raise AreaError(_l("Không có tỉnh, thành phố này."))
    return area


def bind_organizer(province: Area, user: User | None, actor) -> UserRole:
    """Make ``user`` an organizer of ``province``: a new organizer role naming it, or the
    user's instance-wide organizer role narrowed to it. Refused for an administrator (who
    reaches every province anyway) and for an organizer of another province (unbind first)."""
    province = _province(province)
    if user is None:
        raise AreaError(
            _l(
                "Không có tài khoản với địa chỉ e-mail này. Hãy mời người đó ở trang "
                "“Lời mời” (vai trò Ban Tổ chức) rồi gắn với tỉnh."
            )
        )
    if Role.ADMIN.value in user.role_names:
        raise AreaError(
            _l(
                "%(email)s là quản trị hệ thống, đã có quyền trên mọi tỉnh, thành phố.",
                email=user.email,
            )
        )
    row = next((r for r in user.roles if r.role == Role.ORGANIZER.value), None)
    before = None
    if row is None:
        row = UserRole(role=Role.ORGANIZER.value, area_id=province.id)
        user.roles.append(row)
    elif row.area_id == province.id:
        raise AreaError(
            _l(
                "%(email)s đã thuộc Ban Tổ chức của %(province)s.",
                email=user.email,
                province=province.name,
            )
        )
    elif row.area_id is not None:
        other = db.session.get(Area, row.area_id)
        raise AreaError(
            _l(
                "%(email)s đang thuộc Ban Tổ chức của %(other)s. Hãy gỡ khỏi tỉnh đó trước.",
                email=user.email,
                other=other.name if other else "?",
            )
        )
    else:
        before = {"area_id": None}
        row.area_id = province.id
    db.session.flush()
    record(
        actor,
        "province.organizer_bind",
        "user",
        user.id,
        email=user.email,
        province_id=province.id,
        name=province.name,
        before=before,
    )
    return row


def unbind_organizer(province: Area, user: User | None, actor) -> None:
    """Take ``user``'s organizer role of ``province`` away (their other roles stay). The role
    is removed rather than made instance-wide: unbinding never widens what someone reaches."""
    province = _province(province)
    row = (
        next(
            (r for r in user.roles if r.role == Role.ORGANIZER.value and r.area_id == province.id),
            None,
        )
        if user is not None
        else None
    )
    if user is None or row is None:
        raise AreaError(
            _l("Người này không thuộc Ban Tổ chức của %(province)s.", province=province.name)
        )
    user.roles.remove(row)
    db.session.flush()
    record(
        actor,
        "province.organizer_unbind",
        "user",
        user.id,
        email=user.email,
        province_id=province.id,
        name=province.name,
    )
