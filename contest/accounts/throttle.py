"""Login throttling from the recorded :class:`LoginAttempt` rows.

A login is refused, even with the right password, while there are at least
``LOGIN_THROTTLE_FAILURES`` failed attempts within the last ``LOGIN_THROTTLE_WINDOW`` seconds
for the same e-mail address *or* from the same network address. Every attempt is recorded,
refused ones included (as failures), so someone who keeps guessing keeps the lock closed; the
owner can still reset the password by e-mail.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete, select

from ..extensions import db
from ..timeutil import utcnow
from .models import LoginAttempt


def _limits() -> tuple[int, timedelta]:
    """The configured number of failures and the window they are counted in."""
    cfg = current_app.config
    return int(cfg["LOGIN_THROTTLE_FAILURES"]), timedelta(seconds=int(cfg["LOGIN_THROTTLE_WINDOW"]))


def record_attempt(email: str, ip: str, success: bool, now: datetime | None = None) -> LoginAttempt:
    """Add one login attempt for ``email`` from ``ip`` (flushes, the caller commits)."""
    attempt = LoginAttempt(
        email=(email or "")[:254], ip=(ip or "")[:64], success=success, at=now or utcnow()
    )
    db.session.add(attempt)
    db.session.flush()
    return attempt


def retry_at(email: str, ip: str, now: datetime | None = None) -> datetime | None:
    """When logins for ``email`` from ``ip`` may be tried again, or None if not throttled.

    For each key (e-mail, address) the most recent ``limit`` failures inside the window are
    read; if there are ``limit`` of them, the key is locked until the oldest of those leaves
    the window. An empty key (unknown address) is not counted, so unrelated clients are never
    lumped together.
    """
    now = now or utcnow()
    limit, window = _limits()
    if limit <= 0:
        return None
    until: datetime | None = None
    for column, value in ((LoginAttempt.email, email), (LoginAttempt.ip, ip)):
        if not value:
            continue
        times = (
            db.session.execute(
                select(LoginAttempt.at)
                .where(
                    column == value,
                    LoginAttempt.success.is_(False),
                    LoginAttempt.at > now - window,
                )
                .order_by(LoginAttempt.at.desc())
                .limit(limit)
            )
            .scalars()
            .all()
        )
        if len(times) >= limit:
            candidate = times[-1] + window
            if until is None or candidate > until:
                until = candidate
    return until


def purge_attempts(older_than: timedelta, now: datetime | None = None) -> int:
    """Delete attempts older than ``older_than`` (they no longer count); return how many."""
    cutoff = (now or utcnow()) - older_than
    result = db.session.execute(delete(LoginAttempt).where(LoginAttempt.at < cutoff))
    return result.rowcount or 0
