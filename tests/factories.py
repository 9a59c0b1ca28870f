"""Test data builders (they commit)."""

from __future__ import annotations

import itertools

from contest.accounts.models import Role, User, UserRole
from contest.accounts.passwords import hash_password
from contest.areas.models import Area, AreaLevel
from contest.extensions import db

PASSWORD = "mật khẩu đúng 123"
_counter = itertools.count(1)
_hash_cache: dict[str, str] = {}


def _hash(password: str) -> str:
    if password not in _hash_cache:
        _hash_cache[password] = hash_password(password)
    return _hash_cache[password]


def make_area(name: str = "Tuyên Quang", level: str = AreaLevel.PROVINCE, parent=None) -> Area:
    area = Area(name=name, level=str(level), parent=parent)
    db.session.add(area)
    db.session.commit()
    return area


def make_user(
    email: str | None = None,
    roles: tuple[str, ...] = (Role.ENTRANT,),
    password: str | None = PASSWORD,
    full_name: str = "Nguyễn Văn An",
    area: Area | None = None,
    active: bool = True,
) -> User:
    """A committed user with ``roles``; coordinators are bound to ``area`` (made if absent)."""
    n = next(_counter)
    user = User(
        email=email or f"user{n}@example.vn",
        full_name=full_name,
        password_hash=_hash(password) if password else None,
        is_active_account=active,
    )
    for role in roles:
        role_area = None
        if role == Role.COORDINATOR:
            role_area = area or make_area(f"Huyện thử {n}", AreaLevel.DISTRICT)
        user.roles.append(UserRole(role=str(role), area=role_area))
    db.session.add(user)
    db.session.commit()
    return user


def one_user_per_role() -> dict[str, User]:
    province = make_area("Tuyên Quang", AreaLevel.PROVINCE)
    district = make_area("Yên Sơn", AreaLevel.DISTRICT, parent=province)
    return {
        role.value: make_user(
            email=f"{role.value}@example.vn",
            roles=(role,),
            full_name=f"Người dùng {role.value}",
            area=district if role == Role.COORDINATOR else None,
        )
        for role in Role
    }
