"""Personal access tokens: create (the secret is returned once), list, revoke, authenticate.

* Admins, organizers, coordinators and judges may hold tokens (:data:`ELIGIBLE_ROLES`);
  entrants may not. A token acts as its owner, with the owner's roles *now*: a user who lost
  every eligible role, or whose account was disabled, cannot use their tokens any more.
* The secret is ``ctk_`` followed by 43 URL-safe characters (256 random bits); only its
  SHA-256 digest is stored, so a leaked database reveals no usable token.
* Expiry: 1 to :data:`MAX_DAYS` days. Revoking is immediate and cannot be undone.
* The last use (moment and address) is written at most once per :data:`TOUCH_INTERVAL`.

Operations flush; the caller commits.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import select, update

from ..accounts.models import Role, User
from ..audit.operations import record
from ..errors import UserError
from ..extensions import db
from ..timeutil import utcnow
from .models import ApiToken, TokenScope

PREFIX = "ctk_"
MAX_DAYS = 366
ELIGIBLE_ROLES = (Role.ADMIN, Role.ORGANIZER, Role.COORDINATOR, Role.JUDGE)
TOUCH_INTERVAL = timedelta(minutes=1)
MAX_ACTIVE_PER_USER = 20


class TokenRefused(UserError):
    """A token cannot be created or revoked; ``message`` is for the user."""


@dataclass(frozen=True)
class NewToken:
    """A token just created and its secret (shown once, never stored)."""

    token: ApiToken
    secret: str


def digest(secret: str) -> str:
    """The stored form of ``secret``."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def may_hold_tokens(user) -> bool:
    """True when ``user`` may create and use personal access tokens."""
    return bool(getattr(user, "is_authenticated", False)) and user.has_role(*ELIGIBLE_ROLES)


def active_tokens(user: User, now: datetime | None = None) -> list[ApiToken]:
    """The user's tokens that are neither revoked nor expired, newest first."""
    now = now or utcnow()
    return list(
        db.session.scalars(
            select(ApiToken)
            .where(
                ApiToken.user_id == user.id,
                ApiToken.revoked_at.is_(None),
                ApiToken.expires_at > now,
            )
            .order_by(ApiToken.id.desc())
        )
    )


def create_token(
    user: User, name: str, scope: str, days: int, now: datetime | None = None
) -> NewToken:
    """Create a token for ``user`` (checked: eligible role, name, scope, expiry). Flushes."""
    now = now or utcnow()
    name = " ".join((name or "").split())
    if not may_hold_tokens(user):
        raise TokenRefused(_("Tài khoản của bạn không được dùng khoá truy cập API."))
    if not name or len(name) > 100:
        raise TokenRefused(_("Tên khoá phải có từ 1 đến 100 ký tự."))
    if scope not in {s.value for s in TokenScope}:
        raise TokenRefused(_("Phạm vi của khoá không hợp lệ."))
    if not isinstance(days, int) or not 1 <= days <= MAX_DAYS:
        raise TokenRefused(_("Thời hạn phải từ 1 đến %(max)d ngày.", max=MAX_DAYS))
    if len(active_tokens(user, now)) >= MAX_ACTIVE_PER_USER:
        raise TokenRefused(
            _("Bạn đã có %(n)d khoá đang dùng: hãy thu hồi bớt.", n=MAX_ACTIVE_PER_USER)
        )
    secret = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user_id=user.id,
        name=name,
        digest=digest(secret),
        prefix=secret[: len(PREFIX) + 4],
        scope=scope,
        created_at=now,
        expires_at=now + timedelta(days=days),
    )
    db.session.add(token)
    db.session.flush()
    record(user, "api.token_create", "api_token", token.id, name=name, scope=scope, days=days)
    return NewToken(token, secret)


def revoke_token(user: User, token_id: int, now: datetime | None = None) -> ApiToken:
    """Revoke the user's own token ``token_id`` (another user's token does not exist for
    them). Revoking twice is harmless. Flushes."""
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != user.id:
        raise TokenRefused(_("Không tìm thấy khoá này."))
    if token.revoked_at is None:
        token.revoked_at = now or utcnow()
        db.session.flush()
        record(user, "api.token_revoke", "api_token", token.id, name=token.name)
    return token


def authenticate(secret: str, now: datetime | None = None) -> ApiToken | None:
    """The usable token whose secret is ``secret`` and whose owner may still use it, or
    None (unknown, revoked, expired, owner disabled or no longer eligible)."""
    if not secret or not secret.startswith(PREFIX) or len(secret) > 200:
        return None
    now = now or utcnow()
    token = db.session.scalar(select(ApiToken).where(ApiToken.digest == digest(secret)))
    if token is None or not token.usable(now):
        return None
    owner = db.session.get(User, token.user_id)
    if owner is None or not owner.is_active or not owner.has_role(*ELIGIBLE_ROLES):
        return None
    return token


def touch(token: ApiToken, ip: str, now: datetime | None = None) -> bool:
    """Record the use of ``token`` from ``ip`` (at most once per :data:`TOUCH_INTERVAL`,
    or when the address changes). Returns True when a row was written; the caller commits."""
    now = now or utcnow()
    ip = (ip or "")[:64]
    if (
        token.last_used_at is not None
        and now - token.last_used_at < TOUCH_INTERVAL
        and token.last_used_ip == ip
    ):
        return False
    db.session.execute(
        update(ApiToken).where(ApiToken.id == token.id).values(last_used_at=now, last_used_ip=ip)
    )
    token.last_used_at, token.last_used_ip = now, ip
    return True
