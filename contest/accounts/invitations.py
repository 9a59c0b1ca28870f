"""Invitations of judges and district coordinators by organizers.

An invited person who has no password yet gets a single-use link to choose one; someone who
already has an account just gets the new role (and a note by e-mail). Functions flush, never
commit, and raise :class:`~contest.accounts.operations.AccountError` when refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import contains_eager

from ..areas.models import Area
from ..audit.operations import record
from ..extensions import db
from ..timeutil import utcnow
from .models import AuthToken, Role, TokenPurpose, User, UserRole
from .operations import (
    INVALID_LINK,
    INVITABLE_ROLES,
    PASSWORD_RULE,
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


def _fresh_invitation_token(user: User, now: datetime) -> str:
    """Void the user's unused invitation links (marked used) and issue a new one."""
    void_tokens(user, TokenPurpose.INVITATION, now)
    return issue_token(
        user, TokenPurpose.INVITATION, int(current_app.config["INVITATION_MAX_AGE"]), now
    )


def invite(
    actor: User,
    email: str,
    full_name: str,
    role: str,
    area: Area | None = None,
    now: datetime | None = None,
) -> Invitation:
    """Invite a judge or a coordinator: the account is created without a password when new,
    the role is added (never twice), and an invitation token is issued unless the person
    already has a password. Audited."""
    now = now or utcnow()
    role = str(role)
    if role not in INVITABLE_ROLES:
        raise AccountError(_l("Chỉ mời được giám khảo hoặc điều phối viên."), field="role")
    email = normalize_email(email)
    user = find_user(email)
    created = user is None
    if created:
        user = User(email=email, full_name=(full_name or "").strip())
        db.session.add(user)
    elif not user.is_active:
        raise AccountError(_l("Tài khoản %(email)s đang bị khoá.", email=email), field="email")
    elif full_name and not user.full_name:
        user.full_name = full_name.strip()
    role_added = add_role(user, role, area)
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
        created=created,
        role_added=role_added,
        link_sent=token is not None,
    )
    return Invitation(user, role, created, role_added, token)


def resend_invitation(actor: User, token_id: int, now: datetime | None = None) -> Invitation:
    """Send a pending invitation again with a new link (the old link stops working)."""
    now = now or utcnow()
    old = db.session.get(AuthToken, token_id)
    if old is None or old.purpose != TokenPurpose.INVITATION.value or old.used_at is not None:
        raise AccountError(_l("Lời mời này không còn chờ nhận."))
    user = old.user
    if user.password_hash or not user.is_active:
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


def pending_invitations(limit: int = 200) -> list[AuthToken]:
    """Invitations not accepted yet (newest first; expired ones included, to be resent)."""
    return list(
        db.session.execute(
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
            .order_by(AuthToken.created_at.desc(), AuthToken.id.desc())
            .limit(limit)
        ).scalars()
    )
