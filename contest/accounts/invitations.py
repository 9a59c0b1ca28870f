"""Invitations of judges, coordinators and organizers by organizers.

An invited person who has no password yet gets a single-use link to choose one; someone who
already has an account just gets the new role (and a note by e-mail). Functions flush, never
commit, and raise :class:`~contest.accounts.operations.AccountError` when refused.

Several provinces on one instance (:mod:`contest.areas.provinces`): an organizer bound to a
province gives the organizers and judges they invite that province, and may bind a
coordinator only to an area inside it; an administrator or an instance-wide organizer may
choose the province (none: instance-wide).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import contains_eager

from ..areas.models import Area, AreaLevel
from ..areas.provinces import binding_of, people_of_province, reaches_area
from ..audit.operations import record
from ..extensions import db
from ..timeutil import utcnow
from .models import AuthToken, Role, TokenPurpose, User, UserRole
from .operations import (
    INVALID_LINK,
    INVITABLE_ROLES,
    PASSWORD_RULE,
    PROVINCE_ROLES,
    AccountError,
    add_role,
    find_user,
    flush_new_user,
    normalize_email,
    password_problem,
    set_password,
    sorted_roles,
)
from .session_auth import revoke_all_sessions
from .tokens import find_valid_token, issue_token, use_token, void_tokens


@dataclass
class Invitation:
    """The outcome of :func:`invite`: ``token`` is None when the person already has a
    password (they are told of the new role and log in as usual)."""

    user: User
    role: str
    created: bool
    role_added: bool
    token: str | None
    province: Area | None = None


def _fresh_invitation_token(user: User, now: datetime) -> str:
    """Void the user's unused invitation links (marked used) and issue a new one."""
    void_tokens(user, TokenPurpose.INVITATION, now)
    return issue_token(
        user, TokenPurpose.INVITATION, int(current_app.config["INVITATION_MAX_AGE"]), now
    )


def invitation_province(
    actor: User, role: str, area: Area | None, province: Area | None
) -> Area | None:
    """The province an invited organizer or judge is bound to (None: instance-wide, and
    always None for a coordinator, whose ``area`` says where they work).

    An organizer bound to a province invites into it only: their province is given
    whatever was asked, another one is refused, and a coordinator's ``area`` must lie inside
    it. Anyone instance-wide may choose any province of the instance, or none."""
    binding = binding_of(actor)
    if role not in PROVINCE_ROLES:
        if binding is not None and area is not None and not reaches_area(actor, area.id):
            raise AccountError(
                _l("Bạn chỉ mời được điều phối viên của địa bàn thuộc tỉnh mình."), field="area"
            )
        return None
    if binding is not None:
        if province is not None and province.id != binding.province_id:
            raise AccountError(
                _l("Bạn chỉ mời được người vào tỉnh, thành phố của mình."), field="province"
            )
        return db.session.get(Area, binding.province_id)
    if province is not None and (
        province.parent_id is not None or province.level != AreaLevel.PROVINCE.value
    ):
        raise AccountError(_l("Tỉnh, thành phố không hợp lệ."), field="province")
    return province


def invite(
    actor: User,
    email: str,
    full_name: str,
    role: str,
    area: Area | None = None,
    now: datetime | None = None,
    province: Area | None = None,
) -> Invitation:
    """Invite a judge, a coordinator or an organizer: the account is created without a
    password when new, the role is added (never twice), and an invitation token is issued
    unless the person already has a password. An organizer or a judge is bound to a province
    as :func:`invitation_province` decides. Audited."""
    now = now or utcnow()
    role = str(role)
    if role not in INVITABLE_ROLES:
        raise AccountError(
            _l("Chỉ mời được giám khảo, điều phối viên hoặc thành viên Ban Tổ chức."),
            field="role",
        )
    province = invitation_province(actor, role, area, province)
    email = normalize_email(email)
    user = find_user(email)
    created = user is None
    if user is None:
        user = User(email=email, full_name=(full_name or "").strip())
        db.session.add(user)
    elif not user.is_active:
        raise AccountError(_l("Tài khoản %(email)s đang bị khoá.", email=email), field="email")
    elif full_name and not user.full_name:
        user.full_name = full_name.strip()
    role_added = add_role(user, role, area, province=province)
    if created:
        flush_new_user()
    else:
        db.session.flush()
    token = None if user.password_hash else _fresh_invitation_token(user, now)
    record(
        actor,
        "user.invite",
        "user",
        user.id,
        email=email,
        role=role,
        area_id=area.id if area and role == Role.COORDINATOR.value else None,
        province_id=province.id if province else None,
        created=created,
        role_added=role_added,
        link_sent=token is not None,
    )
    return Invitation(user, role, created, role_added, token, province)


def resend_invitation(actor: User, token_id: int, now: datetime | None = None) -> Invitation:
    """Send a pending invitation again with a new link (the old link stops working)."""
    now = now or utcnow()
    old = db.session.get(AuthToken, token_id)
    if old is None or old.purpose != TokenPurpose.INVITATION.value or old.used_at is not None:
        raise AccountError(_l("Lời mời này không còn chờ nhận."))
    user = old.user
    if user.password_hash or not user.is_active or not _in_reach(actor, user):
        raise AccountError(_l("Lời mời này không còn chờ nhận."))
    token = _fresh_invitation_token(user, now)
    role = next((r.role for r in sorted_roles(user) if r.role in INVITABLE_ROLES), "")
    record(actor, "user.invite_resend", "user", user.id, email=user.email)
    return Invitation(user, role, False, False, token)


def accept_invitation(raw: str, password: str, now: datetime | None = None) -> User:
    """Set the invited person's password with invitation token ``raw`` (used up)."""
    now = now or utcnow()
    token = find_valid_token(raw, TokenPurpose.INVITATION, now)
    if token is None:
        raise AccountError(INVALID_LINK)
    if password_problem(password):
        raise AccountError(PASSWORD_RULE, field="password")
    if not use_token(token, now):
        raise AccountError(INVALID_LINK)
    user = token.user
    set_password(user, password)
    revoke_all_sessions(user)
    record(user, "user.accept_invitation", "user", user.id)
    db.session.flush()
    return user


def _in_reach(actor: User, user: User) -> bool:
    """True when ``actor`` may see ``user``'s invitation: anyone instance-wide; an organizer
    bound to a province only the people of that province."""
    binding = binding_of(actor)
    if binding is None:
        return True
    return user.id in set(db.session.scalars(people_of_province(binding.province_id)))


def pending_invitations(limit: int = 200, actor: User | None = None) -> list[AuthToken]:
    """Invitations not accepted yet (newest first; expired ones included, to be resent); for
    an ``actor`` bound to a province, only those of its people."""
    stmt = (
        select(AuthToken)
        .join(AuthToken.user)
        .options(
            contains_eager(AuthToken.user).selectinload(User.roles).selectinload(UserRole.area)
        )
        .where(
            AuthToken.purpose == TokenPurpose.INVITATION.value,
            AuthToken.used_at.is_(None),
            User.password_hash.is_(None),
        )
    )
    binding = binding_of(actor)
    if binding is not None:
        stmt = stmt.where(User.id.in_(people_of_province(binding.province_id)))
    return list(
        db.session.execute(
            stmt.order_by(AuthToken.created_at.desc(), AuthToken.id.desc()).limit(limit)
        ).scalars()
    )
