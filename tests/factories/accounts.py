"""Accounts: users and their roles, login sessions and attempts, e-mailed tokens, the second
factor (credential, recovery codes, remembered devices, required roles)."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from contest.accounts.models import (
    AuthToken,
    LoginAttempt,
    LoginSession,
    Role,
    TokenPurpose,
    User,
    UserRole,
)
from contest.accounts.passwords import hash_password
from contest.accounts.two_factor_models import (
    RecoveryCode,
    RememberedDevice,
    TwoFactorCredential,
    TwoFactorRequirement,
)
from contest.areas.models import Area, AreaLevel
from contest.timeutil import utcnow

from .areas import make_area
from .base import apply, done, save, seq

PASSWORD = "mật khẩu đúng 123"
_hash_cache: dict[str, str] = {}


def _hash(password: str) -> str:
    if password not in _hash_cache:
        _hash_cache[password] = hash_password(password)
    return _hash_cache[password]


def _digest() -> str:
    return hashlib.sha256(secrets.token_bytes(32)).hexdigest()


def make_user(
    email: str | None = None,
    roles: tuple[str, ...] = (Role.ENTRANT,),
    password: str | None = PASSWORD,
    full_name: str = "Nguyễn Văn An",
    area: Area | None = None,
    active: bool = True,
    *,
    commit: bool = True,
    **attrs,
) -> User:
    """A user with ``roles``; coordinators are bound to ``area`` (made if absent). ``attrs``
    set other columns (``phone``, ``unit_name``, ``area_id``, ``expertise`` …)."""
    n = seq()
    user = User(
        email=email or f"user{n}@example.vn",
        full_name=full_name,
        password_hash=_hash(password) if password else None,
        is_active_account=active,
    )
    apply(user, attrs)
    for role in roles:
        role_area = None
        if role == Role.COORDINATOR:
            role_area = area or make_area(f"Huyện thử {n}", AreaLevel.DISTRICT, commit=commit)
        user.roles.append(UserRole(role=str(role), area=role_area))
    return save(user, commit)


def one_user_per_role() -> dict[str, User]:
    """One user per role (``<role>@example.vn``); the coordinator is bound to Yên Sơn, a
    district of Tuyên Quang."""
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


def make_user_role(
    user: User | None = None,
    role: str = Role.JUDGE,
    area: Area | None = None,
    *,
    group=None,
    commit: bool = True,
) -> UserRole:
    """One more role of ``user`` (a user without roles when absent); a coordinator's role
    gets an area (made when neither ``area`` nor ``group`` is given; a group's role row keeps
    the group's province)."""
    user = user or make_user(roles=(), commit=commit)
    if role == Role.COORDINATOR and area is None:
        area = group.province if group is not None else None
        area = area or make_area(f"Huyện thử {seq()}", AreaLevel.DISTRICT, commit=commit)
    row = UserRole(role=str(role), area=area, group=group)
    user.roles.append(row)
    done(commit)
    return row


def make_login_session(user: User | None = None, *, commit: bool = True, **attrs) -> LoginSession:
    """A server-side login session of ``user`` (what the login form creates); ``attrs``:
    ``ip``, ``user_agent``, ``revoked_at`` …"""
    user = user or make_user(commit=commit)
    row = LoginSession(key=secrets.token_urlsafe(32), user_id=user.id)
    apply(row, attrs)
    return save(row, commit)


def make_login_attempt(
    email: str | None = None,
    ip: str = "203.0.113.7",
    success: bool = False,
    *,
    commit: bool = True,
    **attrs,
) -> LoginAttempt:
    """One login attempt (failed unless ``success``)."""
    row = LoginAttempt(email=email or f"user{seq()}@example.vn", ip=ip, success=success)
    apply(row, attrs)
    return save(row, commit)


def make_auth_token(
    user: User | None = None,
    purpose: str = TokenPurpose.PASSWORD_RESET,
    max_age: int = 3600,
    *,
    commit: bool = True,
    **attrs,
) -> AuthToken:
    """An unused e-mailed token of ``user`` (only a digest: the raw token is never needed)."""
    user = user or make_user(commit=commit)
    now = utcnow()
    row = AuthToken(
        digest=_digest(),
        purpose=str(purpose),
        user_id=user.id,
        created_at=now,
        expires_at=now + timedelta(seconds=max_age),
    )
    apply(row, attrs)
    return save(row, commit)


def make_two_factor_credential(
    user: User | None = None,
    *,
    enabled: bool = True,
    commit: bool = True,
    **attrs,
) -> TwoFactorCredential:
    """A TOTP credential of a staff ``user`` (a judge when absent), turned on unless
    ``enabled`` is False (an enrolment waiting for its first code)."""
    from contest.accounts.two_factor import new_secret

    user = user or make_user(roles=(Role.JUDGE,), commit=commit)
    now = utcnow()
    row = TwoFactorCredential(
        user_id=user.id, secret=new_secret(), created_at=now, enabled_at=now if enabled else None
    )
    apply(row, attrs)
    return save(row, commit)


def make_recovery_code(user: User | None = None, *, commit: bool = True, **attrs) -> RecoveryCode:
    """An unused recovery code of ``user`` (its digest only)."""
    user = user or make_user(roles=(Role.JUDGE,), commit=commit)
    row = RecoveryCode(user_id=user.id, digest=_digest())
    apply(row, attrs)
    return save(row, commit)


def make_remembered_device(
    user: User | None = None, days: int = 30, *, commit: bool = True, **attrs
) -> RememberedDevice:
    """A browser of ``user`` remembered for ``days`` days."""
    user = user or make_user(roles=(Role.JUDGE,), commit=commit)
    now = utcnow()
    row = RememberedDevice(
        user_id=user.id,
        digest=_digest(),
        created_at=now,
        expires_at=now + timedelta(days=days),
        ip="203.0.113.7",
        user_agent="Mozilla/5.0 (thử nghiệm)",
    )
    apply(row, attrs)
    return save(row, commit)


def make_two_factor_requirement(
    role: str = Role.JUDGE,
    set_by: User | None = None,
    *,
    set_at: datetime | None = None,
    commit: bool = True,
) -> TwoFactorRequirement:
    """``role`` must use a second factor (set by ``set_by``, an administrator when absent)."""
    set_by = set_by or make_user(roles=(Role.ADMIN,), full_name="Quản Trị", commit=commit)
    row = TwoFactorRequirement(role=str(role), set_at=set_at or utcnow(), set_by_id=set_by.id)
    return save(row, commit)
