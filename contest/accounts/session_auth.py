"""Server-side login sessions behind Flask-Login.

The identity stored in the cookie (and in the remember-me cookie) is ``"<user id>:<session
key>"``. Each login creates a :class:`LoginSession` row; logging out or changing the password
revokes rows, so a replayed old cookie loads no user and the request is anonymous.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from flask import Flask, request, session
from flask_babel import lazy_gettext as _l
from flask_login import login_user, logout_user
from sqlalchemy import select, update
from sqlalchemy.orm import joinedload

from ..extensions import db, login_manager
from ..models_common import execute_dml
from ..timeutil import utcnow
from .models import LoginSession, User

TOUCH_INTERVAL = timedelta(minutes=5)


def init(app: Flask) -> None:
    """Configure Flask-Login for the app."""
    login_manager.login_view = "accounts.login"
    login_manager.login_message = _l("Vui lòng đăng nhập để tiếp tục.")
    login_manager.login_message_category = "warning"
    login_manager.session_protection = "basic"


@login_manager.user_loader
def load_user(identity: str) -> User | None:
    """Load the user named by ``identity`` if its login session is still valid."""
    user_id, _, key = identity.partition(":")
    if not user_id.isdigit() or not key:
        return None
    from ..contests.tenancy import ALL_PROVINCES

    # One statement for the session, its user and the user's roles (every logged-in
    # request pays it). None of them is an edition, so the province rule does not
    # apply; asking it would load this very user a second time (the rule reads the user).
    found = (
        db.session.execute(
            select(LoginSession, User)
            .join(User, User.id == LoginSession.user_id)
            .where(
                LoginSession.key == key,
                LoginSession.user_id == int(user_id),
                LoginSession.revoked_at.is_(None),
            )
            .options(joinedload(User.roles))
            .execution_options(**{ALL_PROVINCES: True})
        )
        .unique()
        .all()  # (all rows: a joined collection is complete only once every row is read)
    )
    if not found:
        return None
    row, user = found[0]
    if not user.is_active:
        return None
    user.current_session_key = key
    now = utcnow()
    if now - row.last_seen_at > TOUCH_INTERVAL:
        row.last_seen_at = now
        db.session.commit()
    return user


def start_session(user: User, remember: bool = False) -> LoginSession:
    """Log ``user`` in under a brand-new session (old session data is dropped, except the
    language chosen before logging in, which the user keeps), and commit."""
    chosen_language = session.get("lang")
    session.clear()
    if chosen_language:
        session["lang"] = chosen_language
        if not user.locale:
            user.locale = chosen_language
    row = LoginSession(
        key=secrets.token_urlsafe(32),
        user_id=user.id,
        ip=(request.remote_addr or "")[:64],
        user_agent=(request.user_agent.string or "")[:300],
    )
    db.session.add(row)
    user.last_login_at = utcnow()
    db.session.commit()
    user.current_session_key = row.key
    login_user(user, remember=remember)
    return row


def end_session(user: User) -> None:
    """Revoke the current login session and log out (the caller commits)."""
    if user.current_session_key:
        db.session.execute(
            update(LoginSession)
            .where(LoginSession.key == user.current_session_key)
            .values(revoked_at=utcnow())
        )
    logout_user()
    # Flask-Login marks the remember-me cookie for deletion in the session; keep that mark
    # through the clear, or the (revoked, harmless) cookie would stay in the browser.
    clear_remember = session.get("_remember") == "clear"
    session.clear()
    if clear_remember:
        session["_remember"] = "clear"


def revoke_all_sessions(user: User, keep_key: str | None = None) -> int:
    """Revoke every login session of ``user`` except ``keep_key``; return how many."""
    stmt = (
        update(LoginSession)
        .where(LoginSession.user_id == user.id, LoginSession.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )
    if keep_key:
        stmt = stmt.where(LoginSession.key != keep_key)
    return execute_dml(stmt).rowcount or 0
