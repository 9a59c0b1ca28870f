"""E-mailed single-use tokens (password reset, invitation).

The raw token (``secrets.token_urlsafe(32)``) only ever travels in the e-mailed link; the
database keeps its SHA-256 digest, so a leaked table cannot be turned into working links.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from flask import current_app
from itsdangerous import BadData, URLSafeTimedSerializer
from sqlalchemy import select, update

from ..extensions import db
from ..models_common import execute_dml
from ..timeutil import utcnow
from .models import AuthToken, User

# A token in a URL is 43 characters; anything much longer is not one of ours.
MAX_TOKEN_LENGTH = 100


def token_digest(raw: str) -> str:
    """The SHA-256 hex digest stored instead of the token itself."""
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def issue_token(user: User, purpose: str, max_age: int, now: datetime | None = None) -> str:
    """Create a single-use token for ``user`` valid ``max_age`` seconds; return the raw token
    (only its digest is stored, so it can be e-mailed but never read back)."""
    now = now or utcnow()
    raw = secrets.token_urlsafe(32)
    db.session.add(
        AuthToken(
            digest=token_digest(raw),
            purpose=str(purpose),
            user_id=user.id,
            created_at=now,
            expires_at=now + timedelta(seconds=max_age),
        )
    )
    db.session.flush()
    return raw


def find_valid_token(raw: str, purpose: str, now: datetime | None = None) -> AuthToken | None:
    """The unused, unexpired token ``raw`` of ``purpose`` whose user is active, or None."""
    if not raw or len(raw) > MAX_TOKEN_LENGTH:
        return None
    now = now or utcnow()
    token = db.session.execute(
        select(AuthToken).where(
            AuthToken.digest == token_digest(raw), AuthToken.purpose == str(purpose)
        )
    ).scalar_one_or_none()
    if token is None or token.used_at is not None or token.expires_at <= now:
        return None
    if not token.user.is_active:
        return None
    return token


def use_token(token: AuthToken, now: datetime | None = None) -> bool:
    """Mark ``token`` used, atomically: of two concurrent uses only the first gets True."""
    claimed = execute_dml(
        update(AuthToken)
        .where(AuthToken.id == token.id, AuthToken.used_at.is_(None))
        .values(used_at=now or utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.refresh(token)
    return claimed == 1


def void_tokens(user: User, purpose: str, now: datetime | None = None) -> None:
    """Mark every unused token of ``purpose`` of ``user`` used: those links stop working."""
    db.session.execute(
        update(AuthToken)
        .where(
            AuthToken.user_id == user.id,
            AuthToken.purpose == str(purpose),
            AuthToken.used_at.is_(None),
        )
        .values(used_at=now or utcnow())
        .execution_options(synchronize_session="fetch")
    )


# --- E-mail confirmation of a self-registration ---------------------------------------------

CONFIRM_SALT = "accounts.confirm-email"


def _confirm_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=CONFIRM_SALT)


def confirmation_token(user: User) -> str:
    """A signed link token confirming ``user``'s address (nothing stored: confirming twice
    does nothing more)."""
    return _confirm_serializer().dumps({"u": user.id, "e": user.email})


def confirmed_user(raw: str, max_age: int) -> User | None:
    """The active user a confirmation token of at most ``max_age`` seconds names, or None."""
    if not raw or len(raw) > 4 * MAX_TOKEN_LENGTH:
        return None
    try:
        data = _confirm_serializer().loads(raw, max_age=max_age)
    except BadData:
        return None
    user = db.session.get(User, data.get("u")) if isinstance(data, dict) else None
    if user is None or user.email != data.get("e") or not user.is_active:
        return None
    return user
